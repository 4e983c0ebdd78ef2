"""`newsbot add` from the outside: a local news page becomes an article that `ask` quotes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from pageserver import PageServer


@pytest.fixture(scope="module")
def server() -> Iterator[PageServer]:
    with PageServer() as pages:
        yield pages


def newsbot(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("NEWSBOT_")}
    environ.update(env or {})
    code = "import sys; from bot.cli import main; sys.exit(main())"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=environ,
                          capture_output=True, text=True, timeout=120)


def test_add_then_ask_quotes_the_page(server: PageServer, tmp_path: Path) -> None:
    url = server.url("hafen-de.html")
    refused = newsbot("add", url, "--knowledge", "kb", cwd=tmp_path)
    assert refused.returncode != 0
    assert "refused to fetch from 127.0.0.1: a loopback address" in refused.stderr
    assert "--allow-private-networks" in refused.stderr
    assert not list((tmp_path / "kb").glob("*.yaml"))

    added = newsbot("add", url, "--knowledge", "kb", "--allow-private-networks", cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    assert "1 added, 0 skipped (duplicates), 0 failed" in added.stdout
    (file,) = (tmp_path / "kb").glob("*.yaml")
    data = yaml.safe_load(file.read_text("utf-8"))
    assert data["title"] == "Hafen Rostock: Neue Fähre nach Schweden startet im Mai"
    assert str(data["published"]) == "2024-03-14" and data["language"] == "de"

    again = newsbot("add", url, "--knowledge", "kb", cwd=tmp_path,
                    env={"NEWSBOT_ALLOW_PRIVATE_NETWORKS": "1"})
    assert again.returncode == 0 and "0 added, 1 skipped" in again.stdout, again.stderr
    assert len(list((tmp_path / "kb").glob("*.yaml"))) == 1

    asked = newsbot("ask", "--json", "Wie viele Passagiere?", "--knowledge", "kb", cwd=tmp_path)
    answer = json.loads(asked.stdout)
    assert answer["found"], answer
    assert "1.200 Passagiere" in answer["snippets"][0]["quote"]
    assert answer["snippets"][0]["published"] == "2024-03-14"


def test_add_uses_the_knowledge_folder_here_or_makes_one(
    server: PageServer, tmp_path: Path
) -> None:
    page = str(Path(__file__).parent / "pages" / "bridge-en.html")
    fresh = newsbot("add", page, cwd=tmp_path)  # a fresh folder: ./knowledge is made
    assert fresh.returncode == 0, fresh.stderr
    assert "created" in fresh.stderr and "knowledge" in fresh.stderr
    assert len(list((tmp_path / "knowledge").glob("*.yaml"))) == 1
    again = newsbot("add", str(Path(__file__).parent / "pages" / "wahl-de-divs.html"),
                    cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "created" not in again.stderr
    assert len(list((tmp_path / "knowledge").glob("*.yaml"))) == 2


def test_many_sources_and_failures_are_summed_up(server: PageServer, tmp_path: Path) -> None:
    sources = [server.url("bridge-en.html"), server.url("report.pdf"), server.url("missing"),
               "ftp://example.org/x", server.url("wahl-de-divs.html")]
    result = newsbot("add", *sources, "--knowledge", "kb", "--allow-private-networks",
                     cwd=tmp_path)
    assert result.returncode == 1
    assert "2 added, 0 skipped (duplicates), 3 failed" in result.stdout
    assert "not an HTML page" in result.stderr and "answered 404" in result.stderr
    assert "only http:// and https://" in result.stderr
