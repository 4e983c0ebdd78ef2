"""Article numbers of a store with deletions: the engine sees only the live articles,
numbered 0..n-1 in stored order, over the stored numbers (the base's articles, then each
segment's), of which the dead ones (index.deletions) are skipped.

The translation is a binary search in the sorted dead numbers (nothing of the index's
size is made at open), and an identity when nothing is dead. `LiveIds` looks an article
id up from the newest folder back, so that an id that was replaced finds its new version
(the old ones are dead), and a removed one finds nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.index.strings import StringTable


class LiveNumbers:
    """Live article number <-> stored article number."""

    def __init__(self, dead: npt.NDArray[Any], stored: int) -> None:
        self.dead = np.asarray(dead, dtype=np.int64)
        # the live article r is stored at r + (how many dead numbers d_i - i are <= r)
        self._gaps = self.dead - np.arange(len(self.dead), dtype=np.int64)
        self.stored = stored
        self.live = stored - len(self.dead)

    def stored_number(self, number: int) -> int:
        """The stored number of live article `number`."""
        if not 0 <= number < self.live:
            raise IndexError(f"article {number} of {self.live}")
        return number + int(np.searchsorted(self._gaps, number, side="right"))

    def is_dead(self, stored: int) -> bool:
        at = int(np.searchsorted(self.dead, stored))
        return at < len(self.dead) and int(self.dead[at]) == stored

    def live_number(self, stored: int) -> int | None:
        """The live number of the stored article `stored`, None if it is dead."""
        at = int(np.searchsorted(self.dead, stored))
        if at < len(self.dead) and int(self.dead[at]) == stored:
            return None
        return stored - at


class LiveIds(Mapping[str, int]):
    """Article id -> live article number over the folders' id tables (each numbered
    after the ones before), the newest folder first."""

    def __init__(self, tables: Sequence[StringTable], numbers: LiveNumbers) -> None:
        self._tables = list(tables)
        self._firsts: list[int] = []
        first = 0
        for table in self._tables:
            self._firsts.append(first)
            first += len(table)
        self._numbers = numbers

    def stored(self, key: str) -> int | None:
        """The stored number of the newest article with this id, live or dead."""
        for table, first in zip(reversed(self._tables), reversed(self._firsts), strict=True):
            row = table.get(key)
            if row is not None:
                return first + int(row)
        return None

    def get(self, key: str, default: Any = None) -> Any:
        stored = self.stored(key)
        number = self._numbers.live_number(stored) if stored is not None else None
        return default if number is None else number

    def __getitem__(self, key: str) -> int:
        number = self.get(key)
        if number is None:
            raise KeyError(key)
        return int(number)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __len__(self) -> int:
        return self._numbers.live

    def __iter__(self) -> Iterator[str]:
        for number in range(self._numbers.live):
            yield self.key(number)

    def key(self, number: int) -> str:
        """The id of live article `number`."""
        return self.stored_key(self._numbers.stored_number(number))

    def stored_key(self, stored: int) -> str:
        k = int(np.searchsorted(self._firsts, stored, side="right")) - 1
        return self._tables[k].key(stored - self._firsts[k])
