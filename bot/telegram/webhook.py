"""The webhook server: Telegram POSTs each update here, and the secret is checked first.

python-telegram-bot's own server reads up to 100 MB of a request into memory before it
looks at the secret token (four 90 MB requests without one took the bot from 133 to 575 MB),
and answers ``application/json; charset=utf-8``, which some proxies write, with 403, so the
bot falls silent behind them. This server, on the same tornado, instead:

- refuses a request without the right ``X-Telegram-Bot-Api-Secret-Token`` (403, compared in
  constant time) on its headers, before it reads any of the body, and never keeps that body;
- refuses a body over `MAX_BODY` (1 MiB; Telegram's updates are a few KB) with 413, when
  Content-Length announces it or as soon as a streamed body passes it;
- takes ``application/json`` with or without parameters such as ``charset=utf-8`` (else 415);
- acknowledges an update that cannot be read with 200, logged once by
  `incoming.read_update`: an error status would only make Telegram send it again and again.

`start` listens, then sets the webhook at Telegram; the Application handles the updates
put into its queue.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from typing import Any

import tornado.web
from telegram import Bot
from tornado.httpserver import HTTPServer

from bot.telegram.incoming import ALLOWED_UPDATES, read_update

logger = logging.getLogger(__name__)

MAX_BODY = 1 << 20  # bytes; Telegram's largest updates are far smaller
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
IDLE_SECONDS = 60.0  # a connection that sends nothing for this long is closed
BODY_SECONDS = 30.0  # the longest a request body may take to arrive


def refusal(headers: Any, secret: str) -> int | None:
    """The HTTP status that refuses a request with `headers`, or None to take its body."""
    given = headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        return 403
    media_type = headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
    if media_type != "application/json":
        return 415
    return 413 if announced(headers) > MAX_BODY else None


def announced(headers: Any) -> int:
    """The body length the headers announce (0 if none, more than MAX_BODY if nonsense)."""
    length = headers.get("Content-Length", "0")
    return int(length) if length.isdigit() else MAX_BODY + 1


@tornado.web.stream_request_body
class UpdateHandler(tornado.web.RequestHandler):
    """POST /path: one update from Telegram.

    The verdict is reached on the headers, before any of the body is read. A refused body is
    never kept: a small one is read and dropped so that the client gets a clean answer, one
    announced (or grown) larger than MAX_BODY is answered at once and the connection closed.
    """

    SUPPORTED_METHODS = ("POST",)

    def initialize(self, bot: Bot, queue: asyncio.Queue[object], secret: str) -> None:
        self.bot, self.queue, self.secret = bot, queue, secret
        self.body = bytearray()
        self.size = 0
        self.verdict: int | None = None  # the refusing status, None while acceptable
        self.answered = False

    def decide(self) -> int | None:
        """The status that refuses this request on its headers alone, or None."""
        return refusal(self.request.headers, self.secret)

    def prepare(self) -> None:
        """Judge the headers; answer at once if the announced body is too large to drain."""
        self.verdict = self.decide()
        if self.verdict is not None and announced(self.request.headers) > MAX_BODY:
            self.answer_now(self.verdict)

    def data_received(self, chunk: bytes) -> None:
        """Collect an accepted body, drop a refused one; stop both beyond MAX_BODY."""
        if self.answered:
            return
        self.size += len(chunk)
        if self.size > MAX_BODY:
            self.answer_now(self.verdict or 413)
        elif self.verdict is None:
            self.body += chunk

    async def post(self) -> None:
        """Queue the update; an unreadable one is acknowledged too, so it is not resent."""
        if self.answered:
            return
        if self.verdict is not None:
            self.set_status(self.verdict)
            return
        try:
            data = json.loads(self.body)
        except ValueError:
            logger.warning("a webhook request that is not JSON was acknowledged and skipped")
            data = None
        update = read_update(data, self.bot) if data is not None else None
        if update is not None:
            await self.queue.put(update)

    def answer_now(self, status: int) -> None:
        """Answer `status` before the body is in; tornado then closes the connection."""
        self.answered = True
        self.set_status(status)
        self.finish()

    def log_exception(self, *args: Any) -> None:
        """Keep tornado's tracebacks of refused requests out of the log."""


class _NotFound(UpdateHandler):
    """Every other path: 404, judged on the headers alone like the webhook's own path."""

    def decide(self) -> int | None:
        return 404


class WebhookServer:
    """The HTTP server that hands Telegram's updates to an Application's update queue."""

    def __init__(self, bot: Bot, queue: asyncio.Queue[object], path: str, secret: str) -> None:
        handler_args = {"bot": bot, "queue": queue, "secret": secret}
        app = tornado.web.Application(
            [(rf"/{path.strip('/')}/?", UpdateHandler, handler_args)],
            default_handler_class=_NotFound,
            default_handler_args=handler_args,
            log_function=lambda handler: None,  # no access log: tokens and ids stay out
        )
        self._server = HTTPServer(
            app,
            max_body_size=2 * MAX_BODY,  # a backstop: the handlers stop at MAX_BODY
            idle_connection_timeout=IDLE_SECONDS,
            body_timeout=BODY_SECONDS,
        )

    def listen(self, port: int, address: str) -> None:
        """Accept connections on address:port."""
        self._server.listen(port, address=address)

    async def stop(self) -> None:
        """Stop accepting and close every open connection."""
        self._server.stop()
        await self._server.close_all_connections()


async def start(
    application: Any, *, url: str, listen: str, port: int, path: str, secret: str
) -> WebhookServer:
    """Listen on listen:port/path for `application`, then point Telegram's webhook at `url`."""
    server = WebhookServer(application.bot, application.update_queue, path, secret)
    server.listen(port, listen)
    await application.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)
    return server

