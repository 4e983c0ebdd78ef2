"""Open or build: the saved index of some knowledge, loaded when it matches, updated in
place when files were added, appended to, changed or removed (index.updating: the new
articles in a segment folder, the old versions of changed and removed files' articles
tombstoned, or everything merged), built only when it cannot be used: another analysis,
damaged files, a file that cannot be read, or the index of another copy of the knowledge.

`open_index` is the one way in, for the engine, the CLI and the benchmarks alike. With
no index folder given, the index sits beside the knowledge, or in the user's cache
folder when the knowledge folder is read-only, or only in memory when neither is
writable (or when asked: `saved=False`, NEWSBOT_INDEX=off). Opening a saved index reads
its manifest and stats its files (files.check); nothing of its size is read or rebuilt.
"""

from __future__ import annotations

import hashlib
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot import lemmas
from bot.analysis import LANGUAGES, analyzer
from bot.errors import KnowledgeError, shown
from bot.index import manifest as manifests
from bot.index import updating
from bot.index.build import Progress, build_segment, collector_paused, load_and_build
from bot.index.compaction import compacted
from bot.index.deletions import read_deletions
from bot.index.files import check, full_check, open_folder, sha256_file, write
from bot.index.fingerprint import ANALYSIS_VERSION, analysis_fingerprint
from bot.index.folder import folder_of
from bot.index.layout import INDEX_DIRNAME, MANIFEST, TOKENS, language_table, table_files
from bot.index.manifest import (
    errors_from_json,
    errors_to_json,
    file_info,
    read_manifest,
    replace_manifest,
)
from bot.index.segment import Segment
from bot.index.store import Store
from bot.index.strings import Analyses, StringTable
from bot.knowledge import KnowledgeBase, load, load_jsonl, load_yaml, scan_files
from bot.models import Article
from bot.settings import cache_home

log = logging.getLogger(__name__)

def _rel(root: Path, file: Path) -> str:
    return file.name if root.is_file() else file.relative_to(root).as_posix()


@dataclass
class Loaded:
    """A store with the knowledge errors of its files and how it was obtained."""

    store: Store
    errors: list[KnowledgeError]
    how: str  # "loaded", "appended", "updated" (replaced, removed), "built", "memory"
    directory: Path | None


def default_index_dir(root: Path) -> Path:
    """Where the index of `root` lives: beside the knowledge."""
    if root.is_file():
        return root.parent / f"{INDEX_DIRNAME}-{root.name}"
    return root / INDEX_DIRNAME


def cache_index_dir(root: Path) -> Path:
    """The fallback in the user's cache folder, one per knowledge path."""
    base = cache_home()
    tag = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    return base / f"index-{tag}"


def _writable(directory: Path) -> bool:
    probe = directory if directory.exists() else directory.parent
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent

    def ok(path: Path) -> bool:
        # root may write anywhere; a folder without write bits is still not ours to fill
        return os.access(path, os.W_OK) and bool(path.stat().st_mode & 0o222)

    return ok(probe) and (not directory.exists() or ok(directory))


def open_index(
    root: Path, index_dir: Path | None = None, progress: Progress | None = None,
    rebuild: bool = False, saved: bool = True, version: str = ANALYSIS_VERSION,
) -> Loaded:
    """The index of the knowledge at `root`: loaded if it matches, else updated or built
    (in memory only, without `saved`)."""
    fingerprint = analysis_fingerprint(version)
    if not root.exists():
        kb = load(root)  # which says that it is missing
        return Loaded(memory_store(build_segment([])), kb.errors, "memory", None)
    files, folder_errors = scan_files(root)
    if saved:
        candidates = [index_dir] if index_dir is not None else [
            default_index_dir(root), cache_index_dir(root)]
        got = _open_or_build(root, fingerprint, candidates, files, progress, rebuild)
    else:
        kb, seg, manifest = _build(root, fingerprint, files, progress, [], saved=False)
        got = Loaded(memory_store(seg, manifest), kb.errors, "memory", None)
    got.errors[:0] = folder_errors  # looked at anew each time, never saved
    return got


