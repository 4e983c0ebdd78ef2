"""Load run of the scale-out topology: Telegram's webhook through nginx into 3 bot replicas
over 2 Xapian shards (each with a read replica) and PostgreSQL (benchmarks/topology.py).

Plays Telegram: many private chats ask XQuAD's German questions (one question a chat),
each update POSTed to the webhook through the proxy, Telegram-style — a POST that gets
no 200 (an error status, a reset, a timeout) is sent again after a back-off, through the
proxy — and a share of them delivered a second time at once straight to another replica
(a retry that reaches another replica). Midway one bot replica and one shard's read
replica are killed (SIGKILL). Then the bot replica is started again, an article is added
through the indexer (`newsbot add` with NEWSBOT_BACKEND=xapian) and every replica is asked
about it until each answers from it.

    python -m benchmarks.scale_out                       # 400 questions, 25% duplicated
    python -m benchmarks.scale_out --questions 100 --no-kill

Prints a Markdown table; exits 1 if a question was lost or answered twice. Only
127.0.0.1 is contacted; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from benchmarks.topology import MISSING, ROOT, Topology

XQUAD = ROOT.parent / "shared" / "eval" / "xquad"
# without ../shared/eval (a clean clone: CI): the repository's own articles and questions
OWN_ARTICLES = [ROOT / "bot" / "bundled" / "nordkorea-soldaten-russland.yaml",
                *sorted((ROOT / "tests" / "articles").glob("*.yaml"))]
OWN_QUESTIONS = [ROOT / "tests" / "golden" / "nordkorea.jsonl",
                 ROOT / "tests" / "golden" / "nordkorea.dev.jsonl"]
NEW_ARTICLE = """id: zirkonblau-expedition
title: Die Zirkonblau-Expedition erreicht den Gletscher
language: de
published: 2026-12-01
body:
  - Die Zirkonblau-Expedition erreichte am Montag mit 14 Forschern den Gletscher von Tarnowitz.
"""
NEW_QUESTION = "Wie viele Forscher hatte die Zirkonblau-Expedition?"
NEW_WORD = "Zirkonblau"
MAX_SECONDS = 240.0  # one delivery is given up after this (Telegram keeps trying ~a day)


@dataclass
class Report:
    """What a run saw."""

    questions: int = 0
    posts: int = 0  # webhook POSTs sent, retries and duplicates included
    duplicates: int = 0  # updates delivered a second time straight to another replica
    retries: int = 0  # POSTs that were sent again after a non-200
    statuses: Counter[int] = field(default_factory=Counter)
    answered_once: int = 0
    lost: list[int] = field(default_factory=list)  # chats without an answer
    doubled: list[int] = field(default_factory=list)  # chats answered more than once
    latencies: list[float] = field(default_factory=list)  # first POST -> its 200, s
    killed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    propagation: dict[int, float] = field(default_factory=dict)  # replica -> s after add
    indexer_seconds: float = 0.0
    memory: dict[int, float] = field(default_factory=dict)  # replica -> resident MB at the end

    def ok(self) -> bool:
        return not self.lost and not self.doubled and self.answered_once == self.questions

    def table(self) -> str:
        lat = sorted(self.latencies)

        def pct(p: float) -> str:
            return f"{lat[min(len(lat) - 1, int(p * len(lat)))]:.2f}" if lat else "-"

        rows = [
            ("questions (one chat each)", self.questions),
            ("webhook POSTs (retries and duplicates included)", self.posts),
            ("updates also sent straight to another replica", self.duplicates),
            ("POSTs sent again after no 200", self.retries),
            ("statuses seen", ", ".join(f"{k or 'reset'}: {v}"
                                        for k, v in sorted(self.statuses.items()))),
            ("killed mid-run", ", ".join(self.killed) or "nothing"),
            ("answered exactly once", self.answered_once),
            ("lost", len(self.lost)),
            ("answered twice or more", len(self.doubled)),
            ("delivery to 200, p50 / p95 / max s", f"{pct(0.5)} / {pct(0.95)} / "
                                                   f"{(lat[-1] if lat else 0):.2f}"),
            ("run s", f"{self.seconds:.1f}"),
        ]
        if self.propagation:
            rows.append(("indexer: newsbot add, s", f"{self.indexer_seconds:.1f}"))
            rows.append(("added article answered by each replica, s after the add",
                         ", ".join(f"replica {n}: {s:.1f}"
                                   for n, s in sorted(self.propagation.items()))))
        if self.memory:
            rows.append(("bot replicas' resident memory at the end, MB",
                         ", ".join(f"replica {n}: {mb:.0f}"
                                   for n, mb in sorted(self.memory.items()))))
        return "\n".join(["| what | value |", "|---|---|",
                          *(f"| {k} | {v} |" for k, v in rows)])


def knowledge_into(folder: Path) -> None:
    """The run's articles into `folder`: XQuAD's German paragraphs when ../shared/eval is
    there, else the repository's own articles."""
    if (XQUAD / "passages.de.jsonl").is_file():
        shutil.copy(XQUAD / "passages.de.jsonl", folder / "xquad.jsonl")
        return
    for article in OWN_ARTICLES:
        shutil.copy(article, folder / article.name)


