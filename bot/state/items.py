"""The seen items of the feeds: which entry became which article, by GUID, link, canonical
URL and content hash — what de-duplicates, and what tells an updated entry from a new one.

An item is recorded after its article file is written (`seen`), so a crash in between
leaves a complete article and no item: the next round finds the article in the knowledge
folder by URL or text and records the item then, once. A failed item is kept with its
reason and attempt count (`failed`), so that it is retried a few times, not forever.
"""

from __future__ import annotations

import builtins
import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, Engine, Row, and_, select

from bot.state.records import SeenItem, clipped, key
from bot.state.schema import items
from bot.state.upsert import upsert


class Items:
    """The `items` table."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def get(self, feed_id: int, guid: str) -> SeenItem | None:
        """The item of this feed with this GUID."""
        return self._first(and_(items.c.feed_id == feed_id, items.c.guid == key(guid)))

    def with_link(self, link_key: str) -> SeenItem | None:
        """An item of any feed whose entry link or article URL has this URL key and which
        became an article."""
        wanted = key(link_key)
        return self._first(and_(items.c.article_id.is_not(None),
                                (items.c.link == wanted) | (items.c.canonical == wanted)))

    def with_hash(self, content_hash: str) -> SeenItem | None:
        """An item of any feed whose article has this body hash."""
        return self._first(and_(items.c.article_id.is_not(None),
                                items.c.content_hash == content_hash))

    def for_article(self, article_id: str) -> builtins.list[SeenItem]:
        """Every item (of any feed) that became this article."""
        return self._all(items.c.article_id == article_id)

    def list(self, feed_id: int | None = None) -> builtins.list[SeenItem]:
        """The items of one feed, or of all."""
        return self._all(items.c.feed_id == feed_id if feed_id is not None else None)

    def seen(self, feed_id: int, guid: str, *, article_id: str, at: dt.datetime,
             origin: str = "linked", link: str | None = None, canonical: str | None = None,
             content_hash: str | None = None, entry_hash: str | None = None,
             published: dt.date | None = None, updated: dt.datetime | None = None) -> None:
        """Record that this entry is (now) the article `article_id`."""
        values: dict[str, Any] = {
            "article_id": article_id, "origin": origin, "link": _key(link),
            "canonical": _key(canonical), "content_hash": content_hash,
            "entry_hash": entry_hash, "published": published, "updated": updated,
            "error": None}
        with self._engine.begin() as conn:
            exists = conn.execute(select(items.c.id).where(self._where(feed_id, guid))).first()
            if exists is None:
                values |= {"seen_at": at, "attempts": 0}
            upsert(conn, items, {"feed_id": feed_id, "guid": key(guid)}, values)

    def pending(self, feed_id: int, guid: str, *, origin: str, at: dt.datetime,
                link: str | None, canonical: str | None, content_hash: str,
                entry_hash: str | None) -> None:
        """About to write this entry's article: what it will be, so that a crash before
        `seen` is recognised as ours in the next round (the article is found in the
        folder by its URL or text, and this item then owns it)."""
        values: dict[str, Any] = {"origin": origin, "link": _key(link),
                                  "canonical": _key(canonical), "content_hash": content_hash,
                                  "entry_hash": entry_hash}
        with self._engine.begin() as conn:
            exists = conn.execute(select(items.c.id).where(self._where(feed_id, guid))).first()
            if exists is None:
                values |= {"seen_at": at, "attempts": 0}
            upsert(conn, items, {"feed_id": feed_id, "guid": key(guid)}, values)

    def changed(self, item_id: int, *, entry_hash: str | None,
                updated: dt.datetime | None) -> None:
        """A seen entry that changed in the feed (its text or its date)."""
        with self._engine.begin() as conn:
            conn.execute(items.update().where(items.c.id == item_id).values(
                entry_hash=entry_hash, updated=updated, error=None))

    def replaced(self, article_id: str, content_hash: str, at: dt.datetime) -> None:
        """The article was rewritten with a new body: every item of it learns its hash."""
        with self._engine.begin() as conn:
            conn.execute(items.update().where(items.c.article_id == article_id).values(
                content_hash=content_hash, changed_at=at))

    def failed(self, feed_id: int, guid: str, error: str, *, at: dt.datetime,
               link: str | None = None, entry_hash: str | None = None) -> int:
        """Record a failed attempt at this entry's article; returns the attempts so far."""
        with self._engine.begin() as conn:
            row = conn.execute(select(items.c.attempts).where(self._where(feed_id, guid))).first()
            attempts = (row[0] if row else 0) + 1
            values = {"error": clipped(error, 1000), "attempts": attempts,
                      "entry_hash": entry_hash, "link": _key(link)}
            if row is None:
                values["seen_at"] = at
            upsert(conn, items, {"feed_id": feed_id, "guid": key(guid)}, values)
        return attempts

    def removed(self, article_id: str, at: dt.datetime) -> None:
        """Retention removed this article: its items stay seen, marked removed."""
        with self._engine.begin() as conn:
            conn.execute(items.update().where(items.c.article_id == article_id)
                         .values(removed_at=at))

    def _where(self, feed_id: int, guid: str) -> ColumnElement[bool]:
        return and_(items.c.feed_id == feed_id, items.c.guid == key(guid))

    def _first(self, condition: ColumnElement[bool]) -> SeenItem | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(items).where(condition).order_by(items.c.id)).first()
        return _item(row) if row else None

    def _all(self, condition: ColumnElement[bool] | None) -> builtins.list[SeenItem]:
        query = select(items).order_by(items.c.id)
        if condition is not None:
            query = query.where(condition)
        with self._engine.connect() as conn:
            return [_item(r) for r in conn.execute(query)]


def _key(value: str | None) -> str | None:
    return key(value) if value else None


def _item(row: Row[Any]) -> SeenItem:
    m = row._mapping
    return SeenItem(
        id=m["id"], feed_id=m["feed_id"], guid=m["guid"], link=m["link"],
        canonical=m["canonical"], content_hash=m["content_hash"], entry_hash=m["entry_hash"],
        article_id=m["article_id"], origin=m["origin"], published=m["published"],
        updated=m["updated"],
        seen_at=m["seen_at"], changed_at=m["changed_at"], removed_at=m["removed_at"],
        error=m["error"], attempts=m["attempts"],
    )
