"""Figures for count questions: the number bound to what is counted, its qualifier,
status and claimant, and who confirms or contests it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.figures import (
    Figure,
    article_figures,
    counted_noun,
    disagreements,
    figures_in,
    parse_number,
    qualifier_class,
    reactions,
)
from bot.knowledge import bundled_knowledge, load_yaml
from bot.speech import Attribution

ARTICLES = Path(__file__).parent / "articles"


def paragraphs(path: Path) -> tuple[list[str], str]:
    article = load_yaml(path)
    return [p.text for p in article.paragraphs], article.language


def soldiers(word: str) -> bool:
    """The focus noun and its synonyms, as the engine would give them."""
    return bool(re.match(r"(?i)(soldat|soldier|troop|truppe)", word))


def test_bundled_article_figures_and_their_non_confirmation() -> None:
    paras, language = paragraphs(bundled_knowledge() / "nordkorea-soldaten-russland.yaml")
    found = article_figures(paras, language, "Soldaten")
    assert [(f.paragraph, f.figure) for f in found] == [
        (0, Figure("1.500", 1500, None, "reported", "NIS", (347, 352),
                   "würden in Russland ausgebildet")),
        (3, Figure("12.000", 12000, "bis zu", "planned", "NIS", (7, 13),
                   "sollen es laut dem NIS werden")),
    ]
    assert paras[0][347:352] == "1.500" and paras[3][7:13] == "12.000"
    assert found[0].reactions == ()
    [unconfirmed] = found[1].reactions
    assert (unconfirmed.parties, unconfirmed.speaks_for, unconfirmed.stance) == (
        ("Pentagon", "NATO"), ("US", "NATO"), "unconfirmed")
    assert paras[3][unconfirmed.sentence.start:unconfirmed.sentence.end].startswith(
        "Weder das Pentagon noch die NATO")
    assert disagreements(paras, language, "Soldaten") == [unconfirmed]


def test_german_article_figures() -> None:
    paras, language = paragraphs(ARTICLES / "kreml-dementi.de.yaml")
    found = article_figures(paras, language, soldiers)
    assert [(f.figure.value, f.figure.qualifier, f.figure.status, f.figure.claimant,
             [(r.parties, r.stance) for r in f.reactions]) for f in found] == [
        ("3.000", None, "reported", "Reuters", []),  # laut einem Bericht der … Reuters
        ("5.000", "rund", "reported", "HUR", []),  # … HUR zufolge
        ("10.000", "etwa", "reported", "Pentagon",
         [(("Verteidigungsministerium in Washington",), "confirmed")]),
        ("11.000", "mehr als", "reported", "NIS", [(("Moskau",), "denied")]),
        ("12.000", None, "planned", "Kyrylo Budanow", []),  # the interview's answer
    ]


def test_english_article_figures() -> None:
    paras, language = paragraphs(ARTICLES / "kremlin-denial.en.yaml")
    found = article_figures(paras, language, soldiers)
    assert [(f.figure.value, f.figure.number, f.figure.qualifier, f.figure.status,
             f.figure.claimant, [(r.parties, r.stance) for r in f.reactions])
            for f in found] == [
        ("10,000", 10000, "some", "reported", "Reuters", []),
        ("12,000", 12000, "up to", "planned", "South Korea's National Intelligence Service",
         [(("Pentagon spokesman",), "unconfirmed")]),  # "no evidence of that"
        ("11,000", 11000, "about", "reported", "Kyrylo Budanov", []),
    ]
    # "Russia denies that any … troops are fighting" denies no figure
    assert [r.parties for r in reactions(paras, language, soldiers)] == [
        ("Pentagon spokesman",)]


@pytest.mark.parametrize(("text", "language", "value", "qualifier", "status"), [
    ("Rund 1,5 Millionen Menschen sind geflohen.", "de", "1,5 Millionen", "rund", None),
    ("Mehr als 300 Soldaten sollen gefallen sein.", "de", "300", "mehr als", "reported"),
    ("Moskau dementiert, dass 3.000 Soldaten in Kursk sind.", "de", "3.000", None, "denied"),
    ("Das Pentagon bestätigte 2.000 Soldaten.", "de", "2.000", None, "confirmed"),
    ("Für die 2.000 Soldaten gibt es keine Beweise.", "de", "2.000", None, "unconfirmed"),
    ("Bis Dezember sollen 5.000 Soldaten entsandt werden.", "de", "5.000", None, "planned"),
    ("Zwei Soldaten wurden verletzt.", "de", "Zwei", None, None),
    ("Up to 12,000 soldiers will be sent.", "en", "12,000", "up to", "planned"),
    ("About 3,000 soldiers have not been confirmed.", "en", "3,000", "about", "unconfirmed"),
    ("Fewer than 100 soldiers were seen, the ministry said.", "en", "100", "fewer than",
     "reported"),
    ("Russia denies that 10,000 North Korean soldiers are there.", "en", "10,000", None,
     "denied"),
])
def test_figures_in(text: str, language: str, value: str, qualifier: str | None,
                    status: str | None) -> None:
    [f] = figures_in(text, language, soldiers if "Menschen" not in text else "Menschen")
    assert (f.value, f.qualifier, f.status, f.claimant) == (value, qualifier, status, None)
    assert text[f.span[0]:f.span[1]] == value


def test_a_number_must_be_bound_to_what_is_counted() -> None:
    text = "Am 3. Oktober waren seit 24 Jahren 1.500 Soldaten und 50 Panzer dort."
    assert [f.value for f in figures_in(text, "de", "Soldaten")] == ["1.500"]
    assert figures_in("Putin besuchte Pjöngjang zum ersten Mal seit 24 Jahren.", "de",
                      "Soldaten") == []


def test_a_range_gives_both_numbers() -> None:
    found = figures_in("Zwischen 10.000 und 12.000 Soldaten sind es, sonst 50 bis 70 Soldaten.",
                       "de", "Soldaten")
    assert [(f.value, f.qualifier) for f in found] == [
        ("10.000", "zwischen"), ("12.000", None), ("50", None), ("70", None)]


def test_claimant_from_the_attribution() -> None:
    nis = Attribution("NIS", "südkoreanische Geheimdienst", ("KR",), "reported")
    [f] = figures_in("Am Freitag hieß es, 1.500 Soldaten würden ausgebildet.", "de",
                     "Soldaten", nis)
    assert (f.claimant, f.status) == ("NIS", "reported")
    [g] = figures_in("Dort sind 1.500 Soldaten.", "de", "Soldaten", nis)
    assert g.status == "reported"  # a speaker's figure is reported at least


@pytest.mark.parametrize(("value", "language", "number"), [
    ("1.500", "de", 1500), ("12.000", "de", 12000), ("1,5 Millionen", "de", 1.5e6),
    ("2,5", "de", 2.5), ("12 000", "de", 12000), ("12,000", "en", 12000),
    ("1.5 million", "en", 1.5e6), ("zwei", "de", 2), ("twelve", "en", 12),
])
def test_parse_number(value: str, language: str, number: float) -> None:
    assert parse_number(value, language) == number


def test_counted_noun_and_qualifier_class() -> None:
    counted = counted_noun("Soldaten")
    assert counted("Soldat") and counted("Soldaten") and not counted("Solidarität")
    assert qualifier_class("rund") == qualifier_class("about") == "about"
    assert qualifier_class("bis zu") == qualifier_class("up to") == "at most"
    assert qualifier_class(None) is None
