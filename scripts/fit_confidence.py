"""Fit the confidence model's weights (bot/confidence.py) on XQuAD dev questions.

A part of the articles is indexed (each quarter and eighth, so that the model sees
collections of several sizes); questions about them whose first answer is right are
positives, questions about the other articles are off-topic negatives. Prints the
logistic weights and how many positives each threshold keeps and negatives it
rejects.

    python scripts/fit_confidence.py [--eval ../shared/eval/xquad]

With `--semantic INDEX_DIR` it fits SEMANTIC_WEIGHTS instead (over BM25's evidence, the
cosine and whether the question was translated), on the candidates of the fused ranking
(bot/semantic.py): INDEX_DIR is a saved index of all the XQuAD passages
with their embeddings (`newsbot index --knowledge .../passages.de.jsonl --index-dir
INDEX_DIR`), whose vectors the parts reuse; only the questions are embedded (about a
minute). The bias is shifted so that THRESHOLD keeps the share of positives asked by
`--keep`; a negative counts as rejected only when none of the best CONFIDENT_AMONG
candidates reaches the threshold, as the engine decides.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from bot import semantic
from bot.answering import group_weights
from bot.confidence import THRESHOLD, features
from bot.engine import CONFIDENT_AMONG, Engine
from bot.query import build_query

PARTS = [(4, (0,)), (4, (2,)), (8, (0,)), (8, (2,)), (8, (4,)), (8, (6,))]


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


def semantic_candidates(engine: Engine, question: str) -> list[tuple[tuple[float, ...], str]]:
    """The best CONFIDENT_AMONG candidates of the fused ranking, as `Engine.search`
    merges the collections: their `semantic_features` and article."""
    assert engine.semantic is not None
    from bot.question import analyse

    q = analyse(question)
    found = []
    for collection in engine.collections:
        groups = build_query(q, collection.language, collection.index.vocab)
        vectors = engine.semantic.vectors.get(collection.language)
        if groups and vectors is not None:
            found.extend(semantic.fused_candidates(
                q, collection.index, collection.passages, groups, vectors,
                engine.semantic.query(q.text), 0))
    found.sort(key=lambda c: (-c[0].rank_score, -c[0].bm25, c[0].passage.id))
    return [(values, s.passage.article_id) for s, values in found[:CONFIDENT_AMONG]]


class Remembered:
    """An embedder that embeds each question once (they are asked of every part)."""

    def __init__(self, embedder: semantic.Embedder) -> None:
        self.name = embedder.name
        self._embedder = embedder
        self.query = functools.cache(embedder.query)

    def passages(self, texts: Sequence[str]) -> semantic.F32:
        return self._embedder.passages(texts)


def attach_saved(engine: Engine, full: dict[str, semantic.Vectors],
                 embedder: semantic.Embedder) -> None:
    """Give a part's engine the saved vectors of its passages (nothing embedded)."""
    vectors = {}
    for language in sorted(engine.store.indexes):
        texts = semantic.collection_texts(engine.store, language)
        got = semantic.refresh(full.get(language), texts, embedder, limit=0)
        if got is None:
            raise SystemExit("the saved index has no embeddings of some passages: run "
                             "`newsbot index --knowledge .../passages.de.jsonl "
                             "--index-dir INDEX_DIR` first")
        vectors[language] = got
    engine.semantic = semantic.Semantic(embedder, vectors)


def examples(
    args: argparse.Namespace,
) -> Iterator[tuple[list[tuple[tuple[float, ...], str]], str, bool]]:
    """Per part and question: its candidates (features, article), gold article, indexed?"""
    passages = [json.loads(line) for line in (args.eval / "passages.de.jsonl").open()]
    os.environ["NEWSBOT_SEMANTIC"] = "off"  # the parts get no embeddings of their own
    full: dict[str, semantic.Vectors] = {}
    embedder: semantic.Embedder | None = None
    if args.semantic is not None:
        embedder = Remembered(semantic.default_embedder())
        cache = semantic.Cache(semantic.semantic_dir(args.semantic), embedder.name)
        full = {lang: v for lang in ("de", "en") if (v := cache.load(lang)) is not None}
    for modulus, residues in PARTS:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "part.jsonl"
            kept = [p for p in passages
                    if int(p["id"].split("-")[0]) % modulus in residues]
            path.write_text("".join(json.dumps(p) + "\n" for p in kept))
            engine = Engine.load(path)
            if embedder is not None:
                attach_saved(engine, full, embedder)
            for lang in ("de", "en"):
                for line in (args.eval / f"questions.dev.{lang}.jsonl").open():
                    item = json.loads(line)
                    indexed = int(item["passage_id"].split("-")[0]) % modulus in residues
                    if embedder is not None:
                        candidates = semantic_candidates(engine, item["question"])
                    else:
                        got = candidate_features(engine, item["question"])
                        candidates = [got] if got is not None else []
                    if candidates:
                        yield candidates, item["passage_id"], indexed


