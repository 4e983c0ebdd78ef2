"""Questions: /ask, private text, group messages meant for the bot, channel posts, inline.

Every question goes the same way (`answer_question`): small inputs get a prompt with
example questions; the sender's budget is spent; a reply to an earlier exchange (the
bot's answer, or the question it answered) is asked with that exchange as context;
the engine answers in a worker thread; the answer is shaped for the place (compact in
groups and channels), logged (`journal`: with a 👍/👎 pair under it in private chats)
and remembered in the chat for follow-ups and buttons.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import time
from collections.abc import Sequence
from typing import Any

from telegram import (
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.ext import CallbackContext

from bot.models import Snippet
from bot.telegram import (
    buttons,
    chats,
    exchanges,
    journal,
    prompts,
    render,
    smalltalk,
    triggers,
    views,
)
from bot.telegram.exchanges import Exchange
from bot.telegram.i18n import language, text
from bot.telegram.limits import Verdict, sender_key
from bot.telegram.replies import reply, user_language, within_budget
from bot.telegram.state import HELP_START_PARAMETER, BotState, state

Context = CallbackContext[Any, Any, Any, Any]
INLINE_CACHE_SECONDS = 300
MAX_QUESTION = 1000  # characters; a longer text gets a friendly request for a question


async def ask(update: Update, context: Context) -> None:
    """Answer /ask question (private chats, groups, channels)."""
    message = update.effective_message
    if message is None:
        return
    question = triggers.command_argument(message)
    if question:
        await answer_question(update, context, message, question)
        return
    lang = user_language(update.effective_user)
    example = await prompts.example_question(state(context), lang)
    await reply(message, text(lang, "ask_usage", example=html.escape(example)))


async def private_text(update: Update, context: Context) -> None:
    """Treat any text in a private chat as a question."""
    message = update.effective_message
    if message and message.text:
        await answer_question(update, context, message, message.text)


async def group_text(update: Update, context: Context) -> None:
    """Answer a group message that mentions the bot, replies to it, or (if on) ends in '?'."""
    message = update.effective_message
    if message is None:
        return
    st = state(context)
    settings = st.config.groups
    bot = context.bot.bot
    asks = (message.text or "").rstrip().endswith("?")  # the switch matters only then
    autoanswer = asks and await chats.autoanswer(st, message.chat.id)
    question = triggers.group_question(
        message, bot, mentions_on=settings.answer_mentions,
        replies_on=settings.answer_replies, autoanswer=autoanswer,
    )  # fmt: skip
    addressed = triggers.mentions(message, bot) or triggers.replies_to_bot(message, bot)
    if question and (addressed or not smalltalk.is_small(question)):
        await answer_question(update, context, message, question)


async def channel_post(update: Update, context: Context) -> None:
    """Answer a channel post that mentions the bot; ignore all others."""
    message = update.channel_post
    if message is None:
        return
    question = triggers.channel_question(message, context.bot.bot)
    if question:
        await answer_question(update, context, message, question)


async def inline_query(update: Update, context: Context) -> None:
    """Offer up to five quotes for @bot question; a hint button for an empty query."""
    query = update.inline_query
    if query is None:
        return
    st = state(context)
    question = query.query.strip()
    lang = user_language(query.from_user)
    if not question or smalltalk.is_small(question):
        await query.answer([], cache_time=INLINE_CACHE_SECONDS, button=_help_button(lang, "hint"))
        return
    verdict = await st.limiter.verdict(sender_key(update))
    if verdict is not Verdict.ANSWER:
        if verdict is Verdict.WARN:  # personal and not cached: others may still ask this
            await query.answer([], cache_time=0, is_personal=True,
                               button=_help_button(lang, "too_many"))  # fmt: skip
        return
    top = st.config.answer.inline_results
    answer = await asyncio.to_thread(st.engine.answer, question, top)
    lang = language(answer.language)
    shown = views.consistent(answer.snippets[:top]) if answer.found else []
    if not shown:
        button = _help_button(lang, "nothing")
        await query.answer([], cache_time=INLINE_CACHE_SECONDS, button=button)
        return
    await query.answer(_inline_results(shown, lang), cache_time=INLINE_CACHE_SECONDS)


async def answer_question(
    update: Update, context: Context, message: Message, question: str
) -> None:
    """Answer `question` in `message`'s chat, as a follow-up if it replies to an exchange."""
    st = state(context)
    lang = user_language(update.effective_user)
    if smalltalk.is_small(question):
        lang = smalltalk.greeting_language(question) or lang
        await reply(message, await prompts.prompt_html(st, lang))
        return
    if not await within_budget(update, message, st):
        return
    if len(question) > MAX_QUESTION:
        example = html.escape(await prompts.example_question(st, lang))
        await reply(message, text(lang, "too_long", length=len(question), limit=MAX_QUESTION,
                                  example=example))  # fmt: skip
        return
    chat_id, replied = message.chat.id, message.reply_to_message
    earlier = await exchanges.recall(st.db, chat_id, replied.message_id if replied else None)
    follow_up = earlier.as_context() if earlier else None
    place = place_of(message, st)
    view = place.first_view()
    composed = await asyncio.to_thread(
        views.compose, st.engine, question, follow_up, view, place
    )
    asker = None if message.sender_chat is not None or message.from_user is None else (
        message.from_user.id)  # fmt: skip
    exchange = Exchange(question, follow_up, composed.article_ids, asker, time.time())
    logged = await journal.log_answer(st, exchange.asked(), composed)
    votes = buttons.vote_row(logged) if logged and composed.found and not place.compact else None
    sent = await reply(message, composed.html, reply_markup=composed.keyboard(view, st.tag, votes))
    await exchanges.remember(st.db, chat_id, exchange, sent.message_id, message.message_id)


def place_of(message: Message, st: BotState) -> views.Place:
    """Compact in groups and channels, a page of `answer.top` quotes in private chats."""
    return views.Place(compact=message.chat.type != ChatType.PRIVATE, top=st.config.answer.top)


def _help_button(lang: str, kind: str) -> InlineQueryResultsButton:
    """The button above inline results that opens the private chat with /start help."""
    label = text(lang, f"inline_{kind}")
    return InlineQueryResultsButton(text=label, start_parameter=HELP_START_PARAMETER)


def _inline_results(snippets: Sequence[Snippet], lang: str) -> list[InlineQueryResultArticle]:
    """One result per snippet: the answer with context as title, the compact source below."""
    titles = render.distinct([render.inline_title(s) for s in snippets],
                             [f"¶ {s.source.paragraph}" for s in snippets])  # fmt: skip
    descriptions = render.distinct([render.source_text(s.source, lang) for s in snippets],
                                   [str(n) for n in range(1, len(snippets) + 1)])  # fmt: skip
    return [
        InlineQueryResultArticle(
            id=_result_id(number, snippet.passage_id, snippet.quote),
            title=title,
            description=description,
            input_message_content=InputTextMessageContent(
                render.answer_html([snippet], lang, render.COMPACT_LIMIT, compact=True),
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            ),
        )
        for number, (snippet, title, description) in enumerate(
            zip(snippets, titles, descriptions, strict=True)
        )
    ]


def _result_id(number: int, passage_id: str, quote: str) -> str:
    """A stable inline result id of at most 64 bytes."""
    digest = hashlib.sha1(f"{passage_id}\n{quote}".encode()).hexdigest()[:20]
    return f"{number}-{digest}"
