"""An entry's own text -> Draft, for when its page cannot be fetched or read.

The entry's HTML (feedparser has sanitised RSS/Atom content; JSON Feed's is not, so
scripts and styles are dropped here too) becomes paragraphs: each ``<p>``, list item,
quotation and preformatted block one, ``<h2>``…``<h6>`` the section of those after it;
HTML without such blocks, and plain text, split at blank lines. The article is the
feed's word only: its URL is the entry's link when that is on the feed's own site
(else none — a feed cannot vouch for another site's page), its outlet the feed's title
as `bot.ingest.site.outlet` shows it for the feed's host.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from bot.analysis import LANGUAGES
from bot.feeds.entries import Entry, ParsedFeed
from bot.ingest.draft import Draft
from bot.ingest.site import outlet, same_site
from bot.models import Paragraph

MIN_TEXT = 40  # characters of text below which an entry gives no article
_BLOCKS = {"p", "li", "blockquote", "pre", "dd", "figcaption"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_DROP = ("script", "style", "noscript", "template", "iframe", "object", "form")


def language(code: str | None) -> str | None:
    """'de-DE' -> 'de'; None unless it is a language newsbot reads."""
    if not code:
        return None
    short = code.strip().lower().replace("_", "-").split("-")[0]
    return short if short in LANGUAGES else None


def paragraphs(entry: Entry) -> tuple[Paragraph, ...]:
    """The entry's text as paragraphs (HTML preferred to plain text)."""
    if entry.html:
        found = _html_paragraphs(entry.html)
        if found:
            return found
    return tuple(Paragraph(block) for block in _blocks(entry.text or ""))


def draft(entry: Entry, feed: ParsedFeed, feed_url: str) -> Draft | None:
    """The article the entry itself holds; None if it holds too little text."""
    body = paragraphs(entry)
    if not entry.title or sum(len(p.text) for p in body) < MIN_TEXT:
        return None
    link = entry.link if entry.link and same_site(entry.link, feed_url) else None
    return Draft(
        title=entry.title, paragraphs=body,
        language=language(entry.language) or language(feed.language),
        published=entry.published.date() if entry.published else None,
        updated=_later(entry), source=outlet(feed.title or "", feed_url),
        url=link, author=entry.author, origin=entry.link or feed_url,
    )


def _later(entry: Entry) -> dt.date | None:
    if entry.updated is None:
        return None
    day = entry.updated.date()
    return day if entry.published is None or day > entry.published.date() else None


def _html_paragraphs(html: str) -> tuple[Paragraph, ...]:
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return ()
    for bad in root.iter(*_DROP):
        bad.drop_tree()
    out: list[Paragraph] = []
    section: str | None = None
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _HEADINGS:
            section = _clean(element.text_content()) or section
        elif tag in _BLOCKS and not _inside_block(element):
            text = _clean(element.text_content())
            if text:
                out.append(Paragraph(text, section))
    if not out:
        out = [Paragraph(block) for block in _blocks(_with_breaks(root))]
    return tuple(out)


def _inside_block(element: Any) -> bool:
    parent = element.getparent()
    while parent is not None:
        if parent.tag in _BLOCKS:
            return True
        parent = parent.getparent()
    return False


def _with_breaks(root: Any) -> str:
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    return str(root.text_content())


def _blocks(text: str) -> list[str]:
    return [_clean(b) for b in re.split(r"\n\s*\n", text) if _clean(b)]


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
