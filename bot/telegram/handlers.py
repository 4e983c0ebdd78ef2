"""Commands and the rest: /start, /help, /about, /sources, /autoanswer, other messages, the
bot's own membership (a chat that blocks or removes it is forgotten), errors.

Questions are answered in `questions`, button presses in `presses`, admin commands in
`admin`; `app.build_application` wires all of them to updates in one place. Lists and
onboarding read the articles' overview (`overview`, made off the event loop from
metadata only), never the articles' text.
"""

from __future__ import annotations

import html
import logging
from typing import Any

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, Conflict, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import CallbackContext

from bot.telegram import chats, prompts, render
from bot.telegram.i18n import text
from bot.telegram.replies import may_change_chat, reply, user_language, within_budget
from bot.telegram.state import HELP_START_PARAMETER, state

logger = logging.getLogger(__name__)

Context = CallbackContext[Any, Any, Any, Any]


async def start(update: Update, context: Context) -> None:
    """Greet the user: what the articles are, two example questions (or help for /start help)."""
    message, user = update.effective_message, update.effective_user
    if message is None:
        return
    if context.args and context.args[0] == HELP_START_PARAMETER:
        await help_command(update, context)
        return
    lang, st = user_language(user), state(context)
    catalog = await st.overview.catalog(st.engine)
    examples = await prompts.examples(st, lang)
    name = f", {html.escape(user.first_name)}" if user and user.first_name else ""
    welcome = text(
        lang, "welcome", name=name, articles=render.about_articles(catalog, lang),
        examples=prompts.examples_html(examples, lang),
    )  # fmt: skip
    await reply(message, welcome)


async def help_command(update: Update, context: Context) -> None:
    """Explain how to ask, as it works in this kind of chat."""
    message = update.effective_message
    if message is None:
        return
    lang = user_language(update.effective_user)
    username = html.escape(context.bot.username or "bot")
    example = html.escape(await prompts.example_question(state(context), lang))
    key = "help" if message.chat.type == ChatType.PRIVATE else "help_group"
    await reply(message, text(lang, key, username=username, example=example))


async def about(update: Update, context: Context) -> None:
    """Say how the bot works and which index it serves (counts only)."""
    message, st = update.effective_message, state(context)
    if message is None or not await within_budget(update, message, st):
        return
    catalog = await st.overview.catalog(st.engine)
    version = html.escape(st.engine.version[:12])
    lang = user_language(update.effective_user)
    await reply(message, text(lang, "about", articles=catalog.articles,
                              passages=catalog.passages, version=version))  # fmt: skip


async def sources(update: Update, context: Context) -> None:
    """List the newest articles the bot can quote, with outlets and dates."""
    message, st = update.effective_message, state(context)
    if message and await within_budget(update, message, st):
        lang = user_language(update.effective_user)
        catalog = await st.overview.catalog(st.engine)
        await reply(message, render.sources_html(catalog, lang))


async def private_other(update: Update, context: Context) -> None:
    """Ask for text when a private message has none (sticker, photo, ...)."""
    if update.effective_message:
        lang = user_language(update.effective_user)
        await reply(update.effective_message, text(lang, "text_only"))


async def unknown_command(update: Update, context: Context) -> None:
    """Point to /help when a private chat sends a command the bot does not have."""
    if update.effective_message:
        lang = user_language(update.effective_user)
        await reply(update.effective_message, text(lang, "unknown_command"))


async def autoanswer(update: Update, context: Context) -> None:
    """Let chat admins switch answering every message that ends in '?' on or off."""
    message, user = update.effective_message, update.effective_user
    if message is None:
        return
    lang = user_language(user)
    if message.chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        await reply(message, text(lang, "groups_only"))
        return
    choice = (context.args or [""])[0].lower()
    st = state(context)
    if choice not in ("on", "off"):
        current = await chats.autoanswer(st, message.chat.id)
        status = text(lang, "autoanswer_status", state=text(lang, "on" if current else "off"))
        await reply(message, f"{status}\n{text(lang, 'autoanswer_usage')}")
        return
    if not await may_change_chat(message, user, context):
        await reply(message, text(lang, "admins_only"))
        return
    await chats.set_autoanswer(st, message.chat.id, choice == "on")
    await reply(message, text(lang, f"autoanswer_{choice}"))


async def membership(update: Update, context: Context) -> None:
    """Forget a chat that blocked the bot or removed it (its settings, context, watches)."""
    change = update.my_chat_member
    if change is None:
        return
    status = change.new_chat_member.status
    if status in (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED):
        await chats.forget(state(context), change.chat.id, f"is gone for the bot ({status})")


async def error_handler(update: object, context: Context) -> None:
    """Log the error and keep running; the user gets a short apology, never a traceback."""
    error = context.error
    where = _describe(update)
    if isinstance(error, Forbidden):
        logger.warning("cannot write to %s: %s", where, error)
        return
    if isinstance(error, RetryAfter):
        logger.warning("flood limit for %s even after retries: %s", where, error)
        return
    if isinstance(error, Conflict):
        logger.warning(
            "another bot instance uses this token (%s); stop it, only one may poll", error
        )
        return
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        if update is None:
            logger.warning("Bot API unreachable while polling (%s); trying again", error)
        else:
            logger.warning("no answer delivered for %s: %s", where, error)
        return
    logger.error("error while handling %s", where, exc_info=error)
    if isinstance(error, TelegramError) or not isinstance(update, Update):
        return
    lang = user_language(update.effective_user)
    try:
        if update.callback_query:
            await update.callback_query.answer(text(lang, "error"), show_alert=True)
        elif update.effective_message and update.effective_message.chat.type == ChatType.PRIVATE:
            await reply(update.effective_message, text(lang, "error"))
    except TelegramError as exc:
        logger.warning("could not tell %s about the error: %s", where, exc)


def _describe(update: object) -> str:
    """Short description of an update for the log (ids only, no message text)."""
    if isinstance(update, Update):
        chat = update.effective_chat
        return f"update {update.update_id}" + (f" in chat {chat.id}" if chat else "")
    return "a job" if update is None else type(update).__name__
