"""What a candidate passage is judged by: its signals, and the two feature vectors built
from them — one that ranks the candidates, one that decides "found".

No feature describes the archive itself (its size, say): fitted on archives with and
without the answers, such a feature would learn which archive a question was asked of.

`Signals` are the raw numbers answering reads off a passage for a question (BM25, how
much of the question the passage, its quote, its title and its article cover, how much
of the question's most specific words it holds, the answer-kind evidence...). The
feature vectors are made here and only here: the engine ranks and decides with them, and
scripts/fit_confidence.py fits the models (bot/confidence.py) on exactly these vectors.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

KINDS = ("count", "time", "reason", "person", "place", "statement", "other")


class Signals(NamedTuple):
    """Raw evidence of one candidate passage for one question.

    Shares are of the question's weight (idf blended with a word-frequency prior,
    answering.group_weights); "idf" sums are in units of the largest idf of the
    collection (a word seen once), so they mean the same at any archive size.
    """

    bm25: float
    coverage: float  # share of the question found in the passage (and its heading)
    sentence_coverage: float  # ... in the quoted sentences
    best_sentence: float  # the best window's re-ranking score (answering.read_passage)
    title_coverage: float  # share found only in the article's title
    pairs: float  # share of the question's word pairs in the quote
    strength: float  # answer-kind evidence in the quote (bot/evidence.py), 0-1
    aimed: float  # share in words that single the quote out within its passage
    exact: float  # share of the question's words found as written (case folded)
    words_found: float  # share of the question's words found, unweighted
    idf_found: float  # idf of the question's words found in the passage or title
    idf_quoted: float  # ... in the quote
    idf_missing: float  # idf of the words not found
    most_specific_missing: float  # the largest idf among the words not found
    rarest_found: float  # 1 if the question's rarest word is in the passage or title
    rarest_quoted: float  # ... in the quote
    rare_share: float  # share of the question's squared idf found (rare words count most)
    rare_share_quoted: float
    rare_found: float  # words with more than half the largest idf found
    rare_quoted: float
    article_bm25: float  # BM25 of the whole article as one document
    # the question in this collection (the same for all of its candidates)
    heaviest: float  # share of the question's weight in its heaviest word
    translated: float
    groups: float
    absent: float  # share of the question's weight in words no passage has
    words: float  # content words of the question
    specificity: float  # the question's largest idf
    idf_all: float  # idf of all the question's words
    self_score: float  # the BM25 a passage holding each word once would get, about
    kind: str
    cosine: float = 0.0  # to the question, with the semantic extra (else 0)


RANK_FEATURES = (
    "bm25 / best bm25", "bm25 / self score", "coverage", "sentence coverage",
    "title coverage", "pairs", "evidence", "aimed", "best sentence", "exact",
    "article bm25 / best", "article bm25 / self score",
    *(f"evidence {k}" for k in KINDS[:-1]),
    "rarest found", "idf quoted / idf all", "rare share quoted",
)


def rank_features(s: Signals, best_bm25: float, best_article: float) -> tuple[float, ...]:
    """The ranking features of a candidate, given the best BM25 and article BM25 among
    the candidates of its collection (the answer-kind evidence also per kind: a
    quotation matters more to "what does X say" than a name to "who")."""
    own = s.self_score or 1.0
    return (s.bm25 / (best_bm25 or 1.0), s.bm25 / own, s.coverage, s.sentence_coverage,
            s.title_coverage, s.pairs, s.strength, s.aimed, s.best_sentence, s.exact,
            s.article_bm25 / (best_article or 1.0), s.article_bm25 / own,
            *(s.strength * (s.kind == k) for k in KINDS[:-1]),
            s.rarest_found, s.idf_quoted / (s.idf_all or 1.0), s.rare_share_quoted)


ANSWER_FEATURES = (
    "coverage", "sentence coverage", "heaviest", "translated", "groups", "words found",
    "absent", "rank score", "margin", "spread", "idf found", "idf quoted", "idf missing",
    "bm25 / self score", "bm25", "article bm25 / self score", "exact", "title coverage",
    "evidence", "most specific missing", "specificity", "rarest found", "rarest quoted",
    "rare share", "rare share quoted", "rare found", "rare quoted", "words", "idf all",
    *(f"kind {k}" for k in KINDS), *(f"evidence {k}" for k in KINDS),
)
# How each answer feature may move "found" (1 up, -1 down, 0 either way): the model is
# fitted under these constraints, so that more evidence never makes a candidate less sure.
ANSWER_MONOTONE = (
    1, 1, 0, 0, 0, 1, -1, 1, 1, 1, 1, 1, -1, 1, 1, 1, 1, 1, 1, -1, 0, 1, 1, 1, 1, 1, 1, 0,
    0, *(0,) * len(KINDS), *(1,) * len(KINDS),
)


def answer_features(s: Signals, rank_score: float, margin: float,
                    spread: float) -> tuple[float, ...]:
    """The features that decide whether a candidate answers its question.

    `rank_score` is its ranking score, `margin` how far it leads the best candidate of
    another article (negative when it trails), `spread` how far it is above the mean of
    the best five candidates.
    """
    own = s.self_score or 1.0
    kind = tuple(float(s.kind == k) for k in KINDS)
    return (s.coverage, s.sentence_coverage, s.heaviest, s.translated,
            math.log(s.groups + 1), s.words_found, s.absent, rank_score, margin, spread,
            s.idf_found, s.idf_quoted, s.idf_missing, s.bm25 / own, s.bm25,
            s.article_bm25 / own, s.exact, s.title_coverage, s.strength,
            s.most_specific_missing, s.specificity, s.rarest_found, s.rarest_quoted,
            s.rare_share, s.rare_share_quoted, s.rare_found, s.rare_quoted, s.words,
            s.idf_all, *kind, *(s.strength * k for k in kind))


def margins(scores: Sequence[float], articles: Sequence[str]) -> list[tuple[float, float]]:
    """For candidates in ranked order: (margin, spread) as `answer_features` wants them."""
    top = list(scores[:5])
    mean = sum(top) / len(top) if top else 0.0
    out = []
    for i, (score, article) in enumerate(zip(scores, articles, strict=True)):
        other = next((scores[j] for j in range(len(scores))
                      if j != i and articles[j] != article), None)
        out.append((score - other if other is not None else MARGIN_ALONE, score - mean))
    return out


MARGIN_ALONE = 5.0  # the margin of a candidate no other article competes with
