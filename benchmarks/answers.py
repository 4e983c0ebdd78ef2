"""Every answer of a fixed question set, dumped, so that a speed change can be shown to
change no answer.

    python -m benchmarks.answers dump OUT.jsonl [--data benchmarks/data/1m] [--work DIR]
    python -m benchmarks.answers compare BEFORE.jsonl AFTER.jsonl

The set: XQuAD's development questions (German and English) over its German passages,
the golden questions (tests/golden/) over the bundled article, the same over a realistic
archive (the bundled article among the news articles of ../shared/eval/news, and XQuAD's
passages among them; see scripts/archives.py), and the first 300 questions of a
benchmark corpus (benchmarks.corpus). Each line holds one question's whole answer as
`newsbot ask --json` prints it (snippets, order, attribution, figures...) but its
elapsed_ms, the unrounded scores and confidences, and every candidate of
`Engine.search` with its ranking score. Indexes are built into `--work`, never beside
the knowledge (`--index` opens a benchmark corpus's saved one instead). To compare two
versions of the code, run `dump` from a snapshot of each (`git archive REV bot benchmarks
| tar -x -C DIR`).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
EVAL = HERE.parent.parent / "shared" / "eval"
XQUAD = EVAL / "xquad"
NEWS = EVAL / "news" / "news.10kgnad.de.jsonl"
BUNDLED = HERE.parent / "bot" / "bundled" / "nordkorea-soldaten-russland.yaml"
GOLDEN = HERE.parent / "tests" / "golden"
BENCH_QUESTIONS = 300


def _questions(path: Path, limit: int | None = None) -> list[str]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [json.loads(line)["question"] for line in lines[:limit]]


def question_sets(data: Path | None, work: Path) -> Iterator[tuple[str, Path | None, list[str]]]:
    """(name, knowledge, questions) of each part of the set (None: the bundled article)."""
    xquad = [q for lang in ("de", "en") for q in _questions(XQUAD / f"questions.dev.{lang}.jsonl")]
    golden = [q for f in sorted(GOLDEN.glob("*.jsonl")) for q in _questions(f)]
    yield "xquad", XQUAD / "passages.de.jsonl", xquad
    yield "golden", None, golden
    if NEWS.is_file():  # evaluation only: copied into `work`, never into the project
        yield "golden-news", _archive(work / "golden-news", BUNDLED, NEWS), golden
        yield "xquad-news", _archive(work / "xquad-news", XQUAD / "passages.de.jsonl", NEWS), xquad
    if data is not None:
        yield "bench", data / "knowledge", _questions(data / "questions.jsonl", BENCH_QUESTIONS)


def _archive(folder: Path, *files: Path) -> Path:
    """A knowledge folder of these files (made once)."""
    if not folder.is_dir():
        folder.mkdir(parents=True)
        for file in files:
            shutil.copy(file, folder / file.name)
    return folder


def dump(out: Path, data: Path | None, work: Path, index: Path | None = None) -> int:
    os.environ["NEWSBOT_SEMANTIC"] = "off"
    from bot.engine import Engine
    from bot.knowledge import bundled_knowledge

    count = 0
    with out.open("w", encoding="utf-8") as fh:
        for name, knowledge, questions in question_sets(data, work / "knowledge"):
            root = knowledge if knowledge is not None else bundled_knowledge()
            engine = Engine.load(root, index if name == "bench" and index else work / name)
            for question in questions:
                fh.write(json.dumps({"set": name, **_record(engine, question)},
                                    ensure_ascii=False) + "\n")
                count += 1
    return count


def _record(engine: Any, question: str) -> dict[str, Any]:
    answer = engine.answer(question)
    _q, candidates = engine.search(question)
    whole = answer.to_dict()
    whole.pop("elapsed_ms", None)
    return {
        "question": question, "answer": whole, "confidence": repr(answer.confidence),
        "snippets": [[repr(s.score), repr(s.confidence)] for s in answer.snippets],
        "candidates": [[c.passage.id, repr(c.rank_score), repr(c.confidence)]
                       for c in candidates],
    }


def compare(before: Path, after: Path) -> int:
    """Print the questions whose records differ; the number of differences."""
    old = before.read_text(encoding="utf-8").splitlines()
    new = after.read_text(encoding="utf-8").splitlines()
    if len(old) != len(new):
        print(f"{len(old)} records before, {len(new)} after")
    differ = 0
    for a, b in zip(old, new, strict=False):
        if a != b:
            differ += 1
            if differ <= 10:
                print(f"- {a[:300]}\n+ {b[:300]}")
    print(f"{min(len(old), len(new)) - differ} identical, {differ} different")
    return differ + abs(len(old) - len(new))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out", type=Path)
    d.add_argument("--data", type=Path, default=None, help="a benchmark corpus folder")
    d.add_argument("--work", type=Path, default=None, help="where the indexes are built")
    d.add_argument("--index", type=Path, default=None,
                   help="the benchmark corpus's saved index to open (not built again)")
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "compare":
        sys.exit(1 if compare(args.before, args.after) else 0)
    work = args.work or Path(tempfile.mkdtemp(prefix="newsbot-answers-"))
    print(f"{dump(args.out, args.data, work, args.index)} answers -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
