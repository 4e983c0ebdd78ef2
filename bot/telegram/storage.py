"""Where the running bot keeps its state, and how handlers reach it without blocking.

The state database (`bot.state.State`: chat settings, follow-up context, feeds, watches,
the question log and feedback) is chosen once, at start, in this order:

1. ``$NEWSBOT_DATABASE`` or ``database_url`` (a URL, or a path for a SQLite file);
2. the knowledge folder, when it is a folder of the user's own that the bot may write
   (``<knowledge>/.newsbot-state.sqlite``, where ``newsbot follow`` keeps its feeds too);
3. the folder of the old state file (``state_file`` / ``$NEWSBOT_STATE_FILE``), which
   deployments put in their state volume (``/var/lib/newsbot``);
4. else a temporary database, removed when the process ends — said so in the log, as the
   index says "in memory only".

The old state file itself, if there is one, is taken in once (`State.open(legacy_file=…)`).
The URL is logged without its password (`shown_url`), and the password is scrubbed from
every log line. Every database call runs in a worker thread (`call`): a SQLite commit waits
for the disk, and a write may wait for another process's transaction.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import tempfile
import weakref
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import ParamSpec, TypeVar

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from bot.ingest import IngestError, target_dir
from bot.settings import Settings
from bot.state import State, resolve_url, shown_url
from bot.telegram import logs
from bot.telegram.config import Config

logger = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")


def knowledge_folder(config: Config, environ: Mapping[str, str] | None = None,
                     cwd: Path | None = None) -> Path | None:
    """The folder of the user's own that the bot serves, as ``newsbot add`` and ``newsbot
    follow`` find it (`knowledge`, $NEWSBOT_KNOWLEDGE, ./knowledge), or None when it serves
    the bundled articles."""
    here = (cwd or Path.cwd()) / "knowledge"
    chosen = config.knowledge or Settings.from_env(environ).knowledge
    return own_folder(chosen or (here if here.is_dir() else None))


def own_folder(path: Path | None) -> Path | None:
    """`path` if it is a folder of the user's own that the bot may write into (not the
    installed package's bundled articles, not a single file), else None."""
    if path is None or not path.is_dir() or not os.access(path, os.W_OK | os.X_OK):
        return None
    try:
        return target_dir(path)
    except IngestError:
        return None


def database_url(config: Config, knowledge: Path | None,
                 environ: Mapping[str, str] | None = None) -> str | None:
    """The URL of the durable state database (the order above), or None: nowhere."""
    configured = config.database(environ)
    if configured:
        return resolve_url(Path(), configured, environ={})
    if knowledge is not None:
        return resolve_url(knowledge, environ={})
    legacy = config.state_path(environ)
    if legacy is not None and legacy.parent.is_dir() and os.access(legacy.parent, os.W_OK):
        return resolve_url(legacy.parent, environ={})
    return None


def open_state(config: Config, knowledge: Path | None,
               environ: Mapping[str, str] | None = None) -> State:
    """The bot's state database, migrated, the old state file taken in (raises StateError
    with the reason and the fix)."""
    url = database_url(config, knowledge, environ)
    if url is None:
        logger.warning("state: kept in a temporary database until the bot stops (set "
                       "database_url or NEWSBOT_DATABASE, or serve a knowledge folder of "
                       "your own, to keep chats' settings, feeds and watches)")
        return temporary_state()
    _redact_password(url)
    state = State.open(url, legacy_file=config.state_path(environ))
    logger.info("state: %s", state.shown)
    return state


def temporary_state() -> State:
    """A SQLite database in a temporary folder, removed with the State (or at exit)."""
    folder = Path(tempfile.mkdtemp(prefix="newsbot-state-"))
    state = State.open(resolve_url(folder, environ={}))
    weakref.finalize(state, _remove, state.engine, folder)
    return state


async def call(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`fn(*args, **kwargs)` (a database call) in a worker thread."""
    return await asyncio.to_thread(fn, *args, **kwargs)


async def best_effort(default: T, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Like `call`, but a database failure is logged and gives `default`: an answer is
    still sent when the question log or the follow-up context cannot be written."""
    try:
        return await asyncio.to_thread(fn, *args, **kwargs)
    except SQLAlchemyError as err:
        logger.warning("state database: %s failed (%s); going on without it",
                       getattr(fn, "__qualname__", fn), type(err).__name__)
        return default


def _redact_password(url: str) -> None:
    try:
        password = make_url(url).password
    except ArgumentError:
        return
    if password:
        logs.redact(str(password))
    logger.debug("state database %s", shown_url(url))


def _remove(engine: object, folder: Path) -> None:
    dispose = getattr(engine, "dispose", None)
    if callable(dispose):
        dispose()
    shutil.rmtree(folder, ignore_errors=True)
