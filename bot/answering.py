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

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from bot.analysis import TOKEN_RE, Analyzer, analyzer, fold, fold_all
from bot.confidence import confidence, features
from bot.evidence import evidence, strength
from bot.index import BM25Index
from bot.models import Passage, Span
from bot.query import QueryGroup
from bot.question import Question
from bot.wordfreqs import zipf

CANDIDATES = 8  # passages re-ranked per collection
SENTENCE_WEIGHT = 1.0  # weight of the best sentence's coverage against normalised BM25
# What a sentence holding the kind of answer asked for (a number for "how many")
# adds to its coverage of the question.
EVIDENCE_BONUS = {
    "count": 1.0, "time": 0.8, "statement": 0.5, "person": 0.3, "place": 0.3, "reason": 0.3,
}
SHORT_QUOTE = 8  # a best sentence with fewer words is quoted with its neighbour
MAX_QUOTE_WORDS = 60
LOCAL_WEIGHT = 0.5  # weight of words that single out a sentence within its passage
PAIR_WEIGHT = 0.6  # weight of the question's word pairs found in a sentence
RANK_WINDOW_COST = 0.3  # two sentences rank a passage only if this much better than one
WINDOW = 2  # quote up to this many consecutive sentences



class Window(NamedTuple):
    """One or two consecutive sentences that could be quoted, with their features."""

    first: int
    last: int
    coverage: float
    features: tuple[float, ...]
    quote_score: float  # the quote model's score of the features


# Which window to quote: a linear model over Window.features (coverage, words that
# single the sentence out, answer evidence, question word pairs, two sentences,
# log words, share of new words, first sentence), fitted with
# scripts/fit_quotes.py on XQuAD dev (does the window hold the answer?), less a cost
# for quoting a second sentence that keeps quotes short.
QUOTE_WEIGHTS = (-0.562, 7.886, 0.238, 0.62, 0.075, 0.555, -1.623, 0.087)
SECOND_SENTENCE_COST = 0.0
# A single sentence holding the answer kind is quoted alone when the quote model
# scores it at most this much below its preferred window (shorter quotes).
SINGLE_SLACK = 0.25


def choose_window(question: Question, reading: Reading) -> Window:
    """The window to quote: one sentence when it holds the kind of answer asked for
    (the number, the date, the speaker), else the window the quote model prefers."""
    def key(w: Window) -> tuple[float, int]:
        return (w.quote_score, -w.first)

    if question.kind in EVIDENCE_BONUS:
        answering = [w for w in reading.windows
                     if w.first == w.last and w.features[2] > 0 and w.coverage > 0]
        best = max(reading.windows, key=key)
        if answering:
            single = max(answering, key=key)
            if key(single)[0] >= key(best)[0] - SINGLE_SLACK:
                return single
        return best
    return max(reading.windows, key=key)


def _quote_score(values: tuple[float, ...]) -> float:
    w, v = QUOTE_WEIGHTS, values  # written out: the hottest line of the re-ranking
    return (w[0] * v[0] + w[1] * v[1] + w[2] * v[2] + w[3] * v[3] + w[4] * v[4] + w[5] * v[5]
            + w[6] * v[6] + w[7] * v[7]) - SECOND_SENTENCE_COST * v[4]


@dataclass(frozen=True)
class Scored:
    """A candidate passage with its scores and the sentences chosen to quote."""

    passage: Passage
    bm25: float
    coverage: float  # share of the question's idf weight found in the passage
    sentence_coverage: float
    rank_score: float
    best_sentence: float
    words_found: float
    absent: float  # share of the question's weight in words no passage has at all
    quote: Span  # into passage.text
    evidence: tuple[Span, ...]  # the answer's spans in the quote (a number...), into passage.text
    confidence: float = 0.0
    wanted: frozenset[str] = frozenset()  # the question's terms

    @property
    def highlights(self) -> tuple[Span, ...]:
        """What to highlight in the quote: the evidence, else the question's words (worked
        out only for the candidates quoted)."""
        return self.evidence or _term_spans(self.passage, self.quote, self.wanted)


def absent_share(index: BM25Index, groups: list[QueryGroup], weights: list[float]) -> float:
    """Share of the question's weight in words that no passage of the collection has."""
    present = frozenset(k for k, g in enumerate(groups) if index.term_ids(g.terms))
    total = question_weight(groups, weights) or 1.0
    return 1.0 - WordWeights(groups, weights)(present) / total


def question_weight(groups: list[QueryGroup], weights: list[float]) -> float:
    """The most the question's words can weigh: every word found (see WordWeights)."""
    return WordWeights(groups, weights)(frozenset(range(len(groups))))


