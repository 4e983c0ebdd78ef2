"""A chat's own settings and its end: /autoanswer kept in the state database, and
everything about a chat forgotten when it blocks or removes the bot.

The database is asked each time (a read by primary key, in a worker thread): replicas
that share one PostgreSQL see each other's switches at once.
"""

from __future__ import annotations

import logging

from bot.telegram.state import BotState
from bot.telegram.storage import best_effort, call

logger = logging.getLogger(__name__)


async def autoanswer(st: BotState, chat_id: int) -> bool:
    """Whether this group answers every visible message ending in '?' (else the default)."""
    settings = await best_effort(None, st.db.settings.get, chat_id)
    chosen = settings.autoanswer if settings is not None else None
    return st.config.groups.autoanswer if chosen is None else chosen


async def set_autoanswer(st: BotState, chat_id: int, on: bool) -> None:
    """Switch this group's /autoanswer (kept across restarts)."""
    await call(st.db.settings.set, chat_id, autoanswer=on, now=st.clock())


async def forget(st: BotState, chat_id: int, why: str) -> None:
    """Drop the chat's settings, follow-up context and watches: it blocked or removed us."""
    await best_effort(None, st.db.forget_chat, chat_id)
    logger.info("chat %s %s; its settings, context and watches are forgotten", chat_id, why)
