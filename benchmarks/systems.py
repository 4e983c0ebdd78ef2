"""One benchmark measurement in a fresh process, printed as one JSON object.

    python -m benchmarks.systems newsbot-build DATA   # build the saved index
    python -m benchmarks.systems newsbot DATA         # load it, answer every question
    python -m benchmarks.systems newsbot-add DATA     # add one article to (a copy of) it
    python -m benchmarks.systems newsbot-replace DATA # replace one, then remove it (a copy)
    python -m benchmarks.systems newsbot-cold DATA    # one `newsbot ask`, a new process
    python -m benchmarks.systems newsbot-cli DATA     # `newsbot ask --json -`, 200 questions
    python -m benchmarks.systems rank-bm25 DATA       # BM25Okapi.get_scores, top 10
    python -m benchmarks.systems bm25s DATA           # bm25s retrieve, top 10
    python -m benchmarks.systems tantivy DATA         # tantivy search, top 10

DATA is a folder made by benchmarks.corpus. Every system gets the same passages (the
paragraphs of the articles) and the same questions, one at a time; the others use
their own tokenisers. Times are wall-clock on one core; memory is the resident set.
"""

from __future__ import annotations

import json
import os
import re
import resource
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

WORD_RE = re.compile(r"\w+")


def rss_mb() -> float:
    """Resident memory of this process now, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_parts_mb() -> dict[str, float]:
    """Resident memory by kind: anonymous (the heap) and file (mapped index files)."""
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("RssAnon:", "RssFile:")):
            out[line.split(":")[0]] = int(line.split()[1]) / 1024
    return out


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def passages(data: Path) -> Iterator[str]:
    with (data / "knowledge" / "corpus.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            yield from (p for p in json.loads(line)["text"].split("\n\n") if p.strip())


def questions(data: Path, limit: int | None = None) -> list[str]:
    lines = (data / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    out = [json.loads(line)["question"] for line in lines if line.strip()]
    return out[:limit] if limit else out


def latencies(run: Callable[[str], Any], qs: list[str], warmup: int = 10) -> dict[str, float]:
    """p50/p95 in ms and queries per second of `run` over the questions, one at a time."""
    for q in qs[:warmup]:
        run(q)
    times = []
    started = time.perf_counter()
    for q in qs:
        t = time.perf_counter()
        run(q)
        times.append((time.perf_counter() - t) * 1000)
    total = time.perf_counter() - started
    times.sort()
    return {"p50_ms": times[len(times) // 2], "p95_ms": times[int(len(times) * 0.95)],
            "qps": len(qs) / total, "queries": len(qs)}


def newsbot_build(data: Path) -> dict[str, Any]:
    import shutil

    from bot.index import default_index_dir, open_index
    from bot.settings import Settings

    settings = Settings.from_env().but(data / "knowledge")
    root = settings.knowledge_path()
    shutil.rmtree(default_index_dir(root), ignore_errors=True)  # a cold build
    started = time.perf_counter()
    loaded = open_index(root, settings.index_dir, rebuild=True)
    took = time.perf_counter() - started
    assert loaded.directory is not None
    size = sum(f.stat().st_size for f in loaded.directory.iterdir())
    return {"build_s": took, "disk_mb": size / 1e6, "build_peak_mb": peak_mb(),
            "passages": loaded.store.n_passages}


def newsbot(data: Path) -> dict[str, Any]:
    # BM25 alone: the optional semantic extra (bot/semantic.py) is measured on its own
    os.environ.setdefault("NEWSBOT_SEMANTIC", "off")
    started = time.perf_counter()
    from bot.engine import Engine

    imported = time.perf_counter()
    engine = Engine.load(data / "knowledge")
    loaded = time.perf_counter()
    from bot.collector import tune_for_serving

    tune_for_serving()  # as `newsbot ask`, `chat` and `serve` answer
    qs = questions(data)
    # "loaded" unless the analysis code changed since newsbot-build (then it was rebuilt)
    out: dict[str, Any] = {"load_s": loaded - imported, "import_s": imported - started,
                           "rss_loaded_mb": rss_mb(), "index_state": engine.index_state}
    found = 0

    def answer(q: str) -> None:
        nonlocal found
        found += engine.answer(q).found

    out["answer"] = latencies(answer, qs)
    out["found"] = found / (len(qs) + 10)
    collection = engine.collections[0]

    def search(q: str) -> None:
        from bot.query import build_query
        from bot.question import analyse

        groups = build_query(analyse(q), collection.language)
        index = collection.index
        index.top([index.term_ids(g.terms) for g in groups], 10, [g.weight for g in groups])

    out["search"] = latencies(search, qs)
    out["rss_serving_mb"] = rss_mb()
    out["rss_parts_mb"] = rss_parts_mb()
    out["peak_mb"] = peak_mb()
    return out


@contextmanager
def _copied(data: Path) -> Iterator[tuple[Path, Path]]:
    """A knowledge folder that links to the corpus and a copy of its saved index, so
    that the benchmark's own knowledge and index stay as they are."""
    import shutil
    import tempfile

    from bot.index import default_index_dir

    work = Path(tempfile.mkdtemp(prefix="newsbot-add-"))
    try:
        root = work / "knowledge"
        root.mkdir()
        for file in (data / "knowledge").iterdir():
            if not file.name.startswith("."):
                (root / file.name).symlink_to(file)
        index_dir = work / "index"
        shutil.copytree(default_index_dir(data / "knowledge"), index_dir)
        yield root, index_dir
    finally:
        shutil.rmtree(work, ignore_errors=True)


