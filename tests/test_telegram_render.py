"""Telegram HTML rendering: escaping, highlighting, and the 4096-character limit."""

from __future__ import annotations

import datetime as dt

from fakebotapi import html_problem
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.models import Article, Paragraph, Snippet, Source, Span
from bot.telegram import render

SOURCE = Source(
    article_id="a",
    title="Nordkorea & <Russland>",
    source="Der <Standard>",
    url="https://example.org/x?a=1&b=2",
    published=dt.date(2024, 10, 22),
    updated=dt.date(2024, 10, 23),
    paragraph=4,
    section="Hohes Risiko",
)


def snippet(quote: str, highlights: tuple[Span, ...] = (), source: Source = SOURCE) -> Snippet:
    return Snippet(quote, highlights, "a#4", source, 1.0, "de")


def test_quote_is_escaped_and_highlighted() -> None:
    quote = "Bis zu 12.000 <Soldaten> & mehr </blockquote>"
    html_text = render.answer_html([snippet(quote, (Span(7, 13),))], "de")
    assert html_text.startswith(
        "<blockquote>Bis zu <b>12.000</b> &lt;Soldaten&gt; &amp; mehr &lt;/blockquote&gt;"
    )
    assert "— <i>Nordkorea &amp; &lt;Russland&gt;</i> · Der &lt;Standard&gt;" in html_text
    assert "22.10.2024 (aktualisiert 23.10.2024) · ¶ 4 · Hohes Risiko" in html_text
    assert '<a href="https://example.org/x?a=1&amp;b=2">Link</a>' in html_text
    assert html_problem(html_text) is None


def test_english_dates_and_words() -> None:
    line = render.source_html(SOURCE, "en")
    assert "22 Oct 2024 (updated 23 Oct 2024)" in line and ">link</a>" in line


def test_unknown_fields_are_left_out() -> None:
    bare = Source("a", "Titel", None, "javascript:alert(1)", None, None, 2, None)
    assert render.source_html(bare, "de") == "— <i>Titel</i> · ¶ 2"


def test_long_quote_is_cut_around_the_answer_at_word_boundaries() -> None:
    words = " ".join(f"wort{i}" for i in range(3000))
    quote = f"{words} Antwort 42 steht hier {words}"
    start = quote.index(" 42 ") + 1
    html_text = render.answer_html([snippet(quote, (Span(start, start + 2),))], "de")
    assert render.utf16_len(html_text) <= render.MAX_MESSAGE
    assert "<b>42</b>" in html_text
    assert "<blockquote>…wort" in html_text and "…</blockquote>" in html_text
    assert html_problem(html_text) is None


def test_several_long_quotes_share_the_room() -> None:
    quotes = [snippet("&" * 3000, (Span(0, 5),)), snippet("<" * 3000), snippet("x " * 1500)]
    html_text = render.answer_html(quotes, "de")
    assert render.utf16_len(html_text) <= render.MAX_MESSAGE
    assert html_text.count("<blockquote>") == 3
    assert html_problem(html_text) is None


texts = st.text(alphabet=st.sampled_from("ab <>&\"' *_`[]()\n😀é"), max_size=6000)


@settings(max_examples=60, deadline=None)
@given(
    quotes=st.lists(texts, min_size=1, max_size=4),
    title=texts,
    starts=st.lists(st.integers(0, 6000), max_size=5),
)
def test_any_answer_fits_and_is_valid_html(
    quotes: list[str], title: str, starts: list[int]
) -> None:
    source = Source("a", title or "t", title, None, None, None, 1, title[:50] or None)
    snippets = [
        snippet(q or "x", tuple(Span(s, s + 7) for s in starts if s < len(q)), source)
        for q in quotes
    ]
    html_text = render.answer_html(snippets, "en")
    assert html_text
    assert render.utf16_len(html_text) <= render.MAX_MESSAGE
    assert html_problem(html_text) is None


@settings(max_examples=30, deadline=None)
@given(paragraph=texts.filter(str.strip))
def test_any_paragraph_fits_and_is_valid_html(paragraph: str) -> None:
    html_text = render.paragraph_html(paragraph, SOURCE, "de")
    assert render.utf16_len(html_text) <= render.MAX_MESSAGE
    assert html_problem(html_text) is None


def test_nothing_found_echoes_the_escaped_question() -> None:
    message = render.nothing_found_html("<b>Hä?</b> & *x*", "de")
    assert "„&lt;b&gt;Hä?&lt;/b&gt; &amp; *x*“" in message
    assert html_problem(message) is None


def test_sources_list_fits() -> None:
    article = Article(
        id="a",
        title="Titel & <mehr>" * 20,
        language="de",
        paragraphs=(Paragraph("x"),),
        published=dt.date(2024, 1, 2),
        source="Quelle",
        url="https://example.org",
    )
    listing = render.sources_html([article] * 200, "de")
    assert listing.startswith("<b>Meine Artikel</b>\n1. <b>Titel &amp; &lt;mehr&gt;")
    assert render.utf16_len(listing) <= render.MAX_MESSAGE
    assert listing.endswith("… +" + listing.rsplit("+", 1)[1])
    assert html_problem(listing) is None


def test_inline_title_is_the_highlighted_answer() -> None:
    quote = "Am Freitag hieß es, 1.500 Soldaten würden ausgebildet."
    assert render.inline_title(snippet(quote, (Span(20, 25),))) == "1.500"
    assert render.inline_title(snippet(quote)) == quote
