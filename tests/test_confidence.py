"""The ranking weights and the "found" model over bot/features.py's vectors."""

from __future__ import annotations

import json

import pytest

from bot import trees
from bot.confidence import MODEL, RANK_WEIGHTS, THRESHOLD, confidence, rank_score
from bot.features import (
    ANSWER_FEATURES,
    ANSWER_MONOTONE,
    RANK_FEATURES,
    Signals,
    answer_features,
    margins,
    rank_features,
)


def signals(**changed: float | str) -> Signals:
    """A candidate holding most of a four-word question in its quote."""
    base = Signals(
        bm25=12.0, coverage=0.8, sentence_coverage=0.8, best_sentence=1.2,
        title_coverage=0.0, pairs=0.3, strength=1.0, aimed=0.5, exact=0.7, words_found=0.75,
        idf_found=2.0, idf_quoted=2.0, idf_missing=0.3, most_specific_missing=0.3,
        rarest_found=1.0, rarest_quoted=1.0, rare_share=0.9, rare_share_quoted=0.9,
        rare_found=2.0, rare_quoted=2.0, article_bm25=14.0, heaviest=0.35, translated=0.0,
        groups=4.0, absent=0.0, words=4.0, specificity=0.8, idf_all=2.3, self_score=15.0,
        kind="count")
    return base._replace(**changed)


def test_the_vectors_have_their_names() -> None:
    assert len(rank_features(signals(), 12.0, 14.0)) == len(RANK_FEATURES) == len(RANK_WEIGHTS)
    vector = answer_features(signals(), 20.0, 3.0, 1.0)
    assert len(vector) == len(ANSWER_FEATURES) == len(ANSWER_MONOTONE)
    assert trees.load(MODEL).features == ANSWER_FEATURES  # the shipped model fits them


def test_rank_score_is_the_weighted_sum() -> None:
    vector = rank_features(signals(), 24.0, 14.0)
    assert vector[0] == 0.5  # bm25 against the best of the collection
    assert rank_score(vector) == pytest.approx(sum(w * v for w, v in zip(RANK_WEIGHTS, vector,
                                                                          strict=True)))
    # a candidate that covers more of the question ranks higher
    more = rank_features(signals(coverage=0.9, sentence_coverage=0.9), 24.0, 14.0)
    assert rank_score(more) > rank_score(vector)


def test_margins_compare_with_the_best_other_article() -> None:
    placed = margins([10.0, 9.0, 6.0], ["a", "a", "b"])
    assert placed[0][0] == 4.0 and placed[1][0] == 3.0 and placed[2][0] == -4.0
    assert placed[0][1] == pytest.approx(10.0 - 25.0 / 3)


def test_found_grows_with_the_evidence() -> None:
    """The trees are monotone in the evidence: a candidate holding the question's words
    in its quote is surer than the same one without them."""
    strong = confidence(answer_features(signals(), 20.0, 5.0, 3.0))
    weak = confidence(answer_features(
        signals(coverage=0.3, sentence_coverage=0.2, words_found=0.25, idf_found=0.6,
                idf_quoted=0.3, idf_missing=1.7, most_specific_missing=0.9, rarest_found=0.0,
                rarest_quoted=0.0, rare_share=0.1, rare_share_quoted=0.05, rare_found=0.0,
                rare_quoted=0.0, exact=0.2, strength=0.0, bm25=4.0, article_bm25=5.0),
        8.0, 0.2, 0.1))
    assert 0.0 <= weak < THRESHOLD <= strong <= 1.0


def test_an_ensemble_walks_its_trees() -> None:
    # one stump: feature 1 <= 0.5 -> -1, else +2; a second tree that is a single leaf
    spec = {"features": ["a", "b"], "bias": 0.5, "trees": [
        {"feature": [1, 0, 0], "threshold": [0.5, 0, 0], "left": [1, 0, 0],
         "right": [2, 0, 0], "value": [0, -1.0, 2.0], "leaf": [False, True, True], "depth": 1},
        {"feature": [0], "threshold": [0], "left": [0], "right": [0], "value": [0.25],
         "leaf": [True], "depth": 0}]}
    model = trees.Ensemble(json.loads(json.dumps(spec)))
    assert model.logit([0.0, 0.2]) == pytest.approx(0.5 - 1.0 + 0.25)
    assert model.logit([0.0, 0.9]) == pytest.approx(0.5 + 2.0 + 0.25)
    assert 0.5 < model.probability([0.0, 0.9]) < 1.0


def _walk(tree: dict[str, list[float]], row: list[float]) -> float:
    """One tree's leaf value for a row, node by node (a reference for Ensemble.logit)."""
    node = 0
    while not tree["leaf"][node]:
        go_left = row[int(tree["feature"][node])] <= tree["threshold"][node]
        node = int(tree["left"][node] if go_left else tree["right"][node])
    return float(tree["value"][node])


def test_the_shipped_ensemble_gives_each_row_the_leaves_of_a_walk_down_each_tree() -> None:
    import random
    from importlib import resources

    spec = json.loads((resources.files("bot") / "data" / f"{MODEL}.json").read_text())
    model = trees.load(MODEL)
    rng = random.Random(14)
    thresholds = [t for tree in spec["trees"] for t in tree["threshold"]]
    for _ in range(200):  # rows of thresholds met exactly, above and below, and NaN
        row = [rng.choice((rng.choice(thresholds), rng.uniform(-5, 50), float("nan")))
               for _ in ANSWER_FEATURES]
        expected = spec["bias"] + sum(_walk(tree, row) for tree in spec["trees"])
        assert model.logit(row) == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_rows_judged_together_get_what_each_gets_alone() -> None:
    import random

    from bot.confidence import confidences

    rng = random.Random(7)
    rows = [tuple(rng.uniform(-1, 30) for _ in ANSWER_FEATURES) for _ in range(9)]
    assert confidences(rows) == [confidence(r) for r in rows]  # the same floats
    assert confidences([]) == []
