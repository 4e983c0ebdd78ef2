"""Knowledge faults: a file that breaks before a reload, a truncated saved index, a full disk.

The bot must keep answering from what it had: a reload that meets a broken file keeps the
last good articles serving, a damaged index is rebuilt, and a failed write while adding an
article leaves every file that was there untouched (and no half-written file behind).
"""

from __future__ import annotations

import errno
import hashlib
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest

import bot.ingest.write as write_module
from bot.engine import Engine
from bot.ingest import add
from bot.knowledge import bundled_knowledge

ARTICLE_ID = "nordkorea-soldaten-russland"
QUESTION = "Wie viele Soldaten?"
SECOND_ARTICLE = """id: wetter-test
title: Sturm über der Ostsee
language: de
published: 2024-11-02
body:
  - Der Sturm erreichte an der Küste Windgeschwindigkeiten von 120 Kilometern pro Stunde.
"""
NEW_ARTICLE = """# Hafen Rostock: Neue Fähre nach Schweden

Die neue Fähre verbindet Rostock ab Mai dreimal täglich mit Trelleborg in Schweden.

Der Hafen erwartet dadurch rund 200.000 zusätzliche Passagiere im Jahr.
"""


@pytest.fixture
def knowledge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of the bundled articles, with its saved index beside it."""
    monkeypatch.delenv("NEWSBOT_INDEX", raising=False)
    monkeypatch.delenv("NEWSBOT_INDEX_DIR", raising=False)
    folder = tmp_path / "knowledge"
    shutil.copytree(bundled_knowledge(), folder)
    (folder / "wetter.yaml").write_text(SECOND_ARTICLE, "utf-8")
    return folder


def article_file(folder: Path) -> Path:
    return next(p for p in folder.glob("*.y*ml") if ARTICLE_ID in p.read_text("utf-8"))


def serves(engine: Engine, article_id: str, question: str = QUESTION) -> bool:
    """Whether `engine` has the article and finds its passages for `question`."""
    if engine.article(article_id) is None:
        return False
    _, candidates = engine.search(question)
    return any(c.passage.article_id == article_id for c in candidates)


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".newsbot-index" not in p.parts
        and p.name not in (".newsbot-add.lock", ".newsbot-add-cache.json")  # bookkeeping
    }


def test_reload_with_every_file_broken_keeps_serving(knowledge: Path) -> None:
    engine = Engine.load(knowledge)
    assert serves(engine, ARTICLE_ID)
    for file in knowledge.glob("*.y*ml"):
        file.write_text("id: [unclosed\n", "utf-8")
    errors = engine.reload()
    assert errors
    assert serves(engine, ARTICLE_ID)


def test_reload_with_one_file_broken_keeps_its_last_good_version(knowledge: Path) -> None:
    engine = Engine.load(knowledge)
    others = {a.id for a in engine.articles()} - {ARTICLE_ID}
    assert others, "the test needs a second article"
    article_file(knowledge).write_text("id: [unclosed\n", "utf-8")
    errors = engine.reload()
    assert errors  # the broken file is reported ...
    assert serves(engine, ARTICLE_ID)  # ... and its last good version served


def test_questions_during_reloads_never_fail(knowledge: Path) -> None:
    engine = Engine.load(knowledge)
    file = article_file(knowledge)
    good = file.read_text("utf-8")
    failures: list[BaseException] = []
    stop = threading.Event()

    def ask() -> None:
        while not stop.is_set():
            try:
                engine.answer(QUESTION)
            except BaseException as error:  # collected and reported below
                failures.append(error)

    asker = threading.Thread(target=ask)
    asker.start()
    try:
        for round_ in range(4):
            file.write_text("id: [unclosed\n" if round_ % 2 == 0 else good, "utf-8")
            engine.reload()
    finally:
        stop.set()
        asker.join()
    assert not failures, failures[:1]
    assert serves(engine, ARTICLE_ID)


def test_truncated_index_file_is_rebuilt(knowledge: Path) -> None:
    first = Engine.load(knowledge)
    expected = [s.quote for s in first.answer(QUESTION).snippets]
    assert first.index_dir is not None
    files = sorted(
        (p for p in Path(first.index_dir).rglob("*") if p.is_file()),
        key=lambda p: p.stat().st_size,
    )
    assert files, "no saved index was written"
    del first
    for victim in files[-3:]:  # the largest arrays and the texts
        data = victim.read_bytes()
        victim.write_bytes(data[: len(data) // 2])
    again = Engine.load(knowledge)
    assert [s.quote for s in again.answer(QUESTION).snippets] == expected
    assert again.article(ARTICLE_ID) is not None


def fill_disk_on_write(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the ingest writer's files fail half way with ENOSPC, as on a full disk."""
    real_open = open

    class FullDisk:
        def __init__(self, handle: Any) -> None:
            self._handle = handle

        def write(self, text: str) -> int:
            self._handle.write(text[: len(text) // 2])
            self._handle.flush()
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name: str) -> Any:
            return getattr(self._handle, name)

        def __enter__(self) -> FullDisk:
            return self

        def __exit__(self, *exc: object) -> None:
            self._handle.close()

    def full_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real_open(file, mode, *args, **kwargs)
        return FullDisk(handle) if any(c in mode for c in "wxa") else handle

    monkeypatch.setattr(write_module, "open", full_open, raising=False)


def test_full_disk_while_adding_loses_nothing(
    knowledge: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "hafen.md"
    source.write_text(NEW_ARTICLE, "utf-8")
    before = snapshot(knowledge)
    fill_disk_on_write(monkeypatch)
    summary = add([str(source)], knowledge)
    outcome = summary.outcomes[0]
    assert outcome.status == "failed"
    assert "No space left on device" in outcome.reason
    assert snapshot(knowledge) == before  # nothing changed, no half-written file left
    monkeypatch.undo()
    engine = Engine.load(knowledge)
    assert engine.article(ARTICLE_ID) is not None and not engine.errors
    summary = add([str(source)], knowledge)  # with space again, the article is added
    assert summary.outcomes[0].status == "added"
    assert engine.reload() == []
    added = summary.outcomes[0].article_id or ""
    assert serves(engine, added, "Wie viele zusätzliche Passagiere erwartet der Hafen?")
    assert serves(engine, ARTICLE_ID)
