"""The seam between the answer engine and a search backend: what retrieval and
answering read of an index (`SearchIndex`), and what the engine reads of the articles
and passages behind it (`ArticleStore`).

The default backend (bot/index/: the saved, memory-mapped index, scores exactly
rank-bm25's BM25Okapi) satisfies both with `BM25Index` and `Store`; the Xapian backend
(bot/backends/xapian_*.py) with its own. Document numbers are a collection's own: an
article's documents are consecutive numbers, and `Collection.around` gives answering
the candidates in a numbering it can read (the default: the collection itself).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from bot.index.strings import Analyses
from bot.models import Article, Passage


class SearchIndex(Protocol):
    """One language's BM25: terms, statistics, postings, top k."""

    @property
    def vocab(self) -> Mapping[str, int]: ...  # term -> term number (the speller iterates it)

    @property
    def n_docs(self) -> int: ...

    @property
    def doc_len(self) -> npt.NDArray[np.float32]: ...

    @property
    def k1(self) -> float: ...

    @property
    def b(self) -> float: ...

    def term_ids(self, terms: Sequence[str]) -> list[int]: ...

    def group_idf(self, term_ids: Sequence[int]) -> float: ...

    def postings(self, term_ids: Sequence[int]) -> tuple[
        npt.NDArray[np.int64], npt.NDArray[np.float64]]: ...

    def score_groups(
        self, groups: Sequence[Sequence[int]], weights: Sequence[float] | None = None,
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]: ...

    def top(self, groups: Sequence[Sequence[int]], k: int,
            weights: Sequence[float] | None = None) -> list[tuple[int, float]]: ...


@runtime_checkable
class DocumentScorer(Protocol):
    """An index that scores given documents without scoring every matching one (a remote
    index, where the whole matching set is too far away)."""

    def score_docs(self, groups: Sequence[Sequence[int]], docs: Sequence[int],
                   weights: Sequence[float] | None = None) -> dict[int, float]: ...


@runtime_checkable
class RangeCounter(Protocol):
    """An index that sums a group's term frequencies over document ranges without
    gathering its whole postings (answering's article BM25; the default index)."""

    def range_tfs(self, term_ids: Sequence[int], lo: npt.NDArray[np.int64],
                  hi: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]: ...


class ArticleIds(Protocol):
    """Article id -> article number."""

    def get(self, key: str, default: Any = None) -> Any: ...

    def __getitem__(self, key: str) -> int: ...


class ArticleStore(Protocol):
    """Articles and passages by number, and the index of each language."""

    manifest: dict[str, Any]

    @property
    def indexes(self) -> Mapping[str, SearchIndex]: ...

    @property
    def analyses(self) -> Mapping[str, Analyses]: ...

    @property
    def ids(self) -> ArticleIds: ...

    @property
    def n_articles(self) -> int: ...

    @property
    def n_passages(self) -> int: ...

    def article_meta(self, number: int) -> dict[str, Any]: ...

    def article(self, number: int, text: bool = True) -> Article: ...

    def article_language(self, number: int) -> str: ...

    def passage(self, number: int) -> Passage: ...

    def passage_number(self, passage_id: str) -> int | None: ...

    def passage_count(self, number: int) -> int: ...

    def article_docs(self, language: str, doc: int) -> tuple[int, int]: ...

    def first_doc(self, language: str, number: int) -> int | None: ...

    def language_articles(self, language: str) -> int: ...

    def warm(self) -> None: ...
