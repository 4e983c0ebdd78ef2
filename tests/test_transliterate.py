"""Name respellings across English and German transliteration."""

from __future__ import annotations

from bot.engine import Engine
from bot.transliterate import MAX_VARIANTS, variants


def test_russian_and_korean_names() -> None:
    assert "peskow" in variants("Peskov")
    assert "budanow" in variants("budanov")
    assert "selenskyj" in variants("zelensky")
    assert "pjöngjang" in variants("pyongyang")
    assert "tschernobyl" in variants("chernobyl")
    assert "peskov" in variants("peskow")  # and back


def test_bounded_and_excludes_the_word() -> None:
    out = variants("zhytomyrshchyna")
    assert 0 < len(out) <= MAX_VARIANTS
    assert "zhytomyrshchyna" not in out


def test_english_spelling_finds_the_german_article(bundled_engine: Engine) -> None:
    answer = bundled_engine.answer("Who is Peskov?")
    assert answer.found
    assert "Peskow" in answer.snippets[0].quote
    assert bundled_engine.answer("Who is Budanov?").snippets[0].quote.count("Budanow") == 1
