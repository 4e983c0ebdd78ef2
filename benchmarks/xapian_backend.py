"""The xapian backend beside the default one on benchmarks/corpus.py's corpora.

Writes the corpus into 2 shards (`newsbot index --backend xapian`'s code, into local
folders under `<data>/xapian/`), serves them with two xapian-tcpsrv on 127.0.0.1, and
answers the corpus's questions one at a time (after 10 of warm-up) with the default
backend (the saved index), the shards opened as local folders, and the shards over TCP:
full `Engine.answer` p50/p95, answers/s and resident memory, each in a process of its
own.

    python -m benchmarks.xapian_backend --data benchmarks/data/100k
    python -m benchmarks.xapian_backend --data benchmarks/data/1m --questions 300

Prints a Markdown table. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.systems import latencies, questions, rss_mb
from benchmarks.topology import free_port, tool


def build(data: Path) -> dict[str, Any]:
    """The corpus written into 2 fresh local shards; seconds and size."""
    from bot.backends.indexer import index_knowledge
    from bot.settings import Settings

    folder = data / "xapian"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    spec = f"{folder / 'shard-0'},{folder / 'shard-1'}"
    settings = Settings(knowledge=data / "knowledge", saved_index=False, semantic=False)
    started = time.perf_counter()
    done, _ = index_knowledge(settings.backed_by("xapian", spec))
    took = time.perf_counter() - started
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    return {"build_s": took, "disk_mb": size / 1e6, "passages": done.passages}


def answer(data: Path, backend: str, shards: str, count: int) -> dict[str, Any]:
    """Answer latencies of one backend (run in a process of its own)."""
    os.environ["NEWSBOT_SEMANTIC"] = "off"
    from bot.engine import Engine
    from bot.settings import Settings

    settings = Settings.from_env().backed_by(backend, shards or None)
    started = time.perf_counter()
    engine = Engine.load(data / "knowledge", settings=settings)
    out: dict[str, Any] = {"load_s": time.perf_counter() - started}
    found = 0

    def run(q: str) -> None:
        nonlocal found
        found += engine.answer(q).found

    out.update(latencies(run, questions(data, count)))
    out["found"] = found / (count + 10)
    out["rss_mb"] = rss_mb()
    return out


def _in_process(data: Path, backend: str, shards: str, count: int) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "benchmarks.xapian_backend", "--data",
                           str(data), "--one", backend, "--shards", shards, "--questions",
                           str(count)], check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--one", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--shards", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(answer(args.data, args.one, args.shards, args.questions)))
        return 0
    built = {} if args.skip_build else build(args.data)
    folders = [args.data / "xapian" / f"shard-{n}" for n in range(2)]
    ports = [free_port(), free_port()]
    servers = [subprocess.Popen([str(tool("xapian-tcpsrv")), "--quiet", "--interface",
                                 "127.0.0.1", "--port", str(p), str(f)], start_new_session=True)
               for p, f in zip(ports, folders, strict=True)]
    try:
        time.sleep(1.0)
        runs = {
            "default (saved index)": _in_process(args.data, "memory", "", args.questions),
            "xapian, 2 local shards": _in_process(args.data, "xapian",
                                                  ",".join(map(str, folders)), args.questions),
            "xapian, 2 shards over TCP": _in_process(
                args.data, "xapian", ",".join(f"tcp://127.0.0.1:{p}" for p in ports),
                args.questions),
        }
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=10)
    if built:
        print(f"xapian build: {built['passages']} passages in {built['build_s']:.1f} s, "
              f"{built['disk_mb']:.0f} MB on disk")
    print("| backend | load s | answer p50 ms | answer p95 ms | answers/s | found | RSS MB |")
    print("|---|---|---|---|---|---|---|")
    for name, r in runs.items():
        print(f"| {name} | {r['load_s']:.2f} | {r['p50_ms']:.2f} | {r['p95_ms']:.2f} | "
              f"{r['qps']:.0f} | {r['found']:.2f} | {r['rss_mb']:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
