"""Logging for the bot: quiet HTTP client logs and a token that never reaches a log line.

httpx logs every request URL at INFO, and Bot API URLs contain the token; `redact` makes
every log record, including formatted tracebacks, show ``<token>`` instead.
"""

from __future__ import annotations

import logging
from typing import Any

REDACTED = "<token>"
_secrets: set[str] = set()
_installed = False


def setup(level: int = logging.INFO) -> None:
    """Configure console logging for `newsbot serve`: at least `level` (the CLI may have set
    up WARNING already, which would hide the start line)."""
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=level)
    root = logging.getLogger()
    root.setLevel(min(root.level or level, level))
    quiet_http_clients()


def _no_startup_traceback(record: logging.LogRecord) -> None:
    """A failed start is reported by `serve` in one line; PTB's traceback adds nothing."""
    if record.name.startswith("telegram.ext") and "Network Retry Loop (Bootstrap" in str(
        record.args
    ):
        record.exc_info = None
        record.exc_text = None


def quiet_http_clients() -> None:
    """Keep httpx/httpcore request lines (which contain the token) out of INFO logs."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


def redact(secret: str) -> None:
    """From now on, replace `secret` by <token> in every log record of this process."""
    global _installed
    if secret:
        _secrets.add(secret)
    if not _installed:
        factory = logging.getLogRecordFactory()

        def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = factory(*args, **kwargs)
            _no_startup_traceback(record)
            _scrub(record)
            return record

        logging.setLogRecordFactory(make_record)
        _installed = True


def scrub(value: str) -> str:
    """`value` with every registered secret replaced."""
    for secret in _secrets:
        value = value.replace(secret, REDACTED)
    return value


def _scrub(record: logging.LogRecord) -> None:
    if not _secrets:
        return
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: leave it to the handler to report
        return
    clean = scrub(message)
    if clean != message:
        record.msg, record.args = clean, None
    if record.exc_info and record.exc_info[1] is not None:
        formatted = logging.Formatter().formatException(record.exc_info)
        record.exc_text = scrub(formatted)
