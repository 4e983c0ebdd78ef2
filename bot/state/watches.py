"""Watched questions: a chat's questions whose answer it wants to hear again when it changes.

At most `MAX_PER_CHAT` per chat. `fingerprint` is whatever the watcher uses to tell one
answer from another (the Telegram layer computes it); `answered` stores the new one when
a notification went out, so each changed answer is posted once.
"""

from __future__ import annotations

import builtins
import datetime as dt
from typing import Any

from sqlalchemy import Engine, and_, delete, func, select

from bot.state.errors import StateError
from bot.state.records import Watch, clipped, new_id
from bot.state.schema import watches

MAX_PER_CHAT = 10
MAX_QUESTION = 500  # characters


class Watches:
    """The `watches` table."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, chat_id: int, question: str, *, fingerprint: str | None = None,
            now: dt.datetime | None = None) -> Watch:
        """Watch `question` in this chat (the same question again: the watch it has);
        raises StateError when the chat watches MAX_PER_CHAT questions already."""
        question = clipped(" ".join(question.split()), MAX_QUESTION)
        with self._engine.begin() as conn:
            mine = watches.c.chat_id == chat_id
            found = conn.execute(select(watches).where(mine, watches.c.question == question)
                                 ).first()
            if found is not None:
                return _watch(found._mapping)
            count = conn.execute(select(func.count()).select_from(watches).where(mine)).scalar()
            if (count or 0) >= MAX_PER_CHAT:
                raise StateError(f"this chat watches {MAX_PER_CHAT} questions already; "
                                 "stop watching one first")
            new = new_id(conn.execute(watches.insert().values(
                chat_id=chat_id, question=question, fingerprint=fingerprint,
                created=now or dt.datetime.now(dt.UTC))))
            return _watch(conn.execute(select(watches).where(watches.c.id == new)).one()._mapping)

    def list(self, chat_id: int | None = None) -> builtins.list[Watch]:
        """The watches of one chat (oldest first), or of every chat."""
        query = select(watches).order_by(watches.c.chat_id, watches.c.id)
        if chat_id is not None:
            query = query.where(watches.c.chat_id == chat_id)
        with self._engine.connect() as conn:
            return [_watch(r._mapping) for r in conn.execute(query)]

    def remove(self, chat_id: int, watch_id: int) -> bool:
        with self._engine.begin() as conn:
            return bool(conn.execute(delete(watches).where(and_(
                watches.c.chat_id == chat_id, watches.c.id == watch_id))).rowcount)

    def answered(self, watch_id: int, fingerprint: str, now: dt.datetime | None = None) -> None:
        """The chat was sent the answer with this fingerprint."""
        with self._engine.begin() as conn:
            conn.execute(watches.update().where(watches.c.id == watch_id).values(
                fingerprint=fingerprint, notified=now or dt.datetime.now(dt.UTC)))

    def forget(self, chat_id: int) -> int:
        """Drop every watch of a chat (it blocked the bot or removed it); how many."""
        with self._engine.begin() as conn:
            return int(conn.execute(delete(watches).where(watches.c.chat_id == chat_id)
                                    ).rowcount)


def _watch(m: Any) -> Watch:
    return Watch(id=m["id"], chat_id=m["chat_id"], question=m["question"],
                 fingerprint=m["fingerprint"], created=m["created"], notified=m["notified"])
