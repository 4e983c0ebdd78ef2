"""Analysis: folding, numbers, joined forms, lemmas/stems, compounds, stop words."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.analysis import (
    TOKEN_RE,
    Analyzer,
    analyzer,
    fold,
    fold_all,
    has_accents,
    normalise_number,
)
from bot.compounds import split_compound


@pytest.fixture(scope="module")
def de() -> Analyzer:
    return analyzer("de")


@pytest.fixture(scope="module")
def en() -> Analyzer:
    return analyzer("en")


def test_case_and_umlaut_spellings_meet(de: Analyzer) -> None:
    assert de.terms("Häuser") == de.terms("Haeuser") == de.terms("HÄUSER")
    assert de.terms("Pjöngjang") == de.terms("Pjoengjang")
    assert de.terms("Straße") == de.terms("Strasse")


def test_inflections_meet(de: Analyzer, en: Analyzer) -> None:
    assert de.terms("Soldaten") == de.terms("Soldat")
    assert de.terms("besuchte") == de.terms("besuchen")
    assert en.terms("soldiers") == en.terms("soldier")
    assert en.terms("visited") == en.terms("visit")


@pytest.mark.parametrize(
    ("text", "number"),
    [("1.500", "1500"), ("1,500", "1500"), ("1500", "1500"), ("12.000", "12000"),
     ("1.234.567", "1234567"), ("1,5", "1.5")],
)
def test_numbers_normalised(de: Analyzer, text: str, number: str) -> None:
    assert normalise_number(text) == number
    assert de.terms(f"es waren {text} Soldaten")[0] == number


def test_thousands_match_across_notations(de: Analyzer, en: Analyzer) -> None:
    assert "1500" in de.terms("1.500 Soldaten")
    assert "1500" in en.terms("1,500 soldiers")


def test_date_is_not_a_thousands_number(de: Analyzer) -> None:
    assert de.terms("am 22.10.") == ["22.10"]


def test_hyphenated_names_found_by_parts(de: Analyzer) -> None:
    terms = de.terms("Hwasong-11")
    assert {"hwasong", "11"} <= set(terms)
    assert set(de.terms("Kim Jong Un")) <= set(de.terms("Kim Jong-un"))
    assert set(de.terms("Regierung")) <= set(de.terms("US-Regierung"))


def test_compounds_give_their_parts(de: Analyzer) -> None:
    assert split_compound("gesichtserkennungssoftware") == ("gesicht", "erkennung", "software")
    assert split_compound("artilleriegranaten") == ("artillerie", "granaten")
    terms = set(de.terms("Gesichtserkennungssoftware"))
    for word in ("Gesicht", "Erkennung", "Software"):
        assert set(de.terms(word)) <= terms
    assert set(de.terms("Granaten")) <= set(de.terms("Artilleriegranaten"))


def test_non_compounds_stay_whole() -> None:
    for word in ("entwicklung", "unterstützung", "beziehungen", "entsendung"):
        assert split_compound(word) == ()
    assert split_compound("kurz") == ()


def test_only_nouns_are_split(de: Analyzer) -> None:
    # a lower-case participle is not broken into fragments
    assert len(de.terms("vorhergehenden")) == 1


def test_stop_words_dropped(de: Analyzer, en: Analyzer) -> None:
    assert de.terms("Wie viele der die das und wurde") == []
    assert en.terms("how many of the and was") == []


def test_possessive(en: Analyzer) -> None:
    assert en.terms("Russia's") == en.terms("Russia")


def test_fold_keeps_umlauts_strips_other_accents() -> None:
    assert fold("Café Müller") == "cafe müller"
    assert fold("STRASSE Straße São İstanbul A\u0308rger naïve") == (
        "strasse strasse sao istanbul ärger naive")


def _fold_by_character(text: str) -> str:
    """fold() spelt out: case-fold, compose, then each character without its accents."""
    out = []
    for ch in unicodedata.normalize("NFC", text.casefold()):
        if ch in "äöü":
            out.append(ch)
        else:
            out.extend(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    return "".join(out)


_LETTERS = st.text(st.sampled_from("aeoußÄÖÜäöüéÉèçñÅøİıǅﬁ\u0301\u0308 -‐’.,'19Zz_²"), max_size=40)


@given(_LETTERS)
def test_fold_equals_folding_each_character(text: str) -> None:
    assert fold(text) == _fold_by_character(text)


@given(_LETTERS)
def test_tokens_are_those_of_the_plain_pattern(text: str) -> None:
    plain = re.compile(r"\d+(?:[.,]\d+)+|\w+(?:[-‐‑'’]\w+)*")
    assert TOKEN_RE.findall(text) == plain.findall(text)


@given(_LETTERS)
def test_fold_all_folds_each_token(text: str) -> None:
    tokens = TOKEN_RE.findall(text)
    assert fold_all(tokens) == [fold(t) for t in tokens]


@given(_LETTERS)
def test_plain_folding_is_folding_where_no_accent_is(text: str) -> None:
    # answering folds a passage's tokens by case alone when has_accents() says it may
    tokens = TOKEN_RE.findall(text)
    assert has_accents(text) or fold_all(tokens, plain=True) == [fold(t) for t in tokens]


def test_accents_are_what_folding_takes_away() -> None:
    assert not has_accents("Straße nach Österreich, 12.000 Soldaten")
    assert has_accents("Café in Zürich") and has_accents("„Nein“, sagte er")


@given(st.lists(_LETTERS, min_size=1, max_size=4))
def test_tokens_and_terms_whatever_the_cache_holds(texts: list[str]) -> None:
    fresh, warm = Analyzer("de"), Analyzer("de")
    warm.terms(texts[0])  # some of the tokens known, the others not
    for text in texts:
        expected = (TOKEN_RE.findall(text), frozenset(Analyzer("de").terms(text)))
        assert fresh.tokens_and_terms(text) == expected
        assert warm.tokens_and_terms(text) == expected


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="no analyzer"):
        Analyzer("xx")


def test_weak_participles_meet_their_infinitive(de: Analyzer) -> None:
    assert de.terms("abgefeuert") == de.terms("abfeuern")
    assert de.terms("gesagt") == de.terms("sagen")
