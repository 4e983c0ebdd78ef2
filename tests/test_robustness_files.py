"""Hostile knowledge files (issue 12): YAML alias bombs, deep nesting, huge numbers,
escaped lone surrogates, a byte order mark, unreadable files and folders.

Each bad file is reported with its name (a short message: no value is rendered whole)
and skipped; every other article is still loaded, checked and answered from.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.ingest.readers import read_file
from bot.knowledge import bundled_knowledge, load

GOOD = """id: sturm
title: Sturm über der Ostsee
language: de
published: 2024-11-02
body:
  - Der Sturm erreichte an der Küste Windgeschwindigkeiten von 120 Kilometern pro Stunde.
"""
LAUGHS = "\n".join(
    ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    + [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 7)]
)
BAD_YAML = {
    "laughs": f"{LAUGHS}\nid: x\ntitle: t\nlanguage: de\nbody: [*a6]\n",
    "string-aliases": "id: x\ntitle: t\nlanguage: de\nbody: [&t " + "w" * 2000 + ", "
                      + ", ".join(["*t"] * 500) + "]\n",
    "deep": "id: x\ntitle: t\nlanguage: de\nbody: " + "[" * 5000 + "]" * 5000 + "\n",
    "digits": "id: " + "1" * 5000 + "\ntitle: t\nlanguage: de\nbody: [text]\n",
    "surrogate": 'id: x\ntitle: "Sturm \\ud800 Ostsee"\nlanguage: de\nbody: [text]\n',
    "int-keys": "id: x\ntitle: t\nlanguage: de\n1: one\nzz: two\nbody: [text]\n",
}
BAD_JSON = {
    "deep": '{"id": "d", "title": "t", "text": "x", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
    "digits": '{"id": "n", "title": "t", "text": "x", "published": ' + "1" * 5000 + "}",
    "surrogate": '{"id": "s", "title": "t", "text": "Sturm \\udc00 Ostsee"}',
}
QUESTION = "Welche Windgeschwindigkeiten erreichte der Sturm an der Küste?"
PAIR = '{"id": "emoji", "title": "t", "language": "de", "text": "Sturm \\ud83c\\udf0a Ostsee"}'


def answers(asked: subprocess.CompletedProcess[str]) -> bool:
    """`ask --json` succeeded and quoted the good article."""
    assert asked.returncode == 0 and "Traceback" not in asked.stderr, asked.stderr[-2000:]
    return "120 Kilometern" in json.loads(asked.stdout)["snippets"][0]["quote"]


def knowledge_with(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "good.yaml").write_text(GOOD, "utf-8")
    for name, text in files.items():
        (folder / name).write_text(text, "utf-8")
    return folder


def newsbot(*args: str, cwd: Path, unprivileged: bool = False) -> subprocess.CompletedProcess[str]:
    """Run the CLI; `unprivileged` drops root's right to read any file (as the service
    user would have none), so that a chmod 000 file is unreadable here too."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("NEWSBOT_")}
    environ["NEWSBOT_SEMANTIC"] = "off"
    command = [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main())",
               *args]
    if unprivileged and os.geteuid() == 0:
        command = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", *command]
    return subprocess.run(command, cwd=cwd, env=environ, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.parametrize("name", sorted(BAD_YAML))
def test_a_bad_yaml_file_is_reported_briefly_and_skipped(tmp_path: Path, name: str) -> None:
    kb = load(knowledge_with(tmp_path, {f"{name}.yaml": BAD_YAML[name]}))
    assert [a.id for a in kb.articles] == ["sturm"]
    (error,) = kb.errors
    assert error.path.endswith(f"{name}.yaml")
    assert len(str(error)) < 400, str(error)[:400]


def test_aliases_are_refused_by_name(tmp_path: Path) -> None:
    kb = load(knowledge_with(tmp_path, {"laughs.yaml": BAD_YAML["laughs"]}))
    assert "alias" in kb.errors[0].problem and kb.errors[0].line == 2


@pytest.mark.parametrize("name", sorted(BAD_JSON))
def test_a_bad_json_line_is_reported_and_the_others_load(tmp_path: Path, name: str) -> None:
    lines = [PAIR, BAD_JSON[name], '{"id": "last", "title": "t", "language": "de", "text": "x"}']
    kb = load(knowledge_with(tmp_path, {"corpus.jsonl": "\n".join(lines) + "\n"}))
    assert sorted(a.id for a in kb.articles) == ["emoji", "last", "sturm"]
    (error,) = kb.errors
    assert error.path.endswith("corpus.jsonl") and error.line == 2
    assert len(str(error)) < 400


def test_every_command_survives_the_bad_files(tmp_path: Path) -> None:
    files = {f"{n}.yaml": t for n, t in BAD_YAML.items()}
    files["corpus.jsonl"] = "\n".join([PAIR, *BAD_JSON.values()]) + "\n"
    folder = knowledge_with(tmp_path, files)
    checked = newsbot("check", "--knowledge", str(folder), cwd=tmp_path)
    assert checked.returncode == 1 and "Traceback" not in checked.stderr, checked.stderr[-2000:]
    assert f"{len(BAD_YAML) + len(BAD_JSON)} error(s)" in checked.stdout
    assert answers(newsbot("ask", "--json", QUESTION, "--knowledge", str(folder), cwd=tmp_path))
    served = newsbot("sources", "--knowledge", str(folder), cwd=tmp_path)
    assert served.returncode == 0, served.stderr[-2000:]
    assert sorted(line.split()[0] for line in served.stdout.splitlines()) == ["emoji", "sturm"]


def test_a_markdown_front_matter_alias_bomb_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "bomb.md"
    page.write_text(f"---\n{LAUGHS}\ntitle: *a6\n---\n\nText.\n", "utf-8")
    (outcome,) = read_file(page)
    assert isinstance(outcome, Exception) and "alias" in str(outcome)
    assert len(str(outcome)) < 400


def test_a_json_lines_file_with_a_byte_order_mark_keeps_its_first_article(tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "bom.jsonl").write_bytes(
        "\ufeff".encode() + b'{"id": "first", "title": "t", "language": "de", "text": "x"}\n'
        b'{"id": "second", "title": "t", "language": "de", "text": "y"}\n')
    kb = load(folder)
    assert [a.id for a in kb.articles] == ["first", "second"] and not kb.errors


def test_an_unreadable_folder_is_reported(tmp_path: Path) -> None:
    folder = knowledge_with(tmp_path, {})
    hidden = folder / "locked"
    hidden.mkdir()
    (hidden / "more.yaml").write_text(GOOD.replace("id: sturm", "id: locked"), "utf-8")
    hidden.chmod(0)
    try:
        checked = newsbot("check", "--knowledge", str(folder), cwd=tmp_path, unprivileged=True)
    finally:
        hidden.chmod(0o755)
    assert checked.returncode == 1, checked.stdout
    assert "locked: cannot read the folder" in checked.stdout
    assert "1 article(s)" in checked.stdout


def test_an_unreadable_file_does_not_stop_ask(tmp_path: Path) -> None:
    folder = knowledge_with(tmp_path, {})
    shutil.copy(next(bundled_knowledge().glob("*.yaml")), folder / "secret.yaml")
    (folder / "secret.yaml").chmod(0)
    asked = newsbot("ask", "--json", QUESTION, "--knowledge", str(folder), cwd=tmp_path,
                    unprivileged=True)
    assert answers(asked) and "secret.yaml: cannot read it (Permission denied)" in asked.stderr
    again = newsbot("ask", "--json", QUESTION, "--knowledge", str(folder), cwd=tmp_path,
                    unprivileged=True)  # from the saved index this time
    assert answers(again) and "secret.yaml: cannot read it" in again.stderr
    (folder / "secret.yaml").chmod(0o644)  # readable again: its article comes in
    served = newsbot("sources", "--knowledge", str(folder), cwd=tmp_path, unprivileged=True)
    assert "nordkorea-soldaten-russland" in served.stdout and "secret" not in served.stderr
