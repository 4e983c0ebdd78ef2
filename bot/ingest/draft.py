"""Draft: an article read from a page or file, before it gets an id and a knowledge file."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.models import Paragraph


@dataclass(frozen=True)
class Draft:
    """What a reader or the extractor produced; `write` turns it into a knowledge file."""

    title: str
    paragraphs: tuple[Paragraph, ...]
    language: str | None = None  # None: detected when writing
    published: dt.date | None = None
    updated: dt.date | None = None
    source: str | None = None  # outlet
    url: str | None = None  # canonical URL when known
    author: str | None = None
    id: str | None = None  # wanted id (from a YAML/JSONL/front matter), else a slug of the title
    origin: str = ""  # the URL or file it came from, for messages
    notes: tuple[str, ...] = field(default_factory=tuple)

    def content_hash(self) -> str:
        """A hash of the body text that ignores whitespace and case."""
        return content_hash(p.text for p in self.paragraphs)


def content_hash(texts: Iterable[str]) -> str:
    """sha256 over the whitespace-normalised, case-folded paragraph texts."""
    digest = hashlib.sha256()
    for text in texts:
        digest.update(re.sub(r"\s+", " ", text).strip().casefold().encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()
