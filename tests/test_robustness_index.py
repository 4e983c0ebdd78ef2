"""Hostile knowledge against the index (issue 12): huge words, huge paragraphs, a forged
manifest, files that vanish or cannot be read while an index is built, killed builds,
edits that keep a file's size and time.

Each case is reported (or rebuilt) and the other articles are still served.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bot import compounds, passages
from bot.analysis import analyzer
from bot.index import layout, opening
from bot.index import manifest as manifests

VERSION = "robustness-test"

ARTICLE = """id: {id}
title: {title}
language: de
published: 2024-11-02
body:
  - {text}
"""


def write_article(folder: Path, art_id: str, text: str, title: str = "Sturm") -> Path:
    path = folder / f"{art_id}.yaml"
    path.write_text(ARTICLE.format(id=art_id, title=title, text=text), "utf-8")
    return path


def test_compound_splitting_work_is_bounded_per_token(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 160 KB "word" cost 40 s: every cut of it was tried, each slicing the word."""
    lookups = 0
    real = compounds._zipf

    def counted(word: str) -> float:
        nonlocal lookups
        lookups += 1
        return real(word)

    monkeypatch.setattr(compounds, "_zipf", counted)
    word = "Haus" + "haus" * 40_000
    assert len(analyzer("de").token_terms(word)) == 1  # the whole form only, no parts
    assert compounds.split_compound(word.lower()) == ()
    assert lookups < 1_000
    # normal compounds are split as before
    assert compounds.split_compound("gesichtserkennungssoftware") == (
        "gesicht", "erkennung", "software")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    kb = tmp_path / "kb"
    kb.mkdir()
    write_article(kb, "sturm", "Der Sturm erreichte die Küste mit 120 Kilometern pro Stunde.")
    write_article(kb, "hafen", "Die neue Fähre verbindet Rostock dreimal täglich mit Trelleborg.",
                  title="Hafen")
    return kb


def texts(loaded: opening.Loaded) -> dict[str, str]:
    """article id -> its text, as the store serves it."""
    got = loaded.store
    return {got.article(n).id: " ".join(p.text for p in got.article(n).paragraphs)
            for n in range(got.n_articles)}


