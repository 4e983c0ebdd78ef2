"""End to end: the real Application, polling a fake Bot API server over real HTTP.

The bot runs against the real Engine with the bundled knowledge; every message it sends
is checked by the fake server the way Telegram would (HTML entities, 4096 characters).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from typing import Any, cast

import pytest
import yaml
from fakebotapi import BOT_USERNAME, TOKEN, FakeBotAPI, polling

from bot.engine import Engine
from bot.models import FollowUp
from bot.telegram.app import build_application
from bot.telegram.config import AnswerSettings, Config, RateLimitSettings

GROUP = -1001234567890
CHANNEL = -1009876543210
QUESTION = "Wie viele Soldaten?"
HOSTILE = "<b>Lärm</b> & Rauch in </blockquote> *Dorf* _x_ `y` [a](b)"
LONG_ARTICLE = {
    "id": "lang-test",
    "title": "Ein <b>langer</b> Artikel & mehr",
    "language": "de",
    "published": "2024-11-01",
    "source": "Test & <Co>",
    "url": 'https://example.org/a?b=1&c="2"',
    "body": [
        "Die Armee schickte 7.777 Panzer an die Grenze, "
        + " und ".join(f"Zeuge {i} berichtet von {HOSTILE} {i}" for i in range(120))
        + ".",
        *(f"Absatz {n}: Das Wetter in Stadt {n} war & bleibt wechselhaft." for n in range(12)),
    ],
}


class Exploding:
    """The real engine, except that questions containing 'explode' raise."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)

    def answer(
        self, question: str, top: int = 3, offset: int = 0, follow_up: FollowUp | None = None
    ) -> Any:
        if "explode" in question:
            raise RuntimeError("engine bug")
        return self._engine.answer(question, top, offset, follow_up)


@dataclass
class Bot:
    """A running bot and the fake Telegram it talks to."""

    api: FakeBotAPI
    app: Any

    async def answer_to(self, message: dict[str, Any], timeout: float = 5.0) -> dict[str, Any]:
        """The params of the bot's reply to `message`."""
        return await self.api.reply_to(message, timeout)


def config_for(api: FakeBotAPI, **changes: Any) -> Config:
    """A config pointing the bot at the fake server."""
    return replace(Config(api_base_url=api.base_url), **changes)


@pytest.fixture
def config(fake_api: FakeBotAPI, request: pytest.FixtureRequest) -> Config:
    """Settings for the bot under test; parametrize indirectly with a dict of changes."""
    return config_for(fake_api, **getattr(request, "param", {}))


@pytest.fixture
def engine(
    request: pytest.FixtureRequest, bundled_engine: Engine, tmp_path_factory: pytest.TempPathFactory
) -> Engine:
    """The bundled engine, or (parametrized with "long") one over a hostile, very long article."""
    if getattr(request, "param", None) == "exploding":
        return cast(Engine, Exploding(bundled_engine))
    if getattr(request, "param", None) != "long":
        return bundled_engine
    folder = tmp_path_factory.mktemp("knowledge")
    (folder / "long.yaml").write_text(yaml.safe_dump(LONG_ARTICLE, allow_unicode=True), "utf-8")
    return Engine.load(folder)


@pytest.fixture
async def bot(
    fake_api: FakeBotAPI, engine: Engine, config: Config, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Bot]:
    """The real Application polling the fake server."""
    monkeypatch.delenv("NEWSBOT_API_BASE_URL", raising=False)
    app = build_application(config, engine, TOKEN)
    async with polling(fake_api, app, post_init=True):
        yield Bot(fake_api, app)
    refused = [c for c in fake_api.calls if c.status == 400]
    assert not refused, f"Telegram would have refused: {[(c.method, c.params) for c in refused]}"


def buttons_of(params: dict[str, Any]) -> dict[str, str]:
    """Button label -> callback_data of a sent message."""
    rows = (params.get("reply_markup") or {}).get("inline_keyboard", [])
    return {b["text"]: b["callback_data"] for row in rows for b in row}


# ---- private chats ---------------------------------------------------------------------


