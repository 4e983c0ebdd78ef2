"""Bilingual word dictionaries (English<->German) for cross-language query expansion.

The data in ``bot/data/dict/`` is derived from the Ding dictionary and FreeDict (see
``bot/data/dict/NOTICE.md``) by ``scripts/build_dictionary.py``: one line per source word,
``word<TAB>trans1|trans2|...``, best translation first.  Keys are lower-cased lemmas;
translations keep their dictionary (lemma) form and original case (German nouns are
capitalised, English verbs appear without "to").

Usage::

    Dictionary.load("en-de").translations("soldiers")   # ['Soldat', 'Soldatin', ...]
"""

from __future__ import annotations

import functools
import gzip
from collections.abc import Mapping
from importlib import resources

PAIRS: dict[str, tuple[str, str]] = {
    "en-de": ("en_de.tsv.gz", "en"),
    "de-en": ("de_en.tsv.gz", "de"),
}


class Dictionary:
    """Word -> ranked translations for one language pair (``"en-de"`` or ``"de-en"``)."""

    def __init__(self, table: dict[str, str], source_lang: str) -> None:
        self._table = table  # key -> "a|b|c" (split on lookup: keeps loading fast)
        self.source_lang = source_lang

    @classmethod
    def load(cls, pair: str) -> Dictionary:
        """Load (once per process, cached) the packaged dictionary for ``pair``."""
        return _load(pair)

    def _lookup(self, key: str) -> str | None:
        return self._table.get(key)

    def _lemmas(self, word: str) -> list[str]:
        variants = [word, word.lower()]
        if self.source_lang == "de":
            variants.append(word.capitalize())
        from bot import lemmas  # here: most words need no lemma

        out: list[str] = []
        for v in variants:
            try:
                lem = lemmas.lemmatize(v, self.source_lang).lower()
            except ValueError:
                continue
            if lem not in out:
                out.append(lem)
        return out

    def translations(self, word: str, limit: int = 10) -> list[str]:
        """Translations of ``word``, best first; ``[]`` when the word is unknown.

        The lower-cased word is looked up first, then its simplemma lemma(s).
        """
        word = word.strip()
        if not word or limit <= 0:
            return []
        raw = self._lookup(word.lower())
        if raw is None:
            for lem in self._lemmas(word):
                raw = self._lookup(lem)
                if raw is not None:
                    break
        if raw is None:
            return []
        return raw.split("|")[:limit]

    def __contains__(self, word: object) -> bool:
        """True if ``word`` (or its lemma) has at least one translation."""
        return isinstance(word, str) and bool(self.translations(word, limit=1))

    def __len__(self) -> int:
        return len(self._table)

    @property
    def headwords(self) -> Mapping[str, str]:
        """Every word looked up as written (lower case), to its translations."""
        return self._table


@functools.cache
def _load(pair: str) -> Dictionary:
    if pair not in PAIRS:
        raise ValueError(f"unknown language pair {pair!r}; expected one of {sorted(PAIRS)}")
    filename, source_lang = PAIRS[pair]
    ref = resources.files("bot").joinpath("data", "dict", filename)
    text = gzip.decompress(ref.read_bytes()).decode("utf-8")
    table: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("\t")
        if sep and value:
            table[key] = value
    return Dictionary(table, source_lang)
