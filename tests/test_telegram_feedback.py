"""End to end: closing the loop for editors. A 👍/👎 pair under answers in private chats,
stored with the question and the quoted passage; every answer in the question log; /gaps
groups the last week's questions that found nothing or got a 👎 by similar wording.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fakebotapi import TOKEN, FakeBotAPI, polling
from test_telegram_bot import GROUP, QUESTION, buttons_of
from test_telegram_feeds import until

from bot.engine import Engine
from bot.state import State
from bot.telegram import gaps
from bot.telegram.app import build_application
from bot.telegram.config import AnswerSettings, Config, RateLimitSettings
from bot.telegram.feedback import gaps_html
from bot.telegram.state import STATE_KEY

ADMIN, READER = 7001, 7002
Json = dict[str, Any]
LONG_AGO = dt.timedelta(days=8)


@dataclass
class Bot:
    api: FakeBotAPI
    db: State

    async def ask(self, text: str, user_id: int = READER, **extra: Any) -> Json:
        user = self.api.user(user_id, "de")
        return await self.api.reply_to(self.api.private(text, user, **extra), 20)

    def message_of(self, reply: Json) -> Json:
        """The bot's message object behind the params of its `reply`."""
        result: Json = next(c for c in self.api.sent("sendMessage") if c.params is reply).result
        return result

    def since(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) - dt.timedelta(days=1)


@pytest.fixture
async def bot(
    fake_api: FakeBotAPI, bundled_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Bot]:
    monkeypatch.delenv("NEWSBOT_API_BASE_URL", raising=False)
    monkeypatch.delenv("NEWSBOT_DATABASE", raising=False)
    config = Config(api_base_url=fake_api.base_url, admins=frozenset({ADMIN}),
                    answer=AnswerSettings(top=1),
                    rate_limit=RateLimitSettings(questions_per_minute=100),
                    database_url=str(tmp_path / "state.sqlite"))  # fmt: skip
    app = build_application(config, bundled_engine, TOKEN)
    async with polling(fake_api, app):
        yield Bot(fake_api, app.bot_data[STATE_KEY].db)
    refused = [c for c in fake_api.calls if c.status == 400]
    assert not refused, f"Telegram would have refused: {[(c.method, c.params) for c in refused]}"


async def test_a_vote_is_kept_with_the_question_and_the_quoted_passage(bot: Bot) -> None:
    sent = await bot.ask(QUESTION)
    labels = buttons_of(sent)
    assert {"👍", "👎"} <= set(labels)
    assert all(len(data.encode()) <= 64 for data in labels.values())
    [logged] = bot.db.log.since(bot.since())
    assert logged.question == QUESTION and logged.found
    assert logged.passage_id == "nordkorea-soldaten-russland#1"

    message = bot.message_of(sent)
    pressed = bot.api.press(labels["👍"], message, bot.api.user(READER))
    [thanks] = await bot.api.wait_for("answerCallbackQuery", callback_query_id=pressed)
    assert "Danke" in thanks.params["text"]
    [marked] = await bot.api.wait_for("editMessageReplyMarkup")
    row = marked.params["reply_markup"]["inline_keyboard"]
    assert ["👍 ✓", "👎"] in [[b["text"] for b in r] for r in row]
    [vote] = bot.db.feedback.since(bot.since())
    assert (vote.question, vote.passage_id, vote.vote) == (QUESTION, logged.passage_id, 1)
    assert (vote.chat_id, vote.message_id) == (READER, message["message_id"])

    bot.api.press(labels["👎"], message, bot.api.user(READER))  # changed its mind: replaced
    await bot.api.wait_for("editMessageReplyMarkup", count=2)
    [vote] = bot.db.feedback.since(bot.since())
    assert vote.vote == -1
    shown = {**message, "reply_markup": bot.api.sent("editMessageReplyMarkup")[-1].params[
        "reply_markup"]}  # fmt: skip
    again = bot.api.press(labels["👎"], shown, bot.api.user(READER))  # the same press twice
    await bot.api.wait_for("answerCallbackQuery", callback_query_id=again)
    await bot.ask(QUESTION)  # (the press's edit would have come right after its answer)
    assert len(bot.api.attempts("editMessageReplyMarkup")) == 2  # nothing to change


async def test_more_keeps_the_vote_buttons(bot: Bot) -> None:
    sent = await bot.ask(QUESTION)
    bot.api.press(buttons_of(sent)["Mehr ▸"], bot.message_of(sent), bot.api.user(READER))
    [more] = await bot.api.wait_for("editMessageText")
    assert more.params["text"].count("<blockquote") == 2
    assert buttons_of(more.params)["👍"] == buttons_of(sent)["👍"]  # the same logged answer


