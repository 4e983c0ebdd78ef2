"""The questions the bot answered in a chat, so that replies follow up and buttons re-answer.

An `Exchange` is one question, the context it was asked in, the articles its answer
quoted and who asked. It is kept in the chat's ``chat_data`` (python-telegram-bot; saved
across restarts when `state_file` is set) under the id of the bot's answer *and* of the
question, so a reply to either one is read as a follow-up, and the answer's buttons find
what to show. Each chat keeps at most `MAX_EXCHANGES` exchanges, none older than
`MAX_AGE` seconds: a few KB per chat.
"""

from __future__ import annotations

import time
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

from bot.models import FollowUp

KEY = "exchanges"
MAX_EXCHANGES = 50  # per chat
MAX_AGE = 24 * 3600.0  # seconds
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
        question = self.question
        if self.follow_up is not None:
            question = f"{self.follow_up.question} {question}"
        return FollowUp(question[:MAX_CONTEXT], self.article_ids)


def remember(chat_data: MutableMapping[str, Any] | None, exchange: Exchange,
             *message_ids: int) -> None:
    """Keep `exchange` under each of `message_ids` (the answer's and the question's)."""
    if chat_data is None:
        return
    kept = _exchanges(chat_data)
    for message_id in message_ids:
        kept.pop(message_id, None)
        kept[message_id] = exchange
    _prune(kept, exchange.at)


def recall(chat_data: MutableMapping[str, Any] | None, message_id: int | None,
           now: float | None = None) -> Exchange | None:
    """The exchange kept under `message_id`, unless it is unknown or too old."""
    if chat_data is None or message_id is None:
        return None
    exchange = _exchanges(chat_data).get(message_id)
    now = time.time() if now is None else now
    if not isinstance(exchange, Exchange) or now - exchange.at > MAX_AGE:
        return None
    return exchange


def _exchanges(chat_data: MutableMapping[str, Any]) -> dict[int, Exchange]:
    kept = chat_data.get(KEY)
    if not isinstance(kept, dict):
        kept = chat_data[KEY] = {}
    return kept


def _prune(kept: dict[int, Exchange], now: float) -> None:
    """Drop entries older than MAX_AGE, and the oldest beyond MAX_EXCHANGES (two keys each)."""
    for message_id in [m for m, e in kept.items() if now - e.at > MAX_AGE]:
        del kept[message_id]
    while len(kept) > 2 * MAX_EXCHANGES:
        del kept[next(iter(kept))]
