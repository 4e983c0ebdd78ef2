"""A followed feed in words, for ``newsbot feeds`` and the bot's /feeds: its address and
interval, last fetch, last new item, articles, and what went wrong (plain text; a
front end that renders HTML escapes it)."""

from __future__ import annotations

import datetime as dt

from bot.feeds.schedule import format_interval
from bot.state import FeedRecord, SeenItem


def feed_lines(feed: FeedRecord, items: list[SeenItem], now: dt.datetime) -> list[str]:
    """Two or three lines about `feed` (`items`: its seen items)."""
    title = f"  {feed.title}" if feed.title else ""
    articles = len({i.article_id for i in items if i.article_id and i.removed_at is None})
    failed = [i for i in items if i.article_id is None and i.error]
    facts = [f"last fetch {_when(feed.last_fetch)}", f"last new item {_when(feed.last_new_item)}",
             f"{articles} article(s)"]
    if feed.next_fetch is not None:
        facts.append(f"next {_when(max(feed.next_fetch, now))}")
    if feed.max_age or feed.max_articles:
        kept = [f"{format_interval(feed.max_age)}" if feed.max_age else "",
                f"{feed.max_articles} newest" if feed.max_articles else ""]
        facts.append("keeps " + " and ".join(k for k in kept if k))
    lines = [f"{feed.id}  every {format_interval(feed.interval)}  {feed.url}{title}",
             "   " + " · ".join(facts)]
    if feed.error:
        tries = f" ({feed.failures} failure(s) in a row)" if feed.failures else ""
        wait = (f"; no request before {_when(feed.backoff_until)} (Retry-After)"
                if feed.backoff_until and feed.backoff_until > now else "")
        lines.append(f"   {'error' if feed.failures else 'warning'}: {feed.error}{tries}{wait}")
    if failed:
        lines.append(f"   {len(failed)} item(s) without article; last: {failed[-1].error}")
    return lines


def _when(moment: dt.datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "never"