def questions(count: int) -> list[str]:
    """`count` questions (repeated when there are fewer): XQuAD's German development
    questions, else tests/golden's about the repository's own articles."""
    files = [XQUAD / "questions.dev.de.jsonl"]
    if not files[0].is_file():
        files = OWN_QUESTIONS
    lines = [line for f in files for line in f.read_text(encoding="utf-8").splitlines()]
    texts = [json.loads(line)["question"] for line in lines if line.strip()]
    return [texts[i % len(texts)] for i in range(count)]


def load_run(top: Topology, count: int, duplicated: float = 0.25, kill: bool = True,
             workers: int = 16, how: int = signal.SIGKILL, replica: int = 0,
             first_chat: int = 100_000) -> Report:
    """Ask `count` questions through the proxy (see the module's docstring); midway,
    with `kill`, bot replica `replica` gets signal `how` and shard 0's read replica
    SIGKILL."""
    report = Report(questions=count)
    texts = questions(count)
    lock = threading.Lock()
    done = [0]

    def deliver_until_ok(client: httpx.Client, update: dict[str, Any], url: str) -> None:
        started = time.monotonic()
        delay, first = 0.25, True
        while time.monotonic() - started < MAX_SECONDS:
            status = top.deliver(client, url, update)
            with lock:
                report.posts += 1
                report.statuses[status] += 1
                report.retries += 0 if first else 1
            if status == 200:
                break
            first = False
            time.sleep(delay)
            delay = min(delay * 2, 4.0)
            url = top.proxy_url  # Telegram retries its one webhook
        with lock:
            report.latencies.append(time.monotonic() - started)

    def job(client: httpx.Client, number: int) -> None:
        update = top.question(10 * first_chat + number, first_chat + number, texts[number])
        if number % round(1 / duplicated) == 0 if duplicated else False:
            live = top.live_replicas()
            target = live[number % len(live)]
            with lock:
                report.duplicates += 1
            twin = threading.Thread(target=deliver_until_ok,
                                    args=(client, update, top.replica_url(target)))
            twin.start()
            deliver_until_ok(client, update, top.proxy_url)
            twin.join()
        else:
            deliver_until_ok(client, update, top.proxy_url)
        with lock:
            done[0] += 1
            if kill and done[0] == count // 2 and not report.killed:
                threading.Thread(target=top.kill, args=(f"replica-{replica}", how)).start()
                top.kill("copy-0", signal.SIGKILL)
                report.killed = [f"bot replica {replica} ({signal.Signals(how).name})",
                                 "shard 0's read replica (its xapian-tcpsrv, SIGKILL)"]

    warm(top)
    started = time.monotonic()
    limits = httpx.Limits(max_connections=workers * 2, max_keepalive_connections=workers * 2)
    with httpx.Client(limits=limits) as client, ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda n: job(client, n), range(count)))
    report.seconds = time.monotonic() - started
    time.sleep(1.0)  # an answer on its way when its POST got the 200 is in by now
    for number in range(count):
        sent = len(top.answers(first_chat + number))
        if sent == 0:
            report.lost.append(first_chat + number)
        elif sent > 1:
            report.doubled.append(first_chat + number)
        else:
            report.answered_once += 1
    return report


