"""A link to the exact sentence: the URL text fragment `#:~:text=start,end`.

    text_fragment(quote, page=None, words=3) -> str   # "#:~:text=Dies%20sollte%20niemanden,…"
    link(url, quote, page=None) -> str                # url with the fragment

Per the WICG Text Fragments spec (`text=[prefix-,]textStart[,textEnd][,-suffix]`, as
Chromium, Safari and Firefox follow it): the browser highlights from the first match of
textStart to the next match of textEnd, both on word boundaries and compared without
case. A quote of up to 2 × `words` words is given whole as textStart; a longer one as
its first and last `words` words, each grown by a word at a time until textStart occurs
once in `page` (the article's text, when given) and textEnd's first match after textStart
is the quote's own end. Leading and trailing punctuation („ “ . ,) is left out, runs of
white space are one space, and every character but ASCII letters, digits and `._~` is
percent-encoded (so `-`, `,` and `&`, which the syntax uses, are too). Not handled:
a page whose rendered text differs from the article's (navigation, captions between the
words): the link then only opens the page, as browsers ignore a fragment that matches
nothing.
"""

from __future__ import annotations

import re
from urllib.parse import quote as percent_encode

_WORD = re.compile(r"\S+")
_EDGE = re.compile(r"^[^\w]+|[^\w]+$")


def _encode(term: str) -> str:
    return percent_encode(term, safe="").replace("-", "%2D")


def _clean(text: str) -> str:
    return _EDGE.sub("", " ".join(text.split()))


def _terms(quote: str, page: str | None, words: int) -> tuple[str, str | None]:
    """textStart and textEnd (None when the quote is short enough to give whole)."""
    text = _clean(quote)
    spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    if len(spans) <= 2 * words:
        return text, None
    folded = text.casefold()
    page_folded = " ".join(page.split()).casefold() if page else None
    n = words
    while n < len(spans) - words:
        start = _clean(text[:spans[n - 1][1]])
        if page_folded is None or page_folded.count(start.casefold()) <= 1:
            break
        n += 1
    start = _clean(text[:spans[n - 1][1]])
    m = words
    while n + m < len(spans):
        end = _clean(text[spans[-m][0]:])
        if folded.find(end.casefold(), len(start)) >= spans[-m][0] - 1:
            break
        m += 1
    end = _clean(text[spans[-m][0]:])
    if n + m >= len(spans):
        return text, None
    return start, end


def text_fragment(quote: str, page: str | None = None, words: int = 3) -> str:
    """The fragment that makes a browser scroll to and highlight `quote`."""
    start, end = _terms(quote, page, words)
    return "#:~:text=" + _encode(start) + ("," + _encode(end) if end else "")


def link(url: str, quote: str, page: str | None = None) -> str:
    """`url` with the text fragment of `quote` (after its own fragment, if any)."""
    fragment = text_fragment(quote, page)
    base, hash_, own = url.partition("#")
    own = own.split(":~:", 1)[0]
    return base + "#" + own + fragment[1:] if hash_ and own else base + fragment
