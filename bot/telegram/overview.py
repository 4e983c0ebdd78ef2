"""The articles' overview for onboarding and lists, read once per index version off the loop.

`OverviewCache.catalog(engine)` is the `Catalog` of the engine's current version (what
/sources, /about and /start list), `examples(engine, lang)` two questions in `lang` that
the articles answer (for /start, /help and the prompt for small inputs). Each is computed
in a worker thread, never on the event loop, once per version (later callers wait for
the one computation); the examples are a separate step, so that a list never waits for
the dozen answers they take.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from bot.models import Answer
from bot.telegram.catalog import ArticleRecords, Catalog, read_catalog
from bot.telegram.examples import example_questions
from bot.telegram.i18n import LANGUAGES

logger = logging.getLogger(__name__)

T = TypeVar("T")
Examples = dict[str, tuple[str, ...]]  # language -> questions


class Overseen(Protocol):
    """The part of the engine an overview reads."""

    @property
    def version(self) -> str: ...

    @property
    def store(self) -> ArticleRecords: ...

    def answer(self, question: str, top: int = 3, offset: int = 0) -> Answer: ...


@dataclass
class PerVersion(Generic[T]):
    """One value per engine version, computed in a worker thread, one computation at a time."""

    _value: tuple[str, T] | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def get(self, version: str, compute: Callable[[], T]) -> T:
        """The value for `version`, computed by `compute` (in a thread) if not known yet."""
        if self._value is not None and self._value[0] == version:
            return self._value[1]
        async with self._lock:
            if self._value is None or self._value[0] != version:
                self._value = (version, await asyncio.to_thread(compute))
            return self._value[1]


@dataclass
class OverviewCache:
    """The catalog and the example questions of the engine's current version."""

    _catalogs: PerVersion[Catalog] = field(default_factory=PerVersion)
    _examples: PerVersion[Examples] = field(default_factory=PerVersion)
    _warming: asyncio.Task[Examples] | None = None

    async def catalog(self, engine: Overseen) -> Catalog:
        """What the articles are (metadata only)."""
        return await self._catalogs.get(engine.version, lambda: read_catalog(engine.store))

    async def examples(self, engine: Overseen, lang: str) -> tuple[str, ...]:
        """Up to two questions in `lang` that the articles answer."""
        return (await self._all_examples(engine)).get(lang, ())

    async def _all_examples(self, engine: Overseen) -> Examples:
        catalog = await self.catalog(engine)

        def compute() -> Examples:
            return {lang: example_questions(engine, catalog, lang) for lang in LANGUAGES}

        return await self._examples.get(engine.version, compute)

    def warm(self, engine: Overseen) -> None:
        """Start reading the catalog and examples in the background (at start)."""
        self._warming = asyncio.get_running_loop().create_task(self._all_examples(engine))
        self._warming.add_done_callback(_report)


def _report(task: asyncio.Task[Examples]) -> None:
    """Log a failed background read (the next caller tries again)."""
    if not task.cancelled() and task.exception() is not None:
        logger.error("could not read the articles' overview", exc_info=task.exception())
