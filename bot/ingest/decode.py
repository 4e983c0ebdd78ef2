"""Content-Encoding, decoded here with a cap on what every layer gives out.

httpx decodes each network chunk of every layer whole before the caller sees a byte, so
1.8 KB of `Content-Encoding: gzip, gzip` became 1 GiB in memory before any size check
(issue 12). Here the fetcher reads the raw bytes and each layer is one zlib
decompressor asked for at most CHUNK bytes at a time (`max_length`); the output of every
layer is counted and decoding stops with "too large" as soon as one passes the limit.
Memory stays at a few chunks per layer, whatever the page claims. At most MAX_LAYERS
encodings are accepted (servers apply one; each layer holds a decompressor).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator

from bot.ingest.errors import FetchError

CHUNK = 1 << 16
MAX_LAYERS = 2
CODINGS = ("gzip", "deflate")  # what the fetcher accepts (and says so in Accept-Encoding)
_ALIASES = {"x-gzip": "gzip", "identity": ""}


def codings(values: Iterable[str], origin: str) -> list[str]:
    """The Content-Encoding header's codings, in the order they were applied."""
    out: list[str] = []
    for value in values:
        name = value.strip().lower()
        name = _ALIASES.get(name, name)
        if not name:
            continue
        if name not in CODINGS:
            raise FetchError(f"{origin}: the page is compressed with {name[:20]!r}, which "
                             f"newsbot cannot read; it asks for {' or '.join(CODINGS)}")
        out.append(name)
    if len(out) > MAX_LAYERS:
        raise FetchError(f"{origin}: the page is compressed {len(out)} times over; "
                         "that is no normal web server's answer")
    return out


def decoded(
    raw: Iterable[bytes], applied: list[str], limit: int, too_large: Callable[[], FetchError],
    origin: str,
) -> Iterator[bytes]:
    """The body behind `raw`, undoing `applied` last first; raises too_large() as soon as
    any layer has given out more than `limit` bytes."""
    chunks: Iterable[bytes] = raw
    for coding in reversed(applied):
        chunks = _capped(_inflated(chunks, coding, origin), limit, too_large)
    return iter(chunks)


def _capped(
    chunks: Iterable[bytes], limit: int, too_large: Callable[[], FetchError],
) -> Iterator[bytes]:
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise too_large()
        yield chunk


def _inflated(chunks: Iterable[bytes], coding: str, origin: str) -> Iterator[bytes]:
    """One layer undone, CHUNK bytes at a time at most."""
    inflater: zlib._Decompress | None = None
    head = b""
    try:
        for chunk in chunks:
            if inflater is None:
                head += chunk
                if len(head) < 2:
                    continue
                inflater = zlib.decompressobj(_wbits(coding, head))
                chunk, head = head, b""
            if not inflater.eof:
                yield from _drain(inflater, chunk)
        if inflater is None and head:
            inflater = zlib.decompressobj(_wbits(coding, head))
            yield from _drain(inflater, head)
        if inflater is not None:
            rest = inflater.flush()
            if rest:
                yield rest
    except zlib.error as err:
        raise FetchError(f"{origin}: the page's {coding} compression is damaged ({err}); "
                         "try again later") from None


def _drain(inflater: zlib._Decompress, data: bytes) -> Iterator[bytes]:
    """Everything `data` decodes to, CHUNK bytes at a time; bytes after the end of the
    stream are ignored."""
    while True:
        out = inflater.decompress(data, CHUNK)
        data = inflater.unconsumed_tail
        if out:
            yield out
        if inflater.eof or (not data and len(out) < CHUNK):
            return


def _wbits(coding: str, head: bytes) -> int:
    """gzip; or deflate, which servers send with (RFC 9110) or without the zlib header."""
    if coding == "gzip":
        return zlib.MAX_WBITS | 16
    zlib_header = (head[0] & 0x0F) == 8 and ((head[0] << 8) | head[1]) % 31 == 0
    return zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS
