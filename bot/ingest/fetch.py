"""Fetch one web page safely: checked addresses, redirects hop by hop, size and time caps.

Redirects are followed here, not by httpx, so that every hop's URL is checked by
`safety.check_url` before it is requested, and every connection goes through
`safety.GuardedBackend`, bounded by one `deadline.Deadline` for the whole fetch (connect,
headers, body). The body is read raw and decoded by `decode.decoded`, which counts the
output of every compression layer: it is abandoned as soon as either passes `max_bytes`.
This is the one function that fetches a page for newsbot; anything else that fetches
(feeds, say) calls it.
"""

from __future__ import annotations

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
class Page:
    """A fetched HTML page."""

    url: str  # the final URL, after redirects
    requested: str  # the URL that was asked for
    body: bytes
    charset: str | None  # from the Content-Type header

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


def fetch(url: str, settings: FetchSettings) -> Page:
    """GET `url` and return the HTML page; raises UnsafeURLError or FetchError."""
    deadline = Deadline(settings.deadline)
    current = url
    with client(settings, deadline) as http:
        for _hop in range(settings.max_redirects + 1):
            check_url(current, settings.allow_private_networks, deadline)
            location = _get(http, current, url, settings, deadline)
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
    http: httpx.Client, url: str, requested: str, settings: FetchSettings, deadline: Deadline
) -> Page | str:
    """One request: the page, or the next URL of a redirect."""
    where = shown(url)
    try:
        with http.stream("GET", url) as response:
            _check_headers(response, where)
            if response.status_code in REDIRECTS:
                target = response.headers.get("location")
                if not target:
                    raise FetchError(f"{where}: redirect without a Location header")
                return urljoin(url, str(target))
            if response.status_code != 200:
                raise FetchError(
                    f"{where}: the server answered {response.status_code} "
                    f"{response.reason_phrase[:60]}; check the address"
                )
            kind = _content_type(response)
            if kind not in HTML_TYPES:
                raise FetchError(
                    f"{where}: not an HTML page (Content-Type {kind[:60] or 'missing'}); "
                    "add a news article's web page, or save the file and add it"
                )
            body = _read(response, where, settings, deadline)
            return Page(str(response.url), requested, body, response.charset_encoding)
    except httpx.TimeoutException:
        if deadline.hit or deadline.left() <= 0:
            raise _too_slow(where, settings) from None
        raise FetchError(
            f"{where}: no answer within {settings.timeout:g} s; try again later"
        ) from None
    except httpx.HTTPError as err:
        raise FetchError(f"{where}: {type(err).__name__}: {str(err)[:SHOWN_URL]}") from None
    except (httpx.InvalidURL, httpx.StreamError) as err:
        raise FetchError(f"{where}: not a valid address ({str(err)[:SHOWN_URL]}); "
                         "check the address") from None


def _check_headers(response: httpx.Response, where: str) -> None:
    size = sum(len(name) + len(value) + 4 for name, value in response.headers.raw)
    if size > MAX_HEADER_BYTES:
        raise FetchError(f"{where}: the server sent {size // 1024} KB of headers (at most "
                         f"{MAX_HEADER_BYTES // 1024} KB are read); it is not a news page")


def _content_type(response: httpx.Response) -> str:
    return str(response.headers.get("content-type", "")).split(";")[0].strip().lower()


def _too_slow(where: str, settings: FetchSettings) -> FetchError:
    return FetchError(f"{where}: the page took longer than {settings.deadline:g} s to load; "
                      "try again later")


def _read(
    response: httpx.Response, where: str, settings: FetchSettings, deadline: Deadline,
) -> bytes:
    """The body, at most `max_bytes` as sent and as decoded, read before `deadline`."""
    def too_big() -> FetchError:
        return FetchError(
            f"{where}: the page is larger than {settings.max_bytes // 1_000_000 or 1} MB; "
            "it is probably not a news article"
        )

    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > settings.max_bytes:
        raise too_big()
    applied = codings(response.headers.get_list("content-encoding", split_commas=True), where)
    chunks: list[bytes] = []
    raw = _raw(response, settings.max_bytes, too_big)
    for chunk in decoded(raw, applied, settings.max_bytes, too_big, where):
        if deadline.left() <= 0:
            raise _too_slow(where, settings)
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
