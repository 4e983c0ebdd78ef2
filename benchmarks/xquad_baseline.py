"""The plain rank-bm25 baseline on XQuAD, as in shared/eval/xquad/README.md.

All 240 German passages indexed with BM25Okapi (defaults), lower-case word tokens,
no stemming (or the Snowball German stemmer with --stem); prints top-1, top-3 and
MRR@10 of the gold passage for the German and English dev questions, ties counted
against us.

    python -m benchmarks.xquad_baseline [--eval ../shared/eval/xquad] [--stem]
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import numpy as np
import Stemmer
from rank_bm25 import BM25Okapi

WORD = re.compile(r"\w+")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared/eval/xquad")
    parser.add_argument("--stem", action="store_true", help="Snowball German stemmer")
    args = parser.parse_args()
    stemmer = Stemmer.Stemmer("german") if args.stem else None

    def tokens(text: str) -> list[str]:
        words = WORD.findall(text.lower())
        return stemmer.stemWords(words) if stemmer else words

    passages = [json.loads(line) for line in (args.eval / "passages.de.jsonl").open()]
    ids = [p["id"] for p in passages]
    bm25 = BM25Okapi([tokens(p["text"]) for p in passages])
    print("| questions | top-1 | top-3 | MRR@10 |\n|---|---|---|---|")
    for lang in ("de", "en"):
        top1 = top3 = mrr = 0.0
        questions = [json.loads(line) for line in
                     (args.eval / f"questions.dev.{lang}.jsonl").open()]
        for q in questions:
            scores = bm25.get_scores(tokens(q["question"]))
            gold = scores[ids.index(q["passage_id"])]
            rank = int(np.sum(scores >= gold))  # ties count against us
            top1 += rank == 1
            top3 += rank <= 3
            mrr += 1 / rank if rank <= 10 else 0.0
        n = len(questions)
        print(f"| {lang} → de{' (stemmed)' if stemmer else ''} | {top1 / n:.3f} | {top3 / n:.3f}"
              f" | {mrr / n:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
