"""Question -> BM25 query for one collection language: groups of terms with weights.

In the question's own language every analysed term is a group of one, so scores are
plain BM25Okapi. Across languages each question word becomes one group holding its
translations and the word itself (names and cognates match as they are).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.analysis import _JOINERS_RE, LANGUAGES, analyzer, fold, stop_words
from bot.question import Question
from bot.spelling import TRUST as TYPO_TRUST
from bot.spelling import is_stop_word_typo, speller
from bot.translate import dictionary_headwords, translations
from bot.transliterate import variants
from bot.wordfreqs import zipf

if TYPE_CHECKING:
    from bot.backends.protocol import SearchIndex


@dataclass(frozen=True)
class QueryGroup:
    """Terms scored together as one pseudo-term, the word they came from, and a weight."""

    terms: tuple[str, ...]
    word: str
    weight: float = 1.0
    part: bool = False  # a part of a compound or joined word, not the whole word
    # how surely each term stands for the word (a fifth-best translation less than the
    # first): coverage and confidence credit a match by it; empty = all sure
    trust: tuple[float, ...] = ()


def build_query(
    question: Question, language: str, index: SearchIndex | None = None,
) -> list[QueryGroup]:
    """The query for passages in `language`.

    With the collection's `index`, a word none of whose forms the passages have is also
    looked for in its other spellings (Peskov -> Peskow, Zelensky -> Selenskyj), else in
    the known terms a typo away (bot/spelling.py); a word a typo away from a stop word is
    dropped ("iwst"); and a translated word's less sure translations that are far
    commoner than its sure ones are left out (`_without_common`).
    """
    groups = _build(question, language)
    if index is None:
        return groups
    vocabulary = index.vocab
    if question.language != language:
        groups = [_without_common(g, index) for g in groups]
    stops = stop_words(question.language)
    out = []
    for group in groups:
        if not group.part and not any(t in vocabulary for t in group.terms) \
                and _typo(group.word, question.language) \
                and is_stop_word_typo(fold(group.word), stops):
            continue
        # across languages an unknown word is mostly a missing translation, not a typo;
        # but a name is written alike in both ("Sentanta Sports": Setanta)
        typo = _typo(group.word, language) and (
            question.language == language
            or (group.word[:1].isupper() and len(group.word) >= CROSS_TYPO_LENGTH
                and _typo(group.word, question.language)))
        out.append(_respelled(group, language, vocabulary, typo,
                              cross=question.language != language))
    return out


# a name of a question in another language is corrected from this length: shorter ones
# have too many common terms a typo away ("Gegeen": gegeben)
CROSS_TYPO_LENGTH = 7
COMMONER = 10.0  # a less sure translation in this many times the documents is noise


def _without_common(group: QueryGroup, index: SearchIndex) -> QueryGroup:
    """`group` without its less sure translations that are in more than COMMONER times
    the documents of its commonest sure term ("way": Weise, Weg ... kommen; "kept":
    halten, behalten ... sagen). A group scores as its commonest term (BM25's idf of
    the largest document frequency) and counts every term's occurrences: one common
    word far down the list makes any passage that uses it look like it has the word.
    Kept when no sure term is in the passages (nothing to compare with)."""
    if not group.trust or len(group.terms) < 2:
        return group
    ids = [index.vocab.get(t) for t in group.terms]
    # the idf of one term: the larger its document frequency, the smaller
    idf = [index.group_idf([i]) if i is not None else None for i in ids]
    sure = [v for v, trust in zip(idf, group.trust, strict=True) if trust >= 1.0 and v is not None]
    if not sure:
        return group
    floor = min(sure) - math.log(COMMONER)
    keep = [k for k, (v, trust) in enumerate(zip(idf, group.trust, strict=True))
            if trust >= 1.0 or v is None or v >= floor]
    if len(keep) == len(group.terms):
        return group
    return QueryGroup(tuple(group.terms[k] for k in keep), group.word, group.weight,
                      group.part, tuple(group.trust[k] for k in keep))


def _respelled(group: QueryGroup, language: str, vocabulary: Mapping[str, int],
               typo: bool = False, cross: bool = False) -> QueryGroup:
    if group.part or any(t in vocabulary for t in group.terms) or not group.word.isalpha():
        return group
    target = analyzer(language)
    terms = (target.dictionary_term(v) for v in sorted(variants(fold(group.word))))
    found = [t for t in terms if t and t in vocabulary]
    trusted = 0.9
    if not found and group.terms and typo:
        # (a name in a question of another language: its term as the passages' language
        # makes it, not the question's stem)
        term = (target.token_terms(group.word)[:1] or group.terms[:1])[0] if cross \
            else group.terms[0]
        stops = stop_words(language)  # a name a typo away from "gegen" is no "gegen"
        found = [t for t in speller(vocabulary).near(term) if t not in stops]
        trusted = TYPO_TRUST
    if not found:
        return group
    added = tuple(dict.fromkeys(found))
    trust = (*(group.trust or (1.0,) * len(group.terms)), *(trusted,) * len(added))
    return QueryGroup((*group.terms, *added), group.word, group.weight, group.part, trust)


def _typo(word: str, language: str) -> bool:
    """Is `word` no word of `language` at all (so that a near term may stand in for it)?
    A real word the archive lacks ("Hund") must stay missing: that is what tells an
    off-topic question."""
    return zipf(fold(word), language) == 0.0


def _build(question: Question, language: str) -> list[QueryGroup]:
    target = analyzer(language)
    groups: list[QueryGroup] = []
    seen: set[tuple[str, ...]] = set()

    def add(terms: tuple[str, ...], word: str, part: bool = False, trust: float = 1.0) -> None:
        if terms and terms not in seen:
            seen.add(terms)
            groups.append(QueryGroup(terms, word, part=part,
                                     trust=(trust,) * len(terms) if trust < 1.0 else ()))

    if question.language == language:
        one_word = len(question.focus) == 1 and question.words == 1
        typed = language == "de" and question.text == question.text.casefold()
        for word in question.focus:
            joined = _with_particle(question, word, language)
            if one_word:
                # "Putin", "Kursk", "soldiers": a single word may be of either language
                joined = (*joined, *_translated(word, LANGUAGES, language)[1:])
            terms = target.token_terms(word)
            guessed: tuple[str, ...] = ()
            if typed and word.isalpha():
                # typed all in lower case ("peskow nordkorea"): a word may be a noun, whose
                # parts a capitalised compound gives (Nordkorea: nord, korea), trusted less
                noun = target.token_terms(word[:1].upper() + word[1:])
                guessed = tuple(t for t in noun[1:] if t not in terms)
            for k, term in enumerate((*terms, *guessed)):
                extra = tuple(t for t in joined if t != term) if k == 0 else ()
                add((term, *dict.fromkeys(extra)), word, k > 0,
                    GUESSED_PART_TRUST if k >= len(terms) else 1.0)
        return groups

    stops = stop_words(question.language)
    for word in question.focus:
        parts = _parts(word, question.language)
        word = parts[0] if len(parts) == 1 else word  # "ABC's" is "ABC"
        if fold(word) in stops:
            continue
        # a joined word ("UK-wide", "AS-206") is translated as it is written and part by
        # part, as a German compound is looked for in its parts too
        pieces = [word, *(p for p in parts if fold(p) not in stops)] if len(parts) > 1 \
            else [word]
        for k, piece in enumerate(pieces):
            ranked = _translated(piece, (question.language,), language, ranks=True)
            trust = [_trust(r) for _, r in ranked]
            if len(ranked) <= 1 and piece.islower():
                # no translation: a typo ("agenchy") is translated as the dictionary word
                # a typo away, trusted less
                near = _headword_near(piece, question.language, language)
                if near is not None:
                    known = {t for t, _ in ranked}
                    more = [(t, r) for t, r in _translated(near, (question.language,), language,
                                                           ranks=True)
                            if r >= 0 and t not in known]
                    ranked = (*ranked, *more)
                    trust += [_trust(r) * TYPO_TRUST for _, r in more]
            terms = tuple(t for t, _ in ranked)
            if terms and terms not in seen:
                seen.add(terms)
                groups.append(QueryGroup(terms, word, part=k > 0, trust=tuple(trust)))
    return groups


def _headword_near(word: str, source: str, target: str) -> str | None:
    """The word of the `source`-`target` dictionary nearest to `word` within a typo or
    two (bot/spelling.py), when `word` is no word of `source` at all."""
    if not _typo(word, source):
        return None
    headwords = dictionary_headwords(source, target)
    if not headwords:
        return None
    near = speller(headwords).near(fold(word))
    return near[0] if near else None


def _parts(word: str, language: str) -> list[str]:
    """The parts of a word joined by hyphens or apostrophes, without an English
    possessive or contraction ("Russia's", "don't"): one part for a simple word."""
    parts = [p for p in _JOINERS_RE.split(word) if p]
    if language == "en" and len(parts) > 1 and parts[-1].lower() in ("s", "t"):
        parts = parts[:-1]
    return parts or [word]


GUESSED_PART_TRUST = 0.7  # a compound part of a lower-case word taken for a noun


def _trust(rank: int) -> float:
    """The word itself (rank -1) and its first translations are sure; later ones less so."""
    return 1.0 if rank < 2 else 0.8 if rank < 5 else 0.6


def _translated(
    word: str, sources: tuple[str, ...], language: str, ranks: bool = False,
) -> Any:
    """The word's own term and those of its translations into `language`; with
    `ranks`, (term, rank) pairs, the rank being the translation's place (-1: the word).

    Dictionary translations are already in dictionary form, so they are stemmed
    without the lemmatiser (whose tables take seconds to load).
    """
    target = analyzer(language)
    own = list(target.token_terms(word)[:1]) if sources == (language,) else []
    ranked: dict[str, int] = {t: -1 for t in own or [target.dictionary_term(word)] if t}
    for source in sources:
        if source == language:
            continue
        found = translations(fold(word), source, language)
        if word[:1].isupper() and fold(word) in {fold(t) for t in found}:
            # a name that is spelled the same in both languages ("Berlin") keeps the
            # translations that contain it, not the dictionary's idioms ("sprechen")
            found = tuple(t for t in found if fold(word) in fold(t))
        for rank, candidate in enumerate(found):
            term = target.dictionary_term(candidate)
            if term and term not in ranked:
                ranked[term] = rank
    return tuple(ranked.items()) if ranks else tuple(ranked)


def _with_particle(question: Question, word: str, language: str) -> tuple[str, ...]:
    """Terms of a separable verb rejoined with its particle ("treffen … ein")."""
    if not question.particle or not word.islower() or fold(word) == question.particle:
        return ()
    return analyzer(language).token_terms(question.particle + word)[:1]
