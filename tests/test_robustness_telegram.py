"""Red team, round 2 (issue 12): the Telegram attacks, each reproduced end to end.

- an update python-telegram-bot cannot read (a poll from an older Bot API server, a message
  without ``date``, a field of the wrong type) is logged once and skipped, polling or webhook;
- a 401 on getUpdates ends `serve` with a clear line and exit code 1;
- the webhook checks the secret before it reads a body, caps the body, takes a charset,
  and listens on 127.0.0.1 unless told otherwise;
- Telegram `/add` takes http(s) addresses only and never looks at the server's files;
- one question budget per sender covers questions, inline queries, "More" and the
  commands that search or list, with anonymous admins counted per group;
- every button press gets an answer, and an unknown command a hint.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import logging
import os
import re
import signal
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fakebotapi import TOKEN, FakeBotAPI, polling
from test_telegram_serve import free_port, run_serve

from bot import cli
from bot.engine import Engine
from bot.telegram import admin, webhook
from bot.telegram import app as telegram_app
from bot.telegram.app import build_application
from bot.telegram.config import AnswerSettings, Config, RateLimitSettings, WebhookSettings

QUESTION = "Wie viele Soldaten?"
SECRET = "webhook-Secret_0123456789abcdef"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ADMIN = 7001
Json = dict[str, Any]


@pytest.fixture(autouse=True)
def _no_api_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSBOT_API_BASE_URL", raising=False)


@contextlib.asynccontextmanager
async def running(api: FakeBotAPI, engine: Engine, **settings: Any) -> AsyncIterator[Any]:
    """The real Application polling `api` with `settings` in its config."""
    app = build_application(Config(api_base_url=api.base_url, **settings), engine, TOKEN)
    async with polling(api, app):
        yield app


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait until `condition()` holds; fail if it does not within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


def mentions(caplog: pytest.LogCaptureFixture, update_id: int) -> list[logging.LogRecord]:
    """The log records that name update `update_id`."""
    pattern = re.compile(rf"\bupdate {update_id}\b")
    return [r for r in caplog.records if pattern.search(r.getMessage())]


# ---- updates the library cannot read -------------------------------------------------------

CHAT = {"id": 1001, "type": "private", "first_name": "Ada"}
OLD_POLL = {  # as an older or self-hosted Bot API server sends it: no allows_revoting, ...
    "id": "5", "question": "Wer?", "options": [{"text": "A", "voter_count": 0}],
    "total_voter_count": 0, "is_closed": False, "is_anonymous": True, "type": "regular",
    "allows_multiple_answers": False,
}  # fmt: skip
UNREADABLE: dict[str, Json] = {
    "poll from an older Bot API": {
        "message": {"message_id": 9001, "date": 1, "chat": CHAT, "poll": OLD_POLL}
    },
    "message without date": {"message": {"message_id": 9002, "chat": CHAT, "text": QUESTION}},
    "message without chat": {"message": {"message_id": 9003, "date": 1, "text": QUESTION}},
    "date of the wrong type": {
        "message": {"message_id": 9004, "date": "gestern", "chat": CHAT, "text": QUESTION}
    },
    "entities of the wrong type": {
        "message": {"message_id": 9005, "date": 1, "chat": CHAT, "text": "x", "entities": "b"}
    },
    "button press without a sender": {
        "callback_query": {"id": "cq1", "chat_instance": "c", "data": "m|x|y|3"}
    },
}


@pytest.mark.parametrize("kind", UNREADABLE)
async def test_polling_skips_an_unreadable_update_and_logs_it_once(
    fake_api: FakeBotAPI, bundled_engine: Engine, caplog: pytest.LogCaptureFixture, kind: str
) -> None:
    caplog.set_level(logging.INFO)
    async with running(fake_api, bundled_engine):
        first = fake_api.queue(UNREADABLE[kind])
        answered = fake_api.private(QUESTION)  # after it, in the same batch or the next
        await fake_api.reply_to(answered)
        last = fake_api.queue(UNREADABLE[kind])  # alone in its batch, the newest update
        await until(lambda: max(fake_api.offsets) > last["update_id"])
        after = fake_api.private(QUESTION, fake_api.user(1002))
        await fake_api.reply_to(after)
    for update in (first, last):
        assert fake_api.deliveries[update["update_id"]] == 1
        [record] = mentions(caplog, update["update_id"])
        assert record.levelno == logging.WARNING and "skipped" in record.getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@contextlib.asynccontextmanager
async def webhook_bot(api: FakeBotAPI, engine: Engine, **settings: Any) -> AsyncIterator[str]:
    """The real Application serving a webhook on 127.0.0.1; yields the webhook's URL."""
    config = Config(
        api_base_url=api.base_url, webhook=WebhookSettings(secret_token=SECRET), **settings
    )
    app = build_application(config, engine, TOKEN)
    port = free_port()
    await app.initialize()
    await app.start()
    server = await webhook.start(
        app, url="https://example.org/hook", listen="127.0.0.1", port=port, path="hook",
        secret=SECRET,
    )  # fmt: skip
    try:
        yield f"http://127.0.0.1:{port}/hook"
    finally:
        await server.stop()
        await app.stop()
        await app.shutdown()


