"""Versioned migrations of the state database: an ordered list of functions and a
`schema_version` table with one row.

Why not Alembic: it wants a script directory with an ``env.py`` shipped as package data
and run at start-up, plus Mako, to do what this module does in 80 lines — apply the
migrations a database lacks, in order, each in the transaction that bumps the version.
Both the bot and ``newsbot feeds`` open the database and migrate it on open, so two
processes may try at once: the version row is read ``FOR UPDATE`` (PostgreSQL locks it)
inside a transaction that SQLite begins ``IMMEDIATE`` (the write lock), and the second
process finds the work done. DDL is transactional on both, so a crash mid-migration
leaves the old version. A database newer than this newsbot is refused, not touched.

Adding a migration: append a function; never edit a released one. Migration 1 creates
`schema.V1_TABLES` as `schema.py` defines them; a later one that changes a table must
first freeze the old definition into its predecessor — `tests/test_state.py` migrates an
empty database and compares it with `schema.py`, which fails until it does. A migration
that alters a table may use `alembic.operations.Operations` over the same connection.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import Column, Connection, Engine, Integer, MetaData, Table, select
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from bot.state import schema
from bot.state.errors import StateError
from bot.state.schema import UTCDateTime

Migration = Callable[[Connection], None]

version_table = Table(
    "schema_version", MetaData(),
    Column("id", Integer, primary_key=True, autoincrement=False),  # always 1
    Column("version", Integer, nullable=False),
    Column("migrated_at", UTCDateTime),
)


def _v1_initial(conn: Connection) -> None:
    """Feeds, seen items, chat settings, follow-up context, watches, question log,
    feedback, meta."""
    schema.metadata.create_all(conn, tables=list(schema.V1_TABLES), checkfirst=False)


def _v2_handled_updates(conn: Connection) -> None:
    """The updates bot replicas took and answered (issue 16)."""
    schema.metadata.create_all(conn, tables=list(schema.V2_TABLES), checkfirst=False)


def _v3_send_budget(conn: Connection) -> None:
    """The flood budget the bot replicas share (issue 16)."""
    schema.metadata.create_all(conn, tables=list(schema.V3_TABLES), checkfirst=False)


MIGRATIONS: tuple[Migration, ...] = (_v1_initial, _v2_handled_updates, _v3_send_budget)
HEAD = len(MIGRATIONS)


def migrate(engine: Engine, shown: str = "the state database") -> int:
    """Bring the database to HEAD; returns the version it was at before."""
    _ensure_version_row(engine)
    with engine.begin() as conn:
        query = select(version_table.c.version).where(version_table.c.id == 1)
        before = int(conn.execute(query.with_for_update()).scalar_one())
        if before > HEAD:
            raise StateError(
                f"{shown} is at schema version {before}, newer than this newsbot knows "
                f"({HEAD}); upgrade newsbot, or point NEWSBOT_DATABASE at another database")
        for number in range(before, HEAD):
            MIGRATIONS[number](conn)
        if before < HEAD:
            conn.execute(version_table.update().where(version_table.c.id == 1).values(
                version=HEAD, migrated_at=dt.datetime.now(dt.UTC)))
    return before


def version(engine: Engine) -> int:
    """The database's schema version (0: never migrated)."""
    with engine.connect() as conn:
        if not engine.dialect.has_table(conn, version_table.name):
            return 0
        found = conn.execute(select(version_table.c.version)).scalar()
        return int(found or 0)


def _ensure_version_row(engine: Engine) -> None:
    """The version table and its row (version 0), made once even by processes that race."""
    for attempt in range(3):
        try:
            with engine.begin() as conn:
                version_table.create(conn, checkfirst=True)
                if conn.execute(select(version_table.c.id)).first() is None:
                    conn.execute(version_table.insert().values(id=1, version=0))
            return
        except (IntegrityError, ProgrammingError, OperationalError):
            if attempt == 2:  # another process made it meanwhile: look again, twice
                raise
