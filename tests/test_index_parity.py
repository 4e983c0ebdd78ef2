"""The index package scores exactly as rank-bm25's BM25Okapi over the passages it holds:
built, saved and opened again (memory-mapped), with segments added, and merged."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from bot.analysis import analyzer
from bot.index import opening
from bot.index.store import Store
from bot.passages import index_text

WORDS = ("Soldaten Kursk Front Granaten Minister Russland Nordkorea Hafen Fähre Rostock "
         "Sturm Küste Regierung Bericht Angriff Stadt Brücke Zug Bahn Streik Wahl Partei "
         "Gericht Urteil Polizei Feuer Wasser Schule Lehrer Kinder Ärzte Klinik").split()


def _article(rng: np.random.Generator, number: int) -> str:
    weights = 1.0 / np.arange(1, len(WORDS) + 1)
    paragraphs = []
    for _ in range(int(rng.integers(1, 4))):
        words = rng.choice(WORDS, size=int(rng.integers(5, 30)), p=weights / weights.sum())
        paragraphs.append(" ".join(words) + f" im Jahr {2000 + number % 20}.")
    return json.dumps({"id": f"a{number}", "title": f"Meldung {number % 7}", "language": "de",
                       "text": "\n\n".join(paragraphs)}, ensure_ascii=False) + "\n"


def _reference(store: Store) -> BM25Okapi:
    lang = analyzer("de")
    docs = []
    for doc in range(len(store.doc_passages["de"])):
        passage = store.passage(int(store.doc_passages["de"][doc]))
        number = store.ids[passage.article_id]
        docs.append(lang.terms(index_text(passage, store.article(number))))
    return BM25Okapi(docs)


def _same_scores(store: Store) -> None:
    ref, index = _reference(store), store.indexes["de"]
    rng = np.random.default_rng(5)
    terms = [t for w in WORDS for t in analyzer("de").terms(w)] + ["2003", "meldung", "xyz"]
    for _ in range(40):
        query = list(rng.choice(terms, size=int(rng.integers(1, 6))))
        scores = ref.get_scores(query)
        assert np.array_equal(scores, index.get_scores(query)), query
        ids = [[t] for t in index.term_ids(query)]
        top = index.top(ids, 10)
        order = sorted(range(len(scores)), key=lambda d: (-scores[d], d))
        assert [d for d, _ in top] == [d for d in order if scores[d] > 0][:10]


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
    monkeypatch.setattr(opening, "SEGMENT_SHARE", share)
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
