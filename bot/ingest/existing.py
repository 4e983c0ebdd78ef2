"""The articles already in a knowledge folder — ids, URLs, body hashes — for the
duplicate check of `newsbot add`, remembered between adds in CACHE_FILE.

Reading every knowledge file for every add cost 3.2 s beside a 75 MB corpus (issue 12).
The cache holds, per knowledge file, its size, mtime, ctime and inode and the id, URL key
and body hash of each of its articles; a file whose four values still match is not read
again. A cache that is missing, damaged or of another format is ignored (everything is
read, as before); it is written in one step (a temporary file renamed over it).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from bot.errors import KnowledgeError
from bot.ingest.draft import Draft, content_hash
from bot.knowledge import knowledge_files, load_jsonl, load_yaml
from bot.models import Article

CACHE_FILE = ".newsbot-add-cache.json"
CACHE_FORMAT = 1
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref|src)$", re.IGNORECASE)
Remembered = list[list[str | None]]  # [id, URL key or None, body hash or None] per article


@dataclass(frozen=True)
class Duplicate:
    """A draft that is already in the knowledge base."""

    id: str
    why: str  # "same URL" or "same text"


@dataclass
class Existing:
    """The ids, URLs and body hashes of the articles in a knowledge folder."""

    root: Path
    ids: set[str] = field(default_factory=set)
    urls: dict[str, str] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)
    files: set[Path] = field(default_factory=set)
    cache: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def scan(cls, root: Path) -> Existing:
        """Every knowledge file under `root`: from the cache where it is current."""
        existing = cls(root, cache=_read_cache(root))
        existing.refresh()
        return existing

    def refresh(self) -> None:
        """Take in the files that appeared since the last scan (e.g. another add's)."""
        read = False
        for file in knowledge_files(self.root):
            if file in self.files:
                continue
            self.files.add(file)
            self.ids.add(file.stem)  # a broken file's name is taken too
            name = file.relative_to(self.root).as_posix() if file != self.root else file.name
            entry = self.cache.get(name)
            key = _stat_key(file)
            if entry is None or key is None or entry["key"] != key:
                entry = self.cache[name] = _read_articles(file)
                read = True
            for art_id, url, digest in entry["articles"]:
                self._record(str(art_id), url, digest)
        if read:
            _write_cache(self.root, self.cache)

    def remember(self, art_id: str, url: str | None, texts: Iterable[str] = ()) -> None:
        """Record one article (its URL and body text, where given)."""
        texts = list(texts)
        self._record(art_id, url_key(url) if url else None,
                     content_hash(texts) if texts else None)

    def _record(self, art_id: str, key: str | None, digest: str | None) -> None:
        self.ids.add(art_id)
        if key:
            self.urls.setdefault(key, art_id)
        if digest:
            self.hashes.setdefault(digest, art_id)

    def duplicate_of(self, draft: Draft) -> Duplicate | None:
        """The article `draft` duplicates, if any."""
        for url in (draft.url, draft.origin):
            if url and url.startswith(("http://", "https://")) and url_key(url) in self.urls:
                return Duplicate(self.urls[url_key(url)], "same URL")
        found = self.hashes.get(draft.content_hash())
        return Duplicate(found, "same text") if found else None


def url_key(url: str) -> str:
    """The part of a URL that names the article: no scheme, www, tracking or fragment."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    try:
        port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    except ValueError:
        port = ""
    query = urlencode(sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)
    ))
    path = parts.path.rstrip("/") or "/"
    return f"{host}{port}{path}" + (f"?{query}" if query else "")


def _read_articles(file: Path) -> dict[str, Any]:
    """A cache entry for `file`: its stat key (None if it changed while read) and articles."""
    before = _stat_key(file)
    articles: Remembered = [
        [a.id, url_key(a.url) if a.url else None, content_hash(p.text for p in a.paragraphs)]
        for a in _articles(file)]
    return {"key": before if _stat_key(file) == before else None, "articles": articles}


def _articles(file: Path) -> list[Article]:
    try:
        if file.suffix == ".jsonl":
            return [a for a, _ in load_jsonl(file) if isinstance(a, Article)]
        return [load_yaml(file)]
    except KnowledgeError:
        return []


def _stat_key(file: Path) -> list[int] | None:
    try:
        st = file.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _read_cache(root: Path) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads((root / CACHE_FILE).read_text("utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
        return {}
    files = data.get("files")
    if not isinstance(files, dict):
        return {}
    return {name: entry for name, entry in files.items() if _entry_ok(entry)}


def _entry_ok(entry: Any) -> bool:
    if not isinstance(entry, dict) or not isinstance(entry.get("articles"), list):
        return False
    key = entry.get("key")
    if not (isinstance(key, list) and len(key) == 4 and all(isinstance(k, int) for k in key)):
        return False
    return all(isinstance(a, list) and len(a) == 3 and isinstance(a[0], str)
               and all(v is None or isinstance(v, str) for v in a[1:])
               for a in entry["articles"])


def _write_cache(root: Path, cache: dict[str, dict[str, Any]]) -> None:
    """Save the cache (entries of files that changed while read are left out)."""
    files = {name: entry for name, entry in cache.items() if entry.get("key") is not None}
    tmp = root / f"{CACHE_FILE}.{secrets.token_hex(4)}.tmp"
    try:
        tmp.write_text(json.dumps({"format": CACHE_FORMAT, "files": files}), "utf-8")
        os.replace(tmp, root / CACHE_FILE)
    except OSError:
        pass  # a cache that cannot be written: the next add reads everything again
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
