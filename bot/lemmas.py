"""simplemma's lemmatiser, over its dictionaries saved as tries when they are.

simplemma decodes a language's whole dictionary into a dict the first time a word needs
it. For German that is 1.1M forms: 0.8 s and about 150 MB, paid by the first question
with a word the index has not analysed already ("Xylophonbauerinnen"). The same data as a
MARISA trie (marisa-trie, through simplemma's own TrieDictionaryFactory) opens in a few
milliseconds and gives the same lemmas. `prepare()` saves the trie of a language once
per machine and simplemma version in newsbot's cache folder (an index build calls it);
every later process reads it from there. Without it, or without marisa-trie, simplemma
decodes its dictionary as before.
"""

from __future__ import annotations

import logging
import os
import tempfile
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bot.settings import cache_home

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def trie_dir() -> Path:
    """Where the tries of this simplemma version are kept."""
    return cache_home() / "simplemma" / version("simplemma")  # (without importing it)


def _factory() -> Any:
    """simplemma's trie dictionary factory (None without marisa-trie)."""
    try:
        from simplemma.strategies.dictionaries.trie_dictionary_factory import (
            TrieDictionaryFactory,
        )

        return TrieDictionaryFactory
    except ImportError:
        return None


def prepare(language: str) -> bool:
    """Save the trie of `language` unless it is there; False if it cannot be (no
    marisa-trie, a cache folder that cannot be written): lemmas then come as before."""
    factory = _factory()
    target = trie_dir() / f"{language}.dic"
    if factory is None or target.exists():
        return factory is not None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
            # the factory writes <scratch>/<language>.dic; moved into place whole, so a
            # process never reads a half-written trie
            factory(disk_cache_dir=scratch).get_dictionary(language)
            os.replace(Path(scratch) / f"{language}.dic", target)
    except (OSError, ValueError) as err:
        log.info("lemmas: %s trie not saved (%s): simplemma decodes its dictionary", language,
                 err)
        return False
    _lemmatizer.cache_clear()
    return True


def lemmatize(word: str, language: str) -> str:
    """simplemma's lemma of `word`."""
    over_trie = _lemmatizer(language)
    if over_trie is None:
        import simplemma  # its own lemmatiser, which decodes the dictionary

        return str(simplemma.lemmatize(word, lang=language))
    return str(over_trie.lemmatize(word, lang=language))


def ready(language: str) -> bool:
    """Is the saved trie of `language` used (its first lemma costs milliseconds)?"""
    return _lemmatizer(language) is not None


@lru_cache(maxsize=8)
def _lemmatizer(language: str) -> Any:
    """A lemmatiser over the saved trie of `language`, or None."""
    if not (trie_dir() / f"{language}.dic").exists():
        return None
    factory = _factory()
    if factory is None:
        return None
    from simplemma import Lemmatizer
    from simplemma.strategies import DefaultStrategy

    tries = factory(disk_cache_dir=str(trie_dir()))
    return Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=tries))
