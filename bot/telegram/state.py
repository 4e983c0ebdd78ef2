"""What the handlers share: the engine, the settings, the button store and the limiter.

Kept in ``application.bot_data["state"]``; `state(context)` gets it back typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from telegram.ext import CallbackContext

from bot.models import Answer, Article, Passage
from bot.telegram.buttons import ButtonStore, version_tag
from bot.telegram.config import Config
from bot.telegram.limits import QuestionLimiter

STATE_KEY = "state"


class AnswerEngine(Protocol):
    """The part of bot.engine.Engine that the Telegram layer uses."""

    @property
    def version(self) -> str: ...

    def answer(self, question: str, top: int = 3, offset: int = 0) -> Answer: ...

    def passage(self, passage_id: str) -> Passage | None: ...

    def article(self, article_id: str) -> Article | None: ...

    def articles(self) -> Sequence[Article]: ...

    def passage_count(self, article_id: str) -> int: ...

    def reload(self) -> Sequence[str]: ...


@dataclass
class BotState:
    """Shared state of one running bot."""

    engine: AnswerEngine
    config: Config
    limiter: QuestionLimiter
    buttons: ButtonStore = field(default_factory=ButtonStore)

    @property
    def tag(self) -> str:
        """Version tag for callback data; changes with the engine's index."""
        return version_tag(self.engine.version)


def state(context: CallbackContext[Any, Any, Any, Any]) -> BotState:
    """The BotState of the application that runs this callback."""
    value = context.bot_data[STATE_KEY]
    assert isinstance(value, BotState)
    return value
