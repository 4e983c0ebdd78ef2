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
from collections.abc import Iterable, Iterator, MutableMapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.index.vocabulary import LiveTerms

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class BM25Index:
    """Postings and document lengths for one collection; scores like BM25Okapi."""

    def __init__(
        self,
        vocab: MutableMapping[str, int],
        offsets: npt.NDArray[np.int64],
        doc_ids: npt.NDArray[np.int32],
        tfs: npt.NDArray[Any],
        doc_len: npt.NDArray[np.float32],
        k1: float = 1.5,
        b: float = 0.75,
        epsilon: float = 0.25,
    ) -> None:
        # term -> term number (a dict, or index.vocabulary's saved one); with deletions,
        # `vocab` is the view of the live terms (LiveTerms) and `_vocab` all of them
        self.vocab: MutableMapping[str, int] | LiveTerms = vocab
        self._vocab = vocab
        self.offsets = offsets
        self.doc_ids = doc_ids
        self.tfs = tfs
        self.k1, self.b, self.epsilon = k1, b, epsilon
        self._parts: list[_Part] = []  # postings of documents added later (see add)
        self._base_terms = len(offsets) - 1
        self._dead: npt.NDArray[np.bool_] | None = None  # documents left out (see delete)
        self._order: npt.NDArray[Any] | None = None  # the live terms, as they first appear
        self._set_docs(doc_len, np.diff(offsets).astype(np.float64))
        self._maxtf: FloatArray | None = None  # largest frequency of each term, when needed
        self._base_maxtf: npt.NDArray[Any] | None = None
        self._lock = threading.Lock()

    def _set_docs(self, doc_len: npt.NDArray[np.float32], df: FloatArray) -> None:
        """Document lengths and frequencies -> avgdl, idf and length norms (of the live
        documents: a dead one's length counts as 0 and its norm as infinite, so that it
        adds nothing to any score)."""
        k1, b = self.k1, self.b
        self.lengths = doc_len  # every document's, the dead ones' too
        self.size = len(doc_len)  # documents numbered, the dead ones too
        dead = self._dead
        self.doc_len = doc_len if dead is None else np.where(dead, 0, doc_len).astype(np.float32)
        self.n_docs = self.size - (int(np.count_nonzero(dead)) if dead is not None else 0)
        total = float(self.doc_len.sum(dtype=np.float64))
        self.avgdl = total / self.n_docs if self.n_docs else 0.0
        self.df = df
        self.idf = self._idf(self.df)
        if self.n_docs and self.avgdl > 0:
            self.norm = k1 * (1 - b + b * self.doc_len.astype(np.float64) / self.avgdl)
        else:
            self.norm = np.full(self.size, k1, dtype=np.float64)
        if dead is not None:
            self.norm[dead] = np.inf
        self._min_norm = float(self.norm.min()) if self.n_docs else k1
        self._buffer = np.zeros(self.size, dtype=np.float64)
        self._mark = np.zeros(self.size, dtype=bool)

    def delete(self, docs: npt.NDArray[Any], terms: npt.NDArray[Any],
               counts: npt.NDArray[Any], order: npt.NDArray[Any]) -> None:
        """Leave out the documents `docs` (numbers of the whole index, with its parts;
        the parts are all added first): the document frequency of each of `terms` is
        lowered by its `counts` (how many of them hold it), N and avgdl are those of the
        documents left, and `order` gives the live terms in the order they first appear
        in them (BM25Okapi sums their idf in that order for its mean). Every score is then
        BM25Okapi's over the live documents; search and postings never give a dead one,
        and `vocab` knows only the live terms. Raises ValueError when the numbers do not
        fit this index (tombstones of another one)."""
        if self._dead is not None:
            raise ValueError("deletions are given once, after the parts")
        dead = np.zeros(self.size, dtype=bool)
        if len(docs) and (int(docs[0]) < 0 or int(docs[-1]) >= self.size):
            raise ValueError("a dead document outside the index")
        dead[docs] = True
        df = self.df.copy()
        if len(terms):
            if int(terms[0]) < 0 or int(terms[-1]) >= len(df) or (np.diff(terms) <= 0).any():
                raise ValueError("dead terms outside the vocabulary, or out of order")
            df[terms] -= counts
        if (df < 0).any() or len(order) != int(np.count_nonzero(df > 0)) or (
                len(order) and (df[order] <= 0).any()):
            raise ValueError("tombstones that do not fit the index's frequencies")
        self._dead, self._order = dead, np.asarray(order)
        self._set_docs(self.lengths, df)
        self.vocab = LiveTerms(self._vocab, self.df, self._order)
        self._maxtf = None

    def is_dead(self, doc: int) -> bool:
        return self._dead is not None and bool(self._dead[doc])

    @property
    def dead(self) -> npt.NDArray[np.bool_] | None:
        """Which documents are left out (None: none)."""
        return self._dead

    def add(
        self, terms: Sequence[str], offsets: npt.NDArray[np.int64], doc_ids: npt.NDArray[np.int32],
        tfs: npt.NDArray[Any], doc_len: npt.NDArray[np.float32],
    ) -> None:
        """Add the postings of more documents (numbered after the present ones, from 0 in
        `doc_ids`) with their own vocabulary `terms`, without merging the arrays: idf,
        avgdl and every score are then those of one index over all the documents."""
        if self._dead is not None:
            raise ValueError("parts are added before the deletions")
        vocab = self._vocab
        ids = np.fromiter((vocab.setdefault(t, len(vocab)) for t in terms),
                          dtype=np.int64, count=len(terms))
        local = np.full(len(vocab), -1, dtype=np.int64)
        local[ids] = np.arange(len(ids))
        for part in self._parts:  # earlier parts know none of the new terms
            part.local = np.concatenate(
                (part.local, np.full(len(vocab) - len(part.local), -1, dtype=np.int64)))
        self._parts.append(_Part(offsets, doc_ids, tfs, self.size, local, ids))
        df = np.zeros(len(vocab), dtype=np.float64)
        df[: len(self.df)] = self.df
        df[ids] += np.diff(offsets)
        self._maxtf = None
        self._set_docs(np.concatenate((self.lengths, doc_len)).astype(np.float32), df)

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
        cls, vocab: MutableMapping[str, int], term_ids: IntArray, doc_of: IntArray,
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
        # summed one after another in the order the terms first appear, as BM25Okapi
        # does (not pairwise): term order, or with deletions that of the live terms
        live = idf if self._order is None else idf[self._order]
        self.average_idf = float(np.cumsum(live)[-1] / len(live)) if len(live) else 0.0
        return np.where(idf < 0, self.epsilon * self.average_idf, idf)

    def group_idf(self, term_ids: Sequence[int]) -> float:
        """idf of a group of terms: the idf of its largest document frequency."""
        if len(term_ids) == 1:
            return float(self.idf[term_ids[0]])
        df = max(self.df[t] for t in term_ids)
        idf = float(np.log(self.n_docs - df + 0.5) - np.log(df + 0.5))
        return idf if idf >= 0 else self.epsilon * self.average_idf

    def parts(self) -> list[tuple[list[str], npt.NDArray[np.int64], npt.NDArray[np.int32],
                                  npt.NDArray[Any], npt.NDArray[np.float32]]]:
        """The base postings and each added part's: (terms, offsets, documents numbered
        from 0 in the part, frequencies, document lengths)."""
        terms = list(self._vocab)  # in id order: ids are given in insertion order
        ends = [part.first_doc for part in self._parts] + [self.size]
        out = [(terms[: self._base_terms], self.offsets, self.doc_ids, self.tfs,
                self.lengths[: ends[0]])]
        for part, end in zip(self._parts, ends[1:], strict=True):
            out.append(([terms[g] for g in part.ids.tolist()], part.offsets, part.doc_ids,
                        part.tfs, self.lengths[part.first_doc:end]))
        return out

    def terms(self) -> list[str]:
        """Every term, live or not, by term number."""
        return list(self._vocab)

    def term_number(self, term: str) -> int | None:
        """The number of a term, live or not."""
        got = self._vocab.get(term)
        return None if got is None else int(got)

    def frequencies(self, term: int, docs: npt.NDArray[Any]) -> IntArray:
        """How often the term occurs in each of the (ascending) documents, dead or not."""
        out = np.zeros(len(docs), dtype=np.int64)
        for first, end, lo, hi, doc_ids, tfs in self._ranges(term):
            inside = (docs >= first) & (docs < end)
            if not inside.any() or hi == lo:
                continue
            want = (docs[inside] - first).astype(doc_ids.dtype)
            own = doc_ids[lo:hi]
            pos = np.searchsorted(own, want)
            pos[pos == hi - lo] = 0
            hit = own[pos] == want
            got = np.zeros(len(want), dtype=np.int64)
            got[hit] = tfs[lo:hi][pos[hit]]
            out[inside] = got
        return out

    def first_live(self, term: int, dead: npt.NDArray[np.bool_]) -> int | None:
        """The first document holding the term that `dead` does not mark, or None."""
        for first, _end, lo, hi, doc_ids, _tfs in self._ranges(term):
            step = 64
            while lo < hi:
                docs = doc_ids[lo:min(hi, lo + step)].astype(np.int64) + first
                alive = np.flatnonzero(~dead[docs])
                if len(alive):
                    return int(docs[alive[0]])
                lo += step
                step *= 4
        return None

    def _ranges(self, term: int) -> Iterator[tuple[int, int, int, int, npt.NDArray[Any],
                                                    npt.NDArray[Any]]]:
        """Where the term's postings are, part by part: (the part's first document, its
        end, the postings' range in its arrays, its documents, its frequencies)."""
        ends = [part.first_doc for part in self._parts] + [self.size]
        if term < self._base_terms:
            yield (0, ends[0], int(self.offsets[term]), int(self.offsets[term + 1]),
                   self.doc_ids, self.tfs)
        for part, end in zip(self._parts, ends[1:], strict=True):
            local = int(part.local[term]) if term < len(part.local) else -1
            if local >= 0:
                yield (part.first_doc, end, int(part.offsets[local]),
                       int(part.offsets[local + 1]), part.doc_ids, part.tfs)

    # -- scoring --------------------------------------------------------------------

    def term_ids(self, terms: Iterable[str]) -> list[int]:
        return [t for t in (self.vocab.get(term) for term in terms) if t is not None]

    def _slices(self, term: int) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
        """A term's documents (ascending) and frequencies over the base and added parts."""
        if term < self._base_terms:
            lo, hi = self.offsets[term], self.offsets[term + 1]
            docs, tfs = self.doc_ids[lo:hi], self.tfs[lo:hi]
        else:
            docs, tfs = self.doc_ids[:0], self.tfs[:0]
        if not self._parts:
            return docs, tfs
        all_docs, all_tfs = [docs.astype(np.int64)], [tfs]
        for part in self._parts:
            local = part.local[term]
            if local >= 0:
                lo, hi = part.offsets[local], part.offsets[local + 1]
                all_docs.append(part.doc_ids[lo:hi].astype(np.int64) + part.first_doc)
                all_tfs.append(part.tfs[lo:hi])
        return np.concatenate(all_docs), np.concatenate(all_tfs)

    def postings(self, term_ids: Sequence[int]) -> tuple[IntArray, FloatArray]:
        """Live documents (ascending) containing any of the terms, with their summed
        frequencies."""
        docs, tfs = self._postings(term_ids)
        if self._dead is not None:
            keep = ~self._dead[docs]
            docs, tfs = docs[keep], tfs[keep]
        return docs, tfs

    def _postings(self, term_ids: Sequence[int]) -> tuple[IntArray, FloatArray]:
        """Documents containing any of the terms, with their summed frequencies."""
        if len(term_ids) == 1:
            docs, tfs = self._slices(term_ids[0])
            return docs.astype(np.int64), tfs.astype(np.float64)
        got = [self._slices(t) for t in term_ids]
        docs = np.concatenate([d.astype(np.int64) for d, _ in got])
        tfs = np.concatenate([f for _, f in got])
        uniq, inverse = np.unique(docs, return_inverse=True)
        return uniq.astype(np.int64), np.bincount(inverse, weights=tfs).astype(np.float64)

    def range_tfs(self, term_ids: Sequence[int], lo: IntArray, hi: IntArray) -> FloatArray:
        """The summed frequencies of the terms in the documents [lo[i], hi[i]) of each
        range: only the ranges' postings are read (the whole postings of a common word
        are a million entries). Frequencies are integers, so the sums are exact whatever
        their order."""
        out = np.zeros(len(lo), dtype=np.float64)
        for term in term_ids:
            docs, tfs = self._slices(term)
            if not len(docs):
                continue
            kind = docs.dtype.type
            a = np.searchsorted(docs, lo.astype(kind))
            z = np.searchsorted(docs, hi.astype(kind))
            for i in np.flatnonzero(z > a).tolist():
                out[i] += int(tfs[a[i]:z[i]].sum(dtype=np.int64))
        return out

    def _group_postings(self, group: Sequence[int]) -> tuple[npt.NDArray[Any], FloatArray]:
        """A group's documents (ascending, of any integer type) and frequencies (a new
        array, free to be worked on in place)."""
        if len(group) == 1 and group[0] < self._base_terms and not self._parts:
            lo, hi = self.offsets[group[0]], self.offsets[group[0] + 1]
            return self.doc_ids[lo:hi], self.tfs[lo:hi].astype(np.float64)
        return self._postings(group)

    def _contributions(self, docs: npt.NDArray[Any], tf: FloatArray, idf: float) -> FloatArray:
        """idf * (tf * (k1 + 1) / (tf + norm)) of each document, as BM25Okapi works it out
        (the same operations in the same order; `tf` is overwritten)."""
        below = self.norm.take(docs)
        below += tf
        tf *= self.k1 + 1
        tf /= below
        tf *= idf
        return tf

    def score_groups(
        self, groups: Sequence[Sequence[int]], weights: Sequence[float] | None = None,
    ) -> tuple[IntArray, FloatArray]:
        """Sparse scores: the documents matching any group, and their BM25 scores."""
        touched: list[npt.NDArray[Any]] = []
        with self._lock:
            acc = self._buffer
            for i, group in enumerate(groups):
                if not group:
                    continue
                docs, tf = self._group_postings(group)
                idf = self.group_idf(group) * (weights[i] if weights is not None else 1.0)
                acc[docs] += self._contributions(docs, tf, idf)  # documents unique: no add.at
                touched.append(docs)
            if not touched:
                return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
            cand = (np.unique(np.concatenate(touched)) if len(touched) > 1
                    else touched[0].astype(np.int64))
            scores = acc[cand].copy()
            acc[cand] = 0.0
        if self._dead is not None:
            keep = ~self._dead[cand]
            cand, scores = cand[keep], scores[keep]
        return cand, scores

    def top(
        self, groups: Sequence[Sequence[int]], k: int, weights: Sequence[float] | None = None,
    ) -> list[tuple[int, float]]:
        """The k best documents as (document number, score), best first (ties: lower number).

        Exact, but without scoring every matching document: groups are taken in order of
        their largest possible contribution, and once the k-th best partial score beats
        what the remaining groups could add at most, only the documents found so far
        can be in the top k (MaxScore); their scores are then completed by lookups.
        """
        if k <= 0:
            return []
        live = [i for i, g in enumerate(groups) if g]
        if len(live) == 1:  # nothing to add up: the group's postings are the scores
            i = live[0]
            docs, tf = self._group_postings(groups[i])
            idf = self.group_idf(groups[i]) * (weights[i] if weights is not None else 1.0)
            scores = self._contributions(docs, tf, idf)
            if self._dead is not None:
                keep = ~self._dead[docs]
                docs, scores = docs[keep], scores[keep]
            return _best(docs, scores, k)
        pruned = self._top_pruned(groups, k, weights)
        if pruned is not None:
            docs, scores = pruned
        else:
            docs, scores = self.score_groups(groups, weights)
        return _best(docs, scores, k)

    def set_max_tf(self, max_tf: npt.NDArray[Any]) -> None:
        """The largest frequency of each base term, if known (saves reading them all)."""
        self._base_maxtf = max_tf
        self._maxtf = None

    def _max_tf(self) -> FloatArray:
        if self._maxtf is None:
            out = np.zeros(len(self._vocab), dtype=np.float64)
            if self._base_maxtf is not None:
                out[: self._base_terms] = self._base_maxtf
            elif len(self.tfs):
                out[: self._base_terms] = _largest(self.tfs, self.offsets)
            for part in self._parts:
                if len(part.tfs):
                    np.maximum.at(out, part.ids, _largest(part.tfs, part.offsets))
            self._maxtf = out
        return self._maxtf

    def _top_pruned(
        self, groups: Sequence[Sequence[int]], k: int, weights: Sequence[float] | None,
    ) -> tuple[IntArray, FloatArray] | None:
        live = [i for i, g in enumerate(groups) if g]
        if not live:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        idf = {i: self.group_idf(groups[i]) * (weights[i] if weights is not None else 1.0)
               for i in live}
        if any(v < 0 for v in idf.values()) or self.n_docs == 0:
            return None
        k1 = self.k1
        with self._lock:
            max_tf = self._max_tf()
            bound = {}
            for i in live:
                mt = float(sum(max_tf[t] for t in groups[i]))
                bound[i] = idf[i] * (mt * (k1 + 1) / (mt + self._min_norm))
            order = sorted(live, key=lambda i: -bound[i])
            # a group of several terms has its postings merged once (they are read up to
            # three times below)
            merged = {i: self._postings(groups[i]) for i in live if len(groups[i]) > 1}
            acc, mark = self._buffer, self._mark
            parts: list[npt.NDArray[Any]] = []
            found = 0
            done = 0
            rest = 0.0
            read = 0.0  # the bounds of the groups read: no partial score is above their sum
            for done, i in enumerate(order, start=1):
                if i in merged:
                    docs, tf = merged[i][0], merged[i][1].copy()
                else:
                    docs, tf = self._group_postings(groups[i])
                if done == 1:  # the buffer is all zeros between calls
                    acc[docs] = self._contributions(docs, tf, idf[i])
                else:  # documents unique within a group: no add.at
                    acc[docs] += self._contributions(docs, tf, idf[i])
                new = docs if done == 1 else docs[~mark[docs]]
                mark[new] = True
                parts.append(new)
                found += len(new)
                rest = sum(bound[j] for j in order[done:])
                read += bound[i]
                # (the k-th partial score cannot beat `rest` while `read` does not)
                if done < len(order) and found >= k and read * (1 + 1e-6) >= rest:
                    cand = np.concatenate(parts)
                    kth = float(np.partition(acc[cand], found - k)[found - k])
                    if kth > rest * (1 + 1e-9) + 1e-12:
                        break
            cand = np.concatenate(parts) if len(parts) > 1 else parts[0].astype(np.int64)
            partial = acc[cand]
            if len(cand) > self.size // 4:  # cheaper than scattering zeros
                acc.fill(0.0)
                mark.fill(False)
            else:
                acc[cand] = 0.0
                mark[cand] = False
        if self._dead is not None:  # their partial scores were 0: they only lowered the bar
            keep = ~self._dead[cand]
            cand, partial = cand[keep], partial[keep]
            if not len(cand):
                return cand, partial
        # Only documents whose partial score plus all the unread groups could still reach
        # the k-th best partial score can be in the top k (finals >= partials); the margin
        # covers sums made in another order than the exact ones below. Each unread group
        # is then looked up for the documents left, which sharpens the partial scores and
        # lowers what is still unread, until about k documents are left.
        unread = order[done:] if rest > 0 else []
        for read, g in enumerate([None, *unread]):
            if len(cand) <= k:
                break
            if g is not None:
                hit, tf = self._lookup(groups[g], cand.astype(self.doc_ids.dtype),
                                       merged.get(g))
                if len(tf):
                    add = np.zeros(len(cand), dtype=np.float64)
                    add[hit] = idf[g] * (tf * (k1 + 1) / (tf + self.norm[cand[hit]]))
                    partial = partial + add
                rest = sum(bound[j] for j in unread[read:])
            kth = float(np.partition(partial, len(cand) - k)[len(cand) - k])
            keep = partial + rest >= kth - 1e-9 * abs(kth) - 1e-12
            cand, partial = cand[keep], partial[keep]
        cand = np.sort(cand).astype(np.int64)
        scores = np.zeros(len(cand), dtype=np.float64)
        norm = self.norm[cand]
        cand32 = cand.astype(self.doc_ids.dtype)
        for i in live:  # exact scores, adding the groups in the caller's order
            hit, tf = self._lookup(groups[i], cand32, merged.get(i))
            if len(tf):
                part = np.zeros(len(cand), dtype=np.float64)
                part[hit] = idf[i] * (tf * (k1 + 1) / (tf + norm[hit]))
                scores += part
        return cand, scores

    def _lookup(self, group: Sequence[int], cand: npt.NDArray[Any],
                postings: tuple[IntArray, FloatArray] | None = None) -> tuple[
            npt.NDArray[np.bool_], FloatArray]:
        """Which of the sorted documents `cand` hold the group, and their frequencies
        (`postings`: the group's, merged already)."""
        docs: npt.NDArray[Any]
        tfs: npt.NDArray[Any]
        if postings is not None:
            docs, tfs = postings
        elif len(group) == 1:
            docs, tfs = self._slices(group[0])
        else:
            docs, tfs = self._postings(group)
        docs = docs.astype(cand.dtype, copy=False)
        pos = np.searchsorted(docs, cand)
        pos[pos == len(docs)] = 0
        hit = docs[pos] == cand if len(docs) else np.zeros(len(cand), dtype=bool)
        return hit, np.asarray(tfs[pos[hit]], dtype=np.float64)

    def get_scores(self, query: Sequence[str]) -> FloatArray:
        """Dense scores of every document, like BM25Okapi.get_scores (for parity checks;
        a dead document's is 0)."""
        out = np.zeros(self.size, dtype=np.float64)
        for term in query:
            tid = self.vocab.get(term)
            if tid is None:
                continue
            docs, tf = self._postings([tid])
            out[docs] += self.idf[tid] * (tf * (self.k1 + 1) / (tf + self.norm[docs]))
        return out


class _Part:
    """Postings of documents added after the base ones (BM25Index.add)."""

    def __init__(self, offsets: npt.NDArray[np.int64], doc_ids: npt.NDArray[np.int32],
                 tfs: npt.NDArray[Any], first_doc: int, local: IntArray, ids: IntArray) -> None:
        self.offsets, self.doc_ids, self.tfs = offsets, doc_ids, tfs
        self.first_doc = first_doc  # number of its document 0 in the whole index
        self.local = local  # its own number of each term of the whole index, or -1
        self.ids = ids  # the whole index's number of each of its terms


def _largest(tfs: npt.NDArray[Any], offsets: npt.NDArray[np.int64]) -> FloatArray:
    """The largest frequency of each term of a CSR (every term has a posting)."""
    return np.maximum.reduceat(np.asarray(tfs), offsets[:-1]).astype(np.float64)


def _best(docs: IntArray, scores: FloatArray, k: int) -> list[tuple[int, float]]:
    """The k highest scores, best first; equal scores by document number."""
    if len(docs) > k:
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        keep = scores >= kth
        docs, scores = docs[keep], scores[keep]
    order = np.lexsort((docs, -scores))[:k]
    return [(int(docs[i]), float(scores[i])) for i in order]
