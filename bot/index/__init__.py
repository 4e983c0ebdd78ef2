"""The index: knowledge -> flat arrays on disk, memory-mapped back, searched with BM25.

One module a stage::

    articles ──build──▶ Segment ──folder──▶ Folder ──files──▶ index folder (layout, manifest)
                                                                  │ open_index (opening)
                                                                  ▼
                  Store (store: articles, passages; joining: with its segments)
                  + per language BM25Index (bm25) over a Vocabulary (vocabulary, strings)

`open_index(root)` is the one way in: the saved index of the knowledge at `root`, loaded
when it matches (checked by size and stat, never read whole), updated in place when
files were added, changed or removed (`updating`: segments, tombstones in `deletions`
worked out by `tombstones`, merges in `compaction`; live article numbers in `numbering`),
built otherwise (`fingerprint` tells which analysis made it). Lookups of
terms, tokens and article ids read memory-mapped string tables (`strings`).
`bm25.BM25Index` scores exactly as rank-bm25's BM25Okapi.
"""

from bot.index.bm25 import BM25Index
from bot.index.build import build_segment, load_and_build
from bot.index.fingerprint import ANALYSIS_VERSION, analysis_fingerprint
from bot.index.layout import INDEX_DIRNAME
from bot.index.opening import (
    Loaded,
    default_index_dir,
    memory_store,
    open_index,
    saved_index_dir,
    verify_index,
)
from bot.index.store import PassageList, Store

__all__ = [
    "ANALYSIS_VERSION",
    "INDEX_DIRNAME",
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
    "saved_index_dir",
    "verify_index",
]
