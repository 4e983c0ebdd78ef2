"""Updates as Telegram sends them, read one at a time: an unreadable one is skipped, not fatal.

python-telegram-bot reads a getUpdates batch with one ``Update.de_list``; a single update it
cannot parse (a poll from an older or self-hosted Bot API server without the newest required
fields, a message without ``date``, a field of the wrong type) fails the whole batch, the
offset never moves, and the same batch is fetched again about 500 times a second, for ever.
`read_update` reads one update and says once, with its id, why it cannot; `PollingBot` uses
it on every batch and moves the next offset past the skipped ones (the webhook server in
`webhook` uses it on each request). An update is also unreadable when it lacks what every
handler relies on and the Bot API always sends: a message's chat, a query's sender.

`PollingBot` also notices a 401 on getUpdates (the token was revoked): python-telegram-bot
would end polling with a traceback and leave the process up, deaf. With `on_token_rejected`
set, the bot calls it (so that `serve` stops and exits), and polling waits to be stopped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from telegram import Bot, Update
from telegram.error import InvalidToken
from telegram.ext import ExtBot

logger = logging.getLogger(__name__)

MAX_REASON = 200  # characters of the parser's complaint in the log line
ALLOWED_UPDATES = [  # the kinds of update the bot asks Telegram for
    Update.MESSAGE,
    Update.CHANNEL_POST,
    Update.INLINE_QUERY,
    Update.CALLBACK_QUERY,
    Update.MY_CHAT_MEMBER,  # the bot blocked, or removed from a chat: forget the chat
]


def read_update(data: object, bot: Bot | None) -> Update | None:
    """The Update in `data`, or None (logged with its id) if it cannot be read."""
    update_id = data.get("update_id") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(update_id, int):
        logger.warning("an update without a numeric update_id cannot be read; skipped")
        return None
    try:
        update = Update.de_json(data, bot)
        problem = _missing_part(update)
    except Exception as exc:  # the parser raises anything: TypeError, KeyError, ValueError, ...
        problem = f"{type(exc).__name__}: {exc}"
    if problem is None:
        return update
    if len(problem) > MAX_REASON:
        problem = problem[: MAX_REASON - 1] + "…"
    logger.warning("update %s cannot be read (%s); skipped", update_id, problem)
    return None


def _missing_part(update: Update) -> str | None:
    """What the Bot API always sends but `update` lacks, or None."""
    message = update.effective_message
    if message is not None and message.chat is None:
        return "a message without chat"
    for query in (update.inline_query, update.callback_query):
        if query is not None and query.from_user is None:
            return f"a {type(query).__name__} without from"
    return None


@dataclass
class PollingState:
    """What `PollingBot` keeps between getUpdates calls."""

    next_offset: int = 0  # one past the newest update_id seen, readable or not
    token_rejected: bool = False  # getUpdates was answered 401 (or 404)
    on_token_rejected: Callable[[], None] | None = None


class PollingBot(ExtBot[Any]):
    """ExtBot whose getUpdates skips unreadable updates and reports a rejected token."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        with self._unfrozen():  # python-telegram-bot freezes its objects after __init__
            self.polling = PollingState()

    async def _post(
        self, endpoint: str, data: dict[str, Any] | None = None, **kwargs: Any
    ) -> Any:
        """Every Bot API call; getUpdates' offset and result pass this class's checks."""
        if endpoint != "getUpdates":
            return await super()._post(endpoint, data, **kwargs)
        if self.polling.token_rejected:
            return []  # the last call while polling stops: nothing to confirm with this token
        if data is not None:
            data["offset"] = max(data.get("offset") or 0, self.polling.next_offset) or None
        try:
            batch = await super()._post(endpoint, data, **kwargs)
        except InvalidToken:
            if self.polling.on_token_rejected is None:
                raise
            self.polling.token_rejected = True
            self.polling.on_token_rejected()
            await asyncio.Future()  # parked until polling is stopped, which cancels this
            raise
        return self._readable(batch)

    def _readable(self, batch: Any) -> Any:
        """The updates of `batch` that can be read; the next offset passes all of them.

        python-telegram-bot then parses the readable ones once more (microseconds each).
        """
        if not isinstance(batch, list):
            return batch
        readable = []
        for raw in batch:
            update_id = raw.get("update_id") if isinstance(raw, dict) else None
            if isinstance(update_id, int):
                self.polling.next_offset = max(self.polling.next_offset, update_id + 1)
            if read_update(raw, self) is not None:
                readable.append(raw)
        return readable
