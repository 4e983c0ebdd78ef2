"""Errors of following feeds: each message names the feed and what to do."""

from __future__ import annotations

from bot.errors import NewsbotError


class FeedError(NewsbotError):
    """A feed that cannot be read (not a feed, broken beyond repair, a sitemap index), or a
    follow/unfollow request that cannot be done."""
