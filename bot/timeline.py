"""How a figure developed across articles: one entry per distinct figure, in date order.

    dated(figures, published, article_id) -> list[Dated]   # an article's figures, dated
    timeline(items) -> list[TimelineEntry]

Figures are the same when number, qualifier and claimant agree (qualifiers by what they
say: "etwa", "rund" and "about" alike; claimants compared without case); the first by
date is kept, with its article. Entries are ordered by the article's date (undated ones
last), then as given. `revises` is the claimant's previous figure when it gave another
number before ("NIS: 1.500" on 18 October, "NIS: 11.000" on 30 October); `reactions`
are the confirmations, non-confirmations and denials found in the figure's own article
(`bot.figures.reactions`). A figure with no claimant (the article's own voice) revises
nothing. One claimant in two spellings ("Kyrylo Budanow", "Kyrylo Budanov": the same
`bot.speakers.skeleton`) is one; claimants named differently ("NIS", "South
Korea's National Intelligence Service") are two.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from bot.figures import ArticleFigure, Figure, Reaction, qualifier_class
from bot.speakers import skeleton


@dataclass(frozen=True)
class Dated:
    """A figure with the article it is from and that article's date."""

    figure: Figure
    published: dt.date | None
    article_id: str
    reactions: tuple[Reaction, ...] = ()


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the timeline."""

    figure: Figure
    published: dt.date | None
    article_id: str
    revises: Figure | None = None
    reactions: tuple[Reaction, ...] = ()


def dated(figures: Iterable[ArticleFigure], published: dt.date | None,
          article_id: str) -> list[Dated]:
    return [Dated(f.figure, published, article_id, f.reactions) for f in figures]


def _same(a: str, b: str) -> bool:
    """One claimant in two spellings ("Kyrylo Budanow", "Kyrylo Budanov")?"""
    x, y = [skeleton(w) for w in a.split()], [skeleton(w) for w in b.split()]
    return x == y


class _Claimants:
    """Claimants by the first spelling seen."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, figure: Figure) -> str | None:
        if not figure.claimant:
            return None
        found = next((c for c in self.seen if _same(c, figure.claimant)), None)
        if found is None:
            self.seen.append(figure.claimant)
            found = figure.claimant
        return found.casefold()


def timeline(items: Iterable[Dated]) -> list[TimelineEntry]:
    """The distinct figures in date order, each marked with what it revises."""
    order = sorted(enumerate(items), key=lambda p: (p[1].published is None,
                                                    p[1].published or dt.date.min, p[0]))
    seen: set[tuple[float, str | None, str | None]] = set()
    last: dict[str, Figure] = {}
    claimant = _Claimants()
    out = []
    for _, item in order:
        f = item.figure
        who = claimant(f)
        key = (f.number, qualifier_class(f.qualifier), who)
        if key in seen:
            continue
        seen.add(key)
        before = last.get(who) if who else None
        revises = before if before is not None and before.number != f.number else None
        if who:
            last[who] = f
        out.append(TimelineEntry(f, item.published, item.article_id, revises, item.reactions))
    return out
