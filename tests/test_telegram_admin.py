"""End to end: /add, the "Add" button, /remove and /reload through the fake Bot API.

The real Application polls the fake Telegram; the articles come from a local web server
on 127.0.0.1 (allowed by the config here, refused when the setting is off).
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fakebotapi import TOKEN, FakeBotAPI, polling
from pageserver import PageServer

from bot.engine import Engine
from bot.knowledge import bundled_knowledge
from bot.telegram.app import build_application
from bot.telegram.config import Config

ADMIN, STRANGER, GROUP = 7001, 7002, -1001234567890
HAFEN_TITLE = "Hafen Rostock: Neue Fähre nach Schweden startet im Mai"


@dataclass
class Admin:
    """A running bot with an admin, its knowledge folder and a page server."""

    api: FakeBotAPI
    pages: PageServer
    knowledge: Path

    def admin(self) -> dict[str, Any]:
        return self.api.user(ADMIN, language_code="de", name="Ada")

    def stranger(self) -> dict[str, Any]:
        return self.api.user(STRANGER, language_code="en", name="Eve")

    async def reply_to(self, message: dict[str, Any], timeout: float = 10.0) -> dict[str, Any]:
        return await self.api.reply_to(message, timeout)

    def files(self) -> list[str]:
        return sorted(p.name for p in self.knowledge.glob("*.yaml"))


@pytest.fixture(scope="module")
def pages() -> Iterator[PageServer]:
    with PageServer() as server:
        yield server


@pytest.fixture
async def bot(
    request: pytest.FixtureRequest,
    fake_api: FakeBotAPI,
    pages: PageServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Admin]:
    """The bot over a copy of the bundled knowledge; parametrize with config changes."""
    monkeypatch.delenv("NEWSBOT_API_BASE_URL", raising=False)
    monkeypatch.delenv("NEWSBOT_ALLOW_PRIVATE_NETWORKS", raising=False)
    knowledge = tmp_path / "knowledge"
    shutil.copytree(bundled_knowledge(), knowledge)
    settings = {"allow_private_networks": True, **getattr(request, "param", {})}
    config = Config(api_base_url=fake_api.base_url, admins=frozenset({ADMIN}),
                    knowledge=knowledge, **settings)
    app = build_application(config, Engine.load(knowledge), TOKEN)
    async with polling(fake_api, app):
        yield Admin(fake_api, pages, knowledge)
    refused = [c for c in fake_api.calls if c.status == 400]
    assert not refused, f"Telegram would have refused: {[(c.method, c.params) for c in refused]}"


async def test_admin_adds_a_page_and_the_bot_answers_from_it(bot: Admin) -> None:
    url = bot.pages.url("hafen-de.html")
    sent = await bot.reply_to(bot.api.private(f"/add {url}", bot.admin()))
    assert f"Hinzugefügt: „{HAFEN_TITLE}“ — 6 Abschnitte" in sent["text"]
    assert bot.files() == [
        "hafen-rostock-neue-faehre-nach-schweden-startet-im-mai.yaml",
        "nordkorea-soldaten-russland.yaml",
    ]
    answer = await bot.reply_to(bot.api.private("Wie viele Passagiere?", bot.admin()))
    assert "Warnow Star" in answer["text"] and "Ostsee-Kurier" in answer["text"]
    again = await bot.reply_to(bot.api.private(f"/add {url}", bot.admin()))
    assert "habe ich schon" in again["text"] and len(bot.files()) == 2


async def test_an_added_article_tells_the_watchers_once(bot: Admin) -> None:
    reader = bot.api.user(7003, language_code="de", name="Rita")
    watching = await bot.reply_to(bot.api.private("/watch Wie viele Passagiere?", reader))
    assert "Ich beobachte" in watching["text"]  # nothing found yet
    url = bot.pages.url("hafen-de.html")
    await bot.reply_to(bot.api.private(f"/add {url}", bot.admin()))
    _, news = await bot.api.wait_for("sendMessage", chat_id=7003, count=2, timeout=20)
    assert news.params["text"].startswith("🔔 Neu zur beobachteten Frage")
    assert "Warnow Star" in news.params["text"] and "<b>1.200</b>" in news.params["text"]
    again = await bot.reply_to(bot.api.private(f"/add {url}", bot.admin()))  # a duplicate
    assert "habe ich schon" in again["text"]
    await bot.reply_to(bot.api.private("/watches", reader))
    assert len(bot.api.sent("sendMessage", chat_id=7003)) == 3  # the news went out once


async def test_strangers_are_refused_politely_and_nothing_is_fetched(bot: Admin) -> None:
    before = len(bot.pages.requests)
    for command in (f"/add {bot.pages.url('hafen-de.html')}", "/remove nordkorea-soldaten-russland",
                    "/reload"):
        sent = await bot.reply_to(bot.api.private(command, bot.stranger()))
        assert sent["text"] == "Sorry, only the bot's administrators can change its articles."
    assert len(bot.pages.requests) == before
    assert bot.files() == ["nordkorea-soldaten-russland.yaml"]


async def test_admins_use_a_private_chat(bot: Admin) -> None:
    sent = await bot.reply_to(bot.api.group(f"/add {bot.pages.url('x.html')}", user=bot.admin()))
    assert "privaten Chat" in sent["text"]


async def test_a_bare_link_from_an_admin_gets_an_add_button(bot: Admin) -> None:
    link = bot.api.private(bot.pages.url("bridge-en.html"), bot.admin())
    offer = await bot.reply_to(link)
    (row,) = offer["reply_markup"]["inline_keyboard"]
    assert row[0]["text"] == "Hinzufügen"
    offered = next(c.result for c in bot.api.sent("sendMessage") if c.params is offer)
    bot.api.press(row[0]["callback_data"], offered, bot.stranger())
    await bot.api.wait_for("answerCallbackQuery", show_alert=True)
    assert len(bot.files()) == 1
    bot.api.press(row[0]["callback_data"], offered, bot.admin())
    await bot.api.wait_for("editMessageReplyMarkup")
    done = await bot.reply_to(offered)
    assert "Council approves £40m repair of Severn Lane bridge" in done["text"]
    assert len(bot.files()) == 2


async def test_a_bare_link_from_anyone_else_is_just_a_question(bot: Admin) -> None:
    sent = await bot.reply_to(bot.api.private(bot.pages.url("bridge-en.html"), bot.stranger()))
    assert "reply_markup" not in sent or "Add" not in str(sent["reply_markup"])
    assert len(bot.files()) == 1


async def test_page_text_is_escaped_in_replies(bot: Admin) -> None:
    url = bot.pages.url("hostile-nodate.html")
    sent = await bot.reply_to(bot.api.private(f"/add {url}", bot.admin()))
    assert "&lt;b&gt;prize&lt;/b&gt; &amp; plans trip" in sent["text"]
    answer = await bot.reply_to(bot.api.private("What is the robot nicknamed?", bot.admin()))
    assert "&lt;script&gt;alert(" in answer["text"]
    assert "<script>" not in answer["text"]


@pytest.mark.parametrize("bot", [{"allow_private_networks": False}], indirect=True)
async def test_private_addresses_are_refused_when_not_allowed(bot: Admin) -> None:
    sent = await bot.reply_to(bot.api.private(f"/add {bot.pages.url('hafen-de.html')}",
                                              bot.admin()))
    assert "Konnte ihn nicht hinzufügen: refused to fetch from 127.0.0.1" in sent["text"]
    assert bot.files() == ["nordkorea-soldaten-russland.yaml"]


async def test_remove_and_reload(bot: Admin) -> None:
    await bot.reply_to(bot.api.private(f"/add {bot.pages.url('bridge-en.html')}", bot.admin()))
    art_id = "council-approves-40m-repair-of-severn-lane-bridge"
    sources = await bot.reply_to(bot.api.private("/sources", bot.admin()))
    assert "Severn Lane" in sources["text"]
    removed = await bot.reply_to(bot.api.private(f"/remove {art_id}", bot.admin()))
    assert f"Entfernt: <code>{art_id}</code>" in removed["text"]
    assert bot.files() == ["nordkorea-soldaten-russland.yaml"]
    unknown = await bot.reply_to(bot.api.private(f"/remove {art_id}", bot.admin()))
    assert "habe ich nicht" in unknown["text"]
    usage = await bot.reply_to(bot.api.private("/remove", bot.admin()))
    assert "/remove artikel-id" in usage["text"]
    reloaded = await bot.reply_to(bot.api.private("/reload", bot.admin()))
    assert reloaded["text"].startswith("Neu geladen: 1 Artikel")


def test_allow_private_networks_setting() -> None:
    from bot.errors import ConfigError
    from bot.telegram.config import parse_config

    assert parse_config({"allow_private_networks": True}).allow_private_networks
    off = parse_config({})
    assert not off.private_networks_allowed({})
    assert off.private_networks_allowed({"NEWSBOT_ALLOW_PRIVATE_NETWORKS": "1"})
    with pytest.raises(ConfigError, match="allow_private_networks must be true or false"):
        parse_config({"allow_private_networks": "yes"})
