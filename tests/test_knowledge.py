"""Loading the knowledge base: the bundled article, formats, and every broken-file case."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from bot.knowledge import bundled_knowledge, load

GOOD = """\
id: good-article
title: Ein Titel
language: de
published: 2024-10-22
body:
  - Erster Absatz.
  - section: Abschnitt
    paragraphs:
      - Zweiter Absatz.
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_article_is_faithful_to_the_seed() -> None:
    kb = load(bundled_knowledge())
    assert kb.errors == []
    [article] = kb.articles
    assert article.language == "de"
    assert article.published == dt.date(2024, 10, 22)
    assert article.updated == dt.date(2024, 10, 23)
    assert article.source is None and article.url is None
    assert len(article.paragraphs) == 12
    sections = [p.section for p in article.paragraphs]
    assert sections.count(None) == 3
    assert sections[3:7] == ["Hohes Risiko"] * 4
    assert sections[7:9] == ["Russland dementiert"] * 2
    assert sections[9:] == ["Raketen und Granaten"] * 3
    text = " ".join(p.text for p in article.paragraphs)
    assert "Kommentare" not in text and "Hinweis:" not in text
    assert "Am Freitag hieß es, 1.500 Soldaten würden in Russland ausgebildet." in text


def test_good_yaml(tmp_path: Path) -> None:
    kb = load(write(tmp_path, "a.yaml", GOOD))
    assert kb.errors == []
    [a] = kb.articles
    assert a.id == "good-article" and a.title == "Ein Titel"
    assert [p.section for p in a.paragraphs] == [None, "Abschnitt"]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("id: x\ntitle: T\nbody:\n  - a: b: c\n", 4, "YAML syntax"),
        ("id: x\ntitle: T\nlanguage: de\n", None, "missing `body`"),
        ("id: x\ntitle: T\nlanguage: de\nbody: []\n", 4, "no text"),
        ("id: x\ntitle: T\npublished: 22.10.2024\nbody: [Text.]\n", 3, "bad date"),
        ("id: x\ntitle: T\npublished: 2024-13-45\nbody: [Text.]\n", 3, "bad date"),
        ("id: x\nlanguage: de\nbody: [Text.]\n", None, "title"),
        ("id: x\ntitle: T\nlanguage: fr\nbody: [Text.]\n", 3, "unsupported `language`"),
        ("id: x\ntitle: T\nauthour: me\nbody: [Text.]\n", 3, "unknown field"),
        ("id: x\ntitle: T\nurl: www.example.org\nbody: [Text.]\n", 3, "not an http"),
        ("- just\n- a list\n", 1, "not a YAML mapping"),
    ],
)
def test_broken_yaml_names_file_line_and_fix(
    tmp_path: Path, text: str, line: int | None, words: str
) -> None:
    path = write(tmp_path, "broken.yaml", text)
    kb = load(path)
    assert kb.articles == []
    [error] = kb.errors
    assert error.path == str(path)
    assert error.line == line
    assert words in error.problem
    assert error.fix  # every error says what to do
    assert str(path) in str(error)


def test_duplicate_ids(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", GOOD)
    write(tmp_path, "b.yaml", GOOD)
    kb = load(tmp_path)
    assert len(kb.articles) == 1
    [error] = kb.errors
    assert "duplicate article id 'good-article'" in error.problem


def test_bad_files_do_not_hide_good_ones(tmp_path: Path) -> None:
    write(tmp_path, "good.yaml", GOOD)
    write(tmp_path, "bad.yaml", "id: [unclosed\n")
    kb = load(tmp_path)
    assert [a.id for a in kb.articles] == ["good-article"]
    assert len(kb.errors) == 1


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: Größe\n".encode("latin-1"))
    [error] = load(path).errors
    assert "UTF-8" in error.problem


def test_jsonl(tmp_path: Path) -> None:
    lines = [
        {"id": "a", "title": "A", "text": "Erster Absatz.\n\nZweiter Absatz.", "language": "de",
         "published": "2024-10-22", "url": "https://example.org/a"},
        {"id": "b", "title": "B", "text": "The soldiers arrived on Thursday."},
    ]
    path = write(tmp_path, "c.jsonl", "".join(json.dumps(x) + "\n" for x in lines)
                 + "{broken\n" + json.dumps({"id": "c", "title": "C"}) + "\n")
    kb = load(path)
    assert [a.id for a in kb.articles] == ["a", "b"]
    assert len(kb.articles[0].paragraphs) == 2
    assert kb.articles[1].language == "en"  # detected
    assert [(e.line, "JSON" in e.problem or "text" in e.problem) for e in kb.errors] == [
        (3, True), (4, True)]


def test_missing_path(tmp_path: Path) -> None:
    kb = load(tmp_path / "nope")
    assert kb.articles == []
    assert "no such file" in kb.errors[0].problem
