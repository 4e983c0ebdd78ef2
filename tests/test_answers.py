"""Golden questions on the bundled article, German and English, and off-topic ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.confidence import THRESHOLD
from bot.engine import Engine

GOLDEN = [
    json.loads(line)
    for line in (Path(__file__).parent / "golden" / "nordkorea.jsonl").read_text().splitlines()
]


@pytest.mark.parametrize("item", [g for g in GOLDEN if g["answers"]], ids=lambda g: g["question"])
def test_golden_question_is_answered_with_the_right_quote(
    bundled_engine: Engine, item: dict[str, object]
) -> None:
    answer = bundled_engine.answer(str(item["question"]))
    assert answer.found, answer
    first = answer.snippets[0]
    assert any(str(a) in first.quote for a in item["answers"]), first.quote  # type: ignore[attr-defined]
    article = bundled_engine.article(first.source.article_id)
    assert article is not None
    # verbatim: the quote is a piece of the article's paragraph
    assert first.quote in article.paragraphs[first.source.paragraph - 1].text
    assert first.source.published is not None and first.source.published.isoformat() == "2024-10-22"


@pytest.mark.parametrize("item", [g for g in GOLDEN if not g["answers"]],
                         ids=lambda g: g["question"])
def test_off_topic_question_finds_nothing(bundled_engine: Engine, item: dict[str, object]) -> None:
    answer = bundled_engine.answer(str(item["question"]))
    assert not answer.found
    assert answer.snippets == ()
    assert answer.confidence < THRESHOLD


def test_count_answers_show_both_numbers_with_highlights(bundled_engine: Engine) -> None:
    answer = bundled_engine.answer("Wie viele Soldaten?")
    assert answer.kind == "count" and answer.language == "de"
    numbers = {s.quote[h.start:h.end] for s in answer.snippets for h in s.highlights}
    assert {"1.500", "12.000"} <= numbers
    assert len({s.passage_id for s in answer.snippets}) == len(answer.snippets)


def test_statement_answer_names_the_speaker(bundled_engine: Engine) -> None:
    answer = bundled_engine.answer("Was sagt Russland?")
    first = answer.snippets[0]
    assert "Peskow" in first.quote
    assert any("Peskow" in first.quote[h.start:h.end] for h in first.highlights)
    assert first.source.section == "Russland dementiert"


def test_english_question_answered_from_german_article(bundled_engine: Engine) -> None:
    answer = bundled_engine.answer("When did Putin visit Pyongyang?")
    assert answer.language == "en" and answer.kind == "time"
    first = answer.snippets[0]
    assert first.language == "de"
    assert [first.quote[h.start:h.end] for h in first.highlights] == ["im Juni"]


def test_more_snippets_with_offset(bundled_engine: Engine) -> None:
    first_page = bundled_engine.answer("Soldaten", top=2)
    second_page = bundled_engine.answer("Soldaten", top=2, offset=2)
    assert first_page.found and second_page.found
    assert not {s.passage_id for s in first_page.snippets} & {
        s.passage_id for s in second_page.snippets}


def test_json_shape(bundled_engine: Engine) -> None:
    data = bundled_engine.answer("Wie viele Soldaten?").to_dict()
    assert set(data) == {"question", "language", "kind", "found", "confidence", "elapsed_ms",
                         "snippets", "figures"}  # figures: a count question's
    snippet = data["snippets"][0]
    assert {"quote", "highlights", "answer_highlighted", "passage_id", "article_id", "title",
            "source", "url", "published", "paragraph", "section", "score", "confidence",
            "attribution", "link"} <= set(snippet)
    assert "figures" not in bundled_engine.answer("Was sagt Peskow?").to_dict()
    for start, end in snippet["highlights"]:
        assert 0 <= start < end <= len(snippet["quote"])


def test_empty_and_junk_questions(bundled_engine: Engine) -> None:
    for text in ("", "   ", "???", "<b>&amp;</b>", "🙂" * 50, "x" * 5000):
        answer = bundled_engine.answer(text)
        assert answer.question == text
        assert not answer.found
