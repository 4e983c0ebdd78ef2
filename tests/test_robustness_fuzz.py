"""Property-based tests: any text in, no exception out, and Telegram HTML that Telegram takes.

The question path (`Engine.answer`, the CLI's clipping) and every renderer of
`bot.telegram.render` get arbitrary Unicode: emoji, right-to-left marks, control and
zero-width characters, lone surrogates, 10,000 characters, only punctuation, HTML and
Markdown specials. Every message must parse as Telegram HTML (only the tags and attributes
Telegram accepts, balanced, text escaped) and fit 4096 UTF-16 code units.
"""

from __future__ import annotations

import datetime as dt
import json
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot import cli
from bot.models import Article, Paragraph, Snippet, Source, Span
from bot.telegram import render
from bot.telegram.catalog import Catalog, Entry

if TYPE_CHECKING:
    from bot.engine import Engine

LIMIT = 4096
SPECIALS = "<>&\"'*_`[]()~|#+-=.!{}\\/;:?¿¡‽…—«»„“”"
WEIRD = [
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",  # zero-width
    "\u202e", "\u202d", "\u200f", "\u061c",  # direction marks and overrides
    "\x00", "\x07", "\x1b", "\x7f", "\u0085", "\u2028", "\u2029",  # controls, separators
    "😀", "👨‍👩‍👧‍👦", "🇩🇪", "👍🏽", "\U0001f9d1\u200d\U0001f680",  # emoji (ZWJ, flags, tones)
    "שלום", "مرحبا", "Ünïcödé", "ß", "İ", "ﬁ", "\u0301",  # scripts, ligature, combining
    "&amp;", "&lt;b&gt;", "&#0;", "&nonsense;", "<b>", "</blockquote>", "<a href='x'>",
    "**", "__", "```", "[a](b)", "||", "\\", "\ud800", "\udfff",  # Markdown, lone surrogates
]  # fmt: skip
hostile_chars = st.one_of(
    st.characters(codec="utf-8"),
    st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Zs", "Mn", "So", "Po", "Ps", "Pe"]),
    st.sampled_from(SPECIALS),
)
hostile_text = st.one_of(
    st.text(hostile_chars, max_size=300),
    st.lists(st.sampled_from(WEIRD + list(SPECIALS) + [" ", "Soldaten", "?"]), max_size=80).map(
        "".join
    ),
    st.text(st.sampled_from(SPECIALS), min_size=1, max_size=200),  # only punctuation
    st.builds(  # long: a hostile piece repeated up to 10,000 characters
        lambda piece, times: (piece * times)[:10_000],
        st.text(hostile_chars, min_size=1, max_size=12),
        st.integers(300, 10_000),
    ),
)
short_text = st.text(hostile_chars, max_size=200)
FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# ---- a strict Telegram HTML checker ------------------------------------------------------

TAG_ATTRIBUTES: dict[str, set[str]] = {
    "b": set(), "strong": set(), "i": set(), "em": set(), "u": set(), "ins": set(),
    "s": set(), "strike": set(), "del": set(), "tg-spoiler": set(), "pre": set(),
    "span": {"class"}, "a": {"href"}, "tg-emoji": {"emoji-id"}, "code": {"class"},
    "blockquote": {"expandable"},
}  # fmt: skip


