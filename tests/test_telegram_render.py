"""Telegram HTML rendering: escaping, highlighting, and the 4096-character limit."""

from __future__ import annotations

import datetime as dt

from fakebotapi import html_problem
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.models import Snippet, Source, Span
from bot.telegram import render
from bot.telegram.catalog import Catalog, Entry

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


def snippet(
    quote: str, highlights: tuple[Span, ...] = (), source: Source = SOURCE, answer: bool = True
) -> Snippet:
    return Snippet(quote, highlights, "a#4", source, 1.0, "de", answer_highlighted=answer)


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
@given(before=texts, quote=texts.filter(str.strip), after=texts)
def test_any_opened_paragraph_fits_and_is_valid_html(before: str, quote: str, after: str) -> None:
    opened = {0: before + quote + after}
    html_text = render.answer_html([snippet(quote, (Span(0, 1),))], "de", opened=opened)
    assert render.utf16_len(html_text) <= render.MAX_MESSAGE
    assert html_problem(html_text) is None


def test_bold_only_for_answer_evidence() -> None:
    quote = "Russland sagt, 1.500 Soldaten seien dort."
    spans = (Span(0, 8),)
    assert "<b>" not in render.answer_html([snippet(quote, spans, answer=False)], "de")
    assert "<b>Russland</b>" in render.answer_html([snippet(quote, spans)], "de")


def test_compact_answer_has_one_line_source_and_fits_600() -> None:
    quote = " ".join(f"Satz{i}" for i in range(200)) + " mit 1.500 Soldaten."
    at = quote.index("1.500")
    html_text = render.answer_html([snippet(quote, (Span(at, at + 5),))], "de",
                                   render.COMPACT_LIMIT, compact=True)  # fmt: skip
    assert len(html_text) <= 600 and "<b>1.500</b>" in html_text
    line = html_text.split("</blockquote>\n")[1]
    assert line == ('— <i>Der &lt;Standard&gt;</i> · 22.10.2024 · ¶ 4 · '
                    '<a href="https://example.org/x?a=1&amp;b=2">Link</a>')  # fmt: skip


def test_quotes_of_one_article_name_it_once() -> None:
    other = Source("b", "Anderer Artikel", None, None, None, None, 2, None)
    shown = [snippet("Eins."), snippet("Zwei."), snippet("Drei.", source=other)]
    html_text = render.answer_html(shown, "de")
    assert html_text.count("Nordkorea &amp;") == 1 and html_text.count("Anderer Artikel") == 1
    assert "</blockquote>\n— ¶ 4 · Hohes Risiko\n\n<blockquote>Drei." in html_text


def test_an_opened_paragraph_marks_the_quote_and_keeps_its_answer() -> None:
    quote = "Bis zu 12.000 Soldaten."
    paragraph = f"Vorher. {quote} Nachher & mehr."
    html_text = render.answer_html([snippet(quote, (Span(7, 13),))], "de", opened={0: paragraph})
    assert html_text.startswith(
        "<blockquote expandable>Vorher. <u>Bis zu <b>12.000</b> Soldaten.</u> Nachher &amp; mehr."
    )
    assert render.is_whole(snippet(" Vorher.  "), "Vorher.")
    assert not render.is_whole(snippet(quote), paragraph)


def test_nothing_found_echoes_the_escaped_question() -> None:
    message = render.nothing_found_html("<b>Hä?</b> & *x*", "de")
    assert "„&lt;b&gt;Hä?&lt;/b&gt; &amp; *x*“" in message
    assert html_problem(message) is None


def test_sources_list_fits() -> None:
    entry = Entry("a", "Titel & <mehr>" * 20, "de", "Quelle", "https://example.org",
                  dt.date(2024, 1, 2), None, 7)  # fmt: skip
    catalog = Catalog(articles=500, passages=3500, newest=(entry,) * 40)
    listing = render.sources_html(catalog, "de")
    assert listing.startswith("<b>Meine Artikel</b> (500, 3500 Abschnitte; die neuesten zuerst)"
                              "\n1. <b>Titel &amp; &lt;mehr&gt;")  # fmt: skip
    assert render.utf16_len(listing) <= render.MAX_MESSAGE
    assert listing.endswith("… +" + listing.rsplit("+", 1)[1])
    assert html_problem(listing) is None


def test_about_articles_is_one_line() -> None:
    newest = Entry("a", "Neu", "de", "Agentur", None, dt.date(2024, 5, 1), None, 3)
    catalog = Catalog(articles=1234, passages=9, newest=(newest,), first=dt.date(2023, 1, 2),
                      last=dt.date(2024, 5, 1), outlets=("Agentur", "Zeitung"),
                      outlet_count=2)  # fmt: skip
    assert render.about_articles(catalog, "de") == (
        "Ich kenne 1.234 Artikel von Agentur, Zeitung vom 02.01.2023 bis 01.05.2024; "
        "der neueste: „Neu“."
    )
    one = Catalog(articles=1, passages=9, newest=(newest,))
    assert render.about_articles(one, "en") == "I know one article: “Neu”, Agentur (1 May 2024)."


def test_inline_title_is_the_answer_with_context() -> None:
    quote = "Am Freitag hieß es, 1.500 Soldaten würden in Russland ausgebildet."
    assert render.inline_title(snippet(quote, (Span(20, 25),))) == (
        "1.500 — Soldaten würden in Russland ausgebildet."
    )
    longer = quote.replace("ausgebildet.", "an der Grenze ausgebildet.")
    assert render.inline_title(snippet(longer, (Span(20, 25),))) == (
        "1.500 — Soldaten würden in Russland an der…"
    )
    at_end = "Es wurden genau 1.500"
    assert render.inline_title(snippet(at_end, (Span(16, 21),))) == "1.500 — Es wurden genau"
    assert render.inline_title(snippet(quote, (Span(20, 25),), answer=False)) == quote
    assert render.distinct(["a", "a", "b"], ["¶ 1", "¶ 2", "¶ 3"]) == ["a (¶ 1)", "a (¶ 2)", "b"]
