"""What a poll round did, per feed and in all: the articles it added, replaced and removed
(the engine reloads when there are any), the duplicates it skipped and what failed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Status = Literal["fetched", "not-modified", "failed", "skipped"]


@dataclass(frozen=True)
class FeedReport:
    """One feed's part of a round."""

    feed_id: int
    url: str
    status: Status
    added: tuple[str, ...] = ()  # new article ids
    replaced: tuple[str, ...] = ()  # articles rewritten with an updated item's text
    duplicates: int = 0  # entries that were an article already (this feed, another, the folder)
    failed: tuple[str, ...] = ()  # why entries gave no article
    left_over: int = 0  # entries left for the next round (the cap on items per round)
    error: str | None = None  # why the feed itself failed (or was skipped)
    notes: tuple[str, ...] = ()
    seconds: float = 0.0

    def line(self) -> str:
        """'fetched  https://…: 2 new, 1 replaced, 3 duplicates (0.4 s)'."""
        if self.status in ("failed", "skipped"):
            return f"{self.status:<8} {self.url}: {self.error}"
        if self.status == "not-modified":
            return f"{'same':<8} {self.url}: not modified (304) ({self.seconds:.1f} s)"
        parts = [f"{len(self.added)} new", f"{len(self.replaced)} replaced",
                 f"{self.duplicates} duplicates"]
        if self.failed:
            parts.append(f"{len(self.failed)} failed (last: {self.failed[-1]})")
        if self.left_over:
            parts.append(f"{self.left_over} left for the next round")
        return f"{'fetched':<8} {self.url}: {', '.join(parts)} ({self.seconds:.1f} s)"


@dataclass(frozen=True)
class PollReport:
    """A whole round."""

    feeds: tuple[FeedReport, ...] = ()
    removed: tuple[str, ...] = ()  # articles retention removed
    seconds: float = 0.0
    busy: bool = False  # another round was still running: this one did nothing
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def added(self) -> tuple[str, ...]:
        return tuple(a for f in self.feeds for a in f.added)

    @property
    def replaced(self) -> tuple[str, ...]:
        return tuple(a for f in self.feeds for a in f.replaced)

    @property
    def failed(self) -> tuple[FeedReport, ...]:
        return tuple(f for f in self.feeds if f.status == "failed")

    @property
    def changed(self) -> bool:
        """Whether the knowledge folder changed (the engine should reload)."""
        return bool(self.added or self.replaced or self.removed)

    def line(self) -> str:
        """'3 feeds: 2 new, 1 replaced, 0 removed, 1 failed in 1.2 s'."""
        if self.busy:
            return "a poll round is running already; nothing done"
        return (f"{len(self.feeds)} feed(s): {len(self.added)} new, {len(self.replaced)} "
                f"replaced, {len(self.removed)} removed, {len(self.failed)} failed in "
                f"{self.seconds:.1f} s")
