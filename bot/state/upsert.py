"""Insert-or-update in portable SQL: no ``ON CONFLICT`` (SQLite) or ``MERGE`` dialects.

An UPDATE first; if it touched no row, an INSERT inside a savepoint; if a concurrent
writer inserted the same key meanwhile (IntegrityError), the UPDATE again. Correct on
SQLite (whose transactions here hold the write lock anyway) and on PostgreSQL under
READ COMMITTED.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Table, and_
from sqlalchemy.exc import IntegrityError


def upsert(conn: Connection, table: Table, key: Mapping[str, Any],
           values: Mapping[str, Any]) -> None:
    """Make the row `key` hold `values` (inserting it with both if it is missing)."""
    where = and_(*(table.c[name] == value for name, value in key.items()))
    if conn.execute(table.update().where(where).values(**values)).rowcount:
        return
    try:
        with conn.begin_nested():
            conn.execute(table.insert().values(**key, **values))
    except IntegrityError:
        conn.execute(table.update().where(where).values(**values))
