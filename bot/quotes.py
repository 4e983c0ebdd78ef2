"""Quotations in a sentence, and the sentence as tokens in which each quotation is one.

    quotations(text, language) -> list[Span]   # top-level quotations, marks included
    tokens(text, language) -> list[Token]      # words, numbers, punctuation, quotations

German „…“ (also closed by ” or a straight "), »…« and «…», English “…”, straight "…",
and German inner ‚…‘ at the top level. Quotations inside a quotation stay part of it
(„Er sagte: ‚Nein‘“ is one). A quotation left open runs to the end of the text; a text
that begins inside a quotation (its closing mark comes before any opening one) has the
part up to that mark as a quotation. Single quotes '…' and ‘…’ are not quotations at
the top level (they are apostrophes as often).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from bot.models import Span

_CLOSERS = {
    "de": {"„": "“”\"", "»": "«", "«": "»", "‚": "‘’", "“": "”", "\"": "\""},
    "en": {"“": "”", "\"": "\"", "„": "“”", "«": "»", "»": "«"},
}
_MARK_RE = re.compile("[„“”\"»«‚]")
_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_](?:[\w'’.-]*[^\W_])?|[^\w\s]")


class Token(NamedTuple):
    """A word, number, punctuation mark or whole quotation, and where it is (a tuple:
    made for every word an answer attributes, three times faster than a dataclass)."""

    kind: str  # word, number, punct, quote
    text: str
    start: int
    end: int


def quotations(text: str, language: str) -> list[Span]:
    """The top-level quotations of `text`, each from its opening to its closing mark."""
    closers = _CLOSERS.get(language, _CLOSERS["de"])
    out: list[Span] = []
    i = 0
    first = _MARK_RE.search(text)
    if first is None:
        return out
    if _stray(text, first.start(), language):
        out.append(Span(0, first.start() + 1))  # the text begins inside a quotation
        i = first.start() + 1
    opener = re.compile("[" + re.escape("".join(closers)) + "]")
    while (m := opener.search(text, i)) is not None:
        end = _closing(text, m.start(), closers[m.group()], language)
        out.append(Span(m.start(), end))
        i = end
    return out


def _stray(text: str, at: int, language: str) -> bool:
    """Is the mark at `at` a closing mark with no opening one before it?"""
    mark = text[at]
    if mark == "”":
        return True
    return language == "de" and mark == "“" and "”" not in text[at + 1:]


def _closing(text: str, start: int, closers: str, language: str) -> int:
    """The end of the quotation opened at `start` (after its closing mark)."""
    opener = text[start]
    for j in range(start + 1, len(text)):
        if text[j] in closers:
            return j + 1
    if opener == "“" and language == "de":  # German text in English marks, closed by “
        k = text.find("“", start + 1)
        if k > 0:
            return k + 1
    return len(text)


def tokens(text: str, language: str) -> list[Token]:
    """`text` as tokens, each top-level quotation one token of kind "quote"."""
    out: list[Token] = []
    pos = 0
    for span in [*quotations(text, language), Span(len(text), len(text))]:
        for m in _TOKEN_RE.finditer(text, pos, span.start):
            word = m.group()
            kind = "number" if word[0].isdigit() else "word" if word[0].isalpha() else "punct"
            out.append(Token(kind, word, *m.span()))
        if span.end > span.start:
            out.append(Token("quote", text[span.start:span.end], span.start, span.end))
        pos = span.end
    return out


def quoted_share(text: str, spans: list[Span]) -> float:
    """The share of the non-space characters of `text` that are inside quotations."""
    total = sum(1 for c in text if not c.isspace())
    inside = sum(1 for s in spans for c in text[s.start:s.end] if not c.isspace())
    return inside / total if total else 0.0
