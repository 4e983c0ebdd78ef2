"""bot/ingest/site.py: registrable domains, and outlet names against the fetched host."""

from __future__ import annotations

import pytest

from bot.ingest.site import outlet, registrable_domain, same_site


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("news.bbc.co.uk", "bbc.co.uk"),
        ("www.reuters.com", "reuters.com"),
        ("a.b.example.com.au", "example.com.au"),
        ("news.riverside-gazette.example", "riverside-gazette.example"),  # no public suffix
        ("127.0.0.1", "127.0.0.1"),
        ("localhost", "localhost"),
    ],
)
def test_registrable_domains(host: str, domain: str) -> None:
    assert registrable_domain(host) == domain


def test_same_site_means_same_registrable_domain() -> None:
    assert same_site("https://news.example.co.uk/a", "http://www.example.co.uk/b")
    assert not same_site("https://evil.co.uk/a", "https://example.co.uk/a")
    assert not same_site("https://www.reuters.com/a", "http://127.0.0.1:8000/a")
    assert not same_site("https://reuters.com.evil.example/a", "https://reuters.com/a")


@pytest.mark.parametrize(
    ("claimed", "url", "shown"),
    [
        ("Süddeutsche Zeitung", "https://www.sueddeutsche.de/x", "Süddeutsche Zeitung"),
        ("BBC News", "https://www.bbc.co.uk/news/x", "BBC News"),
        ("FAZ.NET", "https://www.faz.net/x", "FAZ.NET"),
        ("Reuters", "http://127.0.0.1:8000/x", "Reuters (127.0.0.1)"),
        ("Reuters", "https://reuters.evil.example/x", "Reuters (reuters.evil.example)"),
        ("Frankfurter Allgemeine", "https://www.faz.net/x", "Frankfurter Allgemeine (faz.net)"),
        ("", "https://www.example.org/x", "example.org"),
        ("https://spam", "https://www.example.org/x", "example.org"),
        ("Stadtbote", None, "Stadtbote"),  # a saved file: nothing was fetched
    ],
)
def test_outlet_shows_the_host_when_the_claim_does_not_fit(
    claimed: str, url: str | None, shown: str,
) -> None:
    assert outlet(claimed, url) == shown
