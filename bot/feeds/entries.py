"""A parsed feed and its entries, whatever the format was (frozen, no I/O)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

Kind = Literal["rss", "atom", "json", "sitemap"]


@dataclass(frozen=True)
class Entry:
    """One item of a feed: where its article is and what the feed itself says of it."""

    guid: str  # the entry's id; else its link; else a hash of its title and text
    link: str | None  # the article's page (an absolute http(s) URL), if any
    title: str
    html: str | None = None  # the entry's own content as HTML (RSS/Atom/JSON Feed)
    text: str | None = None  # ... or as plain text (JSON Feed content_text)
    published: dt.datetime | None = None
    updated: dt.datetime | None = None
    author: str | None = None
    language: str | None = None  # as the feed declares it ("de", "en-GB", …)

    @property
    def changed(self) -> dt.datetime | None:
        """When the feed says the entry last changed: updated, else published."""
        return self.updated or self.published

    def fingerprint(self) -> str:
        """A hash of the entry's title and text as the feed gives them (whitespace and
        case ignored), to notice an entry whose text changed."""
        digest = hashlib.sha256()
        for part in (self.title, self.html or "", self.text or ""):
            digest.update(re.sub(r"\s+", " ", part).strip().casefold().encode("utf-8"))
            digest.update(b"\0")
        return digest.hexdigest()


@dataclass(frozen=True)
class ParsedFeed:
    """A feed document: its title, language and entries (in the feed's order)."""

    kind: Kind
    title: str | None
    link: str | None
    language: str | None
    entries: tuple[Entry, ...]
    notes: tuple[str, ...] = ()  # what the parser had to forgive (malformed XML, …)


def guid_for(guid: str | None, link: str | None, title: str, body: str) -> str:
    """The entry's id: the feed's own, else its link, else a hash of what it says."""
    if guid and guid.strip():
        return guid.strip()
    if link:
        return link
    digest = hashlib.sha256(f"{title}\0{body}".encode("utf-8", "replace")).hexdigest()
    return f"sha256:{digest}"


def http_url(link: Any, base: str) -> str | None:
    """`link` as an absolute http(s) URL, resolved against `base`; None for anything else
    (another scheme, no link, over 2000 characters)."""
    if not isinstance(link, str) or not link.strip():
        return None
    try:
        absolute = urljoin(base, link.strip())
        scheme = urlsplit(absolute).scheme.lower()
    except ValueError:
        return None
    return absolute if scheme in ("http", "https") and len(absolute) <= 2000 else None


def iso_datetime(value: Any) -> dt.datetime | None:
    """An RFC 3339 / ISO 8601 date or datetime as aware UTC (a date is its midnight UTC; a
    time without zone is taken as UTC); None if unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
