"""Retrievers return hits: document numbers of one collection with what found them.

BM25 (bot/index/bm25.py) finds the passages that share the question's terms; the optional
embeddings (bot/semantic.py) find the nearest passages by meaning. Both return `Hit`s,
the engine fuses them (bot/fusion.py), and answering reads whatever hits it is given;
no retriever knows about the others or about answering.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.backends.protocol import DocumentScorer, SearchIndex
from bot.models import Hit
from bot.query import QueryGroup

CANDIDATES = 8  # passages BM25 hands to answering per collection


def bm25_hits(index: SearchIndex, groups: Sequence[QueryGroup], k: int = CANDIDATES) -> list[Hit]:
    """The k documents with the best BM25 scores for the query groups, best first."""
    ids = [index.term_ids(g.terms) for g in groups]
    return [Hit(doc, score) for doc, score in index.top(ids, k, [g.weight for g in groups])]


def bm25_scores(index: SearchIndex, groups: Sequence[QueryGroup],
                docs: Sequence[int]) -> dict[int, float]:
    """BM25 scores of the given documents (0 for a document with none of the terms)."""
    ids = [index.term_ids(g.terms) for g in groups]
    if isinstance(index, DocumentScorer):  # a remote index scores just these
        return index.score_docs(ids, docs, [g.weight for g in groups])
    matching, scores = index.score_groups(ids, [g.weight for g in groups])
    found = dict(zip(matching.tolist(), scores.tolist(), strict=True))
    return {doc: found.get(doc, 0.0) for doc in docs}
