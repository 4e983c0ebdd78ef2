"""Which site a page came from, and whether its claims about itself fit that site.

A page names its own canonical URL and outlet (`og:site_name`); served from anywhere, it
could claim to be Reuters with a reuters.com link (issue 12). What counts is the address
it was fetched from: a canonical URL is taken only on the same registrable domain
(`news.example.co.uk` and `www.example.co.uk` are one site, `evil.co.uk` is another),
found with the Public Suffix List of `tld` (installed with trafilatura, through courlan);
a claimed outlet that does not resemble the fetched host is shown with that host.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from urllib.parse import urlsplit

_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
# Second-level public suffixes, for when `tld` cannot be imported or knows no answer.
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "or", "ne", "go"})


def host_of(url: str | None) -> str | None:
    """The lower-case host name of `url`, without a leading 'www.' (None if it has none)."""
    try:
        host = urlsplit(url).hostname if url else None
    except ValueError:
        return None
    return host.lower().removeprefix("www.") if host else None


def registrable_domain(host: str) -> str:
    """'news.bbc.co.uk' -> 'bbc.co.uk'; an IP address or a single label is itself."""
    host = host.lower().rstrip(".")
    try:
        ipaddress.ip_address(host.strip("[]"))
        return host
    except ValueError:
        pass
    try:
        from tld import get_fld

        found = get_fld(host, fix_protocol=True, fail_silently=True)
        if isinstance(found, str) and found:
            return found
    except ImportError:  # pragma: no cover - tld comes with trafilatura
        pass
    labels = host.split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


def same_site(url: str, other: str) -> bool:
    """Whether both URLs are on one registrable domain."""
    a, b = host_of(url), host_of(other)
    return bool(a and b) and registrable_domain(a or "") == registrable_domain(b or "")


def outlet(claimed: str, fetched_url: str | None) -> str | None:
    """The outlet to show: the page's claim when it fits the host it came from (or there
    is no such host: a saved file), else the claim with the host, else the host."""
    host = host_of(fetched_url)
    if host is None:
        return claimed or None
    if not claimed or ":" in claimed:
        return host
    same = claimed.lower().removeprefix("www.") == host
    return claimed if same or _resembles(claimed, host) else f"{claimed} ({host})"


def _resembles(name: str, host: str) -> bool:
    """'Süddeutsche Zeitung' ~ sueddeutsche.de, 'BBC News' ~ bbc.co.uk, 'FAZ.NET' ~ faz.net."""
    domain = registrable_domain(host)
    if domain == host.strip("[]") and (":" in domain or domain.replace(".", "").isdigit()):
        return False  # an IP address resembles no outlet
    label = _letters(domain.split(".")[0])
    words = _letters(name)
    if len(label) < 3 or len(words) < 3:
        return False
    return label in words or words in _letters(domain)


def _letters(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower().translate(_TRANSLIT))
    return re.sub(r"[^a-z0-9]", "", text.encode("ascii", "ignore").decode("ascii"))