QUOKKAS = ("id: added-article\ntitle: Quokkas auf Rottnest\nlanguage: de\nbody:\n"
           "  - Auf der Insel Rottnest leben rund {} Quokkas, sagte die Biologin.\n")
QUESTION = "Wie viele Quokkas leben auf Rottnest?"


def newsbot_add(data: Path) -> dict[str, Any]:
    """Add one article to the saved index (Engine.reload) and answer from it."""
    os.environ.setdefault("NEWSBOT_SEMANTIC", "off")
    from bot.engine import Engine

    with _copied(data) as (root, index_dir):
        engine = Engine.load(root, index_dir)
        engine.answer("Wie viele Quokkas?")  # warm: the question's words analysed once
        (root / "added.yaml").write_text(QUOKKAS.format("12.000"), encoding="utf-8")
        started = time.perf_counter()
        engine.reload()
        reloaded = time.perf_counter() - started
        answer = engine.answer(QUESTION)
        return {"add_s": reloaded, "state": engine.index_state,
                "answered": answer.found and "12.000" in answer.snippets[0].quote}


def newsbot_replace(data: Path) -> dict[str, Any]:
    """Replace one article of the saved index (its file rewritten, as a feed replaces
    an item), then remove it (as retention does), each followed by Engine.reload."""
    os.environ.setdefault("NEWSBOT_SEMANTIC", "off")
    from bot.engine import Engine

    with _copied(data) as (root, index_dir):
        engine = Engine.load(root, index_dir)
        file = root / "added.yaml"
        file.write_text(QUOKKAS.format("12.000"), encoding="utf-8")
        engine.reload()
        engine.answer(QUESTION)  # warm
        file.write_text(QUOKKAS.format("14.500"), encoding="utf-8")
        started = time.perf_counter()
        engine.reload()
        replaced = time.perf_counter() - started
        answer = engine.answer(QUESTION)
        quotes = " ".join(s.quote for s in answer.snippets)
        got: dict[str, Any] = {
            "replace_s": replaced, "replace_state": engine.index_state,
            "replaced": answer.found and "14.500" in quotes and "12.000" not in quotes}
        file.unlink()
        started = time.perf_counter()
        engine.reload()
        got.update(remove_s=time.perf_counter() - started, remove_state=engine.index_state,
                   removed=engine.article("added-article") is None)
        return got


def _newsbot_cli(data: Path, *args: str, stdin: str | None = None) -> tuple[float, str]:
    """Run `newsbot` (this checkout's) in a new process: its wall time and output."""
    import subprocess

    env = {**os.environ, "NEWSBOT_SEMANTIC": "off"}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "bot", *args, "--knowledge",
                           str(data / "knowledge")], input=stdin, capture_output=True,
                          text=True, env=env, check=True)
    return time.perf_counter() - started, done.stdout


