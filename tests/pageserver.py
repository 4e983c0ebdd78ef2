"""A small web server on 127.0.0.1 for the ingestion tests: saved pages and bad behaviour.

Serves ``tests/pages/*.html`` and these paths:
``/redirect?to=URL`` (302), ``/chain/N`` (N redirects, then a page), ``/loop``,
``/huge`` (a 20 MB body with Content-Length), ``/huge-chunked`` (no length),
``/slow`` (headers after 3 s), ``/trickle`` (a byte every 0.2 s), ``/report.pdf``,
``/missing`` (404). Every request's path and User-Agent are recorded in `requests`.

Hostile answers (issue 12): ``/bomb`` (1.8 KB of ``Content-Encoding: gzip, gzip`` that
inflate to 1 GiB), ``/encoded/CODINGS/PAGE`` (a saved page compressed with each coding of
the comma-separated list in turn: gzip, deflate, rawdeflate, or any name to send as is),
``/slow-headers`` (a header byte every 0.2 s for 40 s), ``/big-headers`` (90 KB of
headers), and ``/claims-gzip`` (a plain page sent as gzip).
"""

from __future__ import annotations

import functools
import struct
import threading
import time
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

PAGES = Path(__file__).parent / "pages"
HUGE = 20_000_000
BOMB = 1 << 30  # bytes that /bomb inflates to


@dataclass
class PageServer:
    """The server; use as a context manager."""

    requests: list[tuple[str, str]] = field(default_factory=list)
    header_bytes_sent: int = 0  # by the last /slow-headers answer
    _server: ThreadingHTTPServer | None = None

    def __enter__(self) -> PageServer:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self) -> None:
                owner.requests.append((self.path, self.headers.get("User-Agent", "")))
                try:
                    owner._route(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        """The full URL of `path` on this server."""
        return f"http://{host}:{self.port}/{path.lstrip('/')}"

    def _route(self, req: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(req.path)
        path = parts.path
        if path == "/redirect":
            _redirect(req, parse_qs(parts.query)["to"][0])
        elif path.startswith("/chain/"):
            left = int(path.rsplit("/", 1)[1])
            _redirect(req, f"/chain/{left - 1}" if left > 0 else "/bridge-en.html")
        elif path == "/loop":
            _redirect(req, "/loop")
        elif path == "/huge":
            _body(req, b"<html><body><p>x</p>" + b" " * HUGE, "text/html")
        elif path == "/huge-chunked":
            _stream(req, (b"<p>" + b"y" * 65536 + b"</p>" for _ in range(HUGE // 65536)))
        elif path == "/slow":
            time.sleep(3)
            _body(req, (PAGES / "bridge-en.html").read_bytes(), "text/html")
        elif path == "/trickle":
            _stream(req, (b"<p>slow</p>" for _ in range(50)), pause=0.2)
        elif path == "/bomb":
            _body(req, bomb(), "text/html", encoding="gzip, gzip")
        elif path.startswith("/encoded/"):
            _, _, codings, name = path.split("/", 3)
            data = (PAGES / name).read_bytes()
            for coding in codings.split(","):
                data = _compress(data, coding)
            names = codings.replace("rawdeflate", "deflate").replace(",", ", ")
            _body(req, data, "text/html; charset=utf-8", encoding=names)
        elif path == "/slow-headers":
            req.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nX-Slow: ")
            self.header_bytes_sent = 0
            for _ in range(200):
                req.wfile.write(b"x")
                req.wfile.flush()
                self.header_bytes_sent += 1
                time.sleep(0.2)
            req.wfile.write(b"\r\n\r\n<p>too late</p>")
        elif path == "/big-headers":
            req.send_response(200)
            for n in range(90):
                req.send_header(f"X-Pad-{n}", "p" * 1000)
            _body(req, (PAGES / "bridge-en.html").read_bytes(), "text/html", started=True)
        elif path == "/claims-gzip":
            _body(req, (PAGES / "bridge-en.html").read_bytes(), "text/html", encoding="gzip")
        elif path == "/report.pdf":
            _body(req, b"%PDF-1.4 not a page", "application/pdf")
        elif (PAGES / path.lstrip("/")).is_file() and path.endswith(".html"):
            _body(req, (PAGES / path.lstrip("/")).read_bytes(), "text/html; charset=utf-8")
        else:
            _body(req, b"<html><body>not here</body></html>", "text/html", status=404)


def _redirect(req: BaseHTTPRequestHandler, location: str) -> None:
    req.send_response(302)
    req.send_header("Location", location)
    req.send_header("Content-Length", "0")
    req.end_headers()


def _body(req: BaseHTTPRequestHandler, data: bytes, kind: str, status: int = 200,
          encoding: str = "", started: bool = False) -> None:
    if not started:
        req.send_response(status)
    req.send_header("Content-Type", kind)
    if encoding:
        req.send_header("Content-Encoding", encoding)
    req.send_header("Content-Length", str(len(data)))
    req.end_headers()
    req.wfile.write(data)


def _stream(req: BaseHTTPRequestHandler, chunks: Any, pause: float = 0.0) -> None:
    req.send_response(200)
    req.send_header("Content-Type", "text/html")
    req.end_headers()
    for chunk in chunks:
        req.wfile.write(chunk)
        req.wfile.flush()
        if pause:
            time.sleep(pause)


def _compress(data: bytes, coding: str) -> bytes:
    wbits = {"gzip": 31, "deflate": 15, "rawdeflate": -15}.get(coding)
    if wbits is None:
        return data  # an encoding the client should refuse: sent as it is
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    return packer.compress(data) + packer.flush()


@functools.cache
def bomb() -> bytes:
    """gzip(gzip(BOMB zero bytes)): the inner layer is one deflate piece for 16 MiB of
    zeros repeated (a full flush makes the pieces alike), so it is made in a second."""
    block = 1 << 24
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros = bytes(block)
    piece = packer.compress(zeros) + packer.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(BOMB // block):
        crc = zlib.crc32(zeros, crc)
    end = zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    inner = (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + piece * (BOMB // block) + end
             + struct.pack("<II", crc, BOMB & 0xFFFFFFFF))
    return _compress(inner, "gzip")
