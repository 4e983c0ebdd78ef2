"""Word frequencies (zipf scale) for German and English, shipped in bot/data/.

Derived from wordfreq by scripts/build_wordlist.py; used to split compounds and to
tell the language of short questions.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=4)
def frequencies(language: str) -> dict[str, float]:
    """Lower-case word -> zipf frequency (0 = unknown, 7 = the most common words)."""
    data = resources.files("bot") / "data" / f"words_{language}.tsv.gz"
    freqs: dict[str, float] = {}
    with data.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
        for line in fh:
            word, _, zipf = line.rstrip("\n").partition("\t")
            freqs[word] = int(zipf) / 100
    return freqs


_LOOKUPS_BEFORE_LOAD = 64  # a short-lived process looks a few words up in the text


@lru_cache(maxsize=4)
def _text(language: str) -> str:
    data = resources.files("bot") / "data" / f"words_{language}.tsv.gz"
    return "\n" + gzip.decompress(data.read_bytes()).decode("utf-8")


_lookups: dict[str, int] = {}


def zipf(word: str, language: str) -> float:
    """Zipf frequency of `word`: searched in the file's text until it pays to load the table."""
    if frequencies.cache_info().currsize == 0 and "\n" not in word and "\t" not in word:
        count = _lookups[language] = _lookups.get(language, 0) + 1
        if count <= _LOOKUPS_BEFORE_LOAD:
            text = _text(language)
            at = text.find(f"\n{word}\t")
            if at < 0:
                return 0.0
            start = at + len(word) + 2
            end = text.find("\n", start)
            return int(text[start:end] if end >= 0 else text[start:]) / 100
    return frequencies(language).get(word, 0.0)
