"""The table of who speaks for whom, and which entity or person a question asks about."""

from __future__ import annotations

import pytest

from bot.entities import entity, entity_asked, keys_in, person_asked, table


@pytest.mark.parametrize(("text", "keys"), [
    ("Russlands Präsident Wladimir Putin", ("RU",)),  # genitive, and a listed person
    ("der Kreml-Sprecher", ("RU",)),  # hyphenated compound
    ("Kremlsprecher Peskow", ("RU",)),  # closed compound of a body and a role
    ("US-Verteidigungsminister Lloyd Austin", ("US",)),
    ("ein Sprecher des südkoreanischen Präsidialamtes", ("KR",)),  # adjective with its ending
    ("NATO-Sprecherin", ("NATO",)),
    ("Russia's foreign ministry", ("RU",)),
    ("South Korean officials", ("KR",)),
    ("Weder das Pentagon noch die NATO", ("US", "NATO")),
    ("aus dem offiziellen Moskau", ("RU",)),
    ("Die Demokratische Volksrepublik Korea", ("KP",)),
    ("officials in Pyongyang and Seoul", ("KP", "KR")),
    ("Brüssel", ("EU", "NATO")),  # one alias, two entities
    ("the Washington Post reported", ()),  # an outlet stands for nobody
    ("us and them", ()),  # acronyms match in capitals only
    ("ein Kremlkritiker", ()),  # a critic is no part of the Kremlin
])
def test_keys_in(text: str, keys: tuple[str, ...]) -> None:
    assert keys_in(text) == keys


def test_people_can_be_left_out() -> None:
    assert keys_in("Putin und die NATO", people=False) == ("NATO",)


def test_table_is_complete_enough() -> None:
    entities = table().entities
    assert len(entities) >= 30
    assert (entity("KR").label_de, entity("KR").label_en) == ("Südkorea", "South Korea")
    for key in ("RU", "US", "KP", "KR", "UA", "NATO", "EU", "UN", "CN", "DE", "GB", "IL", "IR"):
        assert key in entities


@pytest.mark.parametrize(("question", "language", "key"), [
    ("What does Russia say?", "en", "RU"),
    ("Was sagt Moskau?", "de", "RU"),
    ("What does the Kremlin claim?", "en", "RU"),
    ("What does the Kremlin say?", "en", "RU"),
    ("Was sagt die NATO?", "de", "NATO"),
    ("What does the US say?", "en", "US"),
    ("Wie reagiert Südkorea?", "de", "KR"),
    ("Was sagt die russische Regierung?", "de", "RU"),
    ("What do officials in Kyiv say about the troops?", "en", "UA"),
    ("Was sagt die NATO zu Russland?", "de", "NATO"),  # Russland is the topic
    ("What is Pyongyang's position on the reports?", "en", "KP"),
    ("Was sagt Peskow über die USA?", "de", None),  # a person speaks, the USA are the topic
    ("Wie viele Soldaten sind in Russland?", "de", None),  # no statement asked for
    ("Was sagt der Bürgermeister?", "de", None),  # no entity
    ("was sagt die us-regierung", "de", "US"),  # an acronym typed in lower case
    ("was sagt die eu-kommission", "de", "EU"),
    ("what does the us say", "en", None),  # "us" alone is a pronoun
])
def test_entity_asked(question: str, language: str, key: str | None) -> None:
    assert entity_asked(question, language) == key


@pytest.mark.parametrize(("question", "name"), [
    ("Was sagt Peskow?", "Peskow"),
    ("What did Dmitry Peskov say about Kursk?", "Dmitry Peskov"),
    ("Was sagt Putin?", "Putin"),  # a person of the table is asked as a person
    ("Was sagt Moskau?", None),
    ("What does the US say?", None),
    ("was sagt peskow", "peskow"),  # typed all in lower case
])
def test_person_asked(question: str, name: str | None) -> None:
    assert person_asked(question, "de") == name
