"""Who says the quoted sentences, whose statements a question asks for, and how the figures
of a count question developed: bot/speech.py, bot/entities.py and bot/figures.py applied
to the engine's candidates.

- Every snippet carries the attribution of its quote (`Said`: speaker, role, the
  entities they speak for, direct / reported / article).
- "What does Russia say?", "Was sagt Moskau?", "Was sagt Peskow?": statements by the
  entity asked for (or by someone the article says speaks for it; by the person asked
  for) lead, the newest first, and when there are any, the others are left out. A passage
  that holds such a statement in another sentence than the one the quote model chose is
  quoted there; the question's word for the entity stands for all the entity's words.
- A count question's figures across the sure candidates' articles (every distinct figure
  for the counted noun, with its qualifier, status, claimant and the reactions to it),
  in date order (bot/timeline.py).

Articles are attributed once and kept (SPEECHES, least recently used first out): about 6
ms for a 30-sentence article; of a long article only the paragraphs around the quote.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from bot import entities, figures, speech, timeline
from bot.analysis import analyzer
from bot.models import Article, Figure, Passage, Said, Span
from bot.query import QueryGroup
from bot.sentences import sentence_spans

if TYPE_CHECKING:
    from bot.answering import Scored

SPEECHES = 256  # articles kept attributed
FIGURE_ARTICLES = 5  # articles whose figures a count question collects at most


@dataclass(frozen=True)
class Asked:
    """Whose statements a question asks for: an entity key (RU, NATO…) or a person."""

    entity: str | None
    person: str | None

    def matches(self, attribution: speech.Attribution) -> bool:
        if self.entity is not None:
            return speech.speaks_for(attribution, self.entity)
        return self.person is not None and speech.said_by(attribution, self.person)


def asked(question: str, language: str, kind: str = "statement") -> Asked | None:
    """The speaker a question asks about, if it asks for someone's statements (a question
    of another kind — "Wer ist Peskow?" — asks about the person, not for what they say)."""
    if kind != "statement":
        return None
    entity = entities.entity_asked(question, language)
    person = None if entity else entities.person_asked(question, language)
    return Asked(entity, person) if entity or person else None


class Speeches:
    """Attributed articles, by article id (bounded). A short article is attributed whole;
    of a long one only the paragraph asked about, the last sentences of the one before (a
    pronoun, a quotation continued) and `after` paragraphs after it, so that an answer's
    cost does not grow with its articles' length (a 60-sentence article takes ~19 ms
    whole; a speaker's role given only paragraphs earlier is then missed)."""

    def __init__(self, article: Callable[[str], Article | None]) -> None:
        self._article = article
        self._cache: OrderedDict[tuple[str, int, int], Spoken] = OrderedDict()
        self._articles: OrderedDict[str, Article] = OrderedDict()
        self._lock = threading.Lock()  # answers run in several threads at once

    def around(self, article_id: str, paragraph: int, after: int = 0) -> Spoken | None:
        """The attribution of the paragraphs around `paragraph` (0-based) of an article."""
        article = self._read(article_id)
        if article is None:
            return None
        n = len(article.paragraphs)
        if sum(len(p.text) for p in article.paragraphs) <= WHOLE:
            lo, hi = 0, n
        else:
            lo, hi = max(0, paragraph - CONTEXT), min(n, paragraph + 1 + after)
        key = (article_id, lo, hi)
        with self._lock:
            known = self._cache.get(key)
            if known is not None:
                self._cache.move_to_end(key)
                return known
        texts = [p.text for p in article.paragraphs[lo:hi]]
        if lo < paragraph:  # of the paragraphs before, only what a pronoun can point back to
            texts[:paragraph - lo] = [_tail(t, article.language) for t in texts[:paragraph - lo]]
        known = Spoken(article, lo, speech.attribute_article(texts, article.language,
                                                             article.title))
        with self._lock:
            self._cache[key] = known
            if len(self._cache) > SPEECHES:
                self._cache.popitem(last=False)
        return known

    def _read(self, article_id: str) -> Article | None:
        with self._lock:
            known = self._articles.get(article_id)
            if known is not None:
                self._articles.move_to_end(article_id)
                return known
        article = self._article(article_id)
        if article is not None:
            with self._lock:
                self._articles[article_id] = article
                if len(self._articles) > SPEECHES:
                    self._articles.popitem(last=False)
        return article

    def attribution(self, passage: Passage, quote: Span) -> speech.Attribution:
        """Who says the quote [quote.start, quote.end) of `passage`."""
        found = self.around(passage.article_id, passage.paragraph - 1)
        if found is None:
            return speech.ARTICLE
        offset = _offset(found.article, passage)
        return found.speech.at(passage.paragraph - 1 - found.first, offset + quote.start,
                               offset + quote.end)

    def sentences_by(self, passage: Passage, who: Asked) -> list[Span]:
        """The sentences of `passage` (spans into its text) said by whom `who` names."""
        found = self.around(passage.article_id, passage.paragraph - 1)
        if found is None:
            return []
        offset = _offset(found.article, passage)
        out = []
        for s in found.speech.in_paragraph(passage.paragraph - 1 - found.first):
            start, end = s.span.start - offset, s.span.end - offset
            if start >= 0 and end <= len(passage.text) and who.matches(s.attribution):
                out.append(Span(start, end))
        return out


def _tail(text: str, language: str) -> str:
    """The last TAIL sentences of a paragraph."""
    spans = sentence_spans(text, language)
    return text[spans[-TAIL].start:] if len(spans) > TAIL else text


