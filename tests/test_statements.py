"""Attributed quotes, statements by whom a question asks for, and figures across articles,
through the engine (the rules themselves: tests/test_speech.py, test_figures.py...)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot import statements
from bot.engine import SPEAKER_CANDIDATES, Engine
from bot.query import build_query
from bot.question import analyse
from bot.render import as_json, as_text
from bot.retrieval import CANDIDATES

ARTICLES = Path(__file__).parent / "articles"


@pytest.mark.parametrize("question", [
    "What does Russia say?", "Was sagt Moskau?", "What does the Kremlin say?",
    "Was sagt Russland?", "What does the Kremlin claim?",
])
def test_statements_by_russia_and_only_those(bundled_engine: Engine, question: str) -> None:
    answer = bundled_engine.answer(question)
    assert answer.found
    first = answer.snippets[0]
    assert first.attribution is not None
    assert first.attribution.speaker in ("Dmitri Peskow", "offizielles Moskau")
    for snippet in answer.snippets:  # nobody who does not speak for Russia
        assert snippet.attribution is not None and "RU" in snippet.attribution.speaks_for


def test_statements_of_the_us_and_of_nato(bundled_engine: Engine) -> None:
    us = bundled_engine.answer("What does the US say?")
    assert us.found
    assert all("US" in s.attribution.speaks_for for s in us.snippets if s.attribution)
    assert us.snippets[0].attribution is not None
    assert us.snippets[0].attribution.speaker in ("US-Regierung", "Lloyd Austin")
    nato = bundled_engine.answer("Was sagt die NATO?")
    assert nato.found and nato.snippets[0].attribution is not None
    assert "NATO" in nato.snippets[0].attribution.speaks_for


def test_every_snippet_says_who_speaks_and_how(bundled_engine: Engine) -> None:
    for question in ("Wie viele Soldaten?", "Was sagt Peskow?", "Wann besuchte Putin Pjöngjang?"):
        data = json.loads(as_json(bundled_engine.answer(question)))
        for snippet in data["snippets"]:
            said = snippet["attribution"]
            assert said["kind"] in ("direct", "reported", "article")
            assert (said["speaker"] is None) == (said["kind"] == "article")
    peskow = bundled_engine.answer("Was sagt Peskow?").snippets[0]
    assert peskow.attribution is not None and peskow.attribution.kind == "direct"
    assert peskow.attribution.role == "Sprecher von Präsident Wladimir Putin"


@pytest.mark.parametrize("question", ["How many soldiers?", "Wie viele Soldaten?"])
def test_figures_of_the_bundled_article(bundled_engine: Engine, question: str) -> None:
    answer = bundled_engine.answer(question)
    figures = {f.value: f for f in answer.figures}
    assert {"1.500", "12.000"} <= set(figures)
    trained, planned = figures["1.500"], figures["12.000"]
    assert trained.claimant == planned.claimant == "NIS"
    assert planned.qualifier == "bis zu"
    assert trained.published is not None and trained.published.isoformat() == "2024-10-22"
    assert "ausgebildet" in trained.quote
    parties = " ".join(p for p, stance in planned.reactions if stance == "unconfirmed")
    assert "Pentagon" in parties and "NATO" in parties
    data = json.loads(as_json(answer))
    assert {"value", "qualifier", "status", "claimant", "quote", "passage_id", "article_id",
            "published"} <= set(data["figures"][0])


def test_a_timeline_across_two_articles(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    for name in ("nordkorea-truppen-1.de.yaml", "nordkorea-truppen-2.de.yaml"):
        shutil.copy(ARTICLES / name, knowledge / name)
    engine = Engine.load(knowledge)
    answer = engine.answer("Wie viele Soldaten?")
    timeline = [(f.published.isoformat() if f.published else None, f.value, f.claimant)
                for f in answer.figures]
    assert timeline[0] == ("2024-10-18", "1.500", "NIS")
    assert ("2024-10-30", "10.000", "Pentagon") in timeline
    assert ("2024-10-30", "11.000", "NIS") in timeline
    assert [d for d, _, _ in timeline] == sorted(d for d, _, _ in timeline)
    later = next(f for f in answer.figures if f.value == "11.000")
    assert later.revises == "1.500"  # the NIS's earlier figure, from the other article
    text = as_text(answer)
    figures = text[text.index("Zahlen, nach Datum:"):]
    assert figures.index("2024-10-18  1.500") < figures.index("2024-10-30  rund 10.000")
    # the newer article's answer first
    assert answer.snippets[0].source.article_id == "nordkorea-truppen-2"


def test_the_source_link_points_at_the_sentence(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    (knowledge / "a.yaml").write_text(
        "id: a\ntitle: Ein Test\nlanguage: de\npublished: 2024-11-01\n"
        "url: https://news.example/a\nbody:\n"
        "  - Der Stadtrat hat am Montag den Bau von 300 Wohnungen beschlossen.\n",
        encoding="utf-8")
    snippet = Engine.load(knowledge).answer("Wie viele Wohnungen?").snippets[0]
    assert snippet.link is not None
    assert snippet.link.startswith("https://news.example/a#:~:text=")



def test_a_compound_asks_for_its_other_part_too(bundled_engine: Engine) -> None:
    # "US-Regierung" (groups usregier, us, regier): every word of the US stands for its
    # "US", but "Regierung" must still be found as itself, not as any word of the US
    question = "Was sagt die US-Regierung?"
    q = analyse(question)
    collection = bundled_engine.collections[0]
    groups = build_query(q, collection.language, index=collection.index)
    who = statements.asked(question, q.language, q.kind)
    assert who is not None and who.entity == "US"
    wide = {g.terms[0]: g.terms for g in statements.widened(groups, who, collection.language)}
    assert {"washington", "pentagon"} <= set(wide["us"])
    assert wide["regier"] == ("regier",)
    answer = bundled_engine.answer(question)
    assert answer.snippets[0].attribution is not None
    assert answer.snippets[0].attribution.speaker == "Lloyd Austin"



def test_a_question_for_statements_reads_more_candidates(tmp_path: Path) -> None:
    # "Was sagt Russland?": BM25 ranks first the passages that name Russia most, not those
    # where Russia speaks; the ranking reads SPEAKER_CANDIDATES of them, not CANDIDATES
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    crowd = [{"id": f"bericht-{n}", "title": f"Russland und Moskau {n}", "language": "de",
              "text": f"Russland, Moskau und der Kreml: Bericht {n} über Russland."}
             for n in range(30)]
    (knowledge / "news.jsonl").write_text("".join(
        json.dumps(a, ensure_ascii=False) + "\n" for a in crowd), "utf-8")
    engine = Engine.load(knowledge)
    assert len(engine.search("Was sagt Russland?")[1]) == SPEAKER_CANDIDATES
    assert len(engine.search("Bericht über Russland")[1]) == CANDIDATES < SPEAKER_CANDIDATES
