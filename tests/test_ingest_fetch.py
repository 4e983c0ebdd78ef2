"""bot/ingest/fetch.py against a local web server: redirects, size, time, content type."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

import pytest
from pageserver import PageServer

from bot.ingest import safety
from bot.ingest.errors import FetchError, UnsafeURLError
from bot.ingest.fetch import USER_AGENT, FetchSettings, fetch

OPEN = FetchSettings(allow_private_networks=True, timeout=1.0, deadline=3.0)


@pytest.fixture(scope="module")
def server() -> Iterator[PageServer]:
    with PageServer() as pages:
        yield pages


def test_fetches_a_page_with_a_clear_user_agent(server: PageServer) -> None:
    page = fetch(server.url("bridge-en.html"), OPEN)
    assert b"Severn Lane" in page.body
    assert page.charset == "utf-8"
    assert (("/bridge-en.html", USER_AGENT)) in server.requests
    assert USER_AGENT.startswith("newsbot/")


def test_follows_a_few_redirects_and_reports_the_final_url(server: PageServer) -> None:
    page = fetch(server.url("chain/3"), OPEN)
    assert page.url.endswith("/bridge-en.html")
    assert page.requested.endswith("/chain/3")


def test_too_many_redirects_fail(server: PageServer) -> None:
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetch(server.url("chain/9"), OPEN)
    with pytest.raises(FetchError, match="redirects"):
        fetch(server.url("loop"), OPEN)


def test_each_redirect_hop_is_checked(server: PageServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only 127.0.0.1 counts as public here; a redirect to 127.0.0.2 must be refused."""
    real = safety.address_problem

    def only_first_hop(address: safety.IPAddress) -> str | None:
        return None if address == ipaddress.ip_address("127.0.0.1") else real(address)

    monkeypatch.setattr(safety, "address_problem", only_first_hop)
    closed = FetchSettings(allow_private_networks=False, timeout=1.0)
    assert fetch(server.url("bridge-en.html"), closed).body  # the first hop is fine
    before = len(server.requests)
    target = server.url("bridge-en.html", host="127.0.0.2")
    with pytest.raises(UnsafeURLError, match=r"127\.0\.0\.2: a loopback address"):
        fetch(server.url(f"redirect?to={target}"), closed)
    with pytest.raises(UnsafeURLError, match="link-local"):
        fetch(server.url("redirect?to=http://169.254.169.254/latest/meta-data/"), closed)
    with pytest.raises(UnsafeURLError, match="only http"):
        fetch(server.url("redirect?to=file:///etc/passwd"), closed)
    assert len(server.requests) == before + 3  # the redirects only; no second hop was made


def test_private_addresses_are_refused_before_any_request(server: PageServer) -> None:
    before = len(server.requests)
    with pytest.raises(UnsafeURLError, match="loopback"):
        fetch(server.url("bridge-en.html"), FetchSettings())
    assert len(server.requests) == before


@pytest.mark.parametrize("path", ["huge", "huge-chunked"])
def test_huge_bodies_are_refused(server: PageServer, path: str) -> None:
    small = FetchSettings(allow_private_networks=True, timeout=2.0, max_bytes=1_000_000)
    with pytest.raises(FetchError, match="larger than 1 MB"):
        fetch(server.url(path), small)


def test_slow_servers_time_out(server: PageServer) -> None:
    quick = FetchSettings(allow_private_networks=True, timeout=0.3)
    with pytest.raises(FetchError, match=r"no answer within 0\.3 s"):
        fetch(server.url("slow"), quick)


def test_trickling_bodies_hit_the_deadline(server: PageServer) -> None:
    quick = FetchSettings(allow_private_networks=True, timeout=1.0, deadline=0.5)
    with pytest.raises(FetchError, match=r"longer than 0\.5 s"):
        fetch(server.url("trickle"), quick)


def test_non_html_is_refused(server: PageServer) -> None:
    with pytest.raises(FetchError, match=r"not an HTML page \(Content-Type application/pdf\)"):
        fetch(server.url("report.pdf"), OPEN)


def test_error_statuses_are_reported(server: PageServer) -> None:
    with pytest.raises(FetchError, match="answered 404"):
        fetch(server.url("missing"), OPEN)


def test_connection_refused_is_a_fetch_error() -> None:
    with PageServer() as gone:
        url = gone.url("x.html")
    with pytest.raises(FetchError, match="ConnectError"):
        fetch(url, OPEN)
