"""The garbage collector of a process that serves answers, tuned once its engine is loaded.

An answer makes and drops thousands of small objects (sentences' tokens and term sets,
candidates, their signals), nearly all freed at once by reference counting; with
CPython's default thresholds (700, 10, 10) the cyclic collector still ran 262 times
over 1,000 answers at 1M passages, 0.46–0.53 ms an answer, twice a full collection of
85–115 ms. At (20,000, 10, 10) it runs 7 times, 0.13–0.15 ms an answer, with no full
collection (docs/performance.md). Cyclic garbage waits a little longer: the peak memory
of those runs is the same, 549 MB.
"""

from __future__ import annotations

import gc

SERVING_THRESHOLDS = (20_000, 10, 10)


def tune_for_serving() -> None:
    """Collect cycles less often than after every 700 allocations (see above)."""
    gc.set_threshold(*SERVING_THRESHOLDS)
