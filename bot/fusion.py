"""Fusion of two rankings of one collection by reciprocal rank (Cormack et al., 2009).

Each document scores 1 / (k + rank) in each ranking it appears in (rank from 1); k = 60
as in the paper. Ties keep the first ranking's order, then the second's.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.models import Hit

RRF_K = 60


def fuse(first: Sequence[int], second: Sequence[int], k: int = RRF_K) -> list[int]:
    """Reciprocal rank fusion of two rankings, best first; ties follow `first`, then `second`."""
    score: dict[int, float] = {}
    for ranking in (first, second):
        for place, item in enumerate(dict.fromkeys(ranking), start=1):
            score[item] = score.get(item, 0.0) + 1.0 / (k + place)
    order = {item: i for i, item in enumerate(dict.fromkeys([*first, *second]))}
    return sorted(score, key=lambda item: (-score[item], order[item]))


def fuse_hits(bm25: Sequence[Hit], nearest: Sequence[Hit], bm25_of: dict[int, float],
              cosine_of: dict[int, float]) -> list[Hit]:
    """The hits of both retrievers in fused order, each with its BM25 score and cosine."""
    docs = fuse([h.doc for h in bm25], [h.doc for h in nearest])
    return [Hit(doc, bm25_of.get(doc, 0.0), cosine_of.get(doc)) for doc in docs]
