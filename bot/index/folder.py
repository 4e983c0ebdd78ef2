"""What one index folder holds, in memory or memory-mapped: the `Folder` that files.py
writes and opens, and that a built `Segment` becomes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bot.index.blobs import Blob
from bot.index.layout import (
    ARTICLE_FILES,
    ARTICLE_IDS,
    TOKENS,
    VOCAB,
    Core,
    PostingArrays,
    language_table,
)
from bot.index.segment import Segment, max_tf
from bot.index.strings import StringTable, TableArrays, make_table
from bot.index.vocabulary import SpellArrays, make_spell


@dataclass
class Folder:
    """An index folder's contents (layout.py): arrays, texts, string tables."""

    core: Core
    texts: Blob
    metadata: Blob  # articles.jsonl
    languages: list[str]
    sections: list[str]
    postings: dict[str, PostingArrays]
    tables: dict[str, TableArrays]  # article_ids, L.vocab, L.tokens
    spell: dict[str, SpellArrays]
    manifest: dict[str, Any] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)  # saved: its files, by use (warming.py)

    @property
    def n_passages(self) -> int:
        return len(self.core.pass_para)

    @property
    def n_articles(self) -> int:
        return len(self.core.art_lang)


def files_table(runs: Sequence[Sequence[Any]]) -> TableArrays:
    """The `article_files` table of runs [file, count] of consecutive articles: each
    file (as JSON: a name may hold a tab) with the ranges of the articles it holds."""
    ranges: dict[str, list[int]] = {}
    first = 0
    for path, count in runs:
        if count:
            ranges.setdefault(json.dumps(path, ensure_ascii=False), []).extend((first, count))
        first += count
    return make_table(list(ranges), [" ".join(map(str, r)) for r in ranges.values()])


def file_ranges(table: StringTable, path: str) -> list[tuple[int, int]]:
    """The ranges [first, end) of a folder's articles that the file `path` holds."""
    row = table.find(json.dumps(path, ensure_ascii=False))
    if row is None:
        return []
    numbers = [int(n) for n in table.value(row).split()]
    return [(a, a + n) for a, n in zip(numbers[::2], numbers[1::2], strict=True)]


def folder_of(seg: Segment) -> Folder:
    """The folder contents of a built segment (its arrays made once)."""
    sections: dict[str, int] = {}
    para_section = np.asarray(
        [-1 if s is None else sections.setdefault(s, len(sections)) for s in seg.para_section],
        dtype=np.int32)
    para_off = np.zeros(len(seg.para_text) + 1, dtype=np.int64)
    np.cumsum([len(t) for t in seg.para_text], out=para_off[1:])
    art_off = np.zeros(len(seg.metadata) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, seg.metadata), dtype=np.int64, count=len(seg.metadata)),
              out=art_off[1:])
    languages = sorted(seg.postings)
    code = {lang: i for i, lang in enumerate(languages)}
    core = Core(
        paragraphs=para_off, para_section=para_section, articles=art_off,
        art_lang=np.fromiter(map(code.__getitem__, seg.languages), dtype=np.uint8,
                             count=len(seg.languages)),
        art_para=np.asarray(seg.art_para, dtype=np.int64),
        art_pass=np.asarray(seg.art_pass, dtype=np.int64),
        pass_para=np.asarray(seg.pass_para, dtype=np.int32),
        pass_start=np.asarray(seg.pass_start, dtype=np.int32),
        pass_end=np.asarray(seg.pass_end, dtype=np.int32),
        pass_part=np.asarray(seg.pass_part, dtype=np.int32),  # int16 overflowed
        pass_art=np.asarray(seg.pass_art, dtype=np.int32),
        sent_off=np.asarray(seg.sent_off, dtype=np.int64),
        sents=np.asarray(seg.sents, dtype=np.int32).reshape(-1, 2),
    )
    tables = {ARTICLE_IDS: make_table(seg.ids), ARTICLE_FILES: files_table(seg.files)}
    postings: dict[str, PostingArrays] = {}
    spell: dict[str, SpellArrays] = {}
    for language, p in seg.postings.items():
        postings[language] = PostingArrays(
            offsets=p.offsets, docs=p.docs, tfs=p.tfs, doclen=p.doc_len, passages=p.passages,
            maxtf=max_tf(p))
        tables[language_table(language, VOCAB)] = make_table(p.vocab)
        tables[language_table(language, TOKENS)] = make_table(
            list(p.tokens), [" ".join(terms) for terms in p.tokens.values()])
        spell[language] = make_spell(p.vocab)
    return Folder(core, b"".join(seg.para_text), b"".join(seg.metadata), languages,
                  list(sections),
                  postings, tables, spell)