def _build(
    root: Path, fingerprint: str, files: list[Path], progress: Progress | None,
    old: list[Path], saved: bool = True,
) -> tuple[KnowledgeBase, Segment, dict[str, Any]]:
    """The articles of `files`, built (reusing the analysis of an `old` index), and the
    manifest of what they were built from; a build to be `saved` also saves the
    lemmatiser's tries when they are missing (bot/lemmas.py: nothing is saved else)."""
    # the files as they are before they are read (one changed meanwhile differs next
    # time): their stats now, their hashes in a thread while they are built (hashing lets
    # go of the interpreter lock: a second or two of a build at a million articles)
    stats = {f: _stat(f) for f in files}
    with ThreadPoolExecutor(1) as pool:
        hashed = pool.submit(lambda: {_rel(root, f): file_info(f, stats[f]) for f in files})
        with collector_paused():
            _consult_old_analysis(old, fingerprint)
            for language in LANGUAGES if saved else ():  # once per machine
                lemmas.prepare(language)
            kb, seg = load_and_build(root, progress, files=files)
        infos = hashed.result()
    manifest = {
        "fingerprint": fingerprint, "knowledge": str(root), "files": infos,
        "errors": errors_to_json(kb.errors),
    }
    return kb, seg, manifest


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:
        return None


def memory_store(seg: Segment, manifest: dict[str, Any] | None = None) -> Store:
    """A store over a segment held in memory (no files)."""
    folder = folder_of(seg)
    return Store([folder], {**(manifest or {}), "languages": folder.languages,
                            "sections": folder.sections})


def open_store(directory: Path, manifest: dict[str, Any]) -> Store:
    """The saved index at `directory` (checked: files.check) with its segments."""
    folders = [open_folder(directory, manifest)]
    for entry in manifest.get("segments", []):
        inner = read_manifest(directory / entry["dir"], top=False)
        if inner is None:
            raise OSError(f"segment {directory / entry['dir']} has no manifest")
        folders.append(open_folder(directory / entry["dir"], inner))
    return Store(folders, manifest, read_deletions(directory, manifest.get("deleted")))


def _open_or_build(
    root: Path, fingerprint: str, candidates: list[Path], files: list[Path],
    progress: Progress | None, rebuild: bool,
) -> Loaded:
    for directory in candidates:
        manifest = None if rebuild else read_manifest(directory)
        if manifest is not None and manifest.get("fingerprint") == fingerprint:
            got = _try_reuse(root, directory, manifest, files, progress)
            if got is not None:
                return got
        if manifest is not None or _writable(directory):
            break
    target = next((d for d in candidates if _writable(d)), None)
    kb, seg, manifest = _build(root, fingerprint, files, progress, [] if rebuild else candidates)
    if target is not None:
        try:
            write(target, folder_of(seg), manifest)
            saved = read_manifest(target)
            if saved is not None:
                return Loaded(open_store(target, saved), kb.errors, "built", target)
        except OSError as err:
            log.info("index: cannot write %s (%s); keeping it in memory", target, err)
    return Loaded(memory_store(seg, manifest), kb.errors, "memory", None)


def _try_reuse(
    root: Path, directory: Path, manifest: dict[str, Any], files: list[Path],
    progress: Progress | None,
) -> Loaded | None:
    """_reuse, or None (a rebuild) when the saved index cannot be used after all: its
    files changed or vanished while they were read, say."""
    try:
        return _reuse(root, directory, manifest, files, progress)
    except (OSError, KeyError, IndexError, TypeError, ValueError, AttributeError) as err:
        log.warning("index: cannot use %s (%s: %s); rebuilding", directory,
                    type(err).__name__, str(err)[:200])
        return None


