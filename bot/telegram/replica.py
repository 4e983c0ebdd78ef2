"""A bot replica: one of several `newsbot serve --webhook-url … --replica` processes behind a
load balancer that share one webhook, one search backend and one state database.

A replica does not set the webhook (the deploy step does, once: docs/scale-out.md), so
restarting one never points Telegram elsewhere; it checks the secret token like the
single bot (`webhook.refusal`: NEWSBOT_WEBHOOK_SECRET must be the same for all, so it
is required here). Unlike the single bot it answers Telegram's POST only after the
update was handled: a replica that dies mid-answer leaves the POST unanswered, so the
proxy or Telegram's retry hands it to another replica. Each update is taken in the
state database first (bot.state.updates): a retry of an update another replica has
answered is acknowledged (200) and dropped, one that another replica is still
answering waits for that answer (then 200), and one whose replica stopped without
answering (a replica renews its lease while it works) is taken over once its LEASE
has run out (a retry that waited longer than
that gets 503 and comes again). The feed poller does not run in a replica (the
indexer polls: docs/scale-out.md).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from typing import Any, TypeVar

import tornado.web
from sqlalchemy.exc import SQLAlchemyError
from tornado.httpserver import HTTPServer

from bot.state.updates import HandledUpdates, Taken
from bot.telegram.delivery import is_sending
from bot.telegram.incoming import read_update
from bot.telegram.webhook import BODY_SECONDS, IDLE_SECONDS, MAX_BODY, UpdateHandler, _NotFound

logger = logging.getLogger(__name__)
T = TypeVar("T")

LEASE = dt.timedelta(seconds=30)  # after this an update taken by a silent replica is free
LEASE_ENV = "NEWSBOT_REPLICA_LEASE"  # seconds, to shorten it (tests)
RETRY_AFTER = 2  # seconds a retry of an update still being answered is asked to wait
WAIT = 0.2  # seconds between looks at an update another replica is answering
KEPT = dt.timedelta(days=2)  # Telegram gives up retrying an update after about a day
PRUNE_SECONDS = 3600.0
DRAIN_SECONDS = 20.0  # the longest a stopping replica waits for the answers it is giving
ACTIVE = [0]  # webhook requests this process is taking or answering now
ACCEPTING = [True]  # False once the replica is stopping
# Each update this process is answering, done (True: answered) when it is. A second
# delivery to the same replica (the proxy's retry, Telegram's) waits for that answer:
# were it marked answered at once, an answer cut short (the replica killed) would be lost.
ANSWERING: dict[int, asyncio.Future[bool]] = {}
# While an update is handled: marks it answered (once), for `answer_delivered`.
ANSWERING_NOW: ContextVar[Callable[[], Awaitable[None]] | None] = ContextVar(
    "answering_now", default=None)


# The replica's own threads for the state database: the default executor also runs the
# engine's answers, and a lease must be renewed even while all of them are busy.
_DATABASE = ThreadPoolExecutor(4, thread_name_prefix="replica-state")


async def call(fn: Callable[..., T], *args: Any) -> T:
    """`fn(*args)` (a state database call) in the replica's own threads."""
    return await asyncio.get_running_loop().run_in_executor(_DATABASE, fn, *args)


