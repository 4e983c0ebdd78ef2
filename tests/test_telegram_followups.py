"""End to end: a reply to an answer (or to the question it answered) follows up on it.

"Und warum?", "und wo?", "and why?", "and Russia?" on their own find nothing; as replies
to an answer about the bundled article they are answered from that article. The
exchanges live in the state database, bounded, and survive a restart.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from fakebotapi import BOT_ID, TOKEN, FakeBotAPI, polling
from telegram import Bot
from telegram.ext import PersistenceInput, PicklePersistence
from test_telegram_bot import GROUP, QUESTION, buttons_of

from bot.engine import Engine
from bot.models import FollowUp
from bot.state import State, resolve_url
from bot.telegram import exchanges
from bot.telegram.app import build_application
from bot.telegram.config import Config
from bot.telegram.exchanges import Exchange

ARTICLE = "Nordkoreanische Soldaten in Russland"
Json = dict[str, Any]


@pytest.fixture
async def api(fake_api: FakeBotAPI, bundled_engine: Engine) -> AsyncIterator[FakeBotAPI]:
    """The fake Telegram, with the real bot polling it."""
    app = build_application(Config(api_base_url=fake_api.base_url), bundled_engine, TOKEN)
    async with polling(fake_api, app, post_init=True):
        yield fake_api


def answer_of(api: FakeBotAPI, reply: Json) -> Json:
    """The message object of the bot's `reply` (what a user replies to)."""
    call = next(c for c in api.sent("sendMessage") if c.params is reply)
    result: Json = call.result
    return result


def from_the_article(text: str) -> bool:
    """Whether `text` quotes the bundled article (not "nothing found")."""
    return "<blockquote" in text and ARTICLE in text


@pytest.mark.parametrize("follow_up", ["Und warum?", "und wo?"])
async def test_german_follow_up_in_a_group_keeps_the_story(api: FakeBotAPI, follow_up: str) -> None:
    alone = await api.reply_to(api.group(f"/ask {follow_up}"))
    assert "kein Zitat" in alone["text"]  # without the exchange there is nothing to say
    first = await api.reply_to(api.group(f"/ask {QUESTION}"))
    again = await api.reply_to(api.group(follow_up, reply_to=answer_of(api, first)))
    assert from_the_article(again["text"]), again["text"]
    assert len(again["text"]) <= 600


@pytest.mark.parametrize("follow_up", ["and why?", "and Russia?"])
async def test_english_follow_up_in_a_private_chat(api: FakeBotAPI, follow_up: str) -> None:
    user = api.user(2002, "en", "Bob")
    first = await api.reply_to(api.private("how many soldiers?", user))
    assert from_the_article(first["text"])
    again = await api.reply_to(api.private(follow_up, user, reply_to=answer_of(api, first)))
    assert from_the_article(again["text"]), again["text"]
    assert "I found no quote" not in again["text"]


async def test_a_reply_to_the_question_follows_up_too(api: FakeBotAPI) -> None:
    user = api.user(2002, "en", "Bob")
    question = api.private("how many soldiers?", user)
    await api.reply_to(question)
    again = await api.reply_to(api.private("and why?", user, reply_to=question))
    assert from_the_article(again["text"]), again["text"]


async def test_a_follow_up_of_a_follow_up(api: FakeBotAPI) -> None:
    first = await api.reply_to(api.group(f"/ask {QUESTION}"))
    second = await api.reply_to(api.group("und wo?", reply_to=answer_of(api, first)))
    third = await api.reply_to(api.group("Und warum?", reply_to=answer_of(api, second)))
    assert from_the_article(third["text"]), third["text"]


async def test_more_under_a_follow_up_keeps_its_context(api: FakeBotAPI) -> None:
    first = await api.reply_to(api.group(f"/ask {QUESTION}"))
    again = await api.reply_to(api.group("Und warum?", reply_to=answer_of(api, first)))
    labels = buttons_of(again)
    if "Mehr ▸" not in labels:
        pytest.fail(f"expected further quotes for the follow-up: {again['text']}")
    api.press(labels["Mehr ▸"], answer_of(api, again))
    [edited] = await api.wait_for("editMessageText", chat_id=GROUP)
    assert edited.params["text"].count("<blockquote") > 1 and ARTICLE in edited.params["text"]


@pytest.mark.parametrize("kept", ["database_url", "state_file"])
async def test_exchanges_survive_a_restart(
    fake_api: FakeBotAPI, bundled_engine: Engine, tmp_path: Path, kept: str
) -> None:
    """With a database, or (as before it) a state file, whose folder then holds one."""
    config = Config(api_base_url=fake_api.base_url, database_url=str(tmp_path / "state.sqlite"))
    if kept == "state_file":
        config = Config(api_base_url=fake_api.base_url, state_file=tmp_path / "state.pickle")
    first_run = build_application(config, bundled_engine, TOKEN)
    async with polling(fake_api, first_run):
        first = await fake_api.reply_to(fake_api.group(f"/ask {QUESTION}"))
    fake_api.long_poll = True
    second_run = build_application(config, bundled_engine, TOKEN)
    async with polling(fake_api, second_run):
        again = await fake_api.reply_to(
            fake_api.group("Und warum?", reply_to=answer_of(fake_api, first))
        )
        fake_api.press(buttons_of(first)["Mehr ▸"], answer_of(fake_api, first))
        [edited] = await fake_api.wait_for("editMessageText", chat_id=GROUP)
    assert from_the_article(again["text"]), again["text"]
    assert edited.params["message_id"] == answer_of(fake_api, first)["message_id"]


