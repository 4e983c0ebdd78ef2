"""What the bot's articles are, from their metadata alone: counts, the newest, outlets, dates.

`/start`, `/sources`, `/about`, the prompt for small inputs and the example questions all
read a `Catalog`. It is made from each article's metadata record and passage count (never
its text), in one pass, keeping only bounded summaries (the newest `NEWEST` articles, the
`MAX_OUTLETS` outlets first seen), so it costs O(articles) time and O(1) memory: at a
million articles a few seconds in a worker thread, once per index version.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

NEWEST = 40  # articles kept for /sources and the example questions, newest first
MAX_OUTLETS = 10_000  # distinct outlets counted at most (a bound on memory)


class ArticleRecords(Protocol):
    """The part of the engine's store a catalog reads (bot.store.Store)."""

    @property
    def n_articles(self) -> int: ...

    @property
    def n_passages(self) -> int: ...

    def article_meta(self, number: int) -> dict[str, Any]: ...

    def passage_count(self, number: int) -> int: ...


@dataclass(frozen=True)
class Entry:
    """One article as the lists show it."""

    id: str
    title: str
    language: str
    source: str | None
    url: str | None
    published: dt.date | None
    updated: dt.date | None
    passages: int



@dataclass(frozen=True)
class Catalog:
    """Counts and bounded summaries of the articles of one index version."""

    articles: int = 0
    passages: int = 0
    newest: tuple[Entry, ...] = ()  # newest first; undated ones last
    first: dt.date | None = None  # the earliest article date
    last: dt.date | None = None  # the latest
    outlets: tuple[str, ...] = ()  # the most frequent first
    outlet_count: int = 0  # distinct outlets (up to MAX_OUTLETS)


def read_catalog(records: ArticleRecords) -> Catalog:
    """The catalog of every article in `records`, from metadata only (one pass; ISO dates
    compare as text, so only the newest NEWEST articles become `Entry` objects)."""
    outlets: Counter[str] = Counter()
    days: list[str] = []  # the earliest and the latest date seen, as text

    def keys() -> Iterator[tuple[bool, str, str, int]]:
        for number in range(records.n_articles):
            meta = records.article_meta(number)
            source, day = meta.get("source"), meta.get("published") or meta.get("updated")
            if isinstance(source, str) and source and (source in outlets
                                                       or len(outlets) < MAX_OUTLETS):
                outlets[source] += 1
            if isinstance(day, str) and day:
                days[:] = [min(days[0], day), max(days[1], day)] if days else [day, day]
            else:
                day = None
            yield (day is not None, day or "", str(meta.get("id", "")), number)

    newest = heapq.nlargest(NEWEST, keys())
    return Catalog(
        articles=records.n_articles,
        passages=records.n_passages,
        newest=tuple(_entry(records.article_meta(n), records.passage_count(n))
                     for *_, n in newest),
        first=_date(days[0]) if days else None,
        last=_date(days[1]) if days else None,
        outlets=tuple(name for name, _ in outlets.most_common(3)),
        outlet_count=len(outlets),
    )


def _entry(meta: dict[str, Any], passages: int) -> Entry:
    return Entry(
        id=str(meta.get("id", "")),
        title=str(meta.get("title") or meta.get("id") or ""),
        language=str(meta.get("language") or ""),
        source=meta.get("source") or None,
        url=meta.get("url") or None,
        published=_date(meta.get("published")),
        updated=_date(meta.get("updated")),
        passages=passages,
    )


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None
