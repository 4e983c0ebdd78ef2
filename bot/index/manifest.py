"""The saved index's manifest: read, its shape checked before anything reads it, and what
it remembers of each knowledge file and of the knowledge errors.

A manifest is JSON that anything can have written: one with the right format number and
fingerprint but, say, `"files": []` made `ask` fail with a TypeError (issue 12). It holds
its own checksum (the sha256 of the rest), and `valid` checks every field the store
reads; a manifest that fails either is treated as missing, and the index is rebuilt.

`file_info` fingerprints a knowledge file without raising: a file that vanished or cannot
be read (chmod 000) gets an entry that never matches the next look, so that a later
change is noticed. `unchanged` compares size, mtime, ctime and inode: an edit that keeps
size and mtime (`os.utime` puts the old time back) still changes the ctime, which no
program can set.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bot.errors import KnowledgeError
from bot.index.deletions import file_names as deleted_files
from bot.index.layout import DELETED_DIR, FORMAT, MANIFEST, SEGMENT_DIR, folder_files

_FILE_KEYS = {"size": int, "mtime": int, "sha256": str, "lines": int}
_ERROR_KEYS = {"path": str, "problem": str, "fix": str}


def valid(info: Any, fmt: int, top: bool = True) -> bool:
    """Whether `info` has the shape of a manifest of format `fmt`; `top`: the main
    manifest of an index folder (with files, errors, segments), not a segment's."""
    if not isinstance(info, dict) or info.get("format") != fmt:
        return False
    languages, sections = info.get("languages"), info.get("sections")
    if not (_strings(languages) and _strings(sections) and isinstance(info.get("fingerprint"), str)
            and _count(info.get("passages")) and _count(info.get("articles"))):
        return False
    arrays = info.get("arrays")
    if not isinstance(arrays, dict) or not all(_array_entry(k, v) for k, v in arrays.items()):
        return False
    if any(name not in arrays for name in folder_files(list(languages or []))):
        return False
    stats = info.get("stats", {})
    if not isinstance(stats, dict) or not all(
            isinstance(k, str) and isinstance(v, list) and len(v) == 3 and all(map(_count, v))
            for k, v in stats.items()):
        return False
    if not top:
        return "segments" not in info
    files, errors = info.get("files"), info.get("errors")
    return (isinstance(files, dict) and all(isinstance(k, str) and _file_entry(v)
                                            for k, v in files.items())
            and isinstance(errors, list) and all(map(_error_entry, errors))
            and isinstance(info.get("segments", []), list)
            and all(map(_segment_entry, info.get("segments", [])))
            and _deleted_entry(info.get("deleted")))


def file_info(path: Path, before: os.stat_result | None = None) -> dict[str, Any]:
    """Size, times, inode, sha256 and line count of a knowledge file (as `before`, its
    stat taken already, says if given); a file that cannot be read gets an empty sha256
    (and one that is gone a size of -1)."""
    try:
        before = before or path.stat()
    except OSError:
        return {"size": -1, "mtime": -1, "ctime": -1, "ino": -1, "sha256": "", "lines": 0}
    info = {"size": before.st_size, "mtime": before.st_mtime_ns, "ctime": before.st_ctime_ns,
            "ino": before.st_ino, "sha256": "", "lines": 0}
    digest, lines = hashlib.sha256(), 0
    try:
        with path.open("rb") as fh:  # a few MB at a time: a 600 MB file is not held
            for chunk in iter(lambda: fh.read(1 << 22), b""):
                digest.update(chunk)
                lines += chunk.count(b"\n")
        after = path.stat()
    except OSError:
        return info
    if _key(after) == _key(before):  # else changed while read: left to be read again
        info.update(sha256=digest.hexdigest(), lines=lines)
    return info


def unchanged(path: Path, info: dict[str, Any]) -> bool:
    """Whether `path` is still the file `info` describes (False if it cannot be looked at)."""
    try:
        st = path.stat()
    except OSError:
        return False
    return _key(st) == (info["size"], info["mtime"], info.get("ctime"), info.get("ino"))


def _key(st: Any) -> tuple[int, int, int, int]:
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _array_entry(name: Any, entry: Any) -> bool:
    return (isinstance(name, str) and "/" not in name and "\\" not in name
            and not name.startswith(".") and isinstance(entry, list) and len(entry) == 2
            and _count(entry[0]) and isinstance(entry[1], str))


def _file_entry(entry: Any) -> bool:
    return isinstance(entry, dict) and all(
        isinstance(entry.get(k), t) and not isinstance(entry.get(k), bool)
        for k, t in _FILE_KEYS.items()) and all(
        isinstance(entry.get(k, 0), int) for k in ("ctime", "ino"))


def _error_entry(entry: Any) -> bool:
    return (isinstance(entry, dict) and all(isinstance(entry.get(k), t)
                                            for k, t in _ERROR_KEYS.items())
            and (entry.get("line") is None or _count(entry.get("line"))))


def _segment_entry(entry: Any) -> bool:
    return (isinstance(entry, dict) and isinstance(entry.get("dir"), str)
            and SEGMENT_DIR.fullmatch(entry["dir"]) is not None
            and isinstance(entry.get("sha256"), str) and _count(entry.get("passages", 0)))


def _deleted_entry(entry: Any) -> bool:
    """No tombstones, or a `deleted-N` folder's entry (index.deletions)."""
    if entry is None:
        return True
    if not (isinstance(entry, dict) and isinstance(entry.get("dir"), str)
            and DELETED_DIR.fullmatch(entry["dir"]) is not None
            and _strings(entry.get("languages")) and _count(entry.get("articles"))
            and _count(entry.get("passages")) and isinstance(entry.get("arrays"), dict)):
        return False
    arrays = entry["arrays"]
    return (all(_array_entry(k, v) for k, v in arrays.items())
            and set(arrays) == set(deleted_files(entry["languages"])))


def dumps(info: dict[str, Any]) -> str:
    """The manifest's JSON, with its checksum."""
    body = {k: v for k, v in info.items() if k != "checksum"}
    return json.dumps({**body, "checksum": _checksum(body)}, ensure_ascii=False, indent=1)


def _checksum(body: dict[str, Any]) -> str:
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_manifest(directory: Path, top: bool = True) -> dict[str, Any] | None:
    """The manifest of an index folder (`top`) or of a segment folder, None when it is
    missing, not JSON, not what its checksum says, or not of the shape this version
    writes."""
    try:
        info: Any = json.loads((directory / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(info, dict) or not isinstance(info.get("checksum"), str):
        return None
    body = {k: v for k, v in info.items() if k != "checksum"}
    if _checksum(body) != info["checksum"]:
        return None
    return body if valid(body, FORMAT, top) else None


def replace_manifest(directory: Path, manifest: dict[str, Any]) -> None:
    """Write `manifest` as the folder's manifest.json in one step."""
    tmp = directory / (MANIFEST + ".tmp")
    tmp.write_text(dumps(manifest), encoding="utf-8")
    os.replace(tmp, directory / MANIFEST)


def errors_to_json(errors: Iterable[KnowledgeError]) -> list[dict[str, Any]]:
    return [{"path": e.path, "problem": e.problem, "fix": e.fix, "line": e.line} for e in errors]


def errors_from_json(items: Iterable[dict[str, Any]]) -> list[KnowledgeError]:
    return [KnowledgeError(i["path"], i["problem"], i["fix"], i["line"]) for i in items]