async def test_exchanges_are_bounded_in_number_and_age(tmp_path: Path) -> None:
    def at(seconds: float) -> dt.datetime:
        return dt.datetime.fromtimestamp(seconds, dt.UTC)

    with State.open(resolve_url(tmp_path)) as db:
        for n in range(200):
            exchange = Exchange(f"q{n}", None, ("a",), 1, 1000.0 + n)
            await exchanges.remember(db, GROUP, exchange, 2 * n, 2 * n + 1)
        assert await exchanges.recall(db, GROUP, 0, now=at(1300)) is None  # pushed out
        oldest_kept = 400 - 2 * exchanges.MAX_EXCHANGES
        assert await exchanges.recall(db, GROUP, oldest_kept - 1, now=at(1300)) is None
        assert await exchanges.recall(db, GROUP, oldest_kept, now=at(1300)) is not None
        newest = await exchanges.recall(db, GROUP, 399, now=at(1300))
        assert newest == Exchange("q199", None, ("a",), 1, 1199.0)
        too_late = at(1199.0 + exchanges.MAX_AGE + 1)
        assert await exchanges.recall(db, GROUP, 399, now=too_late) is None  # too old
        assert await exchanges.recall(db, GROUP + 1, 399, now=at(1300)) is None  # another chat


async def test_a_follow_up_round_trips_through_the_database(tmp_path: Path) -> None:
    first = Exchange("Wie viele Soldaten?", None, ("a",), 42, 1000.0)
    second = Exchange("und wo?", first.as_context(), ("a", "b"), None, 1001.5)
    with State.open(resolve_url(tmp_path)) as db:
        await exchanges.remember(db, GROUP, second, 7, 8)
        again = await exchanges.recall(db, GROUP, 8, now=dt.datetime.fromtimestamp(1002, dt.UTC))
    assert again == second
    assert again.as_context() == FollowUp("Wie viele Soldaten? und wo?", ("a", "b"))


def test_a_follow_up_carries_its_own_context_on() -> None:
    first = Exchange("Wie viele Soldaten?", None, ("a",), 1, 0.0)
    second = Exchange("und wo?", first.as_context(), ("a", "b"), 1, 1.0)
    assert second.as_context() == FollowUp("Wie viele Soldaten? und wo?", ("a", "b"))


async def test_the_old_state_file_is_taken_in_once(
    fake_api: FakeBotAPI, bundled_engine: Engine, tmp_path: Path
) -> None:
    """A state file from before the database: its /autoanswer and exchanges are taken in."""
    old = tmp_path / "state.pickle"
    keep = PersistenceInput(bot_data=False, user_data=False, callback_data=False)
    persistence = PicklePersistence(old, store_data=keep)
    persistence.set_bot(Bot(TOKEN))
    exchange = Exchange(QUESTION, None, ("nordkorea-soldaten-russland",), 1001, time.time() - 60)
    await persistence.update_chat_data(GROUP, {"autoanswer": True, "exchanges": {77: exchange}})
    await persistence.flush()
    fake_api.admins.add(4242)
    config = Config(api_base_url=fake_api.base_url, state_file=old)
    chat = {"id": GROUP, "type": "supergroup", "title": "Newsroom"}
    answered = {"message_id": 77, "date": 0, "chat": chat, "text": "1.500 Soldaten",
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "Newsbot"}}  # fmt: skip
    first_run = build_application(config, bundled_engine, TOKEN)
    async with polling(fake_api, first_run):
        again = await fake_api.reply_to(fake_api.group("Und warum?", reply_to=answered))
        auto = await fake_api.reply_to(fake_api.group("Wie viele Soldaten?"))
        user = fake_api.user(4242)
        off = await fake_api.reply_to(fake_api.group("/autoanswer off", user=user))
    fake_api.long_poll = True
    second_run = build_application(config, bundled_engine, TOKEN)
    async with polling(fake_api, second_run):
        status = await fake_api.reply_to(fake_api.group("/autoanswer"))
    assert from_the_article(again["text"]), again["text"]  # the old exchange
    assert "<blockquote" in auto["text"]  # the old /autoanswer on
    assert "nur auf /ask" in off["text"]
    assert "beantworte ich hier: aus" in status["text"]  # not taken in a second time
    assert (tmp_path / ".newsbot-state.sqlite").is_file() and old.is_file()
