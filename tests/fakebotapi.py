"""A small fake Telegram Bot API server for end-to-end tests of the real bot.

Runs stdlib's ThreadingHTTPServer on 127.0.0.1 (random port) in a thread and answers
``POST /bot<token>/<method>`` like Telegram: form-encoded or JSON bodies in (nested values
such as reply_markup arrive as JSON strings), ``{"ok": true, "result": ...}`` out, errors by
HTTP status (400, 401, 403, 409, 429 with ``parameters.retry_after``).

Tests queue updates for getUpdates (`private`, `group`, `channel`, `inline`, `press`,
`member` build realistic ones, entities included), inject faults with `fail`, and wait
for the bot's calls with `wait_for`.

Faults, for the robustness tests and the load benchmark:

- `fail(method, status, retry_after=...)`: an error answer (429, 403, 400, 409 also for
  getUpdates, 500, 502, ...); `fail(method, RESET)` closes the connection without an answer,
  and with ``accept=True`` only after doing the call (the message *was* sent);
- `slow(method, seconds)`: do the call, then answer late (slower than the client timeout);
- `delete(message)`: the message is gone; a reply to it is refused with 400 "message to be
  replied not found" unless the bot allows sending without the reply;
- `redeliver(update)`: deliver the same update_id once more (as Telegram does after a
  missed confirmation or a webhook retry);
- `chaos(...)`: random faults on every call and random repeats of updates, seeded;
- `queue(raw)` takes any JSON, so a test can send updates the library cannot read (a poll
  from an older Bot API, a message without ``date``); `deliveries` counts how often each
  update_id went out and `offsets` records every getUpdates offset.

`delivered(...)` lists the calls Telegram carried out: answered with 200, or accepted
before the answer was lost.

Messages the bot sent are kept as Telegram keeps them (`shown`): editMessageText changes
one in place, and is refused like Telegram refuses it (400 "message to edit not found",
"message is not modified"). getChatMember calls the user ids in `admins` "creator".

Run standalone (``python tests/fakebotapi.py --port 8081 --ask "Wie viele Soldaten?"``) it
serves on 127.0.0.1:PORT, sends the question as a private message, prints the bot's reply
and exits 0 once the bot answered (1 if it did not within ``--timeout`` seconds): what
``deploy/smoke-image.sh`` checks a container with.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import random
import re
import signal
import socket
import struct
import sys
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

TOKEN = "123456789:AAFakeTokenForTestsOnly-abcdefghijkl"
BOT_ID = 123456789
BOT_USERNAME = "newsbot_test_bot"
ANONYMOUS_ADMIN = 1087968824  # the user id Telegram gives every anonymous group admin
INT_PARAMS = {
    "chat_id",
    "message_id",
    "message_thread_id",
    "offset",
    "limit",
    "timeout",
    "cache_time",
    "user_id",
}
TEXT_PARAMS = {"text", "caption", "query", "data", "description", "title"}
LONG_POLL_CAP = 0.5  # seconds a getUpdates call may hang, whatever timeout it asks for
RESET = 0  # a "status" that closes the connection without any answer
REPLIED_NOT_FOUND = "Bad Request: message to be replied not found"
EDIT_NOT_FOUND = "Bad Request: message to edit not found"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)

Json = dict[str, Any]


@dataclass
class Call:
    """One request the bot made."""

    method: str
    params: Json
    status: int = 200  # RESET (0) if the connection was closed without an answer
    result: Any = None
    accepted: bool = False  # carried out, even if its answer was an error or lost
    replied: bool = False  # its successful answer is on its way back to the bot
    at: float = field(default_factory=time.monotonic)  # when it was carried out or refused

    @property
    def ok(self) -> bool:
        """Whether the fake answered it with success."""
        return self.status == 200


@dataclass
class Fault:
    """Answer the next `times` matching calls with an error."""

    method: str
    status: int
    times: int
    retry_after: float | None = None  # Telegram sends whole seconds; tests may go faster
    chat_id: int | None = None
    description: str = ""
    delay: float = 0.0  # seconds to wait before answering
    accept: bool = False  # carry the call out before failing (a lost answer)


@dataclass
class Chaos:
    """Random faults: each call of `methods` fails with a status at its rate."""

    rates: dict[int, float]  # status (RESET, 429, 500, 502, ...) -> probability
    methods: frozenset[str]
    retry_after: float = 1
    duplicates: float = 0.0  # probability that an update is delivered twice
    rng: random.Random = field(default_factory=random.Random)

    def pick(self, method: str) -> Fault | None:
        if method not in self.methods:
            return None
        roll = self.rng.random()
        for status, rate in self.rates.items():
            if roll < rate:
                retry_after = self.retry_after if status == 429 else None
                return Fault(method, status, 1, retry_after)
            roll -= rate
        return None


@dataclass
class FakeBotAPI:
    """The fake server; use as a context manager or call start()/stop()."""

    token: str = TOKEN
    admins: set[int] = field(default_factory=set)  # user ids getChatMember calls "creator"
    calls: list[Call] = field(default_factory=list)
    _updates: list[Json] = field(default_factory=list)
    _faults: list[Fault] = field(default_factory=list)
    _lock: threading.Condition = field(default_factory=threading.Condition)
    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))
    long_poll: bool = True  # set False before stopping the bot, so it stops at once
    _server: ThreadingHTTPServer | None = None
    _redeliver: list[Json] = field(default_factory=list)
    _deleted: set[tuple[int, int]] = field(default_factory=set)
    _chaos: Chaos | None = None
    queued_at: dict[int, float] = field(default_factory=dict)  # update_id -> when queued
    repeated: int = 0  # updates delivered a second time (redeliver, chaos)
    deliveries: Counter[int] = field(default_factory=Counter)  # update_id -> times sent
    offsets: list[int] = field(default_factory=list)  # the offset of every getUpdates
    shown: dict[tuple[int, int], Json] = field(default_factory=dict)  # the bot's messages now

    # ---- life cycle -------------------------------------------------------------------
    def start(self, port: int = 0) -> FakeBotAPI:
        """Listen on 127.0.0.1 at `port` (0: a free one), serving from a daemon thread."""
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                api._handle(self)

            do_GET = do_POST

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        """Shut the server down."""
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeBotAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """What the bot's `api_base_url` setting should be."""
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # ---- what tests call --------------------------------------------------------------
    def queue(self, update: Json) -> Json:
        """Queue an update for getUpdates (update_id is assigned)."""
        with self._lock:
            update = {"update_id": next(self._update_ids), **update}
            self._updates.append(update)
            self.queued_at[update["update_id"]] = time.monotonic()
            self._lock.notify_all()
        return update

    def last_update(self) -> Json:
        """The update queued last (to deliver it again with `redeliver`)."""
        with self._lock:
            update_id = max(self.queued_at)
            return next(u for u in self._updates if u["update_id"] == update_id)

    def redeliver(self, update: Json) -> None:
        """Deliver `update` (same update_id) once more with the next getUpdates."""
        with self._lock:
            self._redeliver.append(update)
            self._lock.notify_all()

    def delete(self, message: Json) -> None:
        """Delete `message`: replies to it now need allow_sending_without_reply."""
        with self._lock:
            self._deleted.add((message["chat"]["id"], message["message_id"]))

    def slow(
        self, method: str, seconds: float, *, times: int = 1, chat_id: int | None = None
    ) -> None:
        """Carry out the next `times` calls of `method`, but answer only after `seconds`."""
        with self._lock:
            self._faults.append(Fault(method, 200, times, None, chat_id, delay=seconds))

    def chaos(
        self,
        rates: dict[int, float],
        *,
        methods: tuple[str, ...] = ("sendMessage",),
        duplicates: float = 0.0,
        retry_after: float = 1,
        seed: int = 7,
    ) -> None:
        """From now on fail calls of `methods` at random (status -> rate), seeded."""
        with self._lock:
            self._chaos = Chaos(
                rates, frozenset(methods), retry_after, duplicates, random.Random(seed)
            )

    def calm(self) -> None:
        """Stop the random faults of `chaos`."""
        with self._lock:
            self._chaos = None

    def delivered(self, method: str, **match: Any) -> list[Call]:
        """Calls of `method` with `match` that were carried out, answer lost or not."""
        with self._lock:
            return [
                c for c in self.calls if c.method == method and c.accepted and _matches(c, match)
            ]

    def fail(
        self,
        method: str,
        status: int,
        *,
        times: int = 1,
        retry_after: float | None = None,
        chat_id: int | None = None,
        description: str = "",
        accept: bool = False,
    ) -> None:
        """Answer the next `times` calls of `method` (to `chat_id`, if given) with an error.

        `status` RESET closes the connection without an answer; `accept` carries the call
        out first, so only the answer is lost.
        """
        fault = Fault(method, status, times, retry_after, chat_id, description, accept=accept)
        with self._lock:
            self._faults.append(fault)

    def message_now(self, message: Json) -> Json:
        """How the bot's `message` looks now (after any edits)."""
        with self._lock:
            return self.shown[(message["chat"]["id"], message["message_id"])]

    def sent(self, method: str, **match: Any) -> list[Call]:
        """Successful calls of `method` whose params contain `match`."""
        with self._lock:
            return [c for c in self.calls if c.method == method and c.ok and _matches(c, match)]

    def attempts(self, method: str, **match: Any) -> list[Call]:
        """All calls of `method` with `match`, failed ones included."""
        with self._lock:
            return [c for c in self.calls if c.method == method and _matches(c, match)]

    async def wait_for(
        self, method: str, *, count: int = 1, timeout: float = 15.0, **match: Any
    ) -> list[Call]:
        """Wait until the bot made `count` successful calls of `method` matching `match`
        (the timeout only bounds a failing test: a loaded CI machine can be slow)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.sent(method, **match)
            if len(found) >= count:
                return found
            await asyncio.sleep(0.01)
        seen = [(c.method, c.params) for c in self.calls if c.method != "getUpdates"]
        raise AssertionError(f"no {count}x {method} {match} within {timeout}s; calls: {seen}")

    async def reply_to(self, message: Json, timeout: float = 15.0) -> Json:
        """The params of the bot's sendMessage that replies to `message`."""
        chat_id, message_id = message["chat"]["id"], message["message_id"]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for call in self.sent("sendMessage", chat_id=chat_id):
                if (call.params.get("reply_parameters") or {}).get("message_id") == message_id:
                    return call.params
            await asyncio.sleep(0.02)
        raise AssertionError(f"no reply to {message.get('text')!r}; calls: {self.calls}")

    # ---- update builders --------------------------------------------------------------
    def user(self, user_id: int = 1001, language_code: str = "de", name: str = "Ada") -> Json:
        """A Telegram user object."""
        return {"id": user_id, "is_bot": False, "first_name": name, "language_code": language_code}

    def message(self, text: str, chat: Json, sender: Json | None = None, **extra: Any) -> Json:
        """A message object with the entities Telegram would compute for `text`."""
        message: Json = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "text": text,
            **extra,
        }
        if sender is not None:
            message["from"] = sender
        entities = _entities(text)
        if entities:
            message["entities"] = entities
        return message

    def private(self, text: str, user: Json | None = None, reply_to: Json | None = None) -> Json:
        """Queue a private-chat text message (a reply to `reply_to`); returns the message."""
        user = user or self.user()
        chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        extra = {"reply_to_message": reply_to} if reply_to is not None else {}
        message = self.message(text, chat, user, **extra)
        self.queue({"message": message})
        return message

    def group(
        self,
        text: str,
        chat_id: int = -1001234567890,
        user: Json | None = None,
        thread_id: int | None = None,
        reply_to: Json | None = None,
    ) -> Json:
        """Queue a supergroup message (in a forum topic if `thread_id`); returns it."""
        chat: Json = {"id": chat_id, "type": "supergroup", "title": "Newsroom"}
        extra: Json = {}
        if thread_id is not None:
            chat["is_forum"] = True
            extra.update(message_thread_id=thread_id, is_topic_message=True)
        if reply_to is not None:
            extra["reply_to_message"] = reply_to
        message = self.message(text, chat, user or self.user(), **extra)
        self.queue({"message": message})
        return message

    def anonymous(self, text: str, chat_id: int = -1001234567890) -> Json:
        """Queue a message from an anonymous group admin (as GroupAnonymousBot); returns it."""
        chat: Json = {"id": chat_id, "type": "supergroup", "title": "Newsroom"}
        sender = {"id": ANONYMOUS_ADMIN, "is_bot": True, "first_name": "Group",
                  "username": "GroupAnonymousBot"}  # fmt: skip
        message = self.message(text, chat, sender, sender_chat=chat)
        self.queue({"message": message})
        return message

    def channel(self, text: str, chat_id: int = -1009876543210) -> Json:
        """Queue a channel post; returns it."""
        chat = {"id": chat_id, "type": "channel", "title": "News channel"}
        message = self.message(text, chat, sender_chat=chat)
        self.queue({"channel_post": message})
        return message

    def inline(self, query: str, user: Json | None = None) -> str:
        """Queue an inline query; returns its id."""
        query_id = f"iq{next(self._update_ids)}"
        self.queue(
            {
                "inline_query": {
                    "id": query_id,
                    "from": user or self.user(),
                    "query": query,
                    "offset": "",
                }
            }
        )
        return query_id

    def press(self, data: str, message: Json, user: Json | None = None) -> str:
        """Queue a button press on `message` (a message the bot sent); returns the query id."""
        query_id = f"cq{next(self._update_ids)}"
        self.queue(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user or self.user(),
                    "chat_instance": "ci-1",
                    "data": data,
                    "message": message,
                }
            }
        )
        return query_id

    def member(self, chat: Json, status: str, user: Json | None = None) -> Json:
        """Queue a my_chat_member update: the bot's own status in `chat` became `status`
        ("kicked" when a user blocks it or an admin bans it, "left" when it was removed,
        "member" when it was added); returns the update."""
        me = {"id": BOT_ID, "is_bot": True, "first_name": "Newsbot", "username": BOT_USERNAME}
        new: Json = {"status": status, "user": me}
        if status == "kicked":
            new["until_date"] = 0
        change = {"chat": chat, "from": user or self.user(), "date": int(time.time()),
                  "old_chat_member": {"status": "member", "user": me},
                  "new_chat_member": new}  # fmt: skip
        return self.queue({"my_chat_member": change})

    # ---- the server side ------------------------------------------------------------
    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        match = re.fullmatch(r"/bot([^/]+)/(\w+)", request.path.split("?")[0])
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        if match is None:
            self._reply(request, 404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        token, method = match.groups()
        if token != self.token:
            self._reply(
                request, 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
            )
            return
        params = _params(body, request.headers.get("Content-Type", ""))
        fault = self._take_fault(method, params)
        if method == "getUpdates":
            if fault is not None and fault.status != 200:
                self._fail(request, Call(method, params), fault)
            else:
                self._reply(request, 200, {"ok": True, "result": self._get_updates(params)})
            return
        call = Call(method, params)
        if fault is not None and fault.status != 200 and not fault.accept:
            self._fail(request, call, fault)
            return
        refusal = (
            _telegram_would_refuse(method, params)
            or self._reply_refused(method, params)
            or self._edit_refused(method, params)
        )
        if refusal is not None:
            self._fail(request, call, refusal)
            return
        try:
            call.result = self._result(method, params)
        except KeyError:
            self._fail(request, call, Fault(method, 404, 1, description="Not Found"))
            return
        call.accepted = True
        if fault is not None and fault.status != 200:  # carried out, but the answer is lost
            self._fail(request, call, fault)
            return
        with self._lock:
            self.calls.append(call)
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        call.replied = True
        self._reply(request, 200, {"ok": True, "result": call.result})

    def _fail(self, request: BaseHTTPRequestHandler, call: Call, fault: Fault) -> None:
        """Record `call` as failed and answer it with `fault` (or drop the connection)."""
        call.status, call.at = fault.status, time.monotonic()
        with self._lock:
            self.calls.append(call)
        if fault.delay:
            time.sleep(fault.delay)
        if fault.status == RESET:
            _reset(request)
            return
        payload: Json = {
            "ok": False,
            "error_code": fault.status,
            "description": fault.description or _DESCRIPTIONS.get(fault.status, "Error"),
        }
        if fault.retry_after is not None:
            payload["parameters"] = {"retry_after": fault.retry_after}
        self._reply(request, fault.status, payload)

    def _reply_refused(self, method: str, params: Json) -> Fault | None:
        """400 for a reply to a deleted message, as Telegram does without the allow flag."""
        reply_to = params.get("reply_parameters") or {}
        if method != "sendMessage" or not isinstance(reply_to, dict):
            return None
        target = (params.get("chat_id"), reply_to.get("message_id"))
        with self._lock:
            gone = target in self._deleted
        if gone and not reply_to.get("allow_sending_without_reply"):
            return Fault(method, 400, 1, description=REPLIED_NOT_FOUND)
        return None

    def _edit_refused(self, method: str, params: Json) -> Fault | None:
        """400 for an edit of a message the bot never sent, or one that changes nothing."""
        if method != "editMessageText":
            return None
        with self._lock:
            current = self.shown.get((params.get("chat_id"), params.get("message_id")))
        if current is None:
            return Fault(method, 400, 1, description=EDIT_NOT_FOUND)
        same_text = current.get("html") == str(params.get("text", ""))
        if same_text and current.get("reply_markup") == params.get("reply_markup"):
            return Fault(method, 400, 1, description=NOT_MODIFIED)
        return None

    def _reply(self, request: BaseHTTPRequestHandler, status: int, payload: Json) -> None:
        data = json.dumps(payload).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            request.wfile.write(data)  # fails if the bot stopped during a long poll

    def _take_fault(self, method: str, params: Json) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                chat_ok = fault.chat_id is None or params.get("chat_id") == fault.chat_id
                if fault.method == method and fault.times > 0 and chat_ok:
                    fault.times -= 1
                    return fault
            return self._chaos.pick(method) if self._chaos else None

    def _get_updates(self, params: Json) -> list[Json]:
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), LONG_POLL_CAP) if self.long_poll else 0
        deadline = time.monotonic() + wait
        with self._lock:
            self.offsets.append(offset)
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and not self._redeliver and time.monotonic() < deadline:
                self._lock.wait(deadline - time.monotonic())
            again, self._redeliver = self._redeliver, []
            self.repeated += len(again)
            batch = list(self._updates[: int(params.get("limit") or 100)])
            if self._chaos and self._chaos.duplicates:
                rng, rate = self._chaos.rng, self._chaos.duplicates
                self._redeliver = [u for u in batch if rng.random() < rate]
            self.deliveries.update(u["update_id"] for u in again + batch)
            return again + batch  # repeats first: the offset follows the newest update

    def _result(self, method: str, params: Json) -> Any:
        if method == "getMe":
            return {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "Newsbot",
                "username": BOT_USERNAME,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": True,
            }
        if method in ("sendMessage", "editMessageText"):
            return self._sent_message(params)
        if method == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        if method == "getChatMember":
            user = {"id": params["user_id"], "is_bot": False, "first_name": "Member"}
            if params["user_id"] in self.admins:
                return {"status": "creator", "user": user, "is_anonymous": False}
            return {"status": "member", "user": user}
        if method in _TRUE_METHODS:
            return True
        raise KeyError(method)

    def _sent_message(self, params: Json) -> Json:
        chat_id = params["chat_id"]
        chat_type = "private" if chat_id > 0 else "supergroup"
        message: Json = {
            "message_id": params.get("message_id") or next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": chat_type},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Newsbot"},
            "text": re.sub(r"<[^>]+>", "", str(params.get("text", ""))),
        }
        if "message_thread_id" in params:
            message.update(message_thread_id=params["message_thread_id"], is_topic_message=True)
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        with self._lock:
            self.shown[(chat_id, message["message_id"])] = {**message, "html": params.get("text")}
        return message


