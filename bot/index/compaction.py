"""A merge that drops tombstones: one folder of the live articles of a store (with its
segments) and the articles of a new segment, the dead articles' texts, passages and
postings left out and everything renumbered, so that the tombstones are gone and the
files shrink.

The terms are renumbered in the order they first appear in the live documents (the
tombstones' `order`), and those no live document holds are dropped: the folder is then
what a build of the live articles in this order gives, and BM25Okapi's mean idf is
summed in term order again. Everything here is numpy over whole arrays (texts and
metadata are copied range by range); a merge is rare.
"""

from __future__ import annotations

import json
from dataclasses import fields
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from bot.index.blobs import Chained, Pieces, whole
from bot.index.deletions import Deletions
from bot.index.folder import Folder, files_table, folder_of
from bot.index.joining import join_core, merged_postings, merged_tokens
from bot.index.layout import (
    ARTICLE_FILES,
    ARTICLE_IDS,
    TOKENS,
    VOCAB,
    Core,
    PostingArrays,
    language_table,
)
from bot.index.segment import Postings, Segment, max_tf
from bot.index.strings import StringTable, make_table
from bot.index.vocabulary import make_spell

if TYPE_CHECKING:
    from bot.index.store import Store

I64 = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]


def compacted(store: Store, seg: Segment, deletions: Deletions) -> Folder:
    """One folder of the store's live articles (those `deletions` leaves: it holds the
    store's tombstones and any new ones, with the order of the live terms once `seg`
    is added) followed by the articles of `seg`."""
    new = folder_of(seg)
    folders = [*store.folders, new]
    core, sections, languages = join_core(folders)
    keep = np.ones(len(core.art_lang), dtype=bool)
    keep[deletions.articles] = False
    kept, keep_para, keep_pass = _core(core, keep)
    texts = Pieces(Chained([store.texts, new.texts]), _runs(core.paragraphs, keep_para))
    metadata = Pieces(Chained([store.metadata, new.metadata]), _runs(core.articles, keep))
    tables = {ARTICLE_IDS: make_table([i for i, k in zip(_ids(folders), keep.tolist(),
                                                         strict=True) if k]),
              ARTICLE_FILES: files_table(_file_runs(folders, keep))}
    pass_number = np.cumsum(keep_pass, dtype=np.int64) - 1
    postings: dict[str, PostingArrays] = {}
    spell = {}
    for language in languages:
        p = merged_postings(store, seg, language)
        gone = deletions.languages.get(language)
        if gone is not None:
            p = _live_postings(p, gone.docs, np.asarray(gone.order, dtype=np.int64))
        passages = pass_number[p.passages].astype(np.int32)
        postings[language] = PostingArrays(offsets=p.offsets, docs=p.docs, tfs=p.tfs,
                                           doclen=p.doc_len, passages=passages,
                                           maxtf=max_tf(p))
        tables[language_table(language, VOCAB)] = make_table(p.vocab)
        spell[language] = make_spell(p.vocab)
        tokens = merged_tokens(folders, language)
        tables[language_table(language, TOKENS)] = make_table(list(tokens),
                                                              list(tokens.values()))
    return Folder(kept, texts, metadata, languages, sections, postings, tables, spell)


