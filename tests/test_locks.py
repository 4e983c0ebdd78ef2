"""The engine's readers-writer lock: answers together, a reload alone."""

from __future__ import annotations

import threading

from bot.locks import ReadWriteLock


def test_readers_share_and_a_writer_waits_for_them() -> None:
    lock = ReadWriteLock()
    inside = threading.Barrier(3, timeout=5)
    events: list[str] = []

    def read() -> None:
        with lock.reading():
            inside.wait()  # both readers are in at once, or this times out
            events.append("read")

    readers = [threading.Thread(target=read) for _ in range(2)]
    for t in readers:
        t.start()
    inside.wait()
    with lock.writing():  # granted only once both readers have left
        events.append("write")
    for t in readers:
        t.join()
    assert events == ["read", "read", "write"]


def test_a_waiting_writer_holds_new_readers_back() -> None:
    lock = ReadWriteLock()
    events: list[str] = []
    reader_in = threading.Event()
    release = threading.Event()

    def first_reader() -> None:
        with lock.reading():
            reader_in.set()
            release.wait(5)
            events.append("first read")

    def writer() -> None:
        with lock.writing():
            events.append("write")

    def late_reader() -> None:
        with lock.reading():
            events.append("late read")

    a = threading.Thread(target=first_reader)
    a.start()
    reader_in.wait(5)
    w = threading.Thread(target=writer)
    w.start()
    while not lock._waiting_writers:  # the writer is queued
        threading.Event().wait(0.001)
    b = threading.Thread(target=late_reader)
    b.start()
    release.set()
    for t in (a, w, b):
        t.join(5)
    assert events == ["first read", "write", "late read"]
