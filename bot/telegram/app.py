"""Wiring: build the python-telegram-bot Application and run it by polling or webhook.

`build_application` is the one place where handlers meet updates and jobs are scheduled;
`serve` is what ``newsbot serve`` calls and returns the process exit code. The bot's
state (chat settings, follow-up context, feeds, watches, the question log and feedback)
lives in the state database (`storage`), not in python-telegram-bot's persistence.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.errors import ConfigError, NewsbotError
from bot.feeds import Poller, PollSettings, Rules
from bot.ingest.fetch import FetchSettings
from bot.state import State
from bot.summary import served_line
from bot.telegram import (
    admin,
    buttons,
    feedback,
    following,
    handlers,
    logs,
    presses,
    questions,
    replica,
    rounds,
    running,
    storage,
    updates,
    watching,
)
from bot.telegram.commands import register_commands
from bot.telegram.config import WEBHOOK_SECRET_ENV, Config
from bot.telegram.delivery import DeliveryPolicy, RetryingRateLimiter
from bot.telegram.flood import SharedFlood
from bot.telegram.incoming import PollingBot
from bot.telegram.limits import QuestionLimiter, SharedQuestionLimiter
from bot.telegram.replica import call as on_state_threads
from bot.telegram.state import STATE_KEY, AnswerEngine, BotState

logger = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
EXIT_OK, EXIT_TELEGRAM, EXIT_CONFIG = 0, 1, 2
WHILE_POLLING = (
    " while polling (401 Unauthorized), so newsbot stops with exit code 1 for its service "
    "manager to restart it"
)


def build_application(
    config: Config,
    engine: AnswerEngine,
    token: str,
    *,
    delivery: DeliveryPolicy | None = None,
    mode: str = "polling",
    db: State | None = None,
    knowledge: Path | None = None,
    replica: bool = False,
) -> AnyApplication:
    """The bot: handlers, jobs, defaults, flood control, retries and command menus, ready
    to run. `db`: the state database (default: `storage.open_state` — the configured one,
    else beside `knowledge` or the config's, else a temporary one); feeds are polled into
    `knowledge` (default: the config's) when it is a folder of the user's own."""
    logs.redact(token)
    logs.quiet_http_clients()
    delivery = delivery or DeliveryPolicy(flood_retries=config.rate_limit.max_retries)
    application: AnyApplication = (
        ApplicationBuilder()
        .bot(make_bot(config, token, delivery))
        .concurrent_updates(True)
        .post_init(on_start)
        .build()
    )
    folder = storage.own_folder(knowledge if knowledge is not None else config.knowledge)
    db = db or storage.open_state(config, folder)
    per_minute = config.rate_limit.questions_per_minute
    limiter = (SharedQuestionLimiter(per_minute, db.budget, on_state_threads) if replica
               else QuestionLimiter(per_minute))  # replicas share a sender's budget
    poller = None if replica else make_poller(db, folder, config)  # the indexer polls
    if replica:  # Telegram's flood limits are the bot's, not each replica's
        share_flood_budget(application.bot, db)
    st = BotState(engine, config, limiter, db, poller, mode=mode)
    application.bot_data[STATE_KEY] = st
    add_handlers(application, config.admins)
    rounds.schedule(application, st)
    return application


def share_flood_budget(bot: Any, db: State) -> None:
    """Make `bot`'s Bot API calls wait for the replicas' shared budget (bot.telegram.flood)
    and mark a replica's update answered once its answer went out (bot.telegram.replica)."""
    if isinstance(bot.rate_limiter, RetryingRateLimiter):
        bot.rate_limiter.before = SharedFlood(db.budget).acquire
        bot.rate_limiter.after = replica.answer_delivered


def make_poller(db: State, folder: Path | None, config: Config) -> Poller | None:
    """The feeds' poller into `folder` (None: no folder of one's own to write into)."""
    if folder is None:
        return None
    fetching = FetchSettings(allow_private_networks=config.private_networks_allowed())
    rules = Rules(config.feeds.max_age, config.feeds.max_articles)
    return Poller(db, folder, PollSettings(fetch=fetching, rules=rules))


def make_bot(config: Config, token: str, delivery: DeliveryPolicy) -> PollingBot:
    """The Bot API client: HTML replies, flood control and retries, tolerant polling."""
    urls = config.base_urls()
    servers = {"base_url": urls[0], "base_file_url": urls[1]} if urls else {}
    request = HTTPXRequest(connection_pool_size=256)  # PTB's sizes and timeouts (read: 5 s)
    if delivery.read_timeout is not None:
        request = HTTPXRequest(connection_pool_size=256, read_timeout=delivery.read_timeout)
    return PollingBot(
        token,
        defaults=Defaults(
            parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
        ),
        rate_limiter=RetryingRateLimiter(delivery),
        request=request,
        get_updates_request=HTTPXRequest(connection_pool_size=1),
        **servers,
    )


def add_handlers(application: AnyApplication, admins: frozenset[int] = frozenset()) -> None:
    """Connect every kind of update the bot answers to its handler."""
    message = filters.UpdateType.MESSAGE
    private = message & filters.ChatType.PRIVATE
    groups = message & filters.ChatType.GROUPS
    posts = message | filters.UpdateType.CHANNEL_POST
    text = filters.TEXT & ~filters.COMMAND
    admin_link = private & text & filters.User(user_id=admins) & filters.Regex(admin.LINK)
    application.add_handler(TypeHandler(Update, updates.drop_repeated), group=-1)
    application.add_handlers(
        [
            CommandHandler("start", handlers.start, filters=message),
            CommandHandler("help", handlers.help_command, filters=message),
            CommandHandler("about", handlers.about, filters=message),
            CommandHandler("sources", handlers.sources, filters=message),
            CommandHandler("autoanswer", handlers.autoanswer, filters=message),
            CommandHandler("reload", admin.reload_command, filters=message),
            CommandHandler("add", admin.add_command, filters=message),
            CommandHandler("remove", admin.remove_command, filters=message),
            CommandHandler("follow", following.follow_command, filters=message),
            CommandHandler("unfollow", following.unfollow_command, filters=message),
            CommandHandler("feeds", following.feeds_command, filters=message),
            CommandHandler("gaps", feedback.gaps_command, filters=message),
            MessageHandler(admin_link, admin.offer_add),
            CommandHandler("ask", questions.ask, filters=posts),
            CommandHandler("watch", watching.watch, filters=posts),
            CommandHandler("watches", watching.watches, filters=posts),
            CommandHandler("unwatch", watching.unwatch, filters=posts),
            MessageHandler(private & text, questions.private_text),
            MessageHandler(
                private & ~filters.TEXT & ~filters.StatusUpdate.ALL, handlers.private_other
            ),
            MessageHandler(groups & text, questions.group_text),
            MessageHandler(filters.UpdateType.CHANNEL_POST & text, questions.channel_post),
            InlineQueryHandler(questions.inline_query),
            CallbackQueryHandler(presses.press, pattern=buttons.PATTERN),
            CallbackQueryHandler(admin.press_add, pattern=admin.ADD_PATTERN),
            CallbackQueryHandler(feedback.vote, pattern=buttons.VOTE_PATTERN),
            CallbackQueryHandler(presses.unknown_button),  # any other data: answered too
            MessageHandler(private & filters.COMMAND, handlers.unknown_command),
            ChatMemberHandler(handlers.membership, ChatMemberHandler.MY_CHAT_MEMBER),
        ]
    )
    application.add_error_handler(handlers.error_handler)


async def on_start(application: AnyApplication) -> None:
    """Set the command menus, log what the bot serves, read the articles' overview."""
    await register_commands(application)
    st = application.bot_data[STATE_KEY]
    assert isinstance(st, BotState)
    logger.info("%s", start_line(application.bot.username, st))
    st.overview.warm(st.engine)


def start_line(username: str | None, st: BotState) -> str:
    """The start line: running as @name (polling): N article(s), M passage(s); index …"""
    engine = st.engine
    served = served_line(engine.article_count(), engine.store.n_passages, engine.index_dir,
                         engine.index_state)  # fmt: skip
    return f"running as @{username or '?'} ({st.mode}): {served}"


def serve(
    config: Config,
    *,
    webhook_url: str | None = None,
    listen: str = "127.0.0.1",
    port: int = 8443,
    replica: bool = False,
) -> int:
    """Run the bot until stopped (polling, or a webhook server if `webhook_url`; one of
    several behind it with `replica`: bot/telegram/replica.py); exit code."""
    logs.setup()
    try:
        token = config.token()
        logs.redact(token)
        shared = os.environ.get(WEBHOOK_SECRET_ENV) or config.webhook.secret_token
        if replica and not (webhook_url and shared):
            raise ConfigError("--replica needs --webhook-url and the webhook secret that all "
                              "replicas share: set NEWSBOT_WEBHOOK_SECRET (or "
                              "webhook.secret_token)")
        from bot.collector import tune_for_serving
        from bot.engine import Engine  # imported here: loading the engine is the slow part

        engine = Engine.load(config.knowledge)
        engine.warm_analysis()
        tune_for_serving()
        knowledge = storage.knowledge_folder(config)
        db = storage.open_state(config, knowledge)
    except NewsbotError as exc:
        print(f"newsbot: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    application = build_application(
        config, engine, token, mode="webhook" if webhook_url else "polling", db=db,
        knowledge=knowledge, replica=replica,
    )  # fmt: skip
    try:
        return _run(application, config, webhook_url, listen, port, db if replica else None)
    finally:
        db.close()


def _run(application: AnyApplication, config: Config, webhook_url: str | None, listen: str,
         port: int, replica_of: State | None = None) -> int:
    """Run until stopped (a replica when `replica_of` is the shared state); the exit code."""
    try:
        if webhook_url and replica_of is not None:
            path = config.webhook.path or urlparse(webhook_url).path.strip("/")
            secret = config.webhook_secret()
            logs.redact(secret)
            logger.info("serving a replica's webhook on %s:%s/%s", listen, port, path)
            asyncio.run(replica.serve_replica(application, listen=listen, port=port, path=path,
                                              secret=secret, updates=replica_of.updates))
        elif webhook_url:
            path = config.webhook.path or urlparse(webhook_url).path.strip("/")
            secret = config.webhook_secret()
            logs.redact(secret)  # setWebhook's parameters are logged at DEBUG level
            logger.info("serving a webhook on %s:%s/%s", listen, port, path)
            asyncio.run(
                running.serve_webhook(
                    application, url=webhook_url, listen=listen, port=port, path=path,
                    secret=secret,
                )
            )  # fmt: skip
        else:
            logger.info("polling for updates")
            if not asyncio.run(running.poll(application)):
                print(_rejected(config, WHILE_POLLING), file=sys.stderr)
                return EXIT_TELEGRAM
    except InvalidToken:
        print(_rejected(config), file=sys.stderr)
        return EXIT_TELEGRAM
    except (NetworkError, TelegramError) as exc:
        print(f"newsbot: cannot talk to the Bot API: {logs.scrub(str(exc))}", file=sys.stderr)
        return EXIT_TELEGRAM
    return EXIT_OK


def _rejected(config: Config, when: str = "") -> str:
    """The line that says Telegram refused the token, and what to do."""
    return (
        f"newsbot: Telegram rejected the bot token in {config.token_env}{when}; "
        "copy the current token from @BotFather (/token) and set it again"
    )
