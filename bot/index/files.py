"""Folders <-> files: a Folder written into an index folder (atomically, with the size,
sha256 and stat of every file in its manifest), and an index folder memory-mapped back.

Whether a saved folder is intact is told at open without reading it: every file must
have its size, and the mtime, ctime and inode it had when written (`stats`). The build
sets each file's mtime to a second before the build began, so any later write, even
within the file system's clock tick, gives another mtime; a copy gets another inode.
Only a file whose stat differs is read and its sha256 compared (and, if it matches, its
new stat remembered); `full_check` reads them all (`newsbot check --index`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from bot.index import manifest as manifests
from bot.index.blobs import Blob, Chained, FileBytes, Pieces, map_file
from bot.index.folder import Folder
from bot.index.layout import (
    ARTICLES,
    FORMAT,
    GITIGNORE,
    MANIFEST,
    OWNER_FILE,
    SEGMENT_DIR,
    STALE_SECONDS,
    TEXTS,
    Core,
    PostingArrays,
    array_file,
    spell_files,
    table_files,
)
from bot.index.strings import TableArrays
from bot.index.vocabulary import SpellArrays

log = logging.getLogger(__name__)

Stat = list[int]  # mtime_ns, ctime_ns, inode


def write(directory: Path, folder: Folder, manifest: dict[str, Any]) -> dict[str, Stat]:
    """Write `folder` and its manifest into a new folder, then rename it into place; the
    stat of each file written (see the module's docstring)."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_folders(directory)
    tmp = Path(tempfile.mkdtemp(prefix=directory.name + ".tmp-", dir=directory.parent))
    before = (time.time_ns() // 1_000_000_000 - 1) * 1_000_000_000
    try:
        (tmp / OWNER_FILE).write_text(str(os.getpid()), encoding="utf-8")
        def put(item: tuple[str, Emit]) -> list[Any]:
            name, emit = item
            with (tmp / name).open("wb") as fh:
                out = _Hashing(fh)
                emit(out)
            return [out.size, out.digest.hexdigest()]

        contents = list(_contents(folder))
        # two at a time: sha256 (0.3-0.6 GB/s here) and writing let go of the GIL
        with ThreadPoolExecutor(2) as pool:
            files = dict(zip((name for name, _ in contents), pool.map(put, contents),
                             strict=True))
        stats = {}
        for name in files:
            path = tmp / name
            os.utime(path, ns=(before, before))
            stats[name] = stat_of(path)
        info = dict(manifest)
        info.update(format=FORMAT, languages=folder.languages, sections=folder.sections,
                    arrays=files, stats=stats, passages=folder.n_passages,
                    articles=folder.n_articles)
        (tmp / GITIGNORE).write_text("*\n", encoding="utf-8")  # never commit an index
        (tmp / MANIFEST).write_text(manifests.dumps(info), encoding="utf-8")
        (tmp / OWNER_FILE).unlink()
        old = directory.with_name(directory.name + ".old")
        if directory.exists():
            shutil.rmtree(old, ignore_errors=True)
            directory.rename(old)
        tmp.rename(directory)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return stats


Emit = Callable[["_Hashing"], None]


def _contents(folder: Folder) -> Iterator[tuple[str, Emit]]:
    """Each file of `folder` (layout.py) and what writes it."""
    yield TEXTS, _blob(folder.texts)
    yield ARTICLES, _blob(folder.metadata)
    for f in fields(Core):
        yield array_file(f.name), _npy(_field(folder.core, f.name))
    for language, postings in folder.postings.items():
        for f in fields(PostingArrays):
            yield array_file(f.name, language), _npy(_field(postings, f.name))
    for name, table in folder.tables.items():
        text, *arrays = table_files(name)
        yield text, _blob(table.lines)
        parts: list[np.ndarray[Any, Any]] = [table.starts, table.buckets, table.slots]
        for file, array in zip(arrays, parts, strict=True):
            yield file, _npy(array)
    for language, spell in folder.spell.items():
        text, *arrays = spell_files(language)
        yield text, _blob(spell.lines)
        for file, array in zip(arrays, [spell.keys, spell.starts], strict=True):
            yield file, _npy(array)


def _field(arrays: object, name: str) -> np.ndarray[Any, Any]:
    value: np.ndarray[Any, Any] = getattr(arrays, name)
    return value


class _Hashing:
    """A file being written, its sha256 and size worked out on the way (no second read)."""

    def __init__(self, fh: BinaryIO) -> None:
        self._fh = fh
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes | memoryview) -> int:
        self._fh.write(data)
        self.digest.update(data)
        self.size += len(data)
        return len(data)


def _blob(blob: Blob) -> Emit:
    def emit(out: _Hashing) -> None:
        if isinstance(blob, FileBytes | Chained | Pieces):
            for chunk in blob.chunks():
                out.write(chunk)
        elif isinstance(blob, bytes):
            out.write(blob)
        else:
            for start in range(0, len(blob), 1 << 22):
                out.write(blob[start:start + (1 << 22)])
    return emit


def _npy(array: np.ndarray[Any, Any]) -> Emit:
    def emit(out: _Hashing) -> None:
        np.lib.format.write_array(out, np.ascontiguousarray(array), allow_pickle=False)
    return emit


def stat_of(path: Path) -> Stat:
    st = path.stat()
    return [st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def open_folder(directory: Path, manifest: dict[str, Any]) -> Folder:
    """The folder at `directory`, memory-mapped (its files are not read)."""
    def array(name: str) -> Any:  # a plain array over the mapping: cheaper to index
        return np.asarray(np.load(directory / name, mmap_mode="r", allow_pickle=False))

    def table(name: str) -> TableArrays:
        text, starts, buckets, slots = table_files(name)
        return TableArrays(map_file(directory / text, pread=False), array(starts),
                           array(buckets), array(slots))

    languages: list[str] = manifest["languages"]
    core = Core(**{f.name: array(array_file(f.name)) for f in fields(Core)})
    postings = {lang: PostingArrays(**{f.name: array(array_file(f.name, lang))
                                       for f in fields(PostingArrays)})
                for lang in languages}
    names = [n for n in manifest["arrays"] if n.endswith(".txt")]
    tables = {n[:-4]: table(n[:-4]) for n in names if not n.endswith(".spell.txt")}
    spell = {}
    for lang in languages:
        text, *arrays = spell_files(lang)
        keys, starts = (array(a) for a in arrays)
        spell[lang] = SpellArrays(map_file(directory / text, pread=False), keys, starts)
    # postings first (every question reads some), then texts, then the rest
    first = [array_file(n, lang) for lang in languages for n in ("docs", "tfs")]
    order = [*first, TEXTS, ARTICLES, *(n for n in manifest["arrays"] if n not in first
                                        and n not in (TEXTS, ARTICLES))]
    return Folder(core, map_file(directory / TEXTS), map_file(directory / ARTICLES),
                  languages, manifest["sections"], postings, tables, spell, manifest,
                  [directory / name for name in order])


def files_of(directory: Path, manifest: dict[str, Any]) -> dict[str, list[Any]]:
    """Every file an index folder's manifest lists, with its segments' files and
    manifests (as `segment-N/name`) and its tombstones (`deleted-N/name`): name -> [size,
    sha256], None for a segment manifest's sha256 when it cannot be read."""
    out = dict(manifest["arrays"])
    for entry in manifest.get("segments", []):
        inner = manifests.read_manifest(directory / entry["dir"], top=False)
        raw = (directory / entry["dir"] / MANIFEST)
        try:
            size = raw.stat().st_size
        except OSError:
            size = -1
        out[f"{entry['dir']}/{MANIFEST}"] = [size, entry["sha256"]]
        for name, value in (inner or {}).get("arrays", {}).items():
            out[f"{entry['dir']}/{name}"] = value
    deleted = manifest.get("deleted") or {}
    for name, value in deleted.get("arrays", {}).items():
        out[f"{deleted['dir']}/{name}"] = value
    return out


def check(directory: Path, manifest: dict[str, Any]) -> dict[str, Stat] | None:
    """Whether the folder (and its segments) still holds what its manifest says: None
    when a file is missing, of another size, or another content; else the new stat of
    each file whose stat changed but whose content is the same (to be remembered)."""
    recorded: dict[str, Stat] = manifest.get("stats", {})
    changed: dict[str, Stat] = {}
    try:
        listed = files_of(directory, manifest)
    except (OSError, KeyError, TypeError):
        return None
    for name, (size, digest) in listed.items():
        path = directory / name
        try:
            now = stat_of(path)
            if path.stat().st_size != size:
                return None
        except OSError:
            return None
        if now == recorded.get(name):
            continue
        if sha256_file(path) != digest:
            return None
        changed[name] = now
    return changed


def full_check(directory: Path, manifest: dict[str, Any]) -> list[str]:
    """The files of the folder (and its segments) whose size or sha256 is not the one
    in the manifest: every file is read."""
    bad = []
    for name, (size, digest) in files_of(directory, manifest).items():
        path = directory / name
        try:
            if path.stat().st_size != size or sha256_file(path) != digest:
                bad.append(name)
        except OSError:
            bad.append(name)
    return bad


def remove_stale_folders(directory: Path) -> None:
    """Remove the temporary folders that killed builds of `directory` (or, for a segment,
    of any segment beside it) left: their owner process is gone, or they are an hour old."""
    stem = "segment-" if SEGMENT_DIR.fullmatch(directory.name) else directory.name
    now = time.time()
    for tmp in directory.parent.glob(f"{stem}*.tmp-*"):
        try:
            if not tmp.is_dir() or tmp.is_symlink():
                continue
            old = now - tmp.stat().st_mtime > STALE_SECONDS
            if old or not _owner_alive(tmp / OWNER_FILE):
                log.info("index: removing %s, left by a build that did not finish", tmp)
                shutil.rmtree(tmp, ignore_errors=True)
        except OSError:
            continue


def _owner_alive(owner: Path) -> bool:
    """Whether the process named in `owner` runs (True when that cannot be told)."""
    try:
        pid = int(owner.read_text(encoding="utf-8").strip())
    except FileNotFoundError:
        return True  # no owner file: only the age tells
    except (OSError, ValueError):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it runs, as another user
    return True


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()