async def test_private_question_gets_quote_with_source(bot: Bot) -> None:
    question = bot.api.private(QUESTION)
    sent = await bot.answer_to(question)
    text = sent["text"]
    assert sent["parse_mode"] == "HTML"
    assert sent["link_preview_options"] == {"is_disabled": True}
    assert text.startswith("<blockquote>")
    assert "<b>1.500</b>" in text
    assert "Nordkoreanische Soldaten in Russland" in text
    assert "22.10.2024" in text and "¶ 1" in text
    labels = buttons_of(sent)
    assert any(label.startswith("Absatz") for label in labels)


async def test_nothing_found_is_short_honest_and_escaped(bot: Bot) -> None:
    hostile = "<b>Xylophon</b> & </blockquote> *Zebra* _q_ `x` [a](b)?"
    sent = await bot.answer_to(bot.api.private(hostile))
    text = sent["text"]
    assert text.startswith("I found no quote about")  # no German word: English
    assert "&lt;b&gt;Xylophon&lt;/b&gt; &amp; &lt;/blockquote&gt; *Zebra* _q_ `x` [a](b)?" in text
    assert "<b>Xylophon" not in text
    assert "reply_markup" not in sent


async def test_english_user_gets_english_words(bot: Bot) -> None:
    user = bot.api.user(2002, language_code="en", name="Bob")
    sent = await bot.answer_to(bot.api.private("/start", user))
    assert "Hello, Bob!" in sent["text"]
    examples = re.findall(r"<code>([^<]+)</code>", sent["text"])
    assert len(examples) == 2  # drawn from the articles, in English
    assert all(e.split()[0] in ("How", "What", "Who", "When", "Where", "Why") for e in examples)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/help", "So fragst du"),
        ("/sources", "Nordkoreanische Soldaten in Russland"),
        ("/about", "Indexversion"),
        ("/ask", "Frag so: <code>/ask "),
        ("/start help", "So fragst du"),
    ],
)
async def test_commands(bot: Bot, command: str, expected: str) -> None:
    sent = await bot.answer_to(bot.api.private(command))
    assert expected in sent["text"]


async def test_commands_are_registered_per_scope_and_language(bot: Bot) -> None:
    calls = bot.api.sent("setMyCommands")
    menus = {
        (c.params["scope"]["type"], c.params.get("language_code")): [
            cmd["command"] for cmd in c.params["commands"]
        ]
        for c in calls
    }
    assert set(menus) == {
        ("all_private_chats", None),
        ("all_private_chats", "de"),
        ("all_group_chats", None),
        ("all_group_chats", "de"),
    }
    assert "start" in menus[("all_private_chats", None)]
    assert "autoanswer" in menus[("all_group_chats", "de")]
    assert "autoanswer" not in menus[("all_private_chats", "de")]
    german = next(c for c in calls if c.params.get("language_code") == "de")
    assert any("Frage" in cmd["description"] for cmd in german.params["commands"])


# ---- groups and channels ---------------------------------------------------------------


async def test_group_ask_replies_in_forum_topic(bot: Bot) -> None:
    question = bot.api.group(f"/ask {QUESTION}", thread_id=77)
    sent = await bot.answer_to(question)
    assert sent["chat_id"] == GROUP
    assert sent["message_thread_id"] == 77
    assert re.search(r"<b>(1\.500|12\.000)</b>", sent["text"])


async def test_group_ask_for_other_bot_is_ignored(bot: Bot) -> None:
    bot.api.group(f"/ask@other_helper_bot {QUESTION}")
    mine = bot.api.group(f"/ask@{BOT_USERNAME} {QUESTION}")
    sent = await bot.answer_to(mine)
    assert "<blockquote>" in sent["text"]
    await asyncio.sleep(0.2)
    assert len(bot.api.sent("sendMessage", chat_id=GROUP)) == 1


async def test_group_mention_and_plain_chatter(bot: Bot) -> None:
    bot.api.group("Wie viele Soldaten? fragt sich hier jeder")  # not for the bot
    mention = bot.api.group(f"@{BOT_USERNAME} wie viele Soldaten?")
    sent = await bot.answer_to(mention)
    assert "<blockquote>" in sent["text"]
    await asyncio.sleep(0.2)
    assert len(bot.api.sent("sendMessage", chat_id=GROUP)) == 1


async def test_reply_to_bot_is_a_follow_up(bot: Bot) -> None:
    first = bot.api.group(f"/ask {QUESTION}")
    await bot.answer_to(first)
    answer = bot.api.sent("sendMessage", chat_id=GROUP)[0].result
    follow_up = bot.api.group("Was sagt Lloyd Austin?", reply_to=answer)
    sent = await bot.answer_to(follow_up)
    assert "Austin" in sent["text"]


