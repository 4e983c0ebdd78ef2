"""Fit the quote model's weights (bot/answering.py QUOTE_WEIGHTS) on XQuAD dev.

For every question, the windows (one or two sentences) of the passage that holds the
answer are labelled by whether they contain it; a logistic regression over the
windows' features gives the weights. Then, for a few costs of a second sentence,
prints how often the chosen window holds the answer and how many words it has.

    python scripts/fit_quotes.py [--eval ../shared/eval/xquad] [--lang de en]
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

import numpy as np

from bot.answering import question_weight, read_passage
from bot.engine import Engine
from bot.query import build_query
from bot.question import analyse


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared/eval/xquad")
    parser.add_argument("--lang", nargs="+", default=["de", "en"])
    args = parser.parse_args()
    engine = Engine.load(args.eval / "passages.de.jsonl")
    collection = engine.collections[0]
    by_article: dict[str, list[int]] = {}
    for doc, passage in enumerate(collection.passages):
        by_article.setdefault(passage.article_id, []).append(doc)
    questions: list[tuple[list[np.ndarray], list[int], list[int]]] = []
    for lang in args.lang:
        for line in (args.eval / f"questions.dev.{lang}.jsonl").open():
            item = json.loads(line)
            answers = [a.lower() for a in item["answers"]]
            q = analyse(item["question"])
            groups = build_query(q, collection.language)
            if not groups:
                continue
            from bot.answering import group_weights

            weights = group_weights(collection.index, groups, q.language)
            total = question_weight(groups, weights) or 1.0
            for doc in by_article.get(item["passage_id"], []):
                passage = collection.passages[doc]
                if not any(a in passage.text.lower() for a in answers):
                    continue
                reading = read_passage(q, passage, groups, weights, total)
                texts = passage.sentence_texts() or [passage.text]
                feats, labels, words = [], [], []
                for w in reading.windows:
                    text = " ".join(texts[w.first:w.last + 1]).lower()
                    feats.append(np.array(w.features))
                    labels.append(int(any(a in text for a in answers)))
                    words.append(len(text.split()))
                questions.append((feats, labels, words))
                break
    x = np.array([f for fs, _, _ in questions for f in fs])
    y = np.array([lab for _, ls, _ in questions for lab in ls])
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    for _ in range(20_000):
        p = 1 / (1 + np.exp(-xb @ w))
        w -= xb.T @ (p - y) / len(y) + 1e-4 * w
    weights = w[:-1]
    print("QUOTE_WEIGHTS =", tuple(round(float(v), 3) for v in weights))
    for cost in (0.0, 0.25, 0.5, 1.0, 1.5, 2.0):
        hits, lengths = 0, []
        for feats, labels, words in questions:
            scores = [float(weights @ f) - cost * f[4] for f in feats]
            best = int(np.argmax(scores))
            hits += labels[best]
            lengths.append(words[best])
        print(f"second-sentence cost {cost}: window holds the answer {hits / len(questions):.3f},"
              f" {statistics.fmean(lengths):.1f} words on average ({len(questions)} questions)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