def _reuse(
    root: Path, directory: Path, manifest: dict[str, Any], files: list[Path],
    progress: Progress | None,
) -> Loaded | None:
    """The saved index if it still fits the knowledge, else updated in place (index.
    updating): the articles of added files and appended lines added, those of changed
    and removed files replaced or removed; None when it must be built anew."""
    known: dict[str, dict[str, Any]] = manifest.get("files", {})
    current = {_rel(root, f): f for f in files}
    diff = _changes(known, current)
    if diff is None:
        return None
    changed, grown, rewritten, removed = diff
    if (rewritten or removed) and manifest.get("knowledge") != str(root):
        return None  # the articles' paths name another copy of the knowledge
    added = sorted(set(current) - set(known))
    restated = check(directory, manifest)
    if restated is None:
        log.warning("index: %s does not match its manifest; rebuilding", directory)
        return None
    same = not (added or grown or rewritten or removed)
    if changed or restated:  # same contents, other times: remember the new ones
        manifest = {**manifest, "files": {**known, **changed},
                    "stats": {**manifest.get("stats", {}), **restated}}
        if same:
            try:
                replace_manifest(directory, manifest)
            except OSError:
                pass
    store = open_store(directory, manifest)
    if same:
        return Loaded(store, errors_from_json(manifest["errors"]), "loaded", directory)
    gone = {_path(root, n) for n in (*rewritten, *removed)}
    dead = sorted({n for p in gone for n in store.file_articles(p)})
    if updating.worth_a_rebuild(store, dead):
        return None
    dead_ids = {store.stored_id(n) for n in dead}
    articles, errors = _new_articles(current, [*added, *rewritten], grown, known, store,
                                     dead_ids)
    seg = build_segment(articles, progress)
    files_now = {**known, **changed, **{n: file_info(current[n]) for n in added}}
    info = {
        "fingerprint": manifest["fingerprint"], "knowledge": str(root),
        "files": {n: v for n, v in files_now.items() if n not in removed},
        "errors": [e for e in manifest["errors"] if e["path"] not in gone]
        + errors_to_json(errors),
    }
    all_errors = errors_from_json(info["errors"])
    how = "updated" if dead or store.deletions else "appended"
    deletions = updating.deletions_for(store, dead, seg)
    writable = _writable(directory)
    if writable and updating.as_segment(manifest, store, seg, deletions):
        try:
            top = updating.add_segment(directory, manifest, info, seg, deletions)
            return Loaded(open_store(directory, top), all_errors, how, directory)
        except OSError as err:
            log.info("index: cannot add a segment to %s (%s); merging", directory, err)
    if writable:
        folder, saved = updating.merge(directory, info, store, seg, deletions)
        if saved is not None:
            return Loaded(open_store(directory, saved), all_errors, how, directory)
    else:
        folder = compacted(store, seg, deletions)
    return Loaded(Store([folder], {**info, "languages": folder.languages,
                                   "sections": folder.sections}),
                  all_errors, "memory", None)


def _changes(
    known: dict[str, dict[str, Any]], current: dict[str, Path],
) -> tuple[dict[str, dict[str, Any]], list[str], list[str], list[str]] | None:
    """How the knowledge files differ from those the index was made of: the new file
    infos of those whose stat changed; the JSON Lines files that only grew (lines
    appended), those rewritten, and those removed. None: a file cannot be told apart."""
    changed: dict[str, dict[str, Any]] = {}
    grown: list[str] = []
    rewritten: list[str] = []
    removed = sorted(set(known) - set(current))
    for name, info in known.items():
        if name in removed or manifests.unchanged(current[name], info):
            continue
        fresh = changed[name] = file_info(current[name])
        if fresh["sha256"] == info["sha256"] and fresh["size"] == info["size"]:
            continue  # touched, same content (or unreadable still)
        if not fresh["sha256"]:
            return None  # unreadable now: what it holds is not known
        if _appended(current[name], info, fresh):
            grown.append(name)
        else:
            rewritten.append(name)
    return changed, grown, rewritten, removed


