"""simplemma's dictionaries saved as tries: the same lemmas, saved once, never required."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import simplemma

from bot import lemmas

WORDS = ["soldiers", "went", "children", "better", "xylophonists", "Russia's", "mice", "ran"]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    lemmas.trie_dir.cache_clear()
    lemmas._lemmatizer.cache_clear()
    yield tmp_path / "newsbot" / "simplemma"
    lemmas.trie_dir.cache_clear()
    lemmas._lemmatizer.cache_clear()


def test_without_a_saved_trie_simplemma_lemmatises_as_before(cache: Path) -> None:
    assert not lemmas.ready("en")
    assert [lemmas.lemmatize(w, "en") for w in WORDS] == \
        [simplemma.lemmatize(w, lang="en") for w in WORDS]
    assert not cache.exists()  # lemmatising saves nothing


def test_a_saved_trie_gives_the_same_lemmas(cache: Path) -> None:
    assert lemmas.prepare("en")
    [saved] = list(cache.glob("*/en.dic"))
    assert saved.stat().st_size > 100_000 and not list(cache.glob("*/tmp*"))
    assert lemmas.ready("en")
    assert [lemmas.lemmatize(w, "en") for w in WORDS] == \
        [simplemma.lemmatize(w, lang="en") for w in WORDS]
    before = saved.stat().st_mtime_ns
    assert lemmas.prepare("en") and saved.stat().st_mtime_ns == before  # once


def test_a_file_in_the_way_of_the_cache_is_no_error(cache: Path) -> None:
    cache.parent.mkdir(parents=True)
    cache.write_text("not a folder")  # newsbot/simplemma is a file
    assert not lemmas.prepare("en")
    assert lemmas.lemmatize("went", "en") == "go"


def test_an_index_build_saves_the_tries_and_one_in_memory_saves_nothing(
    cache: Path, tmp_path: Path,
) -> None:
    import shutil

    from bot.index import open_index

    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    bundled = Path(__file__).resolve().parents[1] / "bot" / "bundled"
    shutil.copy(next(bundled.glob("*.yaml")), knowledge)
    open_index(knowledge, saved=False)  # NEWSBOT_INDEX=off: nothing written anywhere
    assert not cache.exists() and not (knowledge / ".newsbot-index").exists()
    open_index(knowledge, tmp_path / "index")
    assert sorted(p.name for p in cache.glob("*/*.dic")) == ["de.dic", "en.dic"]
    assert lemmas.ready("de") and lemmas.ready("en")
