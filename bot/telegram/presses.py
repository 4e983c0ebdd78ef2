"""Button presses under an answer: "More", "Paragraph" and "Quote" change it in place.

A press asks for another `View` of the answer it sits under; the bot edits its own
message to show it (editMessageText), never posting a new one; its 👍/👎 pair stays.
The exchange behind the message (question, context, asker) is kept in the state
database (`exchanges`), so buttons work across restarts. In groups and
channels only the asker, the chat's administrators (getChatMember) and the bot's admins
may press; anyone else gets a short notice and the chat does not change. Showing more
quotes spends one of the presser's searches; opening a paragraph does not.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import CallbackContext

from bot.telegram import buttons, exchanges, views
from bot.telegram.buttons import View
from bot.telegram.exchanges import Exchange
from bot.telegram.i18n import text
from bot.telegram.limits import Verdict, sender_key
from bot.telegram.replies import edit, user_language
from bot.telegram.state import BotState, state

logger = logging.getLogger(__name__)

Context = CallbackContext[Any, Any, Any, Any]
ADMINS = (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


async def press(update: Update, context: Context) -> None:
    """Show the view a button asks for in the message it is under; stale ones get a notice."""
    query = update.callback_query
    if query is None:
        return
    st, lang = state(context), user_language(query.from_user)
    pressed = buttons.decode(query.data or "", st.tag)
    message = query.message if isinstance(query.message, Message) else None
    exchange = await exchanges.recall(st.db, message.chat.id, message.message_id) if (
        message and pressed) else None  # fmt: skip
    if pressed is None or message is None or exchange is None:
        await query.answer(text(lang, "stale_button"), show_alert=True)
        return
    if not await may_press(query, message, exchange, context):
        await query.answer(text(lang, "not_yours"))
        return
    if pressed.more and not await _spend(update, query, st):
        return
    await query.answer()
    await show(message, exchange, pressed.view, st)


async def unknown_button(update: Update, context: Context) -> None:
    """Answer a press whose data is not the bot's, so that the button stops spinning."""
    query = update.callback_query
    if query is not None:
        await query.answer(text(user_language(query.from_user), "stale_button"), show_alert=True)


async def show(message: Message, exchange: Exchange, view: View, st: BotState) -> None:
    """Edit the answer `message` to show `view` of its exchange."""
    place = views.Place(compact=message.chat.type != ChatType.PRIVATE, top=st.config.answer.top)
    composed = await asyncio.to_thread(
        views.compose, st.engine, exchange.question, exchange.follow_up, view, place
    )
    votes = buttons.votes_in(message.reply_markup)
    await edit(message, composed.html, composed.keyboard(view, st.tag, votes))


async def may_press(
    query: CallbackQuery, message: Message, exchange: Exchange, context: Context
) -> bool:
    """Whether the presser may change this answer: anyone in a private chat; in groups
    and channels the asker, the chat's administrators and the bot's admins."""
    user = query.from_user
    if message.chat.type == ChatType.PRIVATE or user.id == exchange.asker:
        return True
    if user.id in state(context).config.admins:
        return True
    try:
        member = await context.bot.get_chat_member(message.chat.id, user.id)
    except TelegramError as error:
        logger.info("cannot tell whether %s administers chat %s: %s", user.id,
                    message.chat.id, error)  # fmt: skip
        return False
    return member.status in ADMINS


async def _spend(update: Update, query: CallbackQuery, st: BotState) -> bool:
    """Spend a search for more quotes; False (the press answered) when none are left."""
    verdict = await st.limiter.verdict(sender_key(update))
    if verdict is Verdict.ANSWER:
        return True
    if verdict is Verdict.WARN:
        await query.answer(text(user_language(query.from_user), "too_many"), show_alert=True)
    else:
        await query.answer()
    return False

