"""Draft -> one knowledge YAML file, atomically, never over another article, no duplicates.

A draft is a duplicate when an article in the folder has the same canonical URL
(scheme, `www.`, tracking parameters, fragment and a trailing slash ignored) or the same
body text (whitespace and case ignored); `existing.Existing` knows them. A new article gets
an id made from its title (`hafen-rostock-neue-faehre-...`), with `-2`, `-3`, ... if that id
or file name is taken; a wanted id that would name a hidden file (`.git`, `..`) loses its
leading dots (the loader skips hidden files: it would be added but never served).

The file is written to a hidden temporary file in the same folder (which the loader
ignores), checked with `bot.knowledge.load_yaml`, and then hard-linked to its final name,
which fails instead of replacing a file that appeared meanwhile; a crash at any point
leaves either no file or the complete one. A lock file serialises concurrent adds.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.analysis import LANGUAGES
from bot.errors import KnowledgeError, shown
from bot.ingest.draft import Draft
from bot.ingest.errors import IngestError
from bot.ingest.existing import Duplicate, Existing, url_key
from bot.knowledge import detect_language, load_yaml
from bot.models import Paragraph

__all__ = ["Duplicate", "Existing", "Written", "locked", "slug", "staged", "sync_dir",
           "url_key", "write_draft"]

LOCK_FILE = ".newsbot-add.lock"
MAX_SLUG = 60
MAX_ID = 120  # a longer wanted id (a file name) gives way to the title's slug
_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe",
                           "Ü": "Ue", "æ": "ae", "ø": "o", "å": "a", "ł": "l", "đ": "d"})


@dataclass(frozen=True)
class Written:
    """A new knowledge file."""

    id: str
    path: Path
    title: str
    paragraphs: int


def slug(title: str) -> str:
    """An id from a title: ascii letters and digits joined by '-', at most 60 characters."""
    text = unicodedata.normalize("NFKD", title.translate(_TRANSLIT))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    words = re.findall(r"[a-z0-9]+", text)
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > MAX_SLUG:
            break
        out = candidate
    return out or (words[0][:MAX_SLUG] if words else "article")


def write_draft(draft: Draft, existing: Existing) -> Written | Duplicate:
    """Write `draft` into `existing.root` unless it is a duplicate; raises IngestError."""
    root = existing.root
    with locked(root):
        existing.refresh()
        duplicate = existing.duplicate_of(draft)
        if duplicate:
            return duplicate
        data = to_yaml(draft)
        wanted = _file_id(draft.id) or slug(draft.title)
        for art_id in _candidates(wanted, existing.ids):
            data["id"] = art_id
            path = root / f"{art_id}.yaml"
            if _publish(_dump(data), path):
                existing.files.add(path)
                existing.remember(art_id, draft.url, (p.text for p in draft.paragraphs))
                existing.remember(art_id, draft.origin if "://" in draft.origin else None)
                return Written(art_id, path, draft.title, len(draft.paragraphs))
            existing.ids.add(art_id)
    raise IngestError(f"{draft.origin}: no free file name for {shown(wanted)}")  # pragma: no cover


def _file_id(wanted: str | None) -> str:
    """`wanted` if it makes a file name the loader reads ("" if it cannot)."""
    if not wanted or len(wanted) > MAX_ID or not re.fullmatch(r"[\w.-]+", wanted):
        return ""
    return wanted.lstrip(".")


def to_yaml(draft: Draft) -> dict[str, Any]:
    """The knowledge-file mapping of `draft` (without its id)."""
    language = draft.language or detect_language(" ".join(p.text for p in draft.paragraphs[:5]))
    language = language.lower()
    if language not in LANGUAGES:
        raise IngestError(f"{draft.origin}: language {shown(language)} is not one of "
                          f"{', '.join(LANGUAGES)}")
    data: dict[str, Any] = {"id": None, "title": draft.title, "language": language}
    for key in ("published", "updated", "source", "url", "author"):
        value = getattr(draft, key)
        if value is not None:
            data[key] = value
    data["body"] = _body(draft.paragraphs)
    return data


def _body(paragraphs: tuple[Paragraph, ...]) -> list[Any]:
    body: list[Any] = []
    for p in paragraphs:
        if p.section is None:
            body.append(p.text)
        elif body and isinstance(body[-1], dict) and body[-1]["section"] == p.section:
            body[-1]["paragraphs"].append(p.text)
        else:
            body.append({"section": p.section, "paragraphs": [p.text]})
    return body


def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100_000)


def _candidates(wanted: str, taken: set[str]) -> Iterator[str]:
    for n in range(1, 10_000):
        art_id = wanted if n == 1 else f"{wanted}-{n}"
        if art_id not in taken:
            yield art_id


def _publish(text: str, path: Path) -> bool:
    """Write `text` to `path` atomically; False (nothing written) if `path` exists."""
    if path.exists():
        return False
    with staged(text, path, "the new file") as tmp:
        return _rename_no_clobber(tmp, path)


@contextlib.contextmanager
def staged(text: str, path: Path, what: str) -> Iterator[Path]:
    """`text` in a temporary file beside `path`, synced and checked to load as an article
    (else IngestError: "`what` would not load: …"); removed afterwards unless renamed."""
    tmp = path.with_name(f".{path.stem}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "x", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            load_yaml(tmp)
        except KnowledgeError as err:
            raise IngestError(f"{what} would not load: {err.problem}") from None
        yield tmp
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _rename_no_clobber(tmp: Path, path: Path) -> bool:
    """Give `tmp` the name `path` unless that exists (hard link, then the caller unlinks)."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        return False
    except OSError as err:
        if err.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        if path.exists():  # a file system without hard links: check, then rename
            return False
        os.rename(tmp, path)
    sync_dir(path.parent)
    return True


def sync_dir(folder: Path) -> None:
    """fsync a folder, so that a rename in it survives a crash (where the OS allows)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def locked(root: Path) -> Iterator[None]:
    """Hold the folder's add lock (other adds wait); a no-op where flock is missing."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with open(root / LOCK_FILE, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
