"""`State`: one open state database and its tables, each behind a small typed API.

    state = State.open(url)            # migrates the database to the newest schema
    state.feeds.add(url, 900, now=…)   # followed feeds; their fetches' outcomes
    state.items.seen(feed, guid, …)    # which entry became which article
    state.settings.get(chat) / .set(chat, autoanswer=True)
    state.context.put(chat, [answer_id, question_id], Context(…)) / .get(chat, message)
    state.watches.add(chat, question) / .list(chat) / .answered(watch, fingerprint)
    state.log.record(question, found, passage) / state.feedback.record(…)
    state.updates.take(update_id, replica, now, lease) / .answered(…)

Every method is one transaction. The engine's connection pool makes a State safe to
share between threads (the poller's workers and the bot's handlers).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError

from bot.state.budget import SendBudget
from bot.state.chats import Settings
from bot.state.context import Contexts
from bot.state.database import connect, shown_url
from bot.state.errors import StateError
from bot.state.feeds import Feeds
from bot.state.items import Items
from bot.state.log import Feedback, QuestionLog
from bot.state.migrations import migrate
from bot.state.schema import meta
from bot.state.updates import HandledUpdates
from bot.state.upsert import upsert
from bot.state.watches import Watches


class State:
    """An open, migrated state database."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.shown = shown_url(url)  # for messages: no password
        self.feeds = Feeds(engine)
        self.items = Items(engine)
        self.settings = Settings(engine)
        self.context = Contexts(engine)
        self.watches = Watches(engine)
        self.log = QuestionLog(engine)
        self.feedback = Feedback(engine)
        self.updates = HandledUpdates(engine)  # bot replicas' updates (bot.telegram.replica)
        self.budget = SendBudget(engine)  # their shared flood budget (bot.telegram.flood)

    @classmethod
    def open(cls, url: str, *, legacy_file: Path | None = None) -> State:
        """Connect to `url`, migrate it, and take in the bot's old state file once (its
        chats' settings and follow-up context, `bot.state.legacy`)."""
        engine = connect(url)
        try:
            migrate(engine, shown_url(url))
        except SQLAlchemyError as err:
            engine.dispose()
            reason = str(getattr(err, "orig", None) or err)[:200]
            raise StateError(f"{shown_url(url)}: cannot open the state database "
                             f"({type(err).__name__}: {reason})") from None
        except BaseException:
            engine.dispose()
            raise
        state = cls(engine, url)
        if legacy_file is not None:
            from bot.state.legacy import import_state_file

            import_state_file(state, legacy_file)
        return state

    def forget_chat(self, chat_id: int) -> None:
        """Drop everything kept about a chat (it blocked the bot, or removed it)."""
        self.settings.forget(chat_id)
        self.context.forget(chat_id)
        self.watches.forget(chat_id)

    def marker(self, name: str) -> str | None:
        """A value in the `meta` table (e.g. which old state file was imported)."""
        with self.engine.connect() as conn:
            return conn.execute(select(meta.c.value).where(meta.c.key == name)).scalar()

    def mark(self, name: str, value: str) -> None:
        with self.engine.begin() as conn:
            upsert(conn, meta, {"key": name}, {"value": value})

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> State:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"State({self.shown!r})"
