"""What a build of some articles produces, in memory: passages as flat lists and, per
language, BM25 postings in CSR layout; segments are joined by concatenation, postings
by `merge_postings` (the terms of the second after those of the first)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.models import Article

I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]


@dataclass
class Postings:
    """One language's BM25 postings (CSR by term) and document data."""

    vocab: list[str]
    offsets: I64
    docs: I32
    tfs: npt.NDArray[np.uint16]
    doc_len: npt.NDArray[np.float32]
    passages: I32  # global passage number of each document
    tokens: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class Segment:
    """Articles turned into flat arrays; merged segments concatenate."""

    metadata: list[bytes] = field(default_factory=list)  # a JSON line per article
    ids: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    art_para: list[int] = field(default_factory=lambda: [0])
    art_pass: list[int] = field(default_factory=lambda: [0])
    para_text: list[bytes] = field(default_factory=list)
    para_section: list[str | None] = field(default_factory=list)
    pass_para: list[int] = field(default_factory=list)
    pass_start: list[int] = field(default_factory=list)
    pass_end: list[int] = field(default_factory=list)
    pass_part: list[int] = field(default_factory=list)
    pass_art: list[int] = field(default_factory=list)
    sent_off: list[int] = field(default_factory=lambda: [0])
    sents: list[int] = field(default_factory=list)  # start, end, start, end ...
    postings: dict[str, Postings] = field(default_factory=dict)
    # the articles' files, in runs: [file, articles one after another from it]
    files: list[list[Any]] = field(default_factory=list)

    def note_file(self, path: str, count: int = 1) -> None:
        """`count` more articles, the next ones, come from the file `path`."""
        if self.files and self.files[-1][0] == path:
            self.files[-1][1] += count
        else:
            self.files.append([path, count])


_JSON = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps makes one a call
_STRING = json.encoder.encode_basestring  # what that encoder writes a string as
_KEYS = ("id", "title", "language", "published", "updated", "source", "url", "author", "path")
_LINE = "{" + ", ".join(f'"{key}": %s' for key in _KEYS) + "}\n"


def metadata_of(article: Article) -> bytes:
    """The article's line in articles.jsonl (made where the article is: in the workers).
    Strings and nulls are written as the JSON encoder writes them, without its per-call
    set-up (half the time, a million times in a build); anything else by the encoder."""
    values = (article.id, article.title, article.language,
              article.published.isoformat() if article.published else None,
              article.updated.isoformat() if article.updated else None,
              article.source, article.url, article.author, article.path)
    if all(v is None or type(v) is str for v in values):
        return (_LINE % tuple("null" if v is None else _STRING(v) for v in values)
                ).encode("utf-8")
    return _JSON(dict(zip(_KEYS, values, strict=True))).encode("utf-8") + b"\n"


@dataclass
class Tokens:
    """One language's tokens of some passages, before analysis."""

    words: list[str]  # distinct tokens; a token's id is its place here
    stream: list[int] | I32  # token ids of all passages, in order
    counts: list[int]  # tokens per passage
    members: list[int]  # the passages (numbers in the segment)


def max_tf(p: Postings) -> npt.NDArray[np.uint16]:
    """The largest frequency of each term (every term has at least one posting)."""
    if not len(p.tfs):
        return np.zeros(len(p.vocab), dtype=np.uint16)
    return np.maximum.reduceat(p.tfs, p.offsets[:-1]).astype(np.uint16)


def merge_postings(a: Postings, b: Postings, pass_shift: int) -> Postings:
    """Postings of a's documents followed by b's (b's passages shifted by `pass_shift`)."""
    index = {t: i for i, t in enumerate(a.vocab)}
    vocab = list(a.vocab)
    remap = np.empty(len(b.vocab), dtype=np.int64)
    for i, term in enumerate(b.vocab):
        got = index.get(term)
        if got is None:
            got = index[term] = len(vocab)
            vocab.append(term)
        remap[i] = got
    n = len(vocab)
    count_a = np.zeros(n, dtype=np.int64)
    count_a[: len(a.vocab)] = np.diff(a.offsets)
    count_b = np.zeros(n, dtype=np.int64)
    count_b[remap] = np.diff(b.offsets)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(count_a + count_b, out=offsets[1:])
    total = int(offsets[-1])
    docs = np.empty(total, dtype=np.int32)
    tfs = np.empty(total, dtype=np.uint16)
    # a's postings of term t go to offsets[t] + (i - a.offsets[t])
    term_a = np.repeat(np.arange(len(a.vocab), dtype=np.int64), np.diff(a.offsets))
    dest_a = offsets[term_a] + (np.arange(len(a.docs), dtype=np.int64) - a.offsets[term_a])
    docs[dest_a] = a.docs
    tfs[dest_a] = a.tfs
    term_b = np.repeat(remap, np.diff(b.offsets))
    local_b = np.arange(len(b.docs), dtype=np.int64) - np.repeat(b.offsets[:-1], np.diff(b.offsets))
    dest_b = offsets[term_b] + count_a[term_b] + local_b
    docs[dest_b] = b.docs + len(a.doc_len)
    tfs[dest_b] = b.tfs
    tokens = dict(a.tokens)
    tokens.update(b.tokens)
    return Postings(
        vocab=vocab, offsets=offsets, docs=docs, tfs=tfs,
        doc_len=np.concatenate((a.doc_len, b.doc_len)),
        passages=np.concatenate((a.passages, b.passages + pass_shift)).astype(np.int32),
        tokens=tokens,
    )


def extend(out: Segment, b: Segment) -> None:
    """Append the articles of b to those of `out`, in place (postings aside)."""
    n_art, n_para, n_pass, n_sent = (
        len(out.ids), len(out.para_section), len(out.pass_para), len(out.sents) // 2)
    out.metadata.extend(b.metadata)
    out.ids.extend(b.ids)
    out.languages.extend(b.languages)
    out.art_para.extend([x + n_para for x in b.art_para[1:]])
    out.art_pass.extend([x + n_pass for x in b.art_pass[1:]])
    out.para_text.extend(b.para_text)
    out.para_section.extend(b.para_section)
    out.pass_para.extend([x + n_para for x in b.pass_para])
    out.pass_start.extend(b.pass_start)
    out.pass_end.extend(b.pass_end)
    out.pass_part.extend(b.pass_part)
    out.pass_art.extend([x + n_art for x in b.pass_art])
    out.sent_off.extend([x + n_sent for x in b.sent_off[1:]])
    out.sents.extend(b.sents)
    for path, count in b.files:
        out.note_file(path, count)


def empty_postings() -> Postings:
    return Postings([], np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int32),
                    np.zeros(0, dtype=np.uint16), np.zeros(0, dtype=np.float32),
                    np.zeros(0, dtype=np.int32))
