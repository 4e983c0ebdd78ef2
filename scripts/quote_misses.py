"""Where the first quote misses the answer its passage holds, for docs/quality.md ("Left").

For every question of the archives (scripts/archives.py) answered from a passage that
holds a gold answer string: does the first quote hold it, and if not, where is the
sentence that does (how many sentences before or after the quote); the same by question
kind; and the mean length in characters of every first quote. BM25 alone, served threshold.

`--single-slack` / `--second-sentence-cost` choose the first snippet's window again with
other constants of bot/answering.py (the quote only: which passage is first is
unchanged), to see what a quote-choice change buys against how much longer quotes get.

    python scripts/quote_misses.py [--only xquad-de,xquad-en,mlqa] [--single-slack 0]
           [--second-sentence-cost -0.25]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.engine import Engine
    from bot.models import Passage

sys.path.insert(0, str(Path(__file__).resolve().parent))
from archives import archives, arguments, expected, lines


def main() -> int:
    parser = arguments(__doc__.splitlines()[0])
    parser.add_argument("--only", default="xquad-de,xquad-en,mlqa")
    parser.add_argument("--single-slack", type=float, default=None)
    parser.add_argument("--second-sentence-cost", type=float, default=None)
    args = parser.parse_args()
    os.environ["NEWSBOT_SEMANTIC"] = "off"
    from bot.engine import Engine

    only = {n for n in args.only.split(",") if n}
    for archive in archives(args.eval, args.work):
        if archive.name not in only:
            continue
        engine = Engine.load(archive.knowledge,
                             index_dir=args.work / "index" / archive.knowledge.name)
        asked = held = hit = 0
        lengths: list[int] = []
        away: Counter[str] = Counter()
        kinds: Counter[str] = Counter()
        kind_hits: Counter[str] = Counter()
        for item in lines(archive.questions):
            if not expected(archive, item):
                continue
            asked += 1
            answer = engine.answer(item["question"], top=1)
            if not answer.found:
                continue
            first = answer.snippets[0]
            passage = engine.passage(first.passage_id)
            if passage is None:
                continue
            quote = first.quote
            if args.single_slack is not None or args.second_sentence_cost is not None:
                quote = _chosen_again(engine, item["question"], passage, args)
            lengths.append(len(quote))
            gold = [a.lower() for a in item.get("answers") or []]
            if not any(a in passage.text.lower() for a in gold):
                continue
            held += 1
            kinds[answer.kind] += 1
            if any(a in quote.lower() for a in gold):
                hit += 1
                kind_hits[answer.kind] += 1
            else:
                away[_where(passage, quote, gold)] += 1
        print(f"{archive.name}: {asked} questions; the first snippet's passage holds the answer "
              f"for {held} ({held / (asked or 1):.3f}); its quote holds it for {hit} "
              f"(answer hit {hit / (asked or 1):.3f}, {hit / (held or 1):.3f} of those); "
              f"mean first quote {statistics.fmean(lengths or [0]):.0f} characters")
        print("  missed, the answer's sentence relative to the quote:",
              ", ".join(f"{k}: {v}" for k, v in sorted(away.items())))
        print("  by kind (hit / passage holds it):",
              ", ".join(f"{k} {kind_hits[k]}/{n}" for k, n in kinds.most_common()))
    return 0


def _where(passage: Passage, quote: str, gold: list[str]) -> str:
    """"+1" when the answer is in the sentence after the quote, "-2" two before, ..."""
    texts = passage.sentence_texts() or [passage.text]
    quoted = [i for i, t in enumerate(texts) if t in quote]
    holding = [i for i, t in enumerate(texts) if any(a in t.lower() for a in gold)]
    if not quoted or not holding:
        return "across sentences"
    steps = [i - quoted[-1] if i > quoted[-1] else i - quoted[0] for i in holding]
    step = min(steps, key=abs)
    return f"{step:+d}" if abs(step) < 3 else ("+3 or more" if step > 0 else "-3 or more")


def _chosen_again(engine: Engine, question: str, passage: Passage,
                  args: argparse.Namespace) -> str:
    """The quote of `passage` chosen with the given constants (as bot/answering.py would)."""
    from bot import answering as a
    from bot import statements
    from bot.models import Span
    from bot.query import build_query
    from bot.question import analyse

    collection = next(c for c in engine.collections if c.language == passage.language)
    q = analyse(question)
    groups = build_query(q, collection.language, index=collection.index)
    who = statements.asked(question, q.language, q.kind)
    if who is not None:
        groups = statements.widened(groups, who, collection.language)
    weights = a.group_weights(collection.index, groups, q.language)
    total = a.question_weight(groups, weights) or 1.0
    saved = a.SINGLE_SLACK, a.SECOND_SENTENCE_COST
    try:
        if args.single_slack is not None:
            a.SINGLE_SLACK = args.single_slack
        if args.second_sentence_cost is not None:
            a.SECOND_SENTENCE_COST = args.second_sentence_cost
        reading = a.read_passage(q, passage, groups, weights, total)
        chosen = a.choose_window(q, reading)
    finally:
        a.SINGLE_SLACK, a.SECOND_SENTENCE_COST = saved
    spans = passage.sentences or (Span(0, len(passage.text)),)
    span = (a._quote_span(passage, chosen.first, q.kind) if chosen.first == chosen.last
            else Span(spans[chosen.first].start, spans[chosen.last].end))
    return passage.text[span.start:span.end]


if __name__ == "__main__":
    raise SystemExit(main())
