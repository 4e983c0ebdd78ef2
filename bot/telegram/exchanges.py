"""The questions the bot answered in a chat, so that replies follow up and buttons re-answer.

An `Exchange` is one question, the context it was asked in, the articles its answer
quoted and who asked. It is kept in the state database (`bot.state.Contexts`, so it
survives restarts) under the id of the bot's answer *and* of the question, so a reply to
either one is read as a follow-up, and the answer's buttons find what to show. Each chat
keeps at most `MAX_EXCHANGES` exchanges, none older than `MAX_AGE` seconds: a few KB per
chat. (The class is also what the old pickle state file held: `bot.state.legacy`.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.models import FollowUp
from bot.state import Context, State
from bot.state.context import MAX_AGE as KEPT_FOR
from bot.state.context import MAX_PER_CHAT
from bot.telegram.storage import best_effort

MAX_EXCHANGES = MAX_PER_CHAT // 2  # per chat: each under two message ids
MAX_AGE = KEPT_FOR.total_seconds()
MAX_CONTEXT = 300  # characters of question text carried into a follow-up


@dataclass(frozen=True)
class Exchange:
    """One answered question."""

    question: str
    follow_up: FollowUp | None  # the exchange it followed, as the engine read it
    article_ids: tuple[str, ...]  # the articles the answer quoted
    asker: int | None  # the user who asked; None for channels and anonymous admins
    at: float  # time.time() when it was answered

    def as_context(self) -> FollowUp:
        """What a reply to this exchange follows up on: its question, in its own context."""
        return FollowUp(self.asked()[:MAX_CONTEXT], self.article_ids)

    def asked(self) -> str:
        """The question as the engine read it: a follow-up after what it follows up on."""
        if self.follow_up is None:
            return self.question
        return f"{self.follow_up.question} {self.question}"


def to_context(exchange: Exchange) -> Context:
    """The exchange as the database keeps it."""
    follow = exchange.follow_up
    return Context(
        question=exchange.question, article_ids=exchange.article_ids,
        at=dt.datetime.fromtimestamp(exchange.at, dt.UTC),
        previous_question=follow.question if follow else None,
        previous_article_ids=follow.article_ids if follow else (), asker=exchange.asker,
    )  # fmt: skip


def from_context(kept: Context) -> Exchange:
    """The exchange a database row holds."""
    follow = (FollowUp(kept.previous_question, kept.previous_article_ids)
              if kept.previous_question is not None else None)  # fmt: skip
    return Exchange(kept.question, follow, kept.article_ids, kept.asker, kept.at.timestamp())


async def remember(db: State, chat_id: int, exchange: Exchange, *message_ids: int) -> None:
    """Keep `exchange` under each of `message_ids` (the answer's and the question's)."""
    await best_effort(None, db.context.put, chat_id, list(message_ids), to_context(exchange))


async def recall(db: State, chat_id: int, message_id: int | None,
                 now: dt.datetime | None = None) -> Exchange | None:
    """The exchange kept under `message_id`, unless it is unknown or too old."""
    if message_id is None:
        return None
    kept = await best_effort(None, db.context.get, chat_id, message_id, now)
    return from_context(kept) if kept is not None else None
