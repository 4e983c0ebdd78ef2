"""The bot's old state file, taken into the database once.

Before the database, ``state_file`` / ``$NEWSBOT_STATE_FILE`` was a python-telegram-bot
`PicklePersistence` file (a pickle, not JSON) holding each chat's ``chat_data``: its
``autoanswer`` switch and its ``exchanges`` (message id → `Exchange`: question,
follow-up, quoted article ids, asker, time). `import_state_file` copies those into
`chat_settings` and `contexts` and records the file (size and modification time) in
`meta`, so the same file is not taken in twice; the file itself is left as it is.

Unpickling runs whatever a pickle names, so this one is restricted: only plain
containers and the two dataclasses the bot stored (`Exchange`, `FollowUp`) are built —
as inert stand-ins, without importing the Telegram layer — and anything else stops the
import with a message (nothing from such a file is taken in). python-telegram-bot's
placeholder for the bot object becomes None.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import pickle
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.state.errors import StateError
from bot.state.records import Context

logger = logging.getLogger(__name__)

MAX_FILE = 200_000_000  # bytes
_SAFE_BUILTINS = frozenset({"dict", "list", "tuple", "set", "frozenset", "bool", "int",
                            "float", "str", "bytes", "NoneType"})


class _Loaded:
    """A stand-in for one of the bot's dataclasses: its fields, nothing else."""

    def __setstate__(self, state: Any) -> None:
        if isinstance(state, tuple) and len(state) == 2:  # (dict, slots) of dataclasses
            state = {**(state[0] or {}), **(state[1] or {})}
        if isinstance(state, dict):
            self.__dict__.update({str(k): v for k, v in state.items()})


class _Exchange(_Loaded):
    pass


class _FollowUp(_Loaded):
    pass


_ALLOWED: dict[tuple[str, str], type] = {
    ("bot.telegram.exchanges", "Exchange"): _Exchange,
    ("bot.models", "FollowUp"): _FollowUp,
}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module == "builtins" and name in _SAFE_BUILTINS:
            return super().find_class(module, name)
        allowed = _ALLOWED.get((module, name))
        if allowed is None:
            raise pickle.UnpicklingError(f"it names {module}.{name}, which the bot never "
                                         "stored there")
        return allowed

    def persistent_load(self, pid: Any) -> None:
        return None  # python-telegram-bot's placeholder for the Bot object


@dataclass(frozen=True)
class Imported:
    """What `import_state_file` took in."""

    chats: int = 0  # chats whose autoanswer switch was set
    contexts: int = 0  # message ids with a follow-up context
    skipped: bool = False  # the file was taken in before, or there is none


def import_state_file(state: Any, path: Path) -> Imported:
    """Take the chats of the old state file at `path` into `state` (a `State`), once;
    raises StateError for a file that is no such state file."""
    try:
        stat = path.stat()
    except OSError:
        return Imported(skipped=True)
    marker = f"legacy:{path.absolute()}"
    stamp = f"{stat.st_size}:{stat.st_mtime_ns}"
    if state.marker(marker) == stamp:
        return Imported(skipped=True)
    if stat.st_size > MAX_FILE:
        raise StateError(f"{path}: the old state file is larger than "
                         f"{MAX_FILE // 1_000_000} MB; it is not newsbot's")
    chat_data = _chat_data(path)
    chats = contexts = 0
    for chat_id, data in chat_data.items():
        if not isinstance(chat_id, int) or not isinstance(data, Mapping):
            continue
        if isinstance(data.get("autoanswer"), bool):
            state.settings.set(chat_id, autoanswer=data["autoanswer"])
            chats += 1
        contexts += _take_exchanges(state, chat_id, data.get("exchanges"))
    state.mark(marker, stamp)
    logger.info("took %d chat setting(s) and %d follow-up context(s) from %s into %s",
                chats, contexts, path, state.shown)
    return Imported(chats, contexts)


def _chat_data(path: Path) -> Mapping[Any, Any]:
    try:
        data = _Unpickler(io.BytesIO(path.read_bytes())).load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError,
            IndexError, KeyError, RecursionError, MemoryError) as err:
        raise StateError(f"{path}: not the bot's old state file ({err}); remove it or "
                         "unset NEWSBOT_STATE_FILE / state_file") from None
    if not isinstance(data, Mapping) or not isinstance(data.get("chat_data", {}), Mapping):
        raise StateError(f"{path}: not the bot's old state file (no chat_data); remove it or "
                         "unset NEWSBOT_STATE_FILE / state_file")
    chat_data = data.get("chat_data", {})
    assert isinstance(chat_data, Mapping)
    return chat_data


def _take_exchanges(state: Any, chat_id: int, exchanges: Any) -> int:
    if not isinstance(exchanges, Mapping):
        return 0
    taken = 0
    for message_id, exchange in exchanges.items():
        context = _context(exchange)
        if isinstance(message_id, int) and context is not None:
            state.context.put(chat_id, [message_id], context)
            taken += 1
    return taken


def _context(exchange: Any) -> Context | None:
    """The Context of a stored Exchange (None if it is not one)."""
    if not isinstance(exchange, _Exchange):
        return None
    fields = exchange.__dict__
    question, at = fields.get("question"), fields.get("at")
    if not isinstance(question, str) or not isinstance(at, int | float):
        return None
    follow = fields.get("follow_up")
    previous = follow.__dict__ if isinstance(follow, _FollowUp) else {}
    asker = fields.get("asker")
    return Context(
        question=question, article_ids=_ids(fields.get("article_ids")),
        at=dt.datetime.fromtimestamp(float(at), dt.UTC),
        previous_question=previous.get("question") if isinstance(
            previous.get("question"), str) else None,
        previous_article_ids=_ids(previous.get("article_ids")),
        asker=asker if isinstance(asker, int) else None,
    )


def _ids(value: Any) -> tuple[str, ...]:
    if not isinstance(value, tuple | list):
        return ()
    return tuple(v for v in value if isinstance(v, str))
