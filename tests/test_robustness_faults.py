"""Telegram faults end to end: the real bot polling a fake Bot API that misbehaves.

429 with retry_after, 500/502, connection resets, answers slower than the client timeout,
403, 400 "message to be replied not found", 409 on getUpdates and repeated update ids.
Each question must be answered exactly once (counted on the server: what it carried out),
the bot must keep running, and a delivery that finally fails is logged with its chat.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fakebotapi import RESET, TOKEN, FakeBotAPI, html_problem, start_polling, stop_polling
from test_telegram_serve import free_port

from bot.engine import Engine
from bot.telegram import webhook
from bot.telegram.app import build_application
from bot.telegram.config import Config, RateLimitSettings, WebhookSettings
from bot.telegram.delivery import DeliveryPolicy

QUESTION = "Wie viele Soldaten?"
FAST = DeliveryPolicy(backoff=0.01, max_backoff=0.05, read_timeout=0.4, flood_control=False)
HOSTILE = [
    "<b>bold</b> & <i>",
    "</blockquote><script>alert(1)</script>",
    "*bold* _it_ `code` [link](http://x) ~~s~~ ||spoiler||",
    "\u202eRTL override \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627?",
    "zero\u200bwidth\u200d\ufeff joiner\u2060?",
    "\x00\x01\x07\x1b[31mcontrol\x7f?",
    "😀👍🏽👨‍👩‍👧‍👦 🇩🇪 Wie viele Soldaten? 🤔",
    "?!.,;:—…‽",
    "&amp; &lt; &#x27; &#0; &nonsense;",
    "Wie viele Soldaten? " * 60,  # over the 1000-character limit: a friendly notice
]


@dataclass
class Bot:
    """A running bot and the fake Telegram it talks to."""

    api: FakeBotAPI
    app: Any


async def start_bot(api: FakeBotAPI, engine: Engine, policy: DeliveryPolicy = FAST) -> Any:
    """The real Application polling `api`, with errors of the poller sent to its handler."""
    config = Config(
        api_base_url=api.base_url,
        rate_limit=RateLimitSettings(questions_per_minute=1000, max_retries=3),
    )
    app = build_application(config, engine, TOKEN, delivery=policy)

    def on_poll_error(error: Exception) -> None:
        app.create_task(app.process_error(update=None, error=error))

    await start_polling(app, error_callback=on_poll_error)
    return app


async def stop_bot(api: FakeBotAPI, app: Any) -> None:
    await stop_polling(api, app)


@pytest.fixture
async def bot(
    fake_api: FakeBotAPI, bundled_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Bot]:
    monkeypatch.delenv("NEWSBOT_API_BASE_URL", raising=False)
    app = await start_bot(fake_api, bundled_engine)
    try:
        yield Bot(fake_api, app)
    finally:
        await stop_bot(fake_api, app)


def replies_to(api: FakeBotAPI, message: dict[str, Any]) -> list[Any]:
    """Replies to `message` that Telegram carried out (whether or not the bot heard back)."""
    chat_id, message_id = message["chat"]["id"], message["message_id"]
    return [
        c
        for c in api.delivered("sendMessage", chat_id=chat_id)
        if (c.params.get("reply_parameters") or {}).get("message_id") == message_id
    ]


async def wait_until(condition: Any, timeout: float = 8.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(0.02)


async def answered_once(bot: Bot, message: dict[str, Any], settle: float = 0.3) -> Any:
    """Wait for the one reply to `message`; fail if a second one arrives."""
    await wait_until(lambda: replies_to(bot.api, message))
    await asyncio.sleep(settle)
    replies = replies_to(bot.api, message)
    assert len(replies) == 1, f"{len(replies)} replies to one question"
    return replies[0]


# ---- retried faults ---------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, RESET])
async def test_server_errors_and_resets_are_retried_and_answered_once(
    bot: Bot, status: int
) -> None:
    bot.api.fail("sendMessage", status, times=2, chat_id=1001)
    question = bot.api.private(QUESTION)
    reply = await answered_once(bot, question)
    assert "<blockquote>" in reply.params["text"]
    assert len(bot.api.attempts("sendMessage", chat_id=1001)) == 3


async def test_429_waits_retry_after_and_answers_once(bot: Bot) -> None:
    bot.api.fail("sendMessage", 429, retry_after=1, chat_id=1001)
    loop = asyncio.get_running_loop()
    started = loop.time()
    question = bot.api.private(QUESTION)
    await answered_once(bot, question, settle=0)
    assert loop.time() - started >= 1.0
    assert len(bot.api.attempts("sendMessage", chat_id=1001)) == 2


async def test_answer_slower_than_timeout_is_not_sent_twice(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    bot.api.slow("sendMessage", 1.0, chat_id=1001)  # carried out, answered after 1 s
    question = bot.api.private(QUESTION)
    await answered_once(bot, question, settle=1.2)
    assert len(bot.api.attempts("sendMessage", chat_id=1001)) == 1
    assert "chat 1001: delivery uncertain" in caplog.text
    after = bot.api.private("Was sagt Lloyd Austin?")
    await answered_once(bot, after, settle=0)


async def test_getchatmember_timeout_is_retried(bot: Bot) -> None:
    """A read timeout on a method that sends nothing is safe to repeat."""
    bot.api.admins.add(4242)
    bot.api.slow("getChatMember", 1.0)
    bot.api.group("/autoanswer on", user=bot.api.user(4242))
    calls = await bot.api.wait_for("sendMessage", chat_id=-1001234567890, timeout=8)
    assert "jede Nachricht" in calls[0].params["text"]
    assert len(bot.api.attempts("getChatMember")) == 2


async def test_giving_up_is_logged_with_chat_and_reason(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    bot.api.fail("sendMessage", 500, times=50, chat_id=1001)  # more than the retries
    bot.api.private(QUESTION)
    await wait_until(lambda: "not delivered" in caplog.text)
    assert "sendMessage to chat 1001 not delivered after 5 attempt(s)" in caplog.text
    assert "Internal Server Error" in caplog.text
    assert len(bot.api.attempts("sendMessage", chat_id=1001)) == 5
    other = bot.api.private(QUESTION, bot.api.user(1002))
    await answered_once(bot, other, settle=0)


# ---- refused for good -------------------------------------------------------------------


async def test_403_is_not_retried_logged_and_the_bot_goes_on(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    bot.api.fail("sendMessage", 403, chat_id=3003)
    bot.api.private(QUESTION, bot.api.user(3003))
    other = bot.api.private(QUESTION, bot.api.user(3004))
    await answered_once(bot, other)
    assert len(bot.api.attempts("sendMessage", chat_id=3003)) == 1
    assert "sendMessage to chat 3003 not delivered after 1 attempt(s)" in caplog.text
    assert "blocked by the user" in caplog.text


async def test_deleted_question_is_answered_without_the_reply(bot: Bot) -> None:
    chat = {"id": 1001, "type": "private", "first_name": "Ada"}
    message = bot.api.message(QUESTION, chat, bot.api.user())
    bot.api.delete(message)  # Telegram refuses replies to it unless told to send anyway
    bot.api.queue({"message": message})
    reply = await answered_once(bot, message)
    assert reply.params["reply_parameters"]["allow_sending_without_reply"] is True


async def test_reply_not_found_falls_back_to_a_plain_message(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    description = "Bad Request: message to be replied not found"
    bot.api.fail("sendMessage", 400, chat_id=1001, description=description)
    bot.api.private(QUESTION)
    calls = await bot.api.wait_for("sendMessage", chat_id=1001)
    assert "reply_parameters" not in calls[0].params
    assert "<blockquote>" in calls[0].params["text"]
    assert "is gone; answering without quoting it" in caplog.text
    await asyncio.sleep(0.2)
    assert len(bot.api.delivered("sendMessage", chat_id=1001)) == 1


async def test_409_conflict_on_getupdates_is_survived(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    bot.api.fail("getUpdates", 409)
    question = bot.api.private(QUESTION)
    await answered_once(bot, question)
    await wait_until(lambda: "another bot instance uses this token" in caplog.text)
    assert [c.status for c in bot.api.attempts("getUpdates")] == [409]


async def test_getupdates_reset_and_500_are_survived(bot: Bot) -> None:
    bot.api.fail("getUpdates", RESET)
    bot.api.fail("getUpdates", 502)
    question = bot.api.private(QUESTION)
    await answered_once(bot, question)


# ---- the same update twice ---------------------------------------------------------------


async def test_repeated_update_id_is_answered_once(bot: Bot) -> None:
    question = bot.api.private(QUESTION)
    update = bot.api.last_update()
    bot.api.redeliver(update)
    await answered_once(bot, question, settle=0.1)
    bot.api.redeliver(update)  # again, after the answer went out
    await asyncio.sleep(0.4)
    assert len(replies_to(bot.api, question)) == 1


async def test_webhook_retry_of_the_same_update_is_answered_once(
    fake_api: FakeBotAPI, bundled_engine: Engine
) -> None:
    config = Config(api_base_url=fake_api.base_url, webhook=WebhookSettings(secret_token="s3"))
    app = build_application(config, bundled_engine, TOKEN, delivery=FAST)
    await app.initialize()
    await app.start()
    port = free_port()
    server = await webhook.start(
        app, url="https://example.org/hook", listen="127.0.0.1", port=port, path="hook",
        secret="s3",
    )  # fmt: skip
    try:
        chat = {"id": 5005, "type": "private", "first_name": "Eve"}
        message = fake_api.message(QUESTION, chat, fake_api.user(5005))
        update = {"update_id": 77, "message": message}
        headers = {"X-Telegram-Bot-Api-Secret-Token": "s3"}
        async with httpx.AsyncClient() as client:
            for _ in range(3):
                response = await client.post(
                    f"http://127.0.0.1:{port}/hook", json=update, headers=headers
                )
                assert response.status_code == 200
        await fake_api.wait_for("sendMessage", chat_id=5005)
        await asyncio.sleep(0.3)
        assert len(fake_api.delivered("sendMessage", chat_id=5005)) == 1
    finally:
        await server.stop()
        await app.stop()
        await app.shutdown()


# ---- the must-show: many chats, everything at once ----------------------------------------


async def test_many_chats_under_faults_every_question_answered_exactly_once(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    """A few hundred questions from many chats while 429s, 5xx, resets and repeats rain."""
    api = bot.api
    api.chaos(
        {429: 0.02, 500: 0.04, 502: 0.04, RESET: 0.04},
        methods=("sendMessage",),  # getUpdates: below (PTB pauses polling 1 s per error)
        duplicates=0.1,
        retry_after=0.1,  # Telegram says 1 s or more; shorter keeps the test fast
        seed=11,
    )
    api.fail("getUpdates", RESET)  # one: each polling error pauses polling for a second
    questions = ["Wie viele Soldaten?", "Was sagt Lloyd Austin?", "Wer ist Peskow?", *HOSTILE]
    asked: list[dict[str, Any]] = []
    for n in range(240):
        text = questions[n % len(questions)]
        chat = n % 40
        if chat < 30:
            asked.append(api.private(text, api.user(20_000 + chat, name=f"U{chat}")))
        else:
            asked.append(api.group(f"/ask {text}", chat_id=-100_500 - chat))
    await wait_until(lambda: len(api.delivered("sendMessage")) >= len(asked), timeout=60)
    api.calm()
    await asyncio.sleep(0.5)
    counts = Counter(len(replies_to(api, m)) for m in asked)
    assert counts == Counter({1: len(asked)}), counts
    refused = [c for c in api.calls if c.status == 400]
    assert not refused, refused[:3]
    for message in asked:
        text = replies_to(api, message)[0].params["text"]
        assert html_problem(text) is None
        assert len(text.encode("utf-16-le")) // 2 <= 4096
    faults = Counter(c.status for c in api.calls if c.status != 200)
    assert faults[RESET] and faults[500] and faults[502] and faults[429]
    assert TOKEN not in caplog.text
    last = api.private(QUESTION, api.user(9))
    await answered_once(bot, last, settle=0)
