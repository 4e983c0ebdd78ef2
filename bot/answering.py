"""Answering: read candidate passages for a question, pick the sentences to quote.

Whatever retrievers found (bot/retrieval.py: BM25, and the embeddings when present),
each candidate's sentences are scored by how much of the question they cover
(idf-weighted query groups), which words single them out within the passage, the
question's word pairs, and whether they hold the kind of answer asked for (a number, a
date, a quotation...); the best 1-2 sentences are quoted verbatim with the answering
span highlighted. Each candidate is also judged with its article: the words its title
adds, and the article's BM25 as one document. What is read becomes the candidate's
`Signals` (bot/features.py), from which the engine ranks the candidates and decides
whether any answers (bot/confidence.py).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from bot.analysis import TOKEN_RE, Analyzer, analyzer, fold, fold_all, has_accents
from bot.backends.protocol import RangeCounter, SearchIndex
from bot.collection import Collection
from bot.evidence import evidence, strength
from bot.features import Signals
from bot.models import Hit, Passage, Span
from bot.query import QueryGroup
from bot.question import Question
from bot.wordfreqs import zipf

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
SINGLE_SLACK = 0.1
# ... and this much when a count question's number is bound to the noun it counts
FULL_SLACK = 1.0


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
            full = single.features[2] >= 1.0 and question.counted is not None
            slack = FULL_SLACK if full else SINGLE_SLACK
            if key(single)[0] >= key(best)[0] - slack:
                return single
        return best
    return max(reading.windows, key=key)


def _quote_score(values: tuple[float, ...]) -> float:
    w, v = QUOTE_WEIGHTS, values  # written out: the hottest line of the re-ranking
    return (w[0] * v[0] + w[1] * v[1] + w[2] * v[2] + w[3] * v[3] + w[4] * v[4] + w[5] * v[5]
            + w[6] * v[6] + w[7] * v[7]) - SECOND_SENTENCE_COST * v[4]


@dataclass(frozen=True)
class Scored:
    """A candidate passage: the sentences chosen to quote, its signals (bot/features.py),
    and, once the engine has ranked and judged the candidates, its scores."""

    passage: Passage
    bm25: float
    quote: Span  # into passage.text
    evidence: tuple[Span, ...]  # the answer's spans in the quote (a number...), into passage.text
    signals: Signals
    wanted: frozenset[str] = frozenset()  # the question's terms
    rank_score: float = 0.0
    confidence: float = 0.0
    rank_vector: tuple[float, ...] = ()  # features.rank_features, once ranked
    answer_vector: tuple[float, ...] = ()  # features.answer_features, once judged

    @property
    def coverage(self) -> float:
        return self.signals.coverage

    @property
    def sentence_coverage(self) -> float:
        return self.signals.sentence_coverage

    @property
    def highlights(self) -> tuple[Span, ...]:
        """What to highlight in the quote: the evidence, else the question's words (worked
        out only for the candidates quoted)."""
        return self.evidence or _term_spans(self.passage, self.quote, self.wanted)


def absent_share(index: SearchIndex, groups: list[QueryGroup], weights: list[float]) -> float:
    """Share of the question's weight in words that no passage of the collection has."""
    present = frozenset(k for k, g in enumerate(groups) if index.term_ids(g.terms))
    total = question_weight(groups, weights) or 1.0
    return 1.0 - WordWeights(groups, weights)(present) / total


def question_weight(groups: list[QueryGroup], weights: list[float]) -> float:
    """The most the question's words can weigh: every word found (see WordWeights)."""
    return WordWeights(groups, weights)(frozenset(range(len(groups))))


def group_weights(
    index: SearchIndex, groups: list[QueryGroup], language: str = "de",
) -> list[float]:
    """How much each group matters to the question, 0-1, for coverage and confidence.

    The collection's idf (scaled by that of a word seen once) says little when there
    are only a dozen passages, so it is blended with a prior from general word
    frequency (a common word matters less), the prior counting as PRIOR_PASSAGES
    passages. A word no passage has weighs like one seen once.
    """
    n = index.n_docs
    top = _largest_idf(n)
    out = []
    for group in groups:
        ids = index.term_ids(group.terms)
        seen = min(index.group_idf(ids) / top, 1.0) if ids and top > 0 else 1.0
        prior = _prior_weight(fold(group.word), language)
        share = n / (n + PRIOR_PASSAGES)
        out.append(group.weight * (share * seen + (1 - share) * prior))
    return out


def _largest_idf(n: int) -> float:
    """BM25's idf of a word in one of n documents."""
    return math.log(max(n - 0.5, 1.0) / 1.5) if n > 2 else 1.0


