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


def zipf(word: str, language: str) -> float:
    return frequencies(language).get(word, 0.0)
