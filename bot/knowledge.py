"""Load and validate the knowledge base: YAML articles and JSON Lines corpora.

A YAML file holds one article: `id`, `title`, `language`, `published`, optional
`updated`, `source`, `url`, `author`, and `body`, a list whose items are paragraphs
(strings or `{text, section}`) or sections (`{section, paragraphs: [...]}`).
A `.jsonl` file holds one article per line: `id`, `title`, `text`, optional
`language`, `url`, `published`, `source`, `author`; paragraphs are separated by blank
lines. Broken files become KnowledgeError values naming the file, line and fix; the
good articles are still returned. No value is rendered whole into a message
(`errors.shown`), YAML comes through `safe_yaml` (no aliases, bounded nesting), and a
file whose text cannot be stored (a JSON-escaped lone surrogate, `\\ud800`), a number of
thousands of digits or nesting a thousand levels deep is an error of that file, not of
the load. A folder that cannot be read is reported too (its files are not loaded).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot import safe_yaml
from bot.analysis import LANGUAGES
from bot.errors import KnowledgeError, shown
from bot.models import Article, Paragraph

SUFFIXES = (".yaml", ".yml", ".jsonl")
# An escape that may stand for half of a UTF-16 pair: the text is checked when one occurs.
_SURROGATE_ESCAPE = re.compile(r"\\(?:u|U0000)[dD][89a-fA-F]")
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


def default_knowledge(configured: Path | None) -> Path:
    """The knowledge `configured` (bot/settings.py: NEWSBOT_KNOWLEDGE), else ./knowledge if
    there is one (where `newsbot add` writes), else the bundled articles."""
    if configured is not None:
        return configured
    here = Path("knowledge")
    if here.is_dir():
        return here.resolve()
    return bundled_knowledge()


def knowledge_files(path: Path) -> list[Path]:
    """The knowledge files at `path` (a file, or a folder searched recursively)."""
    return scan_files(path)[0]


def scan_files(path: Path) -> tuple[list[Path], list[KnowledgeError]]:
    """The knowledge files at `path` (hidden files and folders left out), and an error for
    each folder that could not be listed."""
    if path.is_file():
        return [path], []
    if not path.is_dir():
        return [], []
    found: list[Path] = []
    errors: list[KnowledgeError] = []

    def unreadable(err: OSError) -> None:
        errors.append(KnowledgeError(str(err.filename), f"cannot read the folder ({err.strerror})",
                                     "check its permissions; the articles in it are skipped"))

    for folder, dirs, names in os.walk(path, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in names:
            file = Path(folder, name)
            if not name.startswith(".") and file.suffix in SUFFIXES and file.is_file():
                found.append(file)
    return sorted(found), errors


def load(path: str | Path) -> KnowledgeBase:
    """Load every article under `path`; bad files, unreadable folders and duplicate ids
    become errors."""
    root = Path(path)
    if not root.exists():
        return KnowledgeBase(errors=[KnowledgeError(
            str(root), "no such file or folder",
            "pass --knowledge with a folder of .yaml/.jsonl articles or set NEWSBOT_KNOWLEDGE",
        )])
    files, errors = scan_files(root)
    kb = load_files(files)
    kb.errors[:0] = errors
    return kb


def load_files(files: list[Path]) -> KnowledgeBase:
    """Load the articles of `files`; bad files and duplicate ids become errors."""
    kb = KnowledgeBase(files=files)
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
                    str(file), f"duplicate article id {shown(item.id)} (also in {seen[item.id]})",
                    "give each article its own id", line,
                ))
                continue
            seen[item.id] = f"{file}" + (f":{line}" if line else "")
            kb.articles.append(item)
    return kb


def load_yaml(file: Path) -> Article:
    """One article from a YAML file; raises KnowledgeError."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise KnowledgeError(str(file), f"not UTF-8 text ({err.reason})",
                             "save the file as UTF-8") from None
    except OSError as err:
        raise KnowledgeError(str(file), f"cannot read it ({err.strerror})",
                             "check the path and its permissions") from None
    data = yaml_data(text, str(file))
    if not isinstance(data, dict):
        raise KnowledgeError(str(file), "the file is not a YAML mapping",
                             "write the article as `id: ...`, `title: ...`, `body: [...]`", 1)
    return _article(data, file, _line_finder(text), "yaml",
                    _SURROGATE_ESCAPE.search(text) is not None)


