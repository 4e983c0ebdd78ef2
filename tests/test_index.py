"""BM25Index: scores equal rank-bm25's BM25Okapi, and top-k equals sorting all scores."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from bot.index import BM25Index


def _corpus(n_docs: int, vocab: int, seed: int) -> list[list[str]]:
    """Documents of Zipf-distributed words w0, w1, ... (w0 the most common)."""
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, vocab + 1)
    weights /= weights.sum()
    lengths = rng.integers(1, 80, size=n_docs)
    words = rng.choice(vocab, size=int(lengths.sum()), p=weights)
    docs, pos = [], 0
    for length in lengths:
        docs.append([f"w{w}" for w in words[pos:pos + length]])
        pos += length
    return docs


@pytest.fixture(scope="module")
def big() -> tuple[list[list[str]], BM25Okapi, BM25Index]:
    docs = _corpus(20_000, 5_000, seed=1)
    return docs, BM25Okapi(docs), BM25Index.build(docs)


def test_scores_equal_bm25okapi_at_20k_documents(
    big: tuple[list[list[str]], BM25Okapi, BM25Index],
) -> None:
    _docs, ref, index = big
    rng = np.random.default_rng(2)
    for case in range(25):
        query = [f"w{w}" for w in rng.integers(0, 6_000, size=int(rng.integers(1, 7)))]
        query += ["w0", "w1"][: case % 3]  # in nearly every document: negative idf, floored
        assert np.array_equal(ref.get_scores(query), index.get_scores(query)), query


def test_small_corpus_parity_with_negative_idf() -> None:
    docs = [["a", "b"], ["a", "c"], ["a"], ["b", "d", "d"]]
    ref, index = BM25Okapi(docs), BM25Index.build(docs)
    for query in (["a"], ["d"], ["a", "d", "b"], ["zz"]):
        assert np.array_equal(ref.get_scores(query), index.get_scores(query))


def _exhaustive(index: BM25Index, groups: list[list[int]], k: int,
                weights: list[float] | None) -> list[tuple[int, float]]:
    docs, scores = index.score_groups(groups, weights)
    order = np.lexsort((docs, -scores))[:k]
    return [(int(docs[i]), float(scores[i])) for i in order]


def test_top_k_equals_sorting_every_score(
    big: tuple[list[list[str]], BM25Okapi, BM25Index],
) -> None:
    _docs, _ref, index = big
    rng = np.random.default_rng(3)
    for case in range(60):
        n = int(rng.integers(1, 7))
        # mix common (low number) and rare words; some groups of several terms
        groups = [sorted({int(t) for t in rng.integers(0, 10 ** int(rng.integers(1, 4)),
                                                        size=int(rng.integers(1, 3)))})
                  for _ in range(n)]
        weights = [float(w) for w in rng.uniform(0.3, 1.5, size=n)] if case % 2 else None
        k = int(rng.choice([1, 5, 30]))
        assert index.top(groups, k, weights) == _exhaustive(index, groups, k, weights), groups


def test_top_of_nothing() -> None:
    index = BM25Index.build([["a"], ["b"]])
    assert index.top([], 3) == []
    assert index.top([[]], 3) == []
    assert index.top([[0]], 0) == []


def test_top_k_among_equal_scores_takes_the_lowest_numbers() -> None:
    # 300 identical documents and a few better ones: the pruned search must keep ties
    docs = [["a", "b", "c"]] * 300 + [["a", "a", "b"], ["b", "c"]] + [["x", "y", "z"]] * 50
    index = BM25Index.build(docs)
    groups = [index.term_ids([t]) for t in ("a", "b", "c")]
    for k in (1, 3, 10, 299):
        assert index.top(groups, k) == _exhaustive(index, groups, k, None), k
        assert index.top(groups[::-1], k, [1.0, 0.5, 2.0]) == _exhaustive(
            index, groups[::-1], k, [1.0, 0.5, 2.0]), k


def test_added_parts_score_like_one_index_over_all_documents() -> None:
    docs = _corpus(3_000, 800, seed=5)
    docs[2_600] = docs[2_600] + ["brandneu"]  # a term only an added part has
    cuts = (0, 2_000, 2_600, 2_601, 3_000)  # a base and three added parts, one of one document
    whole = BM25Index.build(docs)
    ref = BM25Okapi(docs)
    stacked = BM25Index.build(docs[:cuts[1]])
    for lo, hi in itertools.pairwise(cuts[1:]):
        part = BM25Index.build(docs[lo:hi])
        stacked.add(list(part.vocab), part.offsets, part.doc_ids, part.tfs, part.doc_len)
    assert stacked.n_docs == whole.n_docs and stacked.avgdl == whole.avgdl
    rng = np.random.default_rng(6)
    for case in range(30):
        query = [f"w{w}" for w in rng.integers(0, 900, size=int(rng.integers(1, 6)))]
        if case % 5 == 0:
            query.append("brandneu")
        if case % 3 == 0:
            query += ["w0", "w1"]  # negative idf, floored with the mean idf
        assert np.array_equal(ref.get_scores(query), stacked.get_scores(query)), query
        groups = [stacked.term_ids([t]) for t in query]
        assert stacked.top(groups, 10) == _exhaustive(stacked, groups, 10, None), query
        pair = [sorted({g for group in groups[:2] for g in group})]  # a group of two terms
        assert stacked.top(pair, 5) == _exhaustive(stacked, pair, 5, None), query
    # the parts read back as they were added
    parts = stacked.parts()
    assert [len(p[4]) for p in parts] == [2_000, 600, 1, 399]
    assert "brandneu" in parts[2][0] and "brandneu" not in parts[0][0]
