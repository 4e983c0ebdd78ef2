"""Fetch one web page safely: checked addresses, redirects hop by hop, size and time caps.

Redirects are followed here, not by httpx, so that every hop's URL is checked by
`safety.check_url` before it is requested, and every connection goes through
`safety.GuardedBackend`, bounded by one `deadline.Deadline` for the whole fetch (connect,
headers, body). The body is read raw and decoded by `decode.decoded`, which counts the
output of every compression layer: it is abandoned as soon as either passes `max_bytes`.
This is the one function that fetches a page for newsbot; anything else that fetches
(feeds, say) calls it, naming what it reads (`Wanted`: the content types, the Accept header
and the words of its messages) and, for a conditional GET, the validators it holds (ETag,
Last-Modified): a 304 answer is a `Page` with `not_modified` and no body, and every page
carries the ETag and Last-Modified it came with. An error status raises `StatusError`,
which keeps the status and the seconds of a Retry-After header (429, 503) for a poller's
back-off.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx

from bot.ingest.deadline import Deadline
from bot.ingest.decode import CODINGS, codings, decoded
from bot.ingest.errors import FetchError
from bot.ingest.safety import GuardedBackend, check_url

USER_AGENT = "newsbot/0.1 (+article ingestion; adds one page on request)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
REDIRECTS = (301, 302, 303, 307, 308)
MAX_HEADER_BYTES = 32_768  # real pages send a few KB; h11 alone would take 100 KB
SHOWN_URL = 200  # characters of a URL quoted in a message


@dataclass(frozen=True)
class FetchSettings:
    """Limits of one fetch."""

    allow_private_networks: bool = False
    timeout: float = 10.0  # seconds to connect, and between two reads
    deadline: float = 30.0  # seconds for the whole fetch, redirects included
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    user_agent: str = USER_AGENT


@dataclass(frozen=True)
class Wanted:
    """What a fetch reads: the content types it accepts and how its messages name them."""

    types: tuple[str, ...]
    accept: str  # the Accept header
    noun: str  # "an HTML page": what a wrong content type is not
    fix: str  # what to do about a wrong content type
    name: str = "page"  # "the page is larger than 5 MB"
    purpose: str = "a news article"  # "it is probably not a news article"


HTML = Wanted(HTML_TYPES, "text/html,application/xhtml+xml", "an HTML page",
              "add a news article's web page, or save the file and add it")


class StatusError(FetchError):
    """The server answered with an error status (`status`); `retry_after` is the seconds
    its Retry-After header asked for (429, 503), None without one."""

    def __init__(self, message: str, status: int, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True)
class Page:
    """A fetched page (or, for a conditional GET, the server's word that it is unchanged)."""

    url: str  # the final URL, after redirects
    requested: str  # the URL that was asked for
    body: bytes
    charset: str | None  # from the Content-Type header
    status: int = 200  # 200, or 304 (not modified: `body` is empty)
    content_type: str = ""  # without parameters, lower case
    etag: str | None = None  # the validators it came with, for the next conditional GET
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        """Whether the server said the page is the one the validators name (304)."""
        return self.status == 304

    def html(self) -> bytes | str:
        """The body as text if the server named its charset, else bytes for the extractor."""
        if self.charset:
            try:
                return self.body.decode(self.charset, errors="replace")
            except LookupError:
                pass
        return self.body


def client(settings: FetchSettings, deadline: Deadline | None = None) -> httpx.Client:
    """An httpx client whose connections go through the address guard (and end by the
    `deadline`); no env proxies."""
    transport = httpx.HTTPTransport(retries=0)
    pool = getattr(transport, "_pool", None)
    if pool is None or not hasattr(pool, "_network_backend"):  # pragma: no cover
        raise RuntimeError("this httpx version hides its connection pool; pin httpx<1")
    pool._network_backend = GuardedBackend(settings.allow_private_networks, deadline)
    return httpx.Client(
        transport=transport,
        timeout=httpx.Timeout(settings.timeout),
        follow_redirects=False,
        trust_env=False,
        headers={"User-Agent": settings.user_agent, "Accept": "text/html,application/xhtml+xml",
                 "Accept-Encoding": ", ".join(CODINGS)},
    )


@dataclass(frozen=True)
class _Ask:
    """One fetch's wishes: what it reads, and the validators of a conditional GET."""

    wanted: Wanted
    etag: str | None
    last_modified: str | None

    def headers(self) -> dict[str, str]:
        headers = {"Accept": self.wanted.accept}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


def fetch(
    url: str, settings: FetchSettings, wanted: Wanted = HTML, *,
    etag: str | None = None, last_modified: str | None = None,
) -> Page:
    """GET `url` and return the page (an HTML page unless `wanted` says otherwise); with
    `etag` / `last_modified` a conditional GET, whose 304 is a Page with `not_modified`.
    Raises UnsafeURLError or FetchError (StatusError for an error status)."""
    deadline = Deadline(settings.deadline)
    ask = _Ask(wanted, etag, last_modified)
    current = url
    with client(settings, deadline) as http:
        for _hop in range(settings.max_redirects + 1):
            check_url(current, settings.allow_private_networks, deadline)
            location = _get(http, current, url, settings, deadline, ask)
            if isinstance(location, Page):
                return location
            current = location
    raise FetchError(
        f"{shown(url)}: more than {settings.max_redirects} redirects; "
        "add the final address instead"
    )


def shown(url: str) -> str:
    """`url` for a message: at most SHOWN_URL characters."""
    return url if len(url) <= SHOWN_URL else url[:SHOWN_URL] + "…"


def _get(
    http: httpx.Client, url: str, requested: str, settings: FetchSettings, deadline: Deadline,
    ask: _Ask,
) -> Page | str:
    """One request: the page, or the next URL of a redirect."""
    where = shown(url)
    wanted = ask.wanted
    try:
        with http.stream("GET", url, headers=ask.headers()) as response:
            _check_headers(response, where)
            if response.status_code in REDIRECTS:
                target = response.headers.get("location")
                if not target:
                    raise FetchError(f"{where}: redirect without a Location header")
                return urljoin(url, str(target))
            kind = _content_type(response)
            if response.status_code == 304 and (ask.etag or ask.last_modified):
                return _page(response, requested, b"", kind, ask)
            if response.status_code != 200:
                raise _status_error(response, where)
            if kind not in wanted.types:
                raise FetchError(
                    f"{where}: not {wanted.noun} (Content-Type {kind[:60] or 'missing'}); "
                    f"{wanted.fix}"
                )
            body = _read(response, where, settings, deadline, wanted)
            return _page(response, requested, body, kind, ask)
    except httpx.TimeoutException:
        if deadline.hit or deadline.left() <= 0:
            raise _too_slow(where, settings, wanted) from None
        raise FetchError(
            f"{where}: no answer within {settings.timeout:g} s; try again later"
        ) from None
    except httpx.HTTPError as err:
        raise FetchError(f"{where}: {type(err).__name__}: {str(err)[:SHOWN_URL]}") from None
    except (httpx.InvalidURL, httpx.StreamError) as err:
        raise FetchError(f"{where}: not a valid address ({str(err)[:SHOWN_URL]}); "
                         "check the address") from None


def _page(response: httpx.Response, requested: str, body: bytes, kind: str, ask: _Ask) -> Page:
    """The Page of a 200 (or 304) answer, with the validators it came with (a 304 that
    names none keeps the ones asked with)."""
    etag = response.headers.get("etag") or (ask.etag if response.status_code == 304 else None)
    modified = response.headers.get("last-modified") or (
        ask.last_modified if response.status_code == 304 else None)
    return Page(str(response.url), requested, body, response.charset_encoding,
                response.status_code, kind, _validator(etag), _validator(modified))


def _validator(value: str | None) -> str | None:
    """A validator worth sending back: printable and at most 200 characters."""
    if not value or len(value) > 200 or not value.isprintable():
        return None
    return value


def _status_error(response: httpx.Response, where: str) -> StatusError:
    status = response.status_code
    wait = retry_after(response.headers.get("retry-after"))
    later = f"; it asks to wait {wait:.0f} s" if wait is not None else ""
    fix = "try again later" if status in (429, 503) or status >= 500 else "check the address"
    return StatusError(f"{where}: the server answered {status} "
                       f"{response.reason_phrase[:60]}{later}; {fix}", status, wait)


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """The seconds a Retry-After header asks for (a number or an HTTP date), None if it is
    missing or unreadable; never below 0."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(min(int(value[:12]), 10**9))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(when.timestamp() - (time.time() if now is None else now), 0.0)


def _check_headers(response: httpx.Response, where: str) -> None:
    size = sum(len(name) + len(value) + 4 for name, value in response.headers.raw)
    if size > MAX_HEADER_BYTES:
        raise FetchError(f"{where}: the server sent {size // 1024} KB of headers (at most "
                         f"{MAX_HEADER_BYTES // 1024} KB are read); it is not a news page")


def _content_type(response: httpx.Response) -> str:
    return str(response.headers.get("content-type", "")).split(";")[0].strip().lower()


def _too_slow(where: str, settings: FetchSettings, wanted: Wanted = HTML) -> FetchError:
    return FetchError(f"{where}: the {wanted.name} took longer than {settings.deadline:g} s "
                      "to load; try again later")


def _read(
    response: httpx.Response, where: str, settings: FetchSettings, deadline: Deadline,
    wanted: Wanted = HTML,
) -> bytes:
    """The body, at most `max_bytes` as sent and as decoded, read before `deadline`."""
    def too_big() -> FetchError:
        return FetchError(
            f"{where}: the {wanted.name} is larger than "
            f"{settings.max_bytes // 1_000_000 or 1} MB; it is probably not {wanted.purpose}"
        )

    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > settings.max_bytes:
        raise too_big()
    applied = codings(response.headers.get_list("content-encoding", split_commas=True), where)
    chunks: list[bytes] = []
    raw = _raw(response, settings.max_bytes, too_big)
    for chunk in decoded(raw, applied, settings.max_bytes, too_big, where):
        if deadline.left() <= 0:
            raise _too_slow(where, settings, wanted)
        chunks.append(chunk)
    return b"".join(chunks)


def _raw(
    response: httpx.Response, limit: int, too_big: Callable[[], FetchError],
) -> Iterator[bytes]:
    size = 0
    for chunk in response.iter_raw():
        size += len(chunk)
        if size > limit:
            raise too_big()
        yield chunk