def group_weights(
    index: BM25Index, groups: list[QueryGroup], language: str = "de",
) -> list[float]:
    """How much each group matters to the question, 0-1, for coverage and confidence.

    The collection's idf (scaled by that of a word seen once) says little when there
    are only a dozen passages, so it is blended with a prior from general word
    frequency (a common word matters less), the prior counting as PRIOR_PASSAGES
    passages. A word no passage has weighs like one seen once.
    """
    n = index.n_docs
    top = math.log(max(n - 0.5, 1.0) / 1.5) if n > 2 else 1.0
    out = []
    for group in groups:
        ids = index.term_ids(group.terms)
        seen = min(index.group_idf(ids) / top, 1.0) if ids and top > 0 else 1.0
        prior = _prior_weight(fold(group.word), language)
        share = n / (n + PRIOR_PASSAGES)
        out.append(group.weight * (share * seen + (1 - share) * prior))
    return out


def _prior_weight(word: str, language: str) -> float:
    """0-1 idf of a word in a notional million passages of 100 words, from its zipf."""
    per_word = 10 ** (zipf(word, language) - 9) if zipf(word, language) else 0.0
    df = _REF_PASSAGES * -math.expm1(-100 * per_word)
    return math.log((_REF_PASSAGES - df + 0.5) / (df + 0.5)) / math.log(_REF_PASSAGES / 0.5)


_REF_PASSAGES = 1_000_000
PRIOR_PASSAGES = 50


def rank(
    question: Question, index: BM25Index, passages: Sequence[Passage], groups: list[QueryGroup],
    candidates: int = CANDIDATES,
) -> list[Scored]:
    """Candidate passages of one collection, best first."""
    ids = [index.term_ids(g.terms) for g in groups]
    hits = index.top(ids, candidates, [g.weight for g in groups])
    if not hits:
        return []
    weights = group_weights(index, groups, question.language)
    total = question_weight(groups, weights) or 1.0
    absent = absent_share(index, groups, weights)
    best_bm25 = hits[0][1] or 1.0
    out = []
    for doc, bm25 in hits:
        passage = passages[doc]
        out.append(_score_passage(question, passage, groups, weights, total, bm25, best_bm25,
                                  absent))
    out.sort(key=lambda s: (-s.rank_score, -s.bm25, s.passage.id))
    return out


def rank_docs(
    question: Question, index: BM25Index, passages: Sequence[Passage], groups: list[QueryGroup],
    docs: Sequence[int],
) -> list[Scored]:
    """The given documents of one collection scored as `rank` scores its hits, in their order.

    For candidates found otherwise (bot/semantic.py): a document without any query
    word gets a BM25 score of 0 but its sentences are still read.
    """
    ids = [index.term_ids(g.terms) for g in groups]
    matching, scores = index.score_groups(ids, [g.weight for g in groups])
    bm25 = dict(zip(matching.tolist(), scores.tolist(), strict=True))
    weights = group_weights(index, groups, question.language)
    total = question_weight(groups, weights) or 1.0
    best_bm25 = float(scores.max()) if len(scores) and scores.max() > 0 else 1.0
    absent = absent_share(index, groups, weights)
    return [_score_passage(question, passages[doc], groups, weights, total,
                           bm25.get(doc, 0.0), best_bm25, absent) for doc in docs]


@dataclass(frozen=True)
class Reading:
    """What a question finds in one passage: its windows and per-sentence evidence."""

    coverage: float
    words_found: float  # share of the question's words found, unweighted
    best_sentence: float
    windows: list[Window]
    evidences: list[list[Span]]


def _score_passage(
    question: Question, passage: Passage, groups: list[QueryGroup], weights: list[float],
    total: float, bm25: float, best_bm25: float, absent: float = 0.0,
) -> Scored:
    reading = read_passage(question, passage, groups, weights, total)
    evidences, coverage = reading.evidences, reading.coverage
    chosen = choose_window(question, reading)
    first, last, best_cov = chosen.first, chosen.last, chosen.coverage
    best_score = reading.best_sentence
    rank_score = bm25 / best_bm25 + SENTENCE_WEIGHT * best_score
    spans = passage.sentences or (Span(0, len(passage.text)),)
    quote = Span(spans[first].start, spans[last].end)
    if last == first:
        quote = _quote_span(passage, first, question.kind)
    highlights = tuple(
        Span(s.start + spans[k].start, s.end + spans[k].start)
        for k in range(first, last + 1) for s in evidences[k]
    )
    sure = confidence(features(
        coverage, best_cov, max(weights) / total, question.language != passage.language,
        len(groups), reading.words_found, absent,
    ))
    return Scored(passage, bm25, coverage, best_cov, rank_score, best_score,
                  reading.words_found, absent, quote, highlights,
                  sure, frozenset(t for g in groups for t in g.terms))




