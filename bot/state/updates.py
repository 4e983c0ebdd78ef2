"""Telegram updates taken and answered, shared by the bot replicas behind one webhook.

Telegram sends an update again when it got no 200 for it in time, and behind a load
balancer the retry may reach another replica. A replica answers the webhook's POST only
after it has handled the update (bot.telegram.replica), and before handling it `take`s
it here, in one transaction: the row is inserted (insert-or-ignore on the update id);
if it was there already, it is answered (the retry is acknowledged and dropped), being
handled by a replica whose lease has not run out (the replica renews it while it
works), or taken over because that replica stopped without answering (its lease ran
out). `answered` marks it done, `give_back` lets a retry have it after a
failure.

The choice is at-least-once: an update is never lost while Telegram retries it (a
replica killed mid-answer leaves a lease that runs out), and is answered twice only
if a replica stopped between sending the answer and marking it answered — a window of
one database round trip. At-most-once (marking before answering) would lose exactly
those updates instead.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from sqlalchemy import Engine, and_, delete, select, update
from sqlalchemy.exc import IntegrityError

from bot.state.schema import handled_updates as table

Taken = Literal["mine", "answered", "busy"]


class HandledUpdates:
    """The `handled_updates` table."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def take(self, update_id: int, owner: str, now: dt.datetime,
             lease: dt.timedelta) -> Taken:
        """Take the update for `owner`: "mine" to handle it, "answered" if a replica did,
        "busy" while another replica's lease on it runs."""
        with self.engine.begin() as conn:
            try:
                with conn.begin_nested():
                    conn.execute(table.insert().values(
                        update_id=update_id, answered=False, owner=owner, taken_at=now))
                return "mine"
            except IntegrityError:
                pass
            row = conn.execute(select(table.c.answered, table.c.owner, table.c.taken_at)
                               .where(table.c.update_id == update_id)
                               .with_for_update()).one()
            if row.answered:
                return "answered"
            if row.owner != owner and row.taken_at > now - lease:
                return "busy"
            conn.execute(update(table).where(table.c.update_id == update_id)
                         .values(owner=owner, taken_at=now))
            return "mine"

    def renew(self, update_id: int, owner: str, now: dt.datetime) -> None:
        """Keep `owner`'s lease on an update it is still answering."""
        with self.engine.begin() as conn:
            conn.execute(update(table).where(and_(table.c.update_id == update_id,
                                                  table.c.owner == owner,
                                                  table.c.answered.is_(False)))
                         .values(taken_at=now))

    def answered(self, update_id: int, owner: str, now: dt.datetime) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(table).where(and_(table.c.update_id == update_id,
                                                  table.c.owner == owner))
                         .values(answered=True, answered_at=now))

    def give_back(self, update_id: int, owner: str) -> None:
        """Let another replica (or a retry) take an update this one failed to handle."""
        with self.engine.begin() as conn:
            conn.execute(delete(table).where(and_(table.c.update_id == update_id,
                                                  table.c.owner == owner,
                                                  table.c.answered.is_(False))))

    def prune(self, before: dt.datetime) -> int:
        """Forget updates taken before `before` (Telegram retries for about a day)."""
        with self.engine.begin() as conn:
            return int(conn.execute(delete(table).where(table.c.taken_at < before)).rowcount)
