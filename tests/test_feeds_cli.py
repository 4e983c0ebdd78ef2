"""newsbot follow / unfollow / feeds from the outside, and a poll round killed mid-way:
no partial article, no lost item, and the next round completes it exactly once."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from feedserver import FeedServer, Story

from bot.knowledge import load
from bot.state import State, resolve_url

DAY = dt.datetime(2025, 3, 14, 8, 0, tzinfo=dt.UTC)
OPEN = {"NEWSBOT_ALLOW_PRIVATE_NETWORKS": "1"}
TEXT = ("Die Stadt {0} meldet {1} neue Wohnungen für das laufende Jahr, teilte die Verwaltung "
        "am Freitag mit. Gebaut wird vor allem am Stadtrand.",
        "Im Vorjahr waren es {2} Wohnungen gewesen; der Mieterverein begrüßte die Zahl, "
        "forderte aber mehr Sozialwohnungen in {0}.")


def stories() -> list[Story]:
    towns = [("Rostock", 800, 650), ("Wismar", 240, 180), ("Schwerin", 410, 390)]
    return [Story(town.lower(), f"{town} baut {new} Wohnungen",
                  [TEXT[0].format(town, new, old), TEXT[1].format(town, new, old)],
                  DAY - dt.timedelta(hours=n))
            for n, (town, new, old) in enumerate(towns)]


def newsbot(*args: str, cwd: Path, env: dict[str, str] | None = None,
            code: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(_command(code, args), cwd=cwd, env=_env(env), capture_output=True,
                          text=True, timeout=120)


def _env(extra: dict[str, str] | None) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("NEWSBOT_")}
    environ["NEWSBOT_INDEX"] = "off"
    return environ | (extra or {})


def _command(code: str, args: tuple[str, ...]) -> list[str]:
    run = "import sys; from bot.cli import main; sys.exit(main())"
    return [sys.executable, "-c", f"{code}\n{run}" if code else run, *args]


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer(stories=stories()) as feeds:
        yield feeds


def test_follow_poll_list_and_unfollow(server: FeedServer, tmp_path: Path) -> None:
    url = server.publish("/feed.xml")
    refused = newsbot("follow", url, "--knowledge", "kb", cwd=tmp_path)
    assert refused.returncode == 1 and "a loopback address" in refused.stderr
    assert "NEWSBOT_ALLOW_PRIVATE_NETWORKS=1" in refused.stderr
    followed = newsbot("follow", url, "--knowledge", "kb", "--every", "30m", cwd=tmp_path,
                       env=OPEN)
    assert followed.returncode == 0, followed.stderr
    assert 'following 1: ' in followed.stdout and '(RSS "Testkurier", 3 entries) every 30m' in (
        followed.stdout)
    assert not list((tmp_path / "kb").glob("*.yaml"))  # its articles come with the poll

    polled = newsbot("feeds", "--poll-once", "--knowledge", "kb", cwd=tmp_path, env=OPEN)
    assert polled.returncode == 0, polled.stderr
    assert "3 new, 0 replaced, 0 duplicates" in polled.stdout
    assert len(load(tmp_path / "kb").articles) == 3
    again = newsbot("feeds", "--poll-once", "--knowledge", "kb", cwd=tmp_path, env=OPEN)
    assert "not modified (304)" in again.stdout
    assert server.requests("/feed.xml")[-1][3] == 304

    listed = newsbot("feeds", "--knowledge", "kb", cwd=tmp_path)  # a new process: kept
    assert listed.returncode == 0
    assert f"1  every 30m  {url}  Testkurier" in listed.stdout
    assert "3 article(s)" in listed.stdout and "last new item 20" in listed.stdout

    asked = newsbot("ask", "Wie viele Wohnungen baut Wismar?", "--knowledge", "kb", cwd=tmp_path)
    assert "240" in asked.stdout, asked.stdout

    gone = newsbot("unfollow", url, "--knowledge", "kb", cwd=tmp_path)
    assert gone.returncode == 0 and "unfollowed 1" in gone.stdout
    assert "no feeds followed" in newsbot("feeds", "--knowledge", "kb", cwd=tmp_path).stdout
    assert len(load(tmp_path / "kb").articles) == 3  # the articles stay
    unknown = newsbot("unfollow", "7", "--knowledge", "kb", cwd=tmp_path)
    assert unknown.returncode == 2 and "no such feed is followed" in unknown.stderr


def test_failures_are_listed_with_their_reason(server: FeedServer, tmp_path: Path) -> None:
    with State.open(resolve_url(tmp_path)) as state:  # followed before it broke
        state.feeds.add(server.url("/garbage.xml"), 900, now=DAY)
    polled = newsbot("feeds", "--poll-once", "--knowledge", str(tmp_path), cwd=tmp_path,
                     env=OPEN)
    assert polled.returncode == 1 and "failed   " in polled.stderr
    listed = newsbot("feeds", "--knowledge", str(tmp_path), cwd=tmp_path).stdout
    assert "error: " in listed and "not an RSS, Atom or JSON feed" in listed
    assert "(1 failure(s) in a row)" in listed


def test_bad_options_are_usage_errors(tmp_path: Path) -> None:
    (tmp_path / "kb").mkdir()
    every = newsbot("follow", "https://example.org/feed", "--every", "soon", "--knowledge", "kb",
                    cwd=tmp_path)
    assert every.returncode == 2 and "is not an interval; write e.g. 15m" in every.stderr
    quick = newsbot("follow", "https://example.org/feed", "--every", "5s", "--knowledge", "kb",
                    cwd=tmp_path)
    assert quick.returncode == 2 and "must be between 1m and 7d" in quick.stderr


CRASH_AFTER_FIRST_WRITE = """
import time
from bot.feeds import articles
_write = articles.write_new
def _write_then_hang(draft, existing):
    written = _write(draft, existing)
    print("WROTE", written.id, flush=True)
    time.sleep(120)
    return written
