"""A collection's vocabulary: term -> term number, read from the saved string table
(strings.py), with the terms of later segments after it; and the vocabulary grouped by
first letter and length, for the speller (bot/spelling.py), saved in that order so that
one group is one slice of a file. `LiveTerms` is the view of an index with deletions:
only the terms some live document holds, in the order they first appear.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.index.blobs import Blob
from bot.index.strings import StringTable

MAX_LENGTH = (1 << 24) - 1  # longer terms share the group of this length


def _group(first: str, length: int) -> int:
    return ord(first) << 24 | min(length, MAX_LENGTH)


@dataclass
class SpellArrays:
    """The terms (but the empty one) by group, one a line; each group's first byte."""

    lines: Blob
    keys: npt.NDArray[np.int64]  # the groups (first letter, length), ascending
    starts: npt.NDArray[np.int64]  # where each group's lines start, and the end


def make_spell(terms: Sequence[str]) -> SpellArrays:
    """The speller's groups of `terms` (given by term number), each in term order."""
    numbers = [i for i, t in enumerate(terms) if t]
    if not numbers:
        return SpellArrays(b"", np.zeros(0, dtype=np.int64), np.zeros(1, dtype=np.int64))
    keys = np.fromiter((_group(terms[i][0], len(terms[i])) for i in numbers), dtype=np.int64,
                       count=len(numbers))
    order = np.argsort(keys, kind="stable")
    ordered = [terms[numbers[i]] for i in order.tolist()]
    blob = ("\n".join(ordered) + "\n").encode("utf-8")
    line_starts = np.zeros(len(ordered) + 1, dtype=np.int64)
    line_starts[1:] = np.flatnonzero(np.frombuffer(blob, dtype=np.uint8) == 10) + 1
    sorted_keys = keys[order]
    firsts = np.flatnonzero(np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1])))
    starts = np.append(line_starts[firsts], len(blob)).astype(np.int64)
    return SpellArrays(blob, sorted_keys[firsts], starts)


class Vocabulary(MutableMapping[str, int]):
    """term -> number: the saved terms (numbers 0..n-1), then the ones added since
    (BM25Index.add, for a segment's new terms) in memory; terms are never removed."""

    def __init__(self, table: StringTable, spell: SpellArrays | None = None) -> None:
        self._table = table
        self._base = len(table)
        self._added: dict[str, int] = {}
        self._spell = spell
        self._added_groups: dict[int, list[str]] | None = None

    def get(self, term: str, default: Any = None) -> Any:
        row = self._table.find(term)
        if row is not None:
            return row
        return self._added.get(term, default)

    def __getitem__(self, term: str) -> int:
        number = self.get(term)
        if number is None:
            raise KeyError(term)
        return int(number)

    def __contains__(self, term: object) -> bool:
        return isinstance(term, str) and self.get(term) is not None

    def __len__(self) -> int:
        return self._base + len(self._added)

    def __iter__(self) -> Iterator[str]:
        yield from self._table.keys_in_order()
        yield from self._added

    def __setitem__(self, term: str, number: int) -> None:
        if term in self:
            raise ValueError(f"{term!r} has a number already")
        self._added[term] = number
        self._added_groups = None

    def __delitem__(self, term: str) -> None:
        raise TypeError("terms are not removed from a vocabulary")

    def spelled_like(self, first: str, length: int) -> list[str]:
        """The terms of one speller group (first letter, length), in term order."""
        key = _group(first, length)
        out: list[str] = []
        if self._spell is not None and len(self._spell.keys):
            keys = self._spell.keys
            at = int(np.searchsorted(keys, key))
            if at < len(keys) and int(keys[at]) == key:
                lo, hi = int(self._spell.starts[at]), int(self._spell.starts[at + 1])
                out = bytes(self._spell.lines[lo:hi]).decode("utf-8").split("\n")[:-1]
        if self._added:
            if self._added_groups is None:
                self._added_groups = {}
                for term in self._added:
                    if term:
                        self._added_groups.setdefault(_group(term[0], len(term)), []).append(
                            term)
            out += self._added_groups.get(key, [])
        return out


class LiveTerms(Mapping[str, int]):
    """The terms of an index with deletions that some live document holds (df > 0), by
    their numbers; iterated, and grouped for the speller, in the order they first appear
    in the live documents (`order`): what a fresh build of those documents would know,
    in its order."""

    def __init__(self, terms: Mapping[str, int], df: npt.NDArray[np.float64],
                 order: npt.NDArray[Any]) -> None:
        self._terms = terms
        self._df = df
        self._order = order
        self._rank: npt.NDArray[np.int64] | None = None
        self._groups: dict[int, list[str]] | None = None

    def get(self, term: str, default: Any = None) -> Any:
        number = self._terms.get(term)
        if number is None or number >= len(self._df) or self._df[number] <= 0:
            return default
        return number

    def __getitem__(self, term: str) -> int:
        number = self.get(term)
        if number is None:
            raise KeyError(term)
        return int(number)

    def __contains__(self, term: object) -> bool:
        return isinstance(term, str) and self.get(term) is not None

    def __len__(self) -> int:
        return len(self._order)

    def __iter__(self) -> Iterator[str]:
        every = list(self._terms)  # by number
        for number in self._order.tolist():
            yield every[number]

    def rank(self, number: int) -> int:
        """Where the live term `number` first appears among the live terms."""
        if self._rank is None:
            rank = np.full(len(self._df), len(self._order), dtype=np.int64)
            rank[self._order] = np.arange(len(self._order))
            self._rank = rank
        return int(self._rank[number])

    def spelled_like(self, first: str, length: int) -> list[str]:
        """The live terms of one speller group (first letter, length), in their order."""
        grouped = getattr(self._terms, "spelled_like", None)
        if grouped is None:
            if self._groups is None:
                self._groups = {}
                for term in self:
                    if term:
                        self._groups.setdefault(_group(term[0], len(term)), []).append(term)
            return list(self._groups.get(_group(first, length), []))
        live = [(self.rank(n), t) for t in grouped(first, length)
                if (n := self.get(t)) is not None]
        return [t for _, t in sorted(live)]
