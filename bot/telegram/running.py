"""Running the bot until it is stopped: by polling or as a webhook, ended by a signal.

python-telegram-bot's ``run_polling``/``run_webhook`` are replaced by the life cycle of its
custom-webhook examples (initialise, start, wait, stop, shut down) for two reasons: the
webhook needs its own server (`webhook`), and after a 401 on getUpdates (a revoked token)
``run_polling`` stays up without polling, so no supervisor ever restarts it. Here the
rejected token ends `poll`, and `serve` exits with code 1.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator
from typing import Any

from telegram.error import TelegramError

from bot.telegram import webhook
from bot.telegram.incoming import ALLOWED_UPDATES, PollingBot

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


async def poll(application: Any) -> bool:
    """Poll for updates until SIGINT/SIGTERM; False if Telegram rejected the token meanwhile."""
    bot = application.bot
    assert isinstance(bot, PollingBot)
    stopped = asyncio.Event()
    bot.polling.on_token_rejected = stopped.set

    def report(error: TelegramError) -> None:  # as run_polling does: to the error handler
        application.create_task(application.process_error(update=None, error=error))

    async with _running(application, stopped):
        await application.updater.start_polling(
            allowed_updates=ALLOWED_UPDATES, error_callback=report
        )
        await stopped.wait()
        await application.updater.stop()
    return not bot.polling.token_rejected


async def serve_webhook(
    application: Any, *, url: str, listen: str, port: int, path: str, secret: str
) -> None:
    """Serve the webhook on listen:port/path until SIGINT/SIGTERM."""
    stopped = asyncio.Event()
    async with _running(application, stopped):
        server = await webhook.start(
            application, url=url, listen=listen, port=port, path=path, secret=secret
        )
        try:
            await stopped.wait()
        finally:
            await server.stop()


@contextlib.asynccontextmanager
async def _running(application: Any, stopped: asyncio.Event) -> AsyncIterator[None]:
    """The Application initialised and started, `stopped` set by the stop signals."""
    loop = asyncio.get_running_loop()
    for number in STOP_SIGNALS:
        loop.add_signal_handler(number, stopped.set)
    try:
        async with application:  # initialize() ... shutdown()
            if application.post_init:
                await application.post_init(application)
            await application.start()
            try:
                yield
            finally:
                await application.stop()
    finally:
        for number in STOP_SIGNALS:
            loop.remove_signal_handler(number)
