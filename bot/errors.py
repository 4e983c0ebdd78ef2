"""The project's exceptions: each message names the file, line or setting and the fix."""

from __future__ import annotations

import reprlib


class NewsbotError(Exception):
    """Base class for every error newsbot raises on purpose."""


class KnowledgeError(NewsbotError):
    """A knowledge file that cannot be used as it is."""

    def __init__(self, path: str, problem: str, fix: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.problem = problem
        self.fix = fix
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {problem} — {fix}")


class ConfigError(NewsbotError):
    """A missing or invalid setting (config file or environment)."""


class IndexError_(NewsbotError):
    """A saved index that cannot be used (missing, truncated, or from other knowledge)."""


def shown(value: object, limit: int = 80) -> str:
    """`value` for a message, as repr() gives it but at most `limit` characters, made
    without rendering the whole of a huge value."""
    text = _REPR.repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _short_repr() -> reprlib.Repr:
    brief = reprlib.Repr()
    brief.maxstring = brief.maxother = brief.maxlong = 60
    brief.maxlist = brief.maxtuple = brief.maxdict = brief.maxset = 3
    brief.maxlevel = 2
    return brief


_REPR = _short_repr()