@dataclass(frozen=True)
class Spoken:
    """An article and the attribution of its paragraphs from `first` on."""

    article: Article
    first: int
    speech: speech.ArticleSpeech


WHOLE = 2000  # characters: an article up to this long is attributed whole
CONTEXT = 1  # paragraphs before the one asked about, for its speakers and pronouns...
TAIL = 2  # ... of which only the last sentences


def _offset(article: Article, passage: Passage) -> int:
    """Where `passage` starts in its paragraph (a long paragraph is several passages)."""
    if not 1 <= passage.paragraph <= len(article.paragraphs):
        return 0
    at = article.paragraphs[passage.paragraph - 1].text.find(passage.text)
    return max(at, 0)


def widened(groups: list[QueryGroup], who: Asked, language: str) -> list[QueryGroup]:
    """A query about an entity's statements, its word for the entity ("Kremlin") standing
    for every word the entity goes by (Russland, Moskau, Kreml, Putin, Peskow...), trusted
    as the second-best translation is (WIDER_TRUST)."""
    if who.entity is None:
        return groups
    extra = _entity_terms(who.entity, language)
    out = []
    for g in groups:
        # of a compound ("US-Regierung": groups usregier, us, regier) only the group of
        # the entity's own word: "Regierung" must still be found
        if who.entity in entities.keys_in(g.word) and extra.intersection(g.terms):
            added = tuple(t for t in sorted(extra) if t not in g.terms)
            trust = (*(g.trust or (1.0,) * len(g.terms)), *(WIDER_TRUST,) * len(added))
            g = replace(g, terms=(*g.terms, *added), trust=trust)
        out.append(g)
    return out


WIDER_TRUST = 0.8


@lru_cache(maxsize=64)
def _entity_terms(key: str, language: str) -> frozenset[str]:
    lang = analyzer(language)
    out: set[str] = set()
    for alias in entities.aliases(key):
        words = alias.split()
        out.update(lang.terms(words[-1] if len(words) > 1 else alias))
    return frozenset(out)


def said(attribution: speech.Attribution) -> Said:
    return Said(attribution.speaker, attribution.role, attribution.speaks_for, attribution.kind)


def by_speaker(candidates: Sequence[Scored], who: Asked, speeches: Speeches) -> list[Scored]:
    """The candidates whose passage holds a statement by `who`, each quoted there (best
    first); the others only when there is none."""
    chosen = []
    for c in candidates:
        if who.matches(speeches.attribution(c.passage, c.quote)):
            chosen.append(c)
            continue
        spans = speeches.sentences_by(c.passage, who)
        if spans:
            chosen.append(requoted(c, spans))
    return chosen or list(candidates)


def requoted(scored: Scored, spans: list[Span]) -> Scored:
    """A candidate quoted at the first of `spans` (two of them when they follow each
    other: a quotation continued), its speaker's name highlighted where it stands."""
    quote = spans[0]
    if len(spans) > 1 and spans[1].start - spans[0].end <= 2:
        quote = Span(spans[0].start, spans[1].end)
    return replace(scored, quote=quote, evidence=())


def count_figures(candidates: Sequence[Scored], counted: Callable[[str], bool],
                  speeches: Speeches, passage_of: Callable[[str, int, str], str | None],
                  ) -> tuple[Figure, ...]:
    """Every distinct figure for what a count question counts, in the articles of the
    given (sure) candidates (a long article: around their paragraphs), in date order."""
    items: list[timeline.Dated] = []
    where: dict[int, tuple[str, str]] = {}  # id of a figure -> its sentence, its passage
    source: dict[int, str] = {}  # id of a figure -> its article
    seen: set[tuple[str, int, tuple[int, int]]] = set()
    articles = list(dict.fromkeys(c.passage.article_id for c in candidates))[:FIGURE_ARTICLES]
    for c in candidates:
        article_id = c.passage.article_id
        if article_id not in articles:
            continue
        found = speeches.around(article_id, c.passage.paragraph - 1, after=1)
        if found is None:
            continue
        article, first = found.article, found.first
        paragraphs = [p.text for p in article.paragraphs[first:]]
        got = [f for f in figures.article_figures(paragraphs, article.language, counted,
                                                  found.speech)
               if (article_id, f.paragraph + first, f.figure.span) not in seen]
        for one in got:
            seen.add((article_id, one.paragraph + first, one.figure.span))
            text = paragraphs[one.paragraph][one.sentence.start:one.sentence.end]
            number = one.paragraph + first + 1
            where[id(one.figure)] = (text, passage_of(article_id, number, text)
                                     or f"{article_id}#{number}")
            source[id(one.figure)] = article_id
        items += timeline.dated(got, article.published or article.updated, article_id)
    out = []
    for entry in timeline.timeline(items):
        text, passage = where.get(id(entry.figure), ("", entry.article_id))
        f = entry.figure
        # a claimant's later figure revises an earlier one of another article; within one
        # article two figures are two things ("1.500 in training", "up to 12.000")
        before = entry.revises
        revises = before.value if before is not None \
            and source.get(id(before)) != entry.article_id else None
        out.append(Figure(
            value=f.value, number=f.number, qualifier=f.qualifier, status=f.status,
            claimant=f.claimant, quote=text, passage_id=passage, article_id=entry.article_id,
            published=entry.published,
            reactions=tuple((", ".join(r.parties), r.stance) for r in entry.reactions),
            revises=revises))
    return tuple(out)