def test_a_paragraph_of_more_than_32767_passages_is_stored(
    folder: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """pass_part was int16: passage 32,768 of one paragraph overflowed the build."""
    monkeypatch.setattr(passages, "MAX_WORDS", 2)  # a passage a sentence: 33,000 of them
    write_article(folder, "lang", " ".join(f"Wind{n} weht." for n in range(33_000)))
    built = opening.open_index(folder, version=VERSION)
    assert built.how == "built" and not built.errors
    number = built.store.passage_number("lang#1.33000")
    assert number is not None
    last = built.store.passage(number)
    assert last.id == "lang#1.33000" and last.text == "Wind32999 weht."
    again = opening.open_index(folder, version=VERSION)
    assert again.how == "loaded" and again.store.passage(number) == last


MANIFEST_DAMAGE = {
    "files as a list": lambda m: m.update(files=[]),
    "file entry not a mapping": lambda m: m["files"].update({"sturm.yaml": 1}),
    "file size as text": lambda m: m["files"]["sturm.yaml"].update(size="big"),
    "arrays as a list": lambda m: m.update(arrays=[]),
    "array entry a number": lambda m: m["arrays"].update({"texts.bin": 5}),
    "errors not a list": lambda m: m.update(errors={"a": 1}),
    "error entry a number": lambda m: m.update(errors=[1]),
    "segments of numbers": lambda m: m.update(segments=[1]),
    "segment outside the folder": lambda m: m.update(segments=[{"dir": "../..", "sha256": "x"}]),
    "languages a mapping": lambda m: m.update(languages={"de": 1}),
    "sections a string": lambda m: m.update(sections="abc"),
    "passages as text": lambda m: m.update(passages="many"),
    "no files": lambda m: m.pop("files"),
}


@pytest.mark.parametrize("damage", sorted(MANIFEST_DAMAGE))
def test_a_manifest_of_the_wrong_shape_is_rebuilt(folder: Path, damage: str) -> None:
    first = opening.open_index(folder, version=VERSION)
    path = first.directory / "manifest.json"
    manifest = json.loads(path.read_text("utf-8"))
    MANIFEST_DAMAGE[damage](manifest)
    path.write_text(manifests.dumps(manifest), "utf-8")  # with its checksum: the shape is wrong
    again = opening.open_index(folder, version=VERSION)
    assert again.how == "built"
    assert texts(again) == texts(first)


def test_a_file_deleted_while_indexing_is_no_crash(
    folder: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = opening.load_and_build

    def and_delete(root: Path, *args: Any, **kwargs: Any) -> Any:
        got = real(root, *args, **kwargs)
        (folder / "hafen.yaml").unlink()  # another process removes it meanwhile
        return got

    monkeypatch.setattr(opening, "load_and_build", and_delete)
    built = opening.open_index(folder, version=VERSION)
    assert "sturm" in texts(built)
    monkeypatch.undo()
    again = opening.open_index(folder, version=VERSION)  # the file is gone: its article too
    assert again.how == "updated" and list(texts(again)) == ["sturm"]


def test_a_file_that_vanishes_before_the_index_is_checked_is_no_crash(
    folder: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    opening.open_index(folder, version=VERSION)
    (folder / "hafen.yaml").write_text(
        (folder / "hafen.yaml").read_text("utf-8").replace("Rostock", "Wismar"), "utf-8")
    real = opening.scan_files

    def then_vanish(root: Path) -> Any:
        got = real(root)
        (folder / "hafen.yaml").unlink()  # listed, then gone before it is looked at
        return got

    monkeypatch.setattr(opening, "scan_files", then_vanish)
    again = opening.open_index(folder, version=VERSION)
    assert "sturm" in texts(again) and "Wismar" not in " ".join(texts(again).values())


def test_an_edit_that_keeps_size_and_mtime_is_seen(folder: Path) -> None:
    first = opening.open_index(folder, version=VERSION)
    path = folder / "sturm.yaml"
    before = path.stat()
    path.write_text(path.read_text("utf-8").replace("120 Kilometern", "130 Kilometern"), "utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    again = opening.open_index(folder, version=VERSION)
    assert "130 Kilometern" in texts(again)["sturm"], again.how
    assert texts(first)["hafen"] == texts(again)["hafen"]


def test_folders_of_killed_builds_are_cleaned_up(folder: Path) -> None:
    first = opening.open_index(folder, version=VERSION)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    leftovers = {
        "dead": (f"{layout.INDEX_DIRNAME}.tmp-dead", int(dead.stdout), time.time()),
        "old": (f"{layout.INDEX_DIRNAME}.tmp-old", os.getpid(), time.time() - 7200),
        "old, no owner": (f"{layout.INDEX_DIRNAME}.tmp-anon", None, time.time() - 7200),
        "running": (f"{layout.INDEX_DIRNAME}.tmp-live", os.getpid(), time.time()),
    }
    for name, pid, when in leftovers.values():
        tmp = folder / name
        tmp.mkdir()
        (tmp / "texts.bin").write_bytes(b"x" * 1000)
        if pid is not None:
            (tmp / layout.OWNER_FILE).write_text(str(pid), "utf-8")
        os.utime(tmp, (when, when))
    (folder / "sturm.yaml").write_text(
        (folder / "sturm.yaml").read_text("utf-8").replace("Küste", "Insel"), "utf-8")
    again = opening.open_index(folder, version=VERSION)  # updated in place, not rebuilt
    assert again.how == "updated" and first.directory == again.directory
    left = sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name)
    assert left == [f"{layout.INDEX_DIRNAME}.tmp-live"]


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_a_semantic_cache_with_a_non_finite_vector_is_not_served(
    tmp_path: Path, bad: float,
) -> None:
    """The cache's files were checked for their sizes only: a NaN matrix was served."""
    from bot.semantic import Cache, Vectors

    cache = Cache(tmp_path / "semantic", "model-x")
    matrix = np.eye(4, 8, dtype=np.float32)
    keys = np.arange(4, dtype=np.uint64)
    cache.save("de", Vectors(matrix, keys), "test")
    assert cache.load("de") is not None
    matrix[2, 3] = bad
    cache.save("de", Vectors(matrix, keys), "test")
    assert cache.load("de") is None  # recomputed, never served


KILLED_UPDATE = """
import os, sys
from pathlib import Path
from bot.index import manifest, opening, updating
updating.SEGMENT_SHARE = updating.DEAD_SHARE = 1000.0  # a segment and tombstones
real = os.replace
def killed(src, dst):
    if str(dst).endswith("manifest.json") and "segment-" not in str(dst):
        os._exit(9)  # killed after the new folders were written, before the manifest
    real(src, dst)
manifest.os.replace = killed
opening.open_index(Path(sys.argv[1]), version=sys.argv[2])
"""


def test_an_update_killed_before_its_manifest_leaves_the_old_index(folder: Path) -> None:
    write_article(folder, "regen", "Im Harz fielen 40 Liter Regen pro Quadratmeter.")
    first = opening.open_index(folder, version=VERSION)
    assert first.directory is not None
    before = (first.directory / "manifest.json").read_bytes()
    write_article(folder, "sturm", "Der Orkan erreichte die Insel mit 150 Kilometern pro Stunde.")
    run = subprocess.run([sys.executable, "-c", KILLED_UPDATE, str(folder), VERSION],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 9, run.stderr
    assert (first.directory / "segment-1").is_dir()  # written, never listed
    assert list(first.directory.glob("deleted-*"))
    assert (first.directory / "manifest.json").read_bytes() == before
    old = manifests.read_manifest(first.directory)
    assert old is not None and "deleted" not in old and not old.get("segments")
    served = opening.open_store(first.directory, old)  # what a running engine reads
    assert served.n_articles == 3 and "Orkan" not in " ".join(
        p.text for n in range(3) for p in served.article(n).paragraphs)
    again = opening.open_index(folder, version=VERSION)  # the next update overwrites them
    assert again.how == "updated" and texts(again)["sturm"] == (
        "Der Orkan erreichte die Insel mit 150 Kilometern pro Stunde.")
    assert sorted(texts(again)) == ["hafen", "regen", "sturm"]
    assert opening.open_index(folder, version=VERSION).how == "loaded"
