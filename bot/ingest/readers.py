"""Files -> Drafts: saved web pages, Markdown, plain text, knowledge YAML and JSON Lines.

- `.html`/`.htm`: a saved page, through the same extractor as fetched pages.
- `.md`: optional front matter (`---` YAML `---`: title, published, url, source, author,
  language, id), then paragraphs separated by blank lines; `#` headings become sections
  (the first `# Heading` is the title if the front matter has none).
- `.txt`: the first line is the title, the rest paragraphs separated by blank lines.
- `.yaml`/`.yml`: one article in the knowledge format (validated by `bot.knowledge`).
- `.jsonl`: one article per line in the knowledge format; each line becomes a draft.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot.errors import KnowledgeError, shown
from bot.ingest.draft import Draft
from bot.ingest.errors import ExtractError, IngestError
from bot.ingest.extract import extract
from bot.knowledge import load_jsonl, load_yaml, parse_date, yaml_data
from bot.models import Article, Paragraph

SUFFIXES = (".html", ".htm", ".md", ".markdown", ".txt", ".yaml", ".yml", ".jsonl")
MAX_FILE_BYTES = 50_000_000
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.DOTALL)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def read_file(path: Path) -> Iterator[Draft | IngestError]:
    """The drafts in one file (a JSON Lines file may hold many; bad lines become errors)."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        yield IngestError(f"{path}: cannot read {suffix or 'files without a suffix'}; "
                          f"add {', '.join(SUFFIXES)} files")
        return
    if not path.is_file():
        yield IngestError(f"{path}: no such file")
        return
    if path.stat().st_size > MAX_FILE_BYTES:
        yield IngestError(f"{path}: larger than {MAX_FILE_BYTES // 1_000_000} MB")
        return
    try:
        if suffix in (".yaml", ".yml"):
            yield _from_article(load_yaml(path), str(path))
        elif suffix == ".jsonl":
            for item, line in load_jsonl(path):
                if isinstance(item, KnowledgeError):
                    yield IngestError(str(item))
                else:
                    yield _from_article(item, f"{path}:{line}")
        elif suffix in (".html", ".htm"):
            yield extract(path.read_bytes(), None, str(path))
        else:
            text = path.read_text(encoding="utf-8")
            yield read_markdown(text, str(path)) if suffix != ".txt" else read_text(text, str(path))
    except KnowledgeError as err:
        yield IngestError(str(err))
    except UnicodeDecodeError as err:
        yield IngestError(f"{path}: not UTF-8 text ({err.reason}); save it as UTF-8")
    except OSError as err:
        yield IngestError(f"{path}: cannot read it ({err.strerror})")
    except IngestError as err:
        yield err


def read_markdown(text: str, origin: str) -> Draft:
    """A Markdown article with optional YAML front matter."""
    meta: dict[str, Any] = {}
    match = _FRONT_MATTER.match(text.replace("\r\n", "\n"))
    body = text.replace("\r\n", "\n")
    if match:
        try:
            loaded = yaml_data(match.group(1), origin)
        except KnowledgeError as err:
            raise ExtractError(f"{origin}: the front matter is not valid YAML ({err.problem})"
                               ) from None
        if not isinstance(loaded, dict):
            raise ExtractError(f"{origin}: the front matter must be `key: value` lines")
        meta, body = loaded, body[match.end():]
    title = _text(meta.get("title"))
    section: str | None = None
    paragraphs: list[Paragraph] = []
    for block in _blocks(body):
        heading = _HEADING.match(block)
        if heading and "\n" not in block:
            if not title and heading.group(1) == "#" and not paragraphs:
                title = heading.group(2)
            else:
                section = heading.group(2) or None
            continue
        paragraphs.append(Paragraph(_unwrap(block), section))
    return _draft(meta, title, paragraphs, origin)


def read_text(text: str, origin: str) -> Draft:
    """A plain-text article: title on the first line, then paragraphs."""
    lines = text.replace("\r\n", "\n").strip().split("\n", 1)
    title = lines[0].strip()
    rest = lines[1] if len(lines) > 1 else ""
    paragraphs = [Paragraph(_unwrap(block)) for block in _blocks(rest)]
    return _draft({}, title, paragraphs, origin)


def _draft(meta: dict[str, Any], title: str, paragraphs: list[Paragraph], origin: str) -> Draft:
    if not title:
        raise ExtractError(f"{origin}: no title; add `title:` front matter or a first line")
    if not paragraphs:
        raise ExtractError(f"{origin}: no paragraphs after the title")
    unknown = sorted((k for k in meta if k not in {"id", "title", "language", "published",
                                                   "updated", "source", "url", "author"}),
                     key=str)
    if unknown:
        raise ExtractError(f"{origin}: unknown front matter field(s) "
                           f"{', '.join(map(shown, unknown[:5]))}")
    return Draft(
        title=title.strip(), paragraphs=tuple(paragraphs),
        language=_text(meta.get("language")) or None,
        published=_date(meta.get("published"), origin),
        updated=_date(meta.get("updated"), origin),
        source=_text(meta.get("source")) or None, url=_text(meta.get("url")) or None,
        author=_text(meta.get("author")) or None, id=_text(meta.get("id")) or None,
        origin=origin,
    )


def _from_article(article: Article, origin: str) -> Draft:
    return Draft(
        title=article.title, paragraphs=article.paragraphs, language=article.language,
        published=article.published, updated=article.updated, source=article.source,
        url=article.url, author=article.author, id=article.id, origin=origin,
    )


def _blocks(text: str) -> list[str]:
    """Blank-line separated blocks; a heading line is a block of its own."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        current: list[str] = []
        for line in block.strip().split("\n"):
            if _HEADING.match(line.strip()):
                if current:
                    out.append("\n".join(current))
                out.append(line.strip())
                current = []
            elif line.strip():
                current.append(line.strip())
        if current:
            out.append("\n".join(current))
    return out


def _unwrap(block: str) -> str:
    return re.sub(r"\s+", " ", block).strip()


def _text(value: Any) -> str:
    return str(value).strip() if isinstance(value, str | int | float) else ""


def _date(value: Any, origin: str) -> dt.date | None:
    try:
        return parse_date(value)
    except ValueError:
        raise ExtractError(f"{origin}: bad date {shown(value)}; write YYYY-MM-DD") from None
