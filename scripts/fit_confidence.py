"""Fit the ranking weights and the "found" model (bot/confidence.py) on realistic archives.

The archives are made from ../shared/eval (see each README there), as a deployment
would hold them — the answering passages mixed into a thousand real news articles:

- XQuAD's paragraphs + news, asked the development questions (German and English):
  positives; XQuAD's holdout-split paragraphs + news, asked the same questions: none
  of their paragraphs is there, so every one is a negative;
- the same for MLQA (the development questions' paragraphs, or only the others);
- the bundled article + news, asked tests/golden's questions about it (positives) and
  its off-topic questions (negatives); Bing queries (XGLUE QAM) + news for ranking;
- small archives, so that a handful of articles is judged as well as thousands: the
  bundled article alone, and quarters of XQuAD's paragraphs (the questions about the
  other quarters are the negatives there).

Step 1 fits RANK_WEIGHTS pairwise (the candidate from the gold paragraph against each
other candidate of its question) on the rank vectors the engine computes. Step 2 ranks
with them and fits a monotone boosted tree ensemble on the answer vectors of each
question's best candidate: positives are questions whose best candidate is from their
gold paragraph. Both steps read the vectors the engine itself builds
(bot/features.py), so what is fitted is what serves. Two-fold cross-validation by
question prints the trade-off curve (answered right / wrong / refused per set) for
docs/quality.md; the model fitted on all questions is written to
bot/data/answerability.json and the weights printed for bot/confidence.py.

    pip install scikit-learn        # for fitting only; serving needs numpy alone
    python scripts/fit_confidence.py [--eval ../shared/eval] [--work /tmp/fit]
"""

from __future__ import annotations

import json
import os
import re
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

os.environ["NEWSBOT_SEMANTIC"] = "off"
from bot import confidence as conf
from bot import engine as engine_module
from bot import trees
from bot.engine import Engine
from bot.features import ANSWER_FEATURES, ANSWER_MONOTONE, RANK_FEATURES

sys.path.insert(0, str(Path(__file__).resolve().parent))
from archives import ROOT, archives, arguments, expected, lines


@dataclass
class Asked:
    """One question asked of one archive: its candidates' vectors and which are gold."""

    set: str
    question: str
    fold: int
    positive: bool  # the question's answer is in the archive
    rank: list[tuple[float, ...]] = field(default_factory=list)
    gold: list[bool] = field(default_factory=list)
    answer: list[tuple[float, ...]] = field(default_factory=list)  # of the ranked candidates
    answer_gold: list[bool] = field(default_factory=list)


def collect(eval_dir: Path, work: Path) -> list[Asked]:
    """Every question of every archive with its candidates' vectors."""
    out: list[Asked] = []
    engine_module.confidence = lambda vector: 0.0  # nothing to judge with while fitting
    for archive in archives(eval_dir, work):
        if archive.use == "eval":
            continue
        name = archive.name
        engine = Engine.load(archive.knowledge, index_dir=work / "index" / archive.knowledge.name)
        for item in lines(archive.questions):
            gold = item.get("passage_id")
            positive = expected(archive, item)
            asked = Asked(name, item["question"], zlib.crc32(item["question"].encode()) % 2,
                          positive)
            _, ranked = engine.search(item["question"])
            for s in ranked:
                is_gold = positive and gold in (s.passage.id, s.passage.article_id)
                asked.rank.append(s.rank_vector)
                asked.gold.append(is_gold)
                if s.answer_vector:
                    asked.answer.append(s.answer_vector)
                    asked.answer_gold.append(is_gold)
            out.append(asked)
        print(f"  {name}: {sum(1 for a in out if a.set == name)} questions", file=sys.stderr)
    return out


def fit_rank(asked: list[Asked], steps: int = 1500, l2: float = 1e-3) -> np.ndarray:
    """Pairwise logistic regression: the gold candidate against each other one."""
    pairs = []
    for a in asked:
        if any(a.gold):
            gold = np.array(a.rank[a.gold.index(True)])
            pairs += [gold - np.array(v) for v, g in zip(a.rank, a.gold, strict=True) if not g]
    d = np.array(pairs)
    spread = d.std(axis=0)
    spread[spread == 0] = 1.0
    z = d / spread
    w = np.zeros(d.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-z @ w))
        w -= 0.5 * (-(z.T @ (1 - p)) / len(z) + l2 * w)
    return np.asarray(w / spread)


def rerank(a: Asked, w: np.ndarray) -> int:
    """Index of the best candidate under weights `w`."""
    return int(np.argmax([np.dot(w, v) for v in a.rank])) if a.rank else -1


def write_weights(weights: tuple[float, ...]) -> None:
    """Replace RANK_WEIGHTS in bot/confidence.py."""
    path = ROOT / "bot" / "confidence.py"
    text = path.read_text(encoding="utf-8")
    values = ", ".join(str(v) for v in weights)
    lines, line = [], "RANK_WEIGHTS = ("
    for value in values.split(", "):
        if len(line) + len(value) + 2 > 99:
            lines.append(line.rstrip())
            line = "                "
        line += value + ", "
    lines.append(line[:-2] + ")")
    text = re.sub(r"RANK_WEIGHTS = \([^)]*\)", "\n".join(lines), text, count=1)
    path.write_text(text, encoding="utf-8")


