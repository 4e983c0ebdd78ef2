"""The two models over bot/features.py's vectors: ranking and "found".

Ranking is linear: candidates are ordered by RANK_WEIGHTS · rank_features, fitted
pairwise (the passage that holds the answer against the others of its question) by
scripts/fit_confidence.py on realistic archives — the XQuAD and MLQA development
questions with their paragraphs mixed into a thousand real news articles, and the
questions about the bundled article among the same news.

"Found" is a boosted tree ensemble (bot/data/answerability.json, bot/trees.py) over
answer_features, fitted on the best-ranked candidates of the same archives: questions
whose best candidate holds their answer are positives; questions whose paragraph is
not in the archive, and off-topic questions about the bundled article, are negatives.
The trees are constrained to be monotone in the evidence (ANSWER_MONOTONE): more of
the question found never makes a candidate less sure. THRESHOLD is the operating point
on the trade-off curve in docs/quality.md (answered right / answered wrong / refused).
"""

from __future__ import annotations

from bot import trees
from bot.features import ANSWER_FEATURES

# in the order of features.RANK_FEATURES (scripts/fit_confidence.py --write sets them)
RANK_WEIGHTS = (1.028, 0.576, 3.149, 3.0, 5.037, 1.37, 0.342, -1.111, 1.854, 2.99, 3.298, 1.067,
                -0.271, 0.217, 0.859, 0.907, -0.367, 3.051, 0.287, -1.401, 0.199)
THRESHOLD = 0.2
# With the semantic extra: ranking points per point of cosine below the nearest
# candidate's (multilingual-e5-small: about 0.75 for an unrelated passage, 0.85 for one
# that answers). "Found" stays the evidence model's: docs/semantic.md says why.
COSINE_WEIGHT = 40.0
MODEL = "answerability"


def rank_score(features: tuple[float, ...]) -> float:
    """The linear ranking score of a candidate's rank_features."""
    w, v = RANK_WEIGHTS, features
    return sum(a * b for a, b in zip(w, v, strict=True))


def confidence(features: tuple[float, ...]) -> float:
    """Probability-like 0-1 score that the candidate answers its question."""
    return _model().probability(features)


def confidences(rows: list[tuple[float, ...]]) -> list[float]:
    """`confidence` of each row (walked together: cheaper than one by one)."""
    return _model().probabilities(rows)


def _model() -> trees.Ensemble:
    model = trees.load(MODEL)
    if len(model.features) != len(ANSWER_FEATURES):
        raise RuntimeError(f"bot/data/{MODEL}.json has {len(model.features)} features, "
                           f"bot/features.py {len(ANSWER_FEATURES)}: refit it with "
                           "scripts/fit_confidence.py")
    return model
