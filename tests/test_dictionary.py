"""Tests of the packaged English<->German dictionaries (bot/dictionary.py)."""

from __future__ import annotations

import time

import pytest

from bot.dictionary import Dictionary


@pytest.fixture(scope="module")
def en_de() -> Dictionary:
    return Dictionary.load("en-de")


@pytest.fixture(scope="module")
def de_en() -> Dictionary:
    return Dictionary.load("de-en")


def test_load_is_cached(en_de: Dictionary) -> None:
    assert Dictionary.load("en-de") is en_de
    assert len(en_de) > 50_000


def test_unknown_pair() -> None:
    with pytest.raises(ValueError):
        Dictionary.load("en-fr")


def test_soldiers_plural_finds_soldat(en_de: Dictionary) -> None:
    assert "Soldat" in en_de.translations("soldiers")[:3]
    assert "Soldat" in en_de.translations("soldier")[:3]


def test_say_verb_before_noun_sense(en_de: Dictionary) -> None:
    say = en_de.translations("say")
    assert "sagen" in say[:2]
    if "Mitspracherecht" in say:
        assert say.index("Mitspracherecht") > say.index("sagen")


def test_known_gaps(en_de: Dictionary) -> None:
    assert "verhindern" in en_de.translations("prevent")
    assert "Kompetenz" in en_de.translations("competence")[:3]
    invade = en_de.translations("invade")
    assert {"Invasion", "einmarschieren"} & set(invade)
    assert "besuchen" in en_de.translations("visit")[:2]


def test_inflected_forms_reach_lemma(en_de: Dictionary, de_en: Dictionary) -> None:
    assert "besuchen" in en_de.translations("visited")[:3]
    assert "verhindern" in en_de.translations("prevented")
    assert "soldier" in de_en.translations("Soldaten")[:2]


def test_news_vocabulary(en_de: Dictionary) -> None:
    assert "Truppe" in en_de.translations("troops")[:2]
    assert "Rakete" in en_de.translations("missile")[:3]
    assert "Krieg" in en_de.translations("war")[:1]
    assert "Regierung" in en_de.translations("government")[:2]
    assert "bestreiten" in en_de.translations("deny")[:5]
    assert "Angriff" in en_de.translations("attack")[:2]


def test_german_to_english(de_en: Dictionary) -> None:
    assert de_en.translations("Soldat")[0] == "soldier"
    assert "war" in de_en.translations("Krieg")[:2]
    assert "say" in de_en.translations("sagen")[:2]
    assert "visit" in de_en.translations("besuchen")[:2]


def test_limit_and_unknown(en_de: Dictionary) -> None:
    assert len(en_de.translations("attack", limit=3)) == 3
    assert len(en_de.translations("attack")) <= 10
    assert en_de.translations("xqzzyvw") == []
    assert en_de.translations("") == []
    assert en_de.translations("attack", limit=0) == []


def test_contains(en_de: Dictionary) -> None:
    assert "soldier" in en_de
    assert "Soldiers" in en_de
    assert "xqzzyvw" not in en_de
    assert 42 not in en_de


def test_translations_are_single_words(en_de: Dictionary, de_en: Dictionary) -> None:
    for d, words in ((en_de, ["say", "soldier", "war", "attack"]), (de_en, ["Krieg", "sagen"])):
        for w in words:
            for t in d.translations(w):
                assert t and " " not in t and "|" not in t and "\t" not in t


def test_load_time() -> None:
    from bot import dictionary

    dictionary._load.cache_clear()
    t0 = time.perf_counter()
    Dictionary.load("en-de")
    assert time.perf_counter() - t0 < 1.5  # ~0.2 s measured; generous for slow CI
