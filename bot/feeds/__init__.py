"""Follow news feeds: RSS 0.9x/1.0/2.0, Atom, JSON Feed and news sitemaps, polled politely
into the knowledge folder.

The pipeline, one module a stage::

    feed URL ──fetch (conditional GET, guards)──▶ body ──parse──▶ ParsedFeed(Entry …)
    Entry ──importing: dedupe, page fetch + extract (else content)──▶ article file (articles)
    round ──polling.Poller: threads, caps, schedule (back-off), retention──▶ PollReport

`follow` / `unfollow` (following) keep the feeds in the state database (bot.state);
`Poller(state, knowledge).poll()` runs one round (``newsbot feeds --poll-once``) and
`await poller.poll_due(now)` one without blocking the event loop (the bot's JobQueue).
"""

from __future__ import annotations

from bot.feeds.entries import Entry, ParsedFeed
from bot.feeds.errors import FeedError
from bot.feeds.following import Followed, follow, unfollow
from bot.feeds.parse import parse_feed
from bot.feeds.polling import FEED, Poller, PollSettings
from bot.feeds.report import FeedReport, PollReport
from bot.feeds.retention import Rules
from bot.feeds.schedule import DEFAULT_INTERVAL, format_interval, parse_interval

__all__ = [
    "DEFAULT_INTERVAL",
    "FEED",
    "Entry",
    "FeedError",
    "FeedReport",
    "Followed",
    "ParsedFeed",
    "PollReport",
    "PollSettings",
    "Poller",
    "Rules",
    "follow",
    "format_interval",
    "parse_feed",
    "parse_interval",
    "unfollow",
]
