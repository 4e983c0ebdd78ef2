"""`Poller`: one round over the followed feeds that are due — fetch, parse, import, record.

Each feed is fetched with a conditional GET (the ETag and Last-Modified of its last
complete round; a 304 ends its part at once) through `bot.ingest.fetch` — the SSRF
guard, the redirect checks, the size and time caps — as is every article page. Feeds
are worked on by a few threads; one that is broken, slow (cut off at the fetch
deadline), huge (cut off at the size cap) or hostile fails alone, its reason recorded on
it with the back-off it earned (`schedule`), and nothing it does stops the others: even
an unexpected exception is caught at the feed and recorded.

A round fetches at most `max_items_per_feed` articles per feed and `max_items` in all;
entries left over are taken in the next round, for which the feed's validators are not
stored (a 304 would hide them) — nor when an entry failed in a way worth retrying.
Retention (`retention`) runs at the end of a round.

`poll()` blocks (for ``newsbot feeds --poll-once`` and tests); `await poll_due()` runs it
in a worker thread, so the bot's event loop keeps answering while a round fetches. Two
rounds never overlap: one asked for while another runs returns at once (`busy`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from bot.feeds import retention, schedule
from bot.feeds.entries import Entry, ParsedFeed
from bot.feeds.errors import FeedError
from bot.feeds.importing import Budget, Importer, Outcome
from bot.feeds.parse import parse_feed
from bot.feeds.report import FeedReport, PollReport
from bot.ingest import target_dir
from bot.ingest.errors import IngestError
from bot.ingest.fetch import FetchSettings, StatusError, Wanted, fetch
from bot.ingest.write import Existing
from bot.state import FeedRecord, State

logger = logging.getLogger(__name__)

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml",
              "application/xml", "text/xml", "application/x-rss+xml", "text/rss+xml",
              "application/feed+json", "application/json")
FEED = Wanted(
    FEED_TYPES,
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8",
    "a news feed", "follow the address of the site's RSS, Atom or JSON feed or its news "
    "sitemap (a web page often names its feed in <link rel=\"alternate\">)",
    name="feed", purpose="a news feed")


@dataclass(frozen=True)
class PollSettings:
    """How a round fetches."""

    fetch: FetchSettings = field(default_factory=FetchSettings)  # for feeds and pages
    max_items_per_feed: int = 20  # articles fetched per feed and round
    max_items: int = 100  # ... and per round in all
    workers: int = 4  # feeds fetched at once
    max_attempts: int = 3  # an entry whose article fails this often is given up
    rules: retention.Rules = field(default_factory=retention.Rules)


class Poller:
    """Polls the feeds of one state database into one knowledge folder."""

    def __init__(self, state: State, knowledge: Path, settings: PollSettings | None = None,
                 rng: random.Random | None = None) -> None:
        """`knowledge`: the folder new articles go into (made if missing; never the
        installed package's bundled articles: IngestError)."""
        self.state = state
        self.root = target_dir(knowledge)
        self.settings = settings or PollSettings()
        self.rng = rng or random.Random()
        self._running = threading.Lock()

    async def poll_due(self, now: dt.datetime | None = None) -> PollReport:
        """Poll the feeds that are due at `now`, in a worker thread."""
        return await asyncio.to_thread(self.poll, now)

    def poll(self, now: dt.datetime | None = None, *, force: bool = False) -> PollReport:
        """Poll the feeds due at `now` (`force`: every feed, whatever its schedule — but
        none before its server's Retry-After)."""
        if not self._running.acquire(blocking=False):
            return PollReport(busy=True)
        try:
            return self._round(now or dt.datetime.now(dt.UTC), force)
        finally:
            self._running.release()

    def due(self, now: dt.datetime, force: bool = False) -> list[FeedRecord]:
        return [f for f in self.state.feeds.list()
                if schedule.is_due(f.next_fetch, f.backoff_until, now, force)]

    def _round(self, now: dt.datetime, force: bool) -> PollReport:
        started = time.perf_counter()
        due = self.due(now, force)
        waiting = [_waiting(f) for f in self.state.feeds.list() if force and f not in due]
        existing = Existing.scan(self.root)
        budget = Budget(self.settings.max_items)
        with ThreadPoolExecutor(max(1, self.settings.workers), "newsbot-feed") as pool:
            reports = list(pool.map(lambda f: self._feed(f, now, existing, budget), due))
        try:
            removed = retention.apply(self.state, self.root, now, self.settings.rules)
        except Exception:  # retention is housekeeping: a round's articles stand without it
            logger.exception("retention failed")
            removed = ()
        return PollReport(tuple(reports + waiting), removed, time.perf_counter() - started)

    def _feed(self, feed: FeedRecord, now: dt.datetime, existing: Existing,
              budget: Budget) -> FeedReport:
        started = time.perf_counter()
        try:
            report = self._fetch_and_import(feed, now, existing, budget)
        except Exception as err:  # a bug must not stop the other feeds
            logger.exception("feed %s failed", feed.url)
            report = self._failed(feed, now, f"internal error ({type(err).__name__}: {err})")
        return replace(report, seconds=time.perf_counter() - started)

    def _fetch_and_import(self, feed: FeedRecord, now: dt.datetime, existing: Existing,
                          budget: Budget) -> FeedReport:
        try:
            page = fetch(feed.url, self.settings.fetch, FEED, etag=feed.etag,
                         last_modified=feed.last_modified)
        except StatusError as err:
            return self._failed(feed, now, str(err), err.retry_after)
        except IngestError as err:
            return self._failed(feed, now, str(err))
        following = schedule.next_fetch(now, feed.interval, self.rng)
        if page.not_modified:
            self.state.feeds.succeeded(feed.id, at=now, next_fetch=following, validators=None)
            return FeedReport(feed.id, feed.url, "not-modified")
        try:
            parsed = parse_feed(page.body, page.url, page.content_type, page.charset)
        except FeedError as err:
            return self._failed(feed, now, str(err))
        importer = Importer(self.state, self.root, existing, self.settings.fetch, now,
                            self.settings.max_attempts)
        outcomes = self._entries(feed, parsed, importer, budget)
        complete = not any(o.status == "left" or o.retry for o in outcomes)
        added = tuple(o.article_id for o in outcomes if o.status == "added" and o.article_id)
        self.state.feeds.succeeded(
            feed.id, at=now, next_fetch=following, title=parsed.title, new_item=bool(added),
            validators=(page.etag, page.last_modified) if complete else None,
            warning=parsed.notes[0] if parsed.notes else None)
        return FeedReport(
            feed.id, feed.url, "fetched", added=added,
            replaced=tuple(o.article_id for o in outcomes if o.status == "replaced"
                           and o.article_id),
            duplicates=sum(o.status == "duplicate" for o in outcomes),
            failed=tuple(o.reason for o in outcomes if o.status == "failed"),
            left_over=sum(o.status == "left" for o in outcomes), notes=parsed.notes)

    def _entries(self, feed: FeedRecord, parsed: ParsedFeed, importer: Importer,
                 budget: Budget) -> list[Outcome]:
        """Each entry, newest first, within this feed's and the round's caps."""
        mine = Budget(self.settings.max_items_per_feed)
        both = _Both(mine, budget)
        outcomes = []
        for entry in _newest_first(parsed.entries):
            try:
                outcomes.append(importer.entry(feed, parsed, entry, both))
            except Exception as err:  # one entry's bug must not lose the feed's others
                logger.exception("entry %s of %s failed", entry.guid, feed.url)
                outcomes.append(Outcome("failed", reason=f"internal error ({err})", retry=True))
        return outcomes

    def _failed(self, feed: FeedRecord, now: dt.datetime, error: str,
                retry_after: float | None = None) -> FeedReport:
        failures = feed.failures + 1
        following, until = schedule.after_failure(now, feed.interval, failures, self.rng,
                                                  retry_after)
        self.state.feeds.failed(feed.id, at=now, error=error, next_fetch=following,
                                backoff_until=until, failures=failures)
        return FeedReport(feed.id, feed.url, "failed", error=error)


class _Both(Budget):
    """A feed's budget and the round's: an entry may be fetched when both have room."""

    def __init__(self, mine: Budget, round_: Budget) -> None:
        super().__init__(0)
        self.mine, self.round = mine, round_

    def take(self) -> bool:
        if not self.mine.take():
            return False
        if self.round.take():
            return True
        self.mine.left += 1
        return False


def _newest_first(entries: Sequence[Entry]) -> list[Entry]:
    """Entries by date, newest first; undated ones after them, in the feed's order."""
    dated = sorted((e for e in entries if e.changed), key=lambda e: e.changed or 0,
                   reverse=True)
    return dated + [e for e in entries if not e.changed]


def _waiting(feed: FeedRecord) -> FeedReport:
    until = feed.backoff_until.strftime("%Y-%m-%d %H:%M UTC") if feed.backoff_until else "?"
    return FeedReport(feed.id, feed.url, "skipped",
                      error=f"its server asked to wait until {until} (Retry-After)")
