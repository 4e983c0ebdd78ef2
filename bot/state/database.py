"""Where the state database is and how to connect to it.

`resolve_url`: `$NEWSBOT_DATABASE`, else a configured `database_url`, else
``sqlite:///<knowledge folder>/.newsbot-state.sqlite`` (a hidden file, which the
knowledge loader skips; its ``-wal`` and ``-shm`` files sit beside it). A plain path
stands for a SQLite file. `connect` makes the SQLAlchemy engine:

- SQLite: WAL mode (readers never wait for the writer), ``synchronous=FULL`` (a commit
  is on disk when it returns: a poll that crashed after recording an item does not
  fetch it again), foreign keys on, a 30 s busy timeout, and every transaction begun
  ``IMMEDIATE`` (it takes the write lock at once, so two processes never both read and
  then fail to write: SQLite's "database is locked" mid-transaction).
- PostgreSQL: ``postgresql://`` uses psycopg 3 when it is installed (SQLAlchemy's
  default driver for that scheme is psycopg2), ``pool_pre_ping`` for restarted servers.

`shown_url` is the URL for messages and logs: its password is never shown.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from bot.state.errors import StateError

DATABASE_ENV = "NEWSBOT_DATABASE"
DATABASE_FILE = ".newsbot-state.sqlite"
BUSY_TIMEOUT_MS = 30_000


def resolve_url(
    knowledge: Path, configured: str | None = None, environ: Mapping[str, str] | None = None,
) -> str:
    """The database URL: $NEWSBOT_DATABASE, else `configured`, else a SQLite file in the
    knowledge folder."""
    env = os.environ if environ is None else environ
    chosen = env.get(DATABASE_ENV, "").strip() or (configured or "").strip()
    if not chosen:
        return f"sqlite:///{(knowledge / DATABASE_FILE).absolute()}"
    if "://" not in chosen:
        return f"sqlite:///{Path(chosen).expanduser().absolute()}"
    return chosen


def parse_url(url: str) -> URL:
    """`url` as SQLAlchemy reads it; raises StateError naming it (password hidden)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StateError(f"{_redacted(url)} is not a database URL; write "
                         "sqlite:///path/to/state.sqlite or postgresql://user@host/db "
                         f"(setting {DATABASE_ENV} or database_url)") from None
    if parsed.drivername == "postgresql" and importlib.util.find_spec("psycopg") is not None:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def shown_url(url: str | URL) -> str:
    """The URL for a message or a log line, with any password as ***."""
    try:
        parsed = url if isinstance(url, URL) else make_url(url)
    except ArgumentError:
        return _redacted(str(url))
    return parsed.render_as_string(hide_password=True)


def connect(url: str) -> Engine:
    """The SQLAlchemy engine for `url` (SQLite or PostgreSQL), set up as described above."""
    parsed = parse_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite(parsed)
    if backend == "postgresql":
        try:
            return create_engine(parsed, pool_pre_ping=True)
        except ModuleNotFoundError as err:
            raise StateError(f"{shown_url(parsed)}: the PostgreSQL driver is missing "
                             f"({err.name}); pip install 'newsbot[postgres]'") from None
    raise StateError(f"{shown_url(parsed)}: newsbot keeps its state in SQLite or "
                     "PostgreSQL; use a sqlite:/// or postgresql:// URL")


def _sqlite(parsed: URL) -> Engine:
    if parsed.database and parsed.database != ":memory:":
        folder = Path(parsed.database).parent
        if not folder.is_dir():
            raise StateError(f"{shown_url(parsed)}: the folder {folder} does not exist; "
                             "create it or set another database")
    engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi: Any, record: Any) -> None:
        dbapi.isolation_level = None  # SQLAlchemy's "begin" below starts transactions
        cursor = dbapi.cursor()
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON",
                       f"busy_timeout={BUSY_TIMEOUT_MS}"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _redacted(url: str) -> str:
    """A URL-like text with whatever stands between '://' and '@' hidden."""
    head, sep, rest = url.partition("://")
    if sep and "@" in rest:
        return f"{head}://***@{rest.rsplit('@', 1)[1]}"
    return url[:200]
