"""The buttons under an answer ("More", "Paragraph"/"Quote") and the callback data behind them.

Every button asks for a `View` of the answer it sits under: how many quotes it shows, and
which of them are opened to their whole paragraph. The data is
``<kind>|<version tag>|<shown>|<opened bits>`` (well under Telegram's 64 bytes), kind ``n``
for "More" (the next quotes: a search) and ``v`` for opening or closing a paragraph; what was asked,
and by whom, is kept with the answer's message id in the chat (`exchanges`). The version
tag is derived from `engine.version`, so a button from before an index change is stale;
so is the older ``m|``/``p|`` data of earlier versions.

Under a found answer in a private chat, a 👍/👎 pair (`vote_row`): data ``f|+|<log id>``
or ``f|-|<log id>``, the id of the answer in the question log (`bot.state.QuestionLog`),
which holds the question and the quoted passage; the pair is carried over when the
answer is edited, and the chosen one marked.

`ButtonStore` keeps payloads too long for callback data (the admin's "Add" link) under
short keys that are unique to this process.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram.i18n import text

MAX_CALLBACK_DATA = 64  # bytes, Telegram's limit
MAX_SHOWN = 30  # quotes one answer message shows at most
PATTERN = r"^[mpvn]\|"  # what the CallbackQueryHandler listens to (m, p: older versions)
MORE, TOGGLE = "n", "v"
VOTE_PATTERN = r"^f\|"  # the 👍/👎 pair
VOTE_PREFIX, GOOD, BAD, CHOSEN = "f|", "👍", "👎", " ✓"
PER_ROW = 3


@dataclass(frozen=True)
class View:
    """What an answer message shows: the first `shown` quotes, `opened` ones (bit i for
    quote i) opened to their whole paragraph."""

    shown: int
    opened: int = 0

    def is_open(self, number: int) -> bool:
        """Whether quote `number` (0-based) shows its paragraph."""
        return bool(self.opened >> number & 1)

    def toggled(self, number: int) -> View:
        """This view with quote `number` opened, or closed again."""
        return View(self.shown, self.opened ^ (1 << number))

    def more(self, page: int) -> View:
        """The view with the next quotes: up to `page` at first, then `page` more."""
        return View(min(self.shown + page if self.shown >= page else page, MAX_SHOWN),
                    self.opened)


def version_tag(version: str) -> str:
    """Six hex characters that change whenever the engine's version does."""
    return hashlib.sha1(version.encode("utf-8")).hexdigest()[:6]


@dataclass(frozen=True)
class Press:
    """What a pressed button asks for: a view, and whether it shows more quotes."""

    view: View
    more: bool


def view_data(tag: str, view: View, kind: str = TOGGLE) -> str:
    """Callback data of a button that shows `view` ("More" when `kind` is MORE)."""
    return f"{kind}|{tag}|{view.shown}|{view.opened}"


def decode(data: str, tag: str) -> Press | None:
    """What a pressed button asks for, or None if it is stale, malformed or not ours."""
    parts = data.split("|")
    if len(parts) != 4 or parts[0] not in (MORE, TOGGLE) or parts[1] != tag:
        return None
    shown, opened = parts[2], parts[3]
    if not (shown.isdigit() and opened.isdigit() and len(shown) <= 2 and len(opened) <= 10):
        return None
    view = View(int(shown), int(opened))
    if not 1 <= view.shown <= MAX_SHOWN or view.opened >= 1 << view.shown:
        return None
    return Press(view, parts[0] == MORE)


def keyboard(
    view: View, paragraphs: Sequence[int | None], lang: str, tag: str, more: View | None,
    votes: Sequence[InlineKeyboardButton] | None = None,
) -> InlineKeyboardMarkup | None:
    """A "Paragraph" (or, opened, "Quote") button for each quote with a paragraph number in
    `paragraphs` (None: the quote is its whole paragraph), the `votes` row, and "More" if
    `more` (last)."""
    row: list[InlineKeyboardButton] = []
    several = len(paragraphs) > 1  # then each button says which quote it opens
    for number, paragraph in enumerate(paragraphs):
        if paragraph is None:
            continue
        label = text(lang, "quote" if view.is_open(number) else "paragraph")
        if several:
            label += f" {paragraph}"
        row.append(InlineKeyboardButton(label, callback_data=view_data(tag, view.toggled(number))))
    rows = [row[i : i + PER_ROW] for i in range(0, len(row), PER_ROW)]
    if votes:
        rows.append(list(votes))
    if more is not None:
        label = f"{text(lang, 'more')} ▸"
        rows.append([InlineKeyboardButton(label, callback_data=view_data(tag, more, MORE))])
    return InlineKeyboardMarkup(rows) if rows else None


def vote_row(logged: int) -> list[InlineKeyboardButton]:
    """The 👍/👎 pair for the answer logged as `logged`."""
    return [InlineKeyboardButton(GOOD, callback_data=f"{VOTE_PREFIX}+|{logged}"),
            InlineKeyboardButton(BAD, callback_data=f"{VOTE_PREFIX}-|{logged}")]


def decode_vote(data: str) -> tuple[bool, int] | None:
    """(good, log id) of a 👍/👎 press, or None if the data is no such button."""
    parts = data.split("|")
    if len(parts) != 3 or parts[0] + "|" != VOTE_PREFIX or parts[1] not in ("+", "-"):
        return None
    if not (parts[2].isdigit() and parts[2].isascii() and len(parts[2]) <= 18):
        return None
    return parts[1] == "+", int(parts[2])


def votes_in(markup: InlineKeyboardMarkup | None) -> list[InlineKeyboardButton] | None:
    """The 👍/👎 row of a message's buttons (to keep it when the message is edited)."""
    rows = markup.inline_keyboard if markup else ()
    return next((list(row) for row in rows if _is_votes(row)), None)


def voted(markup: InlineKeyboardMarkup, good: bool) -> InlineKeyboardMarkup:
    """`markup` with the chosen one of its 👍/👎 pair marked."""
    return InlineKeyboardMarkup([[_mark(b, good) for b in row] if _is_votes(row) else list(row)
                                 for row in markup.inline_keyboard])


def _is_votes(row: Sequence[InlineKeyboardButton]) -> bool:
    return bool(row) and all(str(b.callback_data or "").startswith(VOTE_PREFIX) for b in row)


def _mark(button: InlineKeyboardButton, good: bool) -> InlineKeyboardButton:
    pressed = decode_vote(str(button.callback_data or ""))
    label = GOOD if pressed and pressed[0] else BAD
    chosen = pressed is not None and pressed[0] == good
    return InlineKeyboardButton(label + (CHOSEN if chosen else ""),
                                callback_data=button.callback_data)


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
