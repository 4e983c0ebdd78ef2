"""Folders joined: an index and its segments read as one (`join_core`, for Store), and
the postings and token analyses of a store with a new segment, one after the other (for
a merge: index.compaction)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.index.blobs import whole
from bot.index.folder import Folder
from bot.index.layout import (
    TOKENS,
    Core,
    language_table,
)
from bot.index.segment import Postings, Segment, empty_postings, merge_postings

if TYPE_CHECKING:
    from bot.index.store import Store


def join_core(folders: Sequence[Folder]) -> tuple[Core, list[str], list[str]]:
    """The folders' Core arrays one after another (numbers shifted as layout.Core says),
    with the sections and languages they name."""
    if len(folders) == 1:
        return folders[0].core, folders[0].sections, folders[0].languages
    languages = sorted({lang for f in folders for lang in f.languages})
    sections: dict[str, int] = {}
    parts: dict[str, list[Any]] = {f.name: [] for f in fields(Core)}
    counts = {"paragraphs": 0, "articles": 0}
    for folder in folders:
        section = np.asarray([sections.setdefault(s, len(sections)) for s in folder.sections]
                             or [0], dtype=np.int32)
        language = np.asarray([languages.index(lang) for lang in folder.languages] or [0],
                              dtype=np.uint8)
        for f in fields(Core):
            value = getattr(folder.core, f.name)
            shift = f.metadata["shift"]
            if f.name == "para_section":
                value = np.where(value >= 0, section[np.maximum(value, 0)], -1)
            elif f.name == "art_lang":
                value = language[value]
            elif shift == "end" and parts[f.name]:
                value = value[1:] + parts[f.name][-1][-1]
            elif shift in counts:
                value = value + counts[shift]
            parts[f.name].append(value)
        counts["paragraphs"] += len(folder.core.para_section)
        counts["articles"] += len(folder.core.art_lang)
    first = folders[0].core
    core = Core(**{name: np.concatenate(values).astype(getattr(first, name).dtype)
                   for name, values in parts.items()})
    return core, list(sections), languages


def merged_tokens(folders: Sequence[Folder], language: str) -> dict[str, str]:
    """The saved analysis of every token the folders saw in `language` (token -> its
    terms, space-separated), the first folder's where they differ."""
    analyses: dict[str, str] = {}
    for folder in folders:
        table = folder.tables.get(language_table(language, TOKENS))
        if table is not None:
            for line in whole(table.lines).decode("utf-8").split("\n")[:-1]:
                token, _, terms = line.partition("\t")
                analyses.setdefault(token, terms)
    return analyses


def merged_postings(store: Store, seg: Segment, language: str) -> Postings:
    """The postings of `language` over the store's documents and then the segment's."""
    index = store.indexes.get(language)
    before = empty_postings()
    if index is not None:
        passages = store.doc_passages[language]
        first = 0
        for k, (terms, offs, docs, tfs, lens) in enumerate(index.parts()):
            part = Postings(vocab=terms, offsets=offs, docs=docs, tfs=tfs, doc_len=lens,
                            passages=passages[first:first + len(lens)])
            before = part if k == 0 else merge_postings(before, part, 0)
            first += len(lens)
    adding = seg.postings.get(language, empty_postings())
    return merge_postings(before, adding, store.stored_passages)