def _appended(path: Path, info: dict[str, Any], fresh: dict[str, Any]) -> bool:
    """Whether the JSON Lines file `path` is the one of `info` with lines appended."""
    if not path.name.endswith(".jsonl") or not info["sha256"] or fresh["size"] < info["size"]:
        return False
    with path.open("rb") as fh:
        head = fh.read(info["size"])
    return bool(hashlib.sha256(head).hexdigest() == info["sha256"])


def _path(root: Path, name: str) -> str:
    """The path of the knowledge file `name` as its articles name it (Article.path)."""
    return str(root if root.is_file() else root / name)


def _new_articles(
    current: dict[str, Path], added: list[str], grown: list[str],
    known: dict[str, dict[str, Any]], store: Store, dead_ids: set[str],
) -> tuple[list[Article], list[KnowledgeError]]:
    """Articles of added (or rewritten) files and of lines appended to JSON Lines files;
    an id of an article being removed (`dead_ids`) is free again."""
    seen: set[str] = set()
    articles: list[Article] = []
    errors: list[KnowledgeError] = []
    loaded: list[tuple[Path, list[tuple[Article | KnowledgeError, int | None]]]] = []
    for name in grown:
        lines = known[name]["lines"]
        try:
            lines_of = load_jsonl(current[name])
        except KnowledgeError as err:
            errors.append(err)
            continue
        loaded.append((current[name], [(a, n) for a, n in lines_of if n > lines]))
    for name in added:
        path = current[name]
        try:
            if path.suffix == ".jsonl":
                loaded.append((path, [(a, n) for a, n in load_jsonl(path)]))
            else:
                loaded.append((path, [(load_yaml(path), None)]))
        except KnowledgeError as err:
            errors.append(err)
    for path, items in loaded:
        for item, line in items:
            if isinstance(item, KnowledgeError):
                errors.append(item)
            elif item.id in seen or (item.id in store.ids and item.id not in dead_ids):
                errors.append(KnowledgeError(
                    str(path), f"duplicate article id {shown(item.id)}",
                    "give each article its own id", line))
            else:
                seen.add(item.id)
                articles.append(item)
    return articles, errors


def _consult_old_analysis(candidates: list[Path], fingerprint: str) -> None:
    """Before a rebuild: have the analyzers look tokens up in an old index's analysis
    when the same analysis made it and its tables are intact (checked in full), so the
    distinct tokens are not analysed again; in no other table (one they consulted may be
    the damaged one, whose mapping would fault when read)."""
    for language in LANGUAGES:
        analyzer(language).consult(None)
    for directory in candidates:
        manifest = read_manifest(directory)
        if manifest is None or manifest.get("fingerprint") != fingerprint:
            continue
        for language in manifest["languages"]:
            name = language_table(language, TOKENS)
            names = table_files(name)
            try:
                if any(sha256_file(directory / n) != manifest["arrays"][n][1] for n in names):
                    continue
                table = open_folder(directory, manifest).tables[name]
            except (OSError, KeyError, ValueError):
                continue
            analyzer(language).consult(Analyses([StringTable.of(table, keyed=True)]))
        return


def verify_index(directory: Path) -> list[str]:
    """Every problem of the saved index at `directory`, every file read in full (for
    `newsbot check --index`): [] when it is intact."""
    manifest = read_manifest(directory)
    if manifest is None:
        return [f"{directory / MANIFEST}: missing, unreadable, not what its checksum says, "
                "or of another version"]
    return [f"{directory / name}: not what the manifest says (size or sha256)"
            for name in full_check(directory, manifest)]


def saved_index_dir(root: Path, index_dir: Path | None = None) -> Path | None:
    """The folder of the saved index of `root`, if there is one."""
    candidates = [index_dir] if index_dir is not None else [
        default_index_dir(root), cache_index_dir(root)]
    return next((d for d in candidates if (d / MANIFEST).is_file()), None)
