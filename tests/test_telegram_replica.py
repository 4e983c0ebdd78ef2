"""bot/telegram/replica.py in process: a replica's webhook over the real Application, a
SQLite state database and the fake Bot API. An update delivered to the replica again
while it is still answering it (a proxy's or Telegram's retry that reached the same
replica) is acknowledged only once the answer is out, and answered once: were the
retry marked answered at once, a replica killed before its answer went out would lose
the question (its other deliveries would be told "answered"). An update is marked
answered as soon as its answer went out, not only when its handler is done. Handled
updates older than Telegram's retries are forgotten."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fakebotapi import TOKEN, FakeBotAPI
from telegram import Update
from telegram.ext import TypeHandler
from test_telegram_serve import free_port

from bot.engine import Engine
from bot.state import State
from bot.telegram.app import build_application
from bot.telegram.config import Config, RateLimitSettings
from bot.telegram.replica import (
    ANSWERING_NOW,
    ReplicaServer,
    answer_delivered,
    prune_handled,
)

SECRET = "replica-test-secret"
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}


@pytest.fixture
async def replica(fake_api: FakeBotAPI, bundled_engine: Engine,
                  tmp_path: Path) -> AsyncIterator[tuple[str, State, Any]]:
    """A running replica's webhook URL, its state database and its Application."""
    config = Config(api_base_url=fake_api.base_url,
                    rate_limit=RateLimitSettings(questions_per_minute=1000))
    with State.open(f"sqlite:///{tmp_path / 'state.db'}") as state:
        app = build_application(config, bundled_engine, TOKEN, mode="webhook", db=state,
                                replica=True)
        async with app:
            await app.start()
            server = ReplicaServer(app, "hook", SECRET, state.updates)
            port = free_port()
            server.listen(port, "127.0.0.1")
            try:
                yield f"http://127.0.0.1:{port}/hook", state, app
            finally:
                await server.stop()
                await app.stop()


def question(api: FakeBotAPI, update_id: int, text: str) -> dict[str, Any]:
    user = api.user(7001)
    chat = {"id": 7001, "type": "private", "first_name": user["first_name"]}
    return {"update_id": update_id, "message": api.message(text, chat, user)}


async def test_a_retry_to_the_answering_replica_waits_for_the_answer(
        fake_api: FakeBotAPI, replica: tuple[str, State, Any]) -> None:
    url, state, _ = replica
    update = question(fake_api, 5001, "Wie viele Soldaten?")
    fake_api.slow("sendMessage", 2.0)  # the answer is carried out, its reply comes late
    async with httpx.AsyncClient(timeout=30) as client:
        first = asyncio.create_task(client.post(url, json=update, headers=HEADERS))
        while not fake_api.delivered("sendMessage"):  # the first is answering now
            await asyncio.sleep(0.02)
        again = await client.post(url, json=update, headers=HEADERS)
        sends = fake_api.delivered("sendMessage")
        assert again.status_code == 200
        assert sends and sends[0].replied, "acknowledged before the answer was out"
        assert (await first).status_code == 200
        later = await client.post(url, json=update, headers=HEADERS)
    assert later.status_code == 200
    assert len(fake_api.delivered("sendMessage", chat_id=7001)) == 1
    now, lease = dt.datetime.now(dt.UTC), dt.timedelta(seconds=30)
    assert state.updates.take(5001, "another replica", now, lease) == "answered"


async def test_a_replica_forgets_updates_telegram_no_longer_retries(tmp_path: Path) -> None:
    now = dt.datetime.now(dt.UTC)
    with State.open(f"sqlite:///{tmp_path / 'state.db'}") as state:
        lease = dt.timedelta(seconds=30)
        for update_id, taken in ((1, now - dt.timedelta(days=3)), (2, now)):
            assert state.updates.take(update_id, "a replica", taken, lease) == "mine"
            state.updates.answered(update_id, "a replica", taken)
        pruning = asyncio.create_task(prune_handled(state.updates))
        forgotten = False
        for _ in range(500):  # it prunes at once, then hourly
            forgotten = state.updates.take(1, "b", now, lease) == "mine"  # a new row
            if forgotten:
                break
            await asyncio.sleep(0.02)
        pruning.cancel()
        assert forgotten, "the 3-day-old update was not pruned"
        assert state.updates.take(2, "b", now, lease) == "answered"


async def test_an_update_is_marked_answered_once_its_answer_went_out(
        fake_api: FakeBotAPI, replica: tuple[str, State, Any]) -> None:
    url, state, app = replica
    seen: list[str] = []

    async def handled_until_answered(update: Any, context: Any) -> None:
        """A handler that answers, then is still busy: the update is answered already."""
        await context.bot.send_message(7001, "the answer")
        now, lease = dt.datetime.now(dt.UTC), dt.timedelta(seconds=30)
        seen.append(state.updates.take(update.update_id, "another replica", now, lease))

    app.add_handler(TypeHandler(Update, handled_until_answered), group=-2)
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(url, json=question(fake_api, 5002, "Hallo?"),
                                      headers=HEADERS)
    assert response.status_code == 200
    assert seen == ["answered"]


async def test_only_messages_into_a_chat_mark_the_update() -> None:
    marks: list[str] = []

    async def mark() -> None:
        marks.append("marked")

    await answer_delivered("sendMessage", {"chat_id": 1})  # no update being handled
    handling = ANSWERING_NOW.set(mark)
    try:
        for endpoint in ("getChatMember", "answerCallbackQuery", "editMessageText",
                         "sendMessage", "copyMessage"):
            await answer_delivered(endpoint, {"chat_id": 1})
    finally:
        ANSWERING_NOW.reset(handling)
    assert marks == ["marked", "marked"]
