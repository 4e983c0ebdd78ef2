"""Which URLs may be fetched: http(s) only, and only public addresses unless allowed.

`check_url` refuses a URL before any connection (clear message, no traffic). Because a
name can resolve to another address a moment later (DNS rebinding), `GuardedBackend` is
the network backend the fetcher's connections go through: it resolves the host itself,
checks every address, and connects to the checked address — never to a second lookup.
Given a `Deadline`, it also bounds name lookups (each runs in a thread that is given up
on at the deadline; the system resolver may take 30 s), connecting and every later
socket operation by it.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import httpcore

from bot.errors import shown
from bot.ingest.deadline import Deadline, DeadlineStream
from bot.ingest.errors import PRIVATE_FIX, FetchError, UnsafeURLError

SCHEMES = ("http", "https")
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


NAT64 = ipaddress.ip_network("64:ff9b::/96")  # the IPv4 address in the last 32 bits
LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215: local use, any layout


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, compatible, 6to4, NAT64, Teredo
    client), which is where a connection to it ends up."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    number = int(address)
    if address in NAT64 or 1 < number < 1 << 32:
        return ipaddress.IPv4Address(number & 0xFFFFFFFF)
    return None


def address_problem(address: IPAddress) -> str | None:
    """Why `address` is not a public internet address (None if it is)."""
    if isinstance(address, ipaddress.IPv6Address):
        if address in LOCAL_NAT64:
            return "a local-use NAT64 address"
        inner = embedded_ipv4(address)
        problem = address_problem(inner) if inner is not None else None
        if problem:
            return f"{problem} (IPv4 {inner} inside IPv6)"
    checks = (
        ("is_loopback", "a loopback address"),
        ("is_link_local", "a link-local address"),
        ("is_multicast", "a multicast address"),
        ("is_unspecified", "an unspecified address"),
        ("is_private", "a private-network address"),
        ("is_reserved", "a reserved address"),
    )
    for attribute, problem in checks:
        if getattr(address, attribute):
            return problem
    if not address.is_global:
        return "not a public internet address"
    return None


def resolve(host: str, port: int, deadline: Deadline | None = None) -> list[IPAddress]:
    """Every address `host` resolves to (an IP literal resolves to itself); raises
    FetchError if that takes past the `deadline`."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = _lookup(host, port, deadline)
    except (socket.gaierror, UnicodeError) as err:
        raise UnsafeURLError(
            f"cannot resolve the host name {shown(host)} ({err}); check the address"
        ) from None
    seen: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if address not in seen:
            seen.append(address)
    return seen


def _lookup(host: str, port: int, deadline: Deadline | None) -> list[Any]:
    if deadline is None:
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    got: list[Any] = []

    def look_up() -> None:
        try:
            got.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except Exception as err:
            got.append(err)

    worker = threading.Thread(target=look_up, name="newsbot-dns", daemon=True)
    worker.start()
    worker.join(max(deadline.left(), 0.0))
    if not got:  # the thread ends when the resolver gives up; nothing waits for it
        deadline.hit = True
        raise FetchError(f"{shown(host)}: the page took longer than {deadline.seconds:g} s to "
                         "load (the host name did not resolve in time); try again later")
    if isinstance(got[0], Exception):
        raise got[0]
    return list(got[0])


def check_addresses(host: str, addresses: Iterable[IPAddress], allow_private: bool) -> None:
    """Raise UnsafeURLError if any address of `host` is not public (unless allowed)."""
    if allow_private:
        return
    for address in addresses:
        problem = address_problem(address)
        if problem:
            where = host if host == str(address) else f"{host} ({address})"
            raise UnsafeURLError(f"refused to fetch from {where}: {problem}; {PRIVATE_FIX}")


def check_url(url: str, allow_private: bool, deadline: Deadline | None = None) -> None:
    """Raise UnsafeURLError unless `url` is http(s) with a host that may be fetched (and
    FetchError if resolving it takes past the `deadline`)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as err:
        raise UnsafeURLError(f"{shown(url, 200)} is not a valid URL ({err})") from None
    if parts.scheme.lower() not in SCHEMES:
        raise UnsafeURLError(
            f"refused {shown(url, 200)}: only http:// and https:// addresses can be added"
        )
    if not parts.hostname:
        raise UnsafeURLError(f"{shown(url, 200)} has no host name; "
                             "write the full https://… address")
    if parts.username or parts.password:
        raise UnsafeURLError(f"refused {shown(url, 200)}: addresses with a user name or password")
    port = port or (443 if parts.scheme.lower() == "https" else 80)
    check_addresses(parts.hostname, resolve(parts.hostname, port, deadline), allow_private)


class GuardedBackend(httpcore.SyncBackend):
    """A network backend that connects only to addresses it has itself checked."""

    def __init__(self, allow_private: bool, deadline: Deadline | None = None) -> None:
        self.allow_private = allow_private
        self.deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = resolve(host, port, self.deadline)
        check_addresses(host, addresses, self.allow_private)
        last: Exception | None = None
        for address in addresses:
            limit, cut = (timeout, False) if self.deadline is None else self.deadline.timeout(
                timeout)
            try:
                stream = super().connect_tcp(
                    str(address), port, limit, local_address, socket_options
                )
            except httpcore.ConnectError as err:
                last = err
                continue
            except httpcore.ConnectTimeout:
                if cut and self.deadline is not None:
                    self.deadline.hit = True
                raise
            return stream if self.deadline is None else DeadlineStream(stream, self.deadline)
        raise last or httpcore.ConnectError(f"no address for {host}")
