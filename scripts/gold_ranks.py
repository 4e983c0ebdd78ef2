"""Where the gold paragraph is among each question's candidates, for docs/quality.md.

For every question of an archive whose answer is there (scripts/archives.py): is the
gold paragraph the best candidate, lower among the candidates, or not among them, and
is the best candidate answered or refused at the served threshold. BM25 alone; the
ranking as `Engine.search` serves it (the count and statement rules of `Engine.answer`
are left out). `--list` prints the questions of one category.

    python scripts/gold_ranks.py [--only xquad-de,xquad-en,mlqa] [--list absent-refused]
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from archives import ROOT, archives, arguments, expected, lines


def main() -> int:
    parser = arguments(__doc__.splitlines()[0])
    parser.add_argument("--only", default="xquad-de,xquad-en,mlqa")
    parser.add_argument("--list", default="", help="a category, e.g. lower-found")
    args = parser.parse_args()
    os.environ["NEWSBOT_SEMANTIC"] = "off"
    sys.path.insert(0, str(ROOT))
    from bot.confidence import THRESHOLD
    from bot.engine import Engine

    wanted = args.only.split(",")
    for archive in archives(args.eval, args.work):
        if archive.name not in wanted:
            continue
        engine = Engine.load(archive.knowledge,
                             index_dir=args.work / "index" / archive.knowledge.name)
        counts: Counter[str] = Counter()
        for item in lines(archive.questions):
            if not expected(archive, item):
                continue
            _, ranked = engine.search(item["question"], judge=1)
            gold = item["passage_id"]
            place = next((k for k, s in enumerate(ranked)
                          if gold in (s.passage.id, s.passage.article_id)), None)
            where = "first" if place == 0 else "lower" if place is not None else "absent"
            answered = bool(ranked) and ranked[0].confidence >= THRESHOLD
            category = f"{where}-{'found' if answered else 'refused'}"
            counts[category] += 1
            if category == args.list:
                confidence = ranked[0].confidence if ranked else 0.0
                print(f"  {confidence:.3f} {place} {item['question']}")
        total = sum(counts.values())
        shown = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        print(f"{archive.name}: {total} questions: {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
