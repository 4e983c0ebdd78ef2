"""Fit the confidence model's weights (bot/confidence.py) on XQuAD dev questions.

A part of the articles is indexed (each half, and each quarter, so that the model
sees collections of several sizes); questions about them whose first answer is
right are positives, questions about the other articles are off-topic negatives.
Prints the logistic weights and how many positives each threshold keeps and
negatives it rejects.

    python scripts/fit_confidence.py [--eval ../shared/eval/xquad]
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
from pathlib import Path

import numpy as np

from bot.answering import group_weights
from bot.confidence import features
from bot.engine import Engine
from bot.query import build_query


def candidate_features(engine: Engine, question: str) -> tuple[tuple[float, ...], str] | None:
    q, ranked = engine.search(question)
    if not ranked:
        return None
    best = ranked[0]
    collection = next(c for c in engine.collections if c.language == best.passage.language)
    groups = build_query(q, collection.language)
    weights = group_weights(collection.index, groups, q.language)
    total = sum(weights) or 1.0
    values = features(best.coverage, best.sentence_coverage, max(weights) / total,
                      q.language != best.passage.language, len(groups), best.words_found,
                      best.absent)
    return values, best.passage.article_id


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared/eval/xquad")
    args = parser.parse_args()
    passages = [json.loads(line) for line in (args.eval / "passages.de.jsonl").open()]
    xs: list[tuple[float, ...]] = []
    ys: list[int] = []
    parts = [(4, (0,)), (4, (2,)), (8, (0,)), (8, (2,)), (8, (4,)), (8, (6,))]
    for modulus, residues in parts:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "part.jsonl"
            kept = [p for p in passages
                    if int(p["id"].split("-")[0]) % modulus in residues]
            path.write_text("".join(json.dumps(p) + "\n" for p in kept))
            engine = Engine.load(path)
            for lang in ("de", "en"):
                for line in (args.eval / f"questions.dev.{lang}.jsonl").open():
                    item = json.loads(line)
                    got = candidate_features(engine, item["question"])
                    if got is None:
                        continue
                    values, article = got
                    indexed = int(item["passage_id"].split("-")[0]) % modulus in residues
                    if indexed and article != item["passage_id"]:
                        continue  # a wrong first answer is neither positive nor negative
                    xs.append(values)
                    ys.append(1 if indexed else 0)
    x = np.hstack([np.array(xs), np.ones((len(xs), 1))])
    y = np.array(ys)
    w = np.zeros(x.shape[1])
    for _ in range(20_000):
        p = 1 / (1 + np.exp(-x @ w))
        w -= (x.T @ (p - y) / len(y) + 1e-4 * w)
    p = 1 / (1 + np.exp(-x @ w))
    print("WEIGHTS =", tuple(round(float(v), 3) for v in w))
    for threshold in (0.05, 0.07, 0.1, 0.15, 0.2, 0.3, 0.5):
        kept = float((p[y == 1] >= threshold).mean())
        rejected = float((p[y == 0] < threshold).mean())
        print(f"threshold {threshold}: keeps {kept:.3f} of positives, rejects {rejected:.3f}"
              f" of off-topic questions")
    print(f"({len(y)} questions, log-loss {-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)):.3f})")
    return 0 if math.isfinite(float(w.sum())) else 1


if __name__ == "__main__":
    raise SystemExit(main())