async def test_autoanswer_needs_admin_and_then_answers_questions(bot: Bot) -> None:
    refused = await bot.answer_to(bot.api.group("/autoanswer on"))
    assert "Administratoren" in refused["text"]
    bot.api.admins.add(4242)
    admin = bot.api.user(4242)
    accepted = await bot.answer_to(bot.api.group("/autoanswer on", user=admin))
    assert "jede Nachricht" in accepted["text"]
    sent = await bot.answer_to(bot.api.group(QUESTION))
    assert re.search(r"<b>(1\.500|12\.000)</b>", sent["text"])


async def test_channel_posts(bot: Bot) -> None:
    bot.api.channel("Heute im Programm: Nachrichten.")
    ask = bot.api.channel(f"/ask {QUESTION}")
    sent = await bot.answer_to(ask)
    assert sent["chat_id"] == CHANNEL
    mention = bot.api.channel(f"{QUESTION} @{BOT_USERNAME}")
    await bot.answer_to(mention)
    await asyncio.sleep(0.2)
    assert len(bot.api.sent("sendMessage", chat_id=CHANNEL)) == 2


# ---- inline mode and buttons -----------------------------------------------------------


async def test_inline_query_results(bot: Bot) -> None:
    bot.api.inline(QUESTION)
    call = (await bot.api.wait_for("answerInlineQuery"))[0].params
    results = call["results"]
    assert 1 <= len(results) <= 5
    assert call["cache_time"] == 300
    first = results[0]
    assert first["type"] == "article"
    assert first["title"].startswith(("1.500 — ", "12.000 — "))  # the answer, with context
    assert "22.10.2024" in first["description"] and "¶" in first["description"]
    content = first["input_message_content"]
    assert content["parse_mode"] == "HTML"
    assert content["message_text"].startswith("<blockquote>")
    assert len({r["id"] for r in results}) == len(results)


async def test_empty_inline_query_gets_a_hint(bot: Bot) -> None:
    bot.api.inline("  ")
    call = (await bot.api.wait_for("answerInlineQuery"))[0].params
    assert call["results"] == []
    assert call["button"]["start_parameter"] == "help"


async def test_paragraph_opens_in_place_with_the_quote_marked(
    bot: Bot, bundled_engine: Engine
) -> None:
    sent = await bot.answer_to(bot.api.private(QUESTION))
    answer = bot.api.sent("sendMessage", chat_id=1001)[0].result
    labels = buttons_of(sent)
    assert all(len(data.encode()) <= 64 for data in labels.values())
    label = next(label for label in labels if label.startswith("Absatz "))  # "Absatz 4"
    bot.api.press(labels[label], answer)
    [opened] = await bot.api.wait_for("editMessageText", chat_id=1001)
    assert opened.params["message_id"] == answer["message_id"]  # in place, no new message
    number = int(label.split()[1])
    paragraph = bundled_engine.paragraph("nordkorea-soldaten-russland", number)
    assert paragraph is not None
    text = opened.params["text"]
    assert "<blockquote expandable>" in text and "<u>" in text  # the quote marked inside it
    assert paragraph.split()[-1] in text  # the paragraph's last word: the whole paragraph
    assert f"Zitat {number}" in buttons_of(opened.params)  # closes it again
    assert len(bot.api.sent("sendMessage", chat_id=1001)) == 1


@pytest.mark.parametrize("config", [{"answer": AnswerSettings(top=1)}], indirect=True)
async def test_more_shows_the_next_quotes_in_the_same_message(bot: Bot) -> None:
    sent = await bot.answer_to(bot.api.private(QUESTION))
    answer = bot.api.sent("sendMessage", chat_id=1001)[0].result
    assert sent["text"].count("<blockquote") == 1
    bot.api.press(buttons_of(sent)["Mehr ▸"], answer)
    [more] = await bot.api.wait_for("editMessageText", chat_id=1001)
    assert more.params["message_id"] == answer["message_id"]
    assert more.params["text"].startswith(sent["text"].split("</blockquote>")[0])  # first kept
    assert more.params["text"].count("<blockquote") == 2  # and the next one below it
    await bot.api.wait_for("answerCallbackQuery")
    assert len(bot.api.sent("sendMessage", chat_id=1001)) == 1


