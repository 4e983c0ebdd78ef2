"""bot/feeds/parse.py and its formats on the saved feeds in tests/feeds/ (written for these
tests after real ones: a WordPress RSS 2.0, an RSS 0.91 in ISO-8859-1, a Hugo Atom feed
with xml:base, a JSON Feed 1.1, a news sitemap), and on hostile documents.

``python tests/test_feeds_parse.py`` prints how long feedparser (and the other parsers)
take per document; docs/feeds.md has the numbers.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path

import pytest

from bot.feeds import FeedError, parse_feed
from bot.feeds.content import draft, paragraphs

FEEDS = Path(__file__).parent / "feeds"
BASE = "https://feeds.example/feed"
TYPES = {"rss2-de.xml": "application/rss+xml", "rss091-en.xml": "text/xml",
         "atom-en.xml": "application/atom+xml", "feed-de.json": "application/feed+json",
         "news-sitemap.xml": "application/xml"}


def parsed(name: str, url: str = BASE):  # type: ignore[no-untyped-def]
    return parse_feed((FEEDS / name).read_bytes(), url, TYPES[name])


def test_rss2() -> None:
    feed = parsed("rss2-de.xml")
    assert (feed.kind, feed.title, feed.language) == ("rss", "Ostsee-Kurier – Nachrichten", "de-DE")
    first = feed.entries[0]
    assert first.guid == "https://www.ostsee-kurier.example/?p=48213"
    assert first.link.startswith("https://www.ostsee-kurier.example/2025/03/14/hafen-rostock")
    assert first.published == dt.datetime(2025, 3, 14, 7, 30, tzinfo=dt.UTC)
    assert first.updated is None and first.author == "Anna Petersen"
    body = paragraphs(first)  # content:encoded, not the teaser; the script is gone
    heading = "Mehr Platz für Lastwagen"
    assert [p.section for p in body] == [None, heading, heading]
    assert "1.200 Passagieren" in body[0].text and "trackRead" not in str(body)
    assert len(feed.entries) == 3 and paragraphs(feed.entries[2])[0].text.startswith("Das Ozeaneum")


def test_rss091_in_latin1() -> None:
    feed = parsed("rss091-en.xml")
    assert feed.kind == "rss" and feed.language == "en-gb"
    assert [e.title for e in feed.entries] == ["Severn Lane bridge to reopen after repairs",
                                               "Café owners welcome new market hall"]
    assert feed.entries[0].guid == feed.entries[0].link  # no guid: the link
    assert "£2.4 million" in paragraphs(feed.entries[0])[0].text


def test_atom_with_xml_base() -> None:
    feed = parsed("atom-en.xml")
    first, second = feed.entries
    assert feed.kind == "atom" and feed.language == "en"
    assert first.link == "https://news.harbour-times.example/2025/03/dover-freight-record"
    assert first.updated == dt.datetime(2025, 3, 14, 10, 15, tzinfo=dt.UTC)
    assert first.published == dt.datetime(2025, 3, 14, 7, tzinfo=dt.UTC)
    assert second.published is None and second.changed == second.updated
    assert [p.text for p in paragraphs(second)][1] == (
        "The RNLI said both were taken to hospital as a precaution.")


def test_json_feed() -> None:
    feed = parsed("feed-de.json", "https://elbe-rundschau.example/feed.json")
    assert (feed.kind, feed.title, feed.language) == ("json", "Elbe-Rundschau", "de")
    first, second, third = feed.entries
    assert first.updated == dt.datetime(2025, 3, 12, 8, 10, tzinfo=dt.UTC)
    assert first.author == "Lena Vogt"
    assert second.guid == "48877"
    assert second.link == "https://elbe-rundschau.example/2025/03/hafencity-schule"  # relative
    assert [p.text for p in paragraphs(second)][1].startswith("Der Bau soll 45 Millionen")
    assert third.link == "https://www.hamburg.example/pressemitteilung/48801"  # external_url
    assert third.language == "de-DE"


def test_news_sitemap() -> None:
    feed = parsed("news-sitemap.xml")
    assert (feed.kind, feed.title, feed.language) == ("sitemap", "Nordkurier", "de")
    assert [e.title for e in feed.entries] == ["Landtag beschließt Haushalt für 2025",
                                               "Neubrandenburg plant eine neue Stadthalle"]
    assert feed.entries[0].published == dt.datetime(2025, 3, 14, 9, 30, tzinfo=dt.UTC)
    assert feed.entries[0].updated == dt.datetime(2025, 3, 14, 10, 2, tzinfo=dt.UTC)
    assert feed.entries[1].published == dt.datetime(2025, 3, 13, tzinfo=dt.UTC)
    assert draft(feed.entries[0], feed, BASE) is None  # a title is no article


def test_an_entrys_own_text_as_an_article() -> None:
    feed = parsed("rss2-de.xml", "https://www.ostsee-kurier.example/feed/")
    made = draft(feed.entries[1], feed, "https://www.ostsee-kurier.example/feed/")
    assert made is not None and made.language == "de" and made.published == dt.date(2025, 3, 13)
    assert made.url == feed.entries[1].link  # on the feed's own site
    assert made.source == "Ostsee-Kurier – Nachrichten"  # it resembles the host
    elsewhere = draft(feed.entries[1], feed, "https://aggregator.example/feed")
    assert elsewhere is not None and elsewhere.url is None  # a feed vouches for its own site


@pytest.mark.parametrize(("body", "problem"), [
    (b"\x00\x01garbage{{<<>>", "not an RSS, Atom or JSON feed nor a news sitemap"),
    (b"/etc/passwd", "not an RSS, Atom or JSON feed"),  # a file name is no feed
    (b'{"version": "1", "items": []}', "JSON, but not a JSON Feed"),
    (b"[" * 100_000 + b"]" * 100_000, "not an RSS"),
    (b"{" + b'"a":{' * 50_000 + b"}" * 50_001, "not a JSON feed"),
    (b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
     b"<sitemap><loc>https://x.example/news.xml</loc></sitemap></sitemapindex>",
     "a sitemap index, which lists sitemaps; follow its news sitemap such as "
     "https://x.example/news.xml"),
    (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
     b"<url><loc>https://x.example/a</loc></url></urlset>", "a sitemap without news entries"),
])
def test_what_is_no_feed_says_so(body: bytes, problem: str) -> None:
    with pytest.raises(FeedError, match=problem.replace("(", r"\(")):
        parse_feed(body, BASE, "application/xml")


def test_external_entities_are_not_read() -> None:
    xxe = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b'<rss version="2.0"><channel><title>T&x;</title><item><title>a&x;</title>'
           b"<link>https://x.example/a</link></item></channel></rss>")
    feed = parse_feed(xxe, BASE)
    assert "root:" not in f"{feed.title}{feed.entries}"
    sitemap_xxe = (b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                   b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                   b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url>'
                   b"<loc>https://x.example/a</loc><news:news><news:title>&x;</news:title>"
                   b"</news:news></url></urlset>")
    assert "root:" not in str(parse_feed(sitemap_xxe, BASE).entries)


def test_links_that_are_not_http_are_dropped() -> None:
    body = (b'<rss version="2.0"><channel><title>T</title><item><title>a</title>'
            b"<link>javascript:alert(1)</link><description>Genug Text, um daraus einen Absatz "
            b"zu machen, der reicht.</description></item></channel></rss>")
    (entry,) = parse_feed(body, BASE).entries
    assert entry.link is None and entry.guid.startswith("sha256:")


def measure(repeat: int = 200) -> list[tuple[str, int, float]]:
    """(document, entries, median milliseconds per parse)."""
    big = _big_rss(100)
    documents = [(name, (FEEDS / name).read_bytes(), TYPES[name]) for name in TYPES]
    documents.append((f"rss2-de.xml x 100 items ({len(big) // 1000} KB)", big,
                      "application/rss+xml"))
    rows = []
    for name, body, kind in documents:
        parse_feed(body, BASE, kind)  # imports and caches
        times = []
        for _ in range(repeat if len(body) < 50_000 else repeat // 10):
            started = time.perf_counter()
            feed = parse_feed(body, BASE, kind)
            times.append((time.perf_counter() - started) * 1000)
        rows.append((name, len(feed.entries), statistics.median(times)))
    return rows


def _big_rss(items: int) -> bytes:
    text = (FEEDS / "rss2-de.xml").read_text("utf-8")
    head, rest = text.split("<item>", 1)
    item = "<item>" + rest.split("</item>")[0] + "</item>"
    body = "".join(item.replace("?p=48213", f"?p={n}") for n in range(items))
    return f"{head}{body}</channel></rss>".encode()


if __name__ == "__main__":
    print(json.dumps({"python": sys.version.split()[0]}))
    for name, entries, ms in measure():
        print(f"{name:<40} {entries:>4} entries  {ms:7.2f} ms per parse")
