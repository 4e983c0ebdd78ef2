"""Add articles to the knowledge base from web pages and files.

The pipeline, one module a stage::

    URL ──safety + fetch──▶ Page ──extract──▶ Draft ──write──▶ <knowledge>/<id>.yaml
    file ──────────readers─────────────────▶ Draft ─┘

`add(sources, knowledge_dir, settings)` runs it for URLs and files and returns a Summary
(added / skipped as duplicates / failed, each with its reason). Front ends (``newsbot
add``, the bot's /add) only call `add` and show the summary; a running engine picks the
new files up with `Engine.reload()`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from bot.ingest.draft import Draft
from bot.ingest.errors import ExtractError, FetchError, IngestError, UnsafeURLError
from bot.ingest.extract import extract
from bot.ingest.fetch import FetchSettings, fetch
from bot.ingest.readers import read_file
from bot.ingest.write import Duplicate, Existing, write_draft

Settings = FetchSettings
ALLOW_PRIVATE_ENV = "NEWSBOT_ALLOW_PRIVATE_NETWORKS"
KNOWLEDGE_ENV = "NEWSBOT_KNOWLEDGE"

__all__ = [
    "ALLOW_PRIVATE_ENV",
    "Draft",
    "ExtractError",
    "FetchError",
    "IngestError",
    "Outcome",
    "Settings",
    "Summary",
    "UnsafeURLError",
    "add",
    "allow_private_from_env",
    "is_url",
    "target_dir",
]


@dataclass(frozen=True)
class Outcome:
    """What happened to one source (a JSON Lines file may give several)."""

    source: str
    status: Literal["added", "skipped", "failed"]
    reason: str = ""  # why skipped or failed
    article_id: str | None = None  # the new article, or the one it duplicates
    title: str | None = None
    path: Path | None = None
    paragraphs: int = 0


@dataclass
class Summary:
    """The outcomes of one `add`, in order."""

    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def added(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "added"]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def line(self) -> str:
        """'2 added, 1 skipped (duplicates), 0 failed'."""
        return (f"{self.count('added')} added, {self.count('skipped')} skipped (duplicates), "
                f"{self.count('failed')} failed")


def is_url(source: str) -> bool:
    """Whether `source` is meant as a URL rather than a file name."""
    return "://" in source or source.lower().startswith(("http:", "https:", "www."))


def allow_private_from_env(environ: Mapping[str, str] | None = None) -> bool:
    """NEWSBOT_ALLOW_PRIVATE_NETWORKS set to 1/true/yes/on."""
    env = os.environ if environ is None else environ
    return env.get(ALLOW_PRIVATE_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def target_dir(
    explicit: Path | None, environ: Mapping[str, str] | None = None, cwd: Path | None = None
) -> Path:
    """Where new articles go: `explicit`, else $NEWSBOT_KNOWLEDGE, else ./knowledge."""
    from bot.settings import Settings

    configured = Settings.from_env(environ).knowledge
    if explicit is not None:
        folder = explicit
    elif configured is not None:
        folder = configured
    else:
        folder = (cwd or Path.cwd()) / "knowledge"
        if not folder.is_dir():
            raise IngestError(
                "no knowledge folder to add to: pass --knowledge DIR (or set "
                f"{KNOWLEDGE_ENV}); there is no ./knowledge folder here"
            )
    return _writable_folder(folder)


def _writable_folder(folder: Path) -> Path:
    package = Path(__file__).absolute().parent.parent
    if folder.exists() and not folder.is_dir():
        raise IngestError(f"{folder}: new articles go into a folder, not a file; "
                          "pass --knowledge with a folder")
    if folder.absolute().is_relative_to(package) or folder.resolve().is_relative_to(
        package.resolve()
    ):
        raise IngestError(f"{folder}: that is newsbot's installed package; pass --knowledge "
                          "with a folder of your own")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise IngestError(f"{folder}: cannot create the folder ({err.strerror})") from None
    return folder


def add(
    sources: Iterable[str],
    knowledge_dir: Path,
    settings: Settings | None = None,
    progress: Callable[[Outcome], None] | None = None,
) -> Summary:
    """Fetch or read each source and write new articles into `knowledge_dir`."""
    settings = settings or Settings()
    started = time.perf_counter()
    summary = Summary()
    existing = Existing.scan(_writable_folder(knowledge_dir))
    for source in sources:
        for outcome in _add_one(source, existing, settings):
            summary.outcomes.append(outcome)
            if progress:
                progress(outcome)
    summary.seconds = time.perf_counter() - started
    return summary


def _add_one(source: str, existing: Existing, settings: Settings) -> Iterator[Outcome]:
    for item in _drafts(source, settings):
        if isinstance(item, IngestError):
            yield Outcome(source, "failed", str(item))
            continue
        try:
            result = write_draft(item, existing)
        except IngestError as err:
            yield Outcome(source, "failed", str(err))
            continue
        except OSError as err:
            yield Outcome(source, "failed", f"cannot write the file ({err.strerror or err})")
            continue
        if isinstance(result, Duplicate):
            yield Outcome(source, "skipped", f"already there as {result.id} ({result.why})",
                          result.id, item.title)
        else:
            yield Outcome(source, "added", "", result.id, result.title, result.path,
                          result.paragraphs)


def _drafts(source: str, settings: Settings) -> Iterator[Draft | IngestError]:
    if not is_url(source):
        yield from read_file(Path(source))
        return
    url = source if "://" in source else f"https://{source}"
    try:
        page = fetch(url, settings)
        yield extract(page.html(), page.url, url)
    except IngestError as err:
        yield err
