"""Search backends: where the passages and their BM25 live, behind one seam.

    memory   the saved, memory-mapped index of bot/index/ (the default; scores exactly
             rank-bm25's BM25Okapi)
    xapian   Xapian databases: one folder, or shards served by xapian-tcpsrv
             (`tcp://host:port`), written by one indexer (writer.py) and read by any
             number of processes (xapian_store.py, xapian_index.py,
             xapian_collection.py); scores of its candidates equal the memory backend's

`protocol.py` is the seam (SearchIndex, ArticleStore); `open_xapian(settings)` gives
the xapian backend's store, `collections(store)` any store's collections. The engine
(bot/engine.py) chooses by `Settings.backend` (NEWSBOT_BACKEND, NEWSBOT_SHARDS).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.backends.errors import BackendError
from bot.backends.protocol import ArticleStore, SearchIndex

if TYPE_CHECKING:
    from bot.backends.xapian_store import XapianStore
    from bot.collection import Collection
    from bot.settings import Settings

BACKENDS = ("memory", "xapian")

__all__ = ["BACKENDS", "ArticleStore", "BackendError", "SearchIndex", "collections",
           "open_xapian",
           "write_knowledge"]


def open_xapian(settings: Settings) -> XapianStore:
    """The xapian backend's store over the settings' shards."""
    from bot.backends.shards import parse_shards
    from bot.backends.xapian_store import XapianStore

    return XapianStore(parse_shards(settings.shards))


def write_knowledge(settings: Settings) -> None:
    """The indexer's write of the knowledge into the shards (indexer.py); the errors of
    broken files are logged."""
    import logging

    from bot.backends.indexer import index_knowledge

    for error in index_knowledge(settings)[1]:
        logging.getLogger(__name__).error("knowledge: %s", error)


def collections(store: ArticleStore) -> list[Collection]:
    """The store's collections, one per language, in language order."""
    from bot.collection import Collection
    from bot.index import PassageList, Store

    if isinstance(store, Store):
        return [Collection(language, PassageList(store, language), store.indexes[language],
                           store) for language in sorted(store.indexes)]
    from bot.backends.xapian_collection import XapianCollection, XapianPassages
    from bot.backends.xapian_index import XapianIndex

    out: list[Collection] = []
    for language in sorted(store.indexes):
        index = store.indexes[language]
        assert isinstance(index, XapianIndex)
        out.append(XapianCollection(language, XapianPassages(index), index, store))
    return out


def check_backend(name: str) -> str:
    if name not in BACKENDS:
        raise BackendError(f"unknown search backend {name!r} — NEWSBOT_BACKEND (or "
                           f"backend: in the config) is one of {', '.join(BACKENDS)}")
    return name
