"""Load and validate the knowledge base: YAML articles and JSON Lines corpora.

A YAML file holds one article: `id`, `title`, `language`, `published`, optional
`updated`, `source`, `url`, `author`, and `body`, a list whose items are paragraphs
(strings or `{text, section}`) or sections (`{section, paragraphs: [...]}`).
A `.jsonl` file holds one article per line: `id`, `title`, `text`, optional
`language`, `url`, `published`, `source`, `author`; paragraphs are separated by blank
lines. Broken files become KnowledgeError values naming the file, line and fix; the
good articles are still returned.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.analysis import LANGUAGES
from bot.errors import KnowledgeError
from bot.models import Article, Paragraph

SUFFIXES = (".yaml", ".yml", ".jsonl")


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so that a bad date is reported with its line."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_FIELDS = {"id", "title", "language", "published", "updated", "source", "url", "author", "body"}


@dataclass
class KnowledgeBase:
    """What a load produced: the good articles and the errors of the bad files."""

    articles: list[Article] = field(default_factory=list)
    errors: list[KnowledgeError] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def bundled_knowledge() -> Path:
    """The articles shipped with newsbot: the repo's knowledge/ or the installed copy."""
    here = Path(__file__).resolve().parent
    # In a checkout: the repo's knowledge/; installed: bot/bundled (a link in the repo).
    for candidate in (here.parent / "knowledge", here / "bundled"):
        if candidate.is_dir():
            return candidate
    return here.parent / "knowledge"


def default_knowledge() -> Path:
    """NEWSBOT_KNOWLEDGE if set, else ./knowledge if there is one (where `newsbot add`
    writes), else the bundled articles."""
    env = os.environ.get("NEWSBOT_KNOWLEDGE")
    if env:
        return Path(env)
    here = Path("knowledge")
    if here.is_dir():
        return here.resolve()
    return bundled_knowledge()


