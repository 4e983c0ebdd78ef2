"""bot/ingest/safety.py: schemes, address classes, the guard on every connection."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import pytest

from bot.ingest import safety
from bot.ingest.errors import UnsafeURLError


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fd00::1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.251", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("100.64.0.1", "public"),  # carrier-grade NAT
        ("240.0.0.1", "address"),  # reserved (named private by newer Pythons)
    ],
)
def test_non_public_addresses_are_named(address: str, problem: str) -> None:
    found = safety.address_problem(ipaddress.ip_address(address))
    assert found is not None and problem in found


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1::1", "1.1.1.1"])
def test_public_addresses_pass(address: str) -> None:
    assert safety.address_problem(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.0.0.1:8080/page.html",
        "http://[::1]/",
        "http://10.0.0.1/admin",
        "http://192.168.0.10/",
        "http://169.254.169.254/latest/meta-data/",
        "http://localhost:9000/",
        "http://2130706433/",  # 127.0.0.1 as one number
    ],
)
def test_private_urls_are_refused_with_the_setting_off(url: str) -> None:
    with pytest.raises(UnsafeURLError) as info:
        safety.check_url(url, allow_private=False)
    message = str(info.value)
    assert "refused" in message and "allow private networks" in message
    assert "--allow-private-networks" in message


def test_private_urls_pass_with_the_setting_on() -> None:
    safety.check_url("http://127.0.0.1:8080/page.html", allow_private=True)
    safety.check_url("http://10.0.0.1/", allow_private=True)


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("file:///etc/passwd", "only http"),
        ("ftp://example.org/a", "only http"),
        ("gopher://127.0.0.1:70/", "only http"),
        ("javascript:alert(1)", "only http"),
        ("http:///nohost", "no host"),
        ("http://user:secret@example.org/", "user name or password"),
        ("http://example.org:99999/", "not a valid URL"),
    ],
)
def test_other_schemes_and_odd_urls_are_refused(url: str, words: str) -> None:
    with pytest.raises(UnsafeURLError, match=words):
        safety.check_url(url, allow_private=True)


def test_a_name_that_resolves_to_any_private_address_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fake(host: str, port: int, **kwargs: Any) -> list[Any]:
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port)),
        ]

    monkeypatch.setattr(safety.socket, "getaddrinfo", fake)
    with pytest.raises(UnsafeURLError, match=r"news\.example \(10\.0\.0\.7\)"):
        safety.check_url("https://news.example/a", allow_private=False)


def test_the_guard_checks_the_address_it_connects_to(monkeypatch: pytest.MonkeyPatch) -> None:
    """DNS rebinding: public when checked, loopback a moment later: refused at connect."""
    answers = iter(["93.184.216.34", "127.0.0.1"])

    def fake(host: str, port: int, **kwargs: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    monkeypatch.setattr(safety.socket, "getaddrinfo", fake)
    safety.check_url("http://rebind.example/", allow_private=False)  # first answer: public
    guard = safety.GuardedBackend(allow_private=False)
    with pytest.raises(UnsafeURLError, match="loopback"):
        guard.connect_tcp("rebind.example", 80, timeout=1)


def test_unknown_host_names_fail_clearly() -> None:
    with pytest.raises(UnsafeURLError, match="cannot resolve"):
        safety.check_url("http://no-such-host.invalid/", allow_private=False)


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
        ("2002:a00:1::1", "private"),  # 6to4 of 10.0.0.1
        ("2002:a9fe:a9fe::", "link-local"),  # 6to4 of 169.254.169.254
        ("64:ff9b::7f00:1", "loopback"),  # NAT64 of 127.0.0.1
        ("64:ff9b::a00:1", "private"),
        ("64:ff9b:1::c0a8:101", "local-use NAT64"),  # RFC 8215: for local networks
        ("::ffff:10.0.0.1", "private"),  # IPv4-mapped
        ("::127.0.0.1", "loopback"),  # IPv4-compatible (deprecated)
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", "loopback"),  # Teredo, client 127.0.0.1
    ],
)
def test_ipv6_forms_of_private_ipv4_addresses_are_refused(address: str, problem: str) -> None:
    found = safety.address_problem(ipaddress.ip_address(address))
    assert found is not None and problem in found, found
