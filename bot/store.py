"""The saved index: knowledge -> flat arrays on disk, memory-mapped back in seconds.

Layout of an index folder (`<knowledge>/.newsbot-index/` by default):

- `manifest.json` — format, analysis fingerprint, the knowledge files it was built
  from (size, mtime, ctime, inode, sha256, lines), and the size and sha256 of every other
  file. It is written last; a folder whose files do not match it, or a manifest of the
  wrong shape (`manifest.valid`), is rebuilt, never served.
- `texts.bin` + `paragraphs.npy` — every paragraph's UTF-8 text and byte offsets;
  passages are character ranges of paragraphs (`passages.npy`), their sentences
  spans into the passage (`sentences.npy`, CSR by `sentence_offsets.npy`).
- `articles.jsonl` + `articles.npy` — article metadata, one JSON object a line.
- per language `L`: the BM25 postings in CSR (`L.offsets.npy`, `L.docs.npy`,
  `L.tfs.npy`), document lengths, the passage of each document, the vocabulary
  (`L.vocab.txt`) and the analysis of every token seen (`L.tokens.tsv`), which
  seeds the analyzer's cache so questions are analysed without loading lemma data.

- `segment-N/` — articles added since: each a complete small index folder of the same
  layout, listed (with the sha256 of its manifest) in the main manifest. Loading joins
  their per-passage arrays to the base's and adds their postings as parts of the same
  BM25Index (summed document frequencies, avgdl over all), so scores stay BM25Okapi's;
  past SEGMENT_SHARE of the base or MAX_SEGMENTS they are merged into one folder.

Building analyses passages on both cores (fork) and constructs postings with numpy.
No live Python object is pickled to disk. A build writes into a `*.tmp-*` folder with its
process id in OWNER_FILE; one left by a killed build is removed by the next build once
its owner is gone or it is an hour old.
"""

from __future__ import annotations

import bisect
import gc
import hashlib
import itertools
import json
import logging
import mmap
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bot import manifest as manifests
from bot.analysis import TOKEN_RE, analyzer
from bot.errors import KnowledgeError, shown
from bot.index import BM25Index
from bot.knowledge import (
    KnowledgeBase,
    load_files,
    load_jsonl,
    load_jsonl_part,
    load_yaml,
    scan_files,
)
from bot.manifest import file_info
from bot.models import Article, Paragraph, Passage, Span
from bot.passages import pieces
from bot.sentences import split_sentences

log = logging.getLogger(__name__)

FORMAT = 2
INDEX_DIRNAME = ".newsbot-index"
PARALLEL_MIN = 20_000  # passages; fewer are analysed in this process
PARALLEL_BYTES = 20_000_000  # JSON Lines; larger ones are parsed by the workers too
# Articles added to a saved index go into a segment folder of their own (fast: nothing
# of the index is rewritten) while all segments hold at most this share of its
# passages and there are fewer than MAX_SEGMENTS; past that, everything is merged.
SEGMENT_SHARE = 0.1
MAX_SEGMENTS = 16
OWNER_FILE = ".owner"  # the process id of the build writing a temporary folder
STALE_SECONDS = 3600  # a temporary folder this old is a killed build's, whoever owns it
I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
Progress = Callable[[int], None]  # called with the number of passages just done


# -- in-memory segment: what a build of some articles produces ------------------------


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

    articles: list[dict[str, Any]] = field(default_factory=list)
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


def _meta(article: Article) -> dict[str, Any]:
    return {
        "id": article.id, "title": article.title, "language": article.language,
        "published": article.published.isoformat() if article.published else None,
        "updated": article.updated.isoformat() if article.updated else None,
        "source": article.source, "url": article.url, "author": article.author,
        "path": article.path,
    }


@dataclass
class Tokens:
    """One language's tokens of some passages, before analysis."""

    words: list[str]  # distinct tokens; a token's id is its place here
    stream: list[int] | I32  # token ids of all passages, in order
    counts: list[int]  # tokens per passage
    members: list[int]  # the passages (numbers in the segment)


