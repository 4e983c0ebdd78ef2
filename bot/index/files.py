"""Arrays <-> files: a segment's arrays written into an index folder (atomically, with
the size and sha256 of every file in its manifest), and a folder memory-mapped back."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bot.index import manifest as manifests
from bot.index.blobs import Blob, Chained, FileBytes, map_file
from bot.index.layout import FORMAT, OWNER_FILE, SEGMENT_DIR, STALE_SECONDS
from bot.index.segment import Segment, max_tf
from bot.index.store import Store

log = logging.getLogger(__name__)


def segment_arrays(seg: Segment) -> tuple[dict[str, Any], bytes, bytes, list[str]]:
    """The store's arrays (numpy or text) for a segment, with its texts and articles."""
    sections: dict[str, int] = {}
    para_section = np.asarray(
        [-1 if s is None else sections.setdefault(s, len(sections)) for s in seg.para_section],
        dtype=np.int32)
    para_off = np.zeros(len(seg.para_text) + 1, dtype=np.int64)
    np.cumsum([len(t) for t in seg.para_text], out=para_off[1:])
    lines = [json.dumps(m, ensure_ascii=False).encode("utf-8") + b"\n" for m in seg.articles]
    art_off = np.zeros(len(lines) + 1, dtype=np.int64)
    np.cumsum([len(line) for line in lines], out=art_off[1:])
    arrays: dict[str, Any] = {
        "paragraphs": para_off,
        "para_section": para_section,
        "article_ids": "\n".join(m["id"] for m in seg.articles),
        "article_languages": "\n".join(m["language"] for m in seg.articles),
        "articles": art_off,
        "art_para": np.asarray(seg.art_para, dtype=np.int64),
        "art_pass": np.asarray(seg.art_pass, dtype=np.int64),
        "pass_para": np.asarray(seg.pass_para, dtype=np.int32),
        "pass_start": np.asarray(seg.pass_start, dtype=np.int32),
        "pass_end": np.asarray(seg.pass_end, dtype=np.int32),
        "pass_part": np.asarray(seg.pass_part, dtype=np.int32),  # int16 overflowed
        "pass_art": np.asarray(seg.pass_art, dtype=np.int32),
        "sent_off": np.asarray(seg.sent_off, dtype=np.int64),
        "sents": np.asarray(seg.sents, dtype=np.int32).reshape(-1, 2),
    }
    for language, p in seg.postings.items():
        arrays[f"{language}.vocab"] = "\n".join(p.vocab)
        arrays[f"{language}.offsets"] = p.offsets
        arrays[f"{language}.docs"] = p.docs
        arrays[f"{language}.tfs"] = p.tfs
        arrays[f"{language}.doclen"] = p.doc_len
        arrays[f"{language}.passages"] = p.passages
        arrays[f"{language}.maxtf"] = max_tf(p)
        arrays[f"{language}.tokens"] = "\n".join(
            f"{tok}\t{' '.join(terms)}" for tok, terms in p.tokens.items())
    return arrays, b"".join(seg.para_text), b"".join(lines), list(sections)


def memory_store(seg: Segment, manifest: dict[str, Any] | None = None) -> Store:
    """A store over a segment held in memory (no files)."""
    arrays, texts, articles, sections = segment_arrays(seg)
    info = dict(manifest or {})
    info.update(languages=sorted(seg.postings), sections=sections)
    return Store(arrays, texts, articles, info)


def _file_name(key: str, value: Any) -> str:
    return f"{key}.txt" if isinstance(value, str) else f"{key}.npy"


def save(seg: Segment, directory: Path, manifest: dict[str, Any]) -> None:
    """Write the segment's store into `directory` atomically (a new folder renamed in)."""
    arrays, texts, articles, sections = segment_arrays(seg)
    write(directory, arrays, [texts], [articles], sections, manifest)


def write(
    directory: Path, arrays: dict[str, Any], texts: Sequence[Blob],
    articles: Sequence[Blob], sections: list[str], manifest: dict[str, Any],
) -> None:
    """Write a store's files and manifest into a new folder, then rename it into place."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_folders(directory)
    tmp = Path(tempfile.mkdtemp(prefix=directory.name + ".tmp-", dir=directory.parent))
    try:
        (tmp / OWNER_FILE).write_text(str(os.getpid()), encoding="utf-8")
        files: dict[str, list[Any]] = {}

        def put(name: str, blobs: Sequence[Blob]) -> None:
            digest = hashlib.sha256()
            size = 0
            with (tmp / name).open("wb") as fh:
                for blob in blobs:
                    for chunk in blob.chunks() if isinstance(blob, FileBytes | Chained) else [blob]:
                        fh.write(chunk)
                        digest.update(chunk)
                        size += len(chunk)
            files[name] = [size, digest.hexdigest()]

        put("texts.bin", texts)
        put("articles.jsonl", articles)
        for key, value in arrays.items():
            name = _file_name(key, value)
            if isinstance(value, str):
                put(name, [value.encode("utf-8")])
            else:
                path = tmp / name
                np.save(path, np.ascontiguousarray(value), allow_pickle=False)
                files[name] = [path.stat().st_size, sha256_file(path)]
        info = dict(manifest)
        info.update(format=FORMAT,
                    languages=sorted(k.partition(".")[0] for k in arrays if k.endswith(".docs")),
                    sections=sections, arrays=files, passages=len(arrays["pass_para"]),
                    articles=len(arrays["articles"]) - 1)
        (tmp / ".gitignore").write_text("*\n", encoding="utf-8")  # never commit an index
        (tmp / "manifest.json").write_text(json.dumps(info, ensure_ascii=False, indent=1),
                                           encoding="utf-8")
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




def verify(directory: Path, manifest: dict[str, Any], checksums: bool = True) -> bool:
    """Do the files match the manifest (sizes, and sha256 when `checksums`)?"""
    files = manifest.get("arrays")
    if not isinstance(files, dict):
        return False
    for name, (size, digest) in files.items():
        path = directory / name
        try:
            if path.stat().st_size != size:
                return False
        except OSError:
            return False
        if checksums and sha256_file(path) != digest:
            return False
    for entry in manifest.get("segments", []):
        folder = directory / str(entry.get("dir", ""))
        try:
            raw = (folder / "manifest.json").read_bytes()
            inner = json.loads(raw)
        except (OSError, ValueError, RecursionError):
            return False
        if (hashlib.sha256(raw).hexdigest() != entry.get("sha256")
                or not manifests.valid(inner, FORMAT, top=False)
                or not verify(folder, inner, checksums)):
            return False
    return True




def open_folder(directory: Path, manifest: dict[str, Any]) -> Store:
    arrays: dict[str, Any] = {}
    for name in manifest["arrays"]:
        key, _, ext = name.rpartition(".")
        if ext == "npy":  # a plain array over the mapping: cheaper to index than np.memmap
            arrays[key] = np.asarray(np.load(directory / name, mmap_mode="r", allow_pickle=False))
        elif ext == "txt":
            arrays[key] = (directory / name).read_text(encoding="utf-8")
    return Store(arrays, map_file(directory / "texts.bin"), map_file(directory / "articles.jsonl"),
                 manifest)
