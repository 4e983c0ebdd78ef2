"""Render answers, article lists and onboarding texts as Telegram HTML.

Every piece of article or user text passes `html.escape`; long messages are made to fit
their limit (Telegram's 4096 characters, 600 for a reply in a group) by shortening quotes
at word boundaries around the answer, never by cutting through a tag. Bold marks only
answer evidence (`Snippet.answer_highlighted`), never the question's own words; an opened
paragraph shows its quote underlined inside it.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Mapping, Sequence

from bot.models import Figure, Said, Snippet, Source, Span
from bot.telegram.catalog import Catalog
from bot.telegram.i18n import text

MAX_MESSAGE = 4096  # Telegram's limit, counted in UTF-16 code units
COMPACT_LIMIT = 600  # the first reply in a group or channel, and inline results
MIN_QUOTE = 40  # shorter than this, a quote is dropped rather than cut further
MAX_TITLE = 150
SHORT_TITLE = 48  # the title in a compact source line
MAX_URL = 512
MAX_COMPACT_LINK = 300  # a longer link (escaped) is left out of a compact source line
CONTEXT_WORDS = 6  # words after (or before) the answer in an inline result's title
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
    return (cut.rstrip(" –—-,;:") or cut) + ELLIPSIS


def lines_within(lines: Sequence[str], limit: int, separator: str = "\n") -> str:
    """The first of `lines` (whole HTML lines) that fit in `limit` UTF-16 units together."""
    kept: list[str] = []
    for line in lines:
        if kept and utf16_len(separator.join([*kept, line])) > limit:
            break
        kept.append(line)
    return separator.join(kept)


def format_date(day: dt.date, lang: str) -> str:
    """22.10.2024 in German, 22 Oct 2024 in English."""
    if lang == "de":
        return f"{day.day:02d}.{day.month:02d}.{day.year}"
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def shown_highlights(snippet: Snippet) -> tuple[Span, ...]:
    """The spans to print bold: the highlights only when they are the answer asked for."""
    return snippet.highlights if snippet.answer_highlighted else ()


# ---- quotes ----------------------------------------------------------------------------


def marked_html(
    value: str, bold: Sequence[Span], mark: Span | None = None, budget: int | None = None
) -> str:
    """`value` with `bold` spans in <b> and the `mark` span in <u>, cut to `budget` characters
    around the mark (else the first bold span) if given. Bold spans lie inside the mark."""
    start, end = 0, len(value)
    if budget is not None and len(value) > budget:
        anchor = mark or min(bold, key=lambda s: s.start, default=Span(0, 0))
        start, end = _window(value, anchor, budget)
    parts = [ELLIPSIS] if start > 0 else []
    if mark is None or mark.end <= start or mark.start >= end:
        parts.append(_bold_html(value, bold, start, end))
    else:
        a, b = max(mark.start, start), min(mark.end, end)
        parts += [_bold_html(value, bold, start, a), "<u>", _bold_html(value, bold, a, b),
                  "</u>", _bold_html(value, bold, b, end)]  # fmt: skip
    if end < len(value):
        parts.append(ELLIPSIS)
    return "".join(parts)


def quote_html(quote: str, highlights: Sequence[Span], budget: int | None = None) -> str:
    """The quote with its highlighted spans in <b>, cut to `budget` characters if given."""
    return marked_html(quote, highlights, None, budget)


def _bold_html(value: str, bold: Sequence[Span], start: int, end: int) -> str:
    """value[start:end] escaped, with the parts inside `bold` spans in <b>."""
    parts, pos = [], start
    for span in sorted(bold, key=lambda s: s.start):
        a, b = max(span.start, pos), min(span.end, end)
        if a >= b:
            continue
        parts += [escape(value[pos:a]), f"<b>{escape(value[a:b])}</b>"]
        pos = b
    parts.append(escape(value[pos:end]))
    return "".join(parts)


def _window(value: str, anchor: Span, budget: int) -> tuple[int, int]:
    """Pick [start, end) of about `budget` characters around `anchor`, at word boundaries."""
    width = max(budget - 2, 1)  # room for the two ellipses
    slack = max(width - (anchor.end - anchor.start), 0)
    start = max(0, min(anchor.start - slack // 3, len(value) - width))
    end = min(len(value), start + width)
    if start > 0:
        stop = min(start + 20, anchor.start) if anchor.start > start else start + 20
        space = value.find(" ", start, stop)
        if space != -1:
            start = space + 1
    if end < len(value):
        space = value.rfind(" ", max(end - 20, start + 1), end)
        if space != -1:
            end = space
    return start, end


def quote_in_paragraph(snippet: Snippet, paragraph: str) -> tuple[Span | None, tuple[Span, ...]]:
    """Where the snippet's quote sits in its `paragraph`, and its bold spans there."""
    at = paragraph.find(snippet.quote)
    if at < 0 or not snippet.quote:
        return None, ()
    mark = Span(at, at + len(snippet.quote))
    return mark, tuple(Span(s.start + at, s.end + at) for s in shown_highlights(snippet))


