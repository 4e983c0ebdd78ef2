"""Delivery to Telegram: flood control, retries with backoff, and no answer sent twice.

Every Bot API call except getUpdates passes `RetryingRateLimiter.process_request`. On top
of python-telegram-bot's `AIORateLimiter` (Telegram's flood limits, and 429 "Too Many
Requests" retried after ``retry_after``) it retries what failed without Telegram having
acted on it, with exponential backoff:

- 5xx answers (500, 502, 503, 504): Telegram did not take the request;
- connection errors, resets and a server that closed the connection without an answer
  (typically a kept-alive connection that the other side had closed: nothing was read);
- timeouts before the request was sent (connect, pool, write).

A *read* timeout is different: the request went out whole and Telegram may have sent the
message before its answer got lost. Repeating a sending method (``send*``, ``copy*``,
``forward*``) then risks a second copy of the same answer in the chat, so it is not
repeated: the delivery is logged as uncertain, with the chat. Other methods (edits,
answerCallbackQuery, getChatMember, ...) are safe to repeat and are retried.

A delivery that finally fails is logged once, with the method, the chat and the reason,
and the error is raised to the handler (whose error handler keeps the bot running).

A bot replica also waits for its share of the flood budget before each attempt
(`before`: bot.telegram.flood), since Telegram's limits are per token, not per process,
and marks the update it is handling answered once a message went out (`after`:
bot.telegram.replica).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import httpx
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import AIORateLimiter

logger = logging.getLogger(__name__)

JSONDict = dict[str, Any]
Result = bool | JSONDict | list[JSONDict]
SENDING_PREFIXES = ("send", "copy", "forward")


@dataclass(frozen=True)
class DeliveryPolicy:
    """How hard the bot tries to deliver, and how long it waits for Telegram."""

    flood_retries: int = 3  # retries after 429 Too Many Requests (each waits retry_after)
    network_retries: int = 4  # retries after 5xx, resets and timeouts before sending
    backoff: float = 0.5  # seconds before the first network retry, doubled each time
    max_backoff: float = 8.0
    read_timeout: float | None = None  # seconds to wait for an answer; None: PTB's 5 s
    flood_control: bool = True  # keep to Telegram's limits (30 messages/s, 20/min a group)


def is_sending(endpoint: str) -> bool:
    """Whether repeating `endpoint` could put a second message into a chat."""
    return endpoint.startswith(SENDING_PREFIXES)


def retryable(endpoint: str, error: TelegramError) -> bool:
    """Whether `error` means Telegram surely did not act, or repeating is harmless."""
    if isinstance(error, BadRequest | RetryAfter) or not isinstance(error, NetworkError):
        return False  # refused for good (400, 403, 409), or flood control gave up
    if isinstance(error, TimedOut):
        cause = error.__cause__
        unsent = isinstance(cause, httpx.ConnectTimeout | httpx.PoolTimeout | httpx.WriteTimeout)
        return unsent or not is_sending(endpoint)
    return True  # 5xx, connection refused or reset, closed without an answer


def reason(error: BaseException) -> str:
    """A short, log-safe description of why a call failed."""
    text = str(error) or type(error).__name__
    return text if len(text) <= 300 else text[:299] + "…"


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter that also retries network failures without ever duplicating a send."""

    def __init__(self, policy: DeliveryPolicy | None = None) -> None:
        self.policy = policy or DeliveryPolicy()
        # awaited before each attempt (a replica's shared flood budget: bot.telegram.flood)
        self.before: Callable[[str, dict[str, Any]], Awaitable[None]] | None = None
        # awaited after a call succeeded (a replica marks its update answered: replica.py)
        self.after: Callable[[str, dict[str, Any]], Awaitable[None]] | None = None
        if self.policy.flood_control:
            super().__init__(max_retries=self.policy.flood_retries)
        else:
            super().__init__(
                overall_max_rate=0, group_max_rate=0, max_retries=self.policy.flood_retries
            )

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        """Call the Bot API `endpoint`; retry with backoff while that is safe."""
        attempt = 0
        while True:
            attempt += 1
            if self.before is not None:
                await self.before(endpoint, data)
            try:
                result = await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except TelegramError as error:
                if attempt > self.policy.network_retries or not retryable(endpoint, error):
                    _log_failure(endpoint, data, error, attempt)
                    raise
                delay = min(self.policy.backoff * 2 ** (attempt - 1), self.policy.max_backoff)
                delay *= random.uniform(0.8, 1.2)  # spread retries of many chats apart
                logger.info(
                    "%s to chat %s failed (%s); retry %d in %.1fs",
                    endpoint, data.get("chat_id"), reason(error), attempt, delay,
                )  # fmt: skip
                await asyncio.sleep(delay)
                continue
            if self.after is not None:
                await self.after(endpoint, data)
            return result


def _log_failure(endpoint: str, data: dict[str, Any], error: TelegramError, attempts: int) -> None:
    chat = data.get("chat_id", "-")
    if isinstance(error, TimedOut) and is_sending(endpoint) and not retryable(endpoint, error):
        logger.warning(
            "%s to chat %s: delivery uncertain, no answer within the timeout; not repeated "
            "so the chat never gets it twice",
            endpoint, chat,
        )  # fmt: skip
        return
    logger.warning(
        "%s to chat %s not delivered after %d attempt(s): %s",
        endpoint, chat, attempts, reason(error),
    )  # fmt: skip
