"""A reader's connection to the shards: one per thread, reopened on a short interval,
connected again to a shard's next copy when one goes away.

Xapian's database objects are not thread-safe, so each thread that answers has its own
(`Readers.here()`). The first read REOPEN_SECONDS after the last reopen reopens them
(a remote shard's server then reads its newest commit), which is how an article the indexer
wrote reaches every replica within seconds; what a connection has cached (document
frequencies, documents, article records) is dropped when a reopen brings a new
revision. A shard whose server went away (NetworkError) is connected again, trying
its addresses in turn (shards.Shard); a revision overwritten while it was read
(DatabaseModifiedError) is reopened; either way the read is tried again once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from bot.backends import xapianlib
from bot.backends.errors import BackendError
from bot.backends.shards import Shard

log = logging.getLogger(__name__)

REOPEN_SECONDS = 1.0
CACHED = 4096  # documents and records kept per connection

T = TypeVar("T")


class Connection:
    """One thread's databases: each shard's, and one over them all."""

    def __init__(self, shards: Sequence[Shard]) -> None:
        self.shards = list(shards)
        self.generation = 0  # counts the reopens that brought something new
        self.cache: dict[Any, Any] = {}
        self.dbs: list[Any] = []
        self.all: Any = None
        self._connect()
        self._opened = time.monotonic()

    def _connect(self) -> None:
        self.close()
        self.dbs = [self._open(shard) for shard in self.shards]
        self.all = xapianlib.combined(self.dbs)
        self._changed()

    def _open(self, shard: Shard) -> Any:
        failures = []
        for address in shard.for_reader():
            try:
                return xapianlib.open_shard(address)
            except Exception as error:
                if not xapianlib.is_xapian(error):
                    raise
                failures.append(f"{address}: {error}")
        raise BackendError(f"shard {shard.number}: no copy can be opened "
                           f"({'; '.join(failures)}) — is xapian-tcpsrv running there?")

    def close(self) -> None:
        for db in self.dbs:
            try:
                db.close()
            except Exception as error:  # a shard that is gone already
                if not xapianlib.is_xapian(error):
                    raise
        self.dbs = []

    def _changed(self) -> None:
        self.generation += 1
        self.cache = {}

    def fresh(self) -> None:
        """Reopen when REOPEN_SECONDS have passed since the last time."""
        if time.monotonic() - self._opened >= REOPEN_SECONDS:
            self.read(self._reopen)

    def _reopen(self) -> None:
        self._opened = time.monotonic()
        changed = False
        for db in self.dbs:
            changed = bool(db.reopen()) or changed
        if changed:
            self._changed()

    def read(self, fn: Callable[[], T]) -> T:
        """`fn()`, tried once more after connecting again or reopening."""
        try:
            return fn()
        except Exception as error:
            if xapianlib.is_gone(error):
                log.warning("xapian: a shard went away (%s); connecting again", error)
                self._connect()
            elif xapianlib.is_modified(error):
                self._reopen()
                self._changed()
            else:
                raise
        return fn()

    def remember(self, key: Any, make: Callable[[], T]) -> T:
        """A value cached for this connection's revision."""
        if key in self.cache:
            return self.cache[key]  # type: ignore[no-any-return]
        value = make()
        self.put(key, value)
        return value

    def put(self, key: Any, value: Any) -> None:
        if len(self.cache) >= CACHED:
            self.cache.clear()
        self.cache[key] = value


class Readers:
    """Each thread's Connection to the same shards."""

    def __init__(self, shards: Sequence[Shard]) -> None:
        self.shards = list(shards)
        self._local = threading.local()
        self.here()  # connect now: a shard that cannot be reached is said at start

    def here(self) -> Connection:
        connection: Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = Connection(self.shards)
        else:
            connection.fresh()
        return connection
