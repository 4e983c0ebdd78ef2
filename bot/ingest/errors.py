"""Errors of adding articles: each message names the source, the problem and the fix."""

from __future__ import annotations

from bot.errors import NewsbotError

PRIVATE_FIX = (
    "if this is an intranet or test server you trust, allow private networks "
    "(--allow-private-networks, NEWSBOT_ALLOW_PRIVATE_NETWORKS=1 or "
    "`allow_private_networks: true` in the config)"
)


class IngestError(NewsbotError):
    """A source that could not be turned into an article."""


class UnsafeURLError(IngestError):
    """A URL the bot must not fetch: a scheme other than http(s) or a non-public address."""


class FetchError(IngestError):
    """The page could not be fetched: network error, timeout, size, status or content type."""


class ExtractError(IngestError):
    """The page or file holds no article text that can be used."""
