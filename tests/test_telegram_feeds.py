"""End to end: feeds in the running bot — /follow, /feeds, /unfollow, and the JobQueue's
poll that makes a new feed item answerable in a chat without a restart.

The real Application polls the fake Bot API; the feeds and their article pages come from
the local feed server (tests/feedserver.py) on 127.0.0.1, allowed by the config. The
job is driven deterministically: its callback is called (`Archive.poll`) with the bot's
clock moved on, or, in one test, the JobQueue runs it every second by itself and the
test waits for the event (the reloaded engine) rather than for a time.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fakebotapi import TOKEN, FakeBotAPI, polling
from feedserver import FeedServer, Story
from telegram.ext import CallbackContext

from bot.engine import Engine
from bot.knowledge import bundled_knowledge
from bot.telegram import rounds
from bot.telegram.app import build_application
from bot.telegram.config import Config, FeedSettings, RateLimitSettings
from bot.telegram.state import STATE_KEY, BotState

ROOT = Path(__file__).resolve().parents[1]
ADMIN, READER, GROUP = 7001, 7002, -1001234567890
Json = dict[str, Any]
FERRY_QUESTION = "Wie viele Passagiere pro Tag erwartet die Reederei?"


@dataclass
class Clock:
    """The bot's clock, moved on by the test (feeds fall due by it)."""

    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += dt.timedelta(minutes=minutes)


def story(slug: str, title: str, paragraphs: list[str], hours_ago: float = 1) -> Story:
    """A feed story (German news), published `hours_ago`."""
    published = dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours_ago)
    return Story(slug, title, paragraphs, published.replace(microsecond=0))


FERRY = story("faehre", "Neue Fähre nach Trelleborg startet im Mai", [
    "Ab Mai verbindet eine neue Fähre den Überseehafen Rostock mit Trelleborg in Südschweden. "
    "Die Reederei rechnet mit bis zu 1.200 Passagieren pro Tag.",
    "Das Schiff bietet Platz für 180 Lastwagen und ist damit deutlich größer als die bisher "
    "eingesetzte Fähre, teilte der Hafen am Donnerstag mit."], hours_ago=5)
OZEANEUM = story("ozeaneum", "Ozeaneum zählt so viele Besucher wie nie", [
    "Das Ozeaneum in Stralsund hat im vergangenen Jahr 712.000 Besucher gezählt, so viele "
    "wie nie zuvor seit seiner Eröffnung im Jahr 2008.",
    "Besonders gefragt waren die Führungen hinter den Kulissen und die neue Ausstellung "
    "über Schweinswale in der Ostsee, sagte der Direktor."], hours_ago=2)


@dataclass
class Archive:
    """A running bot over a knowledge folder of its own, with feeds to follow."""

    api: FakeBotAPI
    feeds: FeedServer
    knowledge: Path
    engine: Engine
    app: Any
    clock: Clock

    @property
    def st(self) -> BotState:
        value = self.app.bot_data[STATE_KEY]
        assert isinstance(value, BotState)
        return value

    def admin(self) -> Json:
        return self.api.user(ADMIN, language_code="de", name="Ada")

    def reader(self, user_id: int = READER, lang: str = "de") -> Json:
        return self.api.user(user_id, language_code=lang, name="Rita")

    async def say(self, text: str, user: Json | None = None) -> str:
        """Send `text` in a private chat; the bot's reply."""
        reply = await self.api.reply_to(self.api.private(text, user or self.admin()), 20)
        return str(reply["text"])

    async def poll(self, minutes: float = 0) -> None:
        """Move the clock on, then run the feed job's callback once, as the JobQueue does."""
        self.clock.advance(minutes)
        [job] = [j for j in self.app.job_queue.jobs() if j.name == rounds.FEEDS_JOB]
        await job.callback(CallbackContext.from_job(job, self.app))

    async def follow(self, path: str, kind: str = "rss", every: str = "") -> str:
        url = self.feeds.publish(path, kind)
        return await self.say(f"/follow {url} {every}".strip())


def knowledge_copy(tmp_path: Path) -> Path:
    """A knowledge folder of the bot's own: a copy of the bundled article."""
    folder = tmp_path / "knowledge"
    shutil.copytree(bundled_knowledge(), folder,
                    ignore=shutil.ignore_patterns(".newsbot*"))  # fmt: skip
    return folder


def config_for(api: FakeBotAPI, knowledge: Path | None, **changes: Any) -> Config:
    """Admin 7001, private networks allowed (the feed server is on 127.0.0.1), feeds
    checked only when the test says so, room for many questions."""
    settings: dict[str, Any] = {"feeds": FeedSettings(check_seconds=3600),
                                "rate_limit": RateLimitSettings(questions_per_minute=100),
                                **changes}  # fmt: skip
    return Config(api_base_url=api.base_url, admins=frozenset({ADMIN}), knowledge=knowledge,
                  allow_private_networks=True, **settings)  # fmt: skip


def start(api: FakeBotAPI, config: Config, engine: Engine, clock: Clock) -> Any:
    """The Application for `config`, its clock the test's."""
    app = build_application(config, engine, TOKEN)
    app.bot_data[STATE_KEY].clock = clock
    return app


