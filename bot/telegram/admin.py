"""Admin commands: /add URL, /remove ID, /reload, and the "Add" button under a bare link.

Only the bot admins of the config (user ids), in a private chat with the bot, may change
the knowledge; everyone else gets a polite refusal. /add takes http(s) addresses only:
files on the server are added on the server (`newsbot add FILE`), never from a chat.
Adding goes through `bot.ingest.add` (in a worker thread: fetching blocks), then
`engine.reload()` serves the new article at once, and the watched questions are asked
again as after a feed round (`alerts`). Every piece of text that came from a page passes
`html.escape` before it is sent.
"""

from __future__ import annotations

import asyncio
import html
import logging
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackContext

from bot.ingest import IngestError, Outcome, Settings, add, target_dir
from bot.telegram import alerts, render
from bot.telegram.addresses import is_web_address
from bot.telegram.i18n import text
from bot.telegram.replies import admin_here, reply, user_language
from bot.telegram.state import BotState, state

logger = logging.getLogger(__name__)

Context = CallbackContext[Any, Any, Any, Any]
ADD_PREFIX = "a|"
ADD_PATTERN = r"^a\|"  # what the CallbackQueryHandler of the "Add" button listens to
LINK = r"^\s*https?://\S+\s*$"  # a message that is nothing but a link
MAX_TITLE, MAX_REASON = 300, 1500  # characters of a page's title and of an error shown


async def add_command(update: Update, context: Context) -> None:
    """Add the article at /add URL (bot admins, private chat)."""
    message, lang = update.effective_message, user_language(update.effective_user)
    if message is None or not await admin_here(update, context):
        return
    url = (context.args or [""])[0]
    if not url:
        await reply(message, text(lang, "add_usage"))
        return
    await reply(message, await add_article(url, state(context), lang, context))


async def offer_add(update: Update, context: Context) -> None:
    """Offer an "Add" button when an admin sends nothing but a link."""
    message, lang = update.effective_message, user_language(update.effective_user)
    if message is None or not message.text or not await admin_here(update, context):
        return
    url = message.text.strip()
    key = state(context).buttons.put(url)
    button = InlineKeyboardButton(text(lang, "add_button"), callback_data=ADD_PREFIX + key)
    await reply(message, text(lang, "add_offer", url=html.escape(url)),
                reply_markup=InlineKeyboardMarkup([[button]]))


async def press_add(update: Update, context: Context) -> None:
    """Add the link under which an admin pressed "Add"."""
    query = update.callback_query
    if query is None:
        return
    st, lang = state(context), user_language(query.from_user)
    url = st.buttons.get((query.data or "").removeprefix(ADD_PREFIX))
    message = query.message if isinstance(query.message, Message) else None
    if query.from_user.id not in st.config.admins:
        await query.answer(text(lang, "admin_only"), show_alert=True)
    elif url is None or message is None:
        await query.answer(text(lang, "stale_button"), show_alert=True)
    else:
        await query.answer()
        await message.edit_reply_markup(reply_markup=None)
        await reply(message, await add_article(url, st, lang, context))


async def remove_command(update: Update, context: Context) -> None:
    """Remove the article /remove ID: delete its knowledge file and reload."""
    message, lang = update.effective_message, user_language(update.effective_user)
    if message is None or not await admin_here(update, context):
        return
    art_id = (context.args or [""])[0]
    if not art_id:
        await reply(message, text(lang, "remove_usage"))
        return
    await reply(message, await remove_article(art_id, state(context), lang))


async def reload_command(update: Update, context: Context) -> None:
    """Reload the knowledge in a worker thread (bot admins, private chat)."""
    message, lang = update.effective_message, user_language(update.effective_user)
    if message is None or not await admin_here(update, context):
        return
    st = state(context)
    errors = await asyncio.to_thread(st.engine.reload)
    if errors:
        listing = "\n".join(f"• {html.escape(e)}" for e in errors[:20])
        await reply(message, render.shorten(text(lang, "reload_errors", errors=listing), 4000))
        return
    version = html.escape(st.engine.version[:12])
    count = st.engine.article_count()
    await reply(message, text(lang, "reloaded", articles=count, version=version))


async def add_article(url: str, st: BotState, lang: str, context: Context | None = None) -> str:
    """Add the page at `url` to the knowledge folder and reload; the reply as Telegram HTML.
    With `context`, the watched questions are asked again afterwards, as after a feed
    round (in the background: the reply does not wait for them)."""
    if not is_web_address(url):
        return text(lang, "add_web_only")
    try:
        folder = target_dir(st.config.knowledge)
    except IngestError as err:
        return text(lang, "add_failed", reason=html.escape(render.shorten(str(err), MAX_REASON)))
    settings = Settings(allow_private_networks=st.config.private_networks_allowed())
    summary = await asyncio.to_thread(add, [url], folder, settings)
    outcome = summary.outcomes[0]
    logger.info("add %s: %s %s", url, outcome.status, outcome.article_id or outcome.reason)
    if outcome.status == "added":
        await asyncio.to_thread(st.engine.reload)
        if context is not None and outcome.article_id:
            news = alerts.after_round(st, context.bot, (outcome.article_id,))
            context.application.create_task(news, name="watches after /add")
    return _outcome_html(outcome, st, lang)


async def remove_article(art_id: str, st: BotState, lang: str) -> str:
    """Delete the knowledge file of article `art_id` and reload; the reply as Telegram HTML."""
    article = await asyncio.to_thread(st.engine.article, art_id)
    if article is None:
        return text(lang, "remove_unknown", id=html.escape(art_id))
    path = Path(article.path or "")
    if path.suffix not in (".yaml", ".yml") or not path.is_file():
        return text(lang, "remove_shared", id=html.escape(art_id), file=html.escape(str(path)))
    await asyncio.to_thread(path.unlink)
    await asyncio.to_thread(st.engine.reload)
    logger.info("removed %s (%s)", art_id, path)
    return text(lang, "removed", id=html.escape(art_id), title=html.escape(article.title))


def _outcome_html(outcome: Outcome, st: BotState, lang: str) -> str:
    values = {
        "title": html.escape(render.shorten(outcome.title or "", MAX_TITLE)),
        "id": html.escape(outcome.article_id or ""),
        "reason": html.escape(render.shorten(outcome.reason, MAX_REASON)),
    }
    if outcome.status == "added":
        passages = st.engine.passage_count(outcome.article_id or "")
        return text(lang, "added", passages=passages, **values)
    return text(lang, "add_duplicate" if outcome.status == "skipped" else "add_failed", **values)
