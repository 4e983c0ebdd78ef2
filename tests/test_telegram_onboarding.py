"""End to end: greetings and other small inputs, /start, /help per chat type, inline results,
and the line the bot logs when it starts.

Example questions are drawn from the articles (never fixed strings) in the reader's
language, and every example the bot offers is one its articles answer.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator

import pytest
from fakebotapi import BOT_USERNAME, TOKEN, FakeBotAPI, polling
from test_telegram_bot import GROUP

from bot.engine import Engine
from bot.telegram.app import build_application
from bot.telegram.config import Config, GroupSettings

QUESTION_WORDS = {
    "de": ("Wie", "Was", "Wer", "Wann", "Wo", "Warum"),
    "en": ("How", "What", "Who", "When", "Where", "Why"),
}


@pytest.fixture
async def api(fake_api: FakeBotAPI, bundled_engine: Engine) -> AsyncIterator[FakeBotAPI]:
    """The fake Telegram, with the real bot polling it."""
    app = build_application(Config(api_base_url=fake_api.base_url), bundled_engine, TOKEN)
    async with polling(fake_api, app, post_init=True):
        yield fake_api


def examples(text: str) -> list[str]:
    """The example questions a message offers."""
    return re.findall(r"<code>([^<]+)</code>", text)


def assert_examples_in(text: str, lang: str, engine: Engine) -> None:
    """Two examples, in `lang`, each answered by the articles."""
    found = examples(text)
    assert len(found) == 2 and found[0] != found[1], text
    for example in found:
        assert example.startswith(QUESTION_WORDS[lang]), example
        assert engine.answer(example, top=1).found, example


PROMPT = {"de": "Stell mir eine Frage", "en": "Ask me a question"}


@pytest.mark.parametrize(
    ("said", "user_lang", "lang"),
    [
        ("hi", "en", "en"),
        ("?", "en", "en"),
        ("x", "de", "de"),
        ("Hallo!", "de", "de"),
        ("Moin", "en", "de"),  # a German greeting gets German words
        ("👋", "de", "de"),
        ("hello", "de", "en"),
    ],
)
async def test_small_inputs_get_a_prompt_with_examples(
    api: FakeBotAPI, bundled_engine: Engine, said: str, user_lang: str, lang: str
) -> None:
    sent = await api.reply_to(api.private(said, api.user(3003, user_lang)))
    text = sent["text"]
    assert text.startswith(PROMPT[lang]), text
    assert "kein Zitat" not in text and "no quote" not in text
    assert_examples_in(text, lang, bundled_engine)


async def test_small_inputs_in_groups(api: FakeBotAPI, bundled_engine: Engine) -> None:
    english = api.user(3004, "en")
    asked = await api.reply_to(api.group("/ask ?", user=english))
    assert asked["text"].startswith("Ask me a question")
    mention = await api.reply_to(api.group(f"@{BOT_USERNAME} hi", user=english))
    assert_examples_in(mention["text"], "en", bundled_engine)


async def test_autoanswer_leaves_small_talk_alone(
    fake_api: FakeBotAPI, bundled_engine: Engine
) -> None:
    config = Config(api_base_url=fake_api.base_url, groups=GroupSettings(autoanswer=True))
    app = build_application(config, bundled_engine, TOKEN)
    async with polling(fake_api, app):
        fake_api.group("?")
        fake_api.group("na?")
        answered = await fake_api.reply_to(fake_api.group("Wie viele Soldaten?"))
    assert "<blockquote>" in answered["text"]
    assert len(fake_api.sent("sendMessage", chat_id=GROUP)) == 1


@pytest.mark.parametrize("lang", ["de", "en"])
async def test_start_says_what_the_articles_are(
    api: FakeBotAPI, bundled_engine: Engine, lang: str
) -> None:
    sent = await api.reply_to(api.private("/start", api.user(3005, lang, "Kim")))
    text = sent["text"]
    first_line = text.splitlines()[0]
    assert "Nordkoreanische Soldaten in Russland" in first_line
    assert ("22.10.2024" if lang == "de" else "22 Oct 2024") in first_line
    assert_examples_in(text, lang, bundled_engine)


@pytest.mark.parametrize(("where", "expected", "absent"), [
    ("private", "schreib einfach deine Frage", "So fragst du mich hier"),
    ("group", "<code>/ask deine Frage</code>", "Hier im Chat"),
])  # fmt: skip
async def test_help_fits_the_chat(api: FakeBotAPI, where: str, expected: str, absent: str) -> None:
    message = api.private("/help") if where == "private" else api.group("/help")
    text = (await api.reply_to(message))["text"]
    assert expected in text and absent not in text


async def test_inline_results_have_distinct_titles_and_descriptions(api: FakeBotAPI) -> None:
    api.inline("Wie viele Soldaten?")
    results = (await api.wait_for("answerInlineQuery"))[0].params["results"]
    titles = [r["title"] for r in results]
    descriptions = [r["description"] for r in results]
    assert len(set(titles)) == len(titles) and len(set(descriptions)) == len(descriptions)
    assert " — " in titles[0] and len(titles[0].split()) >= 3  # the answer with context
    assert all("¶" in d for d in descriptions)
    assert all(len(r["input_message_content"]["message_text"]) <= 600 for r in results)


async def test_start_is_logged_with_what_the_bot_serves(
    fake_api: FakeBotAPI, bundled_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    app = build_application(Config(api_base_url=fake_api.base_url), bundled_engine, TOKEN)
    async with polling(fake_api, app, post_init=True):
        await fake_api.wait_for("setMyCommands", count=4)
    [line] = [r.getMessage() for r in caplog.records if "running as" in r.getMessage()]
    count = bundled_engine.article_count()
    passages = bundled_engine.store.n_passages
    assert line.startswith(f"running as @{BOT_USERNAME} (polling): {count} article(s), "
                           f"{passages} passage(s); index ")  # fmt: skip
    assert str(bundled_engine.index_dir or "memory") in line
    assert TOKEN not in caplog.text