async def until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Wait for `condition` (an event, not a time: the timeout only ends a hung test)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"not within {timeout} s: {condition}")
        await asyncio.sleep(0.02)


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer(stories=[FERRY]) as server:
        yield server


@pytest.fixture
async def archive(
    fake_api: FakeBotAPI, feeds: FeedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Archive]:
    monkeypatch.delenv("NEWSBOT_API_BASE_URL", raising=False)
    monkeypatch.delenv("NEWSBOT_DATABASE", raising=False)
    knowledge = knowledge_copy(tmp_path)
    engine, clock = Engine.load(knowledge), Clock()
    app = start(fake_api, config_for(fake_api, knowledge), engine, clock)
    async with polling(fake_api, app):
        yield Archive(fake_api, feeds, knowledge, engine, app, clock)
    refused = [c for c in fake_api.calls if c.status == 400]
    assert not refused, f"Telegram would have refused: {[(c.method, c.params) for c in refused]}"


def found(text: str) -> bool:
    return "<blockquote>" in text


async def test_a_followed_feed_item_becomes_answerable_without_a_restart(
    archive: Archive,
) -> None:
    assert not found(await archive.say(FERRY_QUESTION, archive.reader()))
    followed = await archive.follow("/feed.xml", every="20m")
    assert "Ich folge <b>1</b>" in followed and "RSS “Testkurier”, 1 Einträge" in followed
    assert "alle 20m" in followed
    await archive.poll()  # the feed is due at once after /follow
    answer = await archive.say(FERRY_QUESTION, archive.reader())
    assert found(answer) and "<b>1.200</b>" in answer, answer
    assert "Neue Fähre nach Trelleborg" in answer

    archive.feeds.stories.append(OZEANEUM)
    archive.feeds.publish("/feed.xml")
    await archive.poll(minutes=10)  # not due yet: nothing fetched
    assert not found(await archive.say("Wie viele Besucher zählte das Ozeaneum?"))
    await archive.poll(minutes=15)  # due: the new item comes in
    answer = await archive.say("Wie viele Besucher zählte das Ozeaneum?", archive.reader())
    assert found(answer) and "712.000" in answer, answer
    requests = archive.feeds.requests("/feed.xml")
    assert [status for *_, status in requests] == [200, 200, 200]  # follow, two rounds
    await archive.poll(minutes=25)  # unchanged: a conditional request, answered 304
    assert archive.feeds.requests("/feed.xml")[-1][1] is not None
    assert archive.feeds.requests("/feed.xml")[-1][3] == 304
    assert archive.engine.article_count() == 3


async def test_feeds_lists_the_feed_with_its_articles(archive: Archive) -> None:
    await archive.follow("/feed.xml")
    listed = await archive.say("/feeds")
    assert "<b>1  every 15m  http://127.0.0.1:" in listed  # the lines of `newsbot feeds`
    assert "last fetch never" in listed and "0 article(s)" in listed
    await archive.poll()
    listed = await archive.say("/feeds")
    assert "/feed.xml  Testkurier</b>" in listed  # the title its first round read
    assert "1 article(s)" in listed and "last fetch never" not in listed


async def test_unfollow_by_number_keeps_the_articles(archive: Archive) -> None:
    await archive.follow("/feed.xml")
    await archive.poll()
    gone = await archive.say("/unfollow 1")
    assert "Feed <b>1</b> beendet" in gone and "Artikel bleiben" in gone
    assert "Ich folge keinem Feed" in await archive.say("/feeds")
    assert found(await archive.say(FERRY_QUESTION))
    assert "Nicht gefolgt" in await archive.say("/unfollow 1")


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/follow", "Einem Feed folgst du so"),
        ("/follow file:///etc/passwd", "Ich folge nur Web-Feeds"),
        ("/follow /etc/passwd", "Ich folge nur Web-Feeds"),
        ("/follow {web_page}", "Nicht gefolgt: "),
        ("/follow {feed} 10s", "Nicht gefolgt: "),
        ("/follow {to_metadata}", "Nicht gefolgt: "),
        ("/unfollow", "Einen Feed beenden"),
    ],
)
async def test_follow_refuses_what_is_no_web_feed(
    archive: Archive, command: str, expected: str
) -> None:
    archive.feeds.publish("/feed.xml")
    urls = {"web_page": archive.feeds.url("web-page"), "feed": archive.feeds.url("/feed.xml"),
            "to_metadata": archive.feeds.url("to-metadata")}  # fmt: skip
    reply = await archive.say(command.format(**urls))
    assert expected in reply, reply
    assert archive.st.db.feeds.list() == []
    assert [path for path, *_ in archive.feeds.log if path == "/etc/passwd"] == []


async def test_feed_commands_are_for_the_bots_admins_in_private(archive: Archive) -> None:
    url = archive.feeds.publish("/feed.xml")
    for command in (f"/follow {url}", "/unfollow 1", "/feeds", "/gaps"):
        assert "nur die Administratoren" in await archive.say(command, archive.reader())
    group = await archive.api.reply_to(archive.api.group(f"/follow {url}", user=archive.admin()))
    assert "privaten Chat" in group["text"]
    assert archive.st.db.feeds.list() == [] and archive.feeds.requests("/feed.xml") == []