async def test_stale_button_gets_a_polite_notice(bot: Bot) -> None:
    answer = {
        "message_id": 5,
        "date": 0,
        "chat": {"id": 1001, "type": "private"},
        "text": "old answer",
    }
    bot.api.press("m|000000|abc1|3", answer)
    bot.api.press("p|ffffff|nordkorea-soldaten-russland#1", answer)
    bot.api.press("garbage", answer)  # not ours: the same notice, so the button stops
    calls = await bot.api.wait_for("answerCallbackQuery", count=3)
    assert all("älteren Index" in c.params["text"] for c in calls)
    assert not bot.api.sent("sendMessage")


# ---- flood limits and failures ---------------------------------------------------------


async def test_429_is_retried_and_delivered_once(bot: Bot) -> None:
    bot.api.fail("sendMessage", 429, retry_after=1, chat_id=1001)
    question = bot.api.private(QUESTION)
    sent = await bot.answer_to(question)
    assert "<b>1.500</b>" in sent["text"]
    await asyncio.sleep(0.3)
    assert len(bot.api.attempts("sendMessage", chat_id=1001)) == 2
    assert len(bot.api.sent("sendMessage", chat_id=1001)) == 1


async def test_403_blocked_user_does_not_stop_the_bot(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = bot.api.user(3003)
    bot.api.fail("sendMessage", 403, chat_id=3003)
    bot.api.private(QUESTION, blocked)
    await asyncio.sleep(0.2)
    sent = await bot.answer_to(bot.api.private(QUESTION, bot.api.user(3004)))
    assert "<blockquote>" in sent["text"]
    assert "blocked" in caplog.text


@pytest.mark.parametrize(
    "config", [{"rate_limit": RateLimitSettings(questions_per_minute=2)}], indirect=True
)
async def test_per_user_question_limit(bot: Bot) -> None:
    for _ in range(4):
        bot.api.private(QUESTION)
    await bot.api.wait_for("sendMessage", chat_id=1001, count=3)
    await asyncio.sleep(0.2)
    calls = bot.api.sent("sendMessage", chat_id=1001)
    assert len(calls) == 3
    assert sum("warte eine Minute" in c.params["text"] for c in calls) == 1


async def test_token_never_logged(bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    bot.api.fail("sendMessage", 403, chat_id=1001)
    bot.api.private(QUESTION)
    await bot.answer_to(bot.api.private(QUESTION, bot.api.user(1002)))
    assert caplog.records
    assert TOKEN not in caplog.text
    assert all(TOKEN not in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("engine", ["long"], indirect=True)
async def test_long_hostile_article_fits_and_is_escaped(bot: Bot) -> None:
    question = bot.api.private("Wie viele Panzer schickte die Armee?")
    sent = await bot.answer_to(question)
    text = sent["text"]
    assert len(text.encode("utf-16-le")) // 2 <= 4096
    assert "<b>7.777</b>" in text
    assert "&lt;b&gt;Lärm&lt;/b&gt; &amp; Rauch in &lt;/blockquote&gt; *Dorf* _x_ `y`" in text
    assert "<i>Ein &lt;b&gt;langer&lt;/b&gt; Artikel &amp; mehr</i>" in text
    assert "Test &amp; &lt;Co&gt;" in text
    # the link goes to the quoted sentence (a text fragment after the escaped URL)
    assert '<a href="https://example.org/a?b=1&amp;c=&quot;2&quot;#:~:text=' in text
    assert text.count("<blockquote>") == text.count("</blockquote>") == 1
    assert not any(label.startswith("Absatz") for label in buttons_of(sent))  # it is whole
    bot.api.inline("Wie viele Panzer?")
    results = (await bot.api.wait_for("answerInlineQuery"))[0].params["results"]
    assert len(results[0]["input_message_content"]["message_text"]) <= 4096


@pytest.mark.parametrize("engine", ["exploding"], indirect=True)
async def test_engine_error_is_logged_and_the_bot_keeps_running(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    sorry = await bot.answer_to(bot.api.private("please explode"))
    assert sorry["text"].startswith("Entschuldigung")
    assert "Traceback" not in sorry["text"] and "engine bug" not in sorry["text"]
    assert "engine bug" in caplog.text
    sent = await bot.answer_to(bot.api.private(QUESTION))
    assert "<b>1.500</b>" in sent["text"]
