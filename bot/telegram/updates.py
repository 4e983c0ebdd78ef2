"""Each update handled once: a Telegram update_id seen before is dropped.

Telegram delivers an update again when it did not get a timely 200 for it (webhook
retries, a restart between fetching and confirming updates). `SeenUpdates` remembers the
most recent update ids; `drop_repeated` runs before every other handler and stops a repeat.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any

from telegram import Update
from telegram.ext import ApplicationHandlerStop, CallbackContext

logger = logging.getLogger(__name__)

SEEN_KEY = "seen_updates"


class SeenUpdates:
    """The last `size` update ids, oldest forgotten first."""

    def __init__(self, size: int = 50_000) -> None:
        self._size = size
        self._ids: OrderedDict[int, None] = OrderedDict()

    def first_time(self, update_id: int) -> bool:
        """Remember `update_id`; False if it was seen before."""
        if update_id in self._ids:
            return False
        self._ids[update_id] = None
        if len(self._ids) > self._size:
            self._ids.popitem(last=False)
        return True


async def drop_repeated(update: object, context: CallbackContext[Any, Any, Any, Any]) -> None:
    """Stop handling an update whose update_id was already handled."""
    if not isinstance(update, Update):
        return
    seen = context.bot_data.setdefault(SEEN_KEY, SeenUpdates())
    if not seen.first_time(update.update_id):
        logger.info("update %s delivered again; answered already, dropped", update.update_id)
        raise ApplicationHandlerStop
