"""When a feed is fetched next: its interval with jitter, back-off after failures, and a
server's Retry-After.

- After a fetch that worked: ``now + interval × (1 ± JITTER)``; the jitter spreads feeds
  followed at the same moment (and bots restarted together) over time.
- After a failure: the interval doubled per failure in a row (1×, 2×, 4×, …), at most
  `MAX_BACKOFF`, with the same jitter; a broken feed is asked about once a day at most.
- 429 and 503 with Retry-After: no request before then (at most `MAX_RETRY_AFTER`; a
  forced ``--poll-once`` respects it too), and the back-off above if it is later.

Intervals are written like ``90s``, ``15m``, ``2h``, ``1d`` or ``1h30m``.
"""

from __future__ import annotations

import datetime as dt
import random
import re

JITTER = 0.1
MIN_INTERVAL = 60  # seconds
MAX_INTERVAL = 7 * 86400
MAX_BACKOFF = dt.timedelta(days=1)
MAX_RETRY_AFTER = dt.timedelta(days=1)
DEFAULT_INTERVAL = 15 * 60
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_PART = re.compile(r"(\d+)([smhd])")


def parse_interval(text: str, *, minimum: int = MIN_INTERVAL,
                   maximum: int = MAX_INTERVAL) -> int:
    """'15m' -> 900 seconds (a bare number is minutes); raises ValueError saying how to
    write it."""
    cleaned = text.strip().lower().replace(" ", "")
    if cleaned.isdigit():
        cleaned += "m"
    parts = _PART.findall(cleaned)
    if not parts or "".join(n + u for n, u in parts) != cleaned:
        raise ValueError(f"{text!r} is not an interval; write e.g. 15m, 2h, 1d or 1h30m")
    seconds = sum(int(n[:9]) * _UNITS[u] for n, u in parts)
    if not minimum <= seconds <= maximum:
        raise ValueError(f"{text!r}: must be between {format_interval(minimum)} "
                         f"and {format_interval(maximum)}")
    return seconds


def format_interval(seconds: int) -> str:
    """900 -> '15m', 5400 -> '1h30m'."""
    out = ""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size:
            out += f"{seconds // size}{unit}"
            seconds %= size
    return out or "0s"


def next_fetch(now: dt.datetime, interval: int, rng: random.Random) -> dt.datetime:
    """When to fetch after a fetch that worked."""
    return now + dt.timedelta(seconds=interval * rng.uniform(1 - JITTER, 1 + JITTER))


def after_failure(now: dt.datetime, interval: int, failures: int, rng: random.Random,
                  retry_after: float | None = None) -> tuple[dt.datetime, dt.datetime | None]:
    """(next fetch, no request before) after the `failures`-th failure in a row."""
    wait = min(dt.timedelta(seconds=interval) * 2 ** min(max(failures - 1, 0), 20),
               MAX_BACKOFF)
    scheduled = now + wait * rng.uniform(1 - JITTER, 1 + JITTER)
    if retry_after is None:
        return scheduled, None
    until = now + min(dt.timedelta(seconds=retry_after), MAX_RETRY_AFTER)
    return max(scheduled, until), until


def is_due(next_at: dt.datetime | None, backoff_until: dt.datetime | None, now: dt.datetime,
           force: bool = False) -> bool:
    """Whether a feed may be fetched at `now` (`force`: whatever its schedule, but never
    before a Retry-After)."""
    if backoff_until is not None and now < backoff_until:
        return False
    return force or next_at is None or now >= next_at