def _prior_weight(word: str, language: str) -> float:
    """0-1 idf of a word in a notional million passages of 100 words, from its zipf."""
    per_word = 10 ** (zipf(word, language) - 9) if zipf(word, language) else 0.0
    df = _REF_PASSAGES * -math.expm1(-100 * per_word)
    return math.log((_REF_PASSAGES - df + 0.5) / (df + 0.5)) / math.log(_REF_PASSAGES / 0.5)


_REF_PASSAGES = 1_000_000
PRIOR_PASSAGES = 50
RARE = 0.5  # a word with more than this share of the largest idf counts as rare


@dataclass(frozen=True)
class _Context:
    """What scoring candidates needs of the question in one collection, worked out once."""

    weights: list[float]
    total: float
    weigh: WordWeights
    idf: list[float]  # per group, in units of the largest idf
    ids: list[list[int]]  # per group, its term numbers
    word_weight: dict[str, float]  # folded question word -> its heaviest group's weight
    question: tuple[float, ...]  # the question-level Signals fields
    wanted: frozenset[str]


def _context(question: Question, collection: Collection, groups: list[QueryGroup]) -> _Context:
    index = collection.index
    weights = group_weights(index, groups, question.language)
    total = question_weight(groups, weights) or 1.0
    top = _largest_idf(index.n_docs)
    ids = [index.term_ids(g.terms) for g in groups]
    idf = [index.group_idf(i) / top if i else 1.0 for i in ids]
    word_weight: dict[str, float] = {}
    for group, weight in zip(groups, weights, strict=True):
        word = fold(group.word)
        word_weight[word] = max(word_weight.get(word, 0.0), weight)
    self_score = sum(index.group_idf(i) * g.weight for i, g in zip(ids, groups, strict=True)
                     if i)
    level = (max(weights) / total if weights else 0.0,
             float(question.language != collection.language), float(len(groups)),
             absent_share(index, groups, weights), float(len(question.focus)),
             max(idf, default=0.0), sum(idf), self_score)
    return _Context(weights, total, WordWeights(groups, weights), idf,
                    ids, word_weight, level,
                    frozenset(t for g in groups for t in g.terms))


def score_hits(
    question: Question, collection: Collection, groups: list[QueryGroup], hits: Sequence[Hit],
) -> list[Scored]:
    """Read each hit's passage for the question: its quote, evidence and signals, in the
    hits' order (ranking them is the engine's: bot/confidence.py)."""
    if not hits or not groups:
        return []
    ctx = _context(question, collection, groups)
    articles = _article_bm25(collection, ctx, groups, [h.doc for h in hits])
    return [_score(question, collection, groups, ctx, hit, article)
            for hit, article in zip(hits, articles, strict=True)]


def _score(question: Question, collection: Collection, groups: list[QueryGroup],
           ctx: _Context, hit: Hit, article_bm25: float) -> Scored:
    passage = collection.passages[hit.doc]
    reading = read_passage(question, passage, groups, ctx.weights, ctx.total)
    chosen = choose_window(question, reading)
    first, last = chosen.first, chosen.last
    spans = passage.sentences or (Span(0, len(passage.text)),)
    quote = Span(spans[first].start, spans[last].end)
    if last == first:
        quote = _quote_span(passage, first, question.kind)
    evidence = tuple(
        Span(s.start + spans[k].start, s.end + spans[k].start)
        for k in range(first, last + 1) for s in reading.evidences[k]
    )
    in_passage = frozenset().union(*reading.matched)
    quoted = frozenset().union(*reading.matched[first:last + 1])
    title, title_words = collection.title(passage.article_id)
    in_title = frozenset(k for k, g in enumerate(groups) if title.intersection(g.terms))
    found = in_passage | in_title
    weigh, total, idf = ctx.weigh, ctx.total, ctx.idf
    missing = [idf[k] for k in range(len(groups)) if k not in found]
    rarest = max(range(len(groups)), key=idf.__getitem__)
    squares = sum(v * v for v in idf) or 1.0
    words = _view(passage).folded
    exact = sum(w for word, w in ctx.word_weight.items() if word in words or word in title_words)
    signals = Signals(
        bm25=hit.bm25, coverage=reading.coverage, sentence_coverage=chosen.coverage,
        best_sentence=reading.best_sentence,
        title_coverage=max(weigh(found) - weigh(in_passage), 0.0) / total,
        pairs=chosen.features[3], strength=chosen.features[2], aimed=chosen.features[1],
        exact=exact / (sum(ctx.word_weight.values()) or 1.0), words_found=reading.words_found,
        idf_found=sum(idf[k] for k in found), idf_quoted=sum(idf[k] for k in quoted),
        idf_missing=sum(missing), most_specific_missing=max(missing, default=0.0),
        rarest_found=float(rarest in found), rarest_quoted=float(rarest in quoted),
        rare_share=sum(idf[k] ** 2 for k in found) / squares,
        rare_share_quoted=sum(idf[k] ** 2 for k in quoted) / squares,
        rare_found=float(sum(1 for k in found if idf[k] > RARE)),
        rare_quoted=float(sum(1 for k in quoted if idf[k] > RARE)),
        article_bm25=article_bm25,
        heaviest=ctx.question[0], translated=ctx.question[1], groups=ctx.question[2],
        absent=ctx.question[3], words=ctx.question[4], specificity=ctx.question[5],
        idf_all=ctx.question[6], self_score=ctx.question[7], kind=question.kind,
        cosine=hit.cosine or 0.0,
    )
    return Scored(passage, hit.bm25, quote, evidence, signals, ctx.wanted)


