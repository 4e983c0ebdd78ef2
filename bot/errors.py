"""The project's exceptions: each message names the file, line or setting and the fix."""

from __future__ import annotations


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
