"""bot/ingest/readers.py: Markdown with front matter, text, YAML, JSON Lines and HTML files."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from bot.ingest.draft import Draft
from bot.ingest.errors import IngestError
from bot.ingest.readers import read_file

PAGES = Path(__file__).parent / "pages"


def one(path: Path) -> Draft:
    items = list(read_file(path))
    assert len(items) == 1 and isinstance(items[0], Draft), items
    return items[0]


def test_markdown_with_front_matter_and_sections(tmp_path: Path) -> None:
    file = tmp_path / "a.md"
    file.write_text(
        "---\ntitle: Neue Brücke eröffnet\npublished: 2024-05-02\nsource: Stadtbote\n"
        "url: https://stadtbote.example/bruecke\n---\n\nDie Brücke ist\nfertig.\n\n"
        "## Kosten\n\nSie kostete 12 Millionen Euro.\n",
        "utf-8",
    )
    draft = one(file)
    assert draft.title == "Neue Brücke eröffnet"
    assert draft.published == dt.date(2024, 5, 2) and draft.source == "Stadtbote"
    assert [(p.text, p.section) for p in draft.paragraphs] == [
        ("Die Brücke ist fertig.", None),
        ("Sie kostete 12 Millionen Euro.", "Kosten"),
    ]


def test_markdown_title_from_first_heading(tmp_path: Path) -> None:
    file = tmp_path / "b.md"
    file.write_text("# The headline\n\nFirst paragraph.\n\nSecond one.\n", "utf-8")
    draft = one(file)
    assert draft.title == "The headline" and len(draft.paragraphs) == 2


def test_plain_text_first_line_is_the_title(tmp_path: Path) -> None:
    file = tmp_path / "c.txt"
    file.write_text("Title line\n\nPara one\ncontinues.\n\nPara two.\n", "utf-8")
    draft = one(file)
    assert draft.title == "Title line"
    assert [p.text for p in draft.paragraphs] == ["Para one continues.", "Para two."]


def test_yaml_and_jsonl_in_the_knowledge_format(tmp_path: Path) -> None:
    yml = tmp_path / "d.yaml"
    yml.write_text("id: my-id\ntitle: T\nlanguage: en\nbody: [Some text here.]\n", "utf-8")
    assert one(yml).id == "my-id"
    lines = tmp_path / "e.jsonl"
    rows = [{"id": "x1", "title": "One", "text": "A.\n\nB."}, {"title": "no id"},
            {"id": "x2", "title": "Two", "text": "C."}]
    lines.write_text("\n".join(json.dumps(r) for r in rows), "utf-8")
    items = list(read_file(lines))
    assert [type(i).__name__ for i in items] == ["Draft", "IngestError", "Draft"]
    assert "e.jsonl:2" in str(items[1])


def test_saved_html_goes_through_the_extractor() -> None:
    assert one(PAGES / "bridge-en.html").title.startswith("Council approves")


def test_bad_files_become_errors(tmp_path: Path) -> None:
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    (tmp_path / "bad.md").write_text("---\ntitle: [\n---\ntext\n", "utf-8")
    (tmp_path / "latin.txt").write_bytes("Titel\n\nGrüße".encode("latin-1"))
    (tmp_path / "empty.txt").write_text("Only a title\n", "utf-8")
    for name, words in [("x.pdf", "cannot read .pdf"), ("bad.md", "front matter"),
                        ("latin.txt", "UTF-8"), ("empty.txt", "no paragraphs"),
                        ("missing.md", "no such file")]:
        items = list(read_file(tmp_path / name))
        assert len(items) == 1 and isinstance(items[0], IngestError), name
        assert words in str(items[0]), (name, items[0])
