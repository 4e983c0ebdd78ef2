"""The followed feeds: adding, removing, listing, and recording each fetch's outcome.

What the outcome means for the schedule (jitter, back-off, Retry-After) is decided by
`bot.feeds.schedule`; this module only keeps it.
"""

from __future__ import annotations

import builtins
import datetime as dt
from typing import Any

from sqlalchemy import Engine, Row, delete, or_, select

from bot.state.records import FeedRecord, clipped, new_id
from bot.state.schema import feeds, items

MAX_URL = 2000  # characters of a feed's URL


class Feeds:
    """The `feeds` table."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, url: str, interval: int, *, max_age: int | None = None,
            max_articles: int | None = None, now: dt.datetime) -> FeedRecord:
        """Follow `url` (a feed followed already gets the new interval and limits)."""
        values = {"interval_seconds": interval, "max_age_seconds": max_age,
                  "max_articles": max_articles}
        with self._engine.begin() as conn:
            found = conn.execute(select(feeds.c.id).where(feeds.c.url == url)).scalar()
            if found is None:
                found = new_id(conn.execute(feeds.insert().values(
                    url=url, added=now, failures=0, **values)))
            else:
                conn.execute(feeds.update().where(feeds.c.id == found).values(**values))
            return _record(conn.execute(select(feeds).where(feeds.c.id == found)).one())

    def get(self, feed_id: int) -> FeedRecord | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(feeds).where(feeds.c.id == feed_id)).first()
        return _record(row) if row else None

    def find(self, url_or_id: str) -> FeedRecord | None:
        """The feed with this URL, or this number."""
        text = url_or_id.strip()
        with self._engine.connect() as conn:
            condition = feeds.c.url == text
            if text.isdigit() and len(text) < 12:
                condition = or_(condition, feeds.c.id == int(text))
            row = conn.execute(select(feeds).where(condition).order_by(feeds.c.id)).first()
        return _record(row) if row else None

    def list(self) -> builtins.list[FeedRecord]:
        """Every followed feed, in the order they were added."""
        with self._engine.connect() as conn:
            return [_record(r) for r in conn.execute(select(feeds).order_by(feeds.c.id))]

    def remove(self, feed_id: int) -> bool:
        """Stop following a feed and forget its items (their articles stay)."""
        with self._engine.begin() as conn:
            conn.execute(delete(items).where(items.c.feed_id == feed_id))
            return bool(conn.execute(delete(feeds).where(feeds.c.id == feed_id)).rowcount)

    def succeeded(self, feed_id: int, *, at: dt.datetime, next_fetch: dt.datetime,
                  validators: tuple[str | None, str | None] | None,
                  title: str | None = None, new_item: bool = False,
                  warning: str | None = None) -> None:
        """A fetch that worked: errors cleared (or set to `warning`: a malformed feed read
        leniently), the next one scheduled; `validators` (ETag, Last-Modified) replace
        the stored ones unless None (the round left items over, so the next fetch must
        not be answered 304)."""
        values: dict[str, Any] = {"last_fetch": at, "next_fetch": next_fetch, "failures": 0,
                                  "error": clipped(warning, 1000) if warning else None,
                                  "error_at": at if warning else None, "backoff_until": None}
        if validators is not None:
            values["etag"], values["last_modified"] = validators
        if title:
            values["title"] = clipped(title, 300)
        if new_item:
            values["last_new_item"] = at
        self._update(feed_id, values)

    def failed(self, feed_id: int, *, at: dt.datetime, error: str, next_fetch: dt.datetime,
               backoff_until: dt.datetime | None, failures: int) -> None:
        """A fetch that failed, with its reason and the back-off it earned."""
        self._update(feed_id, {"last_fetch": at, "next_fetch": next_fetch,
                               "backoff_until": backoff_until, "failures": failures,
                               "error": clipped(error, 1000), "error_at": at})

    def _update(self, feed_id: int, values: dict[str, Any]) -> None:
        with self._engine.begin() as conn:
            conn.execute(feeds.update().where(feeds.c.id == feed_id).values(**values))


def _record(row: Row[Any]) -> FeedRecord:
    m = row._mapping
    return FeedRecord(
        id=m["id"], url=m["url"], title=m["title"], interval=m["interval_seconds"],
        etag=m["etag"], last_modified=m["last_modified"], last_fetch=m["last_fetch"],
        last_new_item=m["last_new_item"], next_fetch=m["next_fetch"],
        backoff_until=m["backoff_until"], failures=m["failures"], error=m["error"],
        error_at=m["error_at"], max_age=m["max_age_seconds"], max_articles=m["max_articles"],
        added=m["added"],
    )
