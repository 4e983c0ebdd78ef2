"""The flood budget that bot replicas share: Bot API calls counted per window.

Telegram's limits (about 30 messages a second for a bot, 20 a minute in one group) are
per bot token, so three replicas that each keep to them would send three times as much.
Each call first `take`s one unit of its window — "all:<epoch second>" for the bot,
"chat:<id>:<epoch minute>" for a group — in one statement: an UPDATE that adds one only
while `used` is below the limit, else an INSERT of the window's first unit. Both are
atomic on PostgreSQL under READ COMMITTED (the UPDATE re-reads a row another
transaction changed) and on SQLite (one writer), so no window is ever granted more than
its limit, whichever replica asks. A refused caller waits for the next window
(bot.telegram.flood). Windows are pruned once over.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, and_, delete, select, update
from sqlalchemy.exc import IntegrityError

from bot.state.schema import send_budget as table


class SendBudget:
    """The `send_budget` table."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def take(self, window: str, limit: int, until: dt.datetime) -> bool:
        """One unit of `window` (which ends at `until`), if fewer than `limit` were taken."""
        with self.engine.begin() as conn:
            added = conn.execute(update(table).where(and_(table.c.slot == window,
                                                          table.c.used < limit))
                                 .values(used=table.c.used + 1)).rowcount
            if added:
                return True
            if limit < 1:
                return False
            try:
                with conn.begin_nested():
                    conn.execute(table.insert().values(slot=window, used=1, ends=until))
                return True
            except IntegrityError:  # there already, and full (or filled meanwhile)
                pass
            return bool(conn.execute(update(table).where(and_(table.c.slot == window,
                                                              table.c.used < limit))
                                     .values(used=table.c.used + 1)).rowcount)

    def windows(self) -> dict[str, int]:
        """Every window still kept, with the units taken in it."""
        with self.engine.connect() as conn:
            return {r.slot: r.used for r in conn.execute(select(table.c.slot,
                                                                  table.c.used))}

    def prune(self, before: dt.datetime) -> int:
        """Forget the windows that ended before `before`."""
        with self.engine.begin() as conn:
            return int(conn.execute(delete(table).where(table.c.ends < before)).rowcount)
