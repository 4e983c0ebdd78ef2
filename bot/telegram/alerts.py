"""Watched questions: asked again after each feed round that brought articles, and posted
once in the chat when a new article gives a *different* answer.

An answer's `fingerprint` is its leading quote and, for a count question, the set of
figures it names ("bis zu 12.000"), as words only — not which article or passage says
them. So one more article with the same sentence, or the same figure in the same words,
leaves the fingerprint as it was; a new figure or a new leading statement changes it.
When it changed, the chat is sent the first quote of the answer that comes from an
article the round added or replaced (`news`); a change with no such quote (another
article moved up as the index grew) is no news and posts nothing. The fingerprint of
what was posted is stored (`Watches.answered`) only after the message went out, so each
changed answer goes to a chat once. A chat that blocked the bot (403) or that no longer
exists is forgotten (`chats.forget`), and its watches with it.

Each question is answered once per round however many chats watch it, in one worker
thread, and the messages are sent one after another through the bot's flood control.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from telegram import Bot
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.models import Answer, Snippet
from bot.state import Watch
from bot.telegram import chats, render, views
from bot.telegram.i18n import language, text
from bot.telegram.state import AnswerEngine, BotState
from bot.telegram.storage import call

logger = logging.getLogger(__name__)

TOP = 5  # quotes asked for when a watched question is answered again
CHAT_GONE = ("chat not found", "bot was kicked", "group chat was deactivated")


@dataclass(frozen=True)
class Alert:
    """A watched question whose answer changed, and the new quote to post."""

    watch: Watch
    fingerprint: str
    snippet: Snippet
    language: str


def fingerprint(answer: Answer) -> str | None:
    """What tells this answer from another: its leading quote and its figures, as words
    (None: nothing found)."""
    shown = views.consistent(answer.snippets) if answer.found else []
    if not shown:
        return None
    figures = sorted({_words(f"{f.qualifier or ''} {f.value}") for f in answer.figures})
    digest = hashlib.sha256("\n".join([_words(shown[0].quote), *figures]).encode("utf-8"))
    return digest.hexdigest()[:32]


def news(answer: Answer, fresh: Collection[str]) -> Snippet | None:
    """The first quote of the answer from one of the `fresh` articles, if any."""
    shown = views.consistent(answer.snippets) if answer.found else []
    return next((s for s in shown if s.source.article_id in fresh), None)


def answer_now(engine: AnswerEngine, question: str) -> Answer:
    """A watched question answered as the watch compares it (blocking: in a thread)."""
    return engine.answer(question, top=TOP)


def due(engine: AnswerEngine, watches: Sequence[Watch], fresh: Collection[str]) -> list[Alert]:
    """The watches whose answer changed with a quote from a `fresh` article (blocking)."""
    answers: dict[str, Answer] = {}
    alerts = []
    for watch in watches:
        answer = answers.get(watch.question) or answer_now(engine, watch.question)
        answers[watch.question] = answer
        now = fingerprint(answer)
        lead = news(answer, fresh) if now != watch.fingerprint else None
        if lead is not None and now is not None:
            alerts.append(Alert(watch, now, lead, language(answer.language)))
    return alerts


async def after_round(st: BotState, bot: Bot, fresh: Collection[str]) -> int:
    """Ask every watched question again after a round that brought `fresh` articles; post
    what changed; how many messages went out."""
    watches = await call(st.db.watches.list)
    if not watches or not fresh:
        return 0
    alerts = await asyncio.to_thread(due, st.engine, watches, frozenset(fresh))
    sent = 0
    for alert in alerts:
        sent += await post(st, bot, alert)
    if alerts:
        logger.info("watches: %d of %d changed, %d posted", len(alerts), len(watches), sent)
    return sent


async def post(st: BotState, bot: Bot, alert: Alert) -> bool:
    """Send `alert` to its chat, then store its fingerprint; a gone chat is forgotten."""
    chat_id = alert.watch.chat_id
    try:
        await bot.send_message(chat_id, alert_html(alert))
    except Forbidden as error:
        await chats.forget(st, chat_id, f"refused a watch's news ({error})")
        return False
    except BadRequest as error:
        if any(reason in str(error).lower() for reason in CHAT_GONE):
            await chats.forget(st, chat_id, f"refused a watch's news ({error})")
        else:
            logger.warning("watch %s: news not sent to chat %s: %s", alert.watch.id, chat_id,
                           error)  # fmt: skip
        return False
    except TelegramError as error:
        logger.warning("watch %s: news not sent to chat %s: %s", alert.watch.id, chat_id, error)
        return False
    await call(st.db.watches.answered, alert.watch.id, alert.fingerprint, st.clock())
    return True


def alert_html(alert: Alert) -> str:
    """The news: which watched question, then the new quote with its source."""
    lang, compact = alert.language, alert.watch.chat_id < 0  # groups and channels: compact
    question = render.escape(render.shorten(alert.watch.question, 200))
    head = text(lang, "watch_news", question=f"<i>{question}</i>")
    limit = (render.COMPACT_LIMIT if compact else render.MAX_MESSAGE) - render.utf16_len(head) - 2
    body = render.answer_html([alert.snippet], lang, limit, compact=compact)
    return f"{head}\n\n{body}"


async def watch(st: BotState, chat_id: int, question: str) -> Watch:
    """Watch `question` in this chat, starting from its answer now (raises StateError when
    the chat watches as many questions as it may)."""
    answer = await asyncio.to_thread(answer_now, st.engine, question)
    return await call(st.db.watches.add, chat_id, question, fingerprint=fingerprint(answer),
                      now=st.clock())  # fmt: skip


def _words(value: str) -> str:
    return " ".join(render.clean(value).split()).casefold()
