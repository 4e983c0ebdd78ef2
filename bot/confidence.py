"""How sure an answer is: a small logistic model over coverage features.

Features of the best candidate: the share of the question's weight the passage
covers, the share its quoted sentences cover, the share of the heaviest single
question word (a question resting on one word is fragile), whether the question was
translated, the number of query groups, the plain share of question words found, and
the share of the question's weight in words no passage has at all (a question about
something the articles never mention). The weights were fitted with
scripts/fit_confidence.py on XQuAD dev questions against quarters and eighths of the
passages (the questions about the other articles serve as off-topic questions): at
the 0.1 threshold it keeps 97% of correct answers and turns away 86% of those hard
off-topic questions (they share words like "year" or "city" with the articles), and
all the golden off-topic questions about the bundled article (weather, recipes,
sport). 0.3 would keep 94% and turn away 95%; the lower threshold was chosen because
a paraphrased question about an article is far more common in use than an off-topic
one that shares its words.

With the semantic extra (bot/semantic.py) a candidate is judged by BM25's evidence
(the logit above), its cosine to the question and whether the question was translated
(SEMANTIC_WEIGHTS, fitted by `fit_confidence.py --semantic` on the fused ranking's
candidates, the bias set so that the same threshold turns away 92% of those off-topic
questions, where BM25's confidence on the same candidates turns away 89%): it keeps 99%
of correct answers, so a passage the embeddings find with few of the question's words
is no longer declined for that alone. Without the extra, WEIGHTS decide, as before.
"""

from __future__ import annotations

import math

# coverage, sentence coverage, heaviest word share, translated, log(groups + 1),
# translated * coverage, share of the question's words found (unweighted: idf is noisy
# in a small collection), share of weight in words absent from the collection, bias
WEIGHTS = (6.178, 7.298, -6.543, -0.876, 1.025, 1.237, 1.175, -2.699, -6.063)
THRESHOLD = 0.1
# With the semantic extra (bot/semantic.py): how much BM25's evidence (the logit of
# WEIGHTS) counts, the candidate's cosine to the question (multilingual-e5-small: about
# 0.75 for an unrelated passage, 0.85 for one that answers), translated, bias
SEMANTIC_WEIGHTS = (0.302, 28.536, 0.899, -24.319)


def features(
    coverage: float, sentence_coverage: float, heaviest_share: float, translated: bool,
    groups: int, words_found: float, absent: float = 0.0,
) -> tuple[float, ...]:
    cross = 1.0 if translated else 0.0
    return (coverage, sentence_coverage, heaviest_share, cross, math.log(groups + 1),
            cross * coverage, words_found, absent)


def confidence(values: tuple[float, ...]) -> float:
    """Probability-like 0-1 score that the candidate answers the question."""
    return _sigmoid(_logit(WEIGHTS, values))


def semantic_features(values: tuple[float, ...], cosine: float) -> tuple[float, ...]:
    """What a candidate of the semantic ranking is judged by: BM25's evidence (`features`
    as WEIGHTS weigh them), its cosine to the question and whether it was translated."""
    return (_logit(WEIGHTS, values), cosine, values[3])


def semantic_confidence(values: tuple[float, ...]) -> float:
    """`confidence` of a candidate of the semantic ranking, from `semantic_features`."""
    return _sigmoid(_logit(SEMANTIC_WEIGHTS, values))


def _logit(weights: tuple[float, ...], values: tuple[float, ...]) -> float:
    return weights[-1] + sum(w * x for w, x in zip(weights, values, strict=False))


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))
