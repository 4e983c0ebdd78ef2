"""Which addresses admins may give the bot in a chat (/add, /follow): web ones only."""

from __future__ import annotations

from urllib.parse import urlsplit

WEB_SCHEMES = ("http", "https")  # all that /add and /follow take; files are for the CLI


def is_web_address(value: str) -> bool:
    """Whether `value` is an http(s) URL with a host; decided on the text alone.

    Telegram admins add web pages only: a server path (even `file://`) is refused before
    anything looks at the file system, so no reply tells whether such a path exists.
    """
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:  # e.g. an unclosed [IPv6 bracket
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(host) and value.isprintable()
