"""Question -> BM25 query for one collection language: groups of terms with weights.

In the question's own language every analysed term is a group of one, so scores are
plain BM25Okapi. Across languages each question word becomes one group holding its
translations and the word itself (names and cognates match as they are).
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass

from bot.analysis import LANGUAGES, analyzer, fold, stop_words
from bot.question import Question
from bot.translate import translations
from bot.transliterate import variants


@dataclass(frozen=True)
class QueryGroup:
    """Terms scored together as one pseudo-term, the word they came from, and a weight."""

    terms: tuple[str, ...]
    word: str
    weight: float = 1.0
    part: bool = False  # a part of a compound or joined word, not the whole word


def build_query(
    question: Question, language: str, vocabulary: Container[str] | None = None,
) -> list[QueryGroup]:
    """The query for passages in `language`.

    With the collection's `vocabulary`, a word none of whose forms the passages have is
    also looked for in its other spellings (Peskov -> Peskow, Zelensky -> Selenskyj).
    """
    groups = _build(question, language)
    if vocabulary is None:
        return groups
    return [_respelled(g, language, vocabulary) for g in groups]


def _respelled(group: QueryGroup, language: str, vocabulary: Container[str]) -> QueryGroup:
    if group.part or any(t in vocabulary for t in group.terms) or not group.word.isalpha():
        return group
    target = analyzer(language)
    terms = (target.dictionary_term(v) for v in sorted(variants(fold(group.word))))
    found = [t for t in terms if t and t in vocabulary]
    if not found:
        return group
    return QueryGroup((*group.terms, *dict.fromkeys(found)), group.word, group.weight, group.part)


def _build(question: Question, language: str) -> list[QueryGroup]:
    target = analyzer(language)
    groups: list[QueryGroup] = []
    seen: set[tuple[str, ...]] = set()

    def add(terms: tuple[str, ...], word: str, part: bool = False) -> None:
        if terms and terms not in seen:
            seen.add(terms)
            groups.append(QueryGroup(terms, word, part=part))

    if question.language == language:
        one_word = len(question.focus) == 1 and question.words == 1
        for word in question.focus:
            joined = _with_particle(question, word, language)
            if one_word:
                # "Putin", "Kursk", "soldiers": a single word may be of either language
                joined = (*joined, *_translated(word, LANGUAGES, language)[1:])
            for k, term in enumerate(target.token_terms(word)):
                extra = tuple(t for t in joined if t != term) if k == 0 else ()
                add((term, *dict.fromkeys(extra)), word, k > 0)
        return groups

    stops = stop_words(question.language)
    for word in question.focus:
        if fold(word) in stops:
            continue
        add(_translated(word, (question.language,), language), word)
    return groups


def _translated(word: str, sources: tuple[str, ...], language: str) -> tuple[str, ...]:
    """The word's own term and those of its translations into `language`.

    Dictionary translations are already in dictionary form, so they are stemmed
    without the lemmatiser (whose tables take seconds to load).
    """
    target = analyzer(language)
    terms = list(target.token_terms(word)[:1]) if sources == (language,) else []
    if not terms:
        terms = [target.dictionary_term(word)]
    for source in sources:
        if source == language:
            continue
        for candidate in translations(fold(word), source, language):
            term = target.dictionary_term(candidate)
            if term and term not in terms:
                terms.append(term)
    return tuple(t for t in terms if t)


def _with_particle(question: Question, word: str, language: str) -> tuple[str, ...]:
    """Terms of a separable verb rejoined with its particle ("treffen … ein")."""
    if not question.particle or not word.islower() or fold(word) == question.particle:
        return ()
    return analyzer(language).token_terms(question.particle + word)[:1]
