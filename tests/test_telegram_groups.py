"""End to end: answers shaped for groups, and buttons that edit them for the asker only.

The real Application polls the fake Bot API with the bundled article (issue 17): a group
gets one short quote with a one-line source; "More" and "Paragraph" edit that message;
anyone but the asker and the chat's admins gets a notice, and the chat stays as it was.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import pytest
from fakebotapi import TOKEN, FakeBotAPI, polling
from test_telegram_bot import GROUP, QUESTION, buttons_of

from bot.engine import Engine
from bot.telegram.app import build_application
from bot.telegram.config import Config

ASKER, OTHER, CHAT_ADMIN = 1001, 2002, 4242


@pytest.fixture
async def api(fake_api: FakeBotAPI, bundled_engine: Engine) -> AsyncIterator[FakeBotAPI]:
    """The fake Telegram, with the real bot polling it."""
    app = build_application(Config(api_base_url=fake_api.base_url), bundled_engine, TOKEN)
    async with polling(fake_api, app, post_init=True):
        yield fake_api
    refused = [c for c in fake_api.calls if c.status == 400]
    assert not refused, f"Telegram would have refused: {[(c.method, c.params) for c in refused]}"


def bold(text: str) -> list[str]:
    """The words a message prints bold."""
    return re.findall(r"<b>(.*?)</b>", text, flags=re.DOTALL)


def source_line(text: str) -> str:
    """What follows the (first) quote: its source line(s) (a count question's figures
    come after a blank line)."""
    return text.split("</blockquote>\n", 1)[1].split("\n\n", 1)[0]


async def test_group_reply_is_one_short_quote_with_a_one_line_source(api: FakeBotAPI) -> None:
    sent = await api.reply_to(api.group(f"/ask {QUESTION}"))
    text = sent["text"]
    assert len(text) <= 600
    assert text.count("<blockquote") == 1
    assert bold(text) and set(bold(text)) <= {"1.500", "12.000"}
    line = source_line(text)
    assert "\n" not in line and line.startswith("— ")
    assert "Nordkoreanische Soldaten" in line and "22.10.2024" in line and "¶ " in line
    assert "aktualisiert" not in line  # compact: one date only
    assert "Mehr ▸" in buttons_of(sent) and set(buttons_of(sent)) <= {"Absatz", "Mehr ▸"}
    # who says it, and how the figure developed, fit in the same short reply
    assert "🗣 NIS" in line
    timeline = text.split("📊 Zahlen nach Datum:\n", 1)[1].splitlines()
    assert any("1.500" in t for t in timeline)
    assert any("bis zu 12.000" in t and "Pentagon, NATO: nicht bestätigt" in t for t in timeline)


async def test_what_does_russia_say_shows_russia_only(api: FakeBotAPI) -> None:
    sent = await api.reply_to(api.group("/ask what does Russia say?", user=api.user(3, "en")))
    text = sent["text"]
    assert text.count("<blockquote") == 1
    assert "Peskow" in text or "Dementi" in text
    assert "Austin" not in text and "Präsidialamt" not in text


@pytest.mark.parametrize("question", ["and Russia?", "Wie viele Soldaten?", "Wer ist Peskow?"])
async def test_bold_only_where_the_engine_found_the_answer(
    api: FakeBotAPI, bundled_engine: Engine, question: str
) -> None:
    first = bundled_engine.answer(question, top=1).snippets[0]
    sent = await api.reply_to(api.group(f"/ask {question}"))
    shown = bold(sent["text"])
    if first.answer_highlighted:
        assert shown == [first.quote[h.start : h.end] for h in first.highlights][: len(shown)]
    else:
        assert shown == []  # the question's own words found are no answer


async def test_more_edits_for_the_asker_and_refuses_others(api: FakeBotAPI) -> None:
    sent = await api.reply_to(api.group(f"/ask {QUESTION}", user=api.user(ASKER)))
    answer = api.sent("sendMessage", chat_id=GROUP)[0].result
    more = buttons_of(sent)["Mehr ▸"]

    refused = api.press(more, answer, user=api.user(OTHER, "en", "Eve"))
    [notice] = await api.wait_for("answerCallbackQuery", callback_query_id=refused)
    assert notice.params["text"].startswith("Only the one who asked")
    assert not notice.params.get("show_alert")  # a short notice, not a dialog
    assert api.sent("getChatMember", user_id=OTHER)  # asked whether Eve administers it
    assert not api.sent("editMessageText") and len(api.sent("sendMessage")) == 1

    pressed = api.press(more, answer, user=api.user(ASKER))
    [edited] = await api.wait_for("editMessageText", chat_id=GROUP)
    await api.wait_for("answerCallbackQuery", callback_query_id=pressed)
    assert edited.params["message_id"] == answer["message_id"]
    assert edited.params["text"].count("<blockquote") > 1
    assert len(api.sent("sendMessage", chat_id=GROUP)) == 1  # no new message in the chat


async def test_chat_admins_may_press_too(api: FakeBotAPI) -> None:
    api.admins.add(CHAT_ADMIN)
    sent = await api.reply_to(api.group(f"/ask {QUESTION}", user=api.user(ASKER)))
    answer = api.sent("sendMessage", chat_id=GROUP)[0].result
    api.press(buttons_of(sent)["Mehr ▸"], answer, user=api.user(CHAT_ADMIN))
    [edited] = await api.wait_for("editMessageText", chat_id=GROUP)
    assert edited.params["message_id"] == answer["message_id"]


async def test_paragraph_in_a_group_opens_in_place(api: FakeBotAPI) -> None:
    question = "Wie viele Soldaten sollen es laut dem NIS werden?"
    sent = await api.reply_to(api.group(f"/ask {question}", user=api.user(ASKER)))
    answer = api.sent("sendMessage", chat_id=GROUP)[0].result
    labels = buttons_of(sent)
    label = next(label for label in labels if label.startswith("Absatz"))
    api.press(labels[label], answer, user=api.user(OTHER))  # not the asker: nothing
    api.press(labels[label], answer, user=api.user(ASKER))
    [opened] = await api.wait_for("editMessageText", chat_id=GROUP)
    await api.wait_for("answerCallbackQuery", count=2)
    text = opened.params["text"]
    assert "<blockquote expandable>" in text
    assert re.search(r"<u>[^<]*<b>12\.000</b>", text)  # the quote marked, its answer bold
    assert "Zitat" in buttons_of(opened.params)
    assert len(api.sent("editMessageText")) == 1


async def test_a_double_press_changes_the_message_once(api: FakeBotAPI) -> None:
    sent = await api.reply_to(api.group(f"/ask {QUESTION}", user=api.user(ASKER)))
    answer = api.sent("sendMessage", chat_id=GROUP)[0].result
    more = buttons_of(sent)["Mehr ▸"]
    api.press(more, answer, user=api.user(ASKER))
    await api.wait_for("editMessageText", chat_id=GROUP)
    api.press(more, api.message_now(answer), user=api.user(ASKER))  # the same view again
    await api.wait_for("answerCallbackQuery", count=2)
    await asyncio.sleep(0.3)
    assert len(api.sent("editMessageText")) == 1
    [unchanged] = [c for c in api.calls if c.status == 400]  # Telegram: "not modified"
    assert unchanged.method == "editMessageText"
    api.calls.remove(unchanged)  # refused as Telegram would, and taken calmly by the bot


async def test_channel_answers_are_compact_too(api: FakeBotAPI) -> None:
    sent = await api.reply_to(api.channel(f"/ask {QUESTION}"))
    assert len(sent["text"]) <= 600 and sent["text"].count("<blockquote") == 1

