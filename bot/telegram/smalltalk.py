"""Inputs that are no question: greetings, a bare "?", a single character.

They get a short prompt with example questions instead of a search (which would only
say "nothing found for „?“"). `greeting_language` tells which language a greeting is in,
when the greeting itself says so ("Moin" is German, "hi" could be anything).
"""

from __future__ import annotations

import re

_GREETINGS = {
    "de": {
        "hallo", "moin", "moin moin", "servus", "grüß gott", "grüss gott", "guten tag",
        "guten morgen", "guten abend", "hallöchen", "tach", "danke", "danke schön",
        "hallo zusammen", "hallo bot", "na",
    },
    "en": {
        "hello", "good morning", "good evening", "good afternoon", "howdy", "greetings",
        "thanks", "thank you", "hello there", "hi there", "hello bot",
    },
    "": {"hi", "hey", "yo", "hej", "hey there", "hi bot", "hey bot", "ok", "okay", "test"},
}  # fmt: skip
_LANGUAGE = {word: lang for lang, words in _GREETINGS.items() for word in words}
_NOT_WORD = re.compile(r"[\W_]+")


def normalised(value: str) -> str:
    """Lower case, punctuation and emoji dropped, spaces collapsed."""
    return " ".join(_NOT_WORD.sub(" ", value.casefold()).split())


def is_small(value: str) -> bool:
    """Whether `value` is a greeting, only punctuation, or at most one letter or digit."""
    words = normalised(value)
    return len(words.replace(" ", "")) <= 1 or words in _LANGUAGE


def greeting_language(value: str) -> str | None:
    """The language of a greeting that only one language uses ("de", "en"), else None."""
    return _LANGUAGE.get(normalised(value)) or None