def _scan(articles: Sequence[Article]) -> tuple[Segment, dict[str, Tokens]]:
    """Passages and sentences of `articles` (numbered from 0), and their raw tokens."""
    seg = Segment()
    scans: dict[str, Tokens] = {}
    all_ids: dict[str, dict[str, int]] = {}
    streams: dict[str, list[int]] = {}
    findall = TOKEN_RE.findall
    pass_para, pass_start, pass_end = seg.pass_para, seg.pass_start, seg.pass_end
    pass_part, pass_art, sent_off, sents = seg.pass_part, seg.pass_art, seg.sent_off, seg.sents
    para_section = seg.para_section
    n_para = 0
    for article in articles:
        language = article.language
        scan = scans.get(language)
        if scan is None:
            scan = scans[language] = Tokens([], [], [], [])
            streams[language] = []
            all_ids[language] = {}
        ids = all_ids[language]
        get = ids.get
        stream = streams[language]
        members, counts = scan.members, scan.counts
        number = len(seg.articles)
        # findall over passages.context_text, made of parts no token spans (see there)
        title = findall(article.title)
        headings: dict[str | None, list[str]] = {None: title}
        for paragraph in article.paragraphs:
            text, section = paragraph.text, paragraph.section
            context = headings.get(section)
            if context is None:
                context = headings[section] = findall(section) + title if section else title
            para_section.append(section)
            n_para += 1
            parts = pieces(text, language)
            for part, (start, end, sentences) in enumerate(parts, start=1):
                members.append(len(pass_para))
                pass_para.append(n_para - 1)
                pass_start.append(start)
                pass_end.append(end)
                pass_part.append(part if len(parts) > 1 else 0)
                pass_art.append(number)
                if sentences is not None:  # else split when read (see Store.passage)
                    for span in sentences:
                        sents.extend((span.start, span.end))
                sent_off.append(len(sents) // 2)
                toks = findall(text[start:end] if len(parts) > 1 else text)
                toks += context
                got = list(map(get, toks))
                if None in got:  # tokens not seen before take the next numbers
                    for i, known in enumerate(got):
                        if known is None:
                            got[i] = ids.setdefault(toks[i], len(ids))
                stream.extend(got)  # type: ignore[arg-type]  # no None left
                counts.append(len(toks))
        seg.articles.append(_meta(article))
        seg.art_para.append(n_para)
        seg.art_pass.append(len(pass_para))
    for language, scan in scans.items():
        scan.words = list(all_ids[language])
        scan.stream = np.asarray(streams[language], dtype=np.int32)
    return seg, scans


def _texts(articles: Sequence[Article]) -> list[bytes]:
    """The articles' paragraph texts, encoded, in order (Segment.para_text)."""
    return [p.text.encode("utf-8") for a in articles for p in a.paragraphs]


def _analyse_words(job: tuple[str, list[str]]) -> list[tuple[str, ...]]:
    """The terms of each token."""
    language, words = job
    lang = analyzer(language)
    return [lang.token_terms(w) for w in words]


def _index(
    seg: Segment, language: str, words: list[str], analysed: list[tuple[str, ...]],
    stream: I32, counts: I64, members: I32,
) -> None:
    """Postings for one language from its token stream and each token's terms.

    Many documents are split in two halves made in two threads (numpy lets go of the
    interpreter lock while it gathers and sorts) and then joined.
    """
    vocab: dict[str, int] = {}
    n_tok = len(analysed)
    tok_len = np.fromiter((len(t) for t in analysed), dtype=np.int64, count=n_tok)
    flat = [vocab.setdefault(term, len(vocab)) for terms in analysed for term in terms]
    terms = _TokenTerms(list(vocab), np.asarray(flat, dtype=np.int64),
                        np.zeros(n_tok + 1, dtype=np.int64), tok_len)
    np.cumsum(tok_len, out=terms.offsets[1:])
    half = len(counts) // 2
    if len(counts) < PARALLEL_MIN:
        postings = _stream_postings(terms, stream, counts, members)
    else:
        cut = int(counts[:half].sum())
        with ThreadPoolExecutor(2) as pool:
            first = pool.submit(_stream_postings, terms, stream[:cut], counts[:half],
                                members[:half])
            second = _stream_postings(terms, stream[cut:], counts[half:], members[half:])
            postings = merge_postings(first.result(), second, 0)
    postings.tokens = dict(zip(words, analysed, strict=True))
    seg.postings[language] = postings


@dataclass
class _TokenTerms:
    """Each token's terms as numbers (CSR: token t has terms ids[offsets[t]:offsets[t+1]])."""

    vocab: list[str]
    ids: I64
    offsets: I64
    lengths: I64


def _stream_postings(terms: _TokenTerms, stream: I32, counts: I64, members: I32) -> Postings:
    """Postings of the documents whose tokens are `stream` (`counts` tokens each)."""
    n_docs = len(counts)
    doc_of = np.repeat(np.arange(n_docs, dtype=np.int64), counts)  # of each token occurrence
    lens = terms.lengths[stream]
    # Keys term << 32 | document, one per term occurrence. Most tokens give one term;
    # compounds several (the whole word and its parts), stop words none.
    first = np.zeros(len(terms.lengths), dtype=np.int64)
    has = terms.lengths > 0
    first[has] = terms.ids[terms.offsets[:-1][has]]
    one = lens == 1
    keys = first[stream[one]]
    keys <<= 32
    keys |= doc_of[one]
    many = np.flatnonzero(lens > 1)
    if len(many):
        m_tok, m_len = stream[many], lens[many]
        within = (np.arange(int(m_len.sum()), dtype=np.int64)
                  - np.repeat(np.cumsum(m_len) - m_len, m_len))
        extra = terms.ids[np.repeat(terms.offsets[m_tok], m_len) + within] << 32
        extra |= np.repeat(doc_of[many], m_len)
        keys = np.concatenate((keys, extra))
    keys.sort()
    doc_terms = np.bincount(doc_of, weights=lens, minlength=n_docs).astype(np.int64)
    return _postings(terms.vocab, keys, doc_terms, members, {})


def _analyse(articles: Sequence[Article], progress: Progress | None = None) -> Segment:
    """Passages, sentences and postings of `articles`, in this process."""
    seg, scans = _scan(articles)
    seg.para_text = _texts(articles)
    for language, scan in scans.items():
        _index(seg, language, scan.words, _analyse_words((language, scan.words)),
               np.asarray(scan.stream, dtype=np.int64), np.asarray(scan.counts, dtype=np.int64),
               np.asarray(scan.members, dtype=np.int32))
    if progress is not None:
        progress(len(seg.pass_para))
    return seg


def _postings(
    vocab: list[str], keys: I64, lengths: I64, passages: I32,
    tokens: dict[str, tuple[str, ...]],
) -> Postings:
    """CSR postings from the sorted keys term << 32 | document of every term occurrence."""
    if len(keys):
        starts = np.flatnonzero(keys[1:] != keys[:-1]) + 1
        starts = np.concatenate(([0], starts))
        counts = np.diff(np.concatenate((starts, [len(keys)])))
        uniq = keys[starts]
    else:
        counts = uniq = np.zeros(0, dtype=np.int64)
    offsets = np.zeros(len(vocab) + 1, dtype=np.int64)
    np.cumsum(np.bincount(uniq >> 32, minlength=len(vocab)), out=offsets[1:])
    return Postings(
        vocab=vocab, offsets=offsets, docs=(uniq & 0xFFFFFFFF).astype(np.int32),
        tfs=np.minimum(counts, 65535).astype(np.uint16),
        doc_len=lengths.astype(np.float32), passages=passages, tokens=tokens,
    )


def _max_tf(p: Postings) -> npt.NDArray[np.uint16]:
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


def _extend(out: Segment, b: Segment) -> None:
    """Append the articles of b to those of `out`, in place (postings aside)."""
    n_art, n_para, n_pass, n_sent = (
        len(out.articles), len(out.para_section), len(out.pass_para), len(out.sents) // 2)
    out.articles.extend(b.articles)
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


def _empty_postings() -> Postings:
    return Postings([], np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int32),
                    np.zeros(0, dtype=np.uint16), np.zeros(0, dtype=np.float32),
                    np.zeros(0, dtype=np.int32))


_WORK: list[Article] = []


def _scan_range(bounds: tuple[int, int]) -> _Scanned:
    seg, scans = _scan(_WORK[bounds[0]:bounds[1]])  # texts are encoded in the parent
    return seg, scans, [], []


# What a worker gives back for one job: the segment part and its tokens, with the
# errors and article ids (with line numbers) of the lines it parsed, if it parsed any.
# (Errors as plain dicts: an exception whose arguments are not those of its __init__
# cannot be unpickled, and the pool would wait for the result forever.)
_Scanned = tuple[Segment, dict[str, "Tokens"], list[dict[str, Any]], list[str]]
_FileJob = tuple[str, int, int, int]  # path, byte range of whole lines, first line number


def _load_scan(job: _FileJob) -> _Scanned | None:
    """Parse and scan a byte range of a JSON Lines file (or a whole YAML file, when the
    range is empty); None when the file is unreadable as a whole (the caller falls back
    to loading everything in the parent, which reports it)."""
    path, start, end, first = job
    try:
        items = (load_jsonl_part(Path(path), start, end, first) if end > start
                 else [(load_yaml(Path(path)), 0)])
    except KnowledgeError:
        return None
    articles = [item for item, _ in items if isinstance(item, Article)]
    seg, scans = _scan(articles)
    seg.para_text = _texts(articles)
    errors = [item for item, _ in items if isinstance(item, KnowledgeError)]
    return seg, scans, _errors_to_json(errors), [a.id for a in articles]


def _file_jobs(files: list[Path], chunks: int) -> list[_FileJob] | None:
    """Jobs that parse the knowledge files in the workers, in file order, or None when
    the JSON Lines are too small to gain from it or use carriage returns (line numbers
    are counted by line feeds here)."""
    try:
        sizes = {f: f.stat().st_size for f in files}
    except OSError:
        return None  # one vanished: loaded in the parent, which reports it
    total = sum(size for f, size in sizes.items() if f.suffix == ".jsonl")
    if total < PARALLEL_BYTES:
        return None
    jobs: list[_FileJob] = []
    step = max(1, total // chunks)
    for file in files:
        if file.suffix != ".jsonl":
            jobs.append((str(file), 0, 0, 0))
            continue
        try:
            with file.open("rb") as fh:
                data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) if sizes[file] else b""
        except (OSError, ValueError):
            return None
        try:
            if data.find(b"\r") >= 0:
                return None
            start, line = 0, 1
            while start < len(data):
                cut = data.find(b"\n", min(start + step, len(data) - 1))
                end = len(data) if cut < 0 else cut + 1
                jobs.append((str(file), start, end, line))
                line += data[start:end].count(b"\n")
                start = end
        finally:
            if isinstance(data, mmap.mmap):
                data.close()
    return jobs


def load_and_build(
    root: Path, progress: Progress | None = None, workers: int | None = None,
    files: list[Path] | None = None,
) -> tuple[KnowledgeBase, Segment]:
    """load_files() of the knowledge files at `root` (or `files`) and build_segment() of
    their articles. Large JSON Lines are parsed by the worker processes, each a range of
    lines, so the articles never pass through this process (it only gets their errors
    and ids); when two share an id or a file cannot be read as a whole, everything is
    loaded here instead (load_files() says which)."""
    workers = workers or min(os.cpu_count() or 1, 8)
    if files is None:
        files = scan_files(root)[0] if root.exists() else []
    jobs = (_file_jobs(files, workers * 8)
            if workers >= 2 and sys.platform != "win32" else None)
    if jobs:
        built = _in_workers(_load_scan, jobs, workers, progress)
        if built is not None:
            seg, errors, ids = built
            if len(set(ids)) == len(ids):
                return KnowledgeBase(errors=errors, files=files), seg
    kb = load_files(files)
    return kb, build_segment(kb.articles, progress, workers)


def build_segment(
    articles: Sequence[Article], progress: Progress | None = None, workers: int | None = None,
) -> Segment:
    """Analyse `articles` into one segment, on all cores when there are many.

    Workers split the passages and collect their tokens; each distinct token is then
    analysed once (also split over the workers), and the postings are made with numpy.
    """
    n_passages = sum(len(a.paragraphs) for a in articles)
    workers = workers or min(os.cpu_count() or 1, 8)
    if workers < 2 or n_passages < PARALLEL_MIN or sys.platform == "win32":
        return _analyse(articles, progress)
    global _WORK
    _WORK = list(articles)
    for language in sorted({a.language for a in articles}):
        analyzer(language).load_data()  # once, before the fork: the workers share it
    chunks = workers * 8  # small enough that no worker waits long for the last one
    cuts = [len(articles) * i // chunks for i in range(chunks + 1)]
    bounds = [(lo, hi) for lo, hi in itertools.pairwise(cuts) if hi > lo]
    try:
        built = _in_workers(_scan_range, bounds, workers, progress, articles)
    finally:
        _WORK = []
    assert built is not None  # _scan_range always gives a part
    return built[0]


def _in_workers(
    scan: Callable[[Any], _Scanned | None], jobs: Sequence[Any], workers: int,
    progress: Progress | None, articles: Sequence[Article] | None = None,
) -> tuple[Segment, list[KnowledgeError], list[str]] | None:
    """Run `scan` over the jobs in worker processes, in order, join the parts, have each
    distinct token analysed once, then make the postings; None if a job gave None.
    The texts of `articles` are encoded here while the workers analyse (they were
    not sent back); without them, the jobs send their texts."""
    seg = Segment()
    errors: list[KnowledgeError] = []
    ids: list[str] = []
    known: dict[str, dict[str, int]] = {}
    streams: dict[str, list[I32]] = {}
    counts: dict[str, list[I64]] = {}
    members: dict[str, list[I32]] = {}
    ctx = multiprocessing.get_context("fork")
    gc.freeze()  # the workers' collector leaves what they inherit alone (no copy-on-write)
    clock = _Clock()
    try:
        with ctx.Pool(workers, initializer=gc.disable) as pool:
            for got in pool.imap(scan, jobs):
                if got is None:
                    return None
                part, scans, part_errors, part_ids = got
                errors.extend(_errors_from_json(part_errors))
                ids.extend(part_ids)
                shift = len(seg.pass_para)
                _extend(seg, part)
                for language, scanned in scans.items():
                    numbers = known.setdefault(language, {})
                    remap = np.fromiter((numbers.setdefault(w, len(numbers))
                                         for w in scanned.words),
                                        dtype=np.int32, count=len(scanned.words))
                    streams.setdefault(language, []).append(remap[np.asarray(scanned.stream)])
                    counts.setdefault(language, []).append(
                        np.asarray(scanned.counts, np.int64))
                    members.setdefault(language, []).append(
                        np.asarray(scanned.members, dtype=np.int32) + shift)
                if progress is not None:
                    progress(len(part.pass_para))
            clock.lap("passages and tokens")
            tasks: list[tuple[str, list[str]]] = []
            for language, numbers in known.items():
                words = list(numbers)
                step = max(1, len(words) // (workers * 8) + 1)
                tasks.extend((language, words[k:k + step]) for k in range(0, len(words), step))
            pending = pool.map_async(_analyse_words, tasks)
            if articles is not None:
                # the parent has the texts (cheaper to encode them here than to send
                # them), and nothing else to do while the workers analyse
                seg.para_text = _texts(articles)
            results = pending.get()
            clock.lap(f"analysis of {sum(len(w) for _, w in tasks)} distinct tokens")
    finally:
        gc.unfreeze()
    for language, numbers in known.items():
        analysed = [t for (lang, _), got in zip(tasks, results, strict=True)
                    if lang == language for t in got]
        _index(seg, language, list(numbers), analysed, np.concatenate(streams[language]),
               np.concatenate(counts[language]), np.concatenate(members[language]))
    clock.lap("postings")
    return seg, errors, ids


class _Clock:
    """Logs how long each stage of a build took."""

    def __init__(self) -> None:
        self.last = time.perf_counter()

    def lap(self, what: str) -> None:
        now = time.perf_counter()
        log.info("index: %s took %.1f s", what, now - self.last)
        self.last = now


# -- the store: read access to the arrays, in memory or memory-mapped -----------------


class Store:
    """Articles, passages and one BM25 index per language, over flat arrays."""

    def __init__(self, arrays: dict[str, Any], texts: Blob, articles: Blob,
                 manifest: dict[str, Any],
                 indexes: dict[str, tuple[BM25Index, I32]] | None = None) -> None:
        self.manifest = manifest
        self._a = arrays
        self._texts = texts
        self._articles_blob = articles
        names = arrays["article_ids"]
        self.article_ids: list[str] = names.split("\n") if names else []
        langs = arrays["article_languages"]
        self.article_languages: list[str] = langs.split("\n") if langs else []
        self.ids: dict[str, int] = {name: i for i, name in enumerate(self.article_ids)}
        self.sections: list[str] = manifest.get("sections", [])
        self.indexes: dict[str, BM25Index] = {}
        self.doc_passages: dict[str, I32] = {}
        if indexes is not None:  # made already (a store with segments, see stacked)
            for language, (index, passages) in indexes.items():
                self.indexes[language], self.doc_passages[language] = index, passages
            return
        for language in manifest["languages"]:
            vocab_text = arrays[f"{language}.vocab"]
            terms = vocab_text.split("\n") if vocab_text else []
            self.indexes[language] = BM25Index(
                {t: i for i, t in enumerate(terms)}, arrays[f"{language}.offsets"],
                arrays[f"{language}.docs"], arrays[f"{language}.tfs"],
                arrays[f"{language}.doclen"])
            self.doc_passages[language] = arrays[f"{language}.passages"]
            if f"{language}.maxtf" in arrays:
                self.indexes[language].set_max_tf(arrays[f"{language}.maxtf"])

    @property
    def n_articles(self) -> int:
        return int(len(self._a["articles"]) - 1)

    @property
    def n_passages(self) -> int:
        return len(self._a["pass_para"])

    def token_table(self, language: str) -> dict[str, tuple[str, ...]]:
        """token -> analysed terms, for every token of the `language` passages."""
        text = self._a.get(f"{language}.tokens", "")
        out: dict[str, tuple[str, ...]] = {}
        for line in text.split("\n"):
            if line:
                tok, _, terms = line.partition("\t")
                out[tok] = tuple(terms.split(" ")) if terms else ()
        return out

    def article_meta(self, number: int) -> dict[str, Any]:
        offsets = self._a["articles"]
        meta: dict[str, Any] = json.loads(
            self._articles_blob[int(offsets[number]):int(offsets[number + 1])])
        return meta

    def paragraph_text(self, number: int) -> str:
        off = self._a["paragraphs"]
        return bytes(self._texts[int(off[number]):int(off[number + 1])]).decode("utf-8")

    def paragraph_section(self, number: int) -> str | None:
        s = int(self._a["para_section"][number])
        return self.sections[s] if s >= 0 else None

    def article(self, number: int, text: bool = True) -> Article:
        """Article `number`; without its paragraphs when `text` is False (for a source line)."""
        import datetime as dt

        meta = self.article_meta(number)
        lo, hi = int(self._a["art_para"][number]), int(self._a["art_para"][number + 1])
        paragraphs = tuple(
            Paragraph(self.paragraph_text(i), self.paragraph_section(i))
            for i in range(lo, hi)) if text else ()

        def date(value: str | None) -> dt.date | None:
            return dt.date.fromisoformat(value) if value else None

        return Article(
            id=meta["id"], title=meta["title"], language=meta["language"],
            paragraphs=paragraphs, published=date(meta["published"]),
            updated=date(meta["updated"]), source=meta["source"], url=meta["url"],
            author=meta["author"], path=meta["path"])

    def passage(self, number: int) -> Passage:
        """Passage `number` (global), read from the texts."""
        a = self._a
        para = int(a["pass_para"][number])
        art = int(a["pass_art"][number])
        text = self.paragraph_text(para)[int(a["pass_start"][number]):int(a["pass_end"][number])]
        lo, hi = int(a["sent_off"][number]), int(a["sent_off"][number + 1])
        meta_id, language = self._article_key(art)
        # a passage that is a whole paragraph has its sentences split now (passages.pieces)
        sentences = (tuple(Span(s, e) for s, e in a["sents"][lo:hi].tolist()) if hi > lo
                     else tuple(split_sentences(text, language)))
        paragraph = para - int(a["art_para"][art]) + 1
        part = int(a["pass_part"][number])
        return Passage(
            id=f"{meta_id}#{paragraph}" + (f".{part}" if part else ""),
            article_id=meta_id, paragraph=paragraph, text=text,
            sentences=sentences,
            section=self.paragraph_section(para), language=language,
        )

    def _article_key(self, number: int) -> tuple[str, str]:
        return self.article_ids[number], self.article_languages[number]

    def passage_number(self, passage_id: str) -> int | None:
        article_id, _, rest = passage_id.partition("#")
        art = self.ids.get(article_id)
        if art is None:
            return None
        number, _, part = rest.partition(".")
        try:
            paragraph, piece = int(number), int(part) if part else 0
        except ValueError:
            return None
        lo, hi = int(self._a["art_pass"][art]), int(self._a["art_pass"][art + 1])
        for n in range(lo, hi):
            if (int(self._a["pass_para"][n]) - int(self._a["art_para"][art]) + 1 == paragraph
                    and int(self._a["pass_part"][n]) == piece):
                return n
        return None

    def passage_count(self, number: int) -> int:
        return int(self._a["art_pass"][number + 1] - self._a["art_pass"][number])

    def article_docs(self, language: str, doc: int) -> tuple[int, int]:
        """The documents [lo, hi) of the `language` index that hold the passages of the
        article document `doc` belongs to (an article's passages are consecutive)."""
        numbers = self.doc_passages[language]
        art = int(self._a["pass_art"][int(numbers[doc])])
        lo, hi = int(self._a["art_pass"][art]), int(self._a["art_pass"][art + 1])
        return int(np.searchsorted(numbers, lo)), int(np.searchsorted(numbers, hi))

    def first_doc(self, language: str, number: int) -> int | None:
        """The first document of article `number` in the `language` index, if any."""
        numbers = self.doc_passages[language]
        lo = int(self._a["art_pass"][number])
        doc = int(np.searchsorted(numbers, lo))
        return doc if doc < len(numbers) and int(numbers[doc]) == lo else None

    def language_articles(self, language: str) -> int:
        """How many articles are in `language`."""
        return sum(1 for lang in self.article_languages if lang == language)


class PassageList(Sequence[Passage]):
    """A collection's passages by document number, read from the store on access."""

    def __init__(self, store: Store, language: str) -> None:
        self._store = store
        self._numbers = store.doc_passages[language]

    def __len__(self) -> int:
        return len(self._numbers)

    def __getitem__(self, doc: int) -> Passage:  # type: ignore[override]
        return self._store.passage(int(self._numbers[doc]))


# -- arrays <-> files ----------------------------------------------------------------


def _segment_arrays(seg: Segment) -> tuple[dict[str, Any], bytes, bytes, list[str]]:
    """The store's arrays (numpy or text) for a segment, with its texts and articles."""
    sections: dict[str, int] = {}
    para_section = np.asarray(
        [-1 if s is None else sections.setdefault(s, len(sections)) for s in seg.para_section],
        dtype=np.int32)
    para_off = np.zeros(len(seg.para_text) + 1, dtype=np.int64)
    np.cumsum([len(t) for t in seg.para_text], out=para_off[1:])
    lines = [json.dumps(m, ensure_ascii=False).encode("utf-8") + b"\n" for m in seg.articles]
    art_off = np.zeros(len(lines) + 1, dtype=np.int64)
    np.cumsum([len(line) for line in lines], out=art_off[1:])
    arrays: dict[str, Any] = {
        "paragraphs": para_off,
        "para_section": para_section,
        "article_ids": "\n".join(m["id"] for m in seg.articles),
        "article_languages": "\n".join(m["language"] for m in seg.articles),
        "articles": art_off,
        "art_para": np.asarray(seg.art_para, dtype=np.int64),
        "art_pass": np.asarray(seg.art_pass, dtype=np.int64),
        "pass_para": np.asarray(seg.pass_para, dtype=np.int32),
        "pass_start": np.asarray(seg.pass_start, dtype=np.int32),
        "pass_end": np.asarray(seg.pass_end, dtype=np.int32),
        "pass_part": np.asarray(seg.pass_part, dtype=np.int32),  # int16 overflowed
        "pass_art": np.asarray(seg.pass_art, dtype=np.int32),
        "sent_off": np.asarray(seg.sent_off, dtype=np.int64),
        "sents": np.asarray(seg.sents, dtype=np.int32).reshape(-1, 2),
    }
    for language, p in seg.postings.items():
        arrays[f"{language}.vocab"] = "\n".join(p.vocab)
        arrays[f"{language}.offsets"] = p.offsets
        arrays[f"{language}.docs"] = p.docs
        arrays[f"{language}.tfs"] = p.tfs
        arrays[f"{language}.doclen"] = p.doc_len
        arrays[f"{language}.passages"] = p.passages
        arrays[f"{language}.maxtf"] = _max_tf(p)
        arrays[f"{language}.tokens"] = "\n".join(
            f"{tok}\t{' '.join(terms)}" for tok, terms in p.tokens.items())
    return arrays, b"".join(seg.para_text), b"".join(lines), list(sections)


def memory_store(seg: Segment, manifest: dict[str, Any] | None = None) -> Store:
    """A store over a segment held in memory (no files)."""
    arrays, texts, articles, sections = _segment_arrays(seg)
    info = dict(manifest or {})
    info.update(languages=sorted(seg.postings), sections=sections)
    return Store(arrays, texts, articles, info)


def _file_name(key: str, value: Any) -> str:
    return f"{key}.txt" if isinstance(value, str) else f"{key}.npy"


def save(seg: Segment, directory: Path, manifest: dict[str, Any]) -> None:
    """Write the segment's store into `directory` atomically (a new folder renamed in)."""
    arrays, texts, articles, sections = _segment_arrays(seg)
    write(directory, arrays, [texts], [articles], sections, manifest)


def write(
    directory: Path, arrays: dict[str, Any], texts: Sequence[Blob],
    articles: Sequence[Blob], sections: list[str], manifest: dict[str, Any],
) -> None:
    """Write a store's files and manifest into a new folder, then rename it into place."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_folders(directory)
    tmp = Path(tempfile.mkdtemp(prefix=directory.name + ".tmp-", dir=directory.parent))
    try:
        (tmp / OWNER_FILE).write_text(str(os.getpid()), encoding="utf-8")
        files: dict[str, list[Any]] = {}

        def put(name: str, blobs: Sequence[Blob]) -> None:
            digest = hashlib.sha256()
            size = 0
            with (tmp / name).open("wb") as fh:
                for blob in blobs:
                    for chunk in blob.chunks() if isinstance(blob, FileBytes | Chained) else [blob]:
                        fh.write(chunk)
                        digest.update(chunk)
                        size += len(chunk)
            files[name] = [size, digest.hexdigest()]

        put("texts.bin", texts)
        put("articles.jsonl", articles)
        for key, value in arrays.items():
            name = _file_name(key, value)
            if isinstance(value, str):
                put(name, [value.encode("utf-8")])
            else:
                path = tmp / name
                np.save(path, np.ascontiguousarray(value), allow_pickle=False)
                files[name] = [path.stat().st_size, _sha256_file(path)]
        info = dict(manifest)
        info.update(format=FORMAT,
                    languages=sorted(k.partition(".")[0] for k in arrays if k.endswith(".docs")),
                    sections=sections, arrays=files, passages=len(arrays["pass_para"]),
                    articles=len(arrays["articles"]) - 1)
        (tmp / ".gitignore").write_text("*\n", encoding="utf-8")  # never commit an index
        (tmp / "manifest.json").write_text(json.dumps(info, ensure_ascii=False, indent=1),
                                           encoding="utf-8")
        (tmp / OWNER_FILE).unlink()
        old = directory.with_name(directory.name + ".old")
        if directory.exists():
            shutil.rmtree(old, ignore_errors=True)
            directory.rename(old)
        tmp.rename(directory)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def remove_stale_folders(directory: Path) -> None:
    """Remove the temporary folders that killed builds of `directory` (or, for a segment,
    of any segment beside it) left: their owner process is gone, or they are an hour old."""
    stem = "segment-" if manifests.SEGMENT_DIR.fullmatch(directory.name) else directory.name
    now = time.time()
    for tmp in directory.parent.glob(f"{stem}*.tmp-*"):
        try:
            if not tmp.is_dir() or tmp.is_symlink():
                continue
            old = now - tmp.stat().st_mtime > STALE_SECONDS
            if old or not _owner_alive(tmp / OWNER_FILE):
                log.info("index: removing %s, left by a build that did not finish", tmp)
                shutil.rmtree(tmp, ignore_errors=True)
        except OSError:
            continue


def _owner_alive(owner: Path) -> bool:
    """Whether the process named in `owner` runs (True when that cannot be told)."""
    try:
        pid = int(owner.read_text(encoding="utf-8").strip())
    except FileNotFoundError:
        return True  # no owner file: only the age tells
    except (OSError, ValueError):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it runs, as another user
    return True


def _joined(
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
    new, _texts, _articles, new_sections = _segment_arrays(seg)
    out, sections = _joined(store, new, new_sections)
    n_pass = store.n_passages
    for language in sorted(set(store.indexes) | set(seg.postings)):
        index = store.indexes.get(language)
        before = _empty_postings()
        if index is not None:
            passages = store.doc_passages[language]
            first = 0
            for k, (terms, offs, docs, tfs, lens) in enumerate(index.parts()):
                part = Postings(vocab=terms, offsets=offs, docs=docs, tfs=tfs, doc_len=lens,
                                passages=passages[first:first + len(lens)])
                before = part if k == 0 else merge_postings(before, part, 0)
                first += len(lens)
        adding = seg.postings.get(language, _empty_postings())
        merged = merge_postings(before, adding, n_pass)
        out[f"{language}.vocab"] = "\n".join(merged.vocab)
        for key, value in (("offsets", merged.offsets), ("docs", merged.docs),
                           ("tfs", merged.tfs), ("doclen", merged.doc_len),
                           ("passages", merged.passages), ("maxtf", _max_tf(merged))):
            out[f"{language}.{key}"] = value
    return out, sections


def stacked(base: Store, extra: Store, name: str) -> Store:
    """One store of `base` followed by `extra` (a segment saved in folder `name`), the
    postings kept apart (BM25Index.add): no array of the base is copied but the small
    per-passage ones."""
    arrays, sections = _joined(base, extra._a, extra.sections, dedupe=False)
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


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def read_manifest(directory: Path, top: bool = True) -> dict[str, Any] | None:
    """The manifest of an index folder (`top`) or of a segment folder, None when it is
    missing, not JSON, or not of the shape this version writes."""
    try:
        info: dict[str, Any] = json.loads((directory / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    return info if manifests.valid(info, FORMAT, top) else None


def verify(directory: Path, manifest: dict[str, Any], checksums: bool = True) -> bool:
    """Do the files match the manifest (sizes, and sha256 when `checksums`)?"""
    files = manifest.get("arrays")
    if not isinstance(files, dict):
        return False
    for name, (size, digest) in files.items():
        path = directory / name
        try:
            if path.stat().st_size != size:
                return False
        except OSError:
            return False
        if checksums and _sha256_file(path) != digest:
            return False
    for entry in manifest.get("segments", []):
        folder = directory / str(entry.get("dir", ""))
        try:
            raw = (folder / "manifest.json").read_bytes()
            inner = json.loads(raw)
        except (OSError, ValueError, RecursionError):
            return False
        if (hashlib.sha256(raw).hexdigest() != entry.get("sha256")
                or not manifests.valid(inner, FORMAT, top=False)
                or not verify(folder, inner, checksums)):
            return False
    return True


def open_store(directory: Path, manifest: dict[str, Any]) -> Store:
    """Memory-map a verified index folder, with the segments appended to it."""
    store = _open_folder(directory, manifest)
    for entry in manifest.get("segments", []):
        folder = directory / entry["dir"]
        got = read_manifest(folder, top=False)
        if got is None:
            raise OSError(f"segment {folder} has no manifest")
        store = stacked(store, _open_folder(folder, got), entry["dir"])
    return store


def _open_folder(directory: Path, manifest: dict[str, Any]) -> Store:
    arrays: dict[str, Any] = {}
    for name in manifest["arrays"]:
        key, _, ext = name.rpartition(".")
        if ext == "npy":  # a plain array over the mapping: cheaper to index than np.memmap
            arrays[key] = np.asarray(np.load(directory / name, mmap_mode="r", allow_pickle=False))
        elif ext == "txt":
            arrays[key] = (directory / name).read_text(encoding="utf-8")
    return Store(arrays, _map(directory / "texts.bin"), _map(directory / "articles.jsonl"),
                 manifest)


class FileBytes:
    """A read-only file read by position (pread), for the texts: the pages read stay in
    the page cache, shared and reclaimable, instead of in this process's memory."""

    def __init__(self, path: Path) -> None:
        self._fd = os.open(path, os.O_RDONLY)
        self._size = os.fstat(self._fd).st_size

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, where: slice) -> bytes:
        start, stop, _ = where.indices(self._size)
        return os.pread(self._fd, max(0, stop - start), start) if stop > start else b""

    def chunks(self, size: int = 1 << 22) -> Iterator[bytes]:
        for start in range(0, self._size, size):
            yield self[start:start + size]

    def __del__(self) -> None:
        try:
            os.close(self._fd)
        except (OSError, AttributeError):
            pass


class Chained:
    """Several blobs read as one (a store with segments: each has its own texts)."""

    def __init__(self, blobs: Sequence[Blob]) -> None:
        self._blobs: list[Blob] = []
        for blob in blobs:
            self._blobs.extend(blob._blobs if isinstance(blob, Chained) else [blob])
        self._starts = [0]
        for blob in self._blobs:
            self._starts.append(self._starts[-1] + len(blob))

    def __len__(self) -> int:
        return self._starts[-1]

    def __getitem__(self, where: slice) -> bytes:
        start, stop, _ = where.indices(len(self))
        out = []
        k = max(bisect.bisect_right(self._starts, start) - 1, 0)
        while start < stop and k < len(self._blobs):
            base = self._starts[k]
            end = min(stop, self._starts[k + 1])
            if end > start:
                out.append(bytes(self._blobs[k][start - base:end - base]))
                start = end
            k += 1
        return b"".join(out)

    def chunks(self, size: int = 1 << 22) -> Iterator[bytes]:
        for blob in self._blobs:
            if isinstance(blob, FileBytes):
                yield from blob.chunks(size)
            else:
                yield bytes(blob[:])


Blob = bytes | mmap.mmap | FileBytes | Chained


def _map(path: Path) -> Blob:
    if hasattr(os, "pread"):
        return FileBytes(path)
    with path.open("rb") as fh:
        if path.stat().st_size == 0:
            return b""
        return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)


# -- fingerprints: which knowledge and which analysis an index was built from ---------


def analysis_fingerprint(version: str) -> str:
    """Hash of everything that decides the terms: code, data files, library versions."""
    digest = hashlib.sha256(f"{FORMAT}:{version}".encode())
    for lib in ("simplemma", "PyStemmer", "numpy"):
        try:
            digest.update(f"{lib}={metadata.version(lib)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(lib.encode())
    root = resources.files("bot")
    for name in ("analysis.py", "compounds.py", "sentences.py", "passages.py", "knowledge.py",
                 "data/words_de.tsv.gz", "data/stopwords/de.txt",
                 "data/stopwords/en.txt"):
        try:
            digest.update((root / name).read_bytes())
        except OSError:
            digest.update(name.encode())
    return digest.hexdigest()[:16]


def _rel(root: Path, file: Path) -> str:
    return file.name if root.is_file() else file.relative_to(root).as_posix()


# -- open or build: what Engine.load uses ---------------------------------------------


@dataclass
class Loaded:
    """A store with the knowledge errors of its files and how it was obtained."""

    store: Store
    errors: list[KnowledgeError]
    how: str  # "loaded", "appended", "built", "memory"
    directory: Path | None


def default_index_dir(root: Path) -> Path:
    """Where the index of `root` lives: beside the knowledge."""
    if root.is_file():
        return root.parent / f"{INDEX_DIRNAME}-{root.name}"
    return root / INDEX_DIRNAME


def cache_index_dir(root: Path) -> Path:
    """The fallback in the user's cache folder, one per knowledge path."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "newsbot"
    tag = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    return base / f"index-{tag}"


def _writable(directory: Path) -> bool:
    probe = directory if directory.exists() else directory.parent
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    def ok(path: Path) -> bool:
        # root may write anywhere; a folder without write bits is still not ours to fill
        return os.access(path, os.W_OK) and bool(path.stat().st_mode & 0o222)

    return ok(probe) and (not directory.exists() or ok(directory))


def _errors_to_json(errors: Iterable[KnowledgeError]) -> list[dict[str, Any]]:
    return [{"path": e.path, "problem": e.problem, "fix": e.fix, "line": e.line} for e in errors]


def _errors_from_json(items: Iterable[dict[str, Any]]) -> list[KnowledgeError]:
    return [KnowledgeError(i["path"], i["problem"], i["fix"], i["line"]) for i in items]


def open_or_build(
    root: Path, version: str, index_dir: Path | None = None, progress: Progress | None = None,
    rebuild: bool = False,
) -> Loaded:
    """The index of the knowledge at `root`: loaded if it matches, else updated or built.

    With no `index_dir`, the index sits beside the knowledge, or in the user's cache
    folder when the knowledge folder is read-only, or only in memory when neither is
    writable.
    """
    fingerprint = analysis_fingerprint(version)
    candidates = [index_dir] if index_dir is not None else [
        default_index_dir(root), cache_index_dir(root)]
    files, folder_errors = scan_files(root)
    got = _open_or_build(root, fingerprint, candidates, files, progress, rebuild)
    got.errors[:0] = folder_errors  # looked at anew each time, never saved
    return got


def _open_or_build(
    root: Path, fingerprint: str, candidates: list[Path], files: list[Path],
    progress: Progress | None, rebuild: bool,
) -> Loaded:
    for directory in candidates:
        manifest = None if rebuild else read_manifest(directory)
        if manifest is not None and manifest.get("fingerprint") == fingerprint:
            got = _try_reuse(root, directory, manifest, files, progress)
            if got is not None:
                return got
        if manifest is not None or _writable(directory):
            break
    target = next((d for d in candidates if _writable(d)), None)
    # the files as they are before they are read: one changed meanwhile differs next time
    infos = {_rel(root, f): file_info(f) for f in files}
    with _collector_paused():
        for directory in candidates if not rebuild else []:
            _reuse_analysis(directory, fingerprint)
        kb, seg = load_and_build(root, progress, files=files)
    manifest = {
        "fingerprint": fingerprint, "knowledge": str(root), "files": infos,
        "errors": _errors_to_json(kb.errors),
    }
    if target is not None:
        try:
            save(seg, target, manifest)
            saved = read_manifest(target)
            if saved is not None:
                return Loaded(open_store(target, saved), kb.errors, "built", target)
        except OSError as err:
            log.info("index: cannot write %s (%s); keeping it in memory", target, err)
    return Loaded(memory_store(seg, manifest), kb.errors, "memory", None)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a build makes millions of objects that all
    live until it ends (the collector would walk them again and again: ~40% of the
    time of loading a million paragraphs)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _try_reuse(
    root: Path, directory: Path, manifest: dict[str, Any], files: list[Path],
    progress: Progress | None,
) -> Loaded | None:
    """_reuse, or None (a rebuild) when the saved index cannot be used after all: its
    files changed or vanished while they were read, say."""
    try:
        return _reuse(root, directory, manifest, files, progress)
    except (OSError, KeyError, IndexError, TypeError, ValueError, AttributeError) as err:
        log.warning("index: cannot use %s (%s: %s); rebuilding", directory,
                    type(err).__name__, str(err)[:200])
        return None


def _reuse(
    root: Path, directory: Path, manifest: dict[str, Any], files: list[Path],
    progress: Progress | None,
) -> Loaded | None:
    """The saved index if it still fits the knowledge, appended to if files were added."""
    known: dict[str, dict[str, Any]] = manifest.get("files", {})
    current = {_rel(root, f): f for f in files}
    if not set(known) <= set(current):
        return None  # a file was removed
    changed: dict[str, dict[str, Any]] = {}
    for name, info in known.items():
        if manifests.unchanged(current[name], info):
            continue
        fresh = file_info(current[name])
        if fresh["sha256"] == info["sha256"] and fresh["size"] == info["size"]:
            changed[name] = fresh  # touched, same content (or unreadable still)
            continue
        if not name.endswith(".jsonl") or not info["sha256"] or fresh["size"] < info["size"]:
            return None
        with current[name].open("rb") as fh:
            head = fh.read(info["size"])
        if hashlib.sha256(head).hexdigest() != info["sha256"]:
            return None  # rewritten, not appended to
        changed[name] = fresh
    added = sorted(set(current) - set(known))
    added_infos = {n: file_info(current[n]) for n in added}
    if not verify(directory, manifest):
        log.warning("index: %s does not match its manifest; rebuilding", directory)
        return None
    grown = [n for n in changed if changed[n]["size"] != known[n]["size"]]
    if not added and not grown:
        if changed:  # only times differ: remember the new ones
            manifest = dict(manifest)
            manifest["files"] = {**known, **changed}
            try:
                _replace_manifest(directory, manifest)
            except OSError:
                pass
        return Loaded(open_store(directory, manifest), _errors_from_json(manifest["errors"]),
                      "loaded", directory)
    store = open_store(directory, manifest)
    articles, errors = _new_articles(current, added, grown, known, store)
    seg = build_segment(articles, progress)
    info = {
        "fingerprint": manifest["fingerprint"], "knowledge": str(root),
        "files": {**known, **changed, **added_infos},
        "errors": manifest["errors"] + _errors_to_json(errors),
    }
    all_errors = _errors_from_json(info["errors"])
    if _writable(directory) and _as_segment(manifest, store, seg):
        try:
            return Loaded(_add_segment(directory, manifest, info, seg), all_errors, "appended",
                          directory)
        except OSError as err:
            log.info("index: cannot add a segment to %s (%s); merging", directory, err)
    arrays, sections = appended(store, seg)
    _new, texts, lines, _sections = _segment_arrays(seg)
    if _writable(directory):
        try:
            write(directory, arrays, [store._texts, texts], [store._articles_blob, lines],
                  sections, info)
            saved = read_manifest(directory)
            if saved is not None:
                return Loaded(open_store(directory, saved), all_errors, "appended", directory)
        except OSError:
            pass
    info.update(languages=sorted(k.partition(".")[0] for k in arrays if k.endswith(".docs")),
                sections=sections)
    return Loaded(Store(arrays, bytes(store._texts[:]) + texts,
                        bytes(store._articles_blob[:]) + lines, info),
                  all_errors, "memory", None)


def _as_segment(manifest: dict[str, Any], store: Store, seg: Segment) -> bool:
    """Keep the new articles in a segment of their own, or merge everything anew?"""
    base = int(manifest.get("passages", 0))
    added = store.n_passages - base + len(seg.pass_para)
    return (bool(seg.pass_para) and len(manifest.get("segments", [])) < MAX_SEGMENTS
            and added <= SEGMENT_SHARE * base)


def _add_segment(
    directory: Path, manifest: dict[str, Any], info: dict[str, Any], seg: Segment,
) -> Store:
    """Save `seg` as a segment folder of the index at `directory`, then list it in the
    manifest (replaced in one step: a crash in between leaves the old index as it was)."""
    segments = list(manifest.get("segments", []))
    name = f"segment-{len(segments) + 1}"
    arrays, texts, lines, sections = _segment_arrays(seg)
    write(directory / name, arrays, [texts], [lines], sections,
          {"fingerprint": manifest["fingerprint"]})
    raw = (directory / name / "manifest.json").read_bytes()
    segments.append({"dir": name, "sha256": hashlib.sha256(raw).hexdigest(),
                     "passages": len(seg.pass_para)})
    top = {**manifest, **info, "segments": segments}
    _replace_manifest(directory, top)
    return open_store(directory, top)


def _replace_manifest(directory: Path, manifest: dict[str, Any]) -> None:
    """Write `manifest` as the folder's manifest.json in one step."""
    tmp = directory / "manifest.json.tmp"
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, directory / "manifest.json")


def _new_articles(
    current: dict[str, Path], added: list[str], grown: list[str],
    known: dict[str, dict[str, Any]], store: Store,
) -> tuple[list[Article], list[KnowledgeError]]:
    """Articles of added files and of lines appended to JSON Lines files."""
    seen = set(store.ids)
    articles: list[Article] = []
    errors: list[KnowledgeError] = []
    loaded: list[tuple[Path, list[tuple[Article | KnowledgeError, int | None]]]] = []
    for name in grown:
        lines = known[name]["lines"]
        try:
            lines_of = load_jsonl(current[name])
        except KnowledgeError as err:
            errors.append(err)
            continue
        loaded.append((current[name], [(a, n) for a, n in lines_of if n > lines]))
    for name in added:
        path = current[name]
        try:
            if path.suffix == ".jsonl":
                loaded.append((path, [(a, n) for a, n in load_jsonl(path)]))
            else:
                loaded.append((path, [(load_yaml(path), None)]))
        except KnowledgeError as err:
            errors.append(err)
    for path, items in loaded:
        for item, line in items:
            if isinstance(item, KnowledgeError):
                errors.append(item)
            elif item.id in seen:
                errors.append(KnowledgeError(
                    str(path), f"duplicate article id {shown(item.id)}",
                    "give each article its own id", line))
            else:
                seen.add(item.id)
                articles.append(item)
    return articles, errors


def _reuse_analysis(directory: Path, fingerprint: str) -> None:
    """Before a rebuild: seed the analyzers with the old index's token analysis, when it
    was made by the same analysis (the distinct tokens are then not analysed again)."""
    manifest = read_manifest(directory)
    if manifest is None or manifest.get("fingerprint") != fingerprint:
        return
    for language in manifest.get("languages", []):
        name = f"{language}.tokens.txt"
        size, digest = manifest["arrays"].get(name, (None, None))
        path = directory / name
        try:
            if path.stat().st_size != size or _sha256_file(path) != digest:
                continue
            text = path.read_text(encoding="utf-8")
        except OSError:
            continue
        _seed(analyzer(language)._cache, text)


def seed_analyzers(store: Store) -> None:
    """Give each language's analyzer the saved analysis of every indexed token."""
    for language in store.indexes:
        _seed(analyzer(language)._cache, store._a.get(f"{language}.tokens", ""))


def _seed(cache: dict[str, tuple[str, ...]], table: str) -> None:
    """Parse `token\tterm term` lines into the analyzer's cache (kept entries win)."""
    add = cache.setdefault
    for line in table.split("\n"):
        tok, _, terms = line.partition("\t")
        add(tok, tuple(terms.split(" ")) if terms else ())
    cache.pop("", None)
