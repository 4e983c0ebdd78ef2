"""Per-user question limit: at most N questions in any 60 seconds.

Telegram's own flood limits are handled by python-telegram-bot's AIORateLimiter; this one
protects the bot (and the chat) from a single user asking in a loop.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from enum import Enum

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

    def forget_idle(self) -> None:
        """Drop users who asked nothing within the window (keeps memory bounded)."""
        now = self._clock()
        idle = [u for u, a in self._asked.items() if not a or now - a[-1] >= WINDOW_SECONDS]
        for user_id in idle:
            del self._asked[user_id]
            self._warned.discard(user_id)
