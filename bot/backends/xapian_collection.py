"""A language's passages on the Xapian shards as a Collection, and the view answering
reads for one question's candidates.

Answering (bot/answering.py) judges each candidate with its article: the article's BM25
as one document, from the postings of the article's passages and its length. On the
shards that is no scan: `around(hits)` makes a `View`, a collection of the
candidates alone in numbers of its own — per article its candidate passages, then one
document standing for the rest of the article, whose frequencies and length are the
article's (the `s:` and `a:` records, documents.py) less the candidates'. Sums over an
article's documents, all answering takes of them, are then exactly the default index's;
idf, the number of documents and the mean article length are the language's over all
shards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.backends import documents as docs
from bot.backends.xapian_index import XapianIndex
from bot.collection import Collection
from bot.models import Hit, Passage


class XapianPassages(Sequence[Passage]):
    """The language's passages by newsbot document number, read on access."""

    def __init__(self, index: XapianIndex) -> None:
        self._index = index

    def __len__(self) -> int:
        return self._index.n_docs

    def __getitem__(self, doc: int) -> Passage:  # type: ignore[override]
        data = self._index.documents([doc]).get(doc)
        if data is None:
            raise IndexError(f"document {doc} is no longer on its shard")
        return docs.passage_of(data)


@dataclass
class XapianCollection(Collection):
    """The language's collection on the shards; `around` gives answering its view."""

    def _xapian(self) -> XapianIndex:
        assert isinstance(self.index, XapianIndex)
        return self.index

    def article_length(self, lo: int, hi: int) -> float:
        got = self._xapian().documents(range(lo, hi))
        return float(sum(float(d["dl"]) for d in got.values()))

    def mean_article_length(self) -> float:
        stats = self._xapian().stats()
        return stats.length / max(stats.articles or stats.n_docs, 1)

    def around(self, hits: Sequence[Hit]) -> tuple[Collection, list[Hit]]:
        index = self._xapian()
        conn = index.here()
        got = index.documents([h.doc for h in hits], conn)
        by_article: dict[str, list[int]] = {}
        for h in hits:
            if h.doc in got:
                by_article.setdefault(got[h.doc]["a"], []).append(h.doc)
        local: dict[int, int] = {}
        passages: list[Passage | None] = []
        lengths: list[float] = []
        tfs: list[dict[str, Any]] = []
        ranges: list[tuple[int, int]] = []
        for article_id, found in by_article.items():
            lo = len(passages)
            for doc in sorted(set(found)):
                local[doc] = len(passages)
                passages.append(docs.passage_of(got[doc]))
                lengths.append(float(got[doc]["dl"]))
                tfs.append(got[doc]["tf"])
            self._rest(article_id, [got[d] for d in sorted(set(found))], passages, lengths, tfs)
            ranges.extend([(lo, len(passages))] * (len(passages) - lo))
        view = View(self.language, _ViewPassages(passages),
                    ViewIndex(index, np.array(lengths, dtype=np.float32), tfs), self.store,
                    ranges=ranges, mean_length=self.mean_article_length())
        return view, [Hit(local[h.doc], h.bm25, h.cosine) for h in hits if h.doc in local]

    def _rest(self, article_id: str, found: list[dict[str, Any]], passages: list[Passage | None],
              lengths: list[float], tfs: list[dict[str, Any]]) -> None:
        """The document standing for the article's other passages, if it has any."""
        assert self.store is not None
        store: Any = self.store
        meta, totals = store.record(article_id), store.record(article_id, "s")
        if meta is None or totals is None or int(meta["passages"]) <= len(found):
            return
        rest = dict(totals)
        for data in found:
            for term, tf in data["tf"].items():
                rest[term] = rest.get(term, 0) - tf
        passages.append(None)
        lengths.append(float(meta["length"]) - sum(float(d["dl"]) for d in found))
        tfs.append({t: f for t, f in rest.items() if f > 0})


class _ViewPassages(Sequence[Passage]):
    def __init__(self, passages: list[Passage | None]) -> None:
        self._passages = passages

    def __len__(self) -> int:
        return len(self._passages)

    def __getitem__(self, doc: int) -> Passage:  # type: ignore[override]
        passage = self._passages[doc]
        if passage is None:
            raise IndexError(f"document {doc} of the view stands for an article's other "
                             "passages")
        return passage


@dataclass
class View(Collection):
    """One question's candidates and their articles (see the module's docstring)."""

    ranges: list[tuple[int, int]] = field(default_factory=list)
    mean_length: float = 0.0

    def article_docs(self, doc: int) -> tuple[int, int]:
        return self.ranges[doc]

    def mean_article_length(self) -> float:
        return self.mean_length


class ViewIndex:
    """The view's BM25: the language's statistics, the view's documents."""

    def __init__(self, index: XapianIndex, lengths: npt.NDArray[np.float32],
                 tfs: list[dict[str, Any]]) -> None:
        self._index = index
        self.doc_len = lengths
        self._tfs = tfs
        self.k1, self.b = index.k1, index.b
        self.vocab = index.vocab
        self.n_docs = index.n_docs

    def term_ids(self, terms: Sequence[str]) -> list[int]:
        return self._index.term_ids(terms)

    def group_idf(self, term_ids: Sequence[int]) -> float:
        return self._index.group_idf(term_ids)

    def postings(self, term_ids: Sequence[int]) -> tuple[
            npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        terms = [self._index.terms.term(t) for t in term_ids]
        found = [(doc, float(sum(tf.get(t, 0) for t in terms)))
                 for doc, tf in enumerate(self._tfs)]
        found = [(d, f) for d, f in found if f > 0]
        return (np.array([d for d, _ in found], dtype=np.int64),
                np.array([f for _, f in found], dtype=np.float64))

    def score_groups(self, groups: Sequence[Sequence[int]],
                     weights: Sequence[float] | None = None,
                     ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        stats = self._index.stats()
        idfs = [self.group_idf(g) * (weights[i] if weights is not None else 1.0) if g else 0.0
                for i, g in enumerate(groups)]
        scores = [self._index.score(groups, {"tf": tf, "dl": dl}, stats, idfs)
                  for tf, dl in zip(self._tfs, self.doc_len.tolist(), strict=True)]
        matching = [d for d, s in enumerate(scores) if s]
        return (np.array(matching, dtype=np.int64),
                np.array([scores[d] for d in matching], dtype=np.float64))

    def top(self, groups: Sequence[Sequence[int]], k: int,
            weights: Sequence[float] | None = None) -> list[tuple[int, float]]:
        matching, scores = self.score_groups(groups, weights)
        ranked = sorted(zip(matching.tolist(), scores.tolist(), strict=True),
                        key=lambda s: (-s[1], s[0]))
        return ranked[:k]
