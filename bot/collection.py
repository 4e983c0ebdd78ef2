"""One language's passages, their BM25 index, and the article each passage belongs to.

Answering judges a passage with its article: the article's title, and how strongly the
article as a whole speaks about the question (its BM25 score as one document, worked
out from the passages' postings: no second index). This module gives answering those
article-level lookups without exposing the store's arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from bot.analysis import TOKEN_RE, analyzer, fold_all
from bot.backends.protocol import SearchIndex
from bot.models import Hit, Passage

if TYPE_CHECKING:
    from bot.backends.protocol import ArticleStore


@dataclass
class Collection:
    """The passages of one language and their BM25 index (document number = row)."""

    language: str
    passages: Sequence[Passage]
    index: SearchIndex
    store: ArticleStore | None = None
    _mean_length: float | None = field(default=None, repr=False)
    _titles: dict[str, tuple[frozenset[str], frozenset[str]]] = field(
        default_factory=dict, repr=False)

    def around(self, hits: Sequence[Hit]) -> tuple[Collection, list[Hit]]:
        """The collection answering reads the hits in, and the hits in its numbers: this
        one (a backend whose documents are far away gives a view of the hits alone)."""
        return self, list(hits)

    def article_docs(self, doc: int) -> tuple[int, int]:
        """The documents [lo, hi) of the article document `doc` belongs to."""
        if self.store is None:
            return doc, doc + 1
        return self.store.article_docs(self.language, doc)

    def article_length(self, lo: int, hi: int) -> float:
        """Terms in the documents [lo, hi) (an article's length as BM25 counts it)."""
        return float(np.asarray(self.index.doc_len[lo:hi], dtype=np.float64).sum())

    def mean_article_length(self) -> float:
        """The mean length of this collection's articles (worked out once)."""
        if self._mean_length is None:
            articles = self.store.language_articles(self.language) if self.store else 0
            total = float(np.asarray(self.index.doc_len, dtype=np.float64).sum())
            self._mean_length = total / max(articles or self.index.n_docs, 1)
        return self._mean_length

    def title(self, article_id: str) -> tuple[frozenset[str], frozenset[str]]:
        """An article's title (and the years it was published and updated): its analysed
        terms and its words, folded."""
        known = self._titles.get(article_id)
        if known is None:
            number = self.store.ids.get(article_id) if self.store is not None else None
            meta = self.store.article_meta(number) \
                if self.store is not None and number is not None else {}
            # the years it was published and updated count as its title's words too
            # ("Wie viele Soldaten 2024?")
            years = " ".join(str(meta[k])[:4] for k in ("published", "updated") if meta.get(k))
            known = _title(self.language, f"{meta.get('title', '')} {years}".strip())
            if len(self._titles) >= TITLES:
                self._titles.clear()
            self._titles[article_id] = known
        return known


TITLES = 4096  # titles kept analysed per collection


@lru_cache(maxsize=TITLES)
def _title(language: str, text: str) -> tuple[frozenset[str], frozenset[str]]:
    if not text:
        return frozenset(), frozenset()
    return frozenset(analyzer(language).terms(text)), frozenset(fold_all(TOKEN_RE.findall(text)))
