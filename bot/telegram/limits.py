"""Per-sender question budget: at most N searches in any 60 seconds.

Telegram's own flood limits are handled by python-telegram-bot's AIORateLimiter; this one
protects the bot (and the chat) from a single sender asking in a loop. Everything that
searches or lists the articles spends from the same budget: questions, inline queries,
"More" presses, /sources and /about. The budget belongs to the sender (`sender_key`): a
user, or the chat an anonymous group admin or a channel speaks for, since Telegram shows
every anonymous admin as the same user (GroupAnonymousBot).

Bot replicas behind one webhook share the budget (`SharedQuestionLimiter`): a sender's
questions are counted in the state database (bot.state.budget, per minute), so three
replicas do not give a sender three budgets.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import deque
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from telegram import Update

WINDOW_SECONDS = 60.0


class Verdict(Enum):
    """What to do with a question."""

    ANSWER = "answer"
    WARN = "warn"  # over the limit: tell the user once
    IGNORE = "ignore"  # over the limit and already told


class QuestionLimiter:
    """Sliding-window counter of questions per user."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._limit = per_minute
        self._clock = clock
        self._asked: dict[int, deque[float]] = {}
        self._warned: set[int] = set()

    def check(self, user_id: int) -> Verdict:
        """Count a question from `user_id` and say whether to answer it."""
        if len(self._asked) > 10_000:
            self.forget_idle()
        now = self._clock()
        asked = self._asked.setdefault(user_id, deque())
        while asked and now - asked[0] >= WINDOW_SECONDS:
            asked.popleft()
        if len(asked) < self._limit:
            asked.append(now)
            self._warned.discard(user_id)
            return Verdict.ANSWER
        if user_id in self._warned:
            return Verdict.IGNORE
        self._warned.add(user_id)
        return Verdict.WARN

    async def verdict(self, user_id: int) -> Verdict:
        """`check`, for the handlers (the shared limiter's goes to the database)."""
        return self.check(user_id)

    def forget_idle(self) -> None:
        """Drop users who asked nothing within the window (keeps memory bounded)."""
        now = self._clock()
        idle = [u for u, a in self._asked.items() if not a or now - a[-1] >= WINDOW_SECONDS]
        for user_id in idle:
            del self._asked[user_id]
            self._warned.discard(user_id)


class SharedQuestionLimiter(QuestionLimiter):
    """The budget counted in the state database, per sender and minute, for all replicas
    (a fixed minute rather than a sliding one); this process's own count when the
    database fails."""

    def __init__(self, per_minute: int, budget: Any,
                 run: Callable[..., Awaitable[Any]], clock: Callable[[], float] = time.time,
                 ) -> None:
        super().__init__(per_minute)
        self.budget, self.run, self.wall = budget, run, clock

    async def verdict(self, user_id: int) -> Verdict:
        now = self.wall()
        minute = int(now // WINDOW_SECONDS)
        ends = dt.datetime.fromtimestamp((minute + 1) * WINDOW_SECONDS, dt.UTC)
        try:
            granted = await self.run(self.budget.take, f"ask:{user_id}:{minute}",
                                     self._limit, ends)
        except SQLAlchemyError:
            return self.check(user_id)
        if granted:
            self._warned.discard(user_id)
            return Verdict.ANSWER
        if user_id in self._warned:
            return Verdict.IGNORE
        self._warned.add(user_id)
        return Verdict.WARN


def sender_key(update: Update) -> int:
    """Whose budget `update` spends: the sending user, or the chat sent on behalf of."""
    sender = update.effective_sender  # sender_chat first (anonymous admins, channels)
    if sender is not None:
        return sender.id
    chat = update.effective_chat
    return chat.id if chat is not None else 0