async def test_no_votes_in_groups_nor_under_nothing_found(bot: Bot) -> None:
    group = await bot.api.reply_to(bot.api.group(f"/ask {QUESTION}"), 20)
    assert "👍" not in buttons_of(group)
    nothing = await bot.ask("Wann kommt die Fähre nach Trelleborg?")
    assert "reply_markup" not in nothing
    logged = bot.db.log.since(bot.since())
    assert [(q.question, q.found) for q in logged] == [
        (QUESTION, True), ("Wann kommt die Fähre nach Trelleborg?", False)]
    assert GROUP not in {v.chat_id for v in bot.db.feedback.since(bot.since())}


async def test_a_follow_up_is_logged_as_the_engine_read_it(bot: Bot) -> None:
    first = await bot.ask(QUESTION)
    await bot.ask("Und warum?", reply_to=bot.message_of(first))
    questions = [q.question for q in bot.db.log.since(bot.since())]
    assert questions == [QUESTION, f"{QUESTION} Und warum?"]


async def test_forged_or_stale_votes_get_a_notice(bot: Bot) -> None:
    sent = await bot.ask(QUESTION)
    message = bot.message_of(sent)
    for data in ("f|+|999999", "f|x|1", "f|+|", "f|+|1|2", "f|+|١"):
        bot.api.press(data, message, bot.api.user(READER))
    calls = await bot.api.wait_for("answerCallbackQuery", count=5)
    assert all(c.params.get("show_alert") for c in calls)
    group_message = {"message_id": 5, "date": 0, "chat": {"id": GROUP, "type": "supergroup"},
                     "text": "x"}  # fmt: skip
    bot.api.press(buttons_of(sent)["👍"], group_message, bot.api.user(READER))
    await bot.api.wait_for("answerCallbackQuery", count=6)
    assert bot.db.feedback.since(bot.since()) == []


async def test_gaps_groups_the_weeks_failed_questions(bot: Bot) -> None:
    for question in ("Wie viele Panzer hat Russland?", "Wie viele Panzer hat Russland?",
                     "Wie viele Panzer besitzt Russland?", "Wann kommt die Fähre nach Trelleborg?"):
        assert "kein Zitat" in (await bot.ask(question))["text"]
    disliked = await bot.ask("wieviele panzer hat russland")  # found something, but not that
    bot.api.press(buttons_of(disliked)["👎"], bot.message_of(disliked), bot.api.user(READER))
    await until(lambda: bool(bot.db.feedback.since(bot.since())))
    liked = await bot.ask(QUESTION)
    bot.api.press(buttons_of(liked)["👍"], bot.message_of(liked), bot.api.user(READER))
    await until(lambda: len(bot.db.feedback.since(bot.since())) == 2)
    old = dt.datetime.now(dt.UTC) - LONG_AGO
    bot.db.log.record("Wie alt ist Peskow?", False, None, at=old)  # over a week ago

    assert "nur die Administratoren" in (await bot.ask("/gaps"))["text"]
    listed = (await bot.ask("/gaps", ADMIN))["text"]
    lines = listed.split("\n")
    assert "Lücken der letzten 7 Tage" in lines[0]
    assert lines[1].startswith("• <b>4×</b> “Wie viele Panzer hat Russland?” "
                               "(3× nichts gefunden, 1× 👎)")  # fmt: skip
    assert "“Wie viele Panzer besitzt Russland?”" in lines[2]
    assert "“wieviele panzer hat russland”" in lines[2]
    assert lines[3].startswith("• <b>1×</b> “Wann kommt die Fähre nach Trelleborg?”")
    assert "Peskow" not in listed and QUESTION not in listed


def test_gaps_are_escaped_and_the_empty_week_says_so() -> None:
    found = gaps.cluster([("<b>Wer</b> & ist?", gaps.NOTHING)])
    assert "&lt;b&gt;Wer&lt;/b&gt; &amp; ist?" in gaps_html(found, "en")
    assert "No unanswered" in gaps_html([], "en")


def test_similar_wordings_are_one_gap_and_other_questions_not() -> None:
    asked = [("Wie viele Panzer hat Russland?", gaps.NOTHING),
             ("wieviele panzer hat russland", gaps.DISLIKED),
             ("Wie viele Panzer hat die Ukraine?", gaps.NOTHING),
             ("Wer ist Peskow?", gaps.NOTHING), ("wer ist peskow", gaps.NOTHING)]  # fmt: skip
    found = gaps.cluster(asked)
    assert [(g.question, g.nothing, g.disliked) for g in found] == [
        ("Wer ist Peskow?", 2, 0), ("Wie viele Panzer hat Russland?", 1, 1),
        ("Wie viele Panzer hat die Ukraine?", 1, 0)]  # two and two: the wording asked twice
