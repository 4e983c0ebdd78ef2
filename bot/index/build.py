"""Building: articles -> a Segment, on every core when there are many.

Worker processes (forked, frozen out of their garbage collector) cut the paragraphs into
passages and number their tokens; large JSON Lines are parsed by the workers themselves,
each a range of whole lines. Each distinct token is then analysed once (split over the
workers too), and the postings are made with numpy in two threads, one per half of the
documents, then joined.
"""

from __future__ import annotations

import array
import gc
import itertools
import json
import logging
import mmap
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from bot.analysis import LANGUAGES, TOKEN_RE, analyzer
from bot.errors import KnowledgeError
from bot.index.manifest import errors_from_json, errors_to_json
from bot.index.segment import (
    I32,
    I64,
    Postings,
    Segment,
    Tokens,
    extend,
    metadata_of,
)
from bot.knowledge import KnowledgeBase, load_files, load_jsonl_part, load_yaml, scan_files
from bot.models import Article
from bot.passages import pieces

log = logging.getLogger(__name__)

PARALLEL_MIN = 20_000  # passages; fewer are analysed in this process
PARALLEL_BYTES = 20_000_000  # JSON Lines; larger ones are parsed by the workers too
Progress = Callable[[int], None]  # called with the number of passages just done


def _scan(articles: Sequence[Article]) -> tuple[Segment, dict[str, Tokens]]:
    """Passages and sentences of `articles` (numbered from 0), and their raw tokens."""
    seg = Segment()
    scans: dict[str, Tokens] = {}
    all_ids: dict[str, _Numbers] = {}
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
            all_ids[language] = _Numbers()
        number_of = all_ids[language].__getitem__
        stream = streams[language]
        members, counts = scan.members, scan.counts
        number = len(seg.ids)
        # findall over passages.context_text, made of parts no token spans (see there)
        title = findall(article.title)
        headings: dict[str | None, list[str]] = {None: title}
        # ... and their numbers, taken after the first passage's own tokens (the order in
        # which tokens are first seen numbers them), then reused for every passage
        numbered: dict[str | None, list[int]] = {}
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
                stream.extend(map(number_of, toks))
                context_numbers = numbered.get(section)
                if context_numbers is None:
                    context_numbers = numbered[section] = list(map(number_of, context))
                stream.extend(context_numbers)
                counts.append(len(toks) + len(context_numbers))
        seg.metadata.append(metadata_of(article))
        seg.ids.append(article.id)
        seg.note_file(article.path or "")
        seg.languages.append(language)
        seg.art_para.append(n_para)
        seg.art_pass.append(len(pass_para))
    for language, scan in scans.items():
        scan.words = list(all_ids[language])
        # (through an array of C ints: numpy converts a list of ints a third slower)
        scan.stream = np.frombuffer(array.array("i", streams[language]), dtype=np.int32)
    return seg, scans