def read_passage(
    question: Question, passage: Passage, groups: list[QueryGroup], weights: list[float],
    total: float,
) -> Reading:
    """Score the sentences and the quotable windows of one passage for a question."""
    lang = analyzer(passage.language)
    view = _view(passage)
    sentences = view.texts
    asked = _asked(question.text, tuple(question.focus), tuple(groups), tuple(weights))
    question_words, question_terms = asked.words, asked.terms
    # which query groups each sentence matches, and how surely (translations)
    matches = asked.matches
    sure = [matches(terms) for terms in view.terms]
    hits = [frozenset(found) for found in sure]
    everywhere = frozenset().union(*hits)
    trust = {k: max(found.get(k, 0.0) for found in sure) for k in everywhere}
    weigh = asked.weigh
    coverage = weigh(everywhere, trust) / total
    words_found = asked.count(everywhere, trust) / (asked.count_all or 1.0)
    evidences = []
    strengths = []
    kind = question.kind
    for text, raw in zip(sentences, _evidence(passage, kind), strict=True):
        found = [s for s in raw
                 if not _echoes(text[s.start:s.end], question_words, question_terms, lang)
                 ] if raw else []
        evidences.append(found)
        strengths.append(strength(kind, text, found))
    bonus = EVIDENCE_BONUS.get(kind, 0.0)
    # Word pairs of the question, stop words included, seen again in a sentence: the
    # relation ("vor Manning", "in Kursk") as well as the words.
    pairs = asked.pairs
    sentence_pairs = ([len(pairs & p) / len(pairs) for p in view.pairs] if pairs
                      else [0.0] * len(sentences))
    # Words found in only one sentence of the passage point at that sentence more
    # than the passage's topic words, which recur in many of its sentences.
    n = len(sentences)
    spread = [sum(1 for h in hits if k in h) for k in range(len(groups))]
    scale = math.log((n + 1) / 1.5)
    local = [w * math.log((n + 1) / (sf + 0.5)) / scale if sf else 0.0
             for w, sf in zip(weights, spread, strict=True)]
    pointed = asked.weigh.reweighed(local)
    terms = view.terms
    novel = [len(t.difference(question_terms)) for t in terms]
    # the same sets of matched groups come back in many windows: weigh each set once
    weighed: dict[frozenset[int], tuple[float, float]] = {}
    windows: list[Window] = []
    best_single = -1.0  # passages are ranked by their best sentence (or costlier window)
    lengths = view.lengths
    for i in range(n):
        for j in range(i, min(i + WINDOW, n)):
            if i == j:
                words = lengths[i]
                matched = hits[i]
                ev = strengths[i]
                pair = sentence_pairs[i]
                size = len(terms[i])
                fresh = novel[i]
            else:
                words = sum(lengths[i:j + 1])
                if words > MAX_QUOTE_WORDS:
                    break
                matched = hits[i] | hits[j]
                ev = max(strengths[i:j + 1])
                pair = max(sentence_pairs[i:j + 1])
                both = terms[i] | terms[j]
                size = len(both)
                fresh = len(both.difference(question_terms))
            known = weighed.get(matched)
            if known is None:
                known = weighed[matched] = (weigh(matched, trust) / total,
                                            pointed(matched) / total)
            cov, aimed = known
            score = cov + LOCAL_WEIGHT * aimed + bonus * ev + PAIR_WEIGHT * pair
            ranked = score - RANK_WINDOW_COST * (j - i)
            if ranked > best_single:
                best_single = ranked
            values = (cov, aimed, ev, pair, float(j > i), math.log1p(words), fresh / (size or 1),
                      float(i == 0))
            windows.append(Window(i, j, cov, values, _quote_score(values)))
    return Reading(coverage, words_found, best_single, windows, evidences)


@dataclass(frozen=True)
class _Asked:
    """What reading a passage needs of the question, worked out once for all passages."""

    words: set[str]  # the question's focus words, folded
    terms: frozenset[str]  # every term of every group
    by_term: dict[str, tuple[tuple[int, float], ...]]  # term -> (group, trust) pairs
    weigh: WordWeights
    count: WordWeights  # every word weighing 1
    count_all: float
    pairs: frozenset[tuple[str, str]]

    def matches(self, terms: frozenset[str]) -> dict[int, float]:
        """The groups `terms` match, each with how surely: the largest trust of a group's
        terms among them (QueryGroup.trust; 1 for groups without), groups at 0 left out."""
        found: dict[int, float] = {}
        by_term = self.by_term
        for term in self.terms.intersection(terms):
            for k, trust in by_term[term]:
                if trust > found.get(k, 0.0):
                    found[k] = trust
        return found