def is_whole(snippet: Snippet, paragraph: str | None) -> bool:
    """Whether the quote already is its whole paragraph (nothing more to open)."""
    return paragraph is None or " ".join(snippet.quote.split()) == " ".join(paragraph.split())


# ---- sources ---------------------------------------------------------------------------


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


def compact_parts(source: Source, lang: str) -> list[str]:
    """Plain-text pieces of a one-line source: outlet (else a short title), date, ¶."""
    name = shorten(source.source, 40) if source.source else shorten(source.title, SHORT_TITLE)
    parts = [name]
    day = source.published or source.updated
    if day:
        parts.append(format_date(day, lang))
    parts.append(f"¶ {source.paragraph}")
    return parts


def source_text(source: Source, lang: str) -> str:
    """The compact source as one plain line (inline result descriptions)."""
    return " · ".join(compact_parts(source, lang))


def source_html(source: Source, lang: str, *, compact: bool = False,
                said: Said | None = None, url: str | None = None) -> str:
    """The source line under a quote: — speaker · <i>title</i> · outlet · date · ¶ n ·
    section · link; `compact`: — speaker · <i>outlet or short title</i> · date · ¶ n · link.
    The speaker (bot/speech.py) with their role unless compact; none for the article's
    own voice. `url`: the link to use (the source's, with a text fragment)."""
    title, *rest = compact_parts(source, lang) if compact else source_parts(source, lang)
    parts = [f"<i>{escape(title)}</i>", *(escape(p) for p in rest)]
    if said is not None and said.speaker:
        who = said.speaker if compact or not said.role else f"{said.speaker}, {said.role}"
        parts.insert(0, f"🗣 {escape(shorten(who, 60 if compact else 120))}")
    link = _link(url or source.url, lang)
    return "— " + " · ".join(parts) + (link if len(link) <= MAX_COMPACT_LINK or not compact
                                       else "")


def again_html(source: Source, said: Said | None = None) -> str:
    """The source line of a further quote from the article just named: — speaker · ¶ n ·
    section."""
    parts = [f"¶ {source.paragraph}"]
    if said is not None and said.speaker:
        parts.insert(0, f"🗣 {escape(shorten(said.speaker, 60))}")
    if source.section:
        parts.append(escape(shorten(source.section, 80)))
    return "— " + " · ".join(parts)


def _link(url: str | None, lang: str) -> str:
    safe = safe_url(url)
    return f' · <a href="{html.escape(safe, quote=True)}">{text(lang, "link")}</a>' if safe else ""


def safe_url(url: str | None) -> str | None:
    """The URL if it is a reasonable http(s) link, else None."""
    if url and url.startswith(("https://", "http://")) and len(url) <= MAX_URL:
        return clean(url)
    return None


# ---- answers ---------------------------------------------------------------------------


def snippet_html(
    snippet: Snippet, lang: str, budget: int | None = None, *, compact: bool = False,
    paragraph: str | None = None, again: bool = False,
) -> str:
    """One quote (or its opened `paragraph`) in a blockquote, with its source line; `again`:
    the article was named just above, so only ¶ and section."""
    if paragraph is None:
        body = f"<blockquote>{quote_html(snippet.quote, shown_highlights(snippet), budget)}"
    else:
        mark, bold = quote_in_paragraph(snippet, paragraph)
        body = f"<blockquote expandable>{marked_html(paragraph, bold, mark, budget)}"
    line = again_html(snippet.source, snippet.attribution) if again else source_html(
        snippet.source, lang, compact=compact, said=snippet.attribution, url=snippet.link)
    return f"{body}</blockquote>\n{line}"


def answer_html(
    snippets: Sequence[Snippet], lang: str, limit: int = MAX_MESSAGE, *, compact: bool = False,
    opened: Mapping[int, str] | None = None,
) -> str:
    """Quotes with their sources, the article named once for its adjacent quotes; the
    quotes numbered in `opened` show their whole paragraph. Long quotes are cut to one
    common length so that all fit `limit`."""
    shown = list(snippets)
    opened = opened or {}
    while shown:

        def render(budget: int | None, shown: list[Snippet] = shown) -> str:
            return "\n\n".join(
                snippet_html(s, lang, budget, compact=compact, paragraph=opened.get(i),
                             again=i > 0 and shown[i - 1].source.article_id == s.source.article_id)
                for i, s in enumerate(shown)
            )  # fmt: skip

        message = render(None)
        if utf16_len(message) <= limit:
            return message
        longest = max(len(opened.get(i, s.quote)) for i, s in enumerate(shown))
        budget = _largest_fitting(render, MIN_QUOTE, longest, limit)
        if budget is not None:
            return render(budget)
        shown.pop()
    return ""


