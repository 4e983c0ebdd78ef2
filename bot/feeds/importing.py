"""One feed entry -> one article: new, a duplicate of one there is, or the replacement of
its older version.

De-duplication, cheapest first: the entry's GUID in this feed (seen: is it changed?);
its link among every feed's items (another feed's copy: linked, nothing fetched); then
the article itself is made — its page fetched (the SSRF guard and limits of
`bot.ingest.fetch`) and extracted (trafilatura), else from the entry's own text — and
looked up by canonical URL and body hash among the items and, through the writer, among
the folder's articles (`newsbot add`'s, or one written just before a crash).

An entry seen before is *changed* when its text in the feed differs or its date is newer;
then its article is made again, and if the body or title differ, the file is replaced in
place: the same id, the old `published`, `updated` set. Only articles that feeds made are
replaced (or removed by retention) — never one found in the folder; an article made from
its page is not replaced by the entry's teaser when the page is down (the next round
tries again).
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from bot.feeds import articles, content
from bot.feeds.entries import Entry, ParsedFeed
from bot.ingest.draft import Draft, content_hash
from bot.ingest.errors import IngestError
from bot.ingest.existing import url_key
from bot.ingest.extract import extract
from bot.ingest.fetch import FetchSettings, fetch
from bot.ingest.write import Duplicate, Existing
from bot.state import SeenItem, State
from bot.state.records import FeedRecord

OWNED = ("page", "feed")  # origins of articles that feeds made


@dataclass(frozen=True)
class Outcome:
    """What became of one entry."""

    status: Literal["added", "replaced", "duplicate", "unchanged", "failed", "left"]
    article_id: str | None = None
    reason: str = ""
    retry: bool = False  # a failure that the next round tries again


class Budget:
    """How many entries a round may still fetch an article for (shared by its threads)."""

    def __init__(self, total: int) -> None:
        self.left = total
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if self.left <= 0:
                return False
            self.left -= 1
            return True


@dataclass
class Importer:
    """Turns the entries of one feed's document into articles in `root`."""

    state: State
    root: Path
    existing: Existing
    fetching: FetchSettings
    now: dt.datetime
    max_attempts: int = 3

    def entry(self, feed: FeedRecord, parsed: ParsedFeed, entry: Entry,
              take: Budget) -> Outcome:
        """Import one entry (`take` is asked before anything is fetched)."""
        item = self.state.items.get(feed.id, entry.guid)
        if item is not None and item.article_id is not None:
            if item.removed_at is not None or not _changed(item, entry):
                return Outcome("unchanged", item.article_id)
            return self._update(feed, parsed, entry, item) if take.take() else Outcome("left")
        if item is not None and item.attempts >= self.max_attempts and (
                item.entry_hash == entry.fingerprint()):
            return Outcome("failed", reason=f"gave up after {item.attempts} attempts: "
                                            f"{item.error}")
        linked = self._link_by_url(feed, entry)
        if linked is not None:
            return linked
        return self._new(feed, parsed, entry, item) if take.take() else Outcome("left")

    def _link_by_url(self, feed: FeedRecord, entry: Entry) -> Outcome | None:
        """Another feed's item (or this one's under another GUID) with the same link."""
        if not entry.link:
            return None
        other = self.state.items.with_link(url_key(entry.link))
        if other is None or other.article_id is None:
            return None
        self._seen(feed, entry, other.article_id, "linked", other.canonical,
                   other.content_hash, other.published)
        return Outcome("duplicate", other.article_id, "same link")

    def _new(self, feed: FeedRecord, parsed: ParsedFeed, entry: Entry,
             before: SeenItem | None) -> Outcome:
        try:
            draft, origin = self._draft(feed, parsed, entry)
        except IngestError as err:
            return self._failed(feed, entry, str(err))
        canonical = url_key(draft.url) if draft.url else None
        digest = draft.content_hash()
        other = (self.state.items.with_link(canonical) if canonical else None) or (
            self.state.items.with_hash(digest))
        if other is not None and other.article_id is not None:
            self._seen(feed, entry, other.article_id, "linked", other.canonical,
                       other.content_hash, other.published)
            return Outcome("duplicate", other.article_id, "same article")
        self.state.items.pending(feed.id, entry.guid, origin=origin, at=self.now,
                                 link=_link_key(entry), canonical=canonical,
                                 content_hash=digest, entry_hash=entry.fingerprint())
        try:
            written = articles.write_new(draft, self.existing)
        except (IngestError, OSError) as err:
            return self._failed(feed, entry, f"cannot write the article ({err})")
        if isinstance(written, Duplicate):
            ours = before is not None and before.origin in OWNED and (
                before.content_hash == digest or (canonical and before.canonical == canonical))
            self._seen(feed, entry, written.id, origin if ours else "linked", canonical, digest,
                       draft.published)
            return Outcome("added" if ours else "duplicate", written.id,
                           "written before the last round stopped" if ours else written.why)
        self._seen(feed, entry, written.id, origin, canonical, digest, draft.published)
        return Outcome("added", written.id)

    def _update(self, feed: FeedRecord, parsed: ParsedFeed, entry: Entry,
                item: SeenItem) -> Outcome:
        article_id = item.article_id
        assert article_id is not None
        owners = [i.origin for i in self.state.items.for_article(article_id) if i.origin in OWNED]
        old = articles.current(self.root, article_id) if owners else None
        if old is None:  # not made by feeds, or its file is gone: nothing to replace
            return self._unchanged(item, entry, "not an article that feeds made")
        try:
            draft, origin = self._draft(feed, parsed, entry)
        except IngestError as err:  # tried again in the next round
            return Outcome("unchanged", article_id, str(err), retry=True)
        if origin == "feed" and "page" in owners:
            return Outcome("unchanged", article_id, "its page cannot be read now; the "
                           "article stays as it is until the next round", retry=True)
        digest = draft.content_hash()
        if digest == content_hash(p.text for p in old.paragraphs) and draft.title == old.title:
            return self._unchanged(item, entry, "the same text")
        day = (entry.changed or self.now).date()
        try:
            articles.replace_article(self.root, article_id, draft, old.published or
                                     draft.published, day, self.existing)
        except (IngestError, OSError) as err:
            return self._failed(feed, entry, f"cannot replace {article_id} ({err})")
        self.state.items.replaced(article_id, digest, self.now)
        self.state.items.changed(item.id, entry_hash=entry.fingerprint(), updated=entry.changed)
        return Outcome("replaced", article_id)

    def _draft(self, feed: FeedRecord, parsed: ParsedFeed, entry: Entry) -> tuple[Draft, str]:
        """The article: from its page, else from the entry; raises IngestError."""
        problem = "the entry has no link"
        if entry.link:
            try:
                page = fetch(entry.link, self.fetching)
                made = extract(page.html(), page.url, entry.link)
                published = made.published or (entry.published.date()
                                                if entry.published else None)
                return replace(made, published=published), "page"
            except IngestError as err:
                problem = str(err)
        fallback = content.draft(entry, parsed, feed.url)
        if fallback is None:
            raise IngestError(f"{problem}; and the feed gives too little text of its own")
        return fallback, "feed"

    def _seen(self, feed: FeedRecord, entry: Entry, article_id: str, origin: str,
              canonical: str | None, digest: str | None, published: dt.date | None) -> None:
        self.state.items.seen(feed.id, entry.guid, article_id=article_id, at=self.now,
                              origin=origin, link=_link_key(entry), canonical=canonical,
                              content_hash=digest, entry_hash=entry.fingerprint(),
                              published=published, updated=entry.changed)

    def _unchanged(self, item: SeenItem, entry: Entry, reason: str) -> Outcome:
        self.state.items.changed(item.id, entry_hash=entry.fingerprint(), updated=entry.changed)
        return Outcome("unchanged", item.article_id, reason)

    def _failed(self, feed: FeedRecord, entry: Entry, reason: str) -> Outcome:
        attempts = self.state.items.failed(feed.id, entry.guid, reason, at=self.now,
                                           link=_link_key(entry),
                                           entry_hash=entry.fingerprint())
        return Outcome("failed", reason=reason, retry=attempts < self.max_attempts)


def _changed(item: SeenItem, entry: Entry) -> bool:
    """Whether a seen entry's text or date changed in the feed."""
    if item.entry_hash != entry.fingerprint():
        return True
    return bool(entry.changed and item.updated and entry.changed > item.updated)


def _link_key(entry: Entry) -> str | None:
    return url_key(entry.link) if entry.link else None
