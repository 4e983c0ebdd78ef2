"""A figure across articles: two reports of one story with changing figures at
different dates, listed in date order with their claimants and revisions."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from bot.figures import Figure, article_figures
from bot.knowledge import load_yaml
from bot.timeline import Dated, dated, timeline

ARTICLES = Path(__file__).parent / "articles"


def soldiers(word: str) -> bool:
    return bool(re.match(r"(?i)(soldat|soldier|troop|truppe)", word))


def story(*names: str) -> list[Dated]:
    items = []
    for name in names:
        article = load_yaml(ARTICLES / name)
        paras = [p.text for p in article.paragraphs]
        items += dated(article_figures(paras, article.language, soldiers), article.published,
                       article.id)
    return items


def test_two_articles_in_date_order_with_claimants_and_revision() -> None:
    # given newest first: the timeline puts the first report first
    entries = timeline(story("nordkorea-truppen-2.de.yaml", "nordkorea-truppen-1.de.yaml"))
    assert [(e.published, e.article_id, e.figure.claimant, e.figure.qualifier, e.figure.value,
             e.figure.status) for e in entries] == [
        (dt.date(2024, 10, 18), "nordkorea-truppen-1", "NIS", None, "1.500", "reported"),
        (dt.date(2024, 10, 30), "nordkorea-truppen-2", "Pentagon", "rund", "10.000",
         "confirmed"),
        (dt.date(2024, 10, 30), "nordkorea-truppen-2", "NIS", None, "11.000", "reported"),
    ]
    assert entries[2].revises is not None and entries[2].revises.value == "1.500"
    assert entries[0].revises is None and entries[1].revises is None
    [doubt] = entries[0].reactions  # the first report was not confirmed then
    assert (doubt.parties, doubt.speaks_for, doubt.stance) == (
        ("Sprecher des US-Verteidigungsministeriums",), ("US",), "unconfirmed")


def test_three_articles_in_two_languages() -> None:
    entries = timeline(story("kremlin-denial.en.yaml", "nordkorea-truppen-1.de.yaml",
                             "nordkorea-truppen-2.de.yaml", "kreml-dementi.de.yaml"))
    assert [(e.published.isoformat() if e.published else None, e.figure.claimant,
             e.figure.value) for e in entries] == [
        ("2024-10-18", "NIS", "1.500"),
        ("2024-10-30", "Pentagon", "10.000"),  # "rund 10.000"; "etwa 10.000" is the same
        ("2024-10-30", "NIS", "11.000"),
        ("2024-10-30", "Reuters", "3.000"),
        ("2024-10-30", "HUR", "5.000"),
        ("2024-10-30", "NIS", "11.000"),  # "mehr als 11.000" says more than "11.000"
        ("2024-10-30", "Kyrylo Budanow", "12.000"),
        ("2024-11-05", "Reuters", "10,000"),
        ("2024-11-05", "South Korea's National Intelligence Service", "12,000"),
        ("2024-11-05", "Kyrylo Budanov", "11,000"),
    ]
    reuters = entries[7]
    assert reuters.revises is not None and reuters.revises.value == "3.000"
    assert entries[5].revises is None  # same number as the NIS gave before
    budanov = entries[9]  # Budanow and Budanov are one claimant in two spellings
    assert budanov.revises is not None and budanov.revises.value == "12.000"


def test_undated_figures_come_last_and_duplicates_once() -> None:
    f = Figure("1.500", 1500, None, "reported", "NIS", (0, 5))
    g = Figure("1.500", 1500, None, "reported", "nis", (9, 14))
    entries = timeline([Dated(f, None, "b"), Dated(g, dt.date(2024, 1, 1), "a"),
                        Dated(f, dt.date(2024, 2, 1), "c")])
    assert [(e.article_id, e.figure.span) for e in entries] == [("a", (9, 14))]