def _core(core: Core, keep: Mask) -> tuple[Core, Mask, Mask]:
    """The Core arrays of the kept articles, renumbered; which paragraphs and passages
    were kept."""
    para_n = np.diff(core.art_para)
    pass_n = np.diff(core.art_pass)
    keep_para = np.repeat(keep, para_n)
    keep_pass = np.repeat(keep, pass_n)
    sent_n = np.diff(core.sent_off)
    para_number = np.cumsum(keep_para, dtype=np.int64) - 1
    art_number = np.cumsum(keep, dtype=np.int64) - 1
    out = Core(
        paragraphs=_offsets(np.diff(core.paragraphs)[keep_para]),
        para_section=core.para_section[keep_para],
        articles=_offsets(np.diff(core.articles)[keep]),
        art_lang=core.art_lang[keep],
        art_para=_offsets(para_n[keep]),
        art_pass=_offsets(pass_n[keep]),
        pass_para=para_number[core.pass_para[keep_pass]].astype(np.int32),
        pass_start=core.pass_start[keep_pass],
        pass_end=core.pass_end[keep_pass],
        pass_part=core.pass_part[keep_pass],
        pass_art=art_number[core.pass_art[keep_pass]].astype(np.int32),
        sent_off=_offsets(sent_n[keep_pass]),
        sents=core.sents[np.repeat(keep_pass, sent_n)],
    )
    typed = Core(**{f.name: np.asarray(getattr(out, f.name)).astype(
        getattr(core, f.name).dtype) for f in fields(Core)})
    return typed, keep_para, keep_pass


def _offsets(counts: npt.NDArray[Any]) -> I64:
    out = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=out[1:])
    return out


def _runs(offsets: npt.NDArray[Any], keep: Mask) -> list[tuple[int, int]]:
    """The byte ranges of the kept rows (offsets: each row's start, and the end), runs
    of consecutive kept rows as one range."""
    if not len(keep):
        return []
    edges = np.flatnonzero(np.diff(np.concatenate(([0], keep.astype(np.int8), [0]))))
    starts, ends = edges[::2], edges[1::2]
    return [(int(offsets[a]), int(offsets[z])) for a, z in zip(starts, ends, strict=True)]


def _ids(folders: list[Folder]) -> list[str]:
    out: list[str] = []
    for folder in folders:
        out += whole(folder.tables[ARTICLE_IDS].lines).decode("utf-8").split("\n")[:-1]
    return out


def _file_runs(folders: list[Folder], keep: Mask) -> list[list[Any]]:
    """Runs [file, count] of the kept articles' files (index.folder.files_table)."""
    names: list[str] = [""]
    file_of = np.zeros(len(keep), dtype=np.int64)  # 0: no file known
    first = 0
    for folder in folders:
        table = StringTable.of(folder.tables[ARTICLE_FILES], keyed=True)
        for row in range(len(table)):
            names.append(json.loads(table.key(row)))
            numbers = [int(n) for n in table.value(row).split()]
            for lo, count in zip(numbers[::2], numbers[1::2], strict=True):
                file_of[first + lo:first + lo + count] = len(names) - 1
        first += folder.n_articles
    runs: list[list[Any]] = []
    for number in file_of[keep].tolist():
        if runs and runs[-1][0] == names[number]:
            runs[-1][1] += 1
        else:
            runs.append([names[number], 1])
    return runs


def _live_postings(p: Postings, dead: npt.NDArray[Any], order: I64) -> Postings:
    """`p` without the postings of the `dead` documents, the documents renumbered and the
    terms too: term i is order[i] of `p` (the live terms as they first appear)."""
    keep_doc = np.ones(len(p.doc_len), dtype=bool)
    keep_doc[dead] = False
    doc_number = np.cumsum(keep_doc, dtype=np.int64) - 1
    kept = keep_doc[p.docs]
    before = np.zeros(len(kept) + 1, dtype=np.int64)
    np.cumsum(kept, out=before[1:])
    counts = before[p.offsets[1:]] - before[p.offsets[:-1]]  # live postings of each term
    docs = doc_number[p.docs[kept]].astype(np.int32)
    tfs = p.tfs[kept]
    starts = before[p.offsets[:-1]]  # where each term's live postings start in `docs`
    lengths = counts[order]
    offsets = _offsets(lengths)
    gather = (np.repeat(starts[order] - offsets[:-1], lengths)
              + np.arange(int(offsets[-1]), dtype=np.int64))
    return Postings(
        vocab=[p.vocab[t] for t in order.tolist()], offsets=offsets, docs=docs[gather],
        tfs=tfs[gather], doc_len=p.doc_len[keep_doc], passages=p.passages[keep_doc],
        tokens=p.tokens)
