"""Admin commands for feeds: /follow URL [every], /unfollow URL|ID, /feeds.

The bot's admins, in a private chat, as for /add. /follow takes http(s) addresses only
(like /add: nothing on the server's disk is looked at) and an optional interval
(``15m``, ``2h``, ``1d``; default 15 minutes); the address is fetched once to check that
it is a feed (`bot.feeds.follow`, in a worker thread), and its items come with the next
poll (`rounds`). Feeds need a knowledge folder of the bot's own to write articles into;
serving the bundled articles, /follow says so. Every text from a feed or its server
passes `html.escape`.
"""

from __future__ import annotations

import asyncio
import html
from typing import Any

from telegram import Update
from telegram.ext import CallbackContext

from bot.feeds import DEFAULT_INTERVAL, FeedError, follow, format_interval, parse_interval
from bot.feeds import unfollow as stop_following
from bot.feeds.listing import feed_lines
from bot.ingest import IngestError
from bot.telegram import render
from bot.telegram.addresses import is_web_address
from bot.telegram.i18n import text
from bot.telegram.replies import admin_here, reply, user_language
from bot.telegram.state import BotState, state

Context = CallbackContext[Any, Any, Any, Any]
MAX_REASON = 1500  # characters of an error shown
MAX_LISTING = 4000  # characters of /feeds (Telegram's limit is 4096)


async def follow_command(update: Update, context: Context) -> None:
    """Follow the feed at /follow URL [every] (bot admins, private chat)."""
    message, lang = update.effective_message, user_language(update.effective_user)
    if message is None or not await admin_here(update, context):
        return
    args = context.args or []
    if not args or len(args) > 2:
        await reply(message, text(lang, "follow_usage"))
        return
    every = args[1] if len(args) > 1 else None
    await reply(message, await follow_feed(state(context), args[0], every, lang))


async def unfollow_command(update: Update, context: Context) -> None:
    """Stop following the feed /unfollow URL|ID (its articles stay)."""
    message, lang = update.effective_message, user_language(update.effective_user)
    if message is None or not await admin_here(update, context):
        return
    args = context.args or []
    if len(args) != 1:
        await reply(message, text(lang, "unfollow_usage"))
        return
    await reply(message, await unfollow_feed(state(context), args[0], lang))


async def feeds_command(update: Update, context: Context) -> None:
    """List the followed feeds: last fetch, last new item, articles, what went wrong."""
    message, lang = update.effective_message, user_language(update.effective_user)
    if message is not None and await admin_here(update, context):
        await reply(message, await feeds_html(state(context), lang))


async def follow_feed(st: BotState, url: str, every: str | None, lang: str) -> str:
    """Follow the feed at `url`; the reply as Telegram HTML."""
    if st.poller is None:
        return text(lang, "feeds_no_folder")
    if not is_web_address(url):
        return text(lang, "follow_web_only")
    try:
        interval = parse_interval(every) if every else DEFAULT_INTERVAL
    except ValueError as err:
        return text(lang, "follow_failed", reason=_reason(str(err)))
    settings = st.poller.settings.fetch
    try:
        done = await asyncio.to_thread(follow, st.db, url, settings, interval=interval,
                                       now=st.clock())  # fmt: skip
    except (FeedError, IngestError) as err:
        return text(lang, "follow_failed", reason=_reason(str(err)))
    title = f" “{html.escape(done.title)}”" if done.title else ""
    return text(lang, "following" if done.new else "follow_updated", id=done.feed.id,
                url=html.escape(done.feed.url), kind=html.escape(done.kind), title=title,
                entries=done.entries, every=format_interval(interval))  # fmt: skip


async def unfollow_feed(st: BotState, feed: str, lang: str) -> str:
    """Stop following `feed` (its address or number); the reply as Telegram HTML."""
    try:
        gone = await asyncio.to_thread(stop_following, st.db, feed)
    except FeedError as err:
        return text(lang, "follow_failed", reason=_reason(str(err)))
    return text(lang, "unfollowed", id=gone.id, url=html.escape(gone.url))


async def feeds_html(st: BotState, lang: str) -> str:
    """Every followed feed in a few lines (`bot.feeds.listing`), escaped, within one message."""
    now = st.clock()

    def listing() -> list[list[str]]:
        return [feed_lines(f, st.db.items.list(f.id), now) for f in st.db.feeds.list()]

    described = await asyncio.to_thread(listing)
    if not described:
        return text(lang, "feeds_none" if st.poller else "feeds_no_folder")
    blocks, used = [], 0
    for number, lines in enumerate(described):
        head, *rest = (html.escape(render.shorten(line, 600)) for line in lines)
        block = "\n".join([f"<b>{head}</b>", *rest])
        if used + len(block) > MAX_LISTING:
            blocks.append(text(lang, "feeds_more", count=len(described) - number))
            break
        blocks.append(block)
        used += len(block) + 2
    return "\n\n".join(blocks)


def _reason(message: str) -> str:
    return html.escape(render.shorten(message, MAX_REASON))
