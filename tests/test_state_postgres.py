"""bot/state on PostgreSQL: the same migrations and round trips against a server that this
test starts on 127.0.0.1 in a temporary folder (initdb, pg_ctl; Debian's `postgresql`).

Skipped, saying why, only when initdb/pg_ctl or the psycopg driver are missing; .ci/run
installs both. As root (CI), the server runs as the `postgres` user, which initdb needs.
"""

from __future__ import annotations

import datetime as dt
import glob
import importlib.util
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.state import HEAD, Context, State, version

NOW = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)


def _tool(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


INITDB, PG_CTL = _tool("initdb"), _tool("pg_ctl")
pytestmark = [
    pytest.mark.skipif(INITDB is None or PG_CTL is None,
                       reason="PostgreSQL's initdb/pg_ctl are not installed "
                              "(apt-get install postgresql; .ci/run does)"),
    pytest.mark.skipif(importlib.util.find_spec("psycopg") is None,
                       reason="the psycopg driver is not installed (pip install -e '.[dev]')"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    """postgresql://newsbot:PASSWORD@127.0.0.1:PORT/postgres on a fresh server."""
    assert INITDB and PG_CTL
    folder = Path(tempfile.mkdtemp(prefix="newsbot-pg-"))
    password = secrets.token_hex(8)
    (folder / "pw").write_text(password)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(folder / "pw", "postgres")
    data, port = folder / "data", _free_port()
    subprocess.run(_as_postgres([INITDB, "-D", str(data), "-U", "newsbot", "--auth=scram-sha-256",
                                 f"--pwfile={folder / 'pw'}", "-E", "UTF8", "--no-sync"]),
                   check=True, capture_output=True, timeout=120)
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off"
    subprocess.run(_as_postgres([PG_CTL, "-D", str(data), "-o", options, "-l",
                                 str(folder / "log"), "-w", "-t", "60", "start"]),
                   check=True, capture_output=True, timeout=120)
    try:
        yield f"postgresql://newsbot:{password}@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_postgres([PG_CTL, "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


def test_migrations_and_round_trips_on_postgresql(pg_url: str) -> None:
    with State.open(pg_url) as state:
        assert version(state.engine) == HEAD
        assert state.engine.dialect.name == "postgresql"
        assert "***" in state.shown and pg_url.split(":")[2].split("@")[0] not in repr(state)
        feed = state.feeds.add("https://example.org/feed.xml", 900, now=NOW)
        state.items.seen(feed.id, "urn:1", article_id="a-1", at=NOW, link="example.org/1",
                         content_hash="h", published=dt.date(2025, 3, 1), updated=NOW)
        assert state.items.failed(feed.id, "urn:2", "404", at=NOW) == 1
        state.settings.set(-1001234567890, autoanswer=True, language="de")
        state.context.put(-1001234567890, [1, 2], Context("Wie viele?", ("a-1",), NOW))
        state.watches.add(-1001234567890, "Wie viele Soldaten?")
        state.log.record("Wie viele Panzer?", False, at=NOW)
        state.feedback.record(42, 7, "Wie viele?", "a-1#1", good=True, at=NOW)
        state.feedback.record(42, 7, "Wie viele?", "a-1#1", good=False, at=NOW)
    with State.open(pg_url) as state:  # a restart: migrated already, everything kept
        (item,) = [i for i in state.items.list() if i.article_id]
        assert (item.guid, item.published, item.updated) == ("urn:1", dt.date(2025, 3, 1), NOW)
        assert state.items.with_link("example.org/1") == item
        assert state.settings.get(-1001234567890).autoanswer is True
        assert state.context.get(-1001234567890, 2, NOW) == Context("Wie viele?", ("a-1",), NOW)
        assert [w.question for w in state.watches.list()] == ["Wie viele Soldaten?"]
        assert [v.vote for v in state.feedback.since(NOW)] == [-1]
        assert [q.found for q in state.log.since(NOW)] == [False]
        assert state.feeds.remove(state.feeds.list()[0].id)
        assert state.items.list() == []


def test_a_wrong_password_is_reported_without_it(pg_url: str) -> None:
    from bot.state import StateError

    wrong = pg_url.replace("newsbot:", "newsbot:x", 1)
    with pytest.raises(StateError) as err:
        State.open(wrong)
    secret = wrong.split(":")[2].split("@")[0]
    assert secret not in str(err.value) and "cannot open the state database" in str(err.value)
