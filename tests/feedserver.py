"""A feed server on 127.0.0.1 for the feed tests: feeds and article pages that a test
changes between rounds, conditional GET, and bad behaviour.

`FeedServer.stories` holds the news; `publish(path, kind)` renders them as a feed at
`path` (RSS 2.0, Atom, JSON Feed or a news sitemap) and every story's page at
``/articles/<slug>.html``. A feed answers ``If-None-Match`` / ``If-Modified-Since`` that
match its current version with 304; `log` records each request as
``(path, If-None-Match, If-Modified-Since, status)``.

Fixed paths: ``/broken.xml`` (the stories' RSS cut off after the first item),
``/garbage.xml`` (not XML at all), ``/wrong-type`` (a feed as image/png),
``/web-page`` (text/html), ``/slow-feed`` (headers after 3 s), ``/huge-feed`` (20 MB of
RSS), ``/to-metadata`` and ``/to-ten`` (302 to 169.254.169.254 and 10.0.0.1 — refused
before any connection), ``/ratelimited`` (429, Retry-After: 120), ``/unavailable`` (503,
Retry-After as an HTTP date), ``/blocked`` (a feed whose requests wait until
`release` is set), and ``/bomb.xml`` (an entity-expansion DTD).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import html
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

HUGE = 20_000_000


@dataclass
class Story:
    """One news story: its feed entry and its page."""

    slug: str
    title: str
    paragraphs: list[str]
    published: dt.datetime
    updated: dt.datetime | None = None
    language: str = "de"
    guid: str | None = None  # default: the page's URL
    summary: str | None = None  # the entry's own text (default: the first paragraph)
    page: bool = True  # False: the page answers 404


@dataclass
class Doc:
    body: bytes
    content_type: str
    etag: str
    last_modified: str


@dataclass
class FeedServer:
    """The server; use as a context manager."""

    stories: list[Story] = field(default_factory=list)
    docs: dict[str, Doc] = field(default_factory=dict)
    log: list[tuple[str, str | None, str | None, int]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    arrived: threading.Event = field(default_factory=threading.Event)  # /blocked was asked
    _published: dict[str, str] = field(default_factory=dict)  # path -> kind
    _server: ThreadingHTTPServer | None = None
    _version: int = 0

    def __enter__(self) -> FeedServer:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self) -> None:
                try:
                    owner._route(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def send_response(self, code: int, message: str | None = None) -> None:
                # logged before the answer leaves: a client never sees it unlogged
                owner.log.append((urlsplit(self.path).path, self.headers.get("If-None-Match"),
                                  self.headers.get("If-Modified-Since"), code))
                super().send_response(code, message)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def page_url(self, story: Story) -> str:
        return self.url(f"articles/{story.slug}.html")

    def publish(self, path: str, kind: str = "rss", stories: list[Story] | None = None) -> str:
        """Render `stories` (default: all) as a feed of `kind` at `path`; its URL. Call
        again after changing the stories (a new version: new ETag and Last-Modified)."""
        self._published[path] = kind
        chosen = self.stories if stories is None else stories
        body, kind_type = RENDER[kind](self, chosen)
        self.put(path, body, kind_type)
        return self.url(path)

    def put(self, path: str, body: bytes, content_type: str) -> None:
        """Serve `body` at `path` as a new version (unless it is the same as before)."""
        old = self.docs.get(path)
        if old is not None and old.body == body and old.content_type == content_type:
            return
        self._version += 1
        stamp = email.utils.formatdate(1_700_000_000 + self._version * 60, usegmt=True)
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        self.docs[path] = Doc(body, content_type, etag, stamp)

    def requests(self, path: str) -> list[tuple[str, str | None, str | None, int]]:
        return [r for r in self.log if r[0] == path]

    def _route(self, req: BaseHTTPRequestHandler) -> int:
        path = urlsplit(req.path).path
        if path in self.docs:
            return _conditional(req, self.docs[path])
        if path.startswith("/articles/"):
            story = next((s for s in self.stories if f"/articles/{s.slug}.html" == path), None)
            if story is not None and story.page:
                return _send(req, 200, page(self, story), "text/html; charset=utf-8")
        fixed = FIXED.get(path)
        if fixed is not None:
            return fixed(self, req)
        return _send(req, 404, b"<html><body>not here</body></html>", "text/html")


def _conditional(req: BaseHTTPRequestHandler, doc: Doc) -> int:
    if req.headers.get("If-None-Match") == doc.etag or (
            req.headers.get("If-Modified-Since") == doc.last_modified
            and req.headers.get("If-None-Match") is None):
        req.send_response(304)
        req.send_header("ETag", doc.etag)
        req.end_headers()
        return 304
    return _send(req, 200, doc.body, doc.content_type,
                 {"ETag": doc.etag, "Last-Modified": doc.last_modified})


def _send(req: BaseHTTPRequestHandler, status: int, body: bytes, kind: str,
          headers: dict[str, str] | None = None) -> int:
    req.send_response(status)
    req.send_header("Content-Type", kind)
    for name, value in (headers or {}).items():
        req.send_header(name, value)
    req.send_header("Content-Length", str(len(body)))
    req.end_headers()
    req.wfile.write(body)
    return status


def _redirect(target: str) -> Any:
    def answer(server: FeedServer, req: BaseHTTPRequestHandler) -> int:
        req.send_response(302)
        req.send_header("Location", target)
        req.send_header("Content-Length", "0")
        req.end_headers()
        return 302
    return answer


def _slow(server: FeedServer, req: BaseHTTPRequestHandler) -> int:
    time.sleep(3)
    return _send(req, 200, rss(server, server.stories)[0], "application/rss+xml")


def _huge(server: FeedServer, req: BaseHTTPRequestHandler) -> int:
    req.send_response(200)
    req.send_header("Content-Type", "application/rss+xml")
    req.end_headers()
    req.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel><title>huge</title>')
    item = b"<item><title>x</title><description>" + b"y" * 60_000 + b"</description></item>"
    for _ in range(HUGE // len(item)):
        req.wfile.write(item)
    return 200


def _blocked(server: FeedServer, req: BaseHTTPRequestHandler) -> int:
    server.arrived.set()
    server.release.wait(30)
    return _send(req, 200, rss(server, server.stories)[0], "application/rss+xml")


def _retry(status: int, value: str) -> Any:
    def answer(server: FeedServer, req: BaseHTTPRequestHandler) -> int:
        return _send(req, status, b"busy", "text/plain", {"Retry-After": value})
    return answer


_BOMB = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
         + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&%s;" % bytes([97 + i])) * 10)
                    for i in range(8))
         + b']><rss version="2.0"><channel><title>&i;</title><item><title>&i;</title>'
           b"<link>/nowhere.html</link></item></channel></rss>")

FIXED: dict[str, Any] = {
    "/broken.xml": lambda s, r: _send(r, 200, rss(s, s.stories)[0].split(b"</item>")[0]
                                      + b"</item><item><title>abgeschnit", "application/rss+xml"),
    "/garbage.xml": lambda s, r: _send(r, 200, b"\x00\x01garbage{{<<>>", "application/xml"),
    "/wrong-type": lambda s, r: _send(r, 200, rss(s, s.stories)[0], "image/png"),
    "/web-page": lambda s, r: _send(r, 200, b"<html><body>a page</body></html>",
                                    "text/html; charset=utf-8"),
    "/slow-feed": _slow,
    "/huge-feed": _huge,
    "/to-metadata": _redirect("http://169.254.169.254/latest/meta-data/feed.xml"),
    "/to-ten": _redirect("http://10.0.0.1/feed.xml"),
    "/ratelimited": _retry(429, "120"),
    "/unavailable": _retry(503, email.utils.formatdate(time.time() + 3600, usegmt=True)),
    "/blocked": _blocked,
    "/bomb.xml": lambda s, r: _send(r, 200, _BOMB, "application/rss+xml"),
}


def page(server: FeedServer, story: Story) -> bytes:
    """The story's article page (title, date, canonical link, paragraphs)."""
    e = html.escape
    body = "\n".join(f"<p>{e(p)}</p>" for p in story.paragraphs)
    modified = (f'<meta property="article:modified_time" content="{story.updated.isoformat()}">'
                if story.updated else "")
    return f"""<!doctype html>
<html lang="{story.language}"><head><meta charset="utf-8">
<title>{e(story.title)} | Testkurier</title>
<meta property="og:site_name" content="Testkurier">
<meta property="article:published_time" content="{story.published.isoformat()}">
{modified}
<link rel="canonical" href="{server.page_url(story)}">
</head><body><nav><a href="/">Start</a> <a href="/politik">Politik</a></nav>
<article><h1>{e(story.title)}</h1>
{body}
</article><footer>Impressum · Datenschutz</footer></body></html>""".encode()


