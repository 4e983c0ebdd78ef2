"""Which judged candidates make the answer, and in what order.

The best-ranked candidate decides whether the question is answered (its confidence
against confidence.THRESHOLD). The snippets shown are the candidates that are sure
enough themselves; among those that answer about as well as the best (their ranking
score within COMPARABLE of it), the newer article comes first, an undated one last; a
question that asks for the current state ("aktuell", "latest", "inzwischen", ...)
puts the newest article first whatever its rank. Snippets of one article are kept
together, so a reader sees at once when two stories answer.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import TypeVar

COMPARABLE = 1.5  # ranking-score points within which two answers count as comparable
_CURRENT = re.compile(
    r"\b(aktuell\w*|derzeit\w*|zurzeit|momentan\w*|inzwischen|mittlerweile|neueste\w*|"
    r"jetzt|nun|noch|heute|latest|current\w*|now|newest|recent\w*|still|today|so\s+far|"
    r"bisher|bislang)\b", re.IGNORECASE)

T = TypeVar("T")


def asks_for_now(question: str) -> bool:
    """Does the question ask for the current state of something?"""
    return bool(_CURRENT.search(question))


def arrange(candidates: Sequence[T], score: Callable[[T], float],
            article: Callable[[T], str], date: Callable[[T], dt.date | None],
            newest_first: bool = False) -> list[T]:
    """The candidates (best-ranked first, all sure enough) in the order to show them."""
    if not candidates:
        return []
    best = score(candidates[0])

    def when(c: T) -> tuple[int, int]:
        d = date(c)
        return (1, d.toordinal()) if d is not None else (0, 0)

    if newest_first:
        lead = sorted(candidates, key=lambda c: when(c), reverse=True)  # stable: rank order
    else:
        close = [c for c in candidates if score(c) >= best - COMPARABLE]
        rest = [c for c in candidates if score(c) < best - COMPARABLE]
        lead = sorted(close, key=lambda c: when(c), reverse=True) + rest
    # keep each article's snippets together, articles in the order they first appear
    order: dict[str, int] = {}
    for c in lead:
        order.setdefault(article(c), len(order))
    return sorted(lead, key=lambda c: order[article(c)])
