"""Load run: many chats asking at once through the fake Bot API server, faults optional.

The real bot (Application, handlers, engine, delivery) polls `tests/fakebotapi.py` on
127.0.0.1. Every chat asks its questions at once; the server records when each reply was
carried out. Knowledge: the bundled article plus the XQuAD German passages (240
paragraphs of Wikipedia) from ``../shared/eval/xquad`` when present, else the synthetic
10k-passage corpus in ``benchmarks/data/10k``. Questions: XQuAD's (or the corpus's), the
bundled examples and hostile texts (HTML, Markdown, RTL, emoji, control characters).

    python -m benchmarks.load_telegram                      # 50 chats x 20 questions
    python -m benchmarks.load_telegram --faults             # 429s, 5xx, resets, repeats
    python -m benchmarks.load_telegram --telegram-limits    # with Telegram's flood limits

Prints a Markdown table; exits 1 if an answer was lost, duplicated or refused.
Only 127.0.0.1 is contacted, and the run stops by itself (``--timeout``).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import logging
import os
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fakebotapi import RESET, TOKEN, FakeBotAPI, html_problem  # noqa: E402

from bot.engine import Engine  # noqa: E402
from bot.knowledge import bundled_knowledge  # noqa: E402
from bot.telegram.app import build_application  # noqa: E402
from bot.telegram.config import Config, RateLimitSettings  # noqa: E402
from bot.telegram.delivery import DeliveryPolicy  # noqa: E402

XQUAD = ROOT.parent / "shared" / "eval" / "xquad"
SYNTHETIC = ROOT / "benchmarks" / "data" / "10k"
BUNDLED_QUESTIONS = ["Wie viele Soldaten?", "Was sagt Lloyd Austin?", "Wer ist Peskow?"]
HOSTILE = [
    "<b>bold</b> & <i>",
    "</blockquote><script>alert(1)</script>",
    "*bold* _it_ `code` [link](http://x) ||spoiler||",
    "\u202eRTL \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627?",
    "zero\u200bwidth\u200d\ufeff?",
    "\x00\x07\x1b[31mcontrol\x7f?",
    "😀👍🏽👨‍👩‍👧‍👦 🇩🇪 Wie viele Soldaten? 🤔",
    "?!.,;:—…‽",
    "Wie viele Soldaten? " * 60,  # over the 1000-character limit: a friendly notice
]
FAULTS = {429: 0.01, 500: 0.02, 502: 0.02, RESET: 0.02}


@dataclass
class Result:
    """What one run measured."""

    mode: str
    questions: int
    seconds: float
    latencies: list[float]
    lost: int
    duplicates: int
    errors: int
    faults: Counter[int]
    repeats: int
    peak_mib: float

    def row(self) -> str:
        answers = len(self.latencies)
        p50 = percentile(self.latencies, 50)
        p95 = percentile(self.latencies, 95)
        injected = ", ".join(
            f"{'reset' if k == RESET else k}: {v}" for k, v in sorted(self.faults.items())
        )
        return (
            f"| {self.mode} | {self.questions} | {answers / self.seconds:.1f} | "
            f"{p50 * 1000:.0f} | {p95 * 1000:.0f} | {self.peak_mib:.0f} | {self.errors} | "
            f"{self.lost} | {self.duplicates} | {injected or '-'}; repeated updates: "
            f"{self.repeats} |"
        )


HEADER = (
    "| mode | questions | answers/s | p50 ms | p95 ms | peak MiB | errors | lost | "
    "duplicates | injected faults |\n|---|---|---|---|---|---|---|---|---|---|"
)


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def knowledge(folder: Path) -> tuple[Path, list[str], str]:
    """A knowledge folder, questions for it, and what it holds."""
    folder.mkdir(parents=True, exist_ok=True)
    for file in bundled_knowledge().glob("*.y*ml"):
        shutil.copy(file, folder)
    passages = XQUAD / "passages.de.jsonl"
    if passages.is_file():
        shutil.copy(passages, folder / "xquad.de.jsonl")
        lines = (XQUAD / "questions.dev.de.jsonl").read_text("utf-8").splitlines()
        questions = [json.loads(line)["question"] for line in lines if line.strip()]
        return folder, questions, "bundled + XQuAD de (240 passages)"
    shutil.copy(SYNTHETIC / "knowledge" / "corpus.jsonl", folder / "corpus.jsonl")
    lines = (SYNTHETIC / "questions.jsonl").read_text("utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines[:2000] if line.strip()]
    return folder, questions, "bundled + synthetic 10k passages (XQuAD not found)"


class ErrorCount(logging.Handler):
    """Counts ERROR records of the bot and of python-telegram-bot."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


