"""Query expansion across languages: a question word -> words of the articles' language.

This is the one place where translations and synonyms enter the query path. Each
source word becomes one group of target-language words (its translations, and the
word itself for names and cognates), scored as one pseudo-term by the index.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

MAX_TRANSLATIONS = 10


@lru_cache(maxsize=50_000)
def translations(word: str, source: str, target: str) -> tuple[str, ...]:
    """Target-language translations of `word`, best first; () if unknown or same language."""
    if source == target:
        return ()
    try:
        from bot.dictionary import Dictionary
    except ImportError:  # dictionary data not installed
        return ()
    try:
        dictionary = Dictionary.load(f"{source}-{target}")
    except (FileNotFoundError, ValueError):
        return ()
    return tuple(dictionary.translations(word, limit=MAX_TRANSLATIONS))


def dictionary_headwords(source: str, target: str) -> Mapping[str, str]:
    """The words the `source`-`target` dictionary translates (empty if it is missing)."""
    try:
        from bot.dictionary import Dictionary
    except ImportError:
        return {}
    try:
        return Dictionary.load(f"{source}-{target}").headwords
    except (FileNotFoundError, ValueError):
        return {}