articles.write_new = _write_then_hang
"""


def test_a_round_killed_after_writing_an_article_loses_and_duplicates_nothing(
    server: FeedServer, tmp_path: Path
) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    url = server.publish("/feed.xml")
    assert newsbot("follow", url, "--knowledge", "kb", cwd=tmp_path, env=OPEN).returncode == 0
    with subprocess.Popen(_command(CRASH_AFTER_FIRST_WRITE, ("feeds", "--poll-once",
                                                             "--knowledge", "kb")),
                          cwd=tmp_path, env=_env(OPEN), stdout=subprocess.PIPE, text=True
                          ) as round_one:
        assert round_one.stdout is not None
        line = round_one.stdout.readline()  # blocks until the first article is written
        assert line.startswith("WROTE "), line
        round_one.send_signal(signal.SIGKILL)  # between the article and its seen-item
        round_one.wait(timeout=60)
    first_id = line.split()[1]
    assert [p.stem for p in kb.glob("*.yaml")] == [first_id]
    assert not list(kb.glob(".*.tmp")) and not load(kb).errors  # complete, or nothing
    with State.open(resolve_url(kb)) as state:
        assert not [i for i in state.items.list() if i.article_id]  # its item: not yet seen

    round_two = newsbot("feeds", "--poll-once", "--knowledge", "kb", cwd=tmp_path, env=OPEN)
    assert round_two.returncode == 0, round_two.stderr
    assert "3 new, 0 replaced, 0 duplicates" in round_two.stdout
    titles = sorted(yaml.safe_load(p.read_text("utf-8"))["title"] for p in kb.glob("*.yaml"))
    assert titles == sorted(s.title for s in stories())  # each story exactly once
    with State.open(resolve_url(kb)) as state:
        seen = state.items.list()
        assert len(seen) == 3 and all(i.article_id and i.origin == "page" for i in seen)
        assert first_id in {i.article_id for i in seen}
    round_three = newsbot("feeds", "--poll-once", "--knowledge", "kb", cwd=tmp_path, env=OPEN)
    assert "not modified (304)" in round_three.stdout
    assert len(list(kb.glob("*.yaml"))) == 3
