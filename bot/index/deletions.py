"""Tombstones: the articles of a saved index that were replaced or removed since it was
built, and what BM25 needs to leave their passages out — held in a `deleted-N/` folder
beside the segments, listed in the main manifest (`deleted`).

    articles.npy    the dead article numbers (of the index with its segments), ascending
    L.docs.npy      per language, its dead document numbers, ascending
    L.terms.npy     the term numbers those documents hold, ascending
    L.counts.npy    how many dead documents hold each of them (subtracted from df)
    L.order.npy     the live terms (df > 0) in the order they first appear in the live
                    documents: the order BM25Okapi sums idf in for its mean (the floor
                    of negative idf), so that it is the same sum, not nearly

The numbers are those the store gives when it opens the folders in the manifest's order
(term numbers: the base's, then each segment's new terms), so they stay valid while
segments are added; a merge drops the dead passages and the folder. Everything is
small (the dead articles' documents and terms) except `order`, one int32 a live term.
It is opened memory-mapped, like the rest of the index: nothing is rebuilt at start.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.index.layout import DELETED_DIR, OWNER_FILE, STALE_SECONDS

I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]

ARTICLES = "articles.npy"
PER_LANGUAGE = ("docs", "terms", "counts", "order")


@dataclass
class LanguageDeletions:
    """One language's dead documents and what they held."""

    docs: I64  # dead document numbers, ascending
    terms: I64  # term numbers of the dead documents, ascending
    counts: I64  # dead documents holding each of those terms
    order: I32  # the live terms in the order they first appear


@dataclass
class Deletions:
    """The dead articles of an index and, per language, their documents."""

    articles: I64 = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    languages: dict[str, LanguageDeletions] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(len(self.articles))

    @property
    def passages(self) -> int:
        return sum(len(d.docs) for d in self.languages.values())


def _file(language: str, name: str) -> str:
    return f"{language}.{name}.npy"


def file_names(languages: list[str]) -> list[str]:
    return [ARTICLES, *(_file(lang, n) for lang in languages for n in PER_LANGUAGE)]


def read_deletions(directory: Path, entry: dict[str, Any] | None) -> Deletions:
    """The tombstones the manifest's `deleted` entry names (memory-mapped), or none."""
    if not entry:
        return Deletions()
    folder = directory / entry["dir"]

    def array(name: str) -> Any:
        return np.asarray(np.load(folder / name, mmap_mode="r", allow_pickle=False))

    languages = {lang: LanguageDeletions(*(array(_file(lang, n)) for n in PER_LANGUAGE))
                 for lang in entry["languages"]}
    return Deletions(array(ARTICLES), languages)


def write_deletions(directory: Path, deletions: Deletions, previous: str | None,
                    ) -> tuple[dict[str, Any], dict[str, list[int]]]:
    """Write `deletions` as a new `deleted-N/` folder of the index at `directory` (into
    a temporary folder renamed into place); its manifest entry (the folder, the size and
    sha256 of each file, how many articles and passages are dead) and the stat of each
    file (as `deleted-N/name`, for files.check). The caller lists it in the manifest."""
    number = int(previous.rpartition("-")[2]) + 1 if previous else 1
    name = f"deleted-{number}"
    tmp = Path(tempfile.mkdtemp(prefix=name + ".tmp-", dir=directory))
    before = (time.time_ns() // 1_000_000_000 - 1) * 1_000_000_000  # as files.write does
    arrays: dict[str, list[Any]] = {}
    try:
        (tmp / OWNER_FILE).write_text(str(os.getpid()), encoding="utf-8")
        parts: list[tuple[str, npt.NDArray[Any]]] = [(ARTICLES, deletions.articles)]
        for lang in sorted(deletions.languages):
            got = deletions.languages[lang]
            parts += [(_file(lang, "docs"), got.docs), (_file(lang, "terms"), got.terms),
                      (_file(lang, "counts"), got.counts), (_file(lang, "order"), got.order)]
        for file, array in parts:
            path = tmp / file
            np.save(path, np.ascontiguousarray(array), allow_pickle=False)
            data = path.read_bytes()
            arrays[file] = [len(data), hashlib.sha256(data).hexdigest()]
            os.utime(path, ns=(before, before))
        (tmp / OWNER_FILE).unlink()
        shutil.rmtree(directory / name, ignore_errors=True)  # one a crash left unlisted
        tmp.rename(directory / name)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    stats = {}
    for file in arrays:
        st = (directory / name / file).stat()
        stats[f"{name}/{file}"] = [st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
    entry = {"dir": name, "arrays": arrays, "languages": sorted(deletions.languages),
             "articles": len(deletions.articles), "passages": deletions.passages}
    return entry, stats


def remove_unlisted(directory: Path, keep: str | None, previous: str | None = None) -> None:
    """Remove the `deleted-N` folders of the index at `directory` but `keep` and the
    `previous` one (a process that read the old manifest may still be opening it)."""
    for path in directory.glob("deleted-*"):
        if path.name in (keep, previous) or not path.is_dir():
            continue
        if DELETED_DIR.fullmatch(path.name) or ".tmp-" in path.name:
            if ".tmp-" in path.name and _young(path):
                continue  # perhaps another process's, being written
            shutil.rmtree(path, ignore_errors=True)


def _young(path: Path) -> bool:
    try:
        return time.time() - path.stat().st_mtime < STALE_SECONDS
    except OSError:
        return False
