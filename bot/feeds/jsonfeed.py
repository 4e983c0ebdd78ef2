"""JSON Feed 1.0 / 1.1 (https://jsonfeed.org/version/1.1) -> ParsedFeed, with json.

feedparser does not read JSON Feed; it is plain JSON, read with the standard library.
Items need an ``id`` (a string or number); ``url`` (else ``external_url``) is the
article's page, relative to the feed's address; ``content_html`` / ``content_text`` /
``summary`` the entry's own text; ``date_published`` / ``date_modified`` RFC 3339;
``authors`` (1.1) or ``author`` (1.0); ``language`` of the item or the feed (1.1).
"""

from __future__ import annotations

from typing import Any

from bot.feeds.entries import Entry, ParsedFeed, guid_for, http_url, iso_datetime
from bot.feeds.errors import FeedError
from bot.ingest.fetch import shown

MAX_ENTRIES = 500


def parse(body: bytes, url: str) -> ParsedFeed:
    """The JSON Feed in `body`; raises FeedError."""
    import json

    where = shown(url)
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        raise FeedError(f"{where}: not a JSON feed ({str(err)[:120]}); "
                        "follow the address of the site's feed") from None
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith(
            "https://jsonfeed.org/version/"):
        raise FeedError(f"{where}: JSON, but not a JSON Feed (no jsonfeed.org version); "
                        "follow the address of the site's feed")
    items = data.get("items")
    if not isinstance(items, list):
        raise FeedError(f"{where}: a JSON Feed without an items list")
    language = _str(data.get("language")) or None
    entries = tuple(e for e in (_entry(i, url, language) for i in items[:MAX_ENTRIES]) if e)
    return ParsedFeed("json", _str(data.get("title")) or None,
                      http_url(data.get("home_page_url"), url), language, entries)


def _entry(item: Any, base: str, language: str | None) -> Entry | None:
    if not isinstance(item, dict):
        return None
    raw_id = item.get("id")
    ident = str(raw_id) if isinstance(raw_id, str | int) and not isinstance(raw_id, bool) else ""
    link = http_url(item.get("url"), base) or http_url(item.get("external_url"), base)
    title = _str(item.get("title"))
    html = _str(item.get("content_html"), join=False) or None
    text = _str(item.get("content_text"), join=False) or None
    if html is None and text is None:
        html = _str(item.get("summary")) or None
    if not (ident or link or title or html or text):
        return None
    return Entry(
        guid=guid_for(ident, link, title, html or text or ""), link=link, title=title,
        html=html, text=text, published=iso_datetime(item.get("date_published")),
        updated=iso_datetime(item.get("date_modified")), author=_author(item),
        language=_str(item.get("language")) or language,
    )


def _author(item: dict[str, Any]) -> str | None:
    authors = item.get("authors")
    if not isinstance(authors, list):
        authors = [item.get("author")]
    names = [_str(a.get("name")) for a in authors if isinstance(a, dict)]
    return ", ".join(n for n in names if n) or None


def _str(value: Any, join: bool = True) -> str:
    if not isinstance(value, str):
        return ""
    return " ".join(value.split()) if join else value.strip()
