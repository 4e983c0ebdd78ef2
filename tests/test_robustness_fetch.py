"""Hostile web servers against `newsbot add` (issue 12): compression bombs, slow and huge
headers, odd redirects, pages that claim to be another outlet.

The bomb is measured from the outside: `newsbot add` runs as a child process and its peak
resident memory is read from the kernel's accounting of that child (os.wait4).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pageserver import BOMB, PageServer

from bot.ingest import add, safety
from bot.ingest.errors import FetchError
from bot.ingest.fetch import FetchSettings, fetch

OPEN = FetchSettings(allow_private_networks=True, timeout=1.0, deadline=3.0)
MB = 1 << 20


@pytest.fixture(scope="module")
def server() -> Iterator[PageServer]:
    with PageServer() as pages:
        yield pages


# Runs the command and writes its exit code and peak RSS to a file. It is a fresh, small
# process: a child forked straight from pytest would count pytest's own memory in its
# ru_maxrss (the kernel keeps the high-water mark across exec).
LAUNCHER = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[2:])
_pid, status, usage = os.wait4(child.pid, 0)
child.returncode = os.waitstatus_to_exitcode(status)
with open(sys.argv[1], "w") as fh:
    fh.write(f"{child.returncode} {usage.ru_maxrss * 1024}")  # ru_maxrss is in KiB
"""


def peak_rss_of(args: list[str], cwd: Path) -> tuple[int, str, int]:
    """Run `args` as a child process: its exit code, output and peak RSS in bytes."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("NEWSBOT_")}
    out, measured = cwd / "output.txt", cwd / "rusage.txt"
    with out.open("w") as fh:
        subprocess.run([sys.executable, "-c", LAUNCHER, str(measured), *args], cwd=cwd,
                       env=environ, stdout=fh, stderr=subprocess.STDOUT, check=True)
    code, peak = map(int, measured.read_text().split())
    return code, out.read_text(), peak


def test_gzip_gzip_bomb_is_refused_with_flat_memory(server: PageServer, tmp_path: Path) -> None:
    code = "import sys; from bot.cli import main; sys.exit(main())"
    exit_code, output, peak = peak_rss_of(
        [sys.executable, "-c", code, "add", server.url("bomb"), "--knowledge", "kb",
         "--allow-private-networks"], tmp_path)
    assert exit_code == 1, output
    assert "larger than 5 MB" in output and "0 added, 0 skipped (duplicates), 1 failed" in output
    assert "Traceback" not in output and "MemoryError" not in output
    assert peak < 300 * MB, f"peak RSS {peak / MB:.0f} MB"
    assert not list((tmp_path / "kb").glob("*.yaml"))


def test_bomb_decoding_stops_at_the_cap(server: PageServer) -> None:
    """In this process: the cap is hit after about max_bytes, not after the whole layer."""
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match="larger than 1 MB"):
            fetch(server.url("bomb"), FetchSettings(allow_private_networks=True,
                                                    max_bytes=1_000_000))
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * MB < BOMB, f"peak {peak / MB:.1f} MB"


@pytest.mark.parametrize("codings", ["gzip", "deflate", "rawdeflate", "gzip,gzip",
                                     "deflate,gzip"])
def test_compressed_pages_are_read(server: PageServer, codings: str) -> None:
    plain = fetch(server.url("bridge-en.html"), OPEN).body
    page = fetch(server.url(f"encoded/{codings}/bridge-en.html"), OPEN)
    assert page.body == plain


def test_unknown_and_stacked_encodings_are_refused(server: PageServer) -> None:
    with pytest.raises(FetchError, match="compressed with 'br', which newsbot cannot read"):
        fetch(server.url("encoded/br/bridge-en.html"), OPEN)
    with pytest.raises(FetchError, match="compressed 3 times"):
        fetch(server.url("encoded/gzip,gzip,gzip/bridge-en.html"), OPEN)


def test_damaged_compression_is_a_fetch_error(server: PageServer) -> None:
    with pytest.raises(FetchError, match="gzip compression is damaged"):
        fetch(server.url("claims-gzip"), OPEN)


def test_slow_headers_hit_the_whole_fetch_deadline(server: PageServer) -> None:
    """One header byte every 0.2 s never trips the 1 s read timeout; the deadline must."""
    quick = FetchSettings(allow_private_networks=True, timeout=1.0, deadline=1.5)
    with pytest.raises(FetchError, match=r"longer than 1\.5 s"):
        fetch(server.url("slow-headers"), quick)
    # cut off after ~1.5 s of the 40 s of header bytes (before: all 200 were waited for)
    assert server.header_bytes_sent < 100


def test_huge_headers_are_refused(server: PageServer) -> None:
    with pytest.raises(FetchError, match="headers"):
        fetch(server.url("big-headers"), OPEN)


def test_an_address_httpx_cannot_send_is_a_fetch_error(server: PageServer) -> None:
    """httpx.InvalidURL is no httpx.HTTPError; a redirect hop goes through the same call."""
    with pytest.raises(FetchError, match="not a valid address"):
        fetch(server.url("bridge\x01-en.html"), OPEN)


def test_a_page_cannot_claim_another_outlet(server: PageServer, tmp_path: Path) -> None:
    url = server.url("spoof-reuters.html")
    summary = add([url], tmp_path, FetchSettings(allow_private_networks=True))
    (outcome,) = summary.outcomes
    assert outcome.status == "added", outcome.reason
    assert outcome.path is not None
    data = yaml.safe_load(outcome.path.read_text("utf-8"))
    assert data["url"] == url  # the fetched address, not the claimed reuters.com one
    assert data["source"] == "Reuters (127.0.0.1)"  # the claim, with the host it came from
    assert "reuters.com" not in outcome.path.read_text("utf-8")


def test_a_name_that_resolves_slowly_hits_the_deadline(
    server: PageServer, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Name lookups count against the fetch's deadline too (one per hop and connection)."""
    answered = threading.Event()
    lookups: list[str] = []

    def slow(host: str, port: int, **kwargs: Any) -> list[Any]:
        lookups.append(host)
        answered.wait(10)  # released when the test ends
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(safety.socket, "getaddrinfo", slow)
    quick = FetchSettings(allow_private_networks=True, timeout=1.0, deadline=0.5)
    before = len(server.requests)
    try:
        with pytest.raises(FetchError, match=r"longer than 0\.5 s"):
            fetch(f"http://slow-dns.example:{server.port}/bridge-en.html", quick)
        # given up during the first lookup (before, it waited for it and for the next)
        assert lookups == ["slow-dns.example"]
    finally:
        answered.set()
    assert len(server.requests) == before
