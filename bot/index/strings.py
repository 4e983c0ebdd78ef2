"""String tables: millions of strings found without a dict of millions made at start.

A table is its strings, one a line (`key` or `key<TAB>value`), the byte offset where
each line starts, and a hash index: line numbers grouped by the crc32 of their key
(`slots`, in `buckets` of about one line each). All of it is memory-mapped from the
index folder (layout.table_files); finding a key reads one bucket and compares a line
or two: about a microsecond, against 1.5 s and 150 MB to make a dict of the 1.3M
tokens of a million passages at every start. A key's number is its line number.
"""

from __future__ import annotations

import bisect
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.index.blobs import Blob

TAB = b"\t"


@dataclass
class TableArrays:
    """What a table is made of (and saved as)."""

    lines: Blob
    starts: npt.NDArray[np.int64]  # byte offset of each line, and the end
    buckets: npt.NDArray[np.int64]  # first slot of each bucket, and the end
    slots: npt.NDArray[np.int32]  # line numbers, by bucket


def make_table(keys: Sequence[str], values: Sequence[str] | None = None) -> TableArrays:
    """The table of `keys` (no key holds a line feed or a tab), each with its value."""
    lines = keys if values is None else [f"{k}\t{v}" for k, v in zip(keys, values, strict=True)]
    blob = ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
    ends = np.flatnonzero(np.frombuffer(blob, dtype=np.uint8) == 10) + 1
    starts = np.zeros(len(keys) + 1, dtype=np.int64)
    starts[1:] = ends
    hashes = np.fromiter(map(zlib.crc32, map(str.encode, keys)), dtype=np.int64,
                         count=len(keys))
    size = _buckets_for(len(keys))
    bucket = hashes & (size - 1)
    buckets = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(bucket, minlength=size), out=buckets[1:])
    slots = np.argsort(bucket, kind="stable").astype(np.int32)
    return TableArrays(blob, starts, buckets, slots)


def _buckets_for(n: int) -> int:
    """A power of two, at least n (about one key a bucket)."""
    return 1 << max(n - 1, 0).bit_length()


class StringTable(Mapping[str, int]):
    """key -> line number over a saved table (Mapping: get, in, len, iteration in order)."""

    def __init__(self, lines: Blob, starts: npt.NDArray[Any], buckets: npt.NDArray[Any],
                 slots: npt.NDArray[Any], keyed: bool = False) -> None:
        self._lines = lines
        self._n = len(starts) - 1
        # memoryviews: indexing one gives a Python int, four times faster than numpy's
        self._starts = np.ascontiguousarray(starts).data
        self._buckets = np.ascontiguousarray(buckets).data
        self._slots = np.ascontiguousarray(slots).data
        self._mask = len(buckets) - 2
        self._keyed = keyed  # lines are key<TAB>value

    @classmethod
    def of(cls, arrays: TableArrays, keyed: bool = False) -> StringTable:
        return cls(arrays.lines, arrays.starts, arrays.buckets, arrays.slots, keyed)

    def find(self, key: str) -> int | None:
        """The line number of `key`, or None."""
        if self._n == 0:
            return None
        try:
            data = key.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: in no table
            return None
        bucket = zlib.crc32(data) & self._mask
        starts, lines = self._starts, self._lines
        want = data + TAB if self._keyed else data + b"\n"
        for i in range(self._buckets[bucket], self._buckets[bucket + 1]):
            row = self._slots[i]
            start = starts[row]
            if lines[start:start + len(want)] == want:
                return row
        return None

    def line(self, row: int) -> str:
        """Line `row`, without its line feed."""
        return bytes(self._lines[self._starts[row]:self._starts[row + 1] - 1]).decode("utf-8")

    def value(self, row: int) -> str:
        """The value of line `row` (what follows the key's tab)."""
        return self.line(row).partition("\t")[2]

    def key(self, row: int) -> str:
        return self.line(row).partition("\t")[0] if self._keyed else self.line(row)

    def keys_in_order(self) -> list[str]:
        """Every key, by line number (decoded at once)."""
        if self._n == 0:
            return []
        text = bytes(self._lines[0:self._starts[self._n]]).decode("utf-8")
        lines = text.split("\n")[:-1]
        return [line.partition("\t")[0] for line in lines] if self._keyed else lines

    def __getitem__(self, key: str) -> int:
        row = self.find(key)
        if row is None:
            raise KeyError(key)
        return row

    def get(self, key: str, default: Any = None) -> Any:
        row = self.find(key)
        return default if row is None else row

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.find(key) is not None

    def __len__(self) -> int:
        return self._n

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys_in_order())


class Chain(Mapping[str, int]):
    """Several tables read as one, each numbered after the ones before (the ids of the
    articles of an index and its segments); the first that has a key gives it."""

    def __init__(self, tables: Sequence[StringTable]) -> None:
        self._tables = list(tables)
        self._firsts = []
        first = 0
        for table in self._tables:
            self._firsts.append(first)
            first += len(table)
        self._n = first

    def get(self, key: str, default: Any = None) -> Any:
        for table, first in zip(self._tables, self._firsts, strict=True):
            row = table.get(key)
            if row is not None:
                return first + row
        return default

    def __getitem__(self, key: str) -> int:
        row = self.get(key)
        if row is None:
            raise KeyError(key)
        return int(row)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __len__(self) -> int:
        return self._n

    def __iter__(self) -> Iterator[str]:
        for table in self._tables:
            yield from table

    def key(self, number: int) -> str:
        k = bisect.bisect_right(self._firsts, number) - 1
        return self._tables[k].key(number - self._firsts[k])


class Analyses:
    """token -> its terms, from the saved analysis tables (`L.tokens`) of an index and its
    segments: what an analyzer looks up before it analyses a token itself."""

    def __init__(self, tables: Sequence[StringTable]) -> None:
        self.tables = list(tables)

    def get(self, token: str) -> tuple[str, ...] | None:
        for table in self.tables:
            row = table.find(token)
            if row is not None:
                terms = table.value(row)
                return tuple(terms.split(" ")) if terms else ()
        return None
