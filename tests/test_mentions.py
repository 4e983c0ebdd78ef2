"""Speaker phrases: name, role, apposition, coordination, pronoun."""

from __future__ import annotations

import pytest

from bot.mentions import mention_after, mention_at, mention_before, role_head
from bot.quotes import tokens


@pytest.mark.parametrize(("text", "language", "name", "role"), [
    ("Der ukrainische Geheimdienstchef Kyrylo Budanow", "de", "Kyrylo Budanow",
     "ukrainische Geheimdienstchef"),
    ("NATO-Sprecherin Farah Dakhlallah", "de", "Farah Dakhlallah", "NATO-Sprecherin"),
    ("der südkoreanische Geheimdienst NIS", "de", "NIS", "südkoreanische Geheimdienst"),
    ("Dmitri Peskow, Sprecher von Präsident Wladimir Putin", "de", "Dmitri Peskow",
     "Sprecher von Präsident Wladimir Putin"),
    ("Russlands Präsident Wladimir Putin", "de", "Wladimir Putin", "Russlands Präsident"),
    ("Russlands Präsident Arkadi Wolkow Minsk", "de", "Arkadi Wolkow", "Russlands Präsident"),
    ("SFU-Rektor Alfred Pritz", "de", "Alfred Pritz", "SFU-Rektor"),
    ("US Secretary of State Antony Blinken", "en", "Antony Blinken", "US Secretary of State"),
    ("Smith, a spokeswoman for the State Department", "en", "Smith",
     "spokeswoman for the State Department"),
    ("Ukraine's intelligence chief Kyrylo Budanov", "en", "Kyrylo Budanov",
     "Ukraine's intelligence chief"),
])
def test_name_and_role(text: str, language: str, name: str, role: str) -> None:
    found = mention_at(tokens(text, language), 0, language)
    assert found is not None
    assert (found[0].name, found[0].role) == (name, role)


def test_a_phrase_without_a_name() -> None:
    found = mention_at(tokens("ein Sprecher des südkoreanischen Präsidialamtes", "de"), 0, "de")
    assert found is not None
    m = found[0]
    assert (m.text, m.name, m.head, m.article) == (
        "Sprecher des südkoreanischen Präsidialamtes", None, "sprecher", "ein")


def test_coordination_and_pronoun() -> None:
    toks = tokens("Weder das Pentagon noch die NATO bestätigen", "de")
    m = mention_before(toks, 6, "de")
    assert m is not None and [p.name for p in m.parts] == ["Pentagon", "NATO"]
    m = mention_after(tokens("sagte er", "de"), 1, "de")
    assert m is not None and m.pronoun


def test_before_the_verb_over_an_apposition_or_an_aside() -> None:
    toks = tokens("Dmitry Peskov, the Kremlin spokesman, said", "en")
    m = mention_before(toks, len(toks) - 1, "en")
    assert m is not None and (m.name, m.role) == ("Dmitry Peskov", "Kremlin spokesman")
    toks = tokens("US officials, speaking on condition of anonymity, said", "en")
    m = mention_before(toks, len(toks) - 1, "en")
    assert m is not None and m.text == "US officials"


@pytest.mark.parametrize(("word", "head"), [
    ("Kremlsprecher", "sprecher"), ("Kreml-Sprecher", "sprecher"),
    ("Präsidialamtes", "präsidialamt"), ("Geheimdienstchef", "geheimdienstchef"),
    ("Verbündete", None), ("Meldung", None), ("spokeswoman", "spokeswoman"),
])
def test_role_head(word: str, head: str | None) -> None:
    assert role_head(word, "de") == head
