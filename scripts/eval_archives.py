"""Answer quality in realistic archives, and its trade-off curve, for docs/quality.md.

Asks every archive of scripts/archives.py its questions (BM25 alone, or with the
semantic extra when `--semantic` and the embeddings are there) and prints, per archive:

- for questions whose answer is there: the first snippet from the gold paragraph
  ("right"), the first quote holding a gold answer string ("answer hit"), a wrong first
  snippet ("wrong"), "nothing found" ("refused");
- for questions whose answer is not there (the absent archives, off-topic questions):
  the share refused.

At the served threshold (bot/confidence.py THRESHOLD) as one table, and at each of
--curve's thresholds as the trade-off curve (right / wrong / refused).

`--backend xapian` asks the same archives through the xapian backend instead: each
knowledge folder written into 2 local shards (WORK/xapian/NAME/shard-0, shard-1) by
the indexer's code first (docs/scale-out.md).

    python scripts/eval_archives.py [--eval ../shared/eval] [--work /tmp/newsbot-fit]
           [--curve 0.05,0.1,0.15,0.2,0.3,0.5] [--only xquad-de,...] [--json]
           [--backend memory|xapian]
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from archives import Archive, archives, arguments, expected, lines


@dataclass
class Counts:
    """What one archive's questions got at one threshold."""

    positives: int = 0
    right: int = 0
    hit: int = 0
    wrong: int = 0
    refused: int = 0
    negatives: int = 0
    negatives_refused: int = 0
    ms: list[float] = field(default_factory=list)

    def row(self) -> dict[str, float | int]:
        p, n = self.positives or 1, self.negatives or 1
        out: dict[str, float | int] = {}
        if self.positives:
            out.update(questions=self.positives, right=self.right / p, answer_hit=self.hit / p,
                       wrong=self.wrong / p, refused=self.refused / p)
        if self.negatives:
            out.update(off_topic=self.negatives, off_topic_refused=self.negatives_refused / n)
        return {k: round(v, 3) if isinstance(v, float) else v for k, v in out.items()}


def xapian_settings(archive: Archive, work: Path) -> Settings:
    """Settings for the xapian backend over the archive's knowledge, written into 2 local
    shards first (unchanged articles are skipped on a second run)."""
    from bot.backends.indexer import index_knowledge
    from bot.settings import Settings

    folder = work / "xapian" / archive.knowledge.name
    folder.mkdir(parents=True, exist_ok=True)
    spec = f"{folder / 'shard-0'},{folder / 'shard-1'}"
    settings = Settings.from_env().but(archive.knowledge).backed_by("xapian", spec)
    index_knowledge(settings)
    return settings


def measure(archive: Archive, thresholds: list[float], work: Path,
            backend: str = "memory") -> dict[float, Counts]:
    from bot import engine as engine_module
    from bot.engine import Engine

    if backend == "xapian":
        engine = Engine.load(settings=xapian_settings(archive, work))
    else:
        engine = Engine.load(archive.knowledge,
                             index_dir=work / "index" / archive.knowledge.name)
    out = {t: Counts() for t in thresholds}
    served = engine_module.FOUND_THRESHOLD
    try:
        for item in lines(archive.questions):
            gold = item.get("passage_id")
            answers = [a.lower() for a in item.get("answers") or []]
            there = expected(archive, item)
            for t in thresholds:
                engine_module.FOUND_THRESHOLD = t
                answer = engine.answer(item["question"], top=3)
                c = out[t]
                c.ms.append(answer.elapsed_ms)
                if not there:
                    c.negatives += 1
                    c.negatives_refused += not answer.found
                    continue
                c.positives += 1
                if not answer.found:
                    c.refused += 1
                    continue
                first = answer.snippets[0]
                is_gold = gold in (first.passage_id, first.source.article_id)
                c.right += is_gold
                c.wrong += not is_gold
                c.hit += any(a in first.quote.lower() for a in answers)
    finally:
        engine_module.FOUND_THRESHOLD = served
    return out


def main() -> int:
    parser = arguments(__doc__.splitlines()[0])
    parser.add_argument("--curve", default="0.05,0.1,0.15,0.2,0.3,0.5")
    parser.add_argument("--only", default="", help="comma-separated archive names")
    parser.add_argument("--semantic", action="store_true",
                        help="with the embeddings (run `newsbot index --semantic` on each "
                             "knowledge folder with --index-dir WORK/index/NAME first)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--backend", choices=("memory", "xapian"), default="memory",
                        help="the search backend (xapian: local shards under WORK/xapian)")
    args = parser.parse_args()
    if not args.semantic:
        os.environ["NEWSBOT_SEMANTIC"] = "off"
    from bot.confidence import THRESHOLD

    curve = sorted({float(t) for t in args.curve.split(",")} | {THRESHOLD})
    only = {n for n in args.only.split(",") if n}
    results: dict[str, dict[float, Counts]] = {}
    for archive in archives(args.eval, args.work):
        if archive.use == "fit" or (only and archive.name not in only):
            continue
        results[archive.name] = measure(archive, curve, args.work, args.backend)
        print(f"  {archive.name}: done", file=sys.stderr)
    if args.json:
        print(json.dumps({name: {str(t): c.row() for t, c in r.items()}
                          for name, r in results.items()}))
        return 0
    print(f"At the served threshold {THRESHOLD}:\n")
    print("| archive | questions | right | answer hit | wrong | refused | off-topic | "
          "off-topic refused |")
    print("|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        row = r[THRESHOLD].row()
        cells = [row.get(k, "") for k in ("questions", "right", "answer_hit", "wrong", "refused",
                                          "off_topic", "off_topic_refused")]
        print(f"| {name} | " + " | ".join(str(c) for c in cells) + " |")
    print("\nTrade-off curve (right / wrong / refused; or refused when the answer is not "
          "there):\n")
    print("| archive | " + " | ".join(f"{t:g}" for t in curve) + " |")
    print("|---|" + "---|" * len(curve))
    for name, r in results.items():
        cells = []
        for t in curve:
            row = r[t].row()
            if "right" in row:
                cell = f"{row['right']:.2f} / {row['wrong']:.2f} / {row['refused']:.2f}"
                if "off_topic_refused" in row:
                    cell += f"; {row['off_topic_refused']:.2f}"
            else:
                cell = f"{row['off_topic_refused']:.2f}"
            cells.append(cell)
        print(f"| {name} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
