"""What the handlers share: the engine, the settings, the limiter, the articles' overview,
the state database and the feeds' poller.

Kept in ``application.bot_data["state"]``; `state(context)` gets it back typed. The
engine and the database are only called from worker threads (`asyncio.to_thread`): both
are thread-safe, and nothing they do may hold up the event loop, which serves every chat.
What a chat chose and asked lives in the database (`db`), not in python-telegram-bot's
``chat_data``: it survives restarts and is shared by replicas on one PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from telegram.ext import CallbackContext

from bot.models import Answer, Article, FollowUp, Passage
from bot.telegram.buttons import ButtonStore, version_tag
from bot.telegram.catalog import ArticleRecords
from bot.telegram.config import Config
from bot.telegram.limits import QuestionLimiter
from bot.telegram.overview import OverviewCache

if TYPE_CHECKING:
    from bot.feeds import Poller
    from bot.state import State

STATE_KEY = "state"
HELP_START_PARAMETER = "help"  # /start help, from the inline results' button


def utc_now() -> dt.datetime:
    """The time now, in UTC (what the database stores)."""
    return dt.datetime.now(dt.UTC)


class AnswerEngine(Protocol):
    """The part of bot.engine.Engine that the Telegram layer uses.

    `articles()` (every article's text) is deliberately not part of it: lists are made
    from `store`'s metadata (`catalog`).
    """

    @property
    def version(self) -> str: ...

    @property
    def store(self) -> ArticleRecords: ...

    @property
    def index_dir(self) -> Path | None: ...

    @property
    def index_state(self) -> str: ...

    def answer(
        self, question: str, top: int = 3, offset: int = 0, follow_up: FollowUp | None = None
    ) -> Answer: ...

    def paragraph(self, article_id: str, number: int) -> str | None: ...

    def passage(self, passage_id: str) -> Passage | None: ...

    def article(self, article_id: str) -> Article | None: ...

    def article_count(self) -> int: ...

    def passage_count(self, article_id: str) -> int: ...

    def reload(self) -> Sequence[str]: ...


@dataclass
class BotState:
    """Shared state of one running bot."""

    engine: AnswerEngine
    config: Config
    limiter: QuestionLimiter
    db: State  # chat settings, follow-up context, feeds, watches, question log, feedback
    poller: Poller | None = None  # None: no knowledge folder of one's own to write feeds to
    buttons: ButtonStore = field(default_factory=ButtonStore)  # the admin's "Add" links
    overview: OverviewCache = field(default_factory=OverviewCache)
    mode: str = "polling"  # or "webhook": for the start line
    clock: Callable[[], dt.datetime] = field(default=utc_now)  # tests set their own

    @property
    def tag(self) -> str:
        """Version tag for callback data; changes with the engine's index."""
        return version_tag(self.engine.version)


def state(context: CallbackContext[Any, Any, Any, Any]) -> BotState:
    """The BotState of the application that runs this callback."""
    value = context.bot_data[STATE_KEY]
    assert isinstance(value, BotState)
    return value
