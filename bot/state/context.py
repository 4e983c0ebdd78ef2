"""Follow-up context: what a reply to one of the bot's messages follows up on.

Kept under the id of the bot's answer *and* of the question (like
`bot.telegram.exchanges`), at most `MAX_PER_CHAT` message ids per chat (the oldest go
first) and none older than `MAX_AGE`: a chat's context stays a few KB.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine, and_, delete, select

from bot.state.records import Context, clipped
from bot.state.schema import contexts
from bot.state.upsert import upsert

MAX_PER_CHAT = 100  # message ids: 50 exchanges, each under its question and its answer
MAX_AGE = dt.timedelta(hours=24)


class Contexts:
    """The `contexts` table."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def put(self, chat_id: int, message_ids: Iterable[int], context: Context) -> None:
        """Keep `context` under each of `message_ids`, then drop what is beyond the bounds."""
        values = {"question": clipped(context.question), "at": context.at,
                  "article_ids": json.dumps(list(context.article_ids)),
                  "previous_question": clipped(context.previous_question)
                  if context.previous_question is not None else None,
                  "previous_article_ids": json.dumps(list(context.previous_article_ids)),
                  "asker": context.asker}
        with self._engine.begin() as conn:
            for message_id in message_ids:
                upsert(conn, contexts, {"chat_id": chat_id, "message_id": message_id}, values)
            in_chat = contexts.c.chat_id == chat_id
            conn.execute(delete(contexts).where(in_chat, contexts.c.at < context.at - MAX_AGE))
            keep = (select(contexts.c.message_id).where(in_chat)
                    .order_by(contexts.c.at.desc(), contexts.c.message_id.desc())
                    .limit(MAX_PER_CHAT))
            kept = {row[0] for row in conn.execute(keep)}
            conn.execute(delete(contexts).where(in_chat, contexts.c.message_id.not_in(kept)))

    def get(self, chat_id: int, message_id: int, now: dt.datetime | None = None,
            ) -> Context | None:
        """The context kept under this message, unless it is unknown or too old."""
        now = now or dt.datetime.now(dt.UTC)
        with self._engine.connect() as conn:
            row = conn.execute(select(contexts).where(and_(
                contexts.c.chat_id == chat_id, contexts.c.message_id == message_id))).first()
        if row is None or now - row.at > MAX_AGE:
            return None
        return _context(row._mapping)

    def forget(self, chat_id: int) -> None:
        with self._engine.begin() as conn:
            conn.execute(delete(contexts).where(contexts.c.chat_id == chat_id))


def _context(m: Any) -> Context:
    return Context(question=m["question"], article_ids=tuple(json.loads(m["article_ids"])),
                   at=m["at"], previous_question=m["previous_question"],
                   previous_article_ids=tuple(json.loads(m["previous_article_ids"] or "[]")),
                   asker=m["asker"])
