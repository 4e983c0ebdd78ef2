"""Update handlers: each turns one kind of update into engine calls and rendered replies.

No answering logic lives here: questions go to the engine, results go through `render`,
and `app.build_application` wires these functions to updates in one place.
"""

from __future__ import annotations

import hashlib
import html
import logging
from collections.abc import Sequence
from typing import Any

from telegram import (
    CallbackQuery,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
    Update,
    User,
)
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import BadRequest, Conflict, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import CallbackContext

from bot.models import Snippet, Source
from bot.telegram import buttons, render, triggers
from bot.telegram.i18n import language, text
from bot.telegram.limits import Verdict, sender_key
from bot.telegram.state import BotState, state

logger = logging.getLogger(__name__)

Context = CallbackContext[Any, Any, Any, Any]
INLINE_CACHE_SECONDS = 300
HELP_START_PARAMETER = "help"
AUTOANSWER_KEY = "autoanswer"
MAX_QUESTION = 1000  # characters; a longer text gets a friendly request for a question
REPLIED_NOT_FOUND = "message to be replied not found"


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


async def send_answer(message: Message, question: str, offset: int, st: BotState) -> bool:
    """Answer `question` (skipping `offset` snippets) as a reply to `message`; False if none."""
    top = st.config.answer.top
    answer = st.engine.answer(question, top=top + 1, offset=offset)
    lang = language(answer.language)
    shown = answer.snippets[:top]
    if not answer.found or not shown:
        if offset == 0:
            await reply(message, render.nothing_found_html(question, lang))
        return False
    more = buttons.More(question, offset + top) if len(answer.snippets) > top else None
    markup = buttons.keyboard(shown, lang, st.tag, st.buttons, more)
    await reply(message, render.answer_html(shown, lang), reply_markup=markup)
    return True


async def within_budget(update: Update, message: Message, st: BotState) -> bool:
    """Spend one of the sender's searches; False (told once) when none are left."""
    verdict = st.limiter.check(sender_key(update))
    if verdict is Verdict.WARN:
        await reply(message, text(user_language(update.effective_user), "too_many"))
    return verdict is Verdict.ANSWER


async def ask_engine(update: Update, message: Message, question: str, st: BotState) -> None:
    """Answer a question unless its sender is over their per-minute budget."""
    if not await within_budget(update, message, st):
        return
    if len(question) > MAX_QUESTION:
        example = html.escape(st.config.examples[0])
        too_long = text(
            user_language(update.effective_user), "too_long", length=len(question),
            limit=MAX_QUESTION, example=example,
        )  # fmt: skip
        await reply(message, too_long)
        return
    await send_answer(message, question, 0, st)


async def start(update: Update, context: Context) -> None:
    """Greet the user with two example questions (or show help for /start help)."""
    message, user = update.effective_message, update.effective_user
    if message is None:
        return
    lang = user_language(user)
    if context.args and context.args[0] == HELP_START_PARAMETER:
        await help_command(update, context)
        return
    first, second = state(context).config.examples[:2]
    name = f", {html.escape(user.first_name)}" if user and user.first_name else ""
    welcome = text(
        lang, "welcome", name=name, example1=html.escape(first), example2=html.escape(second)
    )
    await reply(message, welcome)


async def help_command(update: Update, context: Context) -> None:
    """Explain how to ask in private chats, groups and inline."""
    if update.effective_message:
        lang = user_language(update.effective_user)
        username = html.escape(context.bot.username or "bot")
        await reply(update.effective_message, text(lang, "help", username=username))


async def about(update: Update, context: Context) -> None:
    """Say how the bot works and which index it serves."""
    message = update.effective_message
    if message is None or not await within_budget(update, message, state(context)):
        return
    engine = state(context).engine
    articles = engine.articles()
    passages = sum(engine.passage_count(a.id) for a in articles)
    version = html.escape(engine.version[:12])
    lang = user_language(update.effective_user)
    await reply(
        message, text(lang, "about", articles=len(articles), passages=passages, version=version)
    )