def fit(x: np.ndarray, y: np.ndarray, steps: int = 20_000, l2: float = 1e-4) -> np.ndarray:
    """Logistic regression by gradient descent, a little L2; the last column is the bias."""
    w = np.zeros(x.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-x @ w))
        w -= (x.T @ (p - y) / len(y) + l2 * w)
    return w


def fit_standardised(x: np.ndarray, y: np.ndarray, l2: float) -> np.ndarray:
    """`fit` on features centred and scaled to unit spread (the cosine varies by
    hundredths around 0.8: raw, it would not converge), weights mapped back to raw ones.

    With three features, a firm L2 (0.03) costs nothing on dev and keeps the cosine's
    weight moderate: off-topic questions that share a name with an article stay out."""
    mean, spread = x.mean(axis=0), x.std(axis=0)
    mean[-1], spread[-1] = 0.0, 1.0
    spread[spread == 0] = 1.0
    w = fit((x - mean) / spread, y, l2=l2)
    raw = w / spread
    raw[-1] = w[-1] - float(np.sum(w[:-1] * mean[:-1] / spread[:-1]))
    return raw


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared/eval/xquad")
    parser.add_argument("--semantic", type=Path, metavar="INDEX_DIR",
                        help="fit SEMANTIC_WEIGHTS, with the embeddings saved at INDEX_DIR")
    parser.add_argument("--reject", type=float, default=0.92,
                        help="with --semantic: share of off-topic questions THRESHOLD turns "
                             "away (none of the best candidates sure enough)")
    args = parser.parse_args()
    xs: list[tuple[float, ...]] = []
    ys: list[int] = []
    negatives: list[list[tuple[float, ...]]] = []  # an off-topic question's best candidates
    for candidates, gold, indexed in examples(args):
        values, article = candidates[0]
        if indexed and article != gold:
            continue  # a wrong first answer is neither positive nor negative
        xs.append(values)
        ys.append(1 if indexed else 0)
        if not indexed:
            negatives.append([v for v, _ in candidates])
    x = np.hstack([np.array(xs), np.ones((len(xs), 1))])
    y = np.array(ys)
    name = "WEIGHTS"
    if args.semantic is None:
        w = fit(x, y)
    else:
        name = "SEMANTIC_WEIGHTS"
        w = fit_standardised(x, y, l2=0.03)
        # the operating point: THRESHOLD turns away `--reject` of the off-topic questions
        surest = np.array([max(np.dot(w[:-1], v) for v in c) for c in negatives]) + w[-1]
        w[-1] += math.log(THRESHOLD / (1 - THRESHOLD)) - float(np.quantile(surest, args.reject))
    p = 1 / (1 + np.exp(-x @ w))
    print(f"{name} =", tuple(round(float(v), 3) for v in w))
    best = np.array([max(1 / (1 + math.exp(-(w[-1] + np.dot(w[:-1], v)))) for v in cands)
                     for cands in negatives])
    for threshold in (0.05, 0.07, 0.1, 0.15, 0.2, 0.3, 0.5):
        kept = float((p[y == 1] >= threshold).mean())
        rejected = float((p[y == 0] < threshold).mean())
        among = f" ({float((best < threshold).mean()):.3f} by the best {CONFIDENT_AMONG})"
        print(f"threshold {threshold}: keeps {kept:.3f} of positives, rejects {rejected:.3f}"
              f" of off-topic questions{among if args.semantic is not None else ''}")
    print(f"({len(y)} questions, log-loss {-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)):.3f})")
    return 0 if math.isfinite(float(w.sum())) else 1


if __name__ == "__main__":
    raise SystemExit(main())
