"""Killing articles: the tombstones (index.deletions) of a store with more of its
articles dead, worked out from those articles alone — their documents' terms are read
again from the texts and the saved analysis of each token (the build's own terms, checked
against the postings), never by scanning the index.

Besides the dead documents and how many of them hold each term (subtracted from df),
BM25Okapi's mean idf needs the order in which the live terms first appear: it sums the
idf of its terms in that order, and a sum in another order can differ in its last bit.
A term whose first appearance dies moves to where it next appears (its first live
document, at its first place in that document's terms); one no live document holds
leaves; the terms of a segment added after the store come last, in its order. A term's
place is found by binary search over the live order, reading the first live posting
of the terms it is compared with.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from bot.analysis import TOKEN_RE, analyzer
from bot.index.bm25 import BM25Index
from bot.index.deletions import Deletions, LanguageDeletions
from bot.index.segment import Segment
from bot.passages import index_text

if TYPE_CHECKING:
    from bot.index.store import Store

I64 = npt.NDArray[np.int64]


class Mismatch(ValueError):
    """A dead document's terms, read again, are not what the postings hold."""


def tombstoned(store: Store, dead: Sequence[int], seg: Segment | None = None) -> Deletions:
    """The store's deletions with the stored articles `dead` dead too, for a store that
    will have `seg` added after its folders (its terms then come last in the order)."""
    before = store.deletions
    articles = np.union1d(before.articles, np.asarray(list(dead), dtype=np.int64))
    languages: dict[str, LanguageDeletions] = {}
    for language, index in store.indexes.items():
        docs = _docs_of(store, language, [a for a in dead if store._language(a) == language])
        old = before.languages.get(language)
        if old is None and not len(docs):
            continue
        languages[language] = _language(store, language, index, old, docs, seg)
    return Deletions(articles, languages)


def _docs_of(store: Store, language: str, articles: Sequence[int]) -> I64:
    """The documents of the `language` index that hold the articles' passages."""
    numbers = store.doc_passages[language]
    out: list[I64] = []
    for art in articles:
        lo = np.searchsorted(numbers, numbers.dtype.type(store.core.art_pass[art]))
        hi = np.searchsorted(numbers, numbers.dtype.type(store.core.art_pass[art + 1]))
        out.append(np.arange(lo, hi, dtype=np.int64))
    return np.unique(np.concatenate(out)) if out else np.zeros(0, dtype=np.int64)


class _Streams:
    """The terms of a document in the order the build saw them (text, section heading,
    title: passages.index_text), through the saved analysis of each token."""

    def __init__(self, store: Store, language: str) -> None:
        self._store = store
        self._language = language
        self._numbers = store.doc_passages[language]
        self._known = store.analyses.get(language)
        self._cache: dict[int, list[str]] = {}
        self._firsts: dict[int, dict[str, int]] = {}

    def terms(self, doc: int) -> list[str]:
        got = self._cache.get(doc)
        if got is None:
            store = self._store
            number = int(self._numbers[doc])
            passage = store.passage(number)
            article = store.stored_article(int(store.core.pass_art[number]), text=False)
            lang = analyzer(self._language)
            got = []
            for token in TOKEN_RE.findall(index_text(passage, article)):
                terms = self._known.get(token) if self._known is not None else None
                got.extend(terms if terms is not None else lang.token_terms(token))
            self._cache[doc] = got
        return got

    def place(self, doc: int, term: str) -> int:
        """Where `term` first occurs among the document's terms."""
        firsts = self._firsts.get(doc)
        if firsts is None:
            firsts = self._firsts[doc] = {}
            for at, t in enumerate(self.terms(doc)):
                firsts.setdefault(t, at)
        return firsts[term]


