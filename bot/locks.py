"""A readers-writer lock: many answers at once, a reload alone.

Answers only read the engine's state, so they need not wait for one another (an answer
with the semantic extra spends ~70 ms embedding the question, outside the GIL); a reload
swaps the state and must wait until no answer reads it, and answers wait while it swaps.
The standard library has none, so: a condition variable and a count of readers; a
waiting writer holds new readers back, so reloads are not starved.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class ReadWriteLock:
    """Shared for reading, exclusive for writing."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._waiting_writers = 0

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._cond:
            while self._writing or self._waiting_writers:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                if not self._readers:
                    self._cond.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self._cond:
            self._waiting_writers += 1
            while self._writing or self._readers:
                self._cond.wait()
            self._waiting_writers -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()
