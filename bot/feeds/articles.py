"""Knowledge files for feed items: new ones through `bot.ingest.write.write_draft` (atomic,
never over another file, de-duplicated by URL and text), and two things `newsbot add`
never does — replacing an article in place (an updated item keeps its id) and removing
one (retention).

Both work like the writer: under the folder's add lock (``.newsbot-add.lock``, so the bot,
``newsbot add`` and a poll take turns), a replacement is written to a hidden temporary
file, flushed, loaded back with the knowledge loader and renamed over the old file in
one step (`os.replace`): a reader sees the old article or the new one, a crash leaves one
of the two. The folder is synced after each rename or removal.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from dataclasses import replace
from pathlib import Path

import yaml

from bot.errors import KnowledgeError
from bot.ingest.draft import Draft
from bot.ingest.errors import IngestError
from bot.ingest.write import (
    Duplicate,
    Existing,
    Written,
    locked,
    staged,
    sync_dir,
    to_yaml,
    write_draft,
)
from bot.knowledge import load_yaml
from bot.models import Article

_THREADS = threading.Lock()  # flock is per open file: threads of one process take turns here


def path_of(root: Path, article_id: str) -> Path:
    return root / f"{article_id}.yaml"


def write_new(draft: Draft, existing: Existing) -> Written | Duplicate:
    """A new article (or the one already there with its URL or text)."""
    with _THREADS:
        return write_draft(draft, existing)


def current(root: Path, article_id: str) -> Article | None:
    """The article as its file holds it now (None: no such YAML file, or a broken one)."""
    try:
        return load_yaml(path_of(root, article_id))
    except (KnowledgeError, OSError):
        return None


def replace_article(root: Path, article_id: str, draft: Draft, published: dt.date | None,
                    updated: dt.date, existing: Existing | None = None) -> Path:
    """Write `draft` over the article `article_id`, keeping its id and `published` and
    setting `updated` (`existing` learns its new URL and text); raises IngestError."""
    if published is not None and updated < published:
        updated = published
    data = to_yaml(replace(draft, published=published, updated=updated))
    data["id"] = article_id
    path = path_of(root, article_id)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100_000)
    with _THREADS, locked(root):
        if not path.is_file():
            raise IngestError(f"{path}: the article to replace is gone")
        _swap(text, path)
        if existing is not None:
            existing.remember(article_id, draft.url, (p.text for p in draft.paragraphs))
    return path


def remove_article(root: Path, article_id: str) -> bool:
    """Delete the article's file; False if it was not there."""
    path = path_of(root, article_id)
    with _THREADS, locked(root):
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        sync_dir(root)
    return True


def _swap(text: str, path: Path) -> None:
    with staged(text, path, f"the new version of {path.name}") as tmp:
        os.replace(tmp, path)
        sync_dir(path.parent)