@lru_cache(maxsize=64)
def _asked(
    text: str, focus: tuple[str, ...], groups: tuple[QueryGroup, ...], weights: tuple[float, ...],
) -> _Asked:
    listed = list(groups)
    by_term: dict[str, list[tuple[int, float]]] = {}
    for k, group in enumerate(groups):
        trusts = group.trust or (1.0,) * len(group.terms)
        for term, trust in zip(group.terms, trusts, strict=True):
            by_term.setdefault(term, []).append((k, trust))
    weigh = WordWeights(listed, list(weights))
    count = weigh.reweighed([1.0] * len(groups))
    return _Asked(
        words={fold(w) for w in focus}, terms=frozenset(by_term),
        by_term={t: tuple(v) for t, v in by_term.items()},
        weigh=weigh, count=count,
        count_all=count(frozenset(range(len(groups)))), pairs=frozenset(_pairs(text)),
    )


class WordWeights:
    """Weight of the question's words found, given which groups matched.

    A word counts once, with the weight of its heaviest group: fully when its whole
    form matched (times how surely the matching term stands for it), else in
    proportion to the weight of its parts that matched (a compound's parts must not
    count the same word three times).
    """

    def __init__(self, groups: list[QueryGroup], weights: list[float],
                 _layout: list[tuple[list[int], list[int], list[int]]] | None = None) -> None:
        if _layout is None:
            words: dict[str, list[int]] = {}
            for k, group in enumerate(groups):
                words.setdefault(group.word, []).append(k)
            _layout = [([k for k in members if not groups[k].part],
                        [k for k in members if groups[k].part], members)
                       for members in words.values()]
        self._layout = _layout
        self._words = []
        for whole, part_ids, members in _layout:
            parts = [(k, weights[k]) for k in part_ids]
            part_sum = sum(w for _, w in parts)
            self._words.append((max(weights[k] for k in members), whole, parts, part_sum))

    def reweighed(self, weights: list[float]) -> WordWeights:
        """The same question's words with other weights per group."""
        return WordWeights([], weights, self._layout)

    def __call__(self, matched: frozenset[int], trust: dict[int, float] | None = None) -> float:
        sure = trust or {}
        total = 0.0
        for weight, whole, parts, part_sum in self._words:
            best = -1.0
            for k in whole:
                if k in matched:
                    how = sure.get(k, 1.0)
                    if how > best:
                        best = how
            if best >= 0.0:
                total += weight * best
            elif part_sum:
                total += weight * sum(w for k, w in parts if k in matched) / part_sum
        return total


@dataclass(frozen=True)
class _View:
    """A passage's sentences analysed once, whatever the question."""

    texts: list[str]
    terms: list[frozenset[str]]
    lengths: list[int]
    pairs: list[frozenset[tuple[str, str]]]


@lru_cache(maxsize=2048)
def _view(passage: Passage) -> _View:
    lang = analyzer(passage.language)
    texts = passage.sentence_texts() or [passage.text]
    # The section heading is context for every sentence under it ("Russland dementiert").
    heading = frozenset(lang.terms(passage.section)) if passage.section else frozenset()
    analysed = [lang.tokens_and_terms(t) for t in texts]
    return _View(
        texts=texts,
        terms=[terms | heading for _, terms in analysed] if heading
        else [terms for _, terms in analysed],
        lengths=[len(t.split()) for t in texts],
        pairs=[frozenset(itertools.pairwise(fold_all(toks))) for toks, _ in analysed],
    )


@lru_cache(maxsize=2048)
def _evidence(passage: Passage, kind: str) -> list[list[Span]]:
    return [evidence(kind, text) for text in _view(passage).texts]


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


def _pairs(text: str) -> set[tuple[str, str]]:
    """Pairs of consecutive tokens (analysis.tokens), folded (analysis.fold)."""
    return set(itertools.pairwise(fold_all(TOKEN_RE.findall(text))))


def _echoes(span: str, words: set[str], terms: frozenset[str], lang: Analyzer) -> bool:
    """Is an evidence span only words of the question (so it cannot be the answer)?"""
    if fold(span) in words:
        return True
    tokens = [m.group() for m in _WORD_RE.finditer(span)]
    content = [t for t in tokens if lang.token_terms(t)]
    return bool(content) and all(terms.intersection(lang.token_terms(t)) for t in content)


_WORD_RE = re.compile(r"\w++(?:[-‐‑'’]\w++)*+")  # possessive: nothing to give back


def _term_spans(passage: Passage, quote: Span, wanted: frozenset[str]) -> tuple[Span, ...]:
    """Words of the quote that match the question's terms (the fallback highlight)."""
    lang = analyzer(passage.language)
    out = []
    for m in _WORD_RE.finditer(passage.text, quote.start, quote.end):
        if wanted.intersection(lang.token_terms(m.group())):
            out.append(Span(m.start(), m.end()))
    return tuple(out)
