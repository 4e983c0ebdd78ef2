"""bot/ingest/fetch.py's conditional GET for feeds: validators sent and returned, 304 as a
page that is not modified, Retry-After kept on error statuses, the guards unchanged."""

from __future__ import annotations

import datetime as dt
import email.utils
from collections.abc import Iterator

import pytest
from feedserver import FeedServer, Story

from bot.feeds import FEED
from bot.ingest.errors import FetchError, UnsafeURLError
from bot.ingest.fetch import FetchSettings, StatusError, fetch, retry_after

OPEN = FetchSettings(allow_private_networks=True, timeout=2.0, deadline=5.0)
STORY = Story("eins", "Eine Meldung", ["Ein Absatz mit genug Text für eine Meldung."],
              dt.datetime(2025, 3, 14, tzinfo=dt.UTC))


@pytest.fixture(scope="module")
def server() -> Iterator[FeedServer]:
    with FeedServer(stories=[STORY]) as feeds:
        feeds.publish("/feed.xml")
        yield feeds


def test_a_feed_comes_with_its_validators(server: FeedServer) -> None:
    page = fetch(server.url("/feed.xml"), OPEN, FEED)
    doc = server.docs["/feed.xml"]
    assert (page.status, page.not_modified) == (200, False)
    assert page.content_type == "application/rss+xml" and page.charset == "utf-8"
    assert (page.etag, page.last_modified) == (doc.etag, doc.last_modified)
    assert page.body == doc.body


def test_a_conditional_get_is_answered_304(server: FeedServer) -> None:
    doc = server.docs["/feed.xml"]
    by_etag = fetch(server.url("/feed.xml"), OPEN, FEED, etag=doc.etag)
    assert by_etag.not_modified and by_etag.body == b"" and by_etag.etag == doc.etag
    by_date = fetch(server.url("/feed.xml"), OPEN, FEED, last_modified=doc.last_modified)
    assert by_date.not_modified and by_date.last_modified == doc.last_modified
    assert server.log[-2] == ("/feed.xml", doc.etag, None, 304)
    assert server.log[-1] == ("/feed.xml", None, doc.last_modified, 304)
    stale = fetch(server.url("/feed.xml"), OPEN, FEED, etag='"old"')
    assert stale.status == 200 and stale.body == doc.body


def test_error_statuses_keep_retry_after(server: FeedServer) -> None:
    with pytest.raises(StatusError) as limited:
        fetch(server.url("/ratelimited"), OPEN, FEED)
    assert limited.value.status == 429 and limited.value.retry_after == 120
    assert "it asks to wait 120 s; try again later" in str(limited.value)
    with pytest.raises(StatusError) as busy:
        fetch(server.url("/unavailable"), OPEN, FEED)
    assert busy.value.status == 503 and 3000 < (busy.value.retry_after or 0) <= 3600
    with pytest.raises(StatusError) as missing:
        fetch(server.url("/missing"), OPEN, FEED)
    assert missing.value.retry_after is None and "check the address" in str(missing.value)


def test_retry_after_values() -> None:
    now = 1_700_000_000.0
    assert retry_after("120") == 120.0
    assert retry_after(email.utils.formatdate(now + 90, usegmt=True), now) == 90.0
    assert retry_after(email.utils.formatdate(now - 90, usegmt=True), now) == 0.0
    assert retry_after("soon") is None and retry_after(None) is None
    assert retry_after("9" * 40) == 10.0**9


def test_pages_and_feeds_each_refuse_the_others_type(server: FeedServer) -> None:
    with pytest.raises(FetchError, match=r"not an HTML page \(Content-Type application/rss"):
        fetch(server.url("/feed.xml"), OPEN)
    with pytest.raises(FetchError, match=r"not a news feed \(Content-Type text/html\)"):
        fetch(server.page_url(STORY), OPEN, FEED)


def test_the_guards_apply_to_feeds(server: FeedServer) -> None:
    with pytest.raises(UnsafeURLError, match="loopback"):
        fetch(server.url("/feed.xml"), FetchSettings(), FEED)
    small = FetchSettings(allow_private_networks=True, timeout=2.0, max_bytes=1_000_000)
    with pytest.raises(FetchError, match="the feed is larger than 1 MB; it is probably not a "
                                         "news feed"):
        fetch(server.url("/huge-feed"), small, FEED)
    slow = FetchSettings(allow_private_networks=True, timeout=0.3)
    with pytest.raises(FetchError, match=r"no answer within 0\.3 s"):
        fetch(server.url("/slow-feed"), slow, FEED)