def yaml_data(text: str, origin: str) -> Any:
    """The data of a YAML text (see `safe_yaml`); raises KnowledgeError naming `origin`."""
    try:
        return safe_yaml.parse(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        if isinstance(err, safe_yaml.Refused):
            raise KnowledgeError(origin, str(err.problem), err.fix, line) from None
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise KnowledgeError(origin, f"YAML syntax error: {problem[:120]}",
                             "fix the YAML syntax (quote text containing ': ' or '#')",
                             line) from None
    except (ValueError, RecursionError) as err:
        raise _unreadable_value(origin, err, None) from None


def _unreadable_value(origin: str, err: Exception, line: int | None) -> KnowledgeError:
    """A number too long to convert (ValueError) or nesting too deep to parse."""
    if isinstance(err, RecursionError):
        return KnowledgeError(origin, "values nested too deeply to read",
                              "write the article flat, as the README shows", line)
    return KnowledgeError(origin, f"a value that cannot be read ({str(err)[:60]}…)",
                          "write long numbers as text, in quotes", line)


def load_jsonl(file: Path) -> list[tuple[Article | KnowledgeError, int]]:
    """Articles of a JSON Lines file, each with its line number, errors in their place."""
    try:
        fh = file.open(encoding="utf-8-sig")
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
    lines = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig" if start == 0 else "utf-8")
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
            except (ValueError, RecursionError) as err:
                out.append((_unreadable_value(str(file), err, number), number))
                continue
            if not isinstance(data, dict):
                out.append((KnowledgeError(str(file), "the line is not a JSON object",
                                           "write one JSON object per line", number), number))
                continue
            escapes = "\\u" in raw and _SURROGATE_ESCAPE.search(raw) is not None
            try:
                out.append((_article(data, file, lambda _key, n=number: n, "jsonl", escapes),
                            number))
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


def _article(
    data: dict[str, Any], file: Path, line_of: Any, kind: str, escapes: bool = False,
) -> Article:
    """The article in `data`; `escapes`: the text had escapes that may be lone surrogates."""
    def fail(key: str, problem: str, fix: str) -> KnowledgeError:
        return KnowledgeError(str(file), problem, fix, line_of(key))

    art_id = data.get("id")
    if kind == "yaml" and art_id is None:
        art_id = file.stem
    if not isinstance(art_id, str | int) or not str(art_id).strip():
        raise fail("id", "missing or empty `id`", "add `id: some-unique-name`")
    art_id = str(art_id).strip()
    if "#" in art_id or len(art_id.split(None, 1)) > 1:
        raise fail("id", f"`id` {shown(art_id)} contains spaces or '#'",
                   "use letters, digits, '-', '_' or '.' in ids")
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise fail("title", "missing or empty `title`", "add `title: The headline`")

    if kind == "yaml":
        unknown = sorted((k for k in data if k not in _FIELDS), key=str)
        if unknown:
            raise fail(str(unknown[0]), f"unknown field(s) {', '.join(map(shown, unknown[:5]))}",
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
        raise fail("language", f"unsupported `language` {shown(language)}",
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
        raise fail("url", f"`url` {shown(url)} is not an http(s) address",
                   "write the full https://… URL")
    article = Article(
        id=art_id, title=title.strip(), language=language.lower(), paragraphs=paragraphs,
        published=published, updated=updated, source=strings["source"], url=url,
        author=strings["author"], path=str(file),
    )
    unstorable = _lone_surrogate(article, "body" if kind == "yaml" else "text") if escapes else None
    if unstorable:
        raise fail(unstorable, f"`{unstorable}` holds an escaped lone surrogate (\\udXXX), "
                   "which no UTF-8 text can store", "write the character itself instead")
    return article


def _lone_surrogate(article: Article, body: str) -> str | None:
    """The first field of `article` with half a UTF-16 pair in it, if any."""
    fields = [("id", article.id), ("title", article.title), ("source", article.source),
              ("url", article.url), ("author", article.author)]
    fields += [(body, p.text) for p in article.paragraphs]
    fields += [(body, p.section) for p in article.paragraphs]
    for key, value in fields:
        try:
            (value or "").encode("utf-8")
        except UnicodeEncodeError:
            return key
    return None


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
                raise fail("body", f"bad section {shown(section)}", fix)
            for p in paras:
                if not isinstance(p, str):
                    raise fail("body", f"a paragraph in section {shown(section)} is not text",
                               fix)
                if p.strip():
                    out.append(Paragraph(p.strip(), section.strip() if section else None))
        elif isinstance(item, dict) and isinstance(item.get("text"), str):
            section = item.get("section")
            if item["text"].strip():
                out.append(Paragraph(item["text"].strip(),
                                     section.strip() if isinstance(section, str) else None))
        else:
            raise fail("body", f"cannot read body item {shown(item)}", fix)
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
    raise ValueError(f"not a date: {shown(value)}")


def _date(value: Any, key: str, fail: Any) -> dt.date | None:
    try:
        return parse_date(value)
    except ValueError:
        raise fail(key, f"bad date `{key}: {shown(value)}`",
                   f"write `{key}: YYYY-MM-DD`, e.g. 2024-10-22") from None


def detect_language(text: str, candidates: tuple[str, ...] = LANGUAGES) -> str:
    """The most likely of `candidates` for `text` (simplemma's word-list detector)."""
    import simplemma

    if len(candidates) == 1:
        return candidates[0]
    scores = dict(simplemma.langdetect(text, lang=candidates))
    best = max(candidates, key=lambda lang: scores.get(lang, 0.0))
    return best
