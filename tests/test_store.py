"""The saved index: round trip, rebuild on mismatch or damage, append, parity, fallbacks."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from bot.analysis import analyzer
from bot.engine import ANALYSIS_VERSION, Engine
from bot.index import build, files, memory_store, opening, updating
from bot.index import manifest as manifests
from bot.knowledge import bundled_knowledge, load
from bot.models import Article
from bot.passages import index_text, passages_of

QUESTIONS = ("Wie viele Soldaten?", "Was sagt Russland?", "Wer ist Peskow?", "Wo ist Kursk?")


def _answers(engine: Engine) -> list[dict[str, object]]:
    out = []
    for question in QUESTIONS:
        got = engine.answer(question).to_dict()
        got.pop("elapsed_ms")
        out.append(got)
    return out


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(bundled_knowledge(), root, ignore=shutil.ignore_patterns(".*"))
    return root


def _article(number: int, text: str) -> str:
    return json.dumps({"id": f"extra-{number}", "title": f"Meldung {number}", "language": "de",
                       "published": "2024-11-01", "text": text}, ensure_ascii=False) + "\n"


def test_round_trip_answers_like_the_in_memory_engine(
    knowledge: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    built = Engine.load(knowledge)
    assert built.index_state == "built"
    assert (knowledge / ".newsbot-index" / "manifest.json").is_file()
    loaded = Engine.load(knowledge)
    assert loaded.index_state == "loaded"
    monkeypatch.setenv("NEWSBOT_INDEX", "off")
    memory = Engine.load(knowledge)
    assert memory.index_state == "memory"
    assert _answers(built) == _answers(loaded) == _answers(memory)
    assert loaded.version == built.version
    article = memory.articles()[0]
    assert loaded.article(article.id) == article
    for passage in passages_of(article):
        assert loaded.passage(passage.id) == passage
    assert loaded.passage_count(article.id) == memory.passage_count(article.id)
    assert loaded.paragraph(article.id, 2) == article.paragraphs[1].text


def test_index_changes_when_analysis_changes(knowledge: Path) -> None:
    Engine.load(knowledge)
    manifest = manifests.read_manifest(knowledge / ".newsbot-index")
    assert manifest is not None
    assert manifest["fingerprint"] == opening.analysis_fingerprint(ANALYSIS_VERSION)
    got = opening.open_index(knowledge, version=ANALYSIS_VERSION + "-other")
    assert got.how == "built"


@pytest.fixture
def updating_always(monkeypatch: pytest.MonkeyPatch) -> None:
    """Update in place however much of the (one-article) knowledge changes."""
    monkeypatch.setattr(updating, "REBUILD_SHARE", 1.0)


def test_edited_article_is_replaced_without_rebuild(knowledge: Path, updating_always: None,
                                                    ) -> None:
    before = Engine.load(knowledge)
    file = next(knowledge.glob("*.yaml"))
    file.write_text(file.read_text(encoding="utf-8").replace("Soldaten", "Truppen"), "utf-8")
    engine = Engine.load(knowledge)
    assert engine.index_state == "updated"  # a tombstone and the new version, or merged
    assert engine.article_count() == before.article_count()
    assert "Truppen" in engine.answer("Wie viele Truppen?").snippets[0].quote
    assert all("Soldaten" not in p.text for a in engine.articles() for p in a.paragraphs)


def test_removed_article_is_gone_without_rebuild(knowledge: Path, updating_always: None,
                                                 ) -> None:
    before = Engine.load(knowledge)
    file = next(knowledge.glob("*.yaml"))
    gone = load(file).articles[0]
    file.unlink()
    engine = Engine.load(knowledge)
    assert engine.index_state == "updated"
    assert engine.article_count() == before.article_count() - 1
    assert engine.article(gone.id) is None and engine.passage(f"{gone.id}#1") is None
    assert Engine.load(knowledge).index_state == "loaded"


def test_a_change_that_kills_most_passages_rebuilds(knowledge: Path) -> None:
    Engine.load(knowledge)
    file = next(knowledge.glob("*.yaml"))
    file.write_text(file.read_text(encoding="utf-8").replace("Soldaten", "Truppen"), "utf-8")
    engine = Engine.load(knowledge)  # its one article is all the passages: cheaper built
    assert engine.index_state == "built"
    assert "Truppen" in engine.answer("Wie viele Truppen?").snippets[0].quote


def test_touched_file_is_still_current(knowledge: Path) -> None:
    Engine.load(knowledge)
    file = next(knowledge.glob("*.yaml"))
    os.utime(file, ns=(1, 1))
    assert Engine.load(knowledge).index_state == "loaded"


@pytest.mark.parametrize("damage", ["truncate", "flip", "delete", "manifest"])
def test_damaged_index_is_rebuilt_not_served(knowledge: Path, damage: str) -> None:
    expected = _answers(Engine.load(knowledge))
    folder = knowledge / ".newsbot-index"
    target = folder / "de.docs.npy"
    if damage == "truncate":
        target.write_bytes(target.read_bytes()[:-7])
    elif damage == "flip":
        data = bytearray((folder / "texts.bin").read_bytes())
        data[10] ^= 0x20
        (folder / "texts.bin").write_bytes(bytes(data))
    elif damage == "delete":
        target.unlink()
    else:
        (folder / "manifest.json").write_text("{not json", encoding="utf-8")
    engine = Engine.load(knowledge)
    assert engine.index_state == "built"
    assert _answers(engine) == expected


@pytest.fixture(params=["segment", "merge"])
def appending(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Added articles kept in segment folders, or merged into the index's arrays."""
    monkeypatch.setattr(updating, "SEGMENT_SHARE", 1000.0 if request.param == "segment" else 0.0)
    return str(request.param)


