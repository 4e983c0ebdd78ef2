"""News sitemaps (``<urlset>`` with ``<news:news>``, Google's sitemap-news 0.9) -> ParsedFeed.

feedparser does not read sitemaps; they are plain XML, read here with lxml (which
trafilatura brings) with entities left unresolved, no DTD loaded, nothing fetched from
the network and lxml's default depth and size limits (``huge_tree`` off): no XXE and no
entity expansion. Each ``<url>`` with a ``<news:news>`` is an entry: its ``<loc>`` is the
link and the GUID, ``<news:title>`` the title, ``<news:publication_date>`` the
published date, ``<lastmod>`` the updated one, ``<news:language>`` the language and
``<news:publication><news:name>`` the feed's title. A sitemap without news entries (a
whole site's pages) and a sitemap index are refused with what to follow instead.
"""

from __future__ import annotations

import io

from lxml import etree

from bot.feeds.entries import Entry, ParsedFeed, http_url, iso_datetime
from bot.feeds.errors import FeedError
from bot.ingest.fetch import shown

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
MAX_ENTRIES = 1000  # a news sitemap holds at most 1,000 URLs (Google's rule)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


def root_element(body: bytes) -> str | None:
    """The local name of the document's root element, None if it is no XML."""
    try:
        for _event, element in etree.iterparse(io.BytesIO(body), events=("start",),
                                               resolve_entities=False, no_network=True,
                                               load_dtd=False, huge_tree=False):
            return str(etree.QName(element).localname)
    except (etree.XMLSyntaxError, ValueError):
        return None
    return None


def parse(body: bytes, url: str) -> ParsedFeed:
    """The news sitemap in `body`; raises FeedError."""
    where = shown(url)
    try:
        root = etree.fromstring(body, _parser())
    except (etree.XMLSyntaxError, ValueError) as err:
        raise FeedError(f"{where}: a broken sitemap ({str(err)[:120]})") from None
    if etree.QName(root).localname == "sitemapindex":
        first = root.findtext(f"{SITEMAP}sitemap/{SITEMAP}loc") or ""
        hint = f" such as {shown(first.strip())}" if first.strip() else ""
        raise FeedError(f"{where}: a sitemap index, which lists sitemaps; follow its news "
                        f"sitemap{hint}")
    entries: list[Entry] = []
    title = language = None
    for element in root.iterfind(f"{SITEMAP}url"):
        news = element.find(f"{NEWS}news")
        link = http_url(element.findtext(f"{SITEMAP}loc"), url)
        if news is None or link is None:
            continue
        title = title or _text(news.findtext(f"{NEWS}publication/{NEWS}name"))
        lang = _text(news.findtext(f"{NEWS}publication/{NEWS}language")) or None
        language = language or lang
        entries.append(Entry(
            guid=link, link=link, title=_text(news.findtext(f"{NEWS}title")),
            published=iso_datetime(news.findtext(f"{NEWS}publication_date")),
            updated=iso_datetime(element.findtext(f"{SITEMAP}lastmod")), language=lang))
        if len(entries) >= MAX_ENTRIES:
            break
    if not entries:
        raise FeedError(f"{where}: a sitemap without news entries (<news:news>); follow the "
                        "site's news sitemap or its RSS/Atom feed")
    return ParsedFeed("sitemap", title or None, None, language, tuple(entries))


def _text(value: str | None) -> str:
    return " ".join(value.split()) if value else ""
