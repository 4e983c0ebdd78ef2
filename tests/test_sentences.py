"""Sentence splitting that survives German dates, numbers, abbreviations and quotes."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from bot.sentences import sentence_spans, split_sentences


def sentences(text: str, language: str = "de") -> list[str]:
    return [text[s.start:s.end] for s in split_sentences(text, language)]


def test_dates_and_numbers_do_not_split() -> None:
    text = ("Dieser Artikel erschien am Dienstag, den 22.10. und wurde am Mittwoch "
            "aktualisiert. Am Freitag hieß es, 1.500 Soldaten würden ausgebildet.")
    assert sentences(text) == [
        "Dieser Artikel erschien am Dienstag, den 22.10. und wurde am Mittwoch aktualisiert.",
        "Am Freitag hieß es, 1.500 Soldaten würden ausgebildet.",
    ]


def test_abbreviations_and_initials() -> None:
    text = "Es gibt z. B. Minenräumgerät. Laut J. R. R. Tolkien und Dr. Müller stimmt das. Ende."
    assert sentences(text) == [
        "Es gibt z. B. Minenräumgerät.",
        "Laut J. R. R. Tolkien und Dr. Müller stimmt das.",
        "Ende.",
    ]


def test_ordinals_before_months() -> None:
    assert sentences("Das war am 3. Oktober 2024. Dann kam er.") == [
        "Das war am 3. Oktober 2024.", "Dann kam er."]


def test_question_inside_german_quotes_stays_one_sentence() -> None:
    text = "Austin sagte: „Was genau tun sie dort? Das bleibt abzuwarten.“ Dann ging er."
    assert sentences(text) == [
        "Austin sagte: „Was genau tun sie dort? Das bleibt abzuwarten.“", "Dann ging er."]


def test_quote_then_new_sentence() -> None:
    text = "Das ist so. „Wir kommen“, sagt er."
    assert sentences(text) == ["Das ist so.", "„Wir kommen“, sagt er."]


def test_english_abbreviations() -> None:
    text = "U.S. officials said so. Mr. Smith went to Washington. Really?"
    assert sentences(text, "en") == [
        "U.S. officials said so.", "Mr. Smith went to Washington.", "Really?"]


def test_spans_are_verbatim_and_cover_all_words() -> None:
    text = "  Erster Satz.   Zweiter Satz!  Dritter ohne Punkt  "
    got = sentences(text)
    assert got == ["Erster Satz.", "Zweiter Satz!", "Dritter ohne Punkt"]
    assert " ".join(got).split() == text.split()


def test_empty_text() -> None:
    assert sentences("") == []
    assert sentences("   ") == []


_SPACED = st.text(st.sampled_from(["w", "ä", "–", " ", "\n", "\t", "\u00a0", "\u2003", "\x1c"]),
                  max_size=300)


@given(_SPACED)
@example("w\n" * 130)
@example("w\u00a0" * 121)
@example("w " * 119 + "w")
def test_a_paragraph_of_at_most_max_words_is_one_passage(text: str) -> None:
    from bot.passages import MAX_WORDS, _at_most_max_words, pieces

    assert _at_most_max_words(text) == (len(text.split()) <= MAX_WORDS)
    one = " ".join(["Wort"] * MAX_WORDS) + "."
    assert pieces(one, "de") == [(0, len(one), None)]
    longer = one.replace("Wort.", "Wort Wort. Noch ein Satz.")
    assert len(pieces(longer, "de")) == 2


@given(st.text(st.sampled_from("Ab. c? D! „E.“ 3.5 z. B. \n"), max_size=60))
def test_remembered_spans_are_the_split(text: str) -> None:
    assert sentence_spans(text, "de") == tuple(split_sentences(text, "de"))
    assert sentence_spans(text, "de") == tuple(split_sentences(text, "de"))  # remembered
