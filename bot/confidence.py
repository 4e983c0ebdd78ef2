"""How sure an answer is: a small logistic model over coverage features.

Features of the best candidate: the share of the question's weight the passage
covers, the share its quoted sentences cover, the share of the heaviest single
question word (a question resting on one word is fragile), whether the question was
translated, the number of query groups, the plain share of question words found, and
the share of the question's weight in words no passage has at all (a question about
something the articles never mention). The weights were fitted with
scripts/fit_confidence.py on XQuAD dev questions against halves and quarters of the
passages (the questions about the other articles serve as off-topic questions): at
the 0.1 threshold it keeps 97% of correct answers and turns away 86% of those hard
off-topic questions (they share words like "year" or "city" with the articles), and
all the golden off-topic questions about the bundled article (weather, recipes,
sport). 0.3 would keep 94% and turn away 95%; the lower threshold was chosen because
a paraphrased question about an article is far more common in use than an off-topic
one that shares its words.
"""

from __future__ import annotations

import math

# coverage, sentence coverage, heaviest word share, translated, log(groups + 1),
# translated * coverage, share of the question's words found (unweighted: idf is noisy
# in a small collection), share of weight in words absent from the collection, bias
WEIGHTS = (6.178, 7.298, -6.543, -0.876, 1.025, 1.237, 1.175, -2.699, -6.063)
THRESHOLD = 0.1


def features(
    coverage: float, sentence_coverage: float, heaviest_share: float, translated: bool,
    groups: int, words_found: float, absent: float = 0.0,
) -> tuple[float, ...]:
    cross = 1.0 if translated else 0.0
    return (coverage, sentence_coverage, heaviest_share, cross, math.log(groups + 1),
            cross * coverage, words_found, absent)


def confidence(values: tuple[float, ...]) -> float:
    """Probability-like 0-1 score that the candidate answers the question."""
    z = WEIGHTS[-1] + sum(w * x for w, x in zip(WEIGHTS, values, strict=False))
    return 1.0 / (1.0 + math.exp(-z))
