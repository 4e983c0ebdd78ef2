"""German compound splitting (Koehn & Knight style) over a word-frequency list.

"Gesichtserkennungssoftware" -> ["gesicht", "erkennung", "software"]: a word is split
where every part is a known, reasonably common word (linking elements such as the
"s" in "Gesichts-" are dropped) and the parts are, on average, more common than the
whole word. The frequencies come from wordfreq (see scripts/build_wordlist.py).

Words longer than MAX_WORD are not split: the search tries every cut (and slices the word
at each), so its cost grows with the square of the length — a 160 KB "word" took 40 s
(issue 12). The longest word of the frequency list has 34 letters.
"""

from __future__ import annotations

from functools import lru_cache

from bot.wordfreqs import frequencies

MIN_WORD = 8  # shorter words are hardly ever compounds worth splitting
MAX_WORD = 64  # longer ones are not split (see above)
MIN_PART = 4
MIN_HEAD = 4  # the last part carries the meaning; very short heads are mostly noise
MIN_ZIPF = 2.5  # parts rarer than this are more likely fragments than words
LINKS = ("", "s", "es", "n", "en", "e", "er", "ns")
# Derivational endings and prefixes that happen to be listed as words.
NOT_PARTS = frozenset({
    "heit", "keit", "ung", "schaft", "nischen", "nisch", "isch", "lich", "chen", "ente", "setzung",
})
PART_PENALTY = 0.35  # each extra part must pay for itself in frequency


def _zipf(word: str) -> float:
    return frequencies("de").get(word, 0.0)


def _best_split(word: str, depth: int) -> tuple[list[str], float] | None:
    """Best split of `word` into parts, scored by the parts' mean zipf less a penalty per part."""
    best: tuple[list[str], float] | None = None
    for cut in range(MIN_PART, len(word) - MIN_HEAD + 1):
        head = word[cut:]
        head_zipf = _zipf(head)
        if head_zipf < MIN_ZIPF or head in NOT_PARTS:
            continue
        left = word[:cut]
        for link in LINKS:
            if link and not left.endswith(link):
                continue
            stem = left[: len(left) - len(link)] if link else left
            if len(stem) < MIN_PART:
                continue
            candidates: list[tuple[list[str], float]] = []
            stem_zipf = _zipf(stem)
            if stem_zipf >= MIN_ZIPF and stem not in NOT_PARTS:
                candidates.append(([stem], stem_zipf))
            if depth > 1 and len(stem) >= MIN_WORD:
                inner = _best_split(stem, depth - 1)
                if inner is not None:
                    candidates.append(inner)
            for parts, parts_zipf in candidates:
                n = len(parts) + 1
                score = (parts_zipf * len(parts) + head_zipf) / n - PART_PENALTY * (n - 2)
                if best is None or score > best[1]:
                    best = ([*parts, head], score)
    return best


@lru_cache(maxsize=200_000)
def split_compound(word: str) -> tuple[str, ...]:
    """Parts of a lower-case German compound, or () when it is not one."""
    if not MIN_WORD <= len(word) <= MAX_WORD or not word.isalpha():
        return ()
    split = _best_split(word, depth=3)
    if split is None:
        return ()
    parts, score = split
    if score <= _zipf(word):
        return ()
    return tuple(parts)
