"""Watching a question: /watch QUESTION, /watches, /unwatch N.

Anyone may watch in a private chat; in a group only its administrators (and the bot's
admins), in a channel its administrators (a channel post is theirs). A chat watches at
most `bot.state.watches.MAX_PER_CHAT` questions; /unwatch takes the number /watches
shows. What happens after each feed round is `alerts`; the watches live in the state
database, so they survive restarts.
"""

from __future__ import annotations

import html
from typing import Any

from telegram import Message, Update
from telegram.ext import CallbackContext

from bot.state import StateError, Watch
from bot.state.watches import MAX_PER_CHAT, MAX_QUESTION
from bot.telegram import alerts, prompts, render, smalltalk, triggers
from bot.telegram.i18n import text
from bot.telegram.replies import may_change_chat, reply, user_language, within_budget
from bot.telegram.state import BotState, state
from bot.telegram.storage import call

Context = CallbackContext[Any, Any, Any, Any]


async def watch(update: Update, context: Context) -> None:
    """Watch /watch QUESTION here: its answer is posted again when a new article changes it."""
    message, lang = update.effective_message, user_language(update.effective_user)
    if message is None:
        return
    st, question = state(context), triggers.command_argument(message)
    if not question or smalltalk.is_small(question):
        example = html.escape(await prompts.example_question(st, lang))
        await reply(message, text(lang, "watch_usage", example=example))
    elif not await may_change_chat(message, update.effective_user, context):
        await reply(message, text(lang, "admins_only"))
    elif len(question) > MAX_QUESTION:
        await reply(message, text(lang, "watch_too_long", limit=MAX_QUESTION))
    elif await within_budget(update, message, st):
        await reply(message, await start_watching(st, message.chat.id, question, lang))


async def watches(update: Update, context: Context) -> None:
    """List the questions this chat watches, numbered for /unwatch."""
    message, lang = update.effective_message, user_language(update.effective_user)
    if message is not None:
        kept = await call(state(context).db.watches.list, message.chat.id)
        await reply(message, watches_html(kept, lang))


async def unwatch(update: Update, context: Context) -> None:
    """Stop watching question N of /watches."""
    message, lang = update.effective_message, user_language(update.effective_user)
    if message is None:
        return
    number = (context.args or [""])[0]
    if not (number.isdigit() and number.isascii()):
        await reply(message, text(lang, "unwatch_usage"))
    elif not await may_change_chat(message, update.effective_user, context):
        await reply(message, text(lang, "admins_only"))
    else:
        await reply(message, await stop_watching(state(context), message, int(number), lang))


async def start_watching(st: BotState, chat_id: int, question: str, lang: str) -> str:
    """Watch `question` in the chat; the reply as Telegram HTML."""
    try:
        made = await alerts.watch(st, chat_id, question)
    except StateError:
        return text(lang, "watch_full", limit=MAX_PER_CHAT)
    return text(lang, "watching", question=_quoted(made.question))


async def stop_watching(st: BotState, message: Message, number: int, lang: str) -> str:
    """Stop watching the chat's `number`-th question; the reply as Telegram HTML."""
    kept = await call(st.db.watches.list, message.chat.id)
    if not 1 <= number <= len(kept):
        return text(lang, "unwatch_unknown", number=number)
    gone = kept[number - 1]
    await call(st.db.watches.remove, message.chat.id, gone.id)
    return text(lang, "unwatched", question=_quoted(gone.question))


def watches_html(kept: list[Watch], lang: str) -> str:
    """The chat's watched questions, numbered, with when each last brought news."""
    if not kept:
        return text(lang, "watches_none")
    lines = [text(lang, "watches_title", count=len(kept), limit=MAX_PER_CHAT)]
    for number, watch in enumerate(kept, 1):
        since = render.format_date(watch.created.date(), lang)
        news = (text(lang, "watch_last_news", date=render.format_date(watch.notified.date(),
                                                                      lang))
                if watch.notified else "")  # fmt: skip
        lines.append(f"{number}. {_quoted(watch.question)} — {since}{news}")
    lines.append(text(lang, "watches_hint"))
    return "\n".join(lines)


def _quoted(question: str) -> str:
    return f"<i>{render.escape(render.shorten(question, 200))}</i>"