async def sources(update: Update, context: Context) -> None:
    """List the articles the bot can quote, with outlets and dates."""
    message, st = update.effective_message, state(context)
    if message and await within_budget(update, message, st):
        lang = user_language(update.effective_user)
        await reply(message, render.sources_html(st.engine.articles(), lang))


async def ask(update: Update, context: Context) -> None:
    """Answer /ask question (private chats, groups, channels)."""
    message = update.effective_message
    if message is None:
        return
    question = triggers.command_argument(message)
    if not question:
        lang = user_language(update.effective_user)
        example = html.escape(state(context).config.examples[0])
        await reply(message, text(lang, "ask_usage", example=example))
        return
    await ask_engine(update, message, question, state(context))


async def private_text(update: Update, context: Context) -> None:
    """Treat any text in a private chat as a question."""
    message = update.effective_message
    if message and message.text:
        await ask_engine(update, message, message.text, state(context))


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


async def group_text(update: Update, context: Context) -> None:
    """Answer a group message that mentions the bot, replies to it, or (if on) ends in '?'."""
    message = update.effective_message
    if message is None:
        return
    st = state(context)
    settings = st.config.groups
    question = triggers.group_question(
        message,
        context.bot.bot,
        mentions_on=settings.answer_mentions,
        replies_on=settings.answer_replies,
        autoanswer=bool(_chat_data(context).get(AUTOANSWER_KEY, settings.autoanswer)),
    )
    if question:
        await ask_engine(update, message, question, st)


async def channel_post(update: Update, context: Context) -> None:
    """Answer a channel post that mentions the bot; ignore all others."""
    message = update.channel_post
    if message is None:
        return
    question = triggers.channel_question(message, context.bot.bot)
    if question:
        await ask_engine(update, message, question, state(context))


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
    chat_data = _chat_data(context)
    if choice not in ("on", "off"):
        current = chat_data.get(AUTOANSWER_KEY, state(context).config.groups.autoanswer)
        status = text(lang, "autoanswer_status", state=text(lang, "on" if current else "off"))
        await reply(message, f"{status}\n{text(lang, 'autoanswer_usage')}")
        return
    if not await _is_admin(message, user, context):
        await reply(message, text(lang, "admins_only"))
        return
    chat_data[AUTOANSWER_KEY] = choice == "on"
    await reply(message, text(lang, f"autoanswer_{choice}"))


async def reload_knowledge(update: Update, context: Context) -> None:
    """Reload the knowledge (bot admins from the config only)."""
    message, user = update.effective_message, update.effective_user
    st = state(context)
    if message is None or user is None or user.id not in st.config.admins:
        return
    errors = st.engine.reload()
    lang = user_language(user)
    if errors:
        listing = "\n".join(f"• {html.escape(e)}" for e in errors[:20])
        await reply(message, render.shorten(text(lang, "reload_errors", errors=listing), 4000))
        return
    version = html.escape(st.engine.version[:12])
    count = len(st.engine.articles())
    await reply(message, text(lang, "reloaded", articles=count, version=version))


async def inline_query(update: Update, context: Context) -> None:
    """Offer up to five quotes for @bot question; a hint button for an empty query."""
    query = update.inline_query
    if query is None:
        return
    st = state(context)
    question = query.query.strip()
    lang = user_language(query.from_user)
    if not question:
        await query.answer([], cache_time=INLINE_CACHE_SECONDS, button=_help_button(lang, "hint"))
        return
    verdict = st.limiter.check(sender_key(update))
    if verdict is not Verdict.ANSWER:
        if verdict is Verdict.WARN:  # personal and not cached: others may still ask this
            await query.answer([], cache_time=0, is_personal=True,
                               button=_help_button(lang, "too_many"))  # fmt: skip
        return
    answer = st.engine.answer(question, top=st.config.answer.inline_results)
    lang = language(answer.language)
    if not answer.found or not answer.snippets:
        await query.answer(
            [], cache_time=INLINE_CACHE_SECONDS, button=_help_button(lang, "nothing")
        )
        return
    shown = answer.snippets[: st.config.answer.inline_results]
    await query.answer(_inline_results(shown, lang), cache_time=INLINE_CACHE_SECONDS)


