"""Fetch one web page safely: checked addresses, redirects hop by hop, size and time caps.

Redirects are followed here, not by httpx, so that every hop's URL is checked by
`safety.check_url` before it is requested, and every connection goes through
`safety.GuardedBackend`. The body is read in chunks and abandoned as soon as it passes
`max_bytes` or the whole fetch passes its deadline.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx

from bot.ingest.errors import FetchError
from bot.ingest.safety import GuardedBackend, check_url

USER_AGENT = "newsbot/0.1 (+article ingestion; adds one page on request)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
REDIRECTS = (301, 302, 303, 307, 308)


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


def client(settings: FetchSettings) -> httpx.Client:
    """An httpx client whose connections go through the address guard; no env proxies."""
    transport = httpx.HTTPTransport(retries=0)
    pool = getattr(transport, "_pool", None)
    if pool is None or not hasattr(pool, "_network_backend"):  # pragma: no cover
        raise RuntimeError("this httpx version hides its connection pool; pin httpx<1")
    pool._network_backend = GuardedBackend(settings.allow_private_networks)
    return httpx.Client(
        transport=transport,
        timeout=httpx.Timeout(settings.timeout),
        follow_redirects=False,
        trust_env=False,
        headers={"User-Agent": settings.user_agent, "Accept": "text/html,application/xhtml+xml"},
    )


def fetch(url: str, settings: FetchSettings) -> Page:
    """GET `url` and return the HTML page; raises UnsafeURLError or FetchError."""
    deadline = time.monotonic() + settings.deadline
    current = url
    with client(settings) as http:
        for _hop in range(settings.max_redirects + 1):
            check_url(current, settings.allow_private_networks)
            location = _get(http, current, url, settings, deadline)
            if isinstance(location, Page):
                return location
            current = location
    raise FetchError(
        f"{url}: more than {settings.max_redirects} redirects; add the final address instead"
    )


def _get(
    http: httpx.Client, url: str, requested: str, settings: FetchSettings, deadline: float
) -> Page | str:
    """One request: the page, or the next URL of a redirect."""
    try:
        with http.stream("GET", url) as response:
            if response.status_code in REDIRECTS:
                target = response.headers.get("location")
                if not target:
                    raise FetchError(f"{url}: redirect without a Location header")
                return urljoin(url, str(target))
            if response.status_code != 200:
                raise FetchError(
                    f"{url}: the server answered {response.status_code} "
                    f"{response.reason_phrase}; check the address"
                )
            kind = _content_type(response)
            if kind not in HTML_TYPES:
                raise FetchError(
                    f"{url}: not an HTML page (Content-Type {kind or 'missing'}); "
                    "add a news article's web page, or save the file and add it"
                )
            body = _read(response, url, settings, deadline)
            return Page(str(response.url), requested, body, response.charset_encoding)
    except httpx.TimeoutException:
        raise FetchError(
            f"{url}: no answer within {settings.timeout:g} s; try again later"
        ) from None
    except httpx.HTTPError as err:
        raise FetchError(f"{url}: {type(err).__name__}: {err}") from None


def _content_type(response: httpx.Response) -> str:
    return str(response.headers.get("content-type", "")).split(";")[0].strip().lower()


def _read(response: httpx.Response, url: str, settings: FetchSettings, deadline: float) -> bytes:
    """The body, at most `max_bytes`, read before `deadline`."""
    too_big = FetchError(
        f"{url}: the page is larger than {settings.max_bytes // 1_000_000 or 1} MB; "
        "it is probably not a news article"
    )
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > settings.max_bytes:
        raise too_big
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > settings.max_bytes:
            raise too_big
        if time.monotonic() > deadline:
            raise FetchError(
                f"{url}: the page took longer than {settings.deadline:g} s to load; "
                "try again later"
            )
        chunks.append(chunk)
    return b"".join(chunks)
