"""The index package scores exactly as rank-bm25's BM25Okapi over the passages it holds:
built, saved and opened again (memory-mapped), with segments added, and merged; with
articles replaced and removed (tombstones), over the live passages only."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from bot.analysis import analyzer
from bot.index import manifest as manifests
from bot.index import opening, updating
from bot.index.store import Store
from bot.passages import index_text

WORDS = ("Soldaten Kursk Front Granaten Minister Russland Nordkorea Hafen Fähre Rostock "
         "Sturm Küste Regierung Bericht Angriff Stadt Brücke Zug Bahn Streik Wahl Partei "
         "Gericht Urteil Polizei Feuer Wasser Schule Lehrer Kinder Ärzte Klinik").split()


# words only the small files hold: they leave the vocabulary with their articles
RARE = "Zeppelin Luftschiff Hangar Ballon Gondel Propeller".split()


def _article(rng: np.random.Generator, number: int) -> str:
    weights = 1.0 / np.arange(1, len(WORDS) + 1)
    paragraphs = []
    for _ in range(int(rng.integers(1, 4))):
        words = rng.choice(WORDS, size=int(rng.integers(5, 30)), p=weights / weights.sum())
        paragraphs.append(" ".join(words) + f" im Jahr {2000 + number % 20}.")
    return json.dumps({"id": f"a{number}", "title": f"Meldung {number % 7}", "language": "de",
                       "text": "\n\n".join(paragraphs)}, ensure_ascii=False) + "\n"


def _reference(store: Store) -> tuple[BM25Okapi, list[int]]:
    """A fresh BM25Okapi over the live documents of the store, and their numbers."""
    lang, index = analyzer("de"), store.indexes["de"]
    docs, live = [], []
    for doc in range(len(store.doc_passages["de"])):
        if index.is_dead(doc):
            continue
        number = int(store.doc_passages["de"][doc])
        article = store.stored_article(int(store.core.pass_art[number]), text=False)
        docs.append(lang.terms(index_text(store.passage(number), article)))
        live.append(doc)
    return BM25Okapi(docs), live


def _same_scores(store: Store) -> None:
    (ref, live), index = _reference(store), store.indexes["de"]
    dead = np.setdiff1d(np.arange(len(store.doc_passages["de"])), live)
    rng = np.random.default_rng(5)
    terms = [t for w in (*WORDS, *RARE) for t in analyzer("de").terms(w)] + [
        "2003", "meldung", "xyz"]
    for _ in range(40):
        query = list(rng.choice(terms, size=int(rng.integers(1, 6))))
        scores = ref.get_scores(query)
        every = index.get_scores(query)
        assert np.array_equal(scores, every[live]), query
        assert not every[dead].any()
        ids = [[t] for t in index.term_ids(query)]
        top = index.top(ids, 10)
        order = sorted(range(len(scores)), key=lambda d: (-scores[d], d))
        assert [d for d, _ in top] == [live[d] for d in order if scores[d] > 0][:10]
        if ids:
            found, _ = index.postings(index.term_ids(query))
            assert not np.isin(found, dead).any()


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    rng = np.random.default_rng(1)
    root = tmp_path / "kb"
    root.mkdir()
    (root / "a.jsonl").write_text("".join(_article(rng, n) for n in range(300)), "utf-8")
    return root


def test_built_and_reopened_index_scores_as_bm25okapi(knowledge: Path) -> None:
    built = opening.open_index(knowledge)
    assert built.how == "built"
    _same_scores(built.store)
    again = opening.open_index(knowledge)
    assert again.how == "loaded"  # memory-mapped from the files
    _same_scores(again.store)


@pytest.mark.parametrize("share", [1000.0, 0.0], ids=["segments", "merged"])
def test_appended_index_scores_as_bm25okapi(
    knowledge: Path, share: float, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(updating, "SEGMENT_SHARE", share)
    opening.open_index(knowledge)
    rng = np.random.default_rng(2)
    for round_ in range(2):
        (knowledge / f"more-{round_}.jsonl").write_text(
            "".join(_article(rng, 1000 * (round_ + 1) + n) for n in range(40)), "utf-8")
        got = opening.open_index(knowledge)
        assert got.how == "appended"
        assert len(list(knowledge.glob(".newsbot-index/segment-*"))) == (
            round_ + 1 if share else 0)
        _same_scores(got.store)
    _same_scores(opening.open_index(knowledge).store)  # opened again, from the files


def _small(rng: np.random.Generator, number: int, version: int) -> str:
    """A small knowledge file: two articles with some rare words and common ones."""
    lines = []
    for k in range(2):
        words = [*rng.choice(WORDS, size=int(rng.integers(3, 12))),
                 *rng.choice(RARE, size=2 + version)]
        lines.append(json.dumps({
            "id": f"s{number}-{k}", "title": f"Notiz {number}", "language": "de",
            "text": " ".join(words) + f". Fassung {version}."}, ensure_ascii=False) + "\n")
    return "".join(lines)


def _deleted(knowledge: Path) -> list[str]:
    return sorted(p.name for p in knowledge.glob(".newsbot-index/deleted-*"))


def _listed(knowledge: Path) -> str | None:
    """The tombstones folder the manifest lists (the one before it may still be there:
    a process that read the old manifest may be opening it)."""
    manifest = manifests.read_manifest(knowledge / ".newsbot-index")
    assert manifest is not None
    entry = manifest.get("deleted")
    assert entry is None or entry["dir"] in _deleted(knowledge)[-2:]
    assert len(_deleted(knowledge)) <= 2
    return None if entry is None else str(entry["dir"])


@pytest.mark.parametrize("share", [1000.0, 0.0], ids=["tombstones", "merged"])
def test_replaced_and_removed_articles_score_as_bm25okapi(
    knowledge: Path, share: float, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(updating, "SEGMENT_SHARE", share)
    monkeypatch.setattr(updating, "DEAD_SHARE", share)
    rng = np.random.default_rng(3)
    for number in range(6):  # sorted before a.jsonl: their documents come first
        (knowledge / f"0-{number}.jsonl").write_text(_small(rng, number, 0), "utf-8")
    first = opening.open_index(knowledge)
    assert first.how == "built"
    articles = first.store.n_articles

    def update(how: str = "updated") -> Store:
        got = opening.open_index(knowledge)
        assert got.how == how
        assert (_listed(knowledge) is not None) == bool(share)
        _same_scores(got.store)
        return got.store

    (knowledge / "0-1.jsonl").write_text(_small(rng, 1, 1), "utf-8")  # replaced
    store = update()
    assert store.n_articles == articles and "Fassung 1" in store.article(
        store.ids["s1-0"]).paragraphs[0].text
    (knowledge / "0-0.jsonl").unlink()  # removed: the first documents die
    store = update()
    assert store.n_articles == articles - 2 and "s0-0" not in store.ids
    (knowledge / "0-1.jsonl").write_text(_small(rng, 1, 2), "utf-8")  # replaced again
    (knowledge / "0-2.jsonl").unlink()
    store = update()
    assert store.n_articles == articles - 4
    with (knowledge / "a.jsonl").open("a", encoding="utf-8") as fh:  # appended, none dies
        fh.write("".join(_article(rng, 5000 + n) for n in range(3)))
    store = update("updated" if share else "appended")  # the tombstones' order grows
    assert store.n_articles == articles - 1
    if share:
        assert store.deletions.passages > 0
    again = opening.open_index(knowledge)  # opened again, from the files
    assert again.how == "loaded"
    _same_scores(again.store)
    # past the bound, the tombstones are merged away: the dead passages are dropped
    monkeypatch.setattr(updating, "DEAD_SHARE", 0.0)
    (knowledge / "0-3.jsonl").write_text(_small(rng, 3, 3), "utf-8")
    merged = opening.open_index(knowledge)
    assert merged.how == "updated" and not _deleted(knowledge)
    assert not merged.store.deletions and merged.store.n_articles == articles - 1
    assert merged.store.stored_passages == merged.store.n_passages
    _same_scores(merged.store)
    reopened = opening.open_index(knowledge)
    assert reopened.how == "loaded"
    _same_scores(reopened.store)
