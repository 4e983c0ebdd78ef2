"""Sending and editing the bot's messages, and what every handler asks first.

`reply` answers a message in its chat and forum topic (even after the message was
deleted); `edit` changes one of the bot's own messages in place (an unchanged edit, as
from a double press, is not an error); `within_budget` spends one of the sender's
searches; `may_change_chat` tells whether the sender administers the chat (groups and
channels: chat settings, watches); `admin_here` whether a bot admin writes in private.
Handler modules import these, never one another.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import InlineKeyboardMarkup, Message, ReplyParameters, Update, User
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest
from telegram.ext import CallbackContext

from bot.telegram.i18n import language, text
from bot.telegram.limits import Verdict, sender_key
from bot.telegram.state import BotState, state

logger = logging.getLogger(__name__)

REPLIED_NOT_FOUND = "message to be replied not found"
NOT_MODIFIED = "message is not modified"


def user_language(user: User | None) -> str:
    """The language of the bot's words for this user (from Telegram's language_code)."""
    return language(user.language_code if user else None)


async def reply(message: Message, html_text: str, **kwargs: Any) -> Message:
    """Reply to `message` in its chat and forum topic, even if it was deleted meanwhile."""
    try:
        return await message.reply_html(
            html_text,
            reply_parameters=ReplyParameters(message.message_id, allow_sending_without_reply=True),
            **kwargs,
        )
    except BadRequest as error:
        if REPLIED_NOT_FOUND not in str(error).lower():
            raise
    logger.info(
        "message %s in chat %s is gone; answering without quoting it",
        message.message_id, message.chat.id,
    )  # fmt: skip
    return await message.reply_html(html_text, do_quote=False, **kwargs)


async def edit(message: Message, html_text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Show `html_text` and `markup` in the bot's own `message` instead of what it showed."""
    try:
        await message.edit_text(html_text, reply_markup=markup)
    except BadRequest as error:
        if NOT_MODIFIED not in str(error).lower():
            raise
        logger.info("message %s in chat %s already shows that", message.message_id,
                    message.chat.id)  # fmt: skip


async def within_budget(update: Update, message: Message, st: BotState) -> bool:
    """Spend one of the sender's searches; False (told once) when none are left."""
    verdict = await st.limiter.verdict(sender_key(update))
    if verdict is Verdict.WARN:
        await reply(message, text(user_language(update.effective_user), "too_many"))
    return verdict is Verdict.ANSWER


async def may_change_chat(
    message: Message, user: User | None, context: CallbackContext[Any, Any, Any, Any]
) -> bool:
    """Whether the sender may change this chat's settings and watches: anyone in a private
    chat; a chat admin (anonymous ones and channel posts included) or a bot admin."""
    if message.chat.type == ChatType.PRIVATE:
        return True
    if message.sender_chat is not None and message.sender_chat.id == message.chat.id:
        return True  # an anonymous administrator, or the channel itself
    if user is None:
        return False
    if user.id in state(context).config.admins:
        return True
    member = await context.bot.get_chat_member(message.chat.id, user.id)
    return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


async def admin_here(update: Update, context: CallbackContext[Any, Any, Any, Any],
                     refusal: str = "admin_only") -> bool:
    """Whether the sender is a bot admin in a private chat; tells everyone else why not
    (`refusal`: the words for a stranger)."""
    message, user = update.effective_message, update.effective_user
    if message is None:
        return False
    lang = user_language(user)
    if user is None or user.id not in state(context).config.admins:
        await reply(message, text(lang, refusal))
        return False
    if message.chat.type != ChatType.PRIVATE:
        await reply(message, text(lang, "admin_private_only"))
        return False
    return True
