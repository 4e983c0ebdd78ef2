"""The buttons under an answer ("More", "Paragraph") and the callback data behind them.

Callback data is ``<kind>|<version tag>|<payload>`` and at most 64 bytes. The version tag
is derived from `engine.version`, so a button from before an index change is recognised
as stale. Payloads that do not fit (the question behind "More", a long passage id) are kept
in a bounded in-memory store under a key that is unique to this process, so buttons from
before a restart are stale too and never show the wrong thing.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.models import Snippet
from bot.telegram.i18n import text

MAX_CALLBACK_DATA = 64  # bytes, Telegram's limit
PATTERN = r"^[mp]\|"  # what the CallbackQueryHandler listens to


@dataclass(frozen=True)
class More:
    """Show the snippets after the first `offset` for the stored question."""

    question: str
    offset: int


@dataclass(frozen=True)
class ShowParagraph:
    """Show the whole paragraph of a passage."""

    passage_id: str


def version_tag(version: str) -> str:
    """Six hex characters that change whenever the engine's version does."""
    return hashlib.sha1(version.encode("utf-8")).hexdigest()[:6]


class ButtonStore:
    """Bounded map from short keys to payloads too long for callback data."""

    def __init__(self, size: int = 5000) -> None:
        self._size = size
        self._values: OrderedDict[str, str] = OrderedDict()
        self._keys: dict[str, str] = {}
        self._session = secrets.token_hex(2)
        self._counter = 0

    def put(self, value: str) -> str:
        """Store `value` and return its key (the same key for the same value)."""
        key = self._keys.get(value)
        if key is None:
            self._counter += 1
            key = f"{self._session}{self._counter:x}"
            self._keys[value] = key
        self._values[key] = value
        self._values.move_to_end(key)
        while len(self._values) > self._size:
            _, old = self._values.popitem(last=False)
            self._keys.pop(old, None)
        return key

    def get(self, key: str) -> str | None:
        """The value stored under `key`, or None if it is unknown or evicted."""
        return self._values.get(key)


def more_data(tag: str, question: str, offset: int, store: ButtonStore) -> str:
    """Callback data of a "More" button."""
    return f"m|{tag}|{store.put(question)}|{offset}"


def paragraph_data(tag: str, passage_id: str, store: ButtonStore) -> str:
    """Callback data of a "Paragraph" button: the passage id itself if it fits."""
    data = f"p|{tag}|{passage_id}"
    if len(data.encode("utf-8")) <= MAX_CALLBACK_DATA and not passage_id.startswith("~"):
        return data
    return f"p|{tag}|~{store.put(passage_id)}"


def decode(data: str, tag: str, store: ButtonStore) -> More | ShowParagraph | None:
    """What a pressed button asks for, or None if it is stale or not ours."""
    kind, _, rest = data.partition("|")
    button_tag, _, payload = rest.partition("|")
    if button_tag != tag or not payload:
        return None
    if kind == "m":
        key, _, offset = payload.partition("|")
        question = store.get(key)
        if question is None or not offset.isdigit():
            return None
        return More(question, int(offset))
    if kind == "p":
        passage_id = store.get(payload[1:]) if payload.startswith("~") else payload
        return ShowParagraph(passage_id) if passage_id else None
    return None


def keyboard(
    snippets: Sequence[Snippet],
    lang: str,
    tag: str,
    store: ButtonStore,
    more: More | None = None,
) -> InlineKeyboardMarkup | None:
    """One "Paragraph" button per quoted paragraph, and "More" if there are more quotes."""
    row: list[InlineKeyboardButton] = []
    seen: set[str] = set()
    single = len({s.passage_id for s in snippets}) == 1
    for snippet in snippets:
        if snippet.passage_id in seen:
            continue
        seen.add(snippet.passage_id)
        label = text(lang, "paragraph")
        if not single:
            label += f" {snippet.source.paragraph}"
        data = paragraph_data(tag, snippet.passage_id, store)
        row.append(InlineKeyboardButton(label, callback_data=data))
    rows = [row[i : i + 3] for i in range(0, len(row), 3)]
    if more is not None:
        data = more_data(tag, more.question, more.offset, store)
        rows.append([InlineKeyboardButton(f"{text(lang, 'more')} ▸", callback_data=data)])
    return InlineKeyboardMarkup(rows) if rows else None