def _language(store: Store, language: str, index: BM25Index, old: LanguageDeletions | None,
              docs: I64, seg: Segment | None) -> LanguageDeletions:
    """One language's tombstones with the documents `docs` dead too."""
    streams = _Streams(store, language)
    size = index.size
    was = index.dead if index.dead is not None else np.zeros(size, dtype=bool)
    dead = was.copy()
    dead[docs] = True
    held: dict[str, list[tuple[int, int]]] = {}  # term -> (document, frequency)
    for doc in docs.tolist():
        stream = streams.terms(doc)
        if len(stream) != int(index.lengths[doc]):
            raise Mismatch(f"document {doc}: {len(stream)} terms read again, "
                           f"{int(index.lengths[doc])} indexed")
        tf: dict[str, int] = {}
        for term in stream:
            tf[term] = tf.get(term, 0) + 1
        for term, n in tf.items():
            held.setdefault(term, []).append((doc, min(n, 65535)))
    counts: dict[int, int] = {}
    for term, found in held.items():
        number = index.term_number(term)
        want = np.asarray([n for _, n in found], dtype=np.int64)
        if number is None or not np.array_equal(
                index.frequencies(number, np.asarray([d for d, _ in found])), want):
            raise Mismatch(f"{term!r} is not in the postings of the documents as read")
        counts[number] = len(found)
    all_df = _all_df(index, old)
    terms, dec = _merged_counts(old, counts)
    live_df = all_df.copy()
    live_df[terms] -= dec
    order = (np.asarray(old.order, dtype=np.int64) if old is not None
             else np.flatnonzero(all_df > 0).astype(np.int64))
    order = _reordered(index, streams, order, sorted(counts), was, dead, live_df)
    if seg is not None and language in seg.postings:
        order = np.concatenate((order, _segment_terms(index, seg.postings[language].vocab,
                                                      live_df)))
    return LanguageDeletions(np.flatnonzero(dead).astype(np.int64), terms, dec,
                             order.astype(np.int32))


def _all_df(index: BM25Index, old: LanguageDeletions | None) -> npt.NDArray[np.float64]:
    """The document frequency of each term over all documents, dead or not."""
    df = np.asarray(index.df, dtype=np.float64).copy()
    if old is not None and len(old.terms):
        df[old.terms] += old.counts
    return df


def _merged_counts(old: LanguageDeletions | None, counts: dict[int, int]) -> tuple[I64, I64]:
    """The dead documents holding each term: the old ones and the new ones, summed."""
    both: dict[int, int] = {}
    if old is not None:
        both.update(zip(old.terms.tolist(), old.counts.tolist(), strict=True))
    for term, n in counts.items():
        both[term] = both.get(term, 0) + n
    keys = sorted(both)
    return (np.asarray(keys, dtype=np.int64),
            np.asarray([both[k] for k in keys], dtype=np.int64))


def _reordered(index: BM25Index, streams: _Streams, order: I64, touched: list[int],
               was: npt.NDArray[np.bool_], dead: npt.NDArray[np.bool_],
               live_df: npt.NDArray[np.float64]) -> I64:
    """The live order once the documents `dead` marks (and `was` did) are dead: the
    `touched` terms (those of the newly dead documents) whose first live document died
    move to their next first appearance, or leave when no live document holds them."""
    terms = index.terms()
    moved = []
    for term in touched:
        first = index.first_live(term, was)
        if first is not None and dead[first]:  # its first live document died now
            moved.append(term)
    if not moved:
        return order
    order = order[~np.isin(order, np.asarray(moved, dtype=np.int64))]

    def before(term: int, want: tuple[int, int]) -> bool:
        """Whether the live term `term` first appears before `want` (document, place)."""
        doc = index.first_live(term, dead)
        assert doc is not None  # a live term
        if doc != want[0]:
            return doc < want[0]
        return streams.place(doc, terms[term]) < want[1]

    placed = []
    for term in moved:
        if live_df[term] > 0:
            doc = index.first_live(term, dead)
            assert doc is not None
            placed.append(((doc, streams.place(doc, terms[term])), term))
    placed.sort()
    at = [_bisect(order, want, before) for want, _ in placed]
    return np.insert(order, np.asarray(at, dtype=np.int64),
                     np.asarray([t for _, t in placed], dtype=np.int64))


def _bisect(order: I64, want: tuple[int, int],
            before: Callable[[int, tuple[int, int]], bool]) -> int:
    """Where a term whose first appearance is `want` goes in the live order."""
    lo, hi = 0, len(order)
    while lo < hi:
        mid = (lo + hi) // 2
        if before(int(order[mid]), want):
            lo = mid + 1
        else:
            hi = mid
    return lo


def _segment_terms(index: BM25Index, vocab: list[str], live_df: npt.NDArray[np.float64],
                   ) -> I64:
    """The terms of a segment added after the index that no live document held before
    (new ones numbered after the index's, as BM25Index.add numbers them), in its order:
    where they first appear in the live documents."""
    out: list[int] = []
    following = len(live_df)
    for term in vocab:
        number = index.term_number(term)
        if number is None:
            out.append(following)
            following += 1
        elif live_df[number] <= 0:
            out.append(number)
    return np.asarray(out, dtype=np.int64)
