"""bot/telegram/flood.py through the fake Bot API: two replicas' bots share one flood budget
in the state database — 45 messages sent at once by both go out in windows of at most 30
a second between them (the shared rows say so), each delivered exactly once although
Telegram answers some of them 429 Too Many Requests; group messages also count in their
group's minute; a database that fails does not stop a message. A sender's question
budget is shared by the replicas too."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from fakebotapi import TOKEN, FakeBotAPI
from sqlalchemy.exc import OperationalError

from bot.state import State
from bot.telegram.app import make_bot, share_flood_budget
from bot.telegram.config import Config
from bot.telegram.delivery import DeliveryPolicy
from bot.telegram.flood import PER_SECOND, SharedFlood, is_group
from bot.telegram.limits import QuestionLimiter, SharedQuestionLimiter, Verdict
from bot.telegram.replica import call

GROUP = -1001234567890


async def replica_bots(api: FakeBotAPI, state: State, count: int) -> list[Any]:
    bots = []
    for _ in range(count):
        bot = make_bot(Config(api_base_url=api.base_url), TOKEN,
                       DeliveryPolicy(backoff=0.01, max_backoff=0.05))
        share_flood_budget(bot, state)
        await bot.initialize()
        bots.append(bot)
    return bots


async def test_two_replicas_keep_to_one_budget_and_lose_no_message(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    fake_api.fail("sendMessage", 429, times=3, retry_after=0.05)
    with State.open(f"sqlite:///{tmp_path / 'state.db'}") as state:
        bots = await replica_bots(fake_api, state, 2)
        try:
            await asyncio.gather(*(bots[n % 2].send_message(1000 + n, f"answer {n}")
                                   for n in range(45)))
            await asyncio.gather(*(bots[n % 2].send_message(GROUP, f"group {n}")
                                   for n in range(4)))
        finally:
            for bot in bots:
                await bot.shutdown()
        windows = state.budget.windows()
    texts = [c.params["text"] for c in fake_api.sent("sendMessage")]
    assert sorted(texts) == sorted([f"answer {n}" for n in range(45)]
                                   + [f"group {n}" for n in range(4)])
    assert len(fake_api.attempts("sendMessage")) == 49 + 3  # the 429s retried
    seconds = {k: v for k, v in windows.items() if k.startswith("all:")}
    assert len(seconds) >= 2 and max(seconds.values()) <= PER_SECOND
    assert sum(seconds.values()) >= 49 + 1  # every message, and getMe
    groups = [v for k, v in windows.items() if k.startswith(f"chat:{GROUP}:")]
    assert sum(groups) == 4


def test_groups_and_channels_are_told_from_private_chats() -> None:
    assert is_group(GROUP) and is_group("@newsroom") and is_group(str(GROUP))
    assert not is_group(1001) and not is_group("1001") and not is_group(None)


async def test_a_failing_database_does_not_stop_a_message(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with State.open(f"sqlite:///{tmp_path / 'state.db'}") as state:
        flood = SharedFlood(state.budget)

        def broken(*args: Any) -> bool:
            raise OperationalError("UPDATE send_budget", {}, Exception("server closed"))

        flood.budget.take = broken  # type: ignore[method-assign]
        await flood.acquire("sendMessage", {"chat_id": 1001})
        await flood.acquire("sendMessage", {"chat_id": 1002})
    assert flood.failing
    assert [r.message for r in caplog.records].count(
        "flood budget: the state database failed (OperationalError); sending on this "
        "replica's own limits") == 1


async def test_replicas_share_a_senders_question_budget(tmp_path: Path) -> None:
    minute = 1_000_000 * 60.0  # both replicas' clocks in the same minute
    with State.open(f"sqlite:///{tmp_path / 'state.db'}") as state:
        replicas = [SharedQuestionLimiter(3, state.budget, call, clock=lambda: minute + 5)
                    for _ in range(2)]
        verdicts = [await replicas[n % 2].verdict(42) for n in range(6)]
        assert verdicts == [Verdict.ANSWER] * 3 + [Verdict.WARN, Verdict.WARN, Verdict.IGNORE]
        assert await replicas[0].verdict(43) is Verdict.ANSWER  # another sender's own
        later = SharedQuestionLimiter(3, state.budget, call, clock=lambda: minute + 65)
        assert await later.verdict(42) is Verdict.ANSWER  # the next minute
        alone = [QuestionLimiter(3) for _ in range(2)]  # each process its own budget
        assert [await alone[n % 2].verdict(42) for n in range(6)] == [Verdict.ANSWER] * 6


async def test_a_senders_budget_falls_back_on_the_process_when_the_database_fails(
        tmp_path: Path) -> None:
    async def failing(*args: Any) -> bool:
        raise OperationalError("UPDATE send_budget", {}, Exception("server closed"))

    with State.open(f"sqlite:///{tmp_path / 'state.db'}") as state:
        limiter = SharedQuestionLimiter(2, state.budget, failing)
        assert [await limiter.verdict(7) for _ in range(3)] == [
            Verdict.ANSWER, Verdict.ANSWER, Verdict.WARN]