def main() -> int:
    parser = arguments(__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bot" / "data" / "answerability.json")
    parser.add_argument("--write", action="store_true",
                        help="write the fitted RANK_WEIGHTS into bot/confidence.py")
    args = parser.parse_args()
    from sklearn.ensemble import HistGradientBoostingClassifier

    asked = collect(args.eval, args.work)
    w = fit_rank(asked)
    print("RANK_WEIGHTS =", tuple(round(float(v), 3) for v in w))
    for name in RANK_FEATURES:
        print(f"  {name}: {w[RANK_FEATURES.index(name)]:.3f}")
    print("set: top-1 from the gold paragraph, fitted weights (served weights)")
    served = np.array(conf.RANK_WEIGHTS)
    for name in dict.fromkeys(a.set for a in asked):
        rows = [a for a in asked if a.set == name and a.positive]
        if rows:
            top = np.mean([bool(a.rank) and a.gold[rerank(a, w)] for a in rows])
            now = np.mean([bool(a.rank) and a.gold[rerank(a, served)] for a in rows])
            print(f"  {name}: {top:.3f} ({now:.3f})")
    if args.write:
        write_weights(tuple(round(float(v), 3) for v in w))
    print("the answer vectors were made with the served weights: run again after they "
          "changed (--write sets them)", file=sys.stderr)

    sizes: dict[str, int] = {}
    for a in asked:
        sizes[a.set] = sizes.get(a.set, 0) + 1

    def examples(rows: list[Asked]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Answer vectors of the best candidates, labels, and weights: each archive
        counts alike whatever its number of questions (the quarters as one)."""
        xs, ys, weights = [], [], []
        for a in rows:
            if not a.answer:
                continue
            if a.positive and not a.answer_gold[0]:
                continue  # a wrong best candidate is neither positive nor negative
            xs.append(a.answer[0])
            ys.append(1 if a.positive else 0)
            share = 0.25 if a.set.startswith("xquad-quarter") else 1.0
            weights.append(share * 300 / sizes[a.set])
        return np.array(xs), np.array(ys), np.array(weights)

    def model() -> Any:
        return HistGradientBoostingClassifier(
            max_iter=150, learning_rate=0.1, max_leaf_nodes=16, min_samples_leaf=20,
            l2_regularization=1.0, monotonic_cst=list(ANSWER_MONOTONE), random_state=0)

    held: dict[int, float] = {}
    for fold in (0, 1):
        x, y, weight = examples([a for a in asked if a.fold != fold])
        fitted = model().fit(x, y, sample_weight=weight)
        for i, a in enumerate(asked):
            if a.fold == fold and a.answer:
                held[i] = float(fitted.predict_proba(np.array([a.answer[0]]))[0, 1])
    with (args.work / "held-out.jsonl").open("w", encoding="utf-8") as fh:
        for i, a in enumerate(asked):
            fh.write(json.dumps({"set": a.set, "question": a.question, "positive": a.positive,
                                 "p": held.get(i), "gold": bool(a.answer_gold[:1] == [True]),
                                 "vector": a.answer[0] if a.answer else None}) + "\n")
    print("cross-validated trade-off: per set, at each threshold, right / wrong / refused "
          "(questions whose answer is there), or refused (those whose answer is not)")
    for threshold in (0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5):
        print(f"threshold {threshold}:")
        for name in dict.fromkeys(a.set for a in asked):
            rows = [(i, a) for i, a in enumerate(asked) if a.set == name]
            pos = [(i, a) for i, a in rows if a.positive]
            neg = [(i, a) for i, a in rows if not a.positive]
            parts = []
            if pos:
                right = sum(1 for i, a in pos if held.get(i, 0) >= threshold and a.answer_gold[0])
                wrong = sum(1 for i, a in pos if held.get(i, 0) >= threshold
                            and not a.answer_gold[0])
                parts.append(f"right {right / len(pos):.3f} wrong {wrong / len(pos):.3f} "
                             f"refused {1 - (right + wrong) / len(pos):.3f}")
            if neg:
                refused = sum(1 for i, _ in neg if held.get(i, 0) < threshold)
                parts.append(f"off-topic refused {refused / len(neg):.3f}")
            print(f"  {name} ({len(rows)}): " + "; ".join(parts))
    x, y, weight = examples(asked)
    spec = trees.from_sklearn(model().fit(x, y, sample_weight=weight), ANSWER_FEATURES)
    args.out.write_text(json.dumps(spec), encoding="utf-8")
    print(f"wrote {args.out} ({len(spec['trees'])} trees, {len(y)} examples, "
          f"{int(y.sum())} positive)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
