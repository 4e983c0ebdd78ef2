"""The rows of the state database as frozen dataclasses (no I/O here)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

MAX_KEY = 1000  # characters of an indexed key; longer ones are stored as their hash
MAX_TEXT = 4000  # characters of a question or an error kept


def key(value: str) -> str:
    """`value` as an indexed key: itself, or 'sha256:…' when longer than MAX_KEY."""
    if len(value) <= MAX_KEY:
        return value
    return "sha256:" + hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()


def new_id(result: Any) -> int:
    """The primary key an INSERT's result made."""
    made = result.inserted_primary_key
    assert made is not None and made[0] is not None
    return int(made[0])


def clipped(text: str, limit: int = MAX_TEXT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class FeedRecord:
    """A followed feed and how its fetching goes."""

    id: int
    url: str
    title: str | None
    interval: int  # seconds between fetches
    etag: str | None
    last_modified: str | None
    last_fetch: dt.datetime | None
    last_new_item: dt.datetime | None
    next_fetch: dt.datetime | None  # None: due now
    backoff_until: dt.datetime | None  # Retry-After: not even a forced poll asks before
    failures: int
    error: str | None
    error_at: dt.datetime | None
    max_age: int | None  # seconds an article is kept (None: the global rule, or always)
    max_articles: int | None
    added: dt.datetime


@dataclass(frozen=True)
class SeenItem:
    """One entry of a feed, seen, and the article it became (or why it did not)."""

    id: int
    feed_id: int
    guid: str
    link: str | None  # URL key of the entry's link
    canonical: str | None  # URL key of the article's canonical URL
    content_hash: str | None  # of the article's body as written
    entry_hash: str | None  # of the entry's title and text in the feed
    article_id: str | None
    origin: str | None  # "page"/"feed": it made the article from that; "linked": it found it
    published: dt.date | None
    updated: dt.datetime | None
    seen_at: dt.datetime
    changed_at: dt.datetime | None
    removed_at: dt.datetime | None
    error: str | None
    attempts: int


@dataclass(frozen=True)
class ChatSettings:
    """One chat's choices; None means "the default"."""

    chat_id: int
    autoanswer: bool | None = None
    language: str | None = None


@dataclass(frozen=True)
class Context:
    """What a reply to one of the bot's messages follows up on."""

    question: str
    article_ids: tuple[str, ...]
    at: dt.datetime
    previous_question: str | None = None  # the exchange `question` itself followed up on
    previous_article_ids: tuple[str, ...] = ()
    asker: int | None = None


@dataclass(frozen=True)
class Watch:
    """A question a chat watches, and the fingerprint of the last answer it was sent."""

    id: int
    chat_id: int
    question: str
    fingerprint: str | None
    created: dt.datetime
    notified: dt.datetime | None


@dataclass(frozen=True)
class LoggedQuestion:
    """A question asked, whether something was found, and the passage quoted first."""

    id: int
    question: str
    found: bool
    passage_id: str | None
    at: dt.datetime


@dataclass(frozen=True)
class Vote:
    """A 👍 (+1) or 👎 (-1) under an answer."""

    id: int
    chat_id: int
    message_id: int
    question: str
    passage_id: str | None
    vote: int
    at: dt.datetime
