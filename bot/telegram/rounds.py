"""The feeds in the running bot: python-telegram-bot's JobQueue polls them on their schedule.

Every `feeds.check_seconds` (60 by default) the job `poll_feeds` looks for feeds that
are due — each has its own interval, jitter and back-off in the state database
(`bot.feeds.schedule`) — and, when there are any, runs one round (`Poller.poll_due`, in
a worker thread: answering goes on meanwhile). When the round added, replaced or removed
articles the engine reloads, also in a worker thread (as /reload does), so a new item is
answerable one check after its feed was due — within two of its intervals; then the
watched questions are asked again (`alerts`). Two rounds never overlap: APScheduler runs
one instance of the job at a time, and the poller refuses a second round (`busy`).

A second job prunes the question log and the votes once a day (`journal.prune`). Without
the JobQueue (python-telegram-bot installed without its ``job-queue`` extra) the bot
answers but does not poll, and says so at start.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Bot
from telegram.ext import Application, CallbackContext

from bot.feeds import PollReport
from bot.telegram import alerts, journal
from bot.telegram.state import BotState, state
from bot.telegram.storage import call

logger = logging.getLogger(__name__)

Context = CallbackContext[Any, Any, Any, Any]
FEEDS_JOB, PRUNE_JOB = "feeds", "prune"
PRUNE_EVERY = 24 * 3600  # seconds
PRUNE_FIRST = 300  # seconds after start


def schedule(application: Application[Any, Any, Any, Any, Any, Any], st: BotState) -> None:
    """Register the feed job (if the bot has a poller) and the daily pruning."""
    jobs = application.job_queue
    if jobs is None:
        logger.warning("feeds are not polled: python-telegram-bot lacks its JobQueue; "
                       "pip install 'python-telegram-bot[job-queue]'")
        return
    once = {"max_instances": 1, "coalesce": True}
    if st.poller is not None:
        every = st.config.feeds.check_seconds
        jobs.run_repeating(poll_feeds, interval=every, first=every, name=FEEDS_JOB,
                           job_kwargs=once)  # fmt: skip
    jobs.run_repeating(prune_journal, interval=PRUNE_EVERY, first=PRUNE_FIRST, name=PRUNE_JOB,
                       job_kwargs=once)  # fmt: skip


async def poll_feeds(context: Context) -> None:
    """Poll the feeds that are due; reload and tell the watchers when articles changed."""
    await poll_round(state(context), context.bot)


async def prune_journal(context: Context) -> None:
    """Drop question log entries and votes older than the journal keeps."""
    dropped = await journal.prune(state(context))
    if dropped:
        logger.info("journal: pruned %d old question(s) and vote(s)", dropped)


async def poll_round(st: BotState, bot: Bot) -> PollReport | None:
    """One round over the due feeds and what follows it; None when none was due."""
    poller = st.poller
    if poller is None:
        return None
    now = st.clock()
    if not await call(poller.due, now):
        return None
    report = await poller.poll_due(now)
    if report.busy:
        return report
    for part in report.failed:
        logger.warning("feed %s failed: %s", part.url, part.error)
    if report.changed:
        problems = await asyncio.to_thread(st.engine.reload)
        for problem in problems[:20]:
            logger.warning("reload after a feed round: %s", problem)
    logger.info("feeds: %s%s", report.line(), "; reloaded" if report.changed else "")
    fresh = (*report.added, *report.replaced)
    if fresh:
        await alerts.after_round(st, bot, fresh)
    return report
