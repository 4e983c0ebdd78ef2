"""Spelling variants of names across English and German transliteration.

Russian, Ukrainian and Korean names are spelled differently in English and German
news: Peskov/Peskow, Budanov/Budanow, Zelensky/Selenskyj, Pyongyang/Pjöngjang.
`variants` rewrites a word with the usual correspondences, in both directions, so
that a query word missing from the passages can be matched by a spelling they have.
"""

from __future__ import annotations

import itertools
import re

# (English spelling, German spelling) of the same sounds
_PAIRS = (
    ("ov", "ow"), ("ev", "ew"), ("sh", "sch"), ("zh", "sch"), ("ch", "tsch"), ("kh", "ch"),
    ("ya", "ja"), ("yu", "ju"), ("ye", "je"), ("yo", "jo"), ("yo", "jö"), ("iy", "ij"),
    ("y", "j"), ("y", "yj"), ("ts", "z"), ("z", "s"), ("j", "dsch"), ("v", "w"), ("oo", "u"),
    ("u", "ou"), ("i", "ie"),
)
MAX_VARIANTS = 64


def variants(word: str) -> set[str]:
    """Lower-case respellings of `word` (not including itself), at most MAX_VARIANTS."""
    word = word.lower()
    options: list[tuple[str, str]] = []
    for english, german in _PAIRS:
        options.append((english, german))
        options.append((german, english))
    out: set[str] = set()
    # one or two rewrites, each applied at every place it fits
    for first, second in itertools.chain(
        ((o, None) for o in options), itertools.combinations(options, 2)
    ):
        for a in _rewrite(word, *first):
            if second is None:
                out.add(a)
            else:
                out.update(_rewrite(a, *second))
            if len(out) >= MAX_VARIANTS * 4:
                break
    out.discard(word)
    return set(sorted(out, key=lambda v: (abs(len(v) - len(word)), v))[:MAX_VARIANTS])


def _rewrite(word: str, old: str, new: str) -> list[str]:
    return [word[:m.start()] + new + word[m.end():] for m in re.finditer(re.escape(old), word)]
