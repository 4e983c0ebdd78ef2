"""Render answers, paragraphs and article lists as Telegram HTML.

Every piece of article or user text passes `html.escape`; long messages are made to fit
Telegram's 4096-character limit by shortening quotes (at word boundaries, around the
highlighted answer), never by cutting through a tag.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Sequence

from bot.models import Article, Snippet, Source, Span
from bot.telegram.i18n import text

MAX_MESSAGE = 4096  # Telegram's limit, counted in UTF-16 code units
MIN_QUOTE = 40  # shorter than this, a quote is dropped rather than cut further
MAX_TITLE = 150
MAX_URL = 512
ELLIPSIS = "…"
_SURROGATE = re.compile("[\ud800-\udfff]")
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def utf16_len(value: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(value.encode("utf-16-le", "surrogatepass")) // 2


def clean(value: str) -> str:
    """`value` as text Telegram takes: a lone surrogate (not valid UTF-8) becomes U+FFFD."""
    if not _SURROGATE.search(value):
        return value
    return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def escape(value: str) -> str:
    """Escape text for a Telegram HTML text node."""
    return html.escape(clean(value), quote=False)


def shorten(value: str, limit: int) -> str:
    """Cut plain text to at most `limit` characters at a word boundary, with an ellipsis."""
    value = clean(value)
    if len(value) <= limit:
        return value
    cut = value[: max(limit - 1, 1)]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


def format_date(day: dt.date, lang: str) -> str:
    """22.10.2024 in German, 22 Oct 2024 in English."""
    if lang == "de":
        return f"{day.day:02d}.{day.month:02d}.{day.year}"
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def quote_html(quote: str, highlights: Sequence[Span], budget: int | None = None) -> str:
    """The quote with its highlighted spans in <b>, cut to `budget` characters if given."""
    start, end = 0, len(quote)
    if budget is not None and len(quote) > budget:
        start, end = _window(quote, highlights, budget)
    parts = [ELLIPSIS] if start > 0 else []
    pos = start
    for span in sorted(highlights, key=lambda s: s.start):
        a, b = max(span.start, pos), min(span.end, end)
        if a >= b:
            continue
        parts.append(escape(quote[pos:a]))
        parts.append(f"<b>{escape(quote[a:b])}</b>")
        pos = b
    parts.append(escape(quote[pos:end]))
    if end < len(quote):
        parts.append(ELLIPSIS)
    return "".join(parts)


def _window(quote: str, highlights: Sequence[Span], budget: int) -> tuple[int, int]:
    """Pick [start, end) of about `budget` characters, around the first highlight."""
    width = max(budget - 2, 1)  # room for the two ellipses
    anchor = min((s.start for s in highlights), default=0)
    start = max(0, min(anchor - width // 4, len(quote) - width))
    end = min(len(quote), start + width)
    if start > 0:
        stop = min(start + 20, anchor) if anchor > start else start + 20
        space = quote.find(" ", start, stop)
        if space != -1:
            start = space + 1
    if end < len(quote):
        space = quote.rfind(" ", max(end - 20, start + 1), end)
        if space != -1:
            end = space
    return start, end


def source_parts(source: Source, lang: str) -> list[str]:
    """Plain-text pieces of a source line: title, outlet, date, paragraph, section."""
    parts = [shorten(source.title, MAX_TITLE)]
    if source.source:
        parts.append(shorten(source.source, 80))
    if source.published:
        date = format_date(source.published, lang)
        if source.updated and source.updated != source.published:
            date += f" ({text(lang, 'updated', date=format_date(source.updated, lang))})"
        parts.append(date)
    elif source.updated:
        parts.append(text(lang, "updated", date=format_date(source.updated, lang)))
    parts.append(f"¶ {source.paragraph}")
    if source.section:
        parts.append(shorten(source.section, 80))
    return parts


def source_text(source: Source, lang: str) -> str:
    """The source as one plain line (inline result descriptions)."""
    return " · ".join(source_parts(source, lang))


def source_html(source: Source, lang: str) -> str:
    """The source line under a quote: — <i>title</i> · outlet · date · ¶ n · section · link."""
    title, *rest = source_parts(source, lang)
    parts = [f"<i>{escape(title)}</i>", *(escape(p) for p in rest)]
    url = safe_url(source.url)
    if url:
        parts.append(f'<a href="{html.escape(url, quote=True)}">{text(lang, "link")}</a>')
    return "— " + " · ".join(parts)


def safe_url(url: str | None) -> str | None:
    """The URL if it is a reasonable http(s) link, else None."""
    if url and url.startswith(("https://", "http://")) and len(url) <= MAX_URL:
        return clean(url)
    return None


def snippet_html(snippet: Snippet, lang: str, budget: int | None = None) -> str:
    """One quote in a blockquote with its source line."""
    quote = quote_html(snippet.quote, snippet.highlights, budget)
    return f"<blockquote>{quote}</blockquote>\n{source_html(snippet.source, lang)}"


def answer_html(snippets: Sequence[Snippet], lang: str, limit: int = MAX_MESSAGE) -> str:
    """Quotes with their sources; long quotes are cut to one common length so all fit."""
    shown = list(snippets)
    while shown:

        def render(budget: int | None, shown: list[Snippet] = shown) -> str:
            return "\n\n".join(snippet_html(s, lang, budget) for s in shown)

        message = render(None)
        if utf16_len(message) <= limit:
            return message
        budget = _largest_fitting(render, MIN_QUOTE, max(len(s.quote) for s in shown), limit)
        if budget is not None:
            return render(budget)
        shown.pop()
    return ""


def _largest_fitting(render: Callable[[int], str], low: int, high: int, limit: int) -> int | None:
    """The largest budget in [low, high] whose rendering fits `limit` (None if even low fails)."""
    if utf16_len(render(low)) > limit:
        return None
    while low < high:
        middle = (low + high + 1) // 2
        if utf16_len(render(middle)) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


def nothing_found_html(question: str, lang: str) -> str:
    """An honest, short 'nothing found' that echoes the (escaped) question."""
    return text(lang, "nothing_found", question=escape(shorten(question.strip(), 200)))


def paragraph_html(paragraph: str, source: Source, lang: str, limit: int = MAX_MESSAGE) -> str:
    """A whole paragraph in an expandable blockquote with its source line."""
    tail = f"</blockquote>\n{source_html(source, lang)}"

    def render(budget: int | None) -> str:
        return f"<blockquote expandable>{quote_html(paragraph, (), budget)}{tail}"

    message = render(None)
    if utf16_len(message) <= limit:
        return message
    budget = _largest_fitting(render, MIN_QUOTE, len(paragraph), limit)
    return render(budget if budget is not None else MIN_QUOTE)


def sources_html(articles: Sequence[Article], lang: str, limit: int = MAX_MESSAGE) -> str:
    """The list of articles with outlet and dates, as many as fit."""
    if not articles:
        return text(lang, "sources_empty")
    lines = [text(lang, "sources_title")]
    for number, article in enumerate(articles, 1):
        line = f"{number}. <b>{escape(shorten(article.title, MAX_TITLE))}</b>"
        details = [escape(shorten(article.source, 80))] if article.source else []
        if article.published:
            details.append(format_date(article.published, lang))
        if article.updated and article.updated != article.published:
            details.append(text(lang, "updated", date=format_date(article.updated, lang)))
        url = safe_url(article.url)
        if url:
            details.append(f'<a href="{html.escape(url, quote=True)}">{text(lang, "link")}</a>')
        if details:
            line += " — " + " · ".join(details)
        more = f"\n… +{len(articles) - number + 1}"
        if utf16_len("\n".join([*lines, line])) + utf16_len(more) > limit:
            lines.append(more.strip())
            break
        lines.append(line)
    return "\n".join(lines)


def inline_title(snippet: Snippet, limit: int = 100) -> str:
    """Plain title of an inline result: the highlighted answer, else the opening words."""
    for span in sorted(snippet.highlights, key=lambda s: s.start):
        answer = snippet.quote[span.start : span.end].strip()
        if answer:
            return shorten(answer, limit)
    return shorten(snippet.quote.strip(), limit)
