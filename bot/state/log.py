"""The question log and the readers' 👍/👎: what /gaps reads to find what the archive lacks.

The log keeps the question, whether something was found and the passage quoted first —
no chat or user id. Feedback keeps one vote per answer message (a second press replaces
it). `prune` drops what is older than a cut-off; both tables are read by time.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, delete, select

from bot.state.records import LoggedQuestion, Vote, clipped, new_id
from bot.state.schema import feedback, question_log
from bot.state.upsert import upsert


class QuestionLog:
    """The `question_log` table."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def record(self, question: str, found: bool, passage_id: str | None = None,
               at: dt.datetime | None = None) -> int:
        """Log one answered question; its id (the bot's 👍/👎 buttons carry it)."""
        with self._engine.begin() as conn:
            return new_id(conn.execute(question_log.insert().values(
                question=clipped(question), found=found, passage_id=passage_id,
                at=at or dt.datetime.now(dt.UTC))))

    def get(self, logged_id: int) -> LoggedQuestion | None:
        """The logged question with this id (None: unknown, or pruned)."""
        with self._engine.connect() as conn:
            r = conn.execute(select(question_log).where(question_log.c.id == logged_id)).first()
        return LoggedQuestion(r.id, r.question, r.found, r.passage_id, r.at) if r else None

    def since(self, when: dt.datetime, *, found: bool | None = None) -> list[LoggedQuestion]:
        """The questions asked from `when` on (only those found / not found if given)."""
        query = select(question_log).where(question_log.c.at >= when).order_by(question_log.c.id)
        if found is not None:
            query = query.where(question_log.c.found == found)
        with self._engine.connect() as conn:
            return [LoggedQuestion(r.id, r.question, r.found, r.passage_id, r.at)
                    for r in conn.execute(query)]

    def prune(self, before: dt.datetime) -> int:
        with self._engine.begin() as conn:
            return int(conn.execute(delete(question_log).where(question_log.c.at < before)
                                    ).rowcount)


class Feedback:
    """The `feedback` table."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def record(self, chat_id: int, message_id: int, question: str, passage_id: str | None,
               good: bool, at: dt.datetime | None = None) -> None:
        """A 👍 (`good`) or 👎 under the answer `message_id`; replaces an earlier vote."""
        with self._engine.begin() as conn:
            upsert(conn, feedback, {"chat_id": chat_id, "message_id": message_id},
                   {"question": clipped(question), "passage_id": passage_id,
                    "vote": 1 if good else -1, "at": at or dt.datetime.now(dt.UTC)})

    def since(self, when: dt.datetime, *, vote: int | None = None) -> list[Vote]:
        """The votes from `when` on (only 👍 = 1 or 👎 = -1 if given)."""
        query = select(feedback).where(feedback.c.at >= when).order_by(feedback.c.id)
        if vote is not None:
            query = query.where(feedback.c.vote == vote)
        with self._engine.connect() as conn:
            return [Vote(r.id, r.chat_id, r.message_id, r.question, r.passage_id, r.vote, r.at)
                    for r in conn.execute(query)]

    def prune(self, before: dt.datetime) -> int:
        with self._engine.begin() as conn:
            return int(conn.execute(delete(feedback).where(feedback.c.at < before)).rowcount)