async def button(update: Update, context: Context) -> None:
    """Handle "More" and "Paragraph"; a stale button gets a polite notice."""
    query = update.callback_query
    if query is None:
        return
    st = state(context)
    lang = user_language(query.from_user)
    action = buttons.decode(query.data or "", st.tag, st.buttons)
    message = query.message if isinstance(query.message, Message) else None
    if action is None or message is None:
        await query.answer(text(lang, "stale_button"), show_alert=True)
    elif isinstance(action, buttons.More):
        await show_more(query, message, action, st.limiter.check(sender_key(update)), st)
    else:
        source, paragraph = _paragraph(st, action.passage_id)
        if source is None:
            await query.answer(text(lang, "gone"), show_alert=True)
            return
        await query.answer()
        await reply(message, render.paragraph_html(paragraph, source, lang))


async def unknown_button(update: Update, context: Context) -> None:
    """Answer a press whose data is not the bot's, so that the button stops spinning."""
    query = update.callback_query
    if query is not None:
        await query.answer(text(user_language(query.from_user), "stale_button"), show_alert=True)


async def show_more(
    query: CallbackQuery, message: Message, more: buttons.More, verdict: Verdict, st: BotState
) -> None:
    """The next quotes under "More", if the sender has searches left; the press answered."""
    lang = user_language(query.from_user)
    if verdict is Verdict.WARN:
        await query.answer(text(lang, "too_many"), show_alert=True)
        return
    await query.answer()
    if verdict is Verdict.ANSWER and not await send_answer(message, more.question, more.offset, st):
        await reply(message, text(lang, "no_more"))


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


def _help_button(lang: str, kind: str) -> InlineQueryResultsButton:
    """The button above inline results that opens the private chat with /start help."""
    label = text(lang, f"inline_{kind}")
    return InlineQueryResultsButton(text=label, start_parameter=HELP_START_PARAMETER)


def _inline_results(snippets: Sequence[Snippet], lang: str) -> list[InlineQueryResultArticle]:
    """One inline result per snippet: its highlight as title, the quote with source as text."""
    return [
        InlineQueryResultArticle(
            id=_result_id(number, snippet.passage_id, snippet.quote),
            title=render.inline_title(snippet),
            description=render.source_text(snippet.source, lang),
            input_message_content=InputTextMessageContent(
                render.answer_html([snippet], lang),
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            ),
        )
        for number, snippet in enumerate(snippets)
    ]


def _result_id(number: int, passage_id: str, quote: str) -> str:
    """A stable inline result id of at most 64 bytes."""
    digest = hashlib.sha1(f"{passage_id}\n{quote}".encode()).hexdigest()[:20]
    return f"{number}-{digest}"


def _paragraph(st: BotState, passage_id: str) -> tuple[Source | None, str]:
    """The source and full text of the paragraph a passage belongs to."""
    passage = st.engine.passage(passage_id)
    article = st.engine.article(passage.article_id) if passage else None
    if passage is None or article is None or not 0 < passage.paragraph <= len(article.paragraphs):
        return None, ""
    paragraph = article.paragraphs[passage.paragraph - 1]
    source = Source(
        article_id=article.id,
        title=article.title,
        source=article.source,
        url=article.url,
        published=article.published,
        updated=article.updated,
        paragraph=passage.paragraph,
        section=paragraph.section,
    )
    return source, paragraph.text


def _chat_data(context: Context) -> dict[str, Any]:
    """This chat's settings (kept across restarts when a state file is configured)."""
    data = context.chat_data
    return data if isinstance(data, dict) else {}


async def _is_admin(message: Message, user: User | None, context: Context) -> bool:
    """Whether the sender may change chat settings: a chat admin or a bot admin."""
    if message.sender_chat is not None and message.sender_chat.id == message.chat.id:
        return True  # an anonymous administrator
    if user is None:
        return False
    if user.id in state(context).config.admins:
        return True
    member = await context.bot.get_chat_member(message.chat.id, user.id)
    return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)
