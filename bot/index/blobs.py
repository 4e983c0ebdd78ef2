"""Byte sources of an index's texts: a file read by position, a mapping, several read as
one (a store with segments), or pieces of one read as one (a merge leaving out dead
articles' texts)."""

from __future__ import annotations

import bisect
import mmap
import os
from collections.abc import Iterator, Sequence
from pathlib import Path


class FileBytes:
    """A read-only file read by position (pread), for the texts: the pages read stay in
    the page cache, shared and reclaimable, instead of in this process's memory."""

    def __init__(self, path: Path) -> None:
        self._fd = os.open(path, os.O_RDONLY)
        self._size = os.fstat(self._fd).st_size

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, where: slice) -> bytes:
        start, stop, _ = where.indices(self._size)
        return os.pread(self._fd, max(0, stop - start), start) if stop > start else b""

    def chunks(self, size: int = 1 << 22) -> Iterator[bytes]:
        for start in range(0, self._size, size):
            yield self[start:start + size]

    def __del__(self) -> None:
        try:
            os.close(self._fd)
        except (OSError, AttributeError):
            pass


class Chained:
    """Several blobs read as one (a store with segments: each has its own texts)."""

    def __init__(self, blobs: Sequence[Blob]) -> None:
        self._blobs: list[Blob] = []
        for blob in blobs:
            self._blobs.extend(blob._blobs if isinstance(blob, Chained) else [blob])
        self._starts = [0]
        for blob in self._blobs:
            self._starts.append(self._starts[-1] + len(blob))

    def __len__(self) -> int:
        return self._starts[-1]

    def __getitem__(self, where: slice) -> bytes:
        start, stop, _ = where.indices(len(self))
        out = []
        k = max(bisect.bisect_right(self._starts, start) - 1, 0)
        while start < stop and k < len(self._blobs):
            base = self._starts[k]
            end = min(stop, self._starts[k + 1])
            if end > start:
                out.append(bytes(self._blobs[k][start - base:end - base]))
                start = end
            k += 1
        return b"".join(out)

    def chunks(self, size: int = 1 << 22) -> Iterator[bytes]:
        for blob in self._blobs:
            if isinstance(blob, FileBytes | Pieces):
                yield from blob.chunks(size)
            else:
                yield bytes(blob[:])


class Pieces:
    """The byte ranges [lo, hi) of another blob, one after another, read as one."""

    def __init__(self, blob: Blob, ranges: Sequence[tuple[int, int]]) -> None:
        self._blob = blob
        self._ranges = [(lo, hi) for lo, hi in ranges if hi > lo]
        self._starts = [0]
        for lo, hi in self._ranges:
            self._starts.append(self._starts[-1] + hi - lo)

    def __len__(self) -> int:
        return self._starts[-1]

    def __getitem__(self, where: slice) -> bytes:
        start, stop, _ = where.indices(len(self))
        out = []
        k = max(bisect.bisect_right(self._starts, start) - 1, 0)
        while start < stop and k < len(self._ranges):
            base, (lo, _hi) = self._starts[k], self._ranges[k]
            end = min(stop, self._starts[k + 1])
            if end > start:
                out.append(bytes(self._blob[lo + start - base:lo + end - base]))
                start = end
            k += 1
        return b"".join(out)

    def chunks(self, size: int = 1 << 22) -> Iterator[bytes]:
        for lo, hi in self._ranges:
            for at in range(lo, hi, size):
                yield bytes(self._blob[at:min(hi, at + size)])


Blob = bytes | mmap.mmap | FileBytes | Chained | Pieces


def map_file(path: Path, pread: bool = True) -> Blob:
    """The file's bytes: read by position (`pread`, for large texts read a little at a
    time) or memory-mapped (for tables looked up often)."""
    if pread and hasattr(os, "pread"):
        return FileBytes(path)
    with path.open("rb") as fh:
        if path.stat().st_size == 0:
            return b""
        return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)


def whole(blob: Blob) -> bytes:
    """All the bytes of `blob` (for merging: read in full)."""
    return blob if isinstance(blob, bytes) else bytes(blob[0:len(blob)])