def figures_html(figures: Sequence[Figure], lang: str, limit: int, *, compact: bool = False,
                 ) -> str:
    """A count question's figures as a compact timeline, one line each, as many as fit
    `limit`: "• 22.10.2024 · bis zu 12.000 · NIS (geplant) · Pentagon, NATO: nicht bestätigt"."""
    lines = [text(lang, "figures")]
    for f in figures:
        parts = [format_date(f.published, lang)] if f.published else []
        parts.append(escape(f"{f.qualifier} {f.value}" if f.qualifier else f.value))
        claim = escape(shorten(f.claimant, 40)) if f.claimant else ""
        if f.status:
            status = text(lang, f"status_{f.status}") if f.status in _STATUSES else f.status
            claim = f"{claim} ({escape(status)})" if claim else escape(status)
        if claim:
            parts.append(claim)
        if f.revises and not compact:
            parts.append(text(lang, "revises", value=escape(f.revises)))
        for party, stance in f.reactions:
            label = text(lang, f"status_{stance}") if stance in _STATUSES else stance
            parts.append(f"{escape(shorten(party, 40))}: {escape(label)}")
        line = "• " + " · ".join(parts)
        if utf16_len("\n".join([*lines, line])) > limit:
            break
        lines.append(line)
    return "\n".join(lines) if len(lines) > 1 else ""


_STATUSES = ("planned", "reported", "confirmed", "unconfirmed", "denied")


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


# ---- inline results --------------------------------------------------------------------


def inline_title(snippet: Snippet, limit: int = 100) -> str:
    """Plain title of an inline result: the answer and a few words of context after it
    (before it, at the end of the quote); without answer evidence, the opening words."""
    quote = clean(snippet.quote)
    spans = sorted(shown_highlights(snippet), key=lambda s: s.start)
    if not spans:
        return shorten(" ".join(quote.split()[: CONTEXT_WORDS + 4]), limit)
    span = spans[0]
    answer = " ".join(quote[span.start : span.end].split())
    following = quote[span.end :].split()
    after = following[:CONTEXT_WORDS]
    if len(after) >= 2:
        more = ELLIPSIS if len(following) > len(after) else ""
        return shorten(f"{answer} — {' '.join(after)}{more}", limit)
    preceding = quote[: span.start].split()
    before = preceding[-CONTEXT_WORDS:]
    more = ELLIPSIS if len(preceding) > len(before) else ""
    return shorten(f"{answer} — {more}{' '.join([*before, *after])}", limit)


def distinct(labels: Sequence[str], extras: Sequence[str]) -> list[str]:
    """`labels` with a label that occurs more than once followed by its extra ("¶ 4"),
    so that no two are the same."""
    seen: dict[str, int] = {}
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
    out: list[str] = []
    for label, extra in zip(labels, extras, strict=True):
        candidate = f"{label} ({extra})" if seen[label] > 1 else label
        while candidate in out:
            candidate += "′"
        out.append(candidate)
    return out


# ---- the articles ----------------------------------------------------------------------


def sources_html(catalog: Catalog, lang: str, limit: int = MAX_MESSAGE) -> str:
    """The newest articles with outlet, dates and link, as many as fit; then how many more."""
    if not catalog.articles:
        return text(lang, "sources_empty")
    lines = [text(lang, "sources_title", articles=catalog.articles, passages=catalog.passages)]
    for number, entry in enumerate(catalog.newest, 1):
        line = f"{number}. <b>{escape(shorten(entry.title, MAX_TITLE))}</b>"
        details = [escape(shorten(entry.source, 80))] if entry.source else []
        if entry.published:
            details.append(format_date(entry.published, lang))
        if entry.updated and entry.updated != entry.published:
            details.append(text(lang, "updated", date=format_date(entry.updated, lang)))
        line += " — " + " · ".join([*details, f"{entry.passages} ¶"]) + _link(entry.url, lang)
        more = f"\n… +{catalog.articles - number + 1}"
        if utf16_len("\n".join([*lines, line])) + utf16_len(more) > limit:
            lines.append(more.strip())
            break
        lines.append(line)
    else:
        if catalog.articles > len(catalog.newest):
            lines.append(f"… +{catalog.articles - len(catalog.newest)}")
    return "\n".join(lines)


def about_articles(catalog: Catalog, lang: str) -> str:
    """One line on what the articles are: how many, from whom, of when, the newest title."""
    if not catalog.articles:
        return text(lang, "sources_empty")
    if catalog.articles == 1:
        entry = catalog.newest[0]
        day = entry.published or entry.updated
        when = f" ({format_date(day, lang)})" if day else ""
        who = f", {escape(shorten(entry.source, 40))}" if entry.source else ""
        title = escape(shorten(entry.title, MAX_TITLE))
        return text(lang, "knows_one", title=title, who=who, when=when)
    outlets = ", ".join(escape(shorten(o, 40)) for o in catalog.outlets[:3])
    if catalog.outlet_count > 3:
        outlets += text(lang, "and_others", count=catalog.outlet_count - 3)
    who = text(lang, "from_outlets", outlets=outlets) if outlets else ""
    when = ""
    if catalog.first and catalog.last:
        first, last = format_date(catalog.first, lang), format_date(catalog.last, lang)
        when = text(lang, "dated", first=first, last=last)
    newest = escape(shorten(catalog.newest[0].title, 80)) if catalog.newest else ""
    count = f"{catalog.articles:,}".replace(",", "." if lang == "de" else ",")
    return text(lang, "knows_many", count=count, who=who, when=when, newest=newest)
