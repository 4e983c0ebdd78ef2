"""Question analysis: language, kind and focus words."""

from __future__ import annotations

import pytest

from bot.query import GUESSED_PART_TRUST, build_query
from bot.question import analyse


@pytest.mark.parametrize(
    ("text", "language"),
    [("Wie viele Soldaten?", "de"), ("how many soldiers?", "en"), ("Was sagt Russland?", "de"),
     ("what does Russia say?", "en"), ("Soldaten", "de"), ("soldiers", "en"),
     ("Wetter in Berlin", "de"), ("cake recipe", "en"), ("Warum hilft Nordkorea?", "de")],
)
def test_language(text: str, language: str) -> None:
    assert analyse(text).language == language


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Wie viele Soldaten?", "count"), ("Wieviele Soldaten?", "count"),
        ("how many soldiers?", "count"), ("How much money?", "count"),
        ("Wann besuchte Putin Pjöngjang?", "time"), ("When did Putin visit?", "time"),
        ("In welchem Jahr?", "time"),
        ("Wer ist Peskow?", "person"), ("Who is Peskov?", "person"),
        ("Wie heißt der Sprecher?", "person"),
        ("Wo kämpfen sie?", "place"), ("Where do they fight?", "place"),
        ("Was sagt Russland?", "statement"), ("what does Russia say?", "statement"),
        ("Was dementiert der Kreml?", "statement"), ("Does Moscow deny it?", "statement"),
        ("Warum hilft Nordkorea?", "reason"), ("Why does North Korea help?", "reason"),
        ("Was liefert Nordkorea?", "other"), ("Hwasong-11", "other"),
    ],
)
def test_kind(text: str, kind: str) -> None:
    assert analyse(text).kind == kind


def test_focus_drops_question_and_stop_words() -> None:
    assert analyse("Wie viele Soldaten schickt Nordkorea?").focus == (
        "Soldaten", "schickt", "Nordkorea")
    assert analyse("how many soldiers are there?").focus == ("soldiers",)


def test_statement_questions_drop_the_generic_verb() -> None:
    assert analyse("Was sagt Russland?").focus == ("Russland",)
    assert analyse("What did Peskov say?").focus == ("Peskov",)
    assert analyse("Was sagt er?").focus == ("sagt",)  # nothing else to search for


def test_separable_particle() -> None:
    assert analyse("Wann treffen die Soldaten ein?").particle == "ein"
    assert analyse("Wann treffen die Soldaten?").particle is None


def test_one_word_questions_are_searched_in_both_languages() -> None:
    from bot.query import build_query

    [group] = build_query(analyse("soldiers"), "de")
    assert "soldat" in group.terms
    [group] = build_query(analyse("Soldaten"), "de")
    assert group.terms[0] == "soldat"


def test_a_query_typed_in_lower_case_looks_for_the_parts_of_its_nouns() -> None:
    # "peskow nordkorea": typed in chat, its nouns are not capitalised, but a passage that
    # says "Volksrepublik Korea" must still be found through the part of Nordkorea
    def parts(text: str) -> dict[str, tuple[float, ...]]:
        return {g.terms[0]: g.trust for g in build_query(analyse(text), "de") if g.part}

    assert parts("Peskow Nordkorea")["korea"] == ()  # a capitalised noun's part: sure
    assert parts("peskow nordkorea")["korea"] == (GUESSED_PART_TRUST,)  # guessed: less so
    assert "korea" not in parts("Was sagt Peskow über nordkorea?")  # written with care
    assert not parts("soldaten kursk")  # no compound: nothing added
