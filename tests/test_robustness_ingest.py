"""`newsbot add` against odd sources and big folders (issue 12): ids that name hidden
files, and the duplicate check re-reading every knowledge file on every add.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from bot.ingest import add
from bot.ingest import existing as writer
from bot.knowledge import load

CORPUS_LINE = ('{{"id": "a{n}", "title": "Bericht {n}", "language": "de", '
               '"url": "https://example.org/a/{n}", "text": "Der Bericht Nummer {n} handelt '
               'vom Hafen und vom Wetter an der Küste im Jahr {n}."}}\n')


def markdown(folder: Path, name: str, front: str, text: str) -> Path:
    path = folder / name
    path.write_text(f"---\n{front}\n---\n\n{text}\n", "utf-8")
    return path


@pytest.mark.parametrize("wanted", [".hidden", "..", ".git", "...x"])
def test_an_id_that_would_name_a_hidden_file_is_not_kept(tmp_path: Path, wanted: str) -> None:
    kb = tmp_path / "kb"
    source = markdown(tmp_path, "a.md", f"title: Sturm an der Küste\nid: '{wanted}'",
                      "Der Sturm erreichte die Küste am Morgen mit hoher Geschwindigkeit.")
    (outcome,) = add([str(source)], kb).outcomes
    assert outcome.status == "added" and outcome.article_id is not None
    assert not outcome.article_id.startswith(".") and outcome.path is not None
    assert not outcome.path.name.startswith(".")
    assert [a.id for a in load(kb).articles] == [outcome.article_id]  # served, not hidden


def counting_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    read: list[Path] = []
    real = writer._articles

    def counted(file: Path) -> Any:
        read.append(file)
        return real(file)

    monkeypatch.setattr(writer, "_articles", counted)
    return read


def test_add_reads_only_the_knowledge_files_that_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    for part in range(3):
        (kb / f"corpus-{part}.jsonl").write_text(
            "".join(CORPUS_LINE.format(n=part * 100 + n) for n in range(100)), "utf-8")
    read = counting_reads(monkeypatch)
    first = markdown(tmp_path, "first.md", "title: Erster Bericht", "Die Fähre fährt ab Mai.")
    assert add([str(first)], kb).count("added") == 1
    assert len(read) == 3  # the first add reads them all

    read.clear()
    again = markdown(tmp_path, "again.md", "title: Noch einmal\nurl: https://example.org/a/150",
                     "Ganz anderer Text.")
    same_text = tmp_path / "same.txt"
    same_text.write_text("Titel\n\nDer Bericht Nummer 7 handelt vom Hafen und vom Wetter an der "
                         "Küste im Jahr 7.\n", "utf-8")
    summary = add([str(again), str(same_text)], kb)
    assert [o.reason for o in summary.outcomes] == [
        "already there as a150 (same URL)", "already there as a7 (same text)"]
    assert read == [kb / "erster-bericht.yaml"]  # only the file the first add wrote

    read.clear()
    path = kb / "corpus-1.jsonl"
    before = path.stat()
    path.write_text(path.read_text("utf-8").replace("a/150", "a/999"), "utf-8")  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    (outcome,) = add([str(again)], kb).outcomes
    assert read == [path] and outcome.status == "added"  # the edit was seen


def test_a_damaged_cache_is_ignored(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "corpus.jsonl").write_text(CORPUS_LINE.format(n=1), "utf-8")
    add([str(markdown(tmp_path, "x.md", "title: X", "Text eins."))], kb)
    (kb / writer.CACHE_FILE).write_text('{"files": {"corpus.jsonl": [1, 2]}}', "utf-8")
    again = markdown(tmp_path, "y.md", "title: Y\nurl: https://example.org/a/1", "Text zwei.")
    (outcome,) = add([str(again)], kb).outcomes
    assert outcome.reason == "already there as a1 (same URL)"
