"""Query words the archive does not know, matched to terms it knows (rapidfuzz).

People type "was iwst netspeedmonitor" and "whattsapp gruppenmitglieder". A query term
that no passage has is compared with the collection's terms of about its length that
start with the same letter (a typo in the first letter is rare, and comparing with all
of a million terms would take a tenth of a second): terms within one edit (terms of up
to 7 letters) or two (longer) stand in for it, trusted less than the word as written
(query.QueryGroup.trust). A word within one edit of a stop word ("iwst", "dre") is taken
for that stop word. rapidfuzz computes the distances (Levenshtein, in C).

A saved index's vocabulary gives those groups itself, read from its file
(index.vocabulary: `spelled_like`); for any other vocabulary they are made once here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

MIN_LENGTH = 4  # shorter words are not corrected: too many terms are one edit away
TRUST = 0.7  # how surely a corrected term stands for the word typed
MOST = 3  # stand-ins per word at most


def max_edits(word: str) -> int:
    return 1 if len(word) <= 7 else 2


class Speller:
    """Near terms of one collection's vocabulary, bucketed by first letter and length."""

    def __init__(self, vocabulary: Mapping[str, object]) -> None:
        self._size = len(vocabulary)
        grouped: Callable[[str, int], list[str]] | None = getattr(
            vocabulary, "spelled_like", None)
        if grouped is None:
            buckets: dict[tuple[str, int], list[str]] = {}
            for term in vocabulary:
                if term:
                    buckets.setdefault((term[0], len(term)), []).append(term)

            def grouped(first: str, length: int) -> list[str]:
                return buckets.get((first, length), [])

        self._bucket = grouped

    def near(self, term: str) -> tuple[str, ...]:
        """Known terms within max_edits(term) of `term`, nearest first (ties: in the
        vocabulary's order), at most MOST."""
        if len(term) < MIN_LENGTH or not term.isalpha():
            return ()
        edits = max_edits(term)
        choices = [t for n in range(len(term) - edits, len(term) + edits + 1)
                   for t in self._bucket(term[0], n)]
        found = process.extract(term, choices, scorer=Levenshtein.distance,
                                score_cutoff=edits, limit=MOST)
        return tuple(t for t, _, _ in sorted(found, key=lambda f: (f[1], f[2])))


_spellers: dict[int, tuple[Mapping[str, object], Speller]] = {}


def speller(vocabulary: Mapping[str, object]) -> Speller:
    """The speller of a vocabulary (made once per vocabulary and size)."""
    known = _spellers.get(id(vocabulary))
    if known is None or known[0] is not vocabulary or known[1]._size != len(vocabulary):
        known = (vocabulary, Speller(vocabulary))
        if len(_spellers) > 8:
            _spellers.clear()
        _spellers[id(vocabulary)] = known
    return known[1]


@lru_cache(maxsize=4096)
def is_stop_word_typo(word: str, stops: frozenset[str]) -> bool:
    """Is `word` one edit from a stop word of at least three letters ("iwst" -> "ist")?"""
    if len(word) < 3 or len(word) > 8:
        return False
    return any(len(s) >= 3 and abs(len(s) - len(word)) <= 1
               and Levenshtein.distance(word, s, score_cutoff=1) <= 1 for s in stops)
