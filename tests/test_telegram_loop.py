"""End to end: nothing slow on the event loop (issue 14).

A deliberately slow engine takes 2 s for one chat's question (and for /reload); meanwhile
other chats are answered: their replies reach Telegram before the slow one's, while the
slow call is still running. Lists and onboarding never read every article's text.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, cast

import pytest
from fakebotapi import TOKEN, FakeBotAPI, polling

from bot.engine import Engine
from bot.models import Answer, FollowUp
from bot.telegram.app import build_application
from bot.telegram.config import Config

SLOW_QUESTION = "Wann besuchte Putin Pjöngjang?"  # not among the example questions
FAST_QUESTION = "Was sagt Lloyd Austin?"
SLOW_SECONDS = 2.0
ADMIN = 7001


@dataclass
class SlowEngine:
    """The real engine, but 2 s per answer to SLOW_QUESTION and per reload; it refuses to
    list every article (what a handler must never do on a large index)."""

    engine: Engine
    started: threading.Event = field(default_factory=threading.Event)
    finished: threading.Event = field(default_factory=threading.Event)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.engine, name)

    def answer(
        self, question: str, top: int = 3, offset: int = 0, follow_up: FollowUp | None = None
    ) -> Answer:
        if question == SLOW_QUESTION:
            self._slowly()
        return self.engine.answer(question, top, offset, follow_up)

    def reload(self) -> list[str]:
        self._slowly()
        return []

    def articles(self) -> Any:
        raise AssertionError("articles() reads every article's text")

    def _slowly(self) -> None:
        self.started.set()
        time.sleep(SLOW_SECONDS)
        self.finished.set()


@pytest.fixture
def slow(bundled_engine: Engine) -> SlowEngine:
    return SlowEngine(bundled_engine)


@pytest.fixture
async def api(fake_api: FakeBotAPI, slow: SlowEngine) -> AsyncIterator[FakeBotAPI]:
    """The fake Telegram, with the real bot on the slow engine polling it."""
    config = Config(api_base_url=fake_api.base_url, admins=frozenset({ADMIN}))
    app = build_application(config, cast(Engine, slow), TOKEN)
    async with polling(fake_api, app, post_init=True):
        yield fake_api


def order(api: FakeBotAPI, *chats: int) -> list[int]:
    """The chats in the order the bot's messages to them reached Telegram."""
    return [c.params["chat_id"] for c in api.sent("sendMessage") if c.params["chat_id"] in chats]


async def started(slow: SlowEngine) -> None:
    """Wait until the slow engine call is running."""
    assert await asyncio.to_thread(slow.started.wait, 10)


async def test_a_slow_answer_does_not_delay_other_chats(
    api: FakeBotAPI, slow: SlowEngine
) -> None:
    waiting = api.private(SLOW_QUESTION, api.user(5001))
    await started(slow)
    fast = await api.reply_to(api.private(FAST_QUESTION, api.user(5002)))
    assert not slow.finished.is_set()  # answered while the slow answer was still running
    assert "Austin" in fast["text"]
    listing = await api.reply_to(api.private("/sources", api.user(5003)))
    assert "Nordkoreanische Soldaten" in listing["text"] and not slow.finished.is_set()
    await api.reply_to(waiting, timeout=10)
    assert order(api, 5001, 5002, 5003) == [5002, 5003, 5001]


async def test_a_slow_press_does_not_delay_other_chats(api: FakeBotAPI, slow: SlowEngine) -> None:
    other = await api.reply_to(api.private(FAST_QUESTION, api.user(5002)))
    assert other
    api.group(f"/ask {SLOW_QUESTION}", user=api.user(5001))
    await started(slow)
    fast = await api.reply_to(api.group(f"/ask {FAST_QUESTION}", user=api.user(5004)))
    assert "Austin" in fast["text"] and not slow.finished.is_set()


async def test_reload_runs_off_the_loop(api: FakeBotAPI, slow: SlowEngine) -> None:
    reloading = api.private("/reload", api.user(ADMIN))
    await started(slow)
    fast = await api.reply_to(api.private(FAST_QUESTION, api.user(5002)))
    assert "Austin" in fast["text"] and not slow.finished.is_set()
    done = await api.reply_to(reloading, timeout=10)
    assert "Neu geladen" in done["text"]


@pytest.mark.parametrize("command", ["/sources", "/about", "/start", "hi", "/help"])
async def test_lists_and_onboarding_read_metadata_only(api: FakeBotAPI, command: str) -> None:
    sent = await api.reply_to(api.private(command, api.user(5005)))
    assert "Entschuldigung" not in sent["text"]  # articles() was never called