def _segments(engine: Engine) -> list[str]:
    assert engine.index_dir is not None
    return sorted(p.name for p in engine.index_dir.glob("segment-*"))


def test_added_article_is_answerable_without_rebuild(knowledge: Path, appending: str) -> None:
    engine = Engine.load(knowledge)
    assert not engine.answer("Wie viele Pinguine leben auf Helgoland?").found
    (knowledge / "extra.jsonl").write_text(
        _article(1, "Auf Helgoland leben 4.200 Pinguine, sagte der Vogelwart am Montag."),
        encoding="utf-8")
    assert engine.reload() == []
    assert engine.index_state == "appended"
    assert _segments(engine) == (["segment-1"] if appending == "segment" else [])
    answer = engine.answer("Wie viele Pinguine leben auf Helgoland?")
    assert answer.found and "4.200 Pinguine" in answer.snippets[0].quote
    # lines appended to a JSON Lines file are added too
    with (knowledge / "extra.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(_article(2, "In Bremen wurden 17 Elefanten gezählt, meldete der Zoo."))
    engine.reload()
    assert engine.index_state == "appended"
    assert _segments(engine) == (["segment-1", "segment-2"] if appending == "segment" else [])
    assert "17 Elefanten" in engine.answer("Wie viele Elefanten in Bremen?").snippets[0].quote
    # a new process loads the index with its segments and answers as a fresh build does
    again = Engine.load(knowledge)
    assert again.index_state == "loaded"
    fresh = Engine.load(knowledge, index_dir=knowledge.parent / "fresh")
    assert fresh.index_state == "built"
    questions = ("Wie viele Pinguine leben auf Helgoland?", "Wie viele Elefanten in Bremen?",
                 *QUESTIONS)
    for q in questions:
        got, want = again.answer(q).to_dict(), fresh.answer(q).to_dict()
        got.pop("elapsed_ms"), want.pop("elapsed_ms")
        assert got == want, q
    # the appended index scores exactly as BM25Okapi over its passages in their order
    saved = engine.store
    lang = analyzer("de")
    docs = []
    for d in range(len(saved.doc_passages["de"])):
        passage = saved.passage(int(saved.doc_passages["de"][d]))
        article = engine.article(passage.article_id)
        assert article is not None
        docs.append(lang.terms(index_text(passage, article)))
    ref = BM25Okapi(docs)
    for query in (["pinguin", "helgoland"], ["soldat"], ["elefant", "bremen", "zoo"]):
        assert np.array_equal(ref.get_scores(query), saved.indexes["de"].get_scores(query))


def test_scores_equal_bm25okapi_over_the_saved_index(knowledge: Path) -> None:
    engine = Engine.load(knowledge)
    lang = analyzer("de")
    kb = load(knowledge)
    docs = [lang.terms(index_text(p, a)) for a in kb.articles for p in passages_of(a)]
    ref = BM25Okapi(docs)
    index = engine.store.indexes["de"]
    for query in (["soldat"], ["russland", "nordkorea"], ["kursk", "front", "soldat", "xyz"]):
        assert np.array_equal(ref.get_scores(query), index.get_scores(query))


def test_parallel_build_equals_single_process(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [f"Der Minister Nummer {i} besuchte Kursk. Dort sprach er über {i % 7} Granaten. "
             f"Die Lage an der Front sei ernst, sagte er." for i in range(60)]
    articles = [a for i in range(0, 60, 3) for a in load_text(i, "\n\n".join(texts[i:i + 3]))]
    single = memory_store(build.build_segment(articles, workers=1))
    monkeypatch.setattr(build, "PARALLEL_MIN", 1)
    double = memory_store(build.build_segment(articles, workers=2))
    for language, index in single.indexes.items():
        other = double.indexes[language]
        assert index.vocab == other.vocab
        assert np.array_equal(index.doc_ids, other.doc_ids)
        assert np.array_equal(index.tfs, other.tfs)
        assert np.array_equal(index.get_scores(["minist", "kursk"]),
                              other.get_scores(["minist", "kursk"]))  # document lengths too
    assert [single.passage(n) for n in range(single.n_passages)] == [
        double.passage(n) for n in range(double.n_passages)]


def _knowledge_with_errors(root: Path, extra: list[str], newline: str = "\n") -> None:
    root.mkdir()
    lines = [json.dumps({"id": f"a{i}", "title": "Bericht", "language": "de",
                         "text": f"Der Minister Nummer {i} besuchte Kursk.\n\n"
                                 f"Er sprach über {i % 7} Granaten."}) for i in range(40)]
    lines[5] = "{not json"
    lines[9] = "[1, 2]"
    lines[13] = json.dumps({"id": "bad id", "title": "x", "text": "y"})
    lines.insert(20, "")
    (root / "a.jsonl").write_bytes(newline.join(lines + extra).encode() + b"\n")
    (root / "b.yaml").write_text(
        "id: y1\ntitle: Y\nlanguage: de\nbody:\n  - Ein Absatz über Kursk.\n", encoding="utf-8")


@pytest.mark.parametrize("case", ["clean", "duplicate id", "carriage returns"])
def test_workers_parse_json_lines_as_load_does(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = tmp_path / "kb"
    again = json.dumps({"id": "a3", "title": "T", "text": "Noch einmal."})
    extra = [again] if case == "duplicate id" else []
    _knowledge_with_errors(root, extra, "\r\n" if case == "carriage returns" else "\n")
    ref = load(root)
    single = memory_store(build.build_segment(ref.articles, workers=1))
    monkeypatch.setattr(build, "PARALLEL_BYTES", 1)
    monkeypatch.setattr(build, "PARALLEL_MIN", 1)
    kb, seg = build.load_and_build(root, workers=2)  # ranges of a few lines each
    double = memory_store(seg)
    assert [(e.path, e.problem, e.line) for e in kb.errors] == [
        (e.path, e.problem, e.line) for e in ref.errors]
    assert [e.line for e in kb.errors][:3] == [6, 10, 14]
    assert len(kb.errors) == 4 if case == "duplicate id" else 3
    assert kb.files == ref.files
    assert double.n_articles == single.n_articles == 38
    assert [double.article(n) for n in range(38)] == [single.article(n) for n in range(38)]
    assert [double.passage(n) for n in range(single.n_passages)] == [
        single.passage(n) for n in range(single.n_passages)]
    index, other = single.indexes["de"], double.indexes["de"]
    assert index.vocab == other.vocab
    assert np.array_equal(index.doc_ids, other.doc_ids)
    assert np.array_equal(index.get_scores(["kursk", "granat"]),
                          other.get_scores(["kursk", "granat"]))


def load_text(number: int, text: str) -> list[Article]:
    from bot.knowledge import _article

    return [_article({"id": f"a{number}", "title": "Bericht", "language": "de", "text": text},
                     Path("x.jsonl"), lambda _key: 1, "jsonl")]


def test_read_only_knowledge_falls_back_to_the_cache(
    knowledge: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(opening, "_writable", lambda d: not str(d).startswith(str(knowledge)))
    engine = Engine.load(knowledge)
    assert engine.index_state == "built"
    assert engine.index_dir is not None
    assert str(engine.index_dir).startswith(str(tmp_path / "cache"))
    assert not (knowledge / ".newsbot-index").exists()
    assert Engine.load(knowledge).index_state == "loaded"
    monkeypatch.setattr(opening, "_writable", lambda d: False)
    shutil.rmtree(tmp_path / "cache")
    engine = Engine.load(knowledge)
    assert engine.index_state == "memory"
    assert engine.answer("Wie viele Soldaten?").found


def test_article_in_a_new_language_is_appended(knowledge: Path, appending: str) -> None:
    engine = Engine.load(knowledge)
    texts = {"penguins": "Exactly 4,200 penguins live on Heligoland, the warden said on Monday.",
             "weather": "Heavy rain is expected in Hamburg on Tuesday, forecasters warned.",
             "trains": "Rail services between Berlin and Munich resumed after a strike."}
    (knowledge / "en.jsonl").write_text("".join(json.dumps({
        "id": key, "title": key.title(), "language": "en", "text": text,
    }) + "\n" for key, text in texts.items()), encoding="utf-8")
    engine.reload()
    assert engine.index_state == "appended"
    assert engine.languages == ("de", "en")
    answer = engine.answer("How many penguins live on Heligoland?")
    assert answer.found and "4,200 penguins" in answer.snippets[0].quote
    assert engine.passage("penguins#1") is not None


def test_long_and_short_paragraphs_read_back_with_their_sentences(tmp_path: Path) -> None:
    # short paragraphs keep no sentence spans in the index (split when read); long
    # ones are cut into passages between sentences, whose spans are stored
    root = tmp_path / "knowledge"
    root.mkdir()
    long = " ".join(f"Im Jahr {1900 + k} kamen z. B. {k}.000 Menschen nach Berlin."
                    for k in range(40))
    text = f"Kurzer Absatz. Noch ein Satz!\n\n{long}\n\n„Wir bleiben“, sagte er. Dann ging er."
    (root / "a.jsonl").write_text(_article(1, text), encoding="utf-8")
    engine = Engine.load(root)
    assert engine.index_state == "built"
    article = load(root).articles[0]
    expected = list(passages_of(article))
    assert len(expected) > 4  # the long paragraph became several passages
    assert [engine.passage(p.id) for p in expected] == expected
    assert all(p.sentences for p in expected)
    assert expected[0].sentence_texts() == ["Kurzer Absatz.", "Noch ein Satz!"]


def test_segments_are_merged_past_the_limit_and_checked_for_damage(
    knowledge: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(updating, "SEGMENT_SHARE", 1000.0)
    monkeypatch.setattr(updating, "MAX_SEGMENTS", 2)
    engine = Engine.load(knowledge)
    for number in range(1, 4):
        (knowledge / f"extra-{number}.jsonl").write_text(
            _article(number, f"In Bremen wurden {number * 11} Elefanten gezählt."),
            encoding="utf-8")
        engine.reload()
        assert engine.index_state == "appended"
        assert len(_segments(engine)) == (number if number <= 2 else 0)  # the third merges
    assert "33 Elefanten" in " ".join(
        s.quote for s in engine.answer("Wie viele Elefanten wurden gezählt?").snippets)
    (knowledge / "extra-4.jsonl").write_text(_article(4, "Ein Zebra lief durch Kiel."),
                                             encoding="utf-8")
    engine.reload()
    assert _segments(engine) == ["segment-1"]
    assert engine.index_dir is not None
    segment = engine.index_dir / "segment-1"
    docs = segment / "de.docs.npy"
    docs.write_bytes(docs.read_bytes()[:-4] + b"\xff\xff\xff\x7f")  # same size, other content
    damaged = Engine.load(knowledge)
    assert damaged.index_state == "built"  # not served: rebuilt
    assert damaged.answer("Wo lief das Zebra?").found


def test_opening_a_saved_index_reads_none_of_its_files(
    knowledge: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    Engine.load(knowledge)
    hashed: list[str] = []
    real = files.sha256_file
    monkeypatch.setattr(files, "sha256_file", lambda p: hashed.append(p.name) or real(p))
    assert Engine.load(knowledge).index_state == "loaded"
    assert hashed == []  # sizes and stats only


def test_a_copied_index_is_checked_once_then_opened_by_its_stats(
    knowledge: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    expected = _answers(Engine.load(knowledge, index_dir=tmp_path / "index"))
    shutil.copytree(tmp_path / "index", tmp_path / "copy")  # new inodes, new times
    hashed: list[str] = []
    real = files.sha256_file
    monkeypatch.setattr(files, "sha256_file", lambda p: hashed.append(p.name) or real(p))
    copy = Engine.load(knowledge, index_dir=tmp_path / "copy")
    assert copy.index_state == "loaded" and _answers(copy) == expected
    assert "texts.bin" in hashed  # read in full, once
    hashed.clear()
    assert Engine.load(knowledge, index_dir=tmp_path / "copy").index_state == "loaded"
    assert hashed == []  # its new stats were remembered


def test_a_manifest_that_does_not_match_its_checksum_is_rebuilt(knowledge: Path) -> None:
    Engine.load(knowledge)
    path = knowledge / ".newsbot-index" / "manifest.json"
    manifest = json.loads(path.read_text("utf-8"))
    manifest["passages"] += 1  # still of the right shape
    path.write_text(json.dumps(manifest), "utf-8")
    assert Engine.load(knowledge).index_state == "built"


def test_check_index_reads_every_file(knowledge: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import main

    Engine.load(knowledge)
    assert main(["check", "--index", "--knowledge", str(knowledge)]) == 0
    assert "is intact" in capsys.readouterr().out
    texts = knowledge / ".newsbot-index" / "texts.bin"
    data = bytearray(texts.read_bytes())
    data[3] ^= 0x01
    texts.write_bytes(bytes(data))
    assert main(["check", "--index", "--knowledge", str(knowledge)]) == 1
    out = capsys.readouterr().out
    assert "texts.bin: not what the manifest says" in out and "rebuilt" in out


def test_a_question_is_analysed_from_the_saved_analysis(
    knowledge: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    Engine.load(knowledge)
    engine = Engine.load(knowledge)
    lang = analyzer("de")
    lang._cache.clear()

    def unused(word: str) -> str:
        raise AssertionError(f"{word!r} lemmatised: the saved analysis was not used")

    monkeypatch.setattr(lang, "lemma", unused)
    assert engine.answer("Wie viele Soldaten?").found


def test_an_articles_metadata_line_is_what_the_json_encoder_writes() -> None:
    import datetime as dt

    from bot.index.segment import metadata_of
    from bot.models import Paragraph

    odd = 'a "quoted" \\ back\tslash \x01 \u2028 „deutsch“ ü \U0001f600'
    for article in (
        Article(id=odd, title=odd, language="de", paragraphs=(Paragraph("x"),)),
        Article(id="b", title="T", language="en", paragraphs=(Paragraph("x"),),
                published=dt.date(2024, 1, 2), updated=dt.date(2024, 2, 3), source=odd,
                url="https://example.org/a?b=1&c=<d>", author="A. Autor", path="/k/f.jsonl"),
    ):
        expected = json.dumps({
            "id": article.id, "title": article.title, "language": article.language,
            "published": article.published.isoformat() if article.published else None,
            "updated": article.updated.isoformat() if article.updated else None,
            "source": article.source, "url": article.url, "author": article.author,
            "path": article.path}, ensure_ascii=False) + "\n"
        assert metadata_of(article) == expected.encode("utf-8")
        assert json.loads(metadata_of(article))["id"] == article.id


def test_a_build_loads_the_analysis_of_the_languages_its_json_lines_begin_with(
    tmp_path: Path,
) -> None:
    (tmp_path / "en.jsonl").write_text('{"id": "a", "language": "en"}\n{"language": "de"}\n')
    (tmp_path / "broken.jsonl").write_text("{not json\n")
    (tmp_path / "other.jsonl").write_text('{"id": "b", "language": "xx"}\n')
    (tmp_path / "a.yaml").write_text("language: de\n")
    files = sorted(tmp_path.iterdir())
    assert build._first_languages(files) == ["en"]
    (tmp_path / "de.jsonl").write_text('{"id": "c", "language": "de", "text": "x"}\n')
    assert build._first_languages(sorted(tmp_path.iterdir())) == ["de", "en"]
