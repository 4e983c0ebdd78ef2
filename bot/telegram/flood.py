"""Telegram's flood limits shared by the bot replicas (through the state database).

Telegram allows a bot about 30 messages a second and 20 a minute in one group, per
token: python-telegram-bot's AIORateLimiter keeps one process to that, three replicas
behind one webhook would send three times as much and be answered 429 Too Many
Requests. A replica's Bot API calls therefore each take a unit of the shared budget
first (bot.state.budget: one row per second for the bot, per minute for a group), and
wait for the next window when it is used up. The calls still pass AIORateLimiter too,
which also retries a 429 after its retry_after, so an answer is not lost when Telegram
counts differently. If the database cannot be reached, the call goes ahead on the
process's own limits (logged once), rather than an answer being dropped.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from bot.state.budget import SendBudget
from bot.telegram.replica import call

logger = logging.getLogger(__name__)

PER_SECOND = 30  # calls a second, all replicas together
PER_GROUP_MINUTE = 20  # messages a minute into one group or channel
PRUNE_EVERY = 60  # seconds between prunes of the windows that are over


def is_group(chat_id: Any) -> bool:
    """A group's or channel's id (negative) or @username, as AIORateLimiter tells them."""
    if isinstance(chat_id, str):
        return chat_id.startswith("@") or (chat_id.lstrip("-").isdigit() and int(chat_id) < 0)
    return isinstance(chat_id, int) and chat_id < 0


class SharedFlood:
    """The replicas' shared flood budget, waited for before every Bot API call."""

    def __init__(self, budget: SendBudget, per_second: int = PER_SECOND,
                 per_group_minute: int = PER_GROUP_MINUTE) -> None:
        self.budget, self.per_second, self.per_group = budget, per_second, per_group_minute
        self.pruned = 0.0
        self.failing = False

    async def acquire(self, endpoint: str, data: dict[str, Any]) -> None:
        """Wait until the call may go out: a unit of this second's budget (and of this
        minute's for its group)."""
        chat = data.get("chat_id")
        if is_group(chat):
            await self._take(lambda now: f"chat:{chat}:{int(now // 60)}", 60, self.per_group)
        await self._take(lambda now: f"all:{int(now)}", 1, self.per_second)

    async def _take(self, slot: Callable[[float], str], seconds: int, limit: int) -> None:
        while True:
            now = time.time()
            ends = (int(now // seconds) + 1) * seconds
            try:
                granted = await call(self.budget.take, slot(now), limit,
                                     dt.datetime.fromtimestamp(ends, dt.UTC))
                if granted and now - self.pruned >= PRUNE_EVERY:
                    self.pruned = now
                    await call(self.budget.prune,
                               dt.datetime.fromtimestamp(now - PRUNE_EVERY, dt.UTC))
            except SQLAlchemyError as error:
                if not self.failing:
                    logger.warning("flood budget: the state database failed (%s); sending "
                                   "on this replica's own limits", type(error).__name__)
                self.failing = True
                return
            self.failing = False
            if granted:
                return
            # the next window, the replicas' waits spread a little apart
            await asyncio.sleep(ends - now + random.uniform(0.0, 0.05))