def _summary(story: Story) -> str:
    return story.summary if story.summary is not None else story.paragraphs[0]


def rss(server: FeedServer, stories: list[Story]) -> tuple[bytes, str]:
    e = html.escape
    items = "".join(f"""
    <item><title>{e(s.title)}</title><link>{server.page_url(s)}</link>
      <guid isPermaLink="false">{e(s.guid or server.page_url(s))}</guid>
      <pubDate>{email.utils.format_datetime(s.updated or s.published)}</pubDate>
      <description>{e(_summary(s))}</description></item>""" for s in stories)
    return (f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Testkurier</title><link>{server.url("")}</link>
<language>de</language>{items}
</channel></rss>""".encode(), "application/rss+xml; charset=utf-8")


def atom(server: FeedServer, stories: list[Story]) -> tuple[bytes, str]:
    e = html.escape
    entries = "".join(f"""
  <entry><title>{e(s.title)}</title><link href="{server.page_url(s)}"/>
    <id>{e(s.guid or server.page_url(s))}</id>
    <published>{s.published.isoformat()}</published>
    <updated>{(s.updated or s.published).isoformat()}</updated>
    <content type="html">{e("".join(f"<p>{e(p)}</p>" for p in s.paragraphs))}</content>
  </entry>""" for s in stories)
    return (f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de"><title>Testkurier Atom</title>
<id>urn:testkurier</id><updated>2025-03-14T10:00:00Z</updated>{entries}
</feed>""".encode(), "application/atom+xml")


