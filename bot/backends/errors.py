"""The search backends' own error: a shard that cannot be reached or read, a setting
that names none, bindings that are missing — each message says what to do."""

from __future__ import annotations

from bot.errors import NewsbotError


class BackendError(NewsbotError):
    """A search backend that cannot be used as configured."""