_TRUE_METHODS = {
    "answerCallbackQuery",
    "answerInlineQuery",
    "setMyCommands",
    "deleteMyCommands",
    "setWebhook",
    "deleteWebhook",
    "close",
    "logOut",
    "sendChatAction",
    "editMessageReplyMarkup",
    "setMyDescription",
    "setMyShortDescription",
}
_DESCRIPTIONS = {
    400: "Bad Request: message text is empty",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    409: "Conflict: terminated by other getUpdates request",
    429: "Too Many Requests: retry later",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


async def start_polling(
    app: Any, post_init: bool = False, error_callback: Callable[[Exception], None] | None = None,
) -> None:
    """Start the real Application and let it poll the fake server."""
    await app.initialize()
    if post_init:
        assert app.post_init is not None
        await app.post_init(app)
    await app.start()
    await app.updater.start_polling(timeout=1, error_callback=error_callback)


async def stop_polling(api: FakeBotAPI, app: Any) -> None:
    """End the long polls, then stop and shut the Application down."""
    api.long_poll = False
    await app.updater.stop()
    await app.stop()
    await app.shutdown()


@contextlib.asynccontextmanager
async def polling(api: FakeBotAPI, app: Any, post_init: bool = False) -> AsyncIterator[Any]:
    """The Application polling `api` for the duration of the block."""
    await start_polling(app, post_init)
    try:
        yield app
    finally:
        await stop_polling(api, app)


def main(argv: list[str] | None = None) -> int:
    """Serve on a fixed port, ask one question in a private chat, print the bot's reply."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=TOKEN)
    parser.add_argument("--ask", default="Wie viele Soldaten?", help="the question to send")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait")
    parser.add_argument("--stay", action="store_true",
                        help="after the answer, go on serving until SIGTERM (so the bot stops "
                             "cleanly); the exit code still says whether it answered")
    args = parser.parse_args(argv)
    api = FakeBotAPI(token=args.token).start(args.port)
    print(f"fake Bot API on {api.base_url}, asking {args.ask!r}", flush=True)
    question = api.private(args.ask)
    try:
        reply = asyncio.run(api.reply_to(question, timeout=args.timeout))
    except AssertionError:
        print(f"no answer within {args.timeout:.0f} s", file=sys.stderr)
        api.stop()
        return 1
    print(f"answered: {re.sub(r'<[^>]+>', '', reply['text'])}", flush=True)
    if args.stay:
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        stop.wait()
    api.long_poll = False
    time.sleep(0.6)  # let a waiting getUpdates return before the server goes
    api.stop()
    return 0


def _reset(request: BaseHTTPRequestHandler) -> None:
    """Close the connection at once (RST), without a byte of answer."""
    request.close_connection = True
    with contextlib.suppress(OSError):
        request.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        request.connection.close()


def _telegram_would_refuse(method: str, params: Json) -> Fault | None:
    """A 400 for messages Telegram would not take: bad HTML or over 4096 characters."""
    texts: list[tuple[str, Any]] = []
    if method in ("sendMessage", "editMessageText"):
        texts.append((str(params.get("text", "")), params.get("parse_mode")))
    if method == "answerInlineQuery":
        for result in params.get("results") or []:
            content = result.get("input_message_content") or {}
            texts.append((str(content.get("message_text", "")), content.get("parse_mode")))
    for text, parse_mode in texts:
        problem = html_problem(text) if parse_mode == "HTML" else None
        if problem is None and not text.strip():
            problem = "message text is empty"
        if problem is None and len(text.encode("utf-16-le")) // 2 > 4096:
            problem = "message is too long"
        if problem:
            return Fault(method, 400, 1, description=f"Bad Request: {problem}")
    return None


ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
    "a", "tg-emoji", "code", "pre", "blockquote",
}  # fmt: skip


def html_problem(text: str) -> str | None:
    """Why Telegram would reject `text` as HTML (None if it would accept it)."""
    checker = _HTMLChecker()
    try:
        checker.feed(text)
        checker.close()
    except ValueError as exc:
        return f"can't parse entities: {exc}"
    if checker.open_tags:
        return f"can't parse entities: unclosed <{checker.open_tags[-1]}>"
    return None


class _HTMLChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open_tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            raise ValueError(f"unsupported start tag <{tag}>")
        self.open_tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open_tags or self.open_tags.pop() != tag:
            raise ValueError(f"unexpected end tag </{tag}>")

    def handle_data(self, data: str) -> None:
        if any(c in data for c in "<>&"):
            raise ValueError(f"unescaped character in {data[:40]!r}")

    def handle_entityref(self, name: str) -> None:
        if name not in ("lt", "gt", "amp", "quot"):
            raise ValueError(f"unsupported entity &{name};")


def _params(body: bytes, content_type: str) -> Json:
    """Decode a request body the way Telegram does: form fields, nested values as JSON."""
    if not body:
        return {}
    if "json" in content_type:
        data = json.loads(body)
        return data if isinstance(data, dict) else {}
    params: Json = {}
    for key, value in parse_qsl(body.decode(), keep_blank_values=True):
        params[key] = _value(key, value)
    return params


def _value(key: str, value: str) -> Any:
    if key in TEXT_PARAMS:
        return value
    if key in INT_PARAMS and re.fullmatch(r"-?\d+", value):
        return int(value)
    if value in ("true", "false"):
        return value == "true"
    if value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _entities(text: str) -> list[Json]:
    """bot_command at the start and @mentions, with UTF-16 offsets as Telegram sends them."""
    entities: list[Json] = []
    for match in re.finditer(r"(?:^/\w+(?:@\w+)?)|(?:@\w{5,32})", text):
        kind = "bot_command" if match.group().startswith("/") else "mention"
        offset = len(text[: match.start()].encode("utf-16-le")) // 2
        length = len(match.group().encode("utf-16-le")) // 2
        entities.append({"type": kind, "offset": offset, "length": length})
    return entities


def _matches(call: Call, match: Json) -> bool:
    return all(call.params.get(key) == value for key, value in match.items())


if __name__ == "__main__":
    sys.exit(main())
