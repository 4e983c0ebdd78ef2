"""The index: knowledge -> flat arrays on disk, memory-mapped back, searched with BM25.

One module a stage::

    articles ──build──▶ Segment (segment) ──files──▶ index folder (layout, manifest)
                                                         │ open_index (opening)
                                                         ▼
                             Store (store: articles, passages) + BM25Index (bm25)

`open_index(root, version)` is the one way in: the saved index of the knowledge at
`root`, loaded when it matches, appended to when articles were added (`joining`), built
otherwise (`fingerprint` tells which analysis made it). `bm25.BM25Index` scores exactly
as rank-bm25's BM25Okapi.
"""

from bot.index.bm25 import BM25Index
from bot.index.build import build_segment, load_and_build
from bot.index.files import memory_store
from bot.index.fingerprint import analysis_fingerprint
from bot.index.opening import Loaded, default_index_dir, open_or_build, seed_analyzers
from bot.index.store import PassageList, Store

open_index = open_or_build

__all__ = [
    "BM25Index",
    "Loaded",
    "PassageList",
    "Store",
    "analysis_fingerprint",
    "build_segment",
    "default_index_dir",
    "load_and_build",
    "memory_store",
    "open_index",
    "open_or_build",
    "seed_analyzers",
]
