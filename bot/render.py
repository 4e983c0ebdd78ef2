"""Render an Answer for the console: plain text for people, JSON for programs."""

from __future__ import annotations

import json

from bot.models import Answer, Snippet, Source

WORDS = {
    "en": {
        "nothing": "I found nothing on that in the articles.",
        "para": "para.",
        "updated": "updated",
    },
    "de": {
        "nothing": "Dazu habe ich in den Artikeln nichts gefunden.",
        "para": "Abs.",
        "updated": "aktualisiert",
    },
}


def words(language: str) -> dict[str, str]:
    return WORDS.get(language, WORDS["en"])


def source_line(source: Source, language: str) -> str:
    """"Title — outlet, 2024-10-22 (updated 2024-10-23), para. 4, Section, URL"."""
    w = words(language)
    parts = [source.title]
    if source.source:
        parts.append(source.source)
    if source.published:
        date = source.published.isoformat()
        if source.updated and source.updated != source.published:
            date += f" ({w['updated']} {source.updated.isoformat()})"
        parts.append(date)
    where = f"{w['para']} {source.paragraph}"
    if source.section:
        where += f" ({source.section})"
    parts.append(where)
    if source.url:
        parts.append(source.url)
    return " — ".join(parts[:1]) + (", " + ", ".join(parts[1:]) if len(parts) > 1 else "")


def highlighted(snippet: Snippet, start: str = "**", end: str = "**") -> str:
    """The quote with its highlight spans wrapped in `start`/`end` markers."""
    out, pos = [], 0
    for span in sorted(snippet.highlights, key=lambda s: s.start):
        if span.start < pos:
            continue
        out.append(snippet.quote[pos:span.start])
        out.append(start + snippet.quote[span.start:span.end] + end)
        pos = span.end
    out.append(snippet.quote[pos:])
    return "".join(out)


def as_text(answer: Answer, color: bool = False) -> str:
    """A human-readable answer: the quotes grouped by article, each article's source once
    (title, outlet, date), each quote with its paragraph; the answer in bold only where
    the highlight is the answer asked for (not just the question's own words)."""
    if not answer.found:
        return words(answer.language)["nothing"]
    start, end = ("\033[1m", "\033[0m") if color else ("**", "**")
    w = words(answer.language)
    if len(answer.snippets) == 1:
        snippet = answer.snippets[0]
        return f"{_quoted(snippet, answer.language, start, end)}\n" \
               f"   — {source_line(snippet.source, answer.language)}"
    blocks: list[str] = []
    last = None
    for i, snippet in enumerate(answer.snippets, start=1):
        source = snippet.source
        if source.article_id != last:
            blocks.append(("\n" if blocks else "") + _article_line(source, answer.language) + ":")
            last = source.article_id
        where = f"{w['para']} {source.paragraph}" + (f", {source.section}" if source.section
                                                     else "")
        blocks.append(f" {i}. {_quoted(snippet, answer.language, start, end)} ({where})")
    return "\n".join(blocks)


def _quoted(snippet: Snippet, language: str, start: str, end: str) -> str:
    quote = highlighted(snippet, start, end) if snippet.answer_highlighted else snippet.quote
    if not snippet.quote.startswith(_QUOTE_MARKS):
        quote = f"„{quote}“" if language == "de" else f"“{quote}”"
    return quote


def _article_line(source: Source, language: str) -> str:
    """"Title — outlet, 2024-10-22 (updated 2024-10-23), URL"."""
    w = words(language)
    parts = [p for p in (source.source,) if p]
    if source.published:
        date = source.published.isoformat()
        if source.updated and source.updated != source.published:
            date += f" ({w['updated']} {source.updated.isoformat()})"
        parts.append(date)
    if source.url:
        parts.append(source.url)
    return source.title + (" — " + ", ".join(parts) if parts else "")


_QUOTE_MARKS = ("„", "“", "”", '"', "«", "»", "‚", "'")


def as_json(answer: Answer) -> str:
    return json.dumps(answer.to_dict(), ensure_ascii=False)
