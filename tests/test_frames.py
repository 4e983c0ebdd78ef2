"""The speech frame of one sentence, on its own (tests/test_speech.py has them in
articles, with speakers resolved)."""

from __future__ import annotations

import pytest

from bot.frames import frame_of, konjunktiv_i


@pytest.mark.parametrize(("sentence", "kind", "speaker", "context"), [
    ("„Wir sind bereit“, sagte Lawrow.", "direct", "Lawrow", False),
    ("Am Freitag hieß es, 1.500 Soldaten würden ausgebildet.", "reported", None, True),
    ("Eine zweite Entsendung werde erfolgen.", "reported", None, True),  # Konjunktiv I
    ("„Dies sollte niemanden beunruhigen.“", "direct", None, True),  # a quotation alone
    ("50 dieser Raketen sollen abgefeuert worden sein.", "reported", None, False),  # hearsay
    ("Mittlerweile ist bestätigt, dass Pjöngjang Raketen lieferte.", "article", None, False),
    ("Kim Jong-un hatte Putin Unterstützung zugesagt.", "article", None, False),
    ("Aus dem offiziellen Moskau sind Dementis zu vernehmen.", "reported",
     "offizielles Moskau", False),
])
def test_frame_of(sentence: str, kind: str, speaker: str | None, context: bool) -> None:
    frame = frame_of(sentence, "de")
    assert frame.kind == kind and frame.context == context
    assert (frame.mention.text if frame.mention else None) == speaker


def test_das_sagte_refers_back() -> None:
    frame = frame_of("Das sagte Peskow am Montag.", "de")
    assert frame.refers_back and frame.mention is not None and frame.mention.name == "Peskow"


@pytest.mark.parametrize(("word", "yes"), [
    ("sei", True), ("habe", True), ("mache", True), ("rechne", True), ("erfolge", True),
    ("große", False), ("letzte", False), ("würde", False), ("heute", False), ("Sache", False),
])
def test_konjunktiv_i(word: str, yes: bool) -> None:
    assert konjunktiv_i(word) == yes
