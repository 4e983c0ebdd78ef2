"""Question -> BM25 query for one collection language: groups of terms with weights.

In the question's own language every analysed term is a group of one, so scores are
plain BM25Okapi. Across languages each question word becomes one group holding its
translations and the word itself (names and cognates match as they are).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.analysis import analyzer, fold
from bot.question import Question
from bot.translate import translations


@dataclass(frozen=True)
class QueryGroup:
    """Terms scored together as one pseudo-term, the word they came from, and a weight."""

    terms: tuple[str, ...]
    word: str
    weight: float = 1.0
    part: bool = False  # a part of a compound or joined word, not the whole word


def build_query(question: Question, language: str) -> list[QueryGroup]:
    """The query for passages in `language`."""
    target = analyzer(language)
    groups: list[QueryGroup] = []
    seen: set[tuple[str, ...]] = set()

    def add(terms: tuple[str, ...], word: str, part: bool = False) -> None:
        if terms and terms not in seen:
            seen.add(terms)
            groups.append(QueryGroup(terms, word, part=part))

    if question.language == language:
        for word in question.focus:
            joined = _with_particle(question, word, language)
            for k, term in enumerate(target.token_terms(word)):
                add((term, *joined) if joined and term not in joined else (term,), word, k > 0)
        return groups

    source = analyzer(question.language)
    for word in question.focus:
        if not source.token_terms(word):
            continue  # a stop word in the question's language
        terms: list[str] = []
        for candidate in (word, *translations(fold(word), question.language, language)):
            for term in target.token_terms(candidate)[:1]:
                if term not in terms:
                    terms.append(term)
        add(tuple(terms), word)
    return groups


def _with_particle(question: Question, word: str, language: str) -> tuple[str, ...]:
    """Terms of a separable verb rejoined with its particle ("treffen … ein")."""
    if not question.particle or not word.islower() or fold(word) == question.particle:
        return ()
    return analyzer(language).token_terms(question.particle + word)[:1]
