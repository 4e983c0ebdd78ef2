"""The realistic archives newsbot is fitted and measured on, made from ../shared/eval.

Each is a knowledge folder as a deployment would hold it — the answering passages mixed
into a thousand real news articles (DER STANDARD, 10kGNAD; evaluation only, never
bundled) — with a question file, and whether those questions' answers are in it:

- `xquad-de`, `xquad-en`: all of XQuAD's paragraphs + news, the development questions;
  `...-absent`: only XQuAD's holdout-split paragraphs + news, the same questions, none of
  whose paragraphs is there (every one must be refused);
- `mlqa` / `mlqa-absent`: the same with MLQA's paragraphs (the development questions'
  own, or only the others);
- `qam`: real Bing queries (keywords, typos) over XGLUE QAM's passages + news;
  `qam-absent`: the passages no development query is answered by (Bing's hard
  negatives among them) + news, the same queries (every one must be refused);
- `bundled-news/...`: the bundled article + news, asked tests/golden's questions about it
  and off-topic ones;
- the clean sets for comparison: `clean/...` (XQuAD's, MLQA's, QAM's paragraphs alone,
  the bundled article alone), and, for fitting only, `xquad-quarter-N` (a quarter of
  XQuAD's paragraphs: small archives must be judged as well as large ones).

Folders are made once under `work` and reused (their saved indexes too).
"""

from __future__ import annotations

import argparse
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
BUNDLED = ROOT / "bot" / "bundled" / "nordkorea-soldaten-russland.yaml"
GOLDEN_FILES = ("nordkorea.jsonl", "nordkorea.dev.jsonl", "offtopic.dev.jsonl")


@dataclass(frozen=True)
class Archive:
    """A question set asked of a knowledge folder."""

    name: str
    knowledge: Path
    questions: Path
    answers_there: bool  # False: every question's paragraph is missing (all must be refused)
    use: str  # "fit" (fitting only), "both", or "eval" (measuring only)


def arguments(description: str) -> argparse.ArgumentParser:
    """A script's parser with the options every archive script takes: where the eval
    data are (`--eval`) and where the archives are made (`--work`)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--work", type=Path, default=Path("/tmp/newsbot-fit"))
    return parser


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]


def archives(eval_dir: Path, work: Path) -> Iterator[Archive]:
    """Every archive, made under `work` on first use."""
    news = eval_dir / "news" / "news.10kgnad.de.jsonl"

    def folder(name: str, files: dict[str, list[dict[str, Any]] | Path]) -> Path:
        target = work / name
        if not target.exists():
            target.mkdir(parents=True)
            for file_name, content in files.items():
                if isinstance(content, Path):
                    shutil.copy(content, target / file_name)
                else:
                    (target / file_name).write_text(
                        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in content),
                        encoding="utf-8")
        return target

    xquad = eval_dir / "xquad"
    xq = lines(xquad / "passages.de.jsonl")
    present = folder("xquad-news", {"xquad.jsonl": xq, "news.jsonl": news})
    absent = folder("xquad-holdout-news", {
        "xquad.jsonl": [p for p in xq if p.get("split") == "holdout"], "news.jsonl": news})
    clean_xq = folder("xquad", {"xquad.jsonl": xq})
    for lang in ("de", "en"):
        questions = xquad / f"questions.dev.{lang}.jsonl"
        yield Archive(f"xquad-{lang}", present, questions, True, "both")
        yield Archive(f"xquad-{lang}-absent", absent, questions, False, "both")
        yield Archive(f"clean/xquad-{lang}", clean_xq, questions, True, "both")
    mlqa = lines(eval_dir / "mlqa" / "passages.de.jsonl")
    mlqa_questions = eval_dir / "mlqa" / "questions.dev.de.jsonl"
    asked = {q["passage_id"] for q in lines(mlqa_questions)}
    yield Archive("mlqa", folder("mlqa-news", {"mlqa.jsonl": mlqa, "news.jsonl": news}),
                  mlqa_questions, True, "both")
    yield Archive("mlqa-absent", folder("mlqa-other-news", {
        "mlqa.jsonl": [p for p in mlqa if p["id"] not in asked], "news.jsonl": news}),
        mlqa_questions, False, "both")
    yield Archive("clean/mlqa", folder("mlqa", {"mlqa.jsonl": mlqa}), mlqa_questions, True,
                  "eval")
    qam = eval_dir / "qam" / "passages.de.jsonl"
    queries = eval_dir / "qam" / "queries.dev.de.jsonl"
    yield Archive("qam", folder("qam-news", {"qam.jsonl": qam, "news.jsonl": news}), queries,
                  True, "both")
    relevant = {pid for q in lines(queries)
                for pid in (q["passage_id"], *q.get("other_positive_passage_ids", []))}
    yield Archive("qam-absent", folder("qam-other-news", {
        "qam.jsonl": [p for p in lines(qam) if p["id"] not in relevant], "news.jsonl": news}),
        queries, False, "both")
    yield Archive("clean/qam", folder("qam", {"qam.jsonl": qam}), queries, True, "eval")
    with_news = folder("bundled-news", {BUNDLED.name: BUNDLED, "news.jsonl": news})
    alone = folder("bundled", {BUNDLED.name: BUNDLED})
    for file in GOLDEN_FILES:
        stem = file.removesuffix(".jsonl")
        yield Archive(f"bundled-news/{stem}", with_news, GOLDEN / file, True, "both")
        yield Archive(f"clean/bundled/{stem}", alone, GOLDEN / file, True, "both")
    for quarter in range(4):
        kept = [p for p in xq if int(p["id"].split("-")[0]) % 4 == quarter]
        yield Archive(f"xquad-quarter-{quarter}", folder(f"xquad-quarter-{quarter}",
                                                         {"xquad.jsonl": kept}),
                      xquad / "questions.dev.de.jsonl", True, "fit")


def expected(archive: Archive, item: dict[str, Any]) -> bool:
    """Is this question's answer in the archive?"""
    if archive.name.startswith("xquad-quarter"):
        quarter = int(archive.name.rsplit("-", 1)[1])
        return int(str(item["passage_id"]).split("-")[0]) % 4 == quarter
    return archive.answers_there and bool(item.get("passage_id"))