def _article_bm25(collection: Collection, ctx: _Context, groups: list[QueryGroup],
                  docs: list[int]) -> list[float]:
    """BM25 of the article each document belongs to, as one document: its passages' term
    frequencies summed, its length theirs, the mean article length of the collection."""
    ranges = [collection.article_docs(doc) for doc in docs]
    lo = np.array([r[0] for r in ranges], dtype=np.int64)
    hi = np.array([r[1] for r in ranges], dtype=np.int64)
    index = collection.index
    k1, b = index.k1, index.b
    lengths = np.array([collection.article_length(a, z) for a, z in ranges])
    norm = k1 * (1 - b + b * lengths / (collection.mean_article_length() or 1.0))
    top = _largest_idf(index.n_docs)
    score = np.zeros(len(docs))
    for group, idf, ids in zip(groups, ctx.idf, ctx.ids, strict=True):
        if not ids:
            continue
        tf = _range_tfs(index, ids, lo, hi)
        if not tf.any():
            continue
        score += idf * top * group.weight * tf * (k1 + 1) / (tf + norm)
    return [float(v) for v in score]


def _range_tfs(index: SearchIndex, ids: list[int], lo: npt.NDArray[np.int64],
               hi: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """A group's summed term frequency in each document range [lo, hi)."""
    if isinstance(index, RangeCounter):
        return index.range_tfs(ids, lo, hi)
    post, tfs = index.postings(ids)
    a, z = np.searchsorted(post, lo), np.searchsorted(post, hi)
    cumulative = np.concatenate(([0.0], np.cumsum(tfs)))
    return cumulative[z] - cumulative[a]


@dataclass(frozen=True)
class Reading:
    """What a question finds in one passage: its windows and per-sentence evidence."""

    coverage: float
    words_found: float  # share of the question's words found, unweighted
    best_sentence: float
    windows: list[Window]
    evidences: list[list[Span]]
    matched: list[frozenset[int]]  # the query groups each sentence matches


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

    # what a count question counts, in the passage's terms (its translations too)
    counted_terms = frozenset(t for g in groups if g.word == question.counted for t in g.terms) \
        or question_terms

    def counted(token: str) -> bool:
        return bool(counted_terms.intersection(lang.token_terms(token)))

    for text, raw in zip(sentences, _evidence(passage, kind), strict=True):
        found = [s for s in raw
                 if not _echoes(text[s.start:s.end], question_words, question_terms, lang)
                 ] if raw else []
        evidences.append(found)
        strengths.append(strength(kind, text, found, counted, units=question.counted is None))
    bonus = EVIDENCE_BONUS.get(kind, 0.0)
    # Word pairs of the question, stop words included, seen again in a sentence: the
    # relation ("vor Manning", "in Kursk") as well as the words.
    pairs = asked.pairs
    pairwise = itertools.pairwise
    sentence_pairs = ([len(pairs.intersection(pairwise(w))) / len(pairs) for w in view.words]
                      if pairs else [0.0] * len(sentences))
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
    return Reading(coverage, words_found, best_single, windows, evidences, hits)


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
    words: list[list[str]]  # each sentence's tokens, folded (analysis.fold)
    folded: frozenset[str]  # every token, folded


@lru_cache(maxsize=2048)
def _view(passage: Passage) -> _View:
    lang = analyzer(passage.language)
    texts = passage.sentence_texts() or [passage.text]
    # The section heading is context for every sentence under it ("Russland dementiert").
    heading = frozenset(lang.terms(passage.section)) if passage.section else frozenset()
    analysed = [lang.tokens_and_terms(t) for t in texts]
    plain = not has_accents(passage.text)
    folded = [fold_all(toks, plain) for toks, _ in analysed]
    return _View(
        texts=texts,
        terms=[terms | heading for _, terms in analysed] if heading
        else [terms for _, terms in analysed],
        lengths=[len(t.split()) for t in texts],
        words=folded,
        folded=frozenset().union(*folded),
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
