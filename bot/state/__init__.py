"""Durable state in a real database: feeds, seen items, chat settings, follow-up context,
watched questions, the question log and feedback.

SQLAlchemy Core over SQLite (WAL mode; a file in the knowledge folder by default) or
PostgreSQL (several bot replicas sharing state), with the same portable SQL. One module
a table (`feeds`, `items`, `chats`, `context`, `watches`, `log`), the tables themselves in
`schema`, their versions in `migrations`, the connection in `database`, the old state
file's import in `legacy`; `State` (`store`) holds them together::

    from bot.state import State, resolve_url
    with State.open(resolve_url(knowledge_dir)) as state:
        state.feeds.list()
"""

from __future__ import annotations

from bot.state.chats import UNSET
from bot.state.database import DATABASE_ENV, DATABASE_FILE, resolve_url, shown_url
from bot.state.errors import StateError
from bot.state.legacy import Imported, import_state_file
from bot.state.migrations import HEAD, migrate, version
from bot.state.records import (
    ChatSettings,
    Context,
    FeedRecord,
    LoggedQuestion,
    SeenItem,
    Vote,
    Watch,
)
from bot.state.store import State

__all__ = [
    "DATABASE_ENV",
    "DATABASE_FILE",
    "HEAD",
    "UNSET",
    "ChatSettings",
    "Context",
    "FeedRecord",
    "Imported",
    "LoggedQuestion",
    "SeenItem",
    "State",
    "StateError",
    "Vote",
    "Watch",
    "import_state_file",
    "migrate",
    "resolve_url",
    "shown_url",
    "version",
]
