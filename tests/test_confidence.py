"""The confidence models: BM25's alone, and the one the semantic extra uses."""

from __future__ import annotations

import math

import pytest

from bot.confidence import (
    SEMANTIC_WEIGHTS,
    THRESHOLD,
    WEIGHTS,
    confidence,
    features,
    semantic_confidence,
    semantic_features,
)

# a question of three words, two of them found in a German passage; and one it has none of
FOUND = features(0.7, 0.6, 0.4, False, 3, 0.67, 0.0)
NOTHING = features(0.0, 0.0, 0.5, False, 3, 0.0, 1.0)


def test_bm25_confidence_is_the_logistic_of_its_weights() -> None:
    z = WEIGHTS[-1] + sum(w * x for w, x in zip(WEIGHTS, FOUND, strict=False))
    assert confidence(FOUND) == 1.0 / (1.0 + math.exp(-z))  # bit for bit
    assert confidence(FOUND) == pytest.approx(0.903034, abs=1e-6)
    assert confidence(NOTHING) < 0.001


def test_semantic_features_carry_bm25s_evidence() -> None:
    evidence, cosine, translated = semantic_features(FOUND, 0.8)
    assert 1.0 / (1.0 + math.exp(-evidence)) == confidence(FOUND)
    assert (cosine, translated) == (0.8, 0.0)
    assert semantic_features(features(0.7, 0.6, 0.4, True, 3, 0.67), 0.8)[2] == 1.0
    assert len(SEMANTIC_WEIGHTS) == len(semantic_features(FOUND, 0.8)) + 1


def test_a_passage_near_in_meaning_is_surer_than_a_far_one() -> None:
    # found by the embeddings alone: none of the question's words in it
    near = semantic_confidence(semantic_features(NOTHING, 0.9))
    far = semantic_confidence(semantic_features(NOTHING, 0.75))
    assert near > far
    assert near >= THRESHOLD > far
    # with the same cosine, more of the question's words make it surer
    assert semantic_confidence(semantic_features(FOUND, 0.8)) > \
        semantic_confidence(semantic_features(NOTHING, 0.8))


def test_unrelated_passages_stay_below_the_threshold() -> None:
    # e5's cosine of a question to an unrelated passage is about 0.75
    for values in (NOTHING, features(0.3, 0.3, 0.6, False, 2, 0.5, 0.6)):
        assert semantic_confidence(semantic_features(values, 0.75)) < THRESHOLD
    assert semantic_confidence(semantic_features(FOUND, 0.85)) > 0.5
