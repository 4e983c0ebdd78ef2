"""Open or build: the saved index of some knowledge, loaded when it matches, appended to
when articles were added (in a segment folder of their own, or merged), else built.

With no index folder given, the index sits beside the knowledge, or in the user's cache
folder when the knowledge folder is read-only, or only in memory when neither is writable.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.analysis import analyzer
from bot.errors import KnowledgeError, shown
from bot.index import manifest as manifests
from bot.index.build import Progress, build_segment, collector_paused, load_and_build
from bot.index.files import (
    memory_store,
    save,
    segment_arrays,
    sha256_file,
    verify,
    write,
)
from bot.index.fingerprint import analysis_fingerprint
from bot.index.joining import appended, open_store
from bot.index.layout import INDEX_DIRNAME
from bot.index.manifest import (
    errors_from_json,
    errors_to_json,
    file_info,
    read_manifest,
    replace_manifest,
)
from bot.index.segment import Segment
from bot.index.store import Store
from bot.knowledge import load_jsonl, load_yaml, scan_files
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






def open_or_build(
    root: Path, version: str, index_dir: Path | None = None, progress: Progress | None = None,
    rebuild: bool = False,
) -> Loaded:
    """The index of the knowledge at `root`: loaded if it matches, else updated or built.

    With no `index_dir`, the index sits beside the knowledge, or in the user's cache
    folder when the knowledge folder is read-only, or only in memory when neither is
    writable.
    """
    fingerprint = analysis_fingerprint(version)
    candidates = [index_dir] if index_dir is not None else [
        default_index_dir(root), cache_index_dir(root)]
    files, folder_errors = scan_files(root)
    got = _open_or_build(root, fingerprint, candidates, files, progress, rebuild)
    got.errors[:0] = folder_errors  # looked at anew each time, never saved
    return got


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
    # the files as they are before they are read: one changed meanwhile differs next time
    infos = {_rel(root, f): file_info(f) for f in files}
    with collector_paused():
        for directory in candidates if not rebuild else []:
            _reuse_analysis(directory, fingerprint)
        kb, seg = load_and_build(root, progress, files=files)
    manifest = {
        "fingerprint": fingerprint, "knowledge": str(root), "files": infos,
        "errors": errors_to_json(kb.errors),
    }
    if target is not None:
        try:
            save(seg, target, manifest)
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
    if not verify(directory, manifest):
        log.warning("index: %s does not match its manifest; rebuilding", directory)
        return None
    grown = [n for n in changed if changed[n]["size"] != known[n]["size"]]
    if not added and not grown:
        if changed:  # only times differ: remember the new ones
            manifest = dict(manifest)
            manifest["files"] = {**known, **changed}
            try:
                replace_manifest(directory, manifest)
            except OSError:
                pass
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
    arrays, sections = appended(store, seg)
    _new, texts, lines, _sections = segment_arrays(seg)
    if _writable(directory):
        try:
            write(directory, arrays, [store._texts, texts], [store._articles_blob, lines],
                  sections, info)
            saved = read_manifest(directory)
            if saved is not None:
                return Loaded(open_store(directory, saved), all_errors, "appended", directory)
        except OSError:
            pass
    info.update(languages=sorted(k.partition(".")[0] for k in arrays if k.endswith(".docs")),
                sections=sections)
    return Loaded(Store(arrays, bytes(store._texts[:]) + texts,
                        bytes(store._articles_blob[:]) + lines, info),
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
    arrays, texts, lines, sections = segment_arrays(seg)
    write(directory / name, arrays, [texts], [lines], sections,
          {"fingerprint": manifest["fingerprint"]})
    raw = (directory / name / "manifest.json").read_bytes()
    segments.append({"dir": name, "sha256": hashlib.sha256(raw).hexdigest(),
                     "passages": len(seg.pass_para)})
    top = {**manifest, **info, "segments": segments}
    replace_manifest(directory, top)
    return open_store(directory, top)




def _new_articles(
    current: dict[str, Path], added: list[str], grown: list[str],
    known: dict[str, dict[str, Any]], store: Store,
) -> tuple[list[Article], list[KnowledgeError]]:
    """Articles of added files and of lines appended to JSON Lines files."""
    seen = set(store.ids)
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
            elif item.id in seen:
                errors.append(KnowledgeError(
                    str(path), f"duplicate article id {shown(item.id)}",
                    "give each article its own id", line))
            else:
                seen.add(item.id)
                articles.append(item)
    return articles, errors


def _reuse_analysis(directory: Path, fingerprint: str) -> None:
    """Before a rebuild: seed the analyzers with the old index's token analysis, when it
    was made by the same analysis (the distinct tokens are then not analysed again)."""
    manifest = read_manifest(directory)
    if manifest is None or manifest.get("fingerprint") != fingerprint:
        return
    for language in manifest.get("languages", []):
        name = f"{language}.tokens.txt"
        size, digest = manifest["arrays"].get(name, (None, None))
        path = directory / name
        try:
            if path.stat().st_size != size or sha256_file(path) != digest:
                continue
            text = path.read_text(encoding="utf-8")
        except OSError:
            continue
        _seed(analyzer(language)._cache, text)


def seed_analyzers(store: Store) -> None:
    """Give each language's analyzer the saved analysis of every indexed token."""
    for language in store.indexes:
        _seed(analyzer(language)._cache, store._a.get(f"{language}.tokens", ""))


def _seed(cache: dict[str, tuple[str, ...]], table: str) -> None:
    """Parse `token\tterm term` lines into the analyzer's cache (kept entries win)."""
    add = cache.setdefault
    for line in table.split("\n"):
        tok, _, terms = line.partition("\t")
        add(tok, tuple(terms.split(" ")) if terms else ())
    cache.pop("", None)
