"""An answer as one message shows it: which quotes, which paragraphs opened, which buttons.

`compose` asks the engine and renders; it blocks (the engine answers, paragraphs are
read), so handlers run it in a worker thread. The shape depends on the place: in groups
and channels the first reply is compact (one quote, a one-line source, at most
`render.COMPACT_LIMIT` characters); in private chats it shows `top` quotes. A quote after
the first is shown only if it is as much an answer as the first: when the first one's
bold span is answer evidence, later ones without evidence are left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.models import Answer, FollowUp, Snippet
from bot.telegram import buttons, render
from bot.telegram.buttons import View
from bot.telegram.i18n import language


class Answerer(Protocol):
    """What composing an answer needs of the engine (bot.engine.Engine)."""

    def answer(
        self, question: str, top: int = 3, offset: int = 0, follow_up: FollowUp | None = None
    ) -> Answer: ...

    def paragraph(self, article_id: str, number: int) -> str | None: ...


@dataclass(frozen=True)
class Place:
    """Where an answer is shown: compact (groups, channels, inline) or not, and its page."""

    compact: bool
    top: int  # quotes per page ("More" adds this many)

    def first_view(self) -> View:
        """What a fresh answer shows: one quote when compact, else a page."""
        return View(1 if self.compact else self.top)


@dataclass(frozen=True)
class Composed:
    """One rendered view of an answer."""

    html: str
    language: str  # of the bot's own words (the question's language)
    found: bool
    snippets: tuple[Snippet, ...]  # the quotes shown
    paragraphs: tuple[int | None, ...]  # per quote: its ¶ number if it can be opened
    more: View | None  # the view with further quotes, if there are any

    @property
    def article_ids(self) -> tuple[str, ...]:
        """The articles the shown quotes come from, each once."""
        return tuple(dict.fromkeys(s.source.article_id for s in self.snippets))

    @property
    def passage_id(self) -> str | None:
        """The passage of the first quote shown (None: nothing found)."""
        return self.snippets[0].passage_id if self.snippets else None

    def keyboard(self, view: View, tag: str,
                 votes: Sequence[InlineKeyboardButton] | None = None,
                 ) -> InlineKeyboardMarkup | None:
        """The buttons under this view (with the `votes` row, if any)."""
        return buttons.keyboard(view, self.paragraphs, self.language, tag, self.more, votes)


def compose(
    engine: Answerer, question: str, follow_up: FollowUp | None, view: View, place: Place
) -> Composed:
    """Answer `question` (in the context of `follow_up`) and render `view` of it for `place`."""
    answer = engine.answer(question, top=view.shown + 1, follow_up=follow_up)
    lang = language(answer.language)
    snippets = consistent(answer.snippets) if answer.found else []
    if not snippets:
        return Composed(render.nothing_found_html(question, lang), lang, False, (), (), None)
    shown = snippets[: view.shown]
    texts = [engine.paragraph(s.source.article_id, s.source.paragraph) for s in shown]
    paragraphs = tuple(
        None if render.is_whole(s, p) else s.source.paragraph
        for s, p in zip(shown, texts, strict=True)
    )
    opened = {
        i: p for i, p in enumerate(texts)
        if p is not None and view.is_open(i) and paragraphs[i] is not None
    }  # fmt: skip
    first = view == place.first_view()
    limit = render.COMPACT_LIMIT if place.compact and first else render.MAX_MESSAGE
    html = render.answer_html(shown, lang, limit, compact=place.compact, opened=opened)
    if answer.figures and view.shown == place.first_view().shown:
        # a count question: how the figure developed, as much as fits under the quotes
        room = limit - render.utf16_len(html) - 2
        timeline = render.figures_html(answer.figures, lang, room, compact=place.compact)
        html = f"{html}\n\n{timeline}" if timeline else html
    more = view.more(place.top) if len(snippets) > view.shown else None
    return Composed(html, lang, True, tuple(shown), paragraphs, more)


def consistent(snippets: Sequence[Snippet]) -> list[Snippet]:
    """The snippets that answer as the first does: with answer evidence if it has some."""
    if not snippets:
        return []
    first, *rest = snippets
    if not first.answer_highlighted:
        return list(snippets)
    return [first, *(s for s in rest if s.answer_highlighted)]