class _Numbers(dict[str, int]):
    """token -> number, a token not seen before taking the next one (numbered in C,
    through dict.__getitem__, when the token is known: most are)."""

    def __missing__(self, token: str) -> int:
        number = self[token] = len(self)
        return number


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

    With many documents, two threads (numpy lets go of the interpreter lock while it
    gathers and sorts) each make the keys of half the documents; the keys are then
    split at a term, and each thread sorts and counts one side: the two sides' postings
    follow each other, with nothing left to merge.
    """
    vocab: dict[str, int] = {}
    n_tok = len(analysed)
    tok_len = np.fromiter((len(t) for t in analysed), dtype=np.int64, count=n_tok)
    flat = [vocab.setdefault(term, len(vocab)) for terms in analysed for term in terms]
    terms = _TokenTerms(list(vocab), np.asarray(flat, dtype=np.int64), tok_len)
    if len(counts) < PARALLEL_MIN:
        keys, doc_terms = _keys(terms, stream, counts, 0)
        uniq, tfs = _runs(keys)
    else:
        half = len(counts) // 2
        cut = int(counts[:half].sum())
        with ThreadPoolExecutor(2) as pool:
            first = pool.submit(_keys, terms, stream[:cut], counts[:half], 0)
            keys_b, terms_b = _keys(terms, stream[cut:], counts[half:], half)
            keys_a, terms_a = first.result()
            doc_terms = np.concatenate((terms_a, terms_b))
            low, high = _split(keys_a, keys_b)
            del keys_a, keys_b
            got_low = pool.submit(_runs, low)
            uniq_high, tfs_high = _runs(high)
            uniq_low, tfs_low = got_low.result()
        uniq = np.concatenate((uniq_low, uniq_high))
        tfs = np.concatenate((tfs_low, tfs_high))
    seg.postings[language] = Postings(
        vocab=terms.vocab,
        offsets=np.searchsorted(uniq, np.arange(len(terms.vocab) + 1, dtype=np.int64) << 32
                                ).astype(np.int64),
        docs=uniq.astype(np.int32),  # the low half of each key (documents < 2**31)
        tfs=np.minimum(tfs, 65535).astype(np.uint16),
        doc_len=doc_terms.astype(np.float32), passages=members,
        tokens=dict(zip(words, analysed, strict=True)),
    )


class _TokenTerms:
    """Each token's terms as numbers (CSR: token t has terms ids[offsets[t]:offsets[t+1]]),
    its number of terms (a handful: int8), and its first term shifted into a key's high
    half (0 for a token without terms: such tokens are never looked up)."""

    def __init__(self, vocab: list[str], ids: I64, lengths: I64) -> None:
        self.vocab = vocab
        self.ids = ids
        self.offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=self.offsets[1:])
        self.lengths = lengths.astype(np.int8)
        self.first = np.zeros(len(lengths), dtype=np.int64)
        has = lengths > 0
        self.first[has] = ids[self.offsets[:-1][has]]
        self.first <<= 32


def _keys(terms: _TokenTerms, stream: I32, counts: I64, doc0: int) -> tuple[I64, I64]:
    """Keys term << 32 | document, one per term occurrence, of the documents (numbered
    from `doc0`) whose tokens are `stream` (`counts` tokens each), and each document's
    number of terms. Most tokens give one term; compounds several (the whole word and
    its parts), stop words none."""
    n_docs = len(counts)
    lens = terms.lengths[stream]
    doc_of = np.repeat(np.arange(doc0, doc0 + n_docs, dtype=np.int32), counts)
    one = lens == 1
    keys = terms.first[stream[one]]
    keys |= doc_of[one]
    many = np.flatnonzero(lens > 1)
    if len(many):
        m_tok, m_len = stream[many], lens[many].astype(np.int64)
        within = (np.arange(int(m_len.sum()), dtype=np.int64)
                  - np.repeat(np.cumsum(m_len) - m_len, m_len))
        extra = terms.ids[np.repeat(terms.offsets[m_tok], m_len) + within] << 32
        extra |= np.repeat(doc_of[many], m_len)
        keys = np.concatenate((keys, extra))
    done = np.zeros(len(lens) + 1, dtype=np.int64)  # terms before each token
    np.cumsum(lens, out=done[1:])
    ends = np.zeros(n_docs + 1, dtype=np.int64)  # tokens before each document
    np.cumsum(counts, out=ends[1:])
    return keys, np.diff(done[ends])


def _split(a: I64, b: I64) -> tuple[I64, I64]:
    """The keys of a and b, split at the term near their median (by a sample)."""
    sample = np.sort(np.concatenate((a[::4096], b[::4096])))
    pivot = (int(sample[len(sample) // 2]) >> 32) << 32 if len(sample) else 0
    low_a, low_b = a < pivot, b < pivot
    low = np.concatenate((a[low_a], b[low_b]))
    np.logical_not(low_a, out=low_a)
    np.logical_not(low_b, out=low_b)
    return low, np.concatenate((a[low_a], b[low_b]))


def _runs(keys: I64) -> tuple[I64, I64]:
    """The distinct keys (sorting `keys` in place) and how often each occurs."""
    keys.sort()
    if not len(keys):
        return keys, keys
    starts = np.flatnonzero(keys[1:] != keys[:-1])
    starts += 1
    starts = np.concatenate((np.zeros(1, dtype=np.int64), starts))
    return keys[starts], np.diff(starts, append=len(keys))


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
    return seg, scans, errors_to_json(errors), [a.id for a in articles]


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


def _first_languages(files: list[Path]) -> list[str]:
    """The languages the first line of each JSON Lines file gives (a guess at what the
    workers will analyse: whatever they meet besides, they load themselves)."""
    found: set[str] = set()
    for file in files:
        if file.suffix != ".jsonl":
            continue
        try:
            with file.open("rb") as fh:
                first = json.loads(fh.readline(1 << 20))
        except (OSError, ValueError, RecursionError):
            continue
        language = first.get("language") if isinstance(first, dict) else None
        if language in LANGUAGES:
            found.add(language)
    return sorted(found)


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
        for language in _first_languages(files):
            analyzer(language).load_data()  # once, before the fork: the workers share it
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
    known: dict[str, _Numbers] = {}
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
                errors.extend(errors_from_json(part_errors))
                ids.extend(part_ids)
                shift = len(seg.pass_para)
                extend(seg, part)
                for language, scanned in scans.items():
                    numbers = known.setdefault(language, _Numbers())  # new ones in order
                    remap = np.fromiter(map(numbers.__getitem__, scanned.words),
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


@contextmanager
def collector_paused() -> Iterator[None]:
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
