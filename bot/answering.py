"""Answering: rank passages with BM25, then pick and quote the sentences that answer.

BM25 finds candidate passages; each candidate's sentences are scored by how much of
the question they cover (idf-weighted query groups) and whether they hold the kind of
answer asked for (a number, a date, a quotation...). Passages are re-ranked by BM25
and their best sentence together; the best 1-2 sentences are quoted verbatim with the
answering span highlighted. Confidence is the share of the question's weight that
the best passage covers, so a question the articles don't speak about is not
"answered" by the least bad passage.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.analysis import Analyzer, analyzer, fold
from bot.confidence import confidence, features
from bot.evidence import evidence, strength
from bot.index import BM25Index
from bot.models import Passage, Span
from bot.query import QueryGroup
from bot.question import Question

CANDIDATES = 30  # passages re-ranked per collection
SENTENCE_WEIGHT = 1.0  # weight of the best sentence's coverage against normalised BM25
# What a sentence holding the kind of answer asked for (a number for "how many")
# adds to its coverage of the question.
EVIDENCE_BONUS = {
    "count": 0.5, "time": 0.5, "statement": 0.5, "person": 0.3, "place": 0.3, "reason": 0.3,
}
SHORT_QUOTE = 8  # a best sentence with fewer words is quoted with its neighbour
MAX_QUOTE_WORDS = 45
WINDOW = 2  # quote up to this many consecutive sentences
WINDOW_PENALTY = 0.1  # the cost of quoting one more sentence, in coverage


@dataclass(frozen=True)
class Scored:
    """A candidate passage with its scores and the sentences chosen to quote."""

    passage: Passage
    bm25: float
    coverage: float  # share of the question's idf weight found in the passage
    sentence_coverage: float
    rank_score: float
    quote: Span  # into passage.text
    highlights: tuple[Span, ...]  # into passage.text
    confidence: float = 0.0


def group_weights(index: BM25Index, groups: list[QueryGroup]) -> list[float]:
    """idf of each group; a word unknown to the collection gets the idf of a df of 0."""
    unseen = math.log(index.n_docs + 0.5) - math.log(0.5) if index.n_docs else 1.0
    out = []
    for group in groups:
        ids = index.term_ids(group.terms)
        out.append(index.group_idf(ids) * group.weight if ids else unseen * group.weight)
    return out


def rank(
    question: Question, index: BM25Index, passages: Sequence[Passage], groups: list[QueryGroup],
    candidates: int = CANDIDATES,
) -> list[Scored]:
    """Candidate passages of one collection, best first."""
    ids = [index.term_ids(g.terms) for g in groups]
    hits = index.top(ids, candidates, [g.weight for g in groups])
    if not hits:
        return []
    weights = group_weights(index, groups)
    total = sum(weights) or 1.0
    best_bm25 = hits[0][1] or 1.0
    out = []
    for doc, bm25 in hits:
        passage = passages[doc]
        out.append(_score_passage(question, passage, groups, weights, total, bm25, best_bm25))
    out.sort(key=lambda s: (-s.rank_score, -s.bm25, s.passage.id))
    return out


def _score_passage(
    question: Question, passage: Passage, groups: list[QueryGroup], weights: list[float],
    total: float, bm25: float, best_bm25: float,
) -> Scored:
    lang = analyzer(passage.language)
    sentences = passage.sentence_texts() or [passage.text]
    # The section heading is context for every sentence under it ("Russland dementiert").
    heading = set(lang.terms(passage.section)) if passage.section else set()
    sentence_terms = [set(lang.terms(s)) | heading for s in sentences]
    passage_terms = set().union(*sentence_terms)
    question_words = {fold(w) for w in question.focus}
    question_terms = {t for g in groups for t in g.terms}

    def covered(terms: set[str]) -> float:
        return sum(w for g, w in zip(groups, weights, strict=True) if terms.intersection(g.terms))

    coverage = covered(passage_terms) / total
    evidences = []
    strengths = []
    for text in sentences:
        found = [
            s for s in evidence(question.kind, text)
            if not _echoes(text[s.start:s.end], question_words, question_terms, lang)
        ]
        evidences.append(found)
        strengths.append(strength(question.kind, text, found))
    bonus = EVIDENCE_BONUS.get(question.kind, 0.0)
    lengths = [len(t.split()) for t in sentences]
    best: tuple[float, int, int, float] = (-1.0, 0, 0, 0.0)
    for i in range(len(sentences)):
        for j in range(i, min(i + WINDOW, len(sentences))):
            words = sum(lengths[i:j + 1])
            if j > i and words > MAX_QUOTE_WORDS:
                break
            cov = covered(set().union(*sentence_terms[i:j + 1])) / total
            ev = max(strengths[i:j + 1])
            score = cov + bonus * ev - WINDOW_PENALTY * (j - i)
            if score > best[0] + 1e-9:
                best = (score, i, j, cov)
    best_score, first, last, best_cov = best
    rank_score = bm25 / best_bm25 + SENTENCE_WEIGHT * best_score
    spans = passage.sentences or (Span(0, len(passage.text)),)
    quote = Span(spans[first].start, spans[last].end)
    if last == first:
        quote = _quote_span(passage, first, question.kind)
    highlights = tuple(
        Span(s.start + spans[k].start, s.end + spans[k].start)
        for k in range(first, last + 1) for s in evidences[k]
    )
    if not highlights:
        highlights = _term_spans(passage, quote, groups)
    sure = confidence(features(
        coverage, best_cov, max(weights) / total, question.language != passage.language,
        len(groups),
    ))
    return Scored(passage, bm25, coverage, best_cov, rank_score, quote, highlights, sure)


def _quote_span(passage: Passage, i: int, kind: str) -> Span:
    """The best sentence, with a neighbour when it is too short to stand alone."""
    spans = passage.sentences or (Span(0, len(passage.text)),)
    span = spans[i]
    words = len(passage.text[span.start:span.end].split())
    if words < SHORT_QUOTE and len(spans) > 1:
        j = i + 1 if i + 1 < len(spans) else i - 1
        other = spans[j]
        other_words = len(passage.text[other.start:other.end].split())
        if words + other_words <= MAX_QUOTE_WORDS:
            return Span(min(span.start, other.start), max(span.end, other.end))
    return span


def _echoes(span: str, words: set[str], terms: set[str], lang: Analyzer) -> bool:
    """Is an evidence span only words of the question (so it cannot be the answer)?"""
    if fold(span) in words:
        return True
    tokens = [m.group() for m in _WORD_RE.finditer(span)]
    content = [t for t in tokens if lang.token_terms(t)]
    return bool(content) and all(terms.intersection(lang.token_terms(t)) for t in content)


_WORD_RE = re.compile(r"\w+(?:[-‐‑'’]\w+)*")


def _term_spans(passage: Passage, quote: Span, groups: list[QueryGroup]) -> tuple[Span, ...]:
    """Words of the quote that match the question (the fallback highlight)."""
    lang = analyzer(passage.language)
    wanted = {t for g in groups for t in g.terms}
    out = []
    for m in _WORD_RE.finditer(passage.text, quote.start, quote.end):
        if wanted.intersection(lang.token_terms(m.group())):
            out.append(Span(m.start(), m.end()))
    return tuple(out)