class TelegramHTML(HTMLParser):
    """Raises AssertionError on anything Telegram's HTML parse mode would refuse."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in TAG_ATTRIBUTES, f"tag <{tag}> not accepted by Telegram"
        for name, value in attrs:
            assert name in TAG_ATTRIBUTES[tag], f"attribute {name} on <{tag}>"
            if tag == "a":
                assert value and value.startswith(("http://", "https://", "tg://"))
            if tag == "span":
                assert value == "tg-spoiler"
        assert not (tag == "a" and "a" in self.stack), "nested links"
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise AssertionError(f"self-closing <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack.pop() == tag, f"unbalanced </{tag}>"

    def handle_data(self, data: str) -> None:
        assert not any(c in data for c in "<>&"), f"unescaped text {data[:40]!r}"

    def handle_entityref(self, name: str) -> None:
        assert name in ("lt", "gt", "amp", "quot"), f"entity &{name};"

    def handle_charref(self, name: str) -> None:
        int(name[1:], 16) if name[:1] in "xX" else int(name)

    def handle_comment(self, data: str) -> None:
        raise AssertionError("comment")

    def handle_decl(self, decl: str) -> None:
        raise AssertionError("declaration")

    def handle_pi(self, data: str) -> None:
        raise AssertionError("processing instruction")

    def unknown_decl(self, data: str) -> None:
        raise AssertionError("unknown declaration")


def assert_telegram_html(message: str, limit: int = LIMIT) -> None:
    """`message` is HTML that Telegram accepts, within its length limit."""
    assert message.strip(), "empty message"
    checker = TelegramHTML()
    checker.feed(message)
    checker.close()
    assert not checker.stack, f"unclosed <{checker.stack[-1]}>"
    assert checker.rawdata == "", f"unparsed rest {checker.rawdata[:40]!r}"
    assert render.utf16_len(message) <= limit, render.utf16_len(message)


def test_the_checker_refuses_what_telegram_refuses() -> None:
    for bad in ["<b>x", "x</b>", "<script>x</script>", "a < b", "&nbsp;", "<b><i>x</b></i>",
                '<a href="javascript:x">y</a>', "<br/>", "x" * 4097]:  # fmt: skip
        with pytest.raises(AssertionError):
            assert_telegram_html(bad)
    assert_telegram_html('<blockquote expandable><b>1</b> &amp; <a href="https://x">y</a></blockquote>')


# ---- strategies for rendered objects -----------------------------------------------------

dates = st.one_of(st.none(), st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)))
urls = st.one_of(
    st.none(),
    st.text(hostile_chars, max_size=50),
    st.builds(lambda s: f"https://example.org/{s}", st.text(hostile_chars, max_size=600)),
)
sources = st.builds(
    Source,
    article_id=st.text(max_size=20),
    title=hostile_text,
    source=st.one_of(st.none(), hostile_text),
    url=urls,
    published=dates,
    updated=dates,
    paragraph=st.integers(1, 10_000),
    section=st.one_of(st.none(), hostile_text),
)


@st.composite
def snippets(draw: st.DrawFn) -> Snippet:
    quote = draw(hostile_text)
    spans = []
    for _ in range(draw(st.integers(0, 4))):
        a = draw(st.integers(0, len(quote)))
        b = draw(st.integers(a, len(quote)))
        spans.append(Span(a, b))
    return Snippet(
        quote=quote,
        highlights=tuple(spans),
        passage_id=draw(st.text(max_size=30)),
        source=draw(sources),
        score=1.0,
        language="de",
        answer_highlighted=draw(st.booleans()),
    )


languages = st.sampled_from(["de", "en", "fr", ""])

# ---- rendering ------------------------------------------------------------------------------


@FUZZ
@given(st.lists(snippets(), min_size=1, max_size=5), languages, st.booleans())
def test_answers_render_as_valid_telegram_html(
    shown: list[Snippet], lang: str, compact: bool
) -> None:
    limit = render.COMPACT_LIMIT if compact else LIMIT
    message = render.answer_html(shown[:1] if compact else shown, lang, limit, compact=compact)
    assert message, "nothing left of the answer"
    assert_telegram_html(message, limit)


@FUZZ
@given(hostile_text, languages)
@example("x" * 10_000, "de")
@example("\ud800" * 3000, "en")
@example("<" * 5000, "de")
def test_nothing_found_echoes_any_question_safely(question: str, lang: str) -> None:
    assert_telegram_html(render.nothing_found_html(question, lang))


@FUZZ
@given(snippets(), hostile_text, hostile_text, languages)
def test_opened_paragraphs_render_as_valid_telegram_html(
    snippet: Snippet, before: str, after: str, lang: str
) -> None:
    paragraph = before + snippet.quote + after  # the quote inside it, marked
    if paragraph.strip():
        assert_telegram_html(render.answer_html([snippet], lang, opened={0: paragraph}))


@FUZZ
@given(st.lists(st.builds(
    Article,
    id=st.text(max_size=10),
    title=st.one_of(short_text, hostile_text),
    language=languages,
    paragraphs=st.just((Paragraph("p"),)),
    published=dates,
    updated=dates,
    source=st.one_of(st.none(), short_text),
    url=urls,
), max_size=40), languages)  # fmt: skip
def test_source_lists_render_as_valid_telegram_html(articles: list[Article], lang: str) -> None:
    entries = tuple(
        Entry(a.id, a.title, a.language, a.source, a.url, a.published, a.updated, 1)
        for a in articles
    )
    catalog = Catalog(articles=len(entries) * 3, passages=len(entries), newest=entries)
    assert_telegram_html(render.sources_html(catalog, lang))
    assert_telegram_html(render.about_articles(catalog, lang))


@FUZZ
@given(snippets())
def test_inline_titles_are_short_plain_text(snippet: Snippet) -> None:
    title = render.inline_title(snippet)
    assert len(title) <= 100


@FUZZ
@given(hostile_text, st.integers(1, 5000))
def test_shorten_respects_the_limit(value: str, limit: int) -> None:
    assert len(render.shorten(value, limit)) <= max(limit, 2)


# ---- the question path ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine(bundled_engine: Engine) -> Engine:
    bundled_engine.answer("Soldaten")  # load the lazy word data before timing starts
    return bundled_engine


@FUZZ
@given(question=hostile_text)
@example(question="Wie viele Soldaten? " * 500)  # 10,000 characters
@example(question="\u202e\u200b" * 5000)
@example(question="?!.,;:" * 1500)
@example(question="<b>&amp;</b> *x* _y_ `z` [a](b) " * 300)
@example(question="\ud800 Soldaten \udfff?")
@example(question="")
def test_engine_answers_any_text_with_valid_html(engine: Engine, question: str) -> None:
    answer = engine.answer(question, top=4)
    assert 0.0 <= answer.confidence <= 1.0
    assert len(answer.snippets) <= 4
    for snippet in answer.snippets:
        assert snippet.quote.strip()
        assert all(0 <= s.start <= s.end <= len(snippet.quote) for s in snippet.highlights)
    message = (
        render.answer_html(answer.snippets, answer.language)
        if answer.found and answer.snippets
        else render.nothing_found_html(question, answer.language)
    )
    assert_telegram_html(message)


@FUZZ
@given(hostile_text)
def test_cli_clip_bounds_and_strips(question: str) -> None:
    clipped = cli._clip(question)
    assert len(clipped) <= cli.MAX_QUESTION
    assert question.strip().startswith(clipped)


@pytest.mark.parametrize(
    "question",
    ["Wie viele Soldaten? " * 500, "😀" * 10_000, "?!" * 3000, "<b>x</b> & *y*", "\u202eab?"],
)
def test_cli_ask_json_survives_hostile_questions(
    question: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["ask", "--json", question]) == 0
    out, err = capsys.readouterr()
    answer = json.loads(out)
    assert len(answer["question"]) <= cli.MAX_QUESTION
    assert ("cut to its first" in err) == (len(question.strip()) > cli.MAX_QUESTION)
