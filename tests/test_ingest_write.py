"""bot/ingest/write.py and bot.ingest.add: ids, duplicates, atomic writes, target folder."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from bot.ingest import IngestError, add, target_dir
from bot.ingest import write as writer
from bot.ingest.draft import Draft
from bot.ingest.write import Duplicate, Existing, Written, slug, url_key
from bot.ingest.write import write_draft as write
from bot.knowledge import load
from bot.models import Paragraph

PAGES = Path(__file__).parent / "pages"


def draft(title: str = "Neue Fähre: Größer & schneller!", text: str = "Die Fähre fährt.",
          url: str | None = "https://www.example.org/a/fähre/?utm_source=x#top") -> Draft:
    return Draft(title=title, paragraphs=(Paragraph(text), Paragraph("Zweiter Absatz.", "Mehr")),
                 published=dt.date(2024, 1, 2), url=url, source="Example", origin="test")


def test_slugs() -> None:
    assert slug("Neue Fähre: Größer & schneller!") == "neue-faehre-groesser-schneller"
    assert slug("¡¿!") == "article"
    assert len(slug("word " * 40)) <= 60


def test_url_keys_ignore_scheme_www_tracking_fragment_and_slash() -> None:
    assert url_key("https://www.Example.org/a/?utm_source=x&b=1#f") == url_key(
        "http://example.org/a?b=1"
    )
    assert url_key("https://example.org/a?id=1") != url_key("https://example.org/a?id=2")


def test_written_file_loads_and_keeps_everything(tmp_path: Path) -> None:
    result = write(draft(), Existing.scan(tmp_path))
    assert isinstance(result, Written)
    assert result.path == tmp_path / "neue-faehre-groesser-schneller.yaml"
    kb = load(tmp_path)
    assert not kb.errors
    (article,) = kb.articles
    assert article.title == "Neue Fähre: Größer & schneller!"
    assert article.language == "de" and article.published == dt.date(2024, 1, 2)
    assert [(p.text, p.section) for p in article.paragraphs] == [
        ("Die Fähre fährt.", None), ("Zweiter Absatz.", "Mehr")
    ]
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")] == [
        result.path.name
    ]


def test_duplicates_by_url_and_by_text(tmp_path: Path) -> None:
    existing = Existing.scan(tmp_path)
    assert isinstance(write(draft(), existing), Written)
    same_url = write(draft(text="Ganz anderer Text."), Existing.scan(tmp_path))
    assert same_url == Duplicate("neue-faehre-groesser-schneller", "same URL")
    same_text = write(draft(title="Other", text="die  Fähre\nfährt.", url=None), existing)
    assert same_text == Duplicate("neue-faehre-groesser-schneller", "same text")


def test_never_overwrites_another_article(tmp_path: Path) -> None:
    taken = tmp_path / "neue-faehre-groesser-schneller.yaml"
    taken.write_text("this: is not even a valid article\n", "utf-8")
    result = write(draft(), Existing.scan(tmp_path))
    assert isinstance(result, Written) and result.id == "neue-faehre-groesser-schneller-2"
    assert taken.read_text("utf-8") == "this: is not even a valid article\n"


def test_a_file_that_appears_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    existing = Existing.scan(tmp_path)
    (tmp_path / "neue-faehre-groesser-schneller.yaml").write_text("mine\n", "utf-8")
    result = write(draft(), existing)
    assert isinstance(result, Written) and result.id.endswith("-2")
    assert (tmp_path / "neue-faehre-groesser-schneller.yaml").read_text("utf-8") == "mine\n"


def test_a_crash_mid_write_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(tmp: Path, path: Path) -> bool:
        assert tmp.read_text("utf-8").startswith("id: ")  # complete, but under a hidden name
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer, "_rename_no_clobber", crash)
    with pytest.raises(OSError):
        write(draft(), Existing.scan(tmp_path))
    assert [p.name for p in tmp_path.iterdir()] == [writer.LOCK_FILE]
    summary = add([str(PAGES / "bridge-en.html")], tmp_path)
    assert summary.outcomes[0].status == "failed"
    assert "No space left on device" in summary.outcomes[0].reason
    assert [p.name for p in tmp_path.iterdir()] == [writer.LOCK_FILE]


def test_a_crash_while_dumping_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.fsync

    def fail(fd: int) -> None:
        real(fd)
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(writer.os, "fsync", fail)
    with pytest.raises(OSError):
        write(draft(), Existing.scan(tmp_path))
    assert [p.name for p in tmp_path.iterdir()] == [writer.LOCK_FILE]


def test_add_many_files_with_a_summary(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    sources = [str(PAGES / n) for n in ("bridge-en.html", "hafen-de.html", "bridge-en.html")]
    summary = add([*sources, str(tmp_path / "nope.md")], kb)
    assert [o.status for o in summary.outcomes] == ["added", "added", "skipped", "failed"]
    assert summary.line() == "2 added, 1 skipped (duplicates), 1 failed"
    loaded = load(kb)
    assert not loaded.errors and len(loaded.articles) == 2


def test_target_dir_rules(tmp_path: Path) -> None:
    assert target_dir(tmp_path / "new", {}, tmp_path) == tmp_path / "new"
    assert (tmp_path / "new").is_dir()
    assert target_dir(None, {"NEWSBOT_KNOWLEDGE": str(tmp_path / "env")}, tmp_path) == (
        tmp_path / "env"
    )
    with pytest.raises(IngestError, match="pass --knowledge"):
        target_dir(None, {}, tmp_path)
    (tmp_path / "knowledge").mkdir()
    assert target_dir(None, {}, tmp_path) == tmp_path / "knowledge"
    package = Path(writer.__file__).resolve().parent.parent / "bundled"
    with pytest.raises(IngestError, match="installed package"):
        target_dir(package, {}, tmp_path)
    (tmp_path / "f.jsonl").write_text("", "utf-8")
    with pytest.raises(IngestError, match="not a file"):
        target_dir(tmp_path / "f.jsonl", {}, tmp_path)
