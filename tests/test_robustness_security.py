"""Security: secrets stay out of logs, admin actions and button data are checked by the bot.

- the token and the webhook secret never reach a log line, not at DEBUG level, not in an
  error message from Telegram, not in a traceback (the real `serve` in a subprocess);
- the webhook refuses requests without the right secret;
- /add, /remove, /reload and the "Add" button do nothing for anyone but a bot admin, even
  with callback data copied from an admin's button; malformed or forged callback data gets
  a polite notice and no action.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fakebotapi import TOKEN, FakeBotAPI, polling
from hypothesis import given
from hypothesis import strategies as st
from test_telegram_serve import free_port

from bot.engine import Engine
from bot.telegram import admin, buttons
from bot.telegram.app import build_application
from bot.telegram.config import Config

ROOT = Path(__file__).resolve().parents[1]
SECRET = "webhook-Secret_0123456789abcdef"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
QUESTION = "Wie viele Soldaten?"
ADMIN, STRANGER = 7001, 7002


# ---- secrets in logs ---------------------------------------------------------------------


def serve_webhook(api: FakeBotAPI, port: int, cwd: Path) -> subprocess.Popen[str]:
    """`serve` in webhook mode in a subprocess, logging everything down to DEBUG."""
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "NEWSBOT_WEBHOOK_SECRET": SECRET,
        "NEWSBOT_API_BASE_URL": api.base_url,
        "PYTHONPATH": str(ROOT),
    }
    code = (
        "import logging, sys\n"
        "logging.basicConfig(level=logging.DEBUG)\n"
        "from bot.telegram import load_config, serve\n"
        f"sys.exit(serve(load_config(), webhook_url='https://bot.example.org/hook', "
        f"listen='127.0.0.1', port={port}))\n"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


async def test_webhook_secret_and_token_never_logged(fake_api: FakeBotAPI, tmp_path: Path) -> None:
    leak = f"bot{TOKEN} secret={SECRET}"
    fake_api.fail("sendMessage", 403, chat_id=6001, description=f"Forbidden: {leak}")
    fake_api.fail("sendMessage", 400, chat_id=6002, description=f"Bad Request: {leak}")
    fake_api.fail("sendMessage", 500, chat_id=6003, description=f"Internal: {leak}")
    port = free_port()
    process = serve_webhook(fake_api, port, tmp_path)
    url = f"http://127.0.0.1:{port}/hook"
    try:
        await fake_api.wait_for("setWebhook", timeout=60)
        assert fake_api.sent("setWebhook")[0].params["secret_token"] == SECRET
        async with httpx.AsyncClient() as client:
            for _ in range(100):  # the server starts listening just after setWebhook
                try:
                    await client.post(url, json={})
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.05)
            for update_id, (chat_id, headers) in enumerate(
                [
                    (6000, {}),
                    (6000, {SECRET_HEADER: "wrong"}),
                    (6000, {SECRET_HEADER: SECRET.upper()}),
                    (6001, {SECRET_HEADER: SECRET}),
                    (6002, {SECRET_HEADER: SECRET}),
                    (6003, {SECRET_HEADER: SECRET}),
                    (6004, {SECRET_HEADER: SECRET}),
                ],
                1,
            ):
                chat = {"id": chat_id, "type": "private", "first_name": "Eve"}
                message = fake_api.message(QUESTION, chat, fake_api.user(chat_id))
                update = {"update_id": update_id, "message": message}
                response = await client.post(url, json=update, headers=headers)
                assert response.status_code == (403 if chat_id == 6000 else 200)
        await fake_api.wait_for("sendMessage", chat_id=6004, timeout=10)
        await fake_api.wait_for("sendMessage", chat_id=6003, timeout=10)  # after retries
        assert not fake_api.attempts("sendMessage", chat_id=6000)
    finally:
        fake_api.long_poll = False
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    logs = out + err
    assert "DEBUG" in logs and "Traceback" in logs  # verbose, with the 400's traceback
    assert "<token>" in logs  # the leaking error descriptions were logged, scrubbed
    assert TOKEN not in logs
    assert SECRET not in logs
    assert TOKEN.split(":")[1] not in logs


# ---- admin actions and callback data -----------------------------------------------------


class SpyEngine:
    """The real engine, counting reloads."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self.reloads = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)

    def reload(self) -> Sequence[str]:
        self.reloads += 1
        return []


@dataclass
class Guarded:
    api: FakeBotAPI
    engine: SpyEngine
    fetched: list[list[str]]