async def post(url: str, update: Json, content_type: str = "application/json") -> int:
    """POST `update` with the secret, as Telegram does; the HTTP status."""
    headers = {SECRET_HEADER: SECRET, "Content-Type": content_type}
    async with httpx.AsyncClient() as client:
        response = await client.post(url, content=json.dumps(update), headers=headers)
    return response.status_code


async def test_webhook_acknowledges_an_unreadable_update_and_answers_the_next(
    fake_api: FakeBotAPI, bundled_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with webhook_bot(fake_api, bundled_engine) as url:
        for number, kind in enumerate(UNREADABLE, 100):
            assert await post(url, {"update_id": number, **UNREADABLE[kind]}) == 200
        message = fake_api.message(QUESTION, CHAT, fake_api.user())
        assert await post(url, {"update_id": 200, "message": message}) == 200
        await fake_api.reply_to(message)
    for number in range(100, 100 + len(UNREADABLE)):
        [record] = mentions(caplog, number)
        assert record.levelno == logging.WARNING and "skipped" in record.getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_webhook_takes_json_with_a_charset(
    fake_api: FakeBotAPI, bundled_engine: Engine
) -> None:
    async with webhook_bot(fake_api, bundled_engine) as url:
        message = fake_api.message(QUESTION, CHAT, fake_api.user())
        update = {"update_id": 1, "message": message}
        assert await post(url, update, "application/json; charset=utf-8") == 200
        await fake_api.reply_to(message)


async def test_webhook_refuses_other_media_and_acknowledges_junk(
    fake_api: FakeBotAPI, bundled_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    headers = {SECRET_HEADER: SECRET, "Content-Type": "text/plain"}
    async with webhook_bot(fake_api, bundled_engine) as url, httpx.AsyncClient() as client:
        message = fake_api.message(QUESTION, CHAT, fake_api.user())
        refused = await client.post(url, content=json.dumps(message), headers=headers)
        headers["Content-Type"] = "application/json"
        junk = await client.post(url, content=b"{not json", headers=headers)
        elsewhere = await client.post(url + "/../other", content=b"{}", headers=headers)
    assert (refused.status_code, junk.status_code, elsewhere.status_code) == (415, 200, 404)
    assert len([r for r in caplog.records if "not JSON" in r.getMessage()]) == 1
    assert not fake_api.sent("sendMessage")


async def raw_request(url: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    """Send a POST's headers (and `body`, maybe less than announced); what comes back."""
    parts = httpx.URL(url)
    reader, writer = await asyncio.open_connection(parts.host, parts.port)
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    try:
        writer.write(f"POST {parts.path} HTTP/1.1\r\nHost: {parts.host}\r\n{head}\r\n".encode())
        writer.write(body)
        await writer.drain()
    except ConnectionError:
        pass  # the server closed the connection: it did not want the rest
    try:
        return await asyncio.wait_for(reader.read(65536), timeout=5)
    except ConnectionError:
        return b""
    finally:
        writer.close()


def status_of(answer: bytes) -> int | None:
    """The status code of a raw HTTP answer, None if there was none."""
    line = answer.split(b"\r\n", 1)[0].split(b" ")
    return int(line[1]) if len(line) > 1 and line[1].isdigit() else None


@pytest.mark.parametrize(("secret", "expected"), [(None, 403), ("wrong", 403), (SECRET, 413)])
async def test_webhook_refuses_before_reading_a_huge_body(
    fake_api: FakeBotAPI, bundled_engine: Engine, secret: str | None, expected: int
) -> None:
    async with webhook_bot(fake_api, bundled_engine) as url:
        headers = {"Content-Type": "application/json", "Content-Length": str(90 * 2**20)}
        if secret:
            headers[SECRET_HEADER] = secret
        answer = await raw_request(url, headers, b'{"update_id": 1, ')  # and nothing more
        assert status_of(answer) == expected
        message = fake_api.message(QUESTION, CHAT, fake_api.user())
        assert await post(url, {"update_id": 2, "message": message}) == 200
        await fake_api.reply_to(message)  # the bot still answers


async def test_webhook_caps_a_chunked_body(fake_api: FakeBotAPI, bundled_engine: Engine) -> None:
    async with webhook_bot(fake_api, bundled_engine) as url:
        headers = {
            "Content-Type": "application/json", "Transfer-Encoding": "chunked",
            SECRET_HEADER: SECRET,
        }  # fmt: skip
        chunk = b" " * 65536
        body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(40))  # 2.5 MB
        answer = await raw_request(url, headers, body + b"0\r\n\r\n")
        # 413, or (when the refused rest was still arriving) the connection simply closed
        assert status_of(answer) in (413, None)
        message = fake_api.message(QUESTION, CHAT, fake_api.user())
        assert await post(url, {"update_id": 2, "message": message}) == 200
        await fake_api.reply_to(message)
        assert len(fake_api.sent("sendMessage")) == 1


def test_webhook_listens_on_loopback_by_default() -> None:
    args = cli.build_parser().parse_args(["serve", "--webhook-url", "https://x.example/h"])
    assert args.listen == "127.0.0.1"
    assert inspect.signature(telegram_app.serve).parameters["listen"].default == "127.0.0.1"


# ---- a token revoked while polling ---------------------------------------------------------


async def test_401_while_polling_ends_serve_with_a_clear_line(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    process = run_serve(fake_api, TOKEN, tmp_path)
    try:
        await fake_api.wait_for("setMyCommands", count=4, timeout=60)
        await fake_api.reply_to(fake_api.private(QUESTION), timeout=10)
        fake_api.fail("getUpdates", 401, times=10_000)
        out, err = await asyncio.to_thread(process.communicate, timeout=30)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.communicate()
    assert process.returncode == 1, err
    last = err.strip().splitlines()[-1]
    assert last.startswith("newsbot: Telegram rejected the bot token in TELEGRAM_BOT_TOKEN")
    assert "@BotFather" in last
    refused = [c for c in fake_api.attempts("getUpdates") if c.status == 401]
    assert 1 <= len(refused) <= 2  # no loop of refused polls
    assert "Traceback" not in err and TOKEN not in out + err
    assert len(err.splitlines()) < 20


# ---- /add from Telegram --------------------------------------------------------------------


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    """A file only the server should read."""
    path = tmp_path / "server" / "secret.env"
    path.parent.mkdir()
    path.write_text("TELEGRAM_BOT_TOKEN=do-not-quote-me\n", encoding="utf-8")
    return path


async def test_admin_add_takes_web_addresses_only(
    fake_api: FakeBotAPI,
    bundled_engine: Engine,
    tmp_path: Path,
    secret_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    added: list[list[str]] = []
    looked_at: list[str] = []
    real_stat = os.stat

    def spy_add(sources: list[str], *args: Any) -> Any:
        added.append(sources)
        raise AssertionError("nothing may be added here")

    def spy_stat(path: Any, *args: Any, **kwargs: Any) -> Any:
        if "server" in str(path) or "nowhere" in str(path):
            looked_at.append(str(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(admin, "add", spy_add)
    monkeypatch.setattr(os, "stat", spy_stat)
    missing = secret_file.parent / "nowhere.txt"
    attempts = [
        str(secret_file), str(missing), f"file://{secret_file}", "~/.bashrc",
        "../server/secret.env", "server/secret.env", "C:\\server\\secret.env",
        f"http:{secret_file}", "ftp://example.org/a.html", "javascript:alert(1)",
        "www.example.org/a.html",
    ]  # fmt: skip
    knowledge = tmp_path / "knowledge"
    async with running(fake_api, bundled_engine, admins=frozenset({ADMIN}), knowledge=knowledge):
        replies = []
        for target in attempts:
            message = fake_api.private(f"/add {target}", fake_api.user(ADMIN, "en"))
            replies.append((await fake_api.reply_to(message))["text"])
    assert not added and not looked_at
    assert len(set(replies)) == 1, replies  # the same words whether the path exists or not
    assert "https://" in replies[0] and "newsbot add" in replies[0]
    assert "secret" not in replies[0] and "nowhere" not in replies[0]


# ---- one question budget per sender ---------------------------------------------------------

TWO_A_MINUTE = {"rate_limit": RateLimitSettings(questions_per_minute=2)}


def results_of(api: FakeBotAPI) -> list[int]:
    """How many results each answerInlineQuery offered."""
    return [len(c.params["results"]) for c in api.sent("answerInlineQuery")]


async def test_inline_queries_share_the_question_budget(
    fake_api: FakeBotAPI, bundled_engine: Engine
) -> None:
    async with running(fake_api, bundled_engine, **TWO_A_MINUTE):
        for _ in range(5):
            fake_api.inline(QUESTION)
        await fake_api.wait_for("answerInlineQuery", count=3)
        other = fake_api.inline(QUESTION, fake_api.user(1002))
        await fake_api.wait_for("answerInlineQuery", inline_query_id=other)
        await fake_api.reply_to(fake_api.private(QUESTION, fake_api.user(1003)))
    offered = results_of(fake_api)
    assert sum(1 for n in offered if n) == 3  # two from the first user, one from the other
    refusal = [c for c in fake_api.sent("answerInlineQuery") if not c.params["results"]]
    assert len(refusal) == 1 and "Minute" in refusal[0].params["button"]["text"]
    assert refusal[0].params["cache_time"] == 0  # a refusal must not be cached for all users


async def test_more_presses_and_questions_share_the_budget(
    fake_api: FakeBotAPI, bundled_engine: Engine
) -> None:
    settings = {**TWO_A_MINUTE, "answer": AnswerSettings(top=1)}
    async with running(fake_api, bundled_engine, **settings):
        await fake_api.reply_to(fake_api.private(QUESTION))  # first of two
        answer = fake_api.sent("sendMessage", chat_id=1001)[0]
        more = answer.params["reply_markup"]["inline_keyboard"][-1][0]["callback_data"]
        assert more.startswith("n|")  # "More"
        fake_api.press(more, answer.result)  # second
        await fake_api.wait_for("editMessageText", chat_id=1001)  # shown in the same message
        over = fake_api.press(more, answer.result)  # over the budget: told so
        [told] = await fake_api.wait_for("answerCallbackQuery", callback_query_id=over)
        # pressed after that answer (two presses at once may be handled in either order)
        again = fake_api.press(more, answer.result)  # and told already: the button only stops
        [quiet] = await fake_api.wait_for("answerCallbackQuery", callback_query_id=again)
        fake_api.private(f"/ask {QUESTION}")  # nothing
        await fake_api.reply_to(fake_api.private(QUESTION, fake_api.user(1002)))
    assert "warte eine Minute" in told.params["text"] and told.params["show_alert"]
    assert "text" not in quiet.params
    assert len(fake_api.sent("sendMessage", chat_id=1001)) == 1
    assert len(fake_api.sent("editMessageText", chat_id=1001)) == 1


async def test_listing_commands_share_the_budget(
    fake_api: FakeBotAPI, bundled_engine: Engine
) -> None:
    async with running(fake_api, bundled_engine, **TWO_A_MINUTE):
        for command in ("/sources", "/about", "/sources"):
            await fake_api.reply_to(fake_api.private(command))
        await fake_api.reply_to(fake_api.private("/help"))  # costs nothing
    texts = [c.params["text"] for c in fake_api.sent("sendMessage", chat_id=1001)]
    assert "warte eine Minute" in texts[2] and "So fragst du" in texts[3]


async def test_anonymous_admins_are_counted_per_group(
    fake_api: FakeBotAPI, bundled_engine: Engine
) -> None:
    one = {"rate_limit": RateLimitSettings(questions_per_minute=1)}
    async with running(fake_api, bundled_engine, **one):
        first = await fake_api.reply_to(fake_api.anonymous(f"/ask {QUESTION}", -1001))
        other_group = await fake_api.reply_to(fake_api.anonymous(f"/ask {QUESTION}", -1002))
        again = await fake_api.reply_to(fake_api.anonymous(f"/ask {QUESTION}", -1001))
    assert "<blockquote>" in first["text"] and "<blockquote>" in other_group["text"]
    assert "wait a minute" in again["text"]


# ---- every press answered, every command heard --------------------------------------------


async def test_a_press_with_foreign_data_is_answered(
    fake_api: FakeBotAPI, bundled_engine: Engine
) -> None:
    async with running(fake_api, bundled_engine):
        message = {"message_id": 5, "date": 0, "chat": CHAT, "text": "x"}
        ids = [fake_api.press(data, message) for data in ("zzz|garbage", "", "x" * 64, "m")]
        for query_id in ids:
            await fake_api.wait_for("answerCallbackQuery", callback_query_id=query_id)
    assert not fake_api.sent("sendMessage")


@pytest.mark.parametrize(
    ("language", "words"), [("de", "Diesen Befehl kenne ich nicht"), ("en", "I don't know")]
)
async def test_an_unknown_command_in_a_private_chat_gets_a_hint(
    fake_api: FakeBotAPI, bundled_engine: Engine, language: str, words: str
) -> None:
    async with running(fake_api, bundled_engine):
        fake_api.group("/frobnicate")  # in a group: maybe another bot's, so silence
        user = fake_api.user(1001, language)
        reply = await fake_api.reply_to(fake_api.private("/frobnicate", user))
    assert words in reply["text"] and "/help" in reply["text"]
    assert len(fake_api.sent("sendMessage")) == 1
