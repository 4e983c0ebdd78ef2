"""A small web server on 127.0.0.1 for the ingestion tests: saved pages and bad behaviour.

Serves ``tests/pages/*.html`` and these paths:
``/redirect?to=URL`` (302), ``/chain/N`` (N redirects, then a page), ``/loop``,
``/huge`` (a 20 MB body with Content-Length), ``/huge-chunked`` (no length),
``/slow`` (headers after 3 s), ``/trickle`` (a byte every 0.2 s), ``/report.pdf``,
``/missing`` (404). Every request's path and User-Agent are recorded in `requests`.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

PAGES = Path(__file__).parent / "pages"
HUGE = 20_000_000


@dataclass
class PageServer:
    """The server; use as a context manager."""

    requests: list[tuple[str, str]] = field(default_factory=list)
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


def _body(req: BaseHTTPRequestHandler, data: bytes, kind: str, status: int = 200) -> None:
    req.send_response(status)
    req.send_header("Content-Type", kind)
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
