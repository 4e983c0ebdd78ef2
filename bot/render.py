"""Render an Answer for the console: plain text for people, JSON for programs."""

from __future__ import annotations

import json

from bot.models import Answer, Snippet, Source

WORDS = {
    "en": {
        "nothing": "I found nothing on that in the articles.",
        "para": "para.",
        "updated": "updated",
        "says": "says",
        "reported": "according to",
        "figures": "Figures, by date",
        "undated": "undated",
        "revises": "before",
        "planned": "planned", "reported_status": "reported", "confirmed": "confirmed",
        "unconfirmed": "not confirmed", "denied": "denied",
    },
    "de": {
        "nothing": "Dazu habe ich in den Artikeln nichts gefunden.",
        "para": "Abs.",
        "updated": "aktualisiert",
        "says": "sagt",
        "reported": "laut",
        "figures": "Zahlen, nach Datum",
        "undated": "ohne Datum",
        "revises": "zuvor",
        "planned": "geplant", "reported_status": "gemeldet", "confirmed": "bestätigt",
        "unconfirmed": "nicht bestätigt", "denied": "dementiert",
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
    timeline = figures_text(answer)
    if len(answer.snippets) == 1:
        snippet = answer.snippets[0]
        return f"{_quoted(snippet, answer.language, start, end)}\n" \
               f"   — {source_line(snippet.source, answer.language)}" + \
               (f"\n\n{timeline}" if timeline else "")
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
    if timeline:
        blocks.append("\n" + timeline)
    return "\n".join(blocks)


def _quoted(snippet: Snippet, language: str, start: str, end: str) -> str:
    quote = highlighted(snippet, start, end) if snippet.answer_highlighted else snippet.quote
    if not snippet.quote.startswith(_QUOTE_MARKS):
        quote = f"„{quote}“" if language == "de" else f"“{quote}”"
    who = speaker_line(snippet, language)
    return f"{quote} ({who})" if who else quote


def speaker_line(snippet: Snippet, language: str) -> str:
    """"sagt Dmitri Peskow, Sprecher von Präsident Wladimir Putin" / "laut NIS"; "" for
    the article's own voice."""
    said = snippet.attribution
    if said is None or not said.speaker:
        return ""
    w = words(language)
    verb = w["says"] if said.kind == "direct" else w["reported"]
    return f"{verb} {said.speaker}" + (f", {said.role}" if said.role else "")


def figures_text(answer: Answer) -> str:
    """A count question's figures as a timeline, one line each (empty if none)."""
    if not answer.figures:
        return ""
    w = words(answer.language)
    lines = [f"{w['figures']}:"]
    for f in answer.figures:
        date = f.published.isoformat() if f.published else w["undated"]
        value = f"{f.qualifier} {f.value}" if f.qualifier else f.value
        parts = [value]
        if f.claimant:
            parts.append(f.claimant)
        if f.status:
            parts.append(w.get(f.status if f.status != "reported" else "reported_status",
                               f.status))
        line = f"  {date}  " + " — ".join(parts)
        if f.revises:
            line += f" ({w['revises']} {f.revises})"
        for party, stance in f.reactions:
            line += f"; {party}: {w.get(stance, stance)}"
        lines.append(line)
    return "\n".join(lines)


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
