"""The xapian search backend (bot/backends/) against the default one: the same knowledge
written into two shards answers every golden question with the same quotes, candidates
and BM25 scores; articles land on one shard each by a stable hash; the indexer skips
unchanged articles, replaces changed ones and removes deleted ones; readers see a new
article after a reopen; a remote shard (xapian-tcpsrv) answers as a local one, and a
reader whose first address is dead uses the next.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.backends import BackendError, connection
from bot.backends import documents as docs
from bot.backends.shards import parse_shards, shard_of
from bot.engine import Engine
from bot.knowledge import bundled_knowledge
from bot.settings import Settings

pytestmark = pytest.mark.skipif(importlib.util.find_spec("xapian") is None,
                                reason="the Xapian bindings are missing (pip install -e "
                                       "'.[dev]' brings xapian-bindings-binary)")
TESTS = Path(__file__).parent
GOLDEN = [json.loads(line)["question"] for line in
          (TESTS / "golden" / "nordkorea.jsonl").read_text().splitlines() if line.strip()]
EXTRA = ["what does the Kremlin say?", "Wer dementiert?", "Wie viele Truppen?",
         "Kremlin denial", "Hund Katze Maus"]


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    folder = tmp_path / "knowledge"
    folder.mkdir()
    for article in sorted((TESTS / "articles").glob("*.yaml")):
        shutil.copy(article, folder / article.name)
    shutil.copy(next(bundled_knowledge().glob("*.yaml")), folder / "bundled.yaml")
    return folder


def _settings(knowledge: Path, shards: str) -> Settings:
    return Settings(knowledge=knowledge, saved_index=False, semantic=False).backed_by(
        "xapian", shards)


def _index(knowledge: Path, shards: str) -> tuple[int, int, int, int]:
    from bot.backends.indexer import index_knowledge

    done, errors = index_knowledge(_settings(knowledge, shards))
    assert not errors
    return done.added, done.replaced, done.unchanged, done.removed


@pytest.fixture
def shards(tmp_path: Path, knowledge: Path) -> str:
    spec = f"{tmp_path / 's0'},{tmp_path / 's1'}"
    assert _index(knowledge, spec) == (5, 0, 0, 0)
    return spec


def _answers(engine: Engine, question: str) -> list[tuple[str, str]]:
    answer = engine.answer(question, top=3)
    return [(s.passage_id, s.quote) for s in answer.snippets]


def test_the_same_answers_candidates_and_scores_as_the_default_index(
        knowledge: Path, shards: str) -> None:
    memory = Engine.load(knowledge, settings=Settings(saved_index=False, semantic=False))
    xapian = Engine.load(knowledge, settings=_settings(knowledge, shards))
    assert memory.languages == xapian.languages == ("de", "en")
    assert xapian.article_count() == memory.article_count() == 5
    for question in GOLDEN + EXTRA:
        assert _answers(xapian, question) == _answers(memory, question), question
        _, ours = memory.search(question)
        _, theirs = xapian.search(question)
        assert [s.passage.id for s in theirs] == [s.passage.id for s in ours], question
        for a, b in zip(ours, theirs, strict=True):
            # equal but for the last bit where the mean idf (a term in over half of the
            # passages) is summed in another order
            assert b.bm25 == pytest.approx(a.bm25, rel=1e-12, abs=1e-12), question
            assert b.signals.article_bm25 == pytest.approx(a.signals.article_bm25, rel=1e-12)
            assert b.passage == a.passage


def test_articles_by_stable_hash_one_shard_each(tmp_path: Path, shards: str) -> None:
    import xapian

    found: dict[str, set[int]] = {}
    for number, folder in enumerate(shards.split(",")):
        db = xapian.Database(folder)
        for post in db.postlist(""):
            data = json.loads(db.get_document(post.docid).get_data())
            found.setdefault(data["a"], set()).add(number)
    assert found and all(len(where) == 1 for where in found.values())
    assert all(where == {shard_of(article_id, 2)} for article_id, where in found.items())
    assert shard_of("nordkorea-soldaten-russland", 2) == shard_of("nordkorea-soldaten-russland", 2)


def test_the_indexer_skips_replaces_and_removes(knowledge: Path, shards: str) -> None:
    assert _index(knowledge, shards) == (0, 0, 5, 0)
    article = knowledge / "kreml-dementi.de.yaml"
    article.write_text(article.read_text().replace("Kreml", "Kreml-Palast", 1))
    (knowledge / "kremlin-denial.en.yaml").unlink()
    assert _index(knowledge, shards) == (0, 1, 3, 1)
    engine = Engine.load(knowledge, settings=_settings(knowledge, shards))
    assert engine.article("kremlin-denial") is None
    assert engine.article_count() == 4
    assert engine.store.n_passages == sum(engine.passage_count(a.id)
                                          for a in engine.articles())


def test_readers_see_a_new_article_after_a_reopen(knowledge: Path, shards: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connection, "REOPEN_SECONDS", 0.0)
    engine = Engine.load(knowledge, settings=_settings(knowledge, shards))
    assert not engine.answer("Wie viele Forscher hatte die Zirkonblau-Expedition?").found
    (knowledge / "zirkonblau.yaml").write_text(
        "id: zirkonblau\ntitle: Die Zirkonblau-Expedition\nlanguage: de\n"
        "published: 2026-12-01\nbody:\n  - Die Zirkonblau-Expedition erreichte mit 14 "
        "Forschern den Gletscher.\n")
    assert _index(knowledge, shards) == (1, 0, 5, 0)
    answer = engine.answer("Wie viele Forscher hatte die Zirkonblau-Expedition?")
    assert answer.found and answer.snippets[0].source.article_id == "zirkonblau"
    assert engine.passage("zirkonblau#1") is not None


def test_local_shards_in_a_folder_not_made_yet(tmp_path: Path, knowledge: Path) -> None:
    spec = f"{tmp_path / 'new' / 'shards' / 's0'},{tmp_path / 'new' / 'shards' / 's1'}"
    assert _index(knowledge, spec) == (5, 0, 0, 0)
    assert Engine.load(knowledge, settings=_settings(knowledge, spec)).article_count() == 5


def test_a_document_number_keeps_an_articles_passages_consecutive() -> None:
    first = docs.doc_number(1, 41)
    assert docs.split_doc(first + 1) == (1, 42)
    assert docs.from_combined(docs.combined_docid(first, 2), 2) == first


def test_shard_settings_say_what_is_wrong() -> None:
    with pytest.raises(BackendError, match="NEWSBOT_SHARDS"):
        parse_shards(" , ")
    assert parse_shards("a|b,c")[0].addresses == ("a", "b")
    with pytest.raises(BackendError, match="unknown search backend"):
        Engine.load(settings=Settings(backend="solr"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(shards: str) -> Iterator[str]:
    """The two shards served by xapian-tcpsrv; NEWSBOT_SHARDS with a dead address first."""
    tcpsrv = shutil.which("xapian-tcpsrv")
    if tcpsrv is None:
        pytest.skip("xapian-tcpsrv is not installed (apt-get install xapian-tools)")
    ports = [_free_port() for _ in range(3)]
    servers = [subprocess.Popen([tcpsrv, "--quiet", "--interface", "127.0.0.1", "--port",
                                 str(port), folder], start_new_session=True)
               for port, folder in zip(ports, shards.split(","), strict=False)]
    try:
        for port in ports[:2]:
            deadline = time.monotonic() + 30
            while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
                assert time.monotonic() < deadline, "xapian-tcpsrv did not start"
                time.sleep(0.05)
        yield (f"tcp://127.0.0.1:{ports[2]}|tcp://127.0.0.1:{ports[0]},"
               f"tcp://127.0.0.1:{ports[1]}")
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=10)


def test_remote_shards_answer_as_local_ones(knowledge: Path, shards: str, served: str,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.getpid", lambda: 0)  # the dead address is tried first
    local = Engine.load(knowledge, settings=_settings(knowledge, shards))
    remote = Engine.load(knowledge, settings=_settings(knowledge, served))
    for question in GOLDEN[:8]:
        assert _answers(remote, question) == _answers(local, question), question
