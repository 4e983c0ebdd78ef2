"""End to end: watched questions. /watch in a private chat and (by an admin) in a group;
after a feed round, each chat is told once when an article gives a *different* answer,
and not for an article that repeats the old one; a chat that blocked or removed the bot
is forgotten; watches, settings and follow-ups survive a restart.

The feed job is run by hand (`Archive.poll`), its clock moved past the feed's interval.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from fakebotapi import FakeBotAPI, polling
from feedserver import FeedServer
from test_telegram_bot import QUESTION
from test_telegram_feeds import (
    FERRY,
    FERRY_QUESTION,
    GROUP,
    Archive,
    Clock,
    config_for,
    knowledge_copy,
    start,
    story,
    until,
)
from test_telegram_followups import from_the_article

from bot.engine import Engine
from bot.models import Answer, Snippet, Source
from bot.state import Watch
from bot.telegram import alerts

CHAT_ADMIN, MEMBER, OTHER = 8001, 8002, 8003
Json = dict[str, Any]

NEW_FIGURE = story("prognose", "Fähre nach Trelleborg: Reederei erhöht Prognose", [
    "Die Reederei der neuen Fähre zwischen Rostock und Trelleborg rechnet nun mit 2.000 "
    "Passagieren pro Tag. Grund sei die große Nachfrage nach Tickets.",
    "Der Hafen begrüßte die Nachricht am Freitag und kündigte zusätzliche Parkplätze an."],
    hours_ago=3)
SAME_WORDS = story("nachfrage", "Trelleborg-Fähre: Mehr Passagiere erwartet", [
    "Die Reederei der neuen Fähre zwischen Rostock und Trelleborg rechnet nun mit 2.000 "
    "Passagieren pro Tag. Grund sei die große Nachfrage nach Tickets.",
    "Auch die Stadt Trelleborg bereitet sich mit einem neuen Busfahrplan auf die Fahrgäste "
    "vor."], hours_ago=2)
UNRELATED = story("ozeaneum", "Ozeaneum zählt so viele Besucher wie nie", [
    "Das Ozeaneum in Stralsund hat im vergangenen Jahr 712.000 Besucher gezählt, so viele "
    "wie nie zuvor seit seiner Eröffnung im Jahr 2008.",
    "Besonders gefragt waren die Führungen hinter den Kulissen und die neue Ausstellung "
    "über Schweinswale in der Ostsee, sagte der Direktor."], hours_ago=1)


@pytest.fixture
async def bot(
    fake_api: FakeBotAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Archive]:
    """The bot following a feed with the ferry story, polled once."""
    monkeypatch.delenv("NEWSBOT_API_BASE_URL", raising=False)
    monkeypatch.delenv("NEWSBOT_DATABASE", raising=False)
    fake_api.admins.add(CHAT_ADMIN)
    knowledge = knowledge_copy(tmp_path)
    engine, clock = Engine.load(knowledge), Clock()
    with FeedServer(stories=[FERRY]) as feeds:
        app = start(fake_api, config_for(fake_api, knowledge), engine, clock)
        async with polling(fake_api, app):
            bot = Archive(fake_api, feeds, knowledge, engine, app, clock)
            assert "Ich folge" in await bot.follow("/feed.xml")
            await bot.poll()
            yield bot
    refused = [c for c in fake_api.calls if c.status == 400]
    assert not refused, f"Telegram would have refused: {[(c.method, c.params) for c in refused]}"


async def publish(bot: Archive, *stories: Any) -> None:
    """The feed gains `stories`; the next round (the feed due again) takes them in."""
    bot.feeds.stories.extend(stories)
    bot.feeds.publish("/feed.xml")
    await bot.poll(minutes=20)


def news(api: FakeBotAPI, chat_id: int) -> list[str]:
    """The watch notifications sent to a chat."""
    return [c.params["text"] for c in api.sent("sendMessage", chat_id=chat_id)
            if c.params["text"].startswith("🔔")]  # fmt: skip


async def group_says(bot: Archive, text: str, user_id: int) -> str:
    reply = await bot.api.reply_to(bot.api.group(text, user=bot.api.user(user_id)), 20)
    return str(reply["text"])


async def test_a_different_answer_is_posted_once_and_a_repeated_one_never(bot: Archive) -> None:
    reader = bot.reader()
    watching = await bot.say(f"/watch {FERRY_QUESTION}", reader)
    assert "Ich beobachte <i>Wie viele Passagiere pro Tag erwartet die Reederei?</i>" in watching
    assert "Ich beobachte" in await group_says(bot, f"/watch {FERRY_QUESTION}", CHAT_ADMIN)

    await publish(bot, UNRELATED)  # another story: the watched answer is as it was
    assert news(bot.api, reader["id"]) == [] and news(bot.api, GROUP) == []

    await publish(bot, NEW_FIGURE)  # a new figure: posted in both chats, once
    [private] = news(bot.api, reader["id"])
    [group] = news(bot.api, GROUP)
    for text in (private, group):
        assert "Neu zur beobachteten Frage <i>Wie viele Passagiere" in text
        assert "<b>2.000</b>" in text and "1.200" not in text  # the new quote, not the old
    assert "Reederei erhöht Prognose" in private  # with its source
    assert len(group) <= 600  # compact in a group

    await publish(bot, SAME_WORDS)  # one more article in the same words: no news
    await bot.poll(minutes=20)  # and a round with nothing new (304): no news either
    assert len(news(bot.api, reader["id"])) == 1 and len(news(bot.api, GROUP)) == 1
    assert bot.engine.article_count() == 5


async def test_watch_in_a_group_is_for_its_admins(bot: Archive) -> None:
    assert "nur Administratoren" in await group_says(bot, f"/watch {FERRY_QUESTION}", MEMBER)
    assert "keine Frage beobachtet" in await group_says(bot, "/watches", MEMBER)
    assert "Ich beobachte" in await group_says(bot, f"/watch {FERRY_QUESTION}", CHAT_ADMIN)
    listed = await group_says(bot, "/watches", MEMBER)
    assert "1. <i>Wie viele Passagiere pro Tag erwartet die Reederei?</i>" in listed
    assert "nur Administratoren" in await group_says(bot, "/unwatch 1", MEMBER)
    assert "nicht mehr" in await group_says(bot, "/unwatch 1", CHAT_ADMIN)
    assert bot.st.db.watches.list(GROUP) == []


async def test_a_channel_post_watches_for_the_channel(bot: Archive) -> None:
    channel = -1009876543210
    post = bot.api.channel(f"/watch {FERRY_QUESTION}", chat_id=channel)
    assert "Watching" in (await bot.api.reply_to(post, 20))["text"]  # no user: English
    await publish(bot, NEW_FIGURE)
    assert len(news(bot.api, channel)) == 1


async def test_watches_are_bounded_listed_and_removed_by_number(bot: Archive) -> None:
    user = bot.reader(OTHER, "en")
    for n in range(10):
        assert "Watching" in await bot.say(f"/watch How many ferries {n}?", user)
    assert "watches 10 questions already" in await bot.say("/watch How many ships?", user)
    assert "Watching" in await bot.say("/watch How many ferries 3?", user)  # the same: kept
    listed = await bot.say("/watches", user)
    assert listed.count("\n") == 11 and "(10 of 10)" in listed
    assert "Stopped watching <i>How many ferries 0?</i>" in await bot.say("/unwatch 1", user)
    assert "no watched question 12" in await bot.say("/unwatch 12", user)
    assert "/unwatch 1" in await bot.say("/unwatch one", user)
    assert "/watch " in await bot.say("/watch", user)
    assert "at most 500 characters" in await bot.say("/watch " + "long " * 120 + "?", user)
    assert len(bot.st.db.watches.list(OTHER)) == 9


async def test_a_chat_that_blocked_the_bot_is_forgotten(bot: Archive) -> None:
    reader = bot.reader()
    await bot.say(f"/watch {FERRY_QUESTION}", reader)
    assert "Ich beobachte" in await group_says(bot, f"/watch {FERRY_QUESTION}", CHAT_ADMIN)
    bot.api.fail("sendMessage", 403, chat_id=reader["id"])  # the user blocked the bot
    await publish(bot, NEW_FIGURE)
    assert bot.st.db.watches.list(reader["id"]) == []
    assert len(news(bot.api, GROUP)) == 1  # the other chat still got its news
    chat = {"id": GROUP, "type": "supergroup", "title": "Newsroom"}
    bot.api.member(chat, "left", user=bot.api.user(CHAT_ADMIN))  # the bot was removed
    await until(lambda: bot.st.db.watches.list(GROUP) == [])


async def test_a_blocked_private_chat_is_forgotten_at_once(bot: Archive) -> None:
    reader = bot.reader()
    await bot.say(f"/watch {FERRY_QUESTION}", reader)
    bot.st.db.settings.set(reader["id"], language="de")
    chat = {"id": reader["id"], "type": "private", "first_name": "Rita"}
    bot.api.member(chat, "kicked", user=reader)
    await until(lambda: bot.st.db.watches.list(reader["id"]) == [])
    assert bot.st.db.settings.get(reader["id"]).language is None


async def test_watches_settings_and_follow_ups_survive_a_restart(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    fake_api.admins.add(CHAT_ADMIN)
    knowledge, clock = knowledge_copy(tmp_path), Clock()
    config = config_for(fake_api, knowledge)
    with FeedServer(stories=[FERRY]) as feeds:
        first = start(fake_api, config, Engine.load(knowledge), clock)
        async with polling(fake_api, first):
            bot = Archive(fake_api, feeds, knowledge, first.bot_data["state"].engine, first,
                          clock)  # fmt: skip
            await bot.follow("/feed.xml")
            await bot.poll()
            await group_says(bot, f"/watch {FERRY_QUESTION}", CHAT_ADMIN)
            await group_says(bot, "/autoanswer on", CHAT_ADMIN)
            answer = await fake_api.reply_to(fake_api.group(f"/ask {QUESTION}"), 20)
        fake_api.long_poll = True
        engine = Engine.load(knowledge)
        second = start(fake_api, config, engine, clock)
        async with polling(fake_api, second):
            bot = Archive(fake_api, feeds, knowledge, engine, second, clock)
            listed = await group_says(bot, "/watches", MEMBER)
            auto = await bot.api.reply_to(bot.api.group("Wann startet die Fähre?"), 20)
            sent = next(c.result for c in fake_api.sent("sendMessage")
                        if c.params is answer)  # fmt: skip
            again = await bot.api.reply_to(bot.api.group("Und warum?", reply_to=sent), 20)
            await publish(bot, NEW_FIGURE)
    assert "1. <i>Wie viele Passagiere" in listed
    assert "<blockquote>" in auto["text"]  # /autoanswer on, kept
    assert from_the_article(again["text"])  # the follow-up found its exchange again
    assert len(news(fake_api, GROUP)) == 1


def snippet(quote: str, article: str, highlighted: bool = True) -> Snippet:
    source = Source(article, "Titel", None, None, None, None, 1, None)
    return Snippet(quote, (), f"{article}#1", source, 1.0, "de", 0.9, highlighted)


def answer(*snippets: Snippet) -> Answer:
    return Answer("Wie viele?", "de", "count", bool(snippets), 0.9, snippets)


def test_the_fingerprint_is_the_words_not_the_article() -> None:
    old = answer(snippet("Die Reederei rechnet mit 1.200 Passagieren.", "a"))
    same = answer(snippet("Die  Reederei rechnet mit 1.200 Passagieren.", "b"))
    new = answer(snippet("Die Reederei rechnet nun mit 2.000 Passagieren.", "c"))
    assert alerts.fingerprint(old) == alerts.fingerprint(same) != alerts.fingerprint(new)
    assert alerts.fingerprint(answer()) is None
    assert alerts.news(new, {"c"}) == new.snippets[0] and alerts.news(new, {"a"}) is None


def test_the_alert_is_escaped_and_fits_a_group() -> None:
    hostile = "<b>Lärm</b> & </blockquote>?"
    watch = Watch(1, GROUP, hostile, None, Clock().now, None)
    html = alerts.alert_html(alerts.Alert(watch, "f", snippet("x " * 400, "a"), "de"))
    assert "&lt;b&gt;Lärm&lt;/b&gt; &amp; &lt;/blockquote&gt;?" in html and len(html) <= 600
    assert re.search(r"^🔔 ", html)
