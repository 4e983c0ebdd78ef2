"""Example questions drawn from the articles themselves, in the reader's language.

The words of the newest titles (nouns and names; the first word of a title is left out,
it is often an adjective) are put into a few question shapes, translated when the
reader's language is not the article's (bot.translate's dictionary), and each candidate
is asked: a count or statement question must find its answer (`answer_highlighted`), any
other must be found at all. The first two that pass are the examples. This runs in a
worker thread, once per index version and language (`overview`); about a dozen questions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.models import Answer
from bot.telegram.catalog import Catalog, Entry
from bot.translate import translations

TITLES = 6  # the newest titles whose words are tried
MAX_TRIES = 16  # candidate questions asked at most, per language
_WORD = re.compile(r"[^\W\d_][\w-]{3,}")
_SINGULAR_DE = ("ung", "heit", "keit", "schaft", "ion", "tät", "nis", "mus", "land")
SHAPES = {
    "de": {"count": "Wie viele {}?", "statement": "Was sagt {}?", "about": "Was ist mit {}?"},
    "en": {"count": "How many {}?", "statement": "What does {} say?", "about": "What about {}?"},
}


class Answering(Protocol):
    """What asking a candidate question needs (bot.engine.Engine)."""

    def answer(self, question: str, top: int = 3, offset: int = 0) -> Answer: ...


@dataclass(frozen=True)
class Term:
    """A word of a title, in the reader's language, and whether it names someone/something."""

    word: str
    name: bool


def example_questions(engine: Answering, catalog: Catalog, lang: str) -> tuple[str, ...]:
    """Two questions in `lang` that the articles answer (fewer if no title word works)."""
    chosen: list[str] = []
    used: set[str] = set()
    for tries, (question, term, needs_answer) in enumerate(_candidates(catalog.newest, lang)):
        if len(chosen) == 2 or tries >= MAX_TRIES:
            break
        if term.casefold() in used:
            continue
        answer = engine.answer(question, top=1)
        if answer.found and answer.snippets and (
            answer.snippets[0].answer_highlighted or not needs_answer
        ):
            chosen.append(question)
            used.add(term.casefold())
    return tuple(chosen)


def _candidates(entries: Sequence[Entry], lang: str) -> Iterator[tuple[str, str, bool]]:
    """(question, term, whether it must find the answer itself), best shapes first."""
    terms = [t for entry in entries[:TITLES] for t in title_terms(entry, lang)]
    shapes = SHAPES.get(lang, SHAPES["en"])
    for term in terms:
        if term.name:
            yield shapes["statement"].format(term.word), term.word, True
        elif plural(term.word, lang):
            yield shapes["count"].format(plural(term.word, lang)), term.word, True
    for term in terms:
        topic = (plural(term.word, lang) if lang == "en" else None) or term.word
        yield shapes["about"].format(topic), term.word, False


def title_terms(entry: Entry, lang: str) -> list[Term]:
    """The nouns and names of a title (its first word left out), in `lang`, each once."""
    words = _WORD.findall(entry.title)[1:]
    source = entry.language if entry.language in SHAPES else lang
    out: list[Term] = []
    for word in words:
        if source == "de" and not word[0].isupper():
            continue  # German nouns and names are capitalised; other words are no topic
        term = _term(word, source, lang)
        if term is not None and term.word.casefold() not in {t.word.casefold() for t in out}:
            out.append(term)
    return out


def _term(word: str, source: str, target: str) -> Term | None:
    """`word` of a `source` title as a term in `target`; None if it cannot be said there."""
    other = "en" if source == "de" else "de"
    known = translations(word, source, other) or translations(word.lower(), source, other)
    # a name: not in the dictionary, or (German) translated to a capitalised English word
    name = word[0].isupper() and (not known or (source == "de" and known[0][:1].isupper()))
    if source == target:
        return Term(word, name)
    if not known:
        return Term(word, True) if word[0].isupper() else None  # a name is said alike
    first = known[0]
    return Term(first, name) if " " not in first else None


def plural(word: str, lang: str) -> str | None:
    """The plural to ask "how many" with, or None when `word` does not look countable."""
    if lang == "de":
        lowered = word.lower()
        looks_plural = lowered.endswith(("en", "er", "e", "n")) and not lowered.endswith(
            _SINGULAR_DE
        )
        return word if looks_plural else None
    if not word.islower():
        return None  # English names and title words are not counted
    if word.endswith("s"):
        return word
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + ("es" if word.endswith(("x", "ch", "sh")) else "s")
