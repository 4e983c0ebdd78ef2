"""Segments joined to a store: stacked (postings kept apart, for reading) or merged into
one set of arrays (for writing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from bot.index.blobs import Chained
from bot.index.files import open_folder, segment_arrays
from bot.index.manifest import read_manifest
from bot.index.segment import I64, Postings, Segment, empty_postings, max_tf, merge_postings
from bot.index.store import Store


def joined(
    store: Store, new: dict[str, Any], new_sections: list[str], dedupe: bool = True,
) -> tuple[dict[str, Any], list[str]]:
    """The arrays of `store` followed by another store's `new` arrays, postings apart
    (token tables joined; without `dedupe` a token may come twice, with the same terms)."""
    old = store._a
    sections = list(store.sections)
    place = {name: i for i, name in enumerate(sections)}
    remap = np.asarray([place.setdefault(name, len(place)) for name in new_sections] or [0],
                       dtype=np.int32)
    sections = list(place)
    n_para, n_pass, n_art = len(old["para_section"]), len(old["pass_para"]), store.n_articles
    n_sent = len(old["sents"])

    def offsets(key: str) -> I64:
        return np.concatenate((old[key], new[key][1:] + old[key][-1])).astype(np.int64)

    out: dict[str, Any] = {
        "article_ids": "\n".join(store.article_ids + new["article_ids"].split("\n"))
        if new["article_ids"] else old["article_ids"],
        "article_languages": "\n".join(
            store.article_languages + new["article_languages"].split("\n"))
        if new["article_languages"] else old["article_languages"],
        "paragraphs": offsets("paragraphs"),
        "articles": offsets("articles"),
        "para_section": np.concatenate((
            old["para_section"],
            np.where(new["para_section"] >= 0, remap[np.maximum(new["para_section"], 0)], -1),
        )).astype(np.int32),
        "art_para": np.concatenate((old["art_para"], new["art_para"][1:] + n_para)),
        "art_pass": np.concatenate((old["art_pass"], new["art_pass"][1:] + n_pass)),
        "pass_para": np.concatenate((old["pass_para"], new["pass_para"] + n_para)),
        "pass_start": np.concatenate((old["pass_start"], new["pass_start"])),
        "pass_end": np.concatenate((old["pass_end"], new["pass_end"])),
        "pass_part": np.concatenate((old["pass_part"], new["pass_part"])),
        "pass_art": np.concatenate((old["pass_art"], new["pass_art"] + n_art)),
        "sent_off": np.concatenate((old["sent_off"], new["sent_off"][1:] + n_sent)),
        "sents": np.concatenate((old["sents"], new["sents"])),
    }
    languages = {k.rpartition(".")[0] for k in (*old, *new) if k.endswith(".tokens")}
    for language in sorted(languages):
        known = old.get(f"{language}.tokens", "")
        adding = new.get(f"{language}.tokens", "")
        if dedupe and known and adding:
            seen = {line.partition("\t")[0] for line in known.split("\n")}
            adding = "\n".join(line for line in adding.split("\n")
                               if line.partition("\t")[0] not in seen)
        out[f"{language}.tokens"] = "\n".join(t for t in (known, adding) if t)
    return out, sections


def appended(store: Store, seg: Segment) -> tuple[dict[str, Any], list[str]]:
    """The arrays of `store` (with its segments) and the segment's articles, merged into
    one set of arrays (texts and articles apart)."""
    new, _texts, _articles, new_sections = segment_arrays(seg)
    out, sections = joined(store, new, new_sections)
    n_pass = store.n_passages
    for language in sorted(set(store.indexes) | set(seg.postings)):
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
        merged = merge_postings(before, adding, n_pass)
        out[f"{language}.vocab"] = "\n".join(merged.vocab)
        for key, value in (("offsets", merged.offsets), ("docs", merged.docs),
                           ("tfs", merged.tfs), ("doclen", merged.doc_len),
                           ("passages", merged.passages), ("maxtf", max_tf(merged))):
            out[f"{language}.{key}"] = value
    return out, sections


def stacked(base: Store, extra: Store, name: str) -> Store:
    """One store of `base` followed by `extra` (a segment saved in folder `name`), the
    postings kept apart (BM25Index.add): no array of the base is copied but the small
    per-passage ones."""
    arrays, sections = joined(base, extra._a, extra.sections, dedupe=False)
    indexes = {lang: (index, base.doc_passages[lang]) for lang, index in base.indexes.items()}
    n_pass = base.n_passages
    for language, index in extra.indexes.items():
        passages = (extra.doc_passages[language] + n_pass).astype(np.int32)
        if language in indexes:
            whole, known = indexes[language]
            whole.add(list(index.vocab), index.offsets, index.doc_ids, index.tfs, index.doc_len)
            indexes[language] = (whole, np.concatenate((known, passages)).astype(np.int32))
        else:
            indexes[language] = (index, passages)
    manifest = dict(base.manifest)
    manifest.update(
        languages=sorted(indexes), sections=sections,
        # every file the store reads, so that anything keyed on them sees the segment
        arrays={**base.manifest.get("arrays", {}),
                **{f"{name}/{k}": v for k, v in extra.manifest.get("arrays", {}).items()}})
    return Store(arrays, Chained([base._texts, extra._texts]),
                 Chained([base._articles_blob, extra._articles_blob]), manifest, indexes)

def open_store(directory: Path, manifest: dict[str, Any]) -> Store:
    """Memory-map a verified index folder, with the segments appended to it."""
    store = open_folder(directory, manifest)
    for entry in manifest.get("segments", []):
        folder = directory / entry["dir"]
        got = read_manifest(folder, top=False)
        if got is None:
            raise OSError(f"segment {folder} has no manifest")
        store = stacked(store, open_folder(folder, got), entry["dir"])
    return store
