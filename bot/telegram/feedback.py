"""Closing the loop for editors: the 👍/👎 pair under answers in private chats, and /gaps.

A press is stored with the answer's question and quoted passage (`journal.vote`) and
marked on the button (a second press changes the vote). /gaps, for the bot's admins in a
private chat, lists the questions of the last seven days that found nothing or got a 👎,
similar wordings grouped (`gaps`), the most asked first: the articles readers want and
the archive lacks.
"""

from __future__ import annotations

from typing import Any

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import CallbackContext

from bot.telegram import buttons, journal, render
from bot.telegram.gaps import Gap
from bot.telegram.i18n import text
from bot.telegram.replies import admin_here, reply, user_language
from bot.telegram.state import state

Context = CallbackContext[Any, Any, Any, Any]
MAX_WORDINGS = 3  # other wordings shown per gap


async def vote(update: Update, context: Context) -> None:
    """Keep a reader's 👍 or 👎 under an answer, with its question and quoted passage."""
    query = update.callback_query
    if query is None:
        return
    lang, pressed = user_language(query.from_user), buttons.decode_vote(query.data or "")
    message = query.message if isinstance(query.message, Message) else None
    if pressed is None or message is None or message.chat.type != ChatType.PRIVATE:
        await query.answer(text(lang, "stale_button"), show_alert=True)
        return
    good, logged = pressed
    if not await journal.vote(state(context), message.chat.id, message.message_id, logged, good):
        await query.answer(text(lang, "stale_button"), show_alert=True)
        return
    await query.answer(text(lang, "thanks_good" if good else "thanks_bad"))
    marked = buttons.voted(message.reply_markup, good) if message.reply_markup else None
    if marked is not None and marked != message.reply_markup:  # the same press twice: as is
        await message.edit_reply_markup(reply_markup=marked)


async def gaps_command(update: Update, context: Context) -> None:
    """List what readers asked in the last week and the archive could not answer."""
    message, lang = update.effective_message, user_language(update.effective_user)
    if message is not None and await admin_here(update, context, refusal="admin_only_gaps"):
        await reply(message, gaps_html(await journal.gaps_now(state(context)), lang))


def gaps_html(found: list[Gap], lang: str) -> str:
    """The gaps as a list: count, the commonest wording, why, and other wordings."""
    if not found:
        return text(lang, "gaps_none", days=journal.GAP_DAYS)
    lines = [text(lang, "gaps_title", days=journal.GAP_DAYS)]
    for gap in found:
        why = []
        if gap.nothing:
            why.append(text(lang, "gaps_nothing", count=gap.nothing))
        if gap.disliked:
            why.append(f"{gap.disliked}× 👎")
        line = f"• <b>{gap.count}×</b> {_quoted(gap.question)} ({', '.join(why)})"
        others = gap.others()
        if others:
            shown = ", ".join(_quoted(o) for o in others[:MAX_WORDINGS])
            more = "…" if len(others) > MAX_WORDINGS else ""
            line += f"\n   {text(lang, 'gaps_also')} {shown}{more}"
        lines.append(line)
    return render.lines_within(lines, render.MAX_MESSAGE - 50)


def _quoted(question: str) -> str:
    return f"“{render.escape(render.shorten(question, 120))}”"