def replica_name() -> str:
    """This replica's name in the state database: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def lease() -> dt.timedelta:
    value = os.environ.get(LEASE_ENV, "")
    return dt.timedelta(seconds=float(value)) if value else LEASE


async def answer_delivered(endpoint: str, data: dict[str, Any]) -> None:
    """After a Bot API call went out (bot.telegram.delivery's `after`): when it put a
    message into a chat while an update is handled, mark that update answered now. What
    the handler does after its answer (the follow-up context, on threads the answers
    share) then no longer lies between the answer and the mark, where a replica killed
    would have its update answered a second time by another."""
    mark = ANSWERING_NOW.get()
    if mark is None or not is_sending(endpoint):
        return
    try:
        await mark()
    except SQLAlchemyError as error:  # marked when the handling ends, or left to the lease
        logger.warning("an answered update not marked yet: %s", type(error).__name__)


class ReplicaUpdateHandler(UpdateHandler):
    """POST /path: one update, handled before it is acknowledged."""

    def initialize(self, bot: Any, queue: Any, secret: str, bot_app: Any = None,
                   updates: HandledUpdates | None = None, owner: str = "") -> None:
        super().initialize(bot, queue, secret)
        self.app, self.updates, self.owner = bot_app, updates, owner

    async def take(self, update_id: int) -> Taken:
        """Take the update; while another replica answers it, wait (up to its lease) for
        that answer, so that a retry is acknowledged rather than refused."""
        assert self.updates is not None
        waited, longest = 0.0, lease().total_seconds() + 1.0
        while True:
            now = dt.datetime.now(dt.UTC)
            taken = await call(self.updates.take, update_id, self.owner, now, lease())
            if taken != "busy" or waited >= longest:
                return taken
            await asyncio.sleep(WAIT)
            waited += WAIT

    async def post(self) -> None:
        """Take the update, handle it, mark it answered; only then the 200."""
        if self.answered:
            return
        if self.verdict is not None:
            self.set_status(self.verdict)
            return
        if not ACCEPTING[0]:  # stopping: a kept-alive connection's request goes elsewhere
            self.set_status(503)
            self.set_header("Retry-After", str(RETRY_AFTER))
            return
        ACTIVE[0] += 1  # from here on the replica waits for it before it stops
        try:
            await self.take_and_answer()
        finally:
            ACTIVE[0] -= 1

    async def take_and_answer(self) -> None:
        try:
            data = json.loads(self.body)
        except ValueError:
            logger.warning("a webhook request that is not JSON was acknowledged and skipped")
            return
        update = read_update(data, self.bot)
        if update is None or self.updates is None:
            return
        taken = await self.take(update.update_id)
        if taken == "answered":
            logger.info("update %s delivered again; answered already, acknowledged",
                        update.update_id)
            return
        if taken == "busy":
            self.set_status(503)
            self.set_header("Retry-After", str(RETRY_AFTER))
            return
        answering = ANSWERING.get(update.update_id)
        if answering is not None:  # this replica is answering it: a retry reached it again
            if not await asyncio.shield(answering):
                self.set_status(500)
            return
        answering = ANSWERING[update.update_id] = asyncio.get_running_loop().create_future()
        answered = False
        try:
            answered = await self.handle(update)
        finally:
            del ANSWERING[update.update_id]
            answering.set_result(answered)
        if not answered:
            self.set_status(500)

    async def handle(self, update: Any) -> bool:
        """Handle a taken update and mark it answered — as soon as its answer went out
        (`answer_delivered`), else when it was handled; False if it could not be."""
        assert self.updates is not None
        updates, marked = self.updates, [False]

        async def mark() -> None:
            if not marked[0]:
                await call(updates.answered, update.update_id, self.owner,
                           dt.datetime.now(dt.UTC))
                marked[0] = True

        renewing = asyncio.create_task(self.renew(update.update_id))
        handling = ANSWERING_NOW.set(mark)
        try:
            await self.app.process_update(update)
        except Exception:
            logger.exception("update %s could not be handled; left for a retry",
                             update.update_id)
            await call(self.updates.give_back, update.update_id, self.owner)
            return False
        finally:
            ANSWERING_NOW.reset(handling)
            renewing.cancel()
        await mark()
        return True

    async def renew(self, update_id: int) -> None:
        """Renew the lease on an update every third of it while it is being answered."""
        assert self.updates is not None
        every = lease().total_seconds() / 3
        while True:
            await asyncio.sleep(every)
            await call(self.updates.renew, update_id, self.owner, dt.datetime.now(dt.UTC))


class ReplicaServer:
    """The HTTP server of one replica."""

    def __init__(self, application: Any, path: str, secret: str, updates: HandledUpdates,
                 ) -> None:
        args = {"bot": application.bot, "queue": application.update_queue, "secret": secret,
                "bot_app": application, "updates": updates, "owner": replica_name()}
        app = tornado.web.Application(
            [(rf"/{path.strip('/')}/?", ReplicaUpdateHandler, args)],
            default_handler_class=_NotFound,
            default_handler_args={k: args[k] for k in ("bot", "queue", "secret")},
            log_function=lambda handler: None,  # no access log: tokens and ids stay out
        )
        self._server = HTTPServer(app, max_body_size=2 * MAX_BODY,
                                  idle_connection_timeout=IDLE_SECONDS,
                                  body_timeout=BODY_SECONDS)

    def listen(self, port: int, address: str) -> None:
        ACCEPTING[0] = True
        self._server.listen(port, address=address)

    async def stop(self) -> None:
        """Stop taking updates, let those being answered finish (DRAIN_SECONDS at most),
        then close the connections: a replica stopped with SIGTERM (a restart, docker
        stop) leaves nothing half answered."""
        self._server.stop()
        ACCEPTING[0] = False
        for _ in range(int(DRAIN_SECONDS / WAIT)):
            if not ACTIVE[0]:
                break
            await asyncio.sleep(WAIT)
        await self._server.close_all_connections()


async def serve_replica(application: Any, *, listen: str, port: int, path: str, secret: str,
                        updates: HandledUpdates) -> None:
    """Serve the replica's webhook on listen:port/path until SIGINT/SIGTERM (the webhook
    itself is not set: docs/scale-out.md)."""
    from bot.telegram.running import _running

    stopped = asyncio.Event()
    async with _running(application, stopped):
        server = ReplicaServer(application, path, secret, updates)
        server.listen(port, listen)
        pruning = asyncio.create_task(prune_handled(updates))
        try:
            await stopped.wait()
        finally:
            pruning.cancel()
            await server.stop()


async def prune_handled(updates: HandledUpdates) -> None:
    """Forget the handled updates older than KEPT, now and every PRUNE_SECONDS (every
    replica does it; the DELETEs are idempotent)."""
    while True:
        try:
            gone = await call(updates.prune, dt.datetime.now(dt.UTC) - KEPT)
            if gone:
                logger.info("forgot %d handled update(s) older than %s", gone, KEPT)
        except SQLAlchemyError as error:
            logger.warning("handled updates not pruned: %s", type(error).__name__)
        await asyncio.sleep(PRUNE_SECONDS)
