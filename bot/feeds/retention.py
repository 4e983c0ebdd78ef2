"""Retention: the articles that feeds made, removed when they are too old or too many.

Rules per feed (`max_age`, `max_articles` on the feed) or global (the poller's
settings): a feed's own `max_age` wins over the global one; a feed's `max_articles`
counts its own articles, the global one all articles of all feeds together. Age counts
from the article's `published` date, else from when its item was first seen; "too many"
keeps the newest.
An article that several feeds carry is removed only when it has expired for every one
of them. Only articles that feeds made are removed — never one that was in the folder
before (`newsbot add`'s) — and their items stay seen (marked removed), so the entry is
not fetched again while the feed still lists it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bot.feeds import articles
from bot.state import SeenItem, State

OWNED = ("page", "feed")


@dataclass(frozen=True)
class Rules:
    """Global retention: seconds an article is kept, and how many are kept (None: no rule)."""

    max_age: int | None = None
    max_articles: int | None = None


def apply(state: State, root: Path, now: dt.datetime, rules: Rules) -> tuple[str, ...]:
    """Remove what has expired; returns the removed article ids."""
    feeds = {f.id: f for f in state.feeds.list()}
    live = [i for i in state.items.list()
            if i.article_id and i.removed_at is None and i.feed_id in feeds]
    owned = {i.article_id for i in live if i.origin in OWNED and i.article_id}
    if not owned or not (rules.max_age or rules.max_articles or any(
            f.max_age or f.max_articles for f in feeds.values())):
        return ()
    by_feed: dict[int, list[SeenItem]] = defaultdict(list)
    for item in live:
        by_feed[item.feed_id].append(item)
    expired: dict[str, list[bool]] = defaultdict(list)
    for feed_id, kept in by_feed.items():
        feed = feeds[feed_id]
        rule = _expired(kept, feed.max_age or rules.max_age, feed.max_articles, now)
        for article_id, gone in rule.items():
            expired[article_id].append(gone)
    overall = _expired(live, None, rules.max_articles, now) if rules.max_articles else {}
    removed = []
    for article_id in sorted(owned):
        if not (all(expired[article_id]) or overall.get(article_id)):
            continue
        gone = articles.remove_article(root, article_id)
        if gone or not articles.path_of(root, article_id).exists():
            state.items.removed(article_id, now)
            removed.append(article_id)
    return tuple(removed)


def _expired(items: list[SeenItem], max_age: int | None, max_articles: int | None,
             now: dt.datetime) -> dict[str, bool]:
    """Article id -> whether it is older than `max_age` seconds or beyond the newest
    `max_articles`."""
    born: dict[str, tuple[dt.datetime, dt.datetime]] = {}
    for item in items:
        assert item.article_id is not None
        when = _born(item)
        born[item.article_id] = min(born.get(item.article_id, when), when)
    newest = sorted(born, key=lambda a: (born[a], a), reverse=True)
    out = {}
    for rank, article_id in enumerate(newest):
        age = now - born[article_id][0]
        old = max_age is not None and age > dt.timedelta(seconds=max_age)
        many = max_articles is not None and rank >= max_articles
        out[article_id] = old or many
    return out


def _born(item: SeenItem) -> tuple[dt.datetime, dt.datetime]:
    """(when the article appeared: its published day, else when first seen; and the
    entry's own time, to order one day's articles)."""
    exact = item.updated or item.seen_at
    if item.published is None:
        return item.seen_at, exact
    day = item.published
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC), exact
