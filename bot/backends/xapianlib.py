"""The Xapian bindings behind a small typed wrapper (they ship no type stubs).

Everything newsbot asks of Xapian goes through here: opening a shard (a local folder,
or `tcp://host:port` served by `xapian-tcpsrv`), one database over several shards, the
BM25 weighting set to newsbot's parameters, and the errors that mean "connect again"
(the server went away) or "read again" (a writer overwrote the revision being read).
The bindings come from `pip install "newsbot[xapian]"` (PyPI's xapian-bindings-binary)
or Debian's python3-xapian in a venv made with --system-site-packages.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from bot.backends.errors import BackendError

TIMEOUT_MS = 5_000  # a remote shard that does not answer within this is taken as gone
CONNECT_MS = 2_000


def module() -> Any:
    """The `xapian` module, or a BackendError that says how to install it."""
    try:
        return importlib.import_module("xapian")
    except ImportError as error:
        raise BackendError(
            "the xapian backend needs the Xapian bindings — pip install \"newsbot[xapian]\" "
            "(or Debian's python3-xapian in a venv made with --system-site-packages)"
        ) from error


def open_shard(url: str, writable: bool = False) -> Any:
    """One shard: `tcp://host:port` (xapian-tcpsrv, --writable for a writer) or a folder."""
    xapian = module()
    if url.startswith("tcp://"):
        host, _, port = url[len("tcp://"):].rpartition(":")
        if not host or not port.isdigit():
            raise BackendError(f"shard {url!r}: not tcp://host:port — e.g. tcp://127.0.0.1:7001")
        if writable:
            return xapian.remote_open_writable(host, int(port), TIMEOUT_MS, CONNECT_MS)
        return xapian.remote_open(host, int(port), TIMEOUT_MS, CONNECT_MS)
    if writable:
        # Xapian makes the shard's own folder, not its parents ("/srv/shards/s0")
        Path(url).parent.mkdir(parents=True, exist_ok=True)
        return xapian.WritableDatabase(url, xapian.DB_CREATE_OR_OPEN)
    return xapian.Database(url)


def combined(shards: list[Any]) -> Any:
    """One database over the shards: document frequencies and lengths summed over all
    (Xapian interleaves their document ids: shard i's n is (n - 1) * len + i + 1)."""
    db = module().Database()
    for shard in shards:
        db.add_database(shard)
    return db


def bm25(k1: float, b: float) -> Any:
    """Xapian's BM25Weight as newsbot's: k2 = 0 (no length correction), k3 = 0 (the
    query's own term frequency ignored), min_normlen = 0 (a short document's length is
    its own)."""
    return module().BM25Weight(k1, 0.0, 0.0, b, 0.0)


def term(text: str) -> Any:
    return module().Query(text)


def synonym(terms: list[str], weight: float) -> Any:
    """Terms scored as one (frequencies summed: OP_SYNONYM), scaled by `weight`."""
    xapian = module()
    query = xapian.Query(terms[0]) if len(terms) == 1 else xapian.Query(
        xapian.Query.OP_SYNONYM, [xapian.Query(t) for t in terms])
    return query if weight == 1.0 else xapian.Query(xapian.Query.OP_SCALE_WEIGHT, query, weight)


def either(queries: list[Any]) -> Any:
    xapian = module()
    return xapian.Query(xapian.Query.OP_OR, queries)


def enquire(db: Any, query: Any, weighting: Any) -> Any:
    found = module().Enquire(db)
    found.set_weighting_scheme(weighting)
    found.set_query(query)
    found.set_docid_order(module().Enquire.ASCENDING)
    return found


def document() -> Any:
    return module().Document()


def is_gone(error: BaseException) -> bool:
    """A shard that must be connected to again (its server stopped or cannot be reached)."""
    return isinstance(error, module().NetworkError)


def is_modified(error: BaseException) -> bool:
    """A revision overwritten while it was read: reopen and read again."""
    return isinstance(error, module().DatabaseModifiedError)


def is_xapian(error: BaseException) -> bool:
    return isinstance(error, module().Error)
