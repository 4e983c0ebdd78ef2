"""BM25 over an inverted index, giving exactly rank-bm25's BM25Okapi scores.

rank-bm25's `get_scores` walks every document for every query term; here each term
keeps a postings list (documents containing it, with term frequencies) in flat
numpy arrays (CSR layout), so a question touches only the documents that share a
term with it. idf follows BM25Okapi to the letter, including its floor for negative
idf (epsilon times the mean idf). A query is a list of term groups: a group of one
term scores exactly as BM25Okapi; a larger group (a word and its translations) is
scored as one pseudo-term (Pirkola's structured query): term frequencies summed,
document frequency the group's largest.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class BM25Index:
    """Postings and document lengths for one collection; scores like BM25Okapi."""

    def __init__(
        self,
        vocab: dict[str, int],
        offsets: npt.NDArray[np.int64],
        doc_ids: npt.NDArray[np.int32],
        tfs: npt.NDArray[np.float32],
        doc_len: npt.NDArray[np.float32],
        k1: float = 1.5,
        b: float = 0.75,
        epsilon: float = 0.25,
    ) -> None:
        self.vocab = vocab
        self.offsets = offsets
        self.doc_ids = doc_ids
        self.tfs = tfs
        self.doc_len = doc_len
        self.k1, self.b, self.epsilon = k1, b, epsilon
        self.n_docs = len(doc_len)
        total = float(doc_len.sum(dtype=np.float64))
        self.avgdl = total / self.n_docs if self.n_docs else 0.0
        self.df = np.diff(offsets).astype(np.float64)
        self.idf = self._idf(self.df)
        if self.n_docs and self.avgdl > 0:
            self.norm = k1 * (1 - b + b * doc_len.astype(np.float64) / self.avgdl)
        else:
            self.norm = np.full(self.n_docs, k1, dtype=np.float64)
        self._buffer = np.zeros(self.n_docs, dtype=np.float64)
        self._lock = threading.Lock()

    # -- building -------------------------------------------------------------------

    @classmethod
    def build(
        cls, documents: Iterable[Sequence[str]], k1: float = 1.5, b: float = 0.75,
        epsilon: float = 0.25,
    ) -> BM25Index:
        """Index tokenised documents (each a sequence of terms)."""
        vocab: dict[str, int] = {}
        term_ids: list[int] = []
        doc_of: list[int] = []
        lengths: list[int] = []
        for doc_no, terms in enumerate(documents):
            lengths.append(len(terms))
            for term in terms:
                tid = vocab.get(term)
                if tid is None:
                    tid = vocab[term] = len(vocab)
                term_ids.append(tid)
            doc_of.extend([doc_no] * len(terms))
        return cls.from_arrays(
            vocab, np.asarray(term_ids, dtype=np.int64), np.asarray(doc_of, dtype=np.int64),
            np.asarray(lengths, dtype=np.float32), k1=k1, b=b, epsilon=epsilon,
        )

    @classmethod
    def from_arrays(
        cls, vocab: dict[str, int], term_ids: IntArray, doc_of: IntArray,
        doc_len: npt.NDArray[np.float32], k1: float = 1.5, b: float = 0.75,
        epsilon: float = 0.25,
    ) -> BM25Index:
        """Index from parallel arrays of (term id, document number), one per token."""
        n_docs = len(doc_len)
        n_terms = len(vocab)
        if len(term_ids):
            keys = term_ids * max(n_docs, 1) + doc_of
            uniq, counts = np.unique(keys, return_counts=True)
            post_terms = uniq // max(n_docs, 1)
            post_docs = (uniq % max(n_docs, 1)).astype(np.int32)
        else:
            counts = np.zeros(0, dtype=np.int64)
            post_terms = np.zeros(0, dtype=np.int64)
            post_docs = np.zeros(0, dtype=np.int32)
        offsets = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(np.bincount(post_terms, minlength=n_terms), out=offsets[1:])
        return cls(vocab, offsets, post_docs, counts.astype(np.float32), doc_len,
                   k1=k1, b=b, epsilon=epsilon)

    def _idf(self, df: FloatArray) -> FloatArray:
        """BM25Okapi idf: log((N - df + 0.5) / (df + 0.5)), negatives floored."""
        if not len(df):
            self.average_idf = 0.0
            return np.zeros(0, dtype=np.float64)
        idf = np.log(self.n_docs - df + 0.5) - np.log(df + 0.5)
        self.average_idf = float(idf.sum() / len(idf))
        return np.where(idf < 0, self.epsilon * self.average_idf, idf)

    def group_idf(self, term_ids: Sequence[int]) -> float:
        """idf of a group of terms: the idf of its largest document frequency."""
        if len(term_ids) == 1:
            return float(self.idf[term_ids[0]])
        df = max(self.df[t] for t in term_ids)
        idf = float(np.log(self.n_docs - df + 0.5) - np.log(df + 0.5))
        return idf if idf >= 0 else self.epsilon * self.average_idf

    # -- scoring --------------------------------------------------------------------

    def term_ids(self, terms: Iterable[str]) -> list[int]:
        return [t for t in (self.vocab.get(term) for term in terms) if t is not None]

    def _postings(self, term_ids: Sequence[int]) -> tuple[IntArray, FloatArray]:
        """Documents containing any of the terms, with their summed frequencies."""
        if len(term_ids) == 1:
            lo, hi = self.offsets[term_ids[0]], self.offsets[term_ids[0] + 1]
            return self.doc_ids[lo:hi].astype(np.int64), self.tfs[lo:hi].astype(np.float64)
        docs = np.concatenate([self.doc_ids[self.offsets[t]:self.offsets[t + 1]] for t in term_ids])
        tfs = np.concatenate([self.tfs[self.offsets[t]:self.offsets[t + 1]] for t in term_ids])
        uniq, inverse = np.unique(docs, return_inverse=True)
        return uniq.astype(np.int64), np.bincount(inverse, weights=tfs).astype(np.float64)

    def score_groups(
        self, groups: Sequence[Sequence[int]], weights: Sequence[float] | None = None,
    ) -> tuple[IntArray, FloatArray]:
        """Sparse scores: the documents matching any group, and their BM25 scores."""
        touched: list[IntArray] = []
        with self._lock:
            acc = self._buffer
            for i, group in enumerate(groups):
                if not group:
                    continue
                docs, tf = self._postings(group)
                idf = self.group_idf(group) * (weights[i] if weights is not None else 1.0)
                acc[docs] += idf * (tf * (self.k1 + 1) / (tf + self.norm[docs]))
                touched.append(docs)
            if not touched:
                return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
            cand = np.unique(np.concatenate(touched)) if len(touched) > 1 else touched[0]
            scores = acc[cand].copy()
            acc[cand] = 0.0
        return cand, scores

    def top(
        self, groups: Sequence[Sequence[int]], k: int, weights: Sequence[float] | None = None,
    ) -> list[tuple[int, float]]:
        """The k best documents as (document number, score), best first."""
        docs, scores = self.score_groups(groups, weights)
        if not len(docs):
            return []
        if len(docs) > k:
            part = np.argpartition(-scores, k - 1)[:k]
            docs, scores = docs[part], scores[part]
        order = np.lexsort((docs, -scores))
        return [(int(docs[i]), float(scores[i])) for i in order]

    def get_scores(self, query: Sequence[str]) -> FloatArray:
        """Dense scores of every document, like BM25Okapi.get_scores (for parity checks)."""
        out = np.zeros(self.n_docs, dtype=np.float64)
        for term in query:
            tid = self.vocab.get(term)
            if tid is None:
                continue
            docs, tf = self._postings([tid])
            out[docs] += self.idf[tid] * (tf * (self.k1 + 1) / (tf + self.norm[docs]))
        return out
