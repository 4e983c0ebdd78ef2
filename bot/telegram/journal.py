"""What the bot writes down about its answers, for the editors: every answered question in
the question log (the question as the engine read it, whether something was found, the
passage quoted first — no chat or user id), the readers' 👍/👎 with the question and the
quoted passage, and what `/gaps` reads back from both.

Inline queries are not logged: Telegram sends one per pause in typing ("Wie", "Wie
viele"), which would fill /gaps with fragments. Both tables keep `KEEP` days.
"""

from __future__ import annotations

import datetime as dt

from bot.telegram import gaps
from bot.telegram.state import BotState
from bot.telegram.storage import best_effort, call
from bot.telegram.views import Composed

GAP_DAYS = 7  # /gaps looks this far back
KEEP = dt.timedelta(days=90)  # older log entries and votes are pruned
MAX_READ = 20_000  # questions /gaps groups at most (the newest)


async def log_answer(st: BotState, question: str, composed: Composed) -> int | None:
    """Log the answer to `question`; its id in the log (None if the log is not writable)."""
    return await best_effort(None, st.db.log.record, question, composed.found,
                             composed.passage_id, st.clock())  # fmt: skip


async def vote(st: BotState, chat_id: int, message_id: int, logged_id: int, good: bool) -> bool:
    """Keep a 👍 (`good`) or 👎 under the answer `message_id`, with the logged question and
    passage; False when the logged answer is unknown (pruned, or forged data)."""
    logged = await call(st.db.log.get, logged_id)
    if logged is None:
        return False
    await call(st.db.feedback.record, chat_id, message_id, logged.question, logged.passage_id,
               good, st.clock())  # fmt: skip
    return True


async def gaps_now(st: BotState, limit: int = 15) -> list[gaps.Gap]:
    """The questions of the last GAP_DAYS days that found nothing or got a 👎, grouped."""
    since = st.clock() - dt.timedelta(days=GAP_DAYS)

    def read() -> list[gaps.Gap]:
        missed = st.db.log.since(since, found=False)[-MAX_READ:]
        disliked = st.db.feedback.since(since, vote=-1)[-MAX_READ:]
        asked = [(q.question, gaps.NOTHING) for q in missed]
        asked += [(v.question, gaps.DISLIKED) for v in disliked]
        return gaps.cluster(asked, limit)

    return await call(read)


async def prune(st: BotState) -> int:
    """Drop log entries and votes older than KEEP; how many."""
    before = st.clock() - KEEP
    return await call(st.db.log.prune, before) + await call(st.db.feedback.prune, before)