def json_feed(server: FeedServer, stories: list[Story]) -> tuple[bytes, str]:
    items = [{"id": s.guid or server.page_url(s), "url": server.page_url(s), "title": s.title,
              "content_text": "\n\n".join(s.paragraphs),
              "date_published": s.published.isoformat(),
              **({"date_modified": s.updated.isoformat()} if s.updated else {})}
             for s in stories]
    data = {"version": "https://jsonfeed.org/version/1.1", "title": "Testkurier JSON",
            "language": "de", "items": items}
    return json.dumps(data).encode(), "application/feed+json"


def news_sitemap(server: FeedServer, stories: list[Story]) -> tuple[bytes, str]:
    e = html.escape
    urls = "".join(f"""
  <url><loc>{server.page_url(s)}</loc>
    {f"<lastmod>{s.updated.isoformat()}</lastmod>" if s.updated else ""}
    <news:news><news:publication><news:name>Testkurier</news:name>
      <news:language>{s.language}</news:language></news:publication>
      <news:publication_date>{s.published.isoformat()}</news:publication_date>
      <news:title>{e(s.title)}</news:title></news:news></url>""" for s in stories)
    return (f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}
</urlset>""".encode(), "application/xml")


RENDER = {"rss": rss, "atom": atom, "json": json_feed, "sitemap": news_sitemap}