def knowledge_files(path: Path) -> list[Path]:
    """The knowledge files at `path` (a file, or a folder searched recursively)."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        return []
    return sorted(
        p for p in path.rglob("*")
        if p.suffix in SUFFIXES and p.is_file() and not any(
            part.startswith(".") for part in p.relative_to(path).parts
        )
    )


def load(path: str | Path) -> KnowledgeBase:
    """Load every article under `path`; bad files and duplicate ids become errors."""
    root = Path(path)
    kb = KnowledgeBase()
    if not root.exists():
        kb.errors.append(KnowledgeError(
            str(root), "no such file or folder",
            "pass --knowledge with a folder of .yaml/.jsonl articles or set NEWSBOT_KNOWLEDGE",
        ))
        return kb
    kb.files = knowledge_files(root)
    seen: dict[str, str] = {}
    for file in kb.files:
        try:
            loaded = load_jsonl(file) if file.suffix == ".jsonl" else [(load_yaml(file), None)]
        except KnowledgeError as err:
            kb.errors.append(err)
            continue
        for item, line in loaded:
            if isinstance(item, KnowledgeError):
                kb.errors.append(item)
                continue
            if item.id in seen:
                kb.errors.append(KnowledgeError(
                    str(file), f"duplicate article id {item.id!r} (also in {seen[item.id]})",
                    "give each article its own id", line,
                ))
                continue
            seen[item.id] = f"{file}" + (f":{line}" if line else "")
            kb.articles.append(item)
    return kb


def load_yaml(file: Path) -> Article:
    """One article from a YAML file; raises KnowledgeError."""
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise KnowledgeError(str(file), f"not UTF-8 text ({err.reason})",
                             "save the file as UTF-8") from None
    except OSError as err:
        raise KnowledgeError(str(file), f"cannot read it ({err.strerror})",
                             "check the path and its permissions") from None
    try:
        data = yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise KnowledgeError(str(file), f"YAML syntax error: {problem}",
                             "fix the YAML syntax (quote text containing ': ' or '#')",
                             line) from None
    if not isinstance(data, dict):
        raise KnowledgeError(str(file), "the file is not a YAML mapping",
                             "write the article as `id: ...`, `title: ...`, `body: [...]`", 1)
    return _article(data, file, _line_finder(text), "yaml")


def load_jsonl(file: Path) -> list[tuple[Article | KnowledgeError, int]]:
    """Articles of a JSON Lines file, each with its line number, errors in their place."""
    try:
        fh = file.open(encoding="utf-8")
    except OSError as err:
        raise KnowledgeError(str(file), f"cannot read it ({err.strerror})",
                             "check the path and its permissions") from None
    with fh:
        return _jsonl_lines(file, enumerate(fh, start=1))


def load_jsonl_part(
    file: Path, start: int, end: int, first_line: int,
) -> list[tuple[Article | KnowledgeError, int]]:
    """Like load_jsonl, for the lines between byte offsets `start` and `end` (both at
    the start of a line), the first of them numbered `first_line`."""
    try:
        with file.open("rb") as raw:
            raw.seek(start)
            data = raw.read(end - start)
    except OSError as err:
        raise KnowledgeError(str(file), f"cannot read it ({err.strerror})",
                             "check the path and its permissions") from None
    lines = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    return _jsonl_lines(file, enumerate(lines, start=first_line))


def _jsonl_lines(
    file: Path, lines: Iterable[tuple[int, str]],
) -> list[tuple[Article | KnowledgeError, int]]:
    out: list[tuple[Article | KnowledgeError, int]] = []
    try:
        for number, raw in lines:
            if not raw.strip():
                continue
            try:
                data = json.loads(raw)
            except json.JSONDecodeError as err:
                out.append((KnowledgeError(str(file), f"invalid JSON ({err.msg})",
                                           "write one JSON object per line", number), number))
                continue
            if not isinstance(data, dict):
                out.append((KnowledgeError(str(file), "the line is not a JSON object",
                                           "write one JSON object per line", number), number))
                continue
            try:
                out.append((_article(data, file, lambda _key, n=number: n, "jsonl"), number))
            except KnowledgeError as err:
                out.append((err, number))
    except UnicodeDecodeError as err:
        raise KnowledgeError(str(file), f"not UTF-8 text ({err.reason})",
                             "save the file as UTF-8") from None
    return out


def _line_finder(text: str) -> Any:
    lines = text.splitlines()

    def find(key: str) -> int | None:
        for number, line in enumerate(lines, start=1):
            if line.startswith(f"{key}:"):
                return number
        return None

    return find


def _article(data: dict[str, Any], file: Path, line_of: Any, kind: str) -> Article:
    def fail(key: str, problem: str, fix: str) -> KnowledgeError:
        return KnowledgeError(str(file), problem, fix, line_of(key))

    art_id = data.get("id")
    if kind == "yaml" and art_id is None:
        art_id = file.stem
    if not isinstance(art_id, str | int) or not str(art_id).strip():
        raise fail("id", "missing or empty `id`", "add `id: some-unique-name`")
    art_id = str(art_id).strip()
    if "#" in art_id or len(art_id.split(None, 1)) > 1:
        raise fail("id", f"`id` {art_id!r} contains spaces or '#'",
                   "use letters, digits, '-', '_' or '.' in ids")
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise fail("title", "missing or empty `title`", "add `title: The headline`")

    if kind == "yaml":
        unknown = sorted(set(data) - _FIELDS)
        if unknown:
            raise fail(unknown[0], f"unknown field(s) {', '.join(map(repr, unknown))}",
                       f"use only {', '.join(sorted(_FIELDS))}")
        paragraphs = _yaml_body(data.get("body"), fail)
    else:
        text = data.get("text")
        if not isinstance(text, str) or not text.strip():
            raise fail("text", "missing or empty `text`", 'add "text": "the article body"')
        paragraphs = tuple([Paragraph(p) for p in map(str.strip, _split_paragraphs(text)) if p])

    language = data.get("language")
    if language is None:
        language = detect_language(" ".join(p.text for p in paragraphs[:5]))
    if not isinstance(language, str) or language.lower() not in LANGUAGES:
        raise fail("language", f"unsupported `language` {language!r}",
                   f"use one of {', '.join(LANGUAGES)}")
    published = _date(data.get("published"), "published", fail)
    updated = _date(data.get("updated"), "updated", fail)
    if published and updated and updated < published:
        raise fail("updated", "`updated` is before `published`", "check both dates")
    strings = {}
    for key in ("source", "url", "author"):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise fail(key, f"`{key}` must be text", f"write `{key}` as a string or leave it out")
        strings[key] = value.strip() if isinstance(value, str) and value.strip() else None
    url = strings["url"]
    if url and not url.startswith(("http://", "https://")):
        raise fail("url", f"`url` {url!r} is not an http(s) address",
                   "write the full https://… URL")
    return Article(
        id=art_id, title=title.strip(), language=language.lower(), paragraphs=paragraphs,
        published=published, updated=updated, source=strings["source"], url=url,
        author=strings["author"], path=str(file),
    )


def _split_paragraphs(text: str) -> list[str]:
    text = text.replace("\r\n", "\n")
    if "\n\n" in text:
        return text.split("\n\n")
    return text.split("\n")


def _yaml_body(body: Any, fail: Any) -> tuple[Paragraph, ...]:
    fix = "give `body` as a list of paragraphs, or of `{section: ..., paragraphs: [...]}`"
    if body is None:
        raise fail("body", "missing `body`", fix)
    if isinstance(body, str):
        body = _split_paragraphs(body)
    if not isinstance(body, list):
        raise fail("body", "`body` is not a list", fix)
    out: list[Paragraph] = []
    for item in body:
        if isinstance(item, str):
            if item.strip():
                out.append(Paragraph(item.strip()))
        elif isinstance(item, dict) and "paragraphs" in item:
            section = item.get("section")
            paras = item.get("paragraphs")
            bad_section = section is not None and not isinstance(section, str)
            if not isinstance(paras, list) or bad_section:
                raise fail("body", f"bad section {section!r}", fix)
            for p in paras:
                if not isinstance(p, str):
                    raise fail("body", f"a paragraph in section {section!r} is not text", fix)
                if p.strip():
                    out.append(Paragraph(p.strip(), section.strip() if section else None))
        elif isinstance(item, dict) and isinstance(item.get("text"), str):
            section = item.get("section")
            if item["text"].strip():
                out.append(Paragraph(item["text"].strip(),
                                     section.strip() if isinstance(section, str) else None))
        else:
            raise fail("body", f"cannot read body item {str(item)[:40]!r}", fix)
    if not out:
        raise fail("body", "`body` has no text", fix)
    return tuple(out)


def parse_date(value: Any) -> dt.date | None:
    """A date as YAML or JSON give it (a date, a datetime or ISO text); None when empty.

    Raises ValueError for anything else.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value.strip()[:10])
    raise ValueError(f"not a date: {value!r}")


def _date(value: Any, key: str, fail: Any) -> dt.date | None:
    try:
        return parse_date(value)
    except ValueError:
        raise fail(key, f"bad date `{key}: {value}`",
                   f"write `{key}: YYYY-MM-DD`, e.g. 2024-10-22") from None


def detect_language(text: str, candidates: tuple[str, ...] = LANGUAGES) -> str:
    """The most likely of `candidates` for `text` (simplemma's word-list detector)."""
    import simplemma

    if len(candidates) == 1:
        return candidates[0]
    scores = dict(simplemma.langdetect(text, lang=candidates))
    best = max(candidates, key=lambda lang: scores.get(lang, 0.0))
    return best
