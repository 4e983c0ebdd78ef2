"""The bot's prompts with example questions: for greetings, usage hints, /start and /help.

The examples come from the articles' overview (made off the event loop), in the reader's
language; `examples` in the config replaces them.
"""

from __future__ import annotations

import html

from bot.telegram.i18n import text
from bot.telegram.state import BotState


async def examples(st: BotState, lang: str) -> tuple[str, str] | None:
    """Two example questions in `lang`, or None when there are no articles to ask about."""
    found = st.config.examples or await st.overview.examples(st.engine, lang)
    return (found[0], found[1]) if len(found) >= 2 else None


async def example_question(st: BotState, lang: str) -> str:
    """One example question in `lang` (plain text), for usage hints."""
    found = await examples(st, lang)
    return found[0] if found else "…"


def examples_html(found: tuple[str, str] | None, lang: str) -> str:
    """The two example questions as a list, escaped; empty without any."""
    if found is None:
        return ""
    first, second = (html.escape(e) for e in found)
    return text(lang, "examples", example1=first, example2=second)


async def prompt_html(st: BotState, lang: str) -> str:
    """The short prompt for a greeting or a bare "?": two example questions in `lang`."""
    found = await examples(st, lang)
    if found is None:
        return text(lang, "no_examples")
    return text(lang, "prompt", examples=examples_html(found, lang))
