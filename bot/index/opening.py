"""Open or build: the saved index of some knowledge, loaded when it matches, appended to
when articles were added (in a segment folder of their own, or merged), else built.

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.analysis import LANGUAGES, analyzer
from bot.errors import KnowledgeError, shown
from bot.index import manifest as manifests
from bot.index.build import Progress, build_segment, collector_paused, load_and_build
from bot.index.files import check, full_check, open_folder, sha256_file, stat_of, write
from bot.index.fingerprint import ANALYSIS_VERSION, analysis_fingerprint
from bot.index.folder import folder_of
from bot.index.joining import merged
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

log = logging.getLogger(__name__)

# Articles added to a saved index go into a segment folder of their own (fast: nothing
# of the index is rewritten) while all segments hold at most this share of its
# passages and there are fewer than MAX_SEGMENTS; past that, everything is merged.
SEGMENT_SHARE = 0.1
MAX_SEGMENTS = 16


def _rel(root: Path, file: Path) -> str:
    return file.name if root.is_file() else file.relative_to(root).as_posix()


@dataclass
class Loaded:
    """A store with the knowledge errors of its files and how it was obtained."""

    store: Store
    errors: list[KnowledgeError]
    how: str  # "loaded", "appended", "built", "memory"
    directory: Path | None


def default_index_dir(root: Path) -> Path:
    """Where the index of `root` lives: beside the knowledge."""
    if root.is_file():
        return root.parent / f"{INDEX_DIRNAME}-{root.name}"
    return root / INDEX_DIRNAME


def cache_index_dir(root: Path) -> Path:
    """The fallback in the user's cache folder, one per knowledge path."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "newsbot"
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
        kb, seg, manifest = _build(root, fingerprint, files, progress, [])
        got = Loaded(memory_store(seg, manifest), kb.errors, "memory", None)
    got.errors[:0] = folder_errors  # looked at anew each time, never saved
    return got


def _build(
    root: Path, fingerprint: str, files: list[Path], progress: Progress | None,
    old: list[Path],
) -> tuple[KnowledgeBase, Segment, dict[str, Any]]:
    """The articles of `files`, built (reusing the analysis of an `old` index), and the
    manifest of what they were built from."""
    # the files as they are before they are read: one changed meanwhile differs next time
    infos = {_rel(root, f): file_info(f) for f in files}
    with collector_paused():
        _consult_old_analysis(old, fingerprint)
        kb, seg = load_and_build(root, progress, files=files)
    manifest = {
        "fingerprint": fingerprint, "knowledge": str(root), "files": infos,
        "errors": errors_to_json(kb.errors),
    }
    return kb, seg, manifest


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
    return Store(folders, manifest)


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
    """The saved index if it still fits the knowledge, appended to if files were added."""
    known: dict[str, dict[str, Any]] = manifest.get("files", {})
    current = {_rel(root, f): f for f in files}
    if not set(known) <= set(current):
        return None  # a file was removed
    changed: dict[str, dict[str, Any]] = {}
    for name, info in known.items():
        if manifests.unchanged(current[name], info):
            continue
        fresh = file_info(current[name])
        if fresh["sha256"] == info["sha256"] and fresh["size"] == info["size"]:
            changed[name] = fresh  # touched, same content (or unreadable still)
            continue
        if not name.endswith(".jsonl") or not info["sha256"] or fresh["size"] < info["size"]:
            return None
        with current[name].open("rb") as fh:
            head = fh.read(info["size"])
        if hashlib.sha256(head).hexdigest() != info["sha256"]:
            return None  # rewritten, not appended to
        changed[name] = fresh
    added = sorted(set(current) - set(known))
    added_infos = {n: file_info(current[n]) for n in added}
    restated = check(directory, manifest)
    if restated is None:
        log.warning("index: %s does not match its manifest; rebuilding", directory)
        return None
    grown = [n for n in changed if changed[n]["size"] != known[n]["size"]]
    if changed or restated:  # same contents, other times: remember the new ones
        manifest = {**manifest, "files": {**known, **changed},
                    "stats": {**manifest.get("stats", {}), **restated}}
        if not added and not grown:
            try:
                replace_manifest(directory, manifest)
            except OSError:
                pass
    if not added and not grown:
        return Loaded(open_store(directory, manifest), errors_from_json(manifest["errors"]),
                      "loaded", directory)
    store = open_store(directory, manifest)
    articles, errors = _new_articles(current, added, grown, known, store)
    seg = build_segment(articles, progress)
    info = {
        "fingerprint": manifest["fingerprint"], "knowledge": str(root),
        "files": {**known, **changed, **added_infos},
        "errors": manifest["errors"] + errors_to_json(errors),
    }
    all_errors = errors_from_json(info["errors"])
    if _writable(directory) and _as_segment(manifest, store, seg):
        try:
            return Loaded(_add_segment(directory, manifest, info, seg), all_errors, "appended",
                          directory)
        except OSError as err:
            log.info("index: cannot add a segment to %s (%s); merging", directory, err)
    folder = merged(store, seg)
    if _writable(directory):
        try:
            write(directory, folder, info)
            saved = read_manifest(directory)
            if saved is not None:
                return Loaded(open_store(directory, saved), all_errors, "appended", directory)
        except OSError:
            pass
    return Loaded(Store([folder], {**info, "languages": folder.languages,
                                   "sections": folder.sections}),
                  all_errors, "memory", None)


def _as_segment(manifest: dict[str, Any], store: Store, seg: Segment) -> bool:
    """Keep the new articles in a segment of their own, or merge everything anew?"""
    base = int(manifest.get("passages", 0))
    added = store.n_passages - base + len(seg.pass_para)
    return (bool(seg.pass_para) and len(manifest.get("segments", [])) < MAX_SEGMENTS
            and added <= SEGMENT_SHARE * base)


def _add_segment(
    directory: Path, manifest: dict[str, Any], info: dict[str, Any], seg: Segment,
) -> Store:
    """Save `seg` as a segment folder of the index at `directory`, then list it in the
    manifest (replaced in one step: a crash in between leaves the old index as it was)."""
    segments = list(manifest.get("segments", []))
    name = f"segment-{len(segments) + 1}"
    stats = write(directory / name, folder_of(seg), {"fingerprint": manifest["fingerprint"]})
    raw = (directory / name / MANIFEST).read_bytes()
    segments.append({"dir": name, "sha256": hashlib.sha256(raw).hexdigest(),
                     "passages": len(seg.pass_para)})
    known = {f"{name}/{file}": stat for file, stat in stats.items()}
    known[f"{name}/{MANIFEST}"] = stat_of(directory / name / MANIFEST)
    top = {**manifest, **info, "segments": segments,
           "stats": {**manifest.get("stats", {}), **known}}
    replace_manifest(directory, top)
    return open_store(directory, top)


def _new_articles(
    current: dict[str, Path], added: list[str], grown: list[str],
    known: dict[str, dict[str, Any]], store: Store,
) -> tuple[list[Article], list[KnowledgeError]]:
    """Articles of added files and of lines appended to JSON Lines files."""
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
            elif item.id in seen or item.id in store.ids:
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
