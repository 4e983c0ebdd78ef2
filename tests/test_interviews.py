"""Interview turns: labels that open a turn, the interviewer's questions, the guest's
answers, and the article's voice after the interview."""

from __future__ import annotations

from bot.interviews import Turn, turns
from bot.speech import attribute_article


def kinds(paragraphs: list[str]) -> list[tuple[str | None, str]]:
    speech = attribute_article(paragraphs, "de")
    return [(s.attribution.speaker, s.attribution.kind) for s in speech.sentences]


def test_turns_inside_paragraphs_and_an_outlet_that_asks() -> None:
    # a source that keeps no paragraph breaks: questions and answers run together
    paragraphs = [
        "Die Sozioökonomin Karin Heitzmann forscht seit Jahren zur Armut.",
        "STANDARD: Wer ist arm? Heitzmann: Es sind nicht immer dieselben Menschen. "
        "Aber immer dieselben Gruppen. STANDARD: Sie sagen, das ändert sich. Warum?",
        "Heitzmann: Weil die Löhne steigen.",
    ]
    assert kinds(paragraphs) == [
        (None, "article"),
        (None, "article"),  # STANDARD asks: the article's own voice
        ("Karin Heitzmann", "direct"),
        ("Karin Heitzmann", "direct"),  # the turn goes on
        (None, "article"),
        (None, "article"),
        ("Karin Heitzmann", "direct"),
    ]


def test_a_single_label_is_no_interview() -> None:
    paragraphs = ["Kritisch: Die Zahlen sind zu hoch.", "Der Rest bleibt gleich."]
    assert kinds(paragraphs) == [(None, "article"), (None, "article")]


def test_after_the_last_turn_the_article_speaks() -> None:
    sentences = [(0, "Frage: Wann?"), (1, "Antwort: Bald."), (1, "Sehr bald."),
                 (2, "Das Gespräch führte Anna Berg.")]
    assert turns(sentences, "de") == [Turn("Frage", "question"), Turn("Antwort", "answer"),
                                      Turn("Antwort", "answer"), None]


def test_labels_with_an_article_are_no_names() -> None:
    sentences = [(0, "Das Wichtigste: Es regnet."), (1, "Das Wichtigste: Es schneit.")]
    assert turns(sentences, "de") == [None, None]


def test_lines_with_labels_but_no_questions_are_no_interview() -> None:
    sentences = [(0, "Tore: Fröschl (25.), Hinum (28.)."), (1, "Tore: Alba (5.), Iniesta (30.).")]
    assert turns(sentences, "de") == [None, None]
