"""One deadline for a whole fetch: connecting, TLS, sending, headers and body.

httpx's timeouts are per operation: a server that sends one header byte every 2 s never
trips a 10 s read timeout and held an add for 150 s (issue 12). Every connection of a
fetch is wrapped in `DeadlineStream`, which gives each socket operation at most the time
left until the fetch's deadline, and none once it has passed.
"""

from __future__ import annotations

import ssl
import time
from typing import Any

import httpcore


class Deadline:
    """A point in time (monotonic clock) by which a fetch must be done."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.hit = False  # set when an operation was cut short by it

    def left(self) -> float:
        return self.at - time.monotonic()

    def timeout(self, wanted: float | None) -> tuple[float, bool]:
        """The timeout for one operation and whether it is the deadline's (not `wanted`);
        raises ReadTimeout when no time is left."""
        left = self.left()
        if left <= 0:
            self.hit = True
            raise httpcore.ReadTimeout(f"the fetch passed its {self.seconds:g} s deadline")
        if wanted is None or left < wanted:
            return left, True
        return wanted, False


class DeadlineStream(httpcore.NetworkStream):
    """A network stream whose reads, writes and TLS handshake end by the deadline."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: Deadline) -> None:
        self._stream = stream
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        limit, cut = self._deadline.timeout(timeout)
        try:
            return self._stream.read(max_bytes, limit)
        except httpcore.TimeoutException:
            self._deadline.hit = self._deadline.hit or cut
            raise

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        limit, cut = self._deadline.timeout(timeout)
        try:
            self._stream.write(buffer, limit)
        except httpcore.TimeoutException:
            self._deadline.hit = self._deadline.hit or cut
            raise

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        limit, cut = self._deadline.timeout(timeout)
        try:
            tls = self._stream.start_tls(ssl_context, server_hostname, limit)
        except httpcore.TimeoutException:
            self._deadline.hit = self._deadline.hit or cut
            raise
        return DeadlineStream(tls, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)