async def test_a_bot_serving_the_bundled_articles_says_it_has_no_folder(
    fake_api: FakeBotAPI, bundled_engine: Engine, feeds: FeedServer
) -> None:
    app = build_application(config_for(fake_api, None), bundled_engine, TOKEN)
    async with polling(fake_api, app):
        url = feeds.publish("/feed.xml")
        reply = await fake_api.reply_to(fake_api.private(f"/follow {url}", fake_api.user(ADMIN)))
    assert "keinen Ordner für Feed-Artikel" in reply["text"]
    assert not [j for j in app.job_queue.jobs() if j.name == rounds.FEEDS_JOB]
    assert feeds.requests("/feed.xml") == []


async def test_the_job_queue_polls_on_its_own_and_answering_goes_on(
    fake_api: FakeBotAPI, feeds: FeedServer, tmp_path: Path
) -> None:
    """No hand on the job: it runs every second; a feed item is answerable after it."""
    knowledge = knowledge_copy(tmp_path)
    engine, clock = Engine.load(knowledge), Clock()
    config = config_for(fake_api, knowledge, feeds=FeedSettings(check_seconds=1))
    app = start(fake_api, config, engine, clock)
    async with polling(fake_api, app):
        admin = fake_api.user(ADMIN)
        followed = await fake_api.reply_to(
            fake_api.private(f"/follow {feeds.publish('/feed.xml')}", admin), 20)
        assert "Ich folge" in followed["text"]
        await until(lambda: engine.article_count() == 2)  # the job polled and reloaded
        answer = await fake_api.reply_to(fake_api.private(FERRY_QUESTION, admin), 20)
    assert "<b>1.200</b>" in answer["text"]
    assert [status for *_, status in feeds.requests("/feed.xml")] == [200, 200]


async def test_feeds_survive_a_restart(
    fake_api: FakeBotAPI, feeds: FeedServer, tmp_path: Path
) -> None:
    knowledge = knowledge_copy(tmp_path)
    config, clock = config_for(fake_api, knowledge), Clock()
    first = start(fake_api, config, Engine.load(knowledge), clock)
    async with polling(fake_api, first):
        url = feeds.publish("/feed.xml")
        await fake_api.reply_to(fake_api.private(f"/follow {url} 1h", fake_api.user(ADMIN)), 20)
    fake_api.long_poll = True
    engine = Engine.load(knowledge)
    second = start(fake_api, config, engine, clock)
    async with polling(fake_api, second):
        listed = await fake_api.reply_to(fake_api.private("/feeds", fake_api.user(ADMIN)), 20)
        archive = Archive(fake_api, feeds, knowledge, engine, second, clock)
        await archive.poll()
        answer = await archive.say(FERRY_QUESTION)
    assert "every 1h" in listed["text"] and url in listed["text"]
    assert "<b>1.200</b>" in answer
    assert (knowledge / ".newsbot-state.sqlite").is_file()  # the knowledge folder's database


async def test_newsbot_follow_then_newsbot_serve_answers_from_the_feed(
    fake_api: FakeBotAPI, feeds: FeedServer, tmp_path: Path
) -> None:
    """From the outside, as a user does it: `newsbot follow URL`, then `newsbot serve`."""
    knowledge_copy(tmp_path)
    (tmp_path / "newsbot.yaml").write_text("feeds: {check_seconds: 1}\n", encoding="utf-8")
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "NEWSBOT_API_BASE_URL": fake_api.base_url,
           "NEWSBOT_ALLOW_PRIVATE_NETWORKS": "1", "PYTHONPATH": str(ROOT)}  # fmt: skip
    env.pop("NEWSBOT_DATABASE", None)
    newsbot = [sys.executable, "-m", "bot"]
    url = feeds.publish("/feed.xml")
    followed = subprocess.run([*newsbot, "follow", url, "--every", "1m"], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=60)  # fmt: skip
    assert followed.returncode == 0, followed.stderr
    process = subprocess.Popen(
        [*newsbot, "serve"], cwd=tmp_path, env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    logged: list[str] = []
    assert process.stderr is not None
    reader = threading.Thread(target=lambda: logged.extend(process.stderr or ()), daemon=True)
    reader.start()
    try:
        await fake_api.wait_for("setMyCommands", count=4, timeout=60)
        await until(lambda: any("reloaded" in line for line in logged), 60)  # its first round
        answer = await fake_api.reply_to(fake_api.private(FERRY_QUESTION), 20)
    finally:
        fake_api.long_poll = False
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        reader.join(timeout=10)
    err = "".join(logged)
    assert process.returncode == 0, err
    assert "<b>1.200</b>" in answer["text"], answer["text"]
    database = tmp_path / "knowledge" / ".newsbot-state.sqlite"
    assert f"state: sqlite:///{database}" in err
    assert "feeds: 1 feed(s): 1 new, 0 replaced, 0 removed, 0 failed in" in err
    assert "Traceback" not in err and TOKEN not in err
