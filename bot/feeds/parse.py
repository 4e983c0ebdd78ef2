"""Feed document -> ParsedFeed: RSS 0.9x/1.0/2.0 and Atom with feedparser, JSON Feed with
json (`jsonfeed`), news sitemaps with lxml (`sitemap`). No hand-written feed parsing.

feedparser is given the body as a stream, never as bytes or text: given a string or
bytes it first tries to *open a file of that name* (and a string that looks like a URL
it fetches itself), so a feed whose body is ``/etc/passwd`` would have been read from
disk. It resolves relative links against the feed's address (sent as
Content-Location), sanitises the entries' HTML, and refuses external entities; a
billion-laughs DTD stops at expat's amplification limit. A document that only parses
with feedparser's forgiving fallback is read and the forgiveness noted; one that yields
no feed at all is a FeedError.

What the format is: JSON when the server says so or the body starts with ``{``; a
sitemap when the root element is ``<urlset>`` (``<sitemapindex>`` is refused with its
first sitemap named); everything else goes to feedparser.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import time
from typing import Any

from bot.feeds import jsonfeed, sitemap
from bot.feeds.entries import Entry, Kind, ParsedFeed, guid_for, http_url
from bot.feeds.errors import FeedError
from bot.ingest.fetch import shown

JSON_TYPES = ("application/feed+json", "application/json")
MAX_ENTRIES = 500  # entries read from one document; the rest are ignored
_KINDS: dict[str, Kind] = {"atom": "atom", "rss": "rss"}


def parse_feed(body: bytes, url: str, content_type: str = "", charset: str | None = None,
               ) -> ParsedFeed:
    """The feed in `body`, fetched from `url`; raises FeedError."""
    where = shown(url)
    if content_type in JSON_TYPES or body.lstrip()[:1] == b"{":
        return jsonfeed.parse(body, url)
    root = sitemap.root_element(body)
    if root in ("urlset", "sitemapindex"):
        return sitemap.parse(body, url)
    return _feedparser(body, url, content_type, charset, where)


def _feedparser(body: bytes, url: str, content_type: str, charset: str | None,
                where: str) -> ParsedFeed:
    import feedparser

    header = content_type or "application/xml"
    if charset:
        header += f"; charset={charset}"
    parsed = feedparser.parse(io.BytesIO(body), sanitize_html=True, resolve_relative_uris=True,
                              response_headers={"content-type": header,
                                                "content-location": url})
    version = str(parsed.get("version") or "")
    if not version and not parsed.entries:
        problem = parsed.get("bozo_exception")
        why = f" ({str(problem)[:120]})" if problem else ""
        raise FeedError(f"{where}: not an RSS, Atom or JSON feed nor a news sitemap{why}; "
                        "follow the address of the site's feed")
    notes = (f"malformed, read leniently: {str(parsed.bozo_exception)[:120]}",) if (
        parsed.get("bozo") and parsed.get("bozo_exception") is not None) else ()
    feed = parsed.feed
    kind = _KINDS.get(version[:4], "rss")
    language = _text(feed.get("language"))
    made = (_entry(e, url, language) for e in parsed.entries[:MAX_ENTRIES])
    entries = tuple(e for e in made if e is not None)
    return ParsedFeed(kind, _text(feed.get("title")) or None, http_url(feed.get("link"), url),
                      language, entries, notes)


def _entry(e: Any, base: str, language: str | None) -> Entry | None:
    """The entry (None for one with neither link, title nor text: a broken fragment)."""
    link = http_url(e.get("link"), base)
    title = _text(e.get("title"))
    html, lang = _content(e)
    summary = _text(e.get("summary"))
    if not (link or title or html or summary):
        return None
    published = _when(dict.get(e, "published_parsed"))
    updated = _when(dict.get(e, "updated_parsed"))  # not e.get: it would give published
    return Entry(
        guid=guid_for(_text(e.get("id")), link, title, html or summary),
        link=link, title=title, html=html or summary or None, published=published,
        updated=updated, author=_text(e.get("author")) or None,
        language=lang or language,
    )


def _content(e: Any) -> tuple[str | None, str | None]:
    """The entry's richest content (HTML preferred) and its language."""
    contents = [c for c in e.get("content") or [] if c.get("value")]
    contents.sort(key=lambda c: "html" not in str(c.get("type", "")))
    if not contents:
        return None, None
    return str(contents[0]["value"]), _text(contents[0].get("language")) or None


def _when(value: Any) -> dt.datetime | None:
    if not isinstance(value, time.struct_time):
        return None
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(value), dt.UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if isinstance(value, str) else ""