@pytest.fixture
async def guarded(
    fake_api: FakeBotAPI,
    bundled_engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Guarded]:
    monkeypatch.delenv("NEWSBOT_API_BASE_URL", raising=False)
    fetched: list[list[str]] = []

    def no_fetch(urls: list[str], *args: Any) -> Any:
        fetched.append(urls)
        raise AssertionError("add() must not run for this user")

    monkeypatch.setattr(admin, "add", no_fetch)
    engine = SpyEngine(bundled_engine)
    config = Config(
        api_base_url=fake_api.base_url, admins=frozenset({ADMIN}), knowledge=tmp_path
    )
    app = build_application(config, engine, TOKEN)
    async with polling(fake_api, app):
        yield Guarded(fake_api, engine, fetched)


@pytest.mark.parametrize(
    "command", ["/reload", "/add https://example.org/a", "/remove nordkorea-soldaten-russland"]
)
async def test_admin_commands_refuse_strangers(guarded: Guarded, command: str) -> None:
    api = guarded.api
    api.private(command, api.user(STRANGER, language_code="en"))
    api.group(command, user=api.user(STRANGER, language_code="en"))
    calls = await api.wait_for("sendMessage", count=2)
    assert all("only the bot's administrators" in c.params["text"] for c in calls)
    await asyncio.sleep(0.2)
    assert guarded.engine.reloads == 0 and not guarded.fetched
    assert guarded.engine.article("nordkorea-soldaten-russland") is not None


async def test_admin_in_a_group_is_sent_to_the_private_chat(guarded: Guarded) -> None:
    guarded.api.group("/reload", user=guarded.api.user(ADMIN))
    calls = await guarded.api.wait_for("sendMessage")
    assert "privaten Chat" in calls[0].params["text"]
    assert guarded.engine.reloads == 0


async def test_forged_add_button_from_a_stranger_does_nothing(guarded: Guarded) -> None:
    api = guarded.api
    api.private("https://example.org/article", api.user(ADMIN))
    offer = (await api.wait_for("sendMessage"))[0]
    data = offer.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert data.startswith(admin.ADD_PREFIX)
    stranger = api.user(STRANGER, language_code="en")
    api.press(data, offer.result, user=stranger)  # a real key, pressed by someone else
    api.press("a|" + "f" * 60, offer.result, user=stranger)
    calls = await api.wait_for("answerCallbackQuery", count=2)
    assert all("only the bot's administrators" in c.params["text"] for c in calls)
    assert all(c.params["show_alert"] is True for c in calls)
    await asyncio.sleep(0.2)
    assert not guarded.fetched and guarded.engine.reloads == 0
    assert len(api.sent("sendMessage")) == 1  # only the offer itself


MALFORMED = [
    "a|", "a|nonexistent", "m|", "m||", "m|000000|", "m|000000|k|", "m|000000|k|-1",
    "m|000000|k|99999999999999999999", "p|", "p||", "p|000000|", "p|000000|~",
    "p|000000|../../etc/passwd", "m|\u202e|\x00|1", "p|" + "x" * 62,
]  # fmt: skip


async def test_malformed_callback_data_gets_a_polite_notice(guarded: Guarded) -> None:
    api = guarded.api
    message = {"message_id": 5, "date": 0, "chat": {"id": ADMIN, "type": "private"}, "text": "x"}
    for data in MALFORMED:
        api.press(data, message, user=api.user(ADMIN))
    api.press("zzz|garbage", message, user=api.user(ADMIN))  # not ours: answered too
    calls = await api.wait_for("answerCallbackQuery", count=len(MALFORMED) + 1)
    assert all(c.params.get("show_alert") for c in calls)
    await asyncio.sleep(0.3)
    assert len(api.attempts("answerCallbackQuery")) == len(MALFORMED) + 1
    assert not api.sent("sendMessage") and not guarded.fetched
    question = api.private(QUESTION)  # and the bot still answers
    sent = await api.wait_for("sendMessage", chat_id=question["chat"]["id"])
    assert "<blockquote>" in sent[0].params["text"]


@given(st.text(max_size=80))
def test_decoding_any_callback_data_is_safe(data: str) -> None:
    pressed = buttons.decode(data, "abc123")
    if pressed is not None:
        assert 1 <= pressed.view.shown <= buttons.MAX_SHOWN
        assert 0 <= pressed.view.opened < 1 << pressed.view.shown