def newsbot_cold(data: Path) -> dict[str, Any]:
    """One `newsbot ask "…"` in a new process on the built index (import, open, answer),
    five times (questions of the set), and the median."""
    walls = sorted(_newsbot_cli(data, "ask", q)[0] for q in questions(data, limit=5))
    return {"ask_s": walls[len(walls) // 2], "ask_s_all": walls}


def newsbot_cli(data: Path) -> dict[str, Any]:
    """`newsbot ask --json -` answering 200 questions in one new process: its peak
    resident memory and the answers' own elapsed_ms."""
    qs = questions(data, limit=200)
    wall, out = _newsbot_cli(data, "ask", "--json", "-", stdin="\n".join(qs) + "\n")
    elapsed = sorted(json.loads(line)["elapsed_ms"] for line in out.splitlines() if line)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"wall_s": wall, "peak_mb": peak, "questions": len(elapsed),
            "p50_ms": elapsed[len(elapsed) // 2], "p95_ms": elapsed[int(len(elapsed) * 0.95)]}


def rank_bm25(data: Path) -> dict[str, Any]:
    import numpy as np
    from rank_bm25 import BM25Okapi

    started = time.perf_counter()
    corpus = [WORD_RE.findall(p.lower()) for p in passages(data)]
    bm25 = BM25Okapi(corpus)
    built = time.perf_counter() - started
    del corpus
    n = len(bm25.doc_len)
    qs = questions(data, limit=max(10, min(200, 20_000_000 // max(n, 1))))

    def run(q: str) -> None:
        scores = bm25.get_scores(WORD_RE.findall(q.lower()))
        np.argpartition(-scores, 10)[:10]

    return {"build_s": built, "search": latencies(run, qs, warmup=2), "rss_serving_mb": rss_mb()}


def bm25s_run(data: Path) -> dict[str, Any]:
    """bm25s as its README recommends for speed: the numba backend (JIT-compiled when the
    retriever is made), German stop words and Snowball stemmer, a Tokenizer whose corpus
    vocabulary the queries are mapped to (no vocabulary made per query)."""
    import bm25s
    import Stemmer
    from bm25s.tokenization import Tokenizer

    started = time.perf_counter()
    texts = list(passages(data))
    tokenizer = Tokenizer(stopwords="de", stemmer=Stemmer.Stemmer("german"))
    corpus = tokenizer.tokenize(texts, show_progress=False, return_as="tuple")
    retriever = bm25s.BM25(backend="numba")
    retriever.index(corpus, show_progress=False)
    built = time.perf_counter() - started
    del texts, corpus
    qs = questions(data)

    def run(q: str) -> None:
        ids = tokenizer.tokenize([q], update_vocab=False, show_progress=False)
        retriever.retrieve(ids, k=10, show_progress=False, n_threads=1)

    return {"build_s": built, "build_peak_mb": peak_mb(), "search": latencies(run, qs),
            "rss_serving_mb": rss_mb(), "peak_mb": peak_mb(),
            "config": "bm25s BM25(backend='numba'), Tokenizer(stopwords='de', "
                      "stemmer=Stemmer('german')), retrieve(k=10, n_threads=1)"}


def tantivy_run(data: Path) -> dict[str, Any]:
    """tantivy with a German analyzer (lower case, Snowball stemmer), one merged segment
    (writer.wait_merging_threads), one searcher for all questions, the stored passage
    read for each hit."""
    import tempfile

    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("text", stored=True, tokenizer_name="de_stem")
    schema = builder.build()
    folder = tempfile.mkdtemp(prefix="tantivy-")
    started = time.perf_counter()
    index = tantivy.Index(schema, path=folder)
    index.register_tokenizer("de_stem", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
                             .filter(tantivy.Filter.remove_long(40))
                             .filter(tantivy.Filter.lowercase())
                             .filter(tantivy.Filter.stemmer("german")).build())
    writer = index.writer(heap_size=500_000_000, num_threads=2)
    for text in passages(data):
        writer.add_document(tantivy.Document(text=text))
    writer.commit()
    writer.wait_merging_threads()
    built = time.perf_counter() - started
    index.reload()
    searcher = index.searcher()
    qs = questions(data)

    def run(q: str) -> None:
        words = WORD_RE.findall(q)
        if words:
            hits = searcher.search(index.parse_query(" ".join(words), ["text"]), 10).hits
            for _score, address in hits:
                searcher.doc(address)

    return {"build_s": built, "build_peak_mb": peak_mb(), "search": latencies(run, qs),
            "rss_serving_mb": rss_mb(), "peak_mb": peak_mb(),
            "config": "tantivy de_stem analyzer (simple, remove_long 40, lowercase, "
                      "stemmer german), 1 segment, search(limit=10) + doc()"}


SYSTEMS: dict[str, Callable[[Path], dict[str, Any]]] = {
    "newsbot-build": newsbot_build, "newsbot": newsbot, "newsbot-add": newsbot_add,
    "newsbot-replace": newsbot_replace,
    "newsbot-cold": newsbot_cold, "newsbot-cli": newsbot_cli,
    "rank-bm25": rank_bm25,
    "bm25s": bm25s_run, "tantivy": tantivy_run,
}


def main() -> None:
    name, data = sys.argv[1], Path(sys.argv[2])
    print(json.dumps({"system": name, **SYSTEMS[name](data)}))


if __name__ == "__main__":
    main()
