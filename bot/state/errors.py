"""Errors of the state database: each message names the database (password hidden) and the fix."""

from __future__ import annotations

from bot.errors import NewsbotError


class StateError(NewsbotError):
    """The state database cannot be opened or used, or a request to it is refused."""
