"""Following and unfollowing a feed: the address checked and fetched once (is it a feed at
all?) before it is kept; its entries come in with the next poll."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.feeds.errors import FeedError
from bot.feeds.parse import parse_feed
from bot.feeds.polling import FEED
from bot.feeds.schedule import DEFAULT_INTERVAL
from bot.ingest.fetch import FetchSettings, fetch, shown
from bot.state import FeedRecord, State
from bot.state.feeds import MAX_URL

KIND_NAMES = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed", "sitemap": "news sitemap"}


@dataclass(frozen=True)
class Followed:
    """A feed now followed, and what its first fetch found."""

    feed: FeedRecord
    new: bool  # False: it was followed already (its interval and limits are updated)
    title: str | None
    kind: str  # "RSS", "Atom", "JSON Feed" or "news sitemap"
    entries: int


def follow(state: State, url: str, settings: FetchSettings, *,
           interval: int = DEFAULT_INTERVAL, max_age: int | None = None,
           max_articles: int | None = None, now: dt.datetime | None = None) -> Followed:
    """Fetch `url`, check that it is a feed, and follow it; raises FeedError or
    IngestError (not a feed, not allowed, not reachable)."""
    url = url.strip()
    if "://" not in url:
        url = f"https://{url}"
    if len(url) > MAX_URL:
        raise FeedError(f"{shown(url)}: an address over {MAX_URL} characters")
    page = fetch(url, settings, FEED)
    parsed = parse_feed(page.body, page.url, page.content_type, page.charset)
    before = state.feeds.find(url)
    record = state.feeds.add(url, interval, max_age=max_age, max_articles=max_articles,
                             now=now or dt.datetime.now(dt.UTC))
    return Followed(record, before is None, parsed.title, KIND_NAMES[parsed.kind],
                    len(parsed.entries))


def unfollow(state: State, url_or_id: str) -> FeedRecord:
    """Stop following a feed (by its address or number); its articles stay. Raises
    FeedError if no such feed is followed."""
    feed = state.feeds.find(url_or_id)
    if feed is None:
        raise FeedError(f"{shown(url_or_id.strip())}: no such feed is followed; "
                        "newsbot feeds lists them with their numbers")
    state.feeds.remove(feed.id)
    return feed

