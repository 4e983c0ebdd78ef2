"""Run the benchmark suite and print its tables (Markdown), as in docs/performance.md.

    python -m benchmarks.run                       # 10k, 100k and 1M passages
    python -m benchmarks.run --sizes 1m,1m-records  # 1M passages, and 1M one-paragraph records
    python -m benchmarks.run --sizes 10k --skip bm25s,tantivy

Corpora are generated once into benchmarks/data/<size>/ (see benchmarks.corpus). Each
measurement runs in a fresh process (benchmarks.systems), so load times and memory
are those of a new process. Nothing here asserts a time: it only reports.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.corpus import generate

HERE = Path(__file__).resolve().parent
# passages, and paragraphs per article (1: a JSON Lines file of one-paragraph records)
SIZES = {"10k": (10_000, 10), "100k": (100_000, 10), "1m": (1_000_000, 10),
         "100k-records": (100_000, 1), "1m-records": (1_000_000, 1)}
NEWSBOT = ("newsbot-build", "newsbot", "newsbot-cold", "newsbot-cli", "newsbot-add",
           "newsbot-replace")
OTHERS = ("rank-bm25", "bm25s", "tantivy")


def snapshot() -> Path:
    """The committed bot/ and benchmarks/ (HEAD) in a temporary folder.

    Measuring from a snapshot keeps edits made to the work tree during a long run from
    changing the code between the build and the serving measurement.
    """
    folder = Path(tempfile.mkdtemp(prefix="newsbot-bench-"))
    archive = subprocess.run(["git", "archive", "HEAD", "bot", "benchmarks"], cwd=HERE.parent,
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def measure(system: str, data: Path, root: Path = HERE.parent) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "benchmarks.systems", system, str(data)],
                          capture_output=True, text=True, cwd=root, check=False)
    # A build leaves hundreds of MB of written pages for the kernel to flush; flushed
    # now, not while the next system is being timed.
    os.sync()
    if done.returncode != 0:
        return {"system": system, "error": done.stderr.strip().splitlines()[-1:]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k,1m")
    parser.add_argument("--skip", default="", help="comma-separated systems to leave out")
    parser.add_argument("--data", type=Path, default=HERE / "data")
    parser.add_argument("--json", type=Path, default=None, help="also write raw results here")
    parser.add_argument("--work-tree", action="store_true",
                        help="measure the work tree as it is, not a snapshot of HEAD")
    args = parser.parse_args()
    root = HERE.parent if args.work_tree else snapshot()
    skip = set(filter(None, args.skip.split(",")))
    results: dict[str, dict[str, dict[str, Any]]] = {}
    for size in args.sizes.split(","):
        data = args.data / size
        if not (data / "questions.jsonl").is_file():
            print(f"generating {size} ...", file=sys.stderr)
            passages, per_article = SIZES[size]
            generate(passages, data, per_article=per_article)
        got: dict[str, dict[str, Any]] = {}
        for system in (*NEWSBOT, *OTHERS):
            if system not in skip:
                print(f"{size}: {system} ...", file=sys.stderr)
                got[system] = measure(system, data.resolve(), root)
        results[size] = got
        if args.json:
            args.json.write_text(json.dumps(results, indent=1))
    print(tables(results))


def _f(value: Any, digits: int = 1) -> str:
    return f"{value:.{digits}f}" if isinstance(value, int | float) else "–"


def tables(results: dict[str, dict[str, dict[str, Any]]]) -> str:
    lines = [
        "| passages | build s | build peak MB | on disk MB | one `newsbot ask`, new process s "
        "| 200 answers (`ask --json -`): peak RSS MB | p50 ms | p95 ms "
        "| 1,000 answers in process: p50 ms | p95 ms | peak RSS MB | search p50 ms "
        "| search p95 ms | add an article s | replace it s | remove it s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for size, got in results.items():
        b, n = got.get("newsbot-build", {}), got.get("newsbot", {})
        cold, cli = got.get("newsbot-cold", {}), got.get("newsbot-cli", {})
        a, s = n.get("answer", {}), n.get("search", {})
        add = got.get("newsbot-add", {})
        added = _f(add.get("add_s"), 2) if add.get("answered") else "–"
        rep = got.get("newsbot-replace", {})
        replaced = _f(rep.get("replace_s"), 2) if rep.get("replaced") else "–"
        removed = _f(rep.get("remove_s"), 2) if rep.get("removed") else "–"
        lines.append(
            f"| {size} | {_f(b.get('build_s'))} | {_f(b.get('build_peak_mb'), 0)} "
            f"| {_f(b.get('disk_mb'))} | {_f(cold.get('ask_s'), 2)} "
            f"| {_f(cli.get('peak_mb'), 0)} | {_f(cli.get('p50_ms'), 2)} "
            f"| {_f(cli.get('p95_ms'), 2)} | {_f(a.get('p50_ms'), 2)} | {_f(a.get('p95_ms'), 2)} "
            f"| {_f(n.get('peak_mb'), 0)} | {_f(s.get('p50_ms'), 2)} | {_f(s.get('p95_ms'), 2)} "
            f"| {added} | {replaced} | {removed} |")
    lines += [
        "",
        "| passages | system | build s | peak RSS MB | top-10 p50 ms | top-10 p95 ms "
        "| its p50 / newsbot full answer p50 | its p50 / newsbot search p50 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for size, got in results.items():
        n = got.get("newsbot", {})
        answer = n.get("answer", {}).get("p50_ms")
        search = n.get("search", {}).get("p50_ms")
        for system in OTHERS:
            r = got.get(system)
            if r is None:
                continue
            if "error" in r:
                lines.append(f"| {size} | {system} | error: {' '.join(r['error'])} |||||")
                continue
            p50 = r["search"]["p50_ms"]
            lines.append(
                f"| {size} | {system} | {_f(r.get('build_s'))} "
                f"| {_f(r.get('peak_mb', r.get('rss_serving_mb')), 0)} "
                f"| {_f(p50, 2)} | {_f(r['search']['p95_ms'], 2)} "
                f"| {_f(p50 / answer if answer else None, 2)}× "
                f"| {_f(p50 / search if search else None, 2)}× |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