async def run(
    engine: Engine, questions: list[str], *, chats: int, per_chat: int, faults: bool,
    limits: bool, timeout: float,
) -> Result:  # fmt: skip
    errors = ErrorCount()
    logging.getLogger().addHandler(errors)
    api = FakeBotAPI().start()
    config = Config(
        api_base_url=api.base_url,
        rate_limit=RateLimitSettings(questions_per_minute=per_chat + 10),
    )
    policy = DeliveryPolicy(backoff=0.2, max_backoff=2.0, flood_control=limits)
    app = build_application(config, engine, TOKEN, delivery=policy)
    await app.initialize()
    await app.start()

    def on_poll_error(error: Exception) -> None:  # as run_polling does: to the error handler
        app.create_task(app.process_error(update=None, error=error))

    await app.updater.start_polling(timeout=1, error_callback=on_poll_error)
    if faults:
        api.chaos(FAULTS, methods=("sendMessage", "getUpdates"), duplicates=0.05, seed=3)
    pool = itertools.cycle(questions)
    mixed = itertools.cycle(HOSTILE + BUNDLED_QUESTIONS)
    asked: list[dict[str, Any]] = []
    started = time.monotonic()
    for n in range(per_chat):
        for chat in range(chats):
            text = next(mixed) if (n * chats + chat) % 10 == 0 else next(pool)
            user = api.user(50_000 + chat * 100 + n % 4, name=f"U{chat}")
            if chat % 5 == 4:  # every fifth chat is a group, where four people ask with /ask
                asked.append(api.group(f"/ask {text}", chat_id=-100_000 - chat, user=user))
            else:
                asked.append(api.private(text, api.user(50_000 + chat * 100, name=f"U{chat}")))
    deadline = started + timeout

    def replies(message: dict[str, Any]) -> list[Any]:
        chat_id, message_id = message["chat"]["id"], message["message_id"]
        return [
            c
            for c in api.delivered("sendMessage", chat_id=chat_id)
            if (c.params.get("reply_parameters") or {}).get("message_id") == message_id
        ]

    while time.monotonic() < deadline:
        by_chat = Counter(c.params["chat_id"] for c in api.delivered("sendMessage"))
        if sum(by_chat.values()) >= len(asked):
            break
        await asyncio.sleep(0.1)
    last = max((c.at for c in api.delivered("sendMessage")), default=time.monotonic())
    api.calm()
    await asyncio.sleep(1.0)  # let late duplicates show
    api.long_poll = False
    await app.updater.stop()
    await app.stop()
    await app.shutdown()
    api.stop()
    logging.getLogger().removeHandler(errors)

    latencies, lost, duplicates = [], 0, 0
    queued = dict(api.queued_at)
    update_of = {m["message_id"]: u for u, m in _messages(api, asked)}
    for message in asked:
        found = replies(message)
        lost += not found
        duplicates += max(0, len(found) - 1)
        if found:
            latencies.append(found[0].at - queued[update_of[message["message_id"]]])
    refused = [c for c in api.calls if c.status == 400]
    invalid = [c for c in api.delivered("sendMessage") if html_problem(c.params["text"])]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    injected = Counter(c.status for c in api.calls if c.status not in (200, 400))
    mode = ("faults" if faults else "normal") + (", Telegram limits" if limits else "")
    return Result(
        mode, len(asked), last - started, latencies, lost, duplicates,
        errors.count + len(refused) + len(invalid), injected, _repeats(api), peak,
    )  # fmt: skip


def _messages(api: FakeBotAPI, asked: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    """(update_id, message) of each question, from the ids assigned in order of queueing."""
    ids = sorted(api.queued_at)
    return list(zip(ids, asked, strict=True))


def _repeats(api: FakeBotAPI) -> int:
    return api.repeated


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--chats", type=int, default=50)
    parser.add_argument("--questions", type=int, default=20, help="per chat")
    parser.add_argument("--faults", action="store_true", help="inject 429/5xx/resets/repeats")
    parser.add_argument("--telegram-limits", action="store_true",
                        help="keep to Telegram's flood limits (30 msg/s, 20/min a group)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds, at most")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("bot.telegram.delivery").setLevel(logging.ERROR)  # retries are expected
    os.environ.pop("NEWSBOT_API_BASE_URL", None)
    with tempfile.TemporaryDirectory() as tmp:
        folder, questions, what = knowledge(Path(tmp) / "knowledge")
        loading = time.perf_counter()
        engine = Engine.load(folder, Path(tmp) / "index")
        loaded = time.perf_counter() - loading
        passages = sum(engine.passage_count(a.id) for a in engine.articles())
        print(f"knowledge: {what}; {len(engine.articles())} articles, {passages} passages, "
              f"loaded in {loaded:.1f}s; {os.cpu_count()} cores")
        result = asyncio.run(
            run(engine, questions, chats=args.chats, per_chat=args.questions,
                faults=args.faults, limits=args.telegram_limits, timeout=args.timeout)
        )  # fmt: skip
    print(HEADER)
    print(result.row())
    return 1 if result.lost or result.duplicates or result.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