def warm(top: Topology, each: int = 3) -> None:
    """A few questions to every replica first (its first answers load the lemma tables:
    seconds), outside the counts."""
    chat = 800_000
    with httpx.Client() as client:
        for number in top.live_replicas():
            for text in questions(each):
                chat += 1
                top.deliver(client, top.replica_url(number), top.question(chat, chat, text))


def propagation(top: Topology, report: Report, timeout: float = 60.0) -> None:
    """Restart the bot replicas a run stopped, add an article through the indexer; the
    seconds after the add until each replica answers from it."""
    for number in range(top.replicas):
        top.restart_replica(number)
    folder = Path(tempfile.mkdtemp(prefix="newsbot-new-"))
    article = folder / "zirkonblau-expedition.yaml"
    article.write_text(NEW_ARTICLE, encoding="utf-8")
    started = time.monotonic()
    top.add(article)
    added = time.monotonic()
    report.indexer_seconds = added - started
    chat = 900_000
    pending = set(top.live_replicas())
    with httpx.Client() as client:
        while pending and time.monotonic() - added < timeout:
            for number in sorted(pending):
                chat += 1
                update = top.question(chat, chat, NEW_QUESTION)
                if top.deliver(client, top.replica_url(number), update) != 200:
                    continue
                if any(NEW_WORD in text for text in top.answers(chat)):
                    report.propagation[number] = time.monotonic() - added
                    pending.discard(number)
            time.sleep(0.2)
    shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--questions", type=int, default=400)
    parser.add_argument("--duplicated", type=float, default=0.25,
                        help="share of updates also sent straight to another replica")
    parser.add_argument("--no-kill", action="store_true", help="kill nothing mid-run")
    parser.add_argument("--signal", choices=("KILL", "TERM"), default="KILL",
                        help="what the bot replica killed mid-run gets (TERM: it finishes "
                             "the answers it is giving)")
    parser.add_argument("--lease", type=float, default=3.0,
                        help="NEWSBOT_REPLICA_LEASE: seconds until a dead replica's updates "
                             "are taken over")
    args = parser.parse_args(argv)
    if MISSING:
        print(f"needs {', '.join(MISSING)} (apt-get install xapian-tools postgresql nginx)",
              file=sys.stderr)
        return 2
    base = Path(tempfile.mkdtemp(prefix="newsbot-scale-"))
    knowledge = base / "knowledge"
    knowledge.mkdir()
    knowledge_into(knowledge)
    top = Topology(base / "run", knowledge, lease=args.lease)
    try:
        started = time.monotonic()
        top.start()
        print(f"topology up in {time.monotonic() - started:.1f} s", file=sys.stderr)
        report = load_run(top, args.questions, args.duplicated, kill=not args.no_kill,
                          how=signal.Signals[f"SIG{args.signal}"])
        propagation(top, report)
        report.memory = {n: top.rss_mb(f"replica-{n}") for n in top.live_replicas()}
    finally:
        top.stop()
    print(report.table())
    if report.latencies:
        print(f"\nmedian delivery {statistics.median(report.latencies):.2f} s", file=sys.stderr)
    every_replica = sorted(report.propagation) == list(range(top.replicas))
    if report.ok() and every_replica:
        shutil.rmtree(base, ignore_errors=True)
        return 0
    print(f"lost: chats {report.lost}; answered twice: chats {report.doubled}; the "
          f"processes' logs are in {base / 'run'}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
