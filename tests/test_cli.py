"""The newsbot command driven from the outside, as a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden" / "nordkorea.jsonl"
BUNDLED = Path(__file__).parents[1] / "bot" / "bundled"


def newsbot(*args: str, stdin: str | None = None, cwd: Path | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "NEWSBOT_SEMANTIC": "off", **(env or {})}
    full_env.pop("NEWSBOT_KNOWLEDGE", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
        timeout=120, cwd=cwd, env=full_env, check=False,
    )


def test_ask_for_people() -> None:
    run = newsbot("ask", "Wie viele Soldaten?")
    assert run.returncode == 0, run.stderr
    assert "12.000" in run.stdout or "1.500" in run.stdout
    assert "Nordkoreanische Soldaten in Russland" in run.stdout
    assert "2024-10-22" in run.stdout


def test_ask_json() -> None:
    run = newsbot("ask", "--json", "--top", "2", "how many soldiers?")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["found"] is True and data["language"] == "en" and data["kind"] == "count"
    assert 1 <= len(data["snippets"]) <= 2
    assert data["snippets"][0]["article_id"] == "nordkorea-soldaten-russland"
    assert data["elapsed_ms"] >= 0


def test_ask_json_off_topic() -> None:
    data = json.loads(newsbot("ask", "--json", "Wie ist das Wetter in Berlin?").stdout)
    assert data["found"] is False and data["snippets"] == []


def test_ask_many_from_stdin() -> None:
    run = newsbot("ask", "--json", "-", stdin="Wer ist Peskow?\n\nWann besuchte Putin Pjöngjang?\n")
    assert run.returncode == 0, run.stderr
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    assert [d["question"] for d in lines] == ["Wer ist Peskow?", "Wann besuchte Putin Pjöngjang?"]
    assert "im Juni" in lines[1]["snippets"][0]["quote"]


def test_empty_question_is_an_error() -> None:
    run = newsbot("ask", "  ")
    assert run.returncode == 2
    assert "empty" in run.stderr


def test_sources() -> None:
    run = newsbot("sources")
    assert run.returncode == 0
    assert "nordkorea-soldaten-russland  2024-10-22  12 passages" in run.stdout


def test_check_reports_broken_files(tmp_path: Path) -> None:
    (tmp_path / "ok.yaml").write_text("id: ok\ntitle: T\nlanguage: de\nbody: [Ein Satz.]\n")
    (tmp_path / "bad.yaml").write_text("id: bad\ntitle: T\npublished: 2024-02-30\nbody: [x]\n")
    run = newsbot("check", "--knowledge", str(tmp_path))
    assert run.returncode == 1
    assert f"{tmp_path / 'bad.yaml'}:3: bad date" in run.stdout
    good = newsbot("check")
    assert good.returncode == 0 and "0 error(s)" in good.stdout


def test_ask_serves_good_files_and_reports_bad_ones(tmp_path: Path) -> None:
    (tmp_path / "ok.yaml").write_text(
        "id: ok\ntitle: Test\nlanguage: de\nbody: [Der Hafen von Kiel wurde 1990 gebaut.]\n")
    (tmp_path / "bad.yaml").write_text("id: [broken\n")
    run = newsbot("ask", "--knowledge", str(tmp_path), "Wann wurde der Hafen gebaut?")
    assert run.returncode == 0
    assert "1990" in run.stdout
    assert "bad.yaml" in run.stderr


def test_missing_knowledge_is_a_clear_error(tmp_path: Path) -> None:
    run = newsbot("ask", "--knowledge", str(tmp_path / "nope"), "Frage?")
    assert run.returncode == 2
    assert "no such file" in run.stderr


def test_eval_on_golden_questions() -> None:
    run = newsbot("eval", "--questions", str(GOLDEN), "--json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["top1"] == 1.0
    assert report["answer_hit"] >= 0.9
    assert report["negatives_correct"] == 1.0
    table = newsbot("eval", "--questions", str(GOLDEN))
    assert "| top-1" in table.stdout


def test_no_command_prints_the_help() -> None:
    run = newsbot()
    assert run.returncode == 2
    assert "usage: newsbot" in run.stdout and "ask" in run.stdout and "serve" in run.stdout


def test_check_on_an_empty_folder_says_why(tmp_path: Path) -> None:
    run = newsbot("check", "--knowledge", str(tmp_path))
    assert run.returncode == 1
    assert f"error: {tmp_path}: no articles here" in run.stdout and "newsbot add" in run.stdout


def test_sources_says_what_is_served_and_where_the_index_is(tmp_path: Path) -> None:
    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / "a.yaml").write_text(
        "id: a\ntitle: Hafen\nlanguage: de\npublished: 2024-01-02\nbody: [Ein Satz. Noch einer.]\n")
    index = tmp_path / "index"
    run = newsbot("sources", "--knowledge", str(tmp_path / "kb"),
                  env={"NEWSBOT_INDEX_DIR": str(index)})
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["a  2024-01-02  1 passages  Hafen"]  # one per article
    assert f"1 article(s), 1 passage(s); index {index} (built)" in run.stderr


def test_index_uses_the_index_dir_of_the_environment(tmp_path: Path) -> None:
    index = tmp_path / "var" / "index"
    env = {"NEWSBOT_INDEX_DIR": str(index)}
    built = newsbot("index", "--knowledge", str(BUNDLED), env=env)
    assert built.returncode == 0, built.stderr
    assert f"-> {index}" in built.stdout and any(index.iterdir())
    again = newsbot("index", "--knowledge", str(BUNDLED), env=env)
    assert again.returncode == 0 and again.stdout.startswith("loaded: "), again.stdout


def test_answering_processes_collect_cycles_less_often() -> None:
    # bot/collector.py: the CLI's engine (ask, chat, eval) is served with the tuned collector
    script = ("import gc, sys\nfrom bot.cli import main\nbefore = gc.get_threshold()\n"
              "main(['ask', '--json', 'Wie viele Soldaten?'])\n"
              "print(before, gc.get_threshold(), file=sys.stderr)")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120, env={**os.environ, "NEWSBOT_SEMANTIC": "off"}, check=False)
    assert run.returncode == 0, run.stderr
    from bot.collector import SERVING_THRESHOLDS

    assert run.stderr.strip().splitlines()[-1] == f"(700, 10, 10) {SERVING_THRESHOLDS}"
