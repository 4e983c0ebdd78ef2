"""Evaluation on question sets: retrieval (top-1/3, MRR@10) and answer quality.

Questions are JSON Lines with `question`, `passage_id` and `answers` (the format of
XQuAD in shared/eval, and of the golden questions in tests/golden/). `passage_id` may
name an article id or a passage id; a question with no `passage_id` and no answers
expects "nothing found".
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.engine import Engine
from bot.errors import NewsbotError

RANK_DEPTH = 10


@dataclass
class Report:
    questions: int
    top1: float
    top3: float
    mrr10: float
    first_snippet: float  # the first snippet's article is the gold one (a miss if none)
    answer_hit: float
    quote_words: float
    no_answer_rate: float
    negatives: int
    negatives_correct: float
    median_ms: float
    p95_ms: float

    def to_dict(self) -> dict[str, Any]:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()}

    def table(self) -> str:
        rows = [
            ("questions", f"{self.questions}"),
            ("top-1", f"{self.top1:.3f}"),
            ("top-3", f"{self.top3:.3f}"),
            ("MRR@10", f"{self.mrr10:.3f}"),
            ("first snippet from the gold passage", f"{self.first_snippet:.3f}"),
            ("answer hit", f"{self.answer_hit:.3f}"),
            ("words in first quote", f"{self.quote_words:.1f}"),
            ("no-answer rate", f"{self.no_answer_rate:.3f}"),
            ("elapsed ms p50 / p95", f"{self.median_ms:.1f} / {self.p95_ms:.1f}"),
        ]
        if self.negatives:
            rows.append(("off-topic questions", f"{self.negatives}"))
            rows.append(("off-topic answered 'nothing found'", f"{self.negatives_correct:.3f}"))
        width = max(len(k) for k, _ in rows)
        lines = [f"| {'metric'.ljust(width)} | value |", f"|{'-' * (width + 2)}|-------|"]
        lines += [f"| {k.ljust(width)} | {v} |" for k, v in rows]
        return "\n".join(lines)


def read_questions(path: Path) -> list[dict[str, Any]]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as err:
                raise NewsbotError(f"{path}:{number}: invalid JSON ({err.msg})") from None
            if not isinstance(item, dict) or not isinstance(item.get("question"), str):
                raise NewsbotError(f"{path}:{number}: needs a \"question\" string")
            out.append(item)
    return out


def _matches(gold: str, passage_id: str, article_id: str) -> bool:
    return gold in (passage_id, article_id)


def evaluate(engine: Engine, questions: list[dict[str, Any]]) -> Report:
    top1 = top3 = mrr = hit = first_gold = 0.0
    words: list[int] = []
    times: list[float] = []
    positives = no_answer = negatives = negatives_ok = 0
    for item in questions:
        gold = item.get("passage_id")
        answers = [a.lower() for a in item.get("answers") or []]
        answer = engine.answer(item["question"], top=3)
        times.append(answer.elapsed_ms)
        if not gold and not answers:
            negatives += 1
            negatives_ok += not answer.found
            continue
        positives += 1
        _, ranked = engine.search(item["question"])
        rank = _gold_rank(ranked, str(gold)) if gold else None
        if rank is not None:
            top1 += rank == 1
            top3 += rank <= 3
            mrr += 1 / rank if rank <= RANK_DEPTH else 0.0
        if not answer.found:
            no_answer += 1
            continue
        first = answer.snippets[0]
        first_gold += bool(gold) and _matches(str(gold), first.passage_id, first.source.article_id)
        words.append(len(first.quote.split()))
        quote = first.quote.lower()
        hit += any(a in quote for a in answers)
    n = positives or 1
    times.sort()
    return Report(
        questions=positives, top1=top1 / n, top3=top3 / n, mrr10=mrr / n,
        first_snippet=first_gold / n, answer_hit=hit / n,
        quote_words=statistics.fmean(words) if words else 0.0,
        no_answer_rate=no_answer / n, negatives=negatives,
        negatives_correct=negatives_ok / negatives if negatives else 0.0,
        median_ms=statistics.median(times) if times else 0.0,
        p95_ms=times[min(len(times) - 1, int(0.95 * len(times)))] if times else 0.0,
    )


def _gold_rank(ranked: list[Any], gold: str) -> int | None:
    """1-based rank of the gold passage among distinct articles; ties count against us."""
    seen: list[tuple[str, float]] = []
    for scored in ranked:
        key = scored.passage.article_id
        if any(key == k for k, _ in seen):
            continue
        seen.append((key, scored.rank_score))
    for i, (key, score) in enumerate(seen):
        if _matches(gold, key, key) or any(
            _matches(gold, s.passage.id, key) for s in ranked if s.passage.article_id == key
        ):
            ties = sum(1 for _, other in seen if other == score)
            before = sum(1 for _, other in seen if other > score)
            return max(i + 1, before + ties)
    return None
