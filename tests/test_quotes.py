"""Quotations in a sentence: German, English and Swiss marks, nesting, open ends."""

from __future__ import annotations

import pytest

from bot.quotes import quotations, quoted_share, tokens


def quoted(text: str, language: str = "de") -> list[str]:
    return [text[s.start:s.end] for s in quotations(text, language)]


@pytest.mark.parametrize(("text", "language", "found"), [
    ("„Wir sind bereit“, sagte Lawrow, „aber nicht um jeden Preis.“", "de",
     ["„Wir sind bereit“", "„aber nicht um jeden Preis.“"]),
    ("„Er sagte mir: ‚Wir kommen nicht‘“, erzählt sie.", "de",
     ["„Er sagte mir: ‚Wir kommen nicht‘“"]),  # the inner quotation stays inside
    ('Lloyd Austin: "Was genau tun sie dort?"', "de", ['"Was genau tun sie dort?"']),
    ("»Nein«, sagte er.", "de", ["»Nein«"]),
    ("«Non», a-t-il dit.", "de", ["«Non»"]),
    ("“We are ready,” Smith said.", "en", ["“We are ready,”"]),
    ("Wir bleiben hier.“ Dann ging er.", "de", ["Wir bleiben hier.“"]),  # begins inside
    ("„Das geht so weiter", "de", ["„Das geht so weiter"]),  # left open
    ("Russia's army didn't say.", "en", []),  # apostrophes are no quotations
])
def test_quotations(text: str, language: str, found: list[str]) -> None:
    assert quoted(text, language) == found


def test_a_quotation_is_one_token() -> None:
    toks = tokens("„Wir sind bereit“, sagte Kremlsprecher Peskow.", "de")
    assert [(t.kind, t.text) for t in toks] == [
        ("quote", "„Wir sind bereit“"), ("punct", ","), ("word", "sagte"),
        ("word", "Kremlsprecher"), ("word", "Peskow"), ("punct", ".")]


def test_quoted_share() -> None:
    text = "„Dies sollte niemanden beunruhigen.“"
    assert quoted_share(text, quotations(text, "de")) == 1.0
    assert quoted_share("Kein Zitat.", []) == 0.0
