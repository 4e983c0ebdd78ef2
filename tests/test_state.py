"""bot/state: migrations, each table's API, restarts, bounds, and where the database is."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.state import HEAD, Context, State, StateError, resolve_url, schema, shown_url, version
from bot.state import context as context_module
from bot.state import watches as watches_module
from bot.state.migrations import version_table

NOW = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def url(tmp_path: Path) -> str:
    return resolve_url(tmp_path)


@pytest.fixture
def state(url: str) -> Iterator[State]:
    opened = State.open(url)
    yield opened
    opened.close()


def test_the_database_is_a_hidden_file_in_the_knowledge_folder(tmp_path: Path) -> None:
    assert resolve_url(tmp_path, environ={}) == f"sqlite:///{tmp_path}/.newsbot-state.sqlite"
    assert resolve_url(tmp_path, "postgresql://u@h/db", {}) == "postgresql://u@h/db"
    env = {"NEWSBOT_DATABASE": str(tmp_path / "elsewhere.db")}
    assert resolve_url(tmp_path, "postgresql://u@h/db", env) == (
        f"sqlite:///{tmp_path}/elsewhere.db")


def test_passwords_are_never_shown() -> None:
    url = "postgresql://newsbot:s3cret@db.example:5432/newsbot"
    assert "s3cret" not in shown_url(url) and "newsbot@db.example" in shown_url(url).replace(
        ":***", "")
    assert "s3cret" not in shown_url("not a url://user:s3cret@host")


def test_a_bad_url_is_refused_without_its_password() -> None:
    with pytest.raises(StateError) as err:
        State.open("mysql://root:s3cret@localhost/x")
    assert "s3cret" not in str(err.value) and "SQLite or PostgreSQL" in str(err.value)
    with pytest.raises(StateError, match="does not exist"):
        State.open("sqlite:////no/such/folder/state.sqlite")


def test_migrating_an_empty_database_makes_exactly_the_schema(url: str) -> None:
    with State.open(url) as state:
        assert version(state.engine) == HEAD
        inspector = sa.inspect(state.engine)
        made = set(inspector.get_table_names())
        assert made == {t.name for t in schema.metadata.sorted_tables} | {"schema_version"}
        for table in schema.metadata.sorted_tables:
            columns = {c["name"]: c for c in inspector.get_columns(table.name)}
            assert set(columns) == set(table.columns.keys()), table.name
            for column in table.columns:
                assert columns[column.name]["nullable"] == column.nullable, column
            indexes = {i["name"] for i in inspector.get_indexes(table.name)}
            assert {i.name for i in table.indexes} <= indexes


def test_opening_again_migrates_nothing_and_keeps_everything(url: str) -> None:
    with State.open(url) as state:
        feed = state.feeds.add("https://example.org/feed.xml", 900, now=NOW)
        state.settings.set(-100123, autoanswer=True, language="de")
        state.watches.add(-100123, "Wie viele Soldaten?")
    with State.open(url) as state:  # a restart
        assert [f.url for f in state.feeds.list()] == ["https://example.org/feed.xml"]
        assert state.feeds.get(feed.id) == feed
        assert state.settings.get(-100123).autoanswer is True
        assert state.settings.get(-100123).language == "de"
        assert [w.question for w in state.watches.list(-100123)] == ["Wie viele Soldaten?"]
        with state.engine.connect() as conn:
            assert conn.execute(sa.select(version_table.c.version)).scalar() == HEAD


def test_a_database_from_a_newer_newsbot_is_refused_untouched(url: str) -> None:
    with State.open(url) as state, state.engine.begin() as conn:
        conn.execute(version_table.update().values(version=HEAD + 1))
    with pytest.raises(StateError, match=rf"schema version {HEAD + 1}, newer"):
        State.open(url)


def test_sqlite_runs_in_wal_mode(url: str, tmp_path: Path) -> None:
    State.open(url).close()
    with sqlite3.connect(tmp_path / ".newsbot-state.sqlite") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_datetimes_come_back_aware_and_naive_ones_are_refused(state: State) -> None:
    berlin = dt.timezone(dt.timedelta(hours=1))
    feed = state.feeds.add("https://example.org/a", 60,
                           now=dt.datetime(2025, 3, 1, 13, 0, tzinfo=berlin))
    assert feed.added == NOW and feed.added.tzinfo is not None
    with pytest.raises(sa.exc.StatementError, match="aware datetimes"):
        state.feeds.add("https://example.org/b", 60, now=dt.datetime(2025, 3, 1))


def test_feeds_add_find_remove(state: State) -> None:
    a = state.feeds.add("https://example.org/a.xml", 900, max_articles=50, now=NOW)
    b = state.feeds.add("https://example.org/b.xml", 3600, now=NOW)
    again = state.feeds.add("https://example.org/a.xml", 600, now=NOW)
    assert again.id == a.id and again.interval == 600 and again.max_articles is None
    assert state.feeds.find(str(b.id)) == b
    assert state.feeds.find("https://example.org/a.xml") == again
    assert state.feeds.find("https://example.org/none.xml") is None
    state.items.seen(a.id, "guid-1", article_id="art-1", at=NOW)
    assert state.feeds.remove(a.id) and not state.feeds.remove(a.id)
    assert [f.id for f in state.feeds.list()] == [b.id]
    assert state.items.list() == []  # its items went with it


def test_feed_outcomes_are_recorded(state: State) -> None:
    feed = state.feeds.add("https://example.org/a.xml", 900, now=NOW)
    later = NOW + dt.timedelta(minutes=15)
    state.feeds.failed(feed.id, at=NOW, error="the server answered 503", next_fetch=later,
                       backoff_until=later, failures=1)
    failed = state.feeds.get(feed.id)
    assert failed and failed.error == "the server answered 503" and failed.failures == 1
    assert failed.backoff_until == later and failed.error_at == NOW
    state.feeds.succeeded(feed.id, at=later, next_fetch=later + dt.timedelta(minutes=15),
                          validators=('"v1"', "Sat, 01 Mar 2025 12:00:00 GMT"), title="A",
                          new_item=True)
    ok = state.feeds.get(feed.id)
    assert ok and ok.error is None and ok.failures == 0 and ok.backoff_until is None
    assert (ok.etag, ok.title, ok.last_new_item) == ('"v1"', "A", later)
    state.feeds.succeeded(feed.id, at=later, next_fetch=later, validators=None)
    kept = state.feeds.get(feed.id)
    assert kept and kept.etag == '"v1"' and kept.last_new_item == later


def test_items_are_found_by_guid_link_and_hash(state: State) -> None:
    a = state.feeds.add("https://example.org/a.xml", 900, now=NOW)
    b = state.feeds.add("https://example.org/b.xml", 900, now=NOW)
    state.items.seen(a.id, "urn:1", article_id="art-1", at=NOW, link="example.org/1",
                     canonical="example.org/news/1", content_hash="h1",
                     published=dt.date(2025, 3, 1))
    assert state.items.get(a.id, "urn:1").article_id == "art-1"
    assert state.items.get(b.id, "urn:1") is None  # a GUID belongs to its feed
    assert state.items.with_link("example.org/news/1").article_id == "art-1"
    assert state.items.with_link("example.org/1").article_id == "art-1"
    assert state.items.with_hash("h1").article_id == "art-1"
    long_guid = "x" * 5000  # stored as its hash, found the same way
    state.items.seen(b.id, long_guid, article_id="art-1", at=NOW)
    assert state.items.get(b.id, long_guid).guid.startswith("sha256:")
    assert [i.feed_id for i in state.items.for_article("art-1")] == [a.id, b.id]


def test_failed_items_count_their_attempts_and_then_succeed(state: State) -> None:
    feed = state.feeds.add("https://example.org/a.xml", 900, now=NOW)
    assert state.items.failed(feed.id, "g", "404", at=NOW) == 1
    assert state.items.failed(feed.id, "g", "404", at=NOW) == 2
    item = state.items.get(feed.id, "g")
    assert item.article_id is None and item.error == "404" and item.attempts == 2
    state.items.seen(feed.id, "g", article_id="art", at=NOW + dt.timedelta(hours=1))
    item = state.items.get(feed.id, "g")
    assert item.article_id == "art" and item.error is None and item.seen_at == NOW


def test_settings_set_only_what_is_given(state: State) -> None:
    assert state.settings.get(7).autoanswer is None
    state.settings.set(7, autoanswer=False)
    state.settings.set(7, language="en")
    assert (state.settings.get(7).autoanswer, state.settings.get(7).language) == (False, "en")
    state.settings.set(7, autoanswer=None)
    assert state.settings.get(7).autoanswer is None and state.settings.get(7).language == "en"


def test_context_is_kept_under_both_messages_and_bounded(
    state: State, monkeypatch: pytest.MonkeyPatch
) -> None:
    state.context.put(1, [10, 11], Context("Wie viele?", ("a", "b"), NOW,
                                            previous_question="Wer?", asker=42))
    got = state.context.get(1, 11, NOW)
    assert got == Context("Wie viele?", ("a", "b"), NOW, "Wer?", (), 42)
    assert state.context.get(1, 10, NOW) == got
    assert state.context.get(2, 10, NOW) is None
    assert state.context.get(1, 10, NOW + dt.timedelta(hours=25)) is None  # too old
    monkeypatch.setattr(context_module, "MAX_PER_CHAT", 4)
    for n in range(6):
        state.context.put(1, [100 + n], Context(f"q{n}", (), NOW + dt.timedelta(seconds=n)))
    kept = [m for m in [10, 11, *range(100, 106)]
            if state.context.get(1, m, NOW + dt.timedelta(minutes=1))]
    assert kept == [102, 103, 104, 105]


def test_watches_are_bounded_per_chat(state: State, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(watches_module, "MAX_PER_CHAT", 2)
    first = state.watches.add(5, "Wie viele  Soldaten?")
    assert state.watches.add(5, "Wie viele Soldaten?") == first  # the same question
    state.watches.add(5, "Was sagt Russland?")
    with pytest.raises(StateError, match="watches 2 questions already"):
        state.watches.add(5, "Wer ist Peskow?")
    state.watches.add(6, "Wer ist Peskow?")  # another chat has its own bound
    state.watches.answered(first.id, "fp-1", NOW)
    assert state.watches.list(5)[0].fingerprint == "fp-1"
    assert state.watches.remove(5, first.id) and not state.watches.remove(6, first.id)
    state.forget_chat(5)
    assert [w.chat_id for w in state.watches.list()] == [6]


def test_question_log_and_feedback(state: State) -> None:
    state.log.record("Wie viele Panzer?", False, at=NOW)
    state.log.record("Wie viele Soldaten?", True, "p-1", at=NOW + dt.timedelta(days=1))
    assert [q.question for q in state.log.since(NOW, found=False)] == ["Wie viele Panzer?"]
    assert len(state.log.since(NOW + dt.timedelta(hours=1))) == 1
    state.feedback.record(9, 100, "Wie viele Soldaten?", "p-1", good=True, at=NOW)
    state.feedback.record(9, 100, "Wie viele Soldaten?", "p-1", good=False, at=NOW)
    votes = state.feedback.since(NOW)
    assert [(v.vote, v.passage_id) for v in votes] == [(-1, "p-1")]  # one vote per answer
    assert state.log.prune(NOW + dt.timedelta(hours=1)) == 1
    assert state.feedback.prune(NOW + dt.timedelta(hours=1)) == 1


def test_processes_opening_a_new_database_at_once_migrate_it_once(tmp_path: Path) -> None:
    import subprocess
    import sys

    url = resolve_url(tmp_path)
    code = ("import datetime as dt, sys\nfrom bot.state import State\n"
            "with State.open(sys.argv[1]) as s:\n"
            "    s.feeds.add(sys.argv[2], 900, now=dt.datetime.now(dt.UTC))\n")
    runs = [subprocess.Popen([sys.executable, "-c", code, url, f"https://example.org/{n}.xml"],
                             stderr=subprocess.PIPE, text=True) for n in range(4)]
    for run in runs:
        _, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
    with State.open(url) as state:
        assert len(state.feeds.list()) == 4 and version(state.engine) == HEAD
