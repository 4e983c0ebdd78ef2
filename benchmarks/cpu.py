"""CPU time per answer (the answering thread's, not the wall clock), for comparing two
versions of the code on a shared, noisy machine: run both at once, so that whatever else
the machine does slows both alike.

    python -m benchmarks.cpu DATA [--questions 1000]

    # two versions at once (a snapshot of the older one: git archive REV bot benchmarks)
    (cd /tmp/before && PYTHONPATH=. python -m benchmarks.cpu DATA) &
    python -m benchmarks.cpu DATA; wait

DATA is a folder made by benchmarks.corpus (its saved index is opened, or built first;
give each version its own with NEWSBOT_INDEX_DIR when their analysis differs).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from benchmarks.systems import questions

WARMUP = 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--questions", type=int, default=1000)
    args = parser.parse_args()
    os.environ.setdefault("NEWSBOT_SEMANTIC", "off")
    from bot.engine import Engine

    engine = Engine.load(args.data / "knowledge")
    qs = questions(args.data, args.questions)
    for q in qs[:WARMUP]:
        engine.answer(q)
    times = []
    for q in qs:
        started = time.thread_time()
        engine.answer(q)
        times.append((time.thread_time() - started) * 1000)
    times.sort()
    print(json.dumps({"questions": len(times), "cpu_p50_ms": round(times[len(times) // 2], 3),
                      "cpu_p95_ms": round(times[int(len(times) * 0.95)], 3),
                      "cpu_mean_ms": round(sum(times) / len(times), 3)}))


if __name__ == "__main__":
    main()
