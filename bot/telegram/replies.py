"""Sending and editing the bot's messages, and what every handler asks first.

`reply` answers a message in its chat and forum topic (even after the message was
deleted); `edit` changes one of the bot's own messages in place (an unchanged edit, as
from a double press, is not an error); `within_budget` spends one of the sender's
searches. Handler modules import these, never one another.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import InlineKeyboardMarkup, Message, ReplyParameters, Update, User
from telegram.error import BadRequest

from bot.telegram.i18n import language, text
from bot.telegram.limits import Verdict, sender_key
from bot.telegram.state import BotState

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
    verdict = st.limiter.check(sender_key(update))
    if verdict is Verdict.WARN:
        await reply(message, text(user_language(update.effective_user), "too_many"))
    return verdict is Verdict.ANSWER
