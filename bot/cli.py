"""The `newsbot` command: ask, chat, sources, check, eval, serve, and follow/unfollow/feeds."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.errors import NewsbotError

if TYPE_CHECKING:
    from bot.ingest.fetch import FetchSettings
    from bot.state import State

MAX_QUESTION = 1000  # characters; longer input is cut with a notice


def _knowledge_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--knowledge", type=Path, default=None,
        help="file or folder of articles (default: $NEWSBOT_KNOWLEDGE or the bundled ones)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsbot",
        description="Answer questions about news articles with verbatim, sourced quotes.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    ask = sub.add_parser("ask", help="answer one question ('-' reads one per line from stdin)")
    ask.add_argument("question", help="the question, or - to read questions from stdin")
    ask.add_argument("--json", action="store_true", help="print JSON (one object per question)")
    ask.add_argument("--top", type=int, default=3, help="most snippets (default 3)")
    _knowledge_arg(ask)

    chat = sub.add_parser("chat", help="interactive questions with line editing and history")
    chat.add_argument("--top", type=int, default=3)
    _knowledge_arg(chat)

    sources = sub.add_parser("sources", help="list the articles with dates and passage counts")
    _knowledge_arg(sources)

    check = sub.add_parser("check", help="validate the knowledge base (exit 1 on errors)")
    check.add_argument("--index", action="store_true",
                       help="also read the saved index in full and check every file against "
                            "its manifest (sizes and sha256)")
    _knowledge_arg(check)

    ev = sub.add_parser("eval", help="measure retrieval and answer quality on a question set")
    ev.add_argument("--questions", type=Path, required=True,
                    help="JSON Lines with question, passage_id, answers")
    ev.add_argument("--json", action="store_true", help="print the metrics as JSON")
    _knowledge_arg(ev)

    add = sub.add_parser("add", help="add articles from web pages (URLs) and files")
    add.add_argument("sources", nargs="+", metavar="URL|FILE",
                     help="http(s) URLs and .html/.md/.txt/.yaml/.jsonl files")
    add.add_argument("--knowledge", type=Path, default=None,
                     help="folder to add to (default: $NEWSBOT_KNOWLEDGE, else ./knowledge)")
    add.add_argument("--allow-private-networks", action="store_true", default=None,
                     help="also fetch from loopback/private addresses (tests, intranets)")
    add.add_argument("--config", type=Path, default=None,
                     help="YAML config with allow_private_networks (default: ./newsbot.yaml)")

    index = sub.add_parser("index", help="build the saved index of the knowledge (loaded by ask, "
                                         "chat, serve and eval)")
    index.add_argument("--index-dir", type=Path, default=None,
                       help="where to write it (default: $NEWSBOT_INDEX_DIR, else "
                            ".newsbot-index beside the knowledge)")
    index.add_argument("--rebuild", action="store_true", help="build anew even if it is current")
    index.add_argument("--semantic", action=argparse.BooleanOptionalAction, default=None,
                       help="embed every passage for semantic ranking (default: when the "
                            "'semantic' extra is installed; see docs/semantic.md)")
    index.add_argument("--backend", choices=("memory", "xapian"), default=None,
                       help="memory: the saved index (default, or $NEWSBOT_BACKEND); xapian: "
                            "write the knowledge into the shards (docs/scale-out.md)")
    index.add_argument("--shards", default=None,
                       help="the xapian shards, comma-separated folders or tcp://host:port "
                            "(default: $NEWSBOT_SHARDS)")
    _knowledge_arg(index)

    serve = sub.add_parser("serve", help="run the Telegram bot (polling, or webhook)")
    serve.add_argument("--config", type=Path, default=None,
                       help="YAML config (default: ./newsbot.yaml if present)")
    serve.add_argument("--webhook-url", default=None, help="public HTTPS URL for webhook mode")
    serve.add_argument("--listen", default="127.0.0.1",
                       help="webhook listen address (default 127.0.0.1, behind a TLS proxy)")
    serve.add_argument("--port", type=int, default=8443, help="webhook port")
    serve.add_argument("--replica", action="store_true",
                       help="one of several replicas behind one webhook: the webhook is not "
                            "set, updates are answered once across replicas through the state "
                            "database (docs/scale-out.md)")
    _feed_parsers(sub)
    return parser


def _feed_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """follow, unfollow and feeds (docs/feeds.md)."""
    def common(parser: argparse.ArgumentParser, fetches: bool = True) -> None:
        parser.add_argument("--knowledge", type=Path, default=None,
                            help="the articles' folder (default: $NEWSBOT_KNOWLEDGE, else "
                                 "./knowledge); the feeds' database lives in it")
        parser.add_argument("--database", default=None,
                            help="state database URL (default: $NEWSBOT_DATABASE, else "
                                 "<knowledge>/.newsbot-state.sqlite)")
        if fetches:
            parser.add_argument("--allow-private-networks", action="store_true", default=None,
                                help="also fetch from loopback/private addresses")
            parser.add_argument("--config", type=Path, default=None,
                                help="YAML config with allow_private_networks "
                                     "(default: ./newsbot.yaml)")

    follow = sub.add_parser("follow", help="follow a news feed (RSS, Atom, JSON Feed, news "
                                           "sitemap): its articles are added as they appear")
    follow.add_argument("url", metavar="URL")
    follow.add_argument("--every", default="15m", help="how often to fetch it (default 15m)")
    follow.add_argument("--max-age", default=None,
                        help="remove its articles older than this (e.g. 30d)")
    follow.add_argument("--max-articles", type=int, default=None,
                        help="keep only its newest N articles")
    common(follow)
    unfollow = sub.add_parser("unfollow", help="stop following a feed (its articles stay)")
    unfollow.add_argument("feed", metavar="URL|ID")
    common(unfollow, fetches=False)
    feeds = sub.add_parser("feeds", help="list the followed feeds; --poll-once fetches them")
    feeds.add_argument("--poll-once", action="store_true",
                       help="fetch every followed feed once now and exit (for cron)")
    feeds.add_argument("--max-age", default=None,
                       help="with --poll-once: remove feed articles older than this (e.g. 30d)")
    feeds.add_argument("--max-articles", type=int, default=None,
                       help="with --poll-once: keep only the newest N feed articles in all")
    common(feeds)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        handler = COMMANDS[args.command]
        return handler(args)
    except NewsbotError as err:
        print(f"newsbot: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # stdout closed early (e.g. piped into head): not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def _engine(args: argparse.Namespace, warm: bool = True) -> object:
    from bot.collector import tune_for_serving
    from bot.engine import Engine

    engine = Engine.load(args.knowledge, warm=warm)
    tune_for_serving()
    for error in engine.errors:
        print(f"newsbot: skipped: {error}", file=sys.stderr)
    if not engine.article_count():
        raise NewsbotError(f"no articles to answer from in {engine.path}")
    return engine


def _clip(question: str) -> str:
    question = question.strip()
    if len(question) > MAX_QUESTION:
        print(f"newsbot: question cut to its first {MAX_QUESTION} characters", file=sys.stderr)
        question = question[:MAX_QUESTION]
    return question


def cmd_ask(args: argparse.Namespace) -> int:
    from bot.engine import Engine
    from bot.render import as_json, as_text

    if args.top < 1:
        raise NewsbotError("--top must be at least 1")
    engine = _engine(args, warm=args.question == "-")  # one question: nothing to warm for
    assert isinstance(engine, Engine)
    if args.question != "-":
        question = _clip(args.question)
        if not question:
            raise NewsbotError(
                'the question is empty; ask something, e.g. newsbot ask "Wie viele Soldaten?"')
        answer = engine.answer(question, top=args.top)
        print(as_json(answer) if args.json else as_text(answer, color=sys.stdout.isatty()))
        return 0
    for line in sys.stdin:
        question = _clip(line)
        if not question:
            continue
        answer = engine.answer(question, top=args.top)
        print(as_json(answer) if args.json else as_text(answer) + "\n", flush=True)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from bot.engine import Engine
    from bot.render import as_text

    engine = _engine(args)
    assert isinstance(engine, Engine)
    engine.warm_analysis()  # while the first question is typed
    try:
        import readline

        history = Path(os.environ.get("NEWSBOT_HISTORY", Path.home() / ".newsbot_history"))
        try:
            readline.read_history_file(history)
        except OSError:
            pass
    except ImportError:  # pragma: no cover - Windows without readline
        readline = None  # type: ignore[assignment]
    print(f"newsbot: {engine.article_count()} article(s). "
          "Ask a question; an empty line or Ctrl-D quits.")
    try:
        while True:
            try:
                question = _clip(input("? "))
            except EOFError:
                print()
                break
            if not question:
                break
            print(as_text(engine.answer(question, top=args.top), color=sys.stdout.isatty()))
            print()
    finally:
        if readline is not None:
            try:
                readline.write_history_file(history)
            except OSError:
                pass
    return 0


def cmd_sources(args: argparse.Namespace) -> int:
    from bot.engine import Engine
    from bot.summary import served_line

    engine = _engine(args)
    assert isinstance(engine, Engine)
    store = engine.store  # metadata only: no article's text is read
    metas = sorted(((store.article_meta(n), store.passage_count(n))
                    for n in range(store.n_articles)),
                   key=lambda m: (m[0]["published"] is None, m[0]["published"] or "", m[0]["id"]))
    for meta, passages in metas:
        extra = f", {meta['source']}" if meta.get("source") else ""
        print(f"{meta['id']}  {meta['published'] or 'no date'}  {passages} passages  "
              f"{meta['title']}{extra}")
    print(served_line(engine.article_count(), store.n_passages, engine.index_dir,
                      engine.index_state), file=sys.stderr)  # stdout: one line per article
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from bot.engine import Engine
    from bot.knowledge import load
    from bot.settings import Settings

    settings = Settings.from_env().but(args.knowledge)
    root = settings.knowledge_path()
    kb = load(root)
    for error in kb.errors:
        print(f"error: {error}")
    if not kb.articles and not kb.errors:
        print(f"error: {root}: no articles here (no .yaml, .yml or .jsonl files); add some "
              "with newsbot add URL|FILE, or pass --knowledge with your articles")
    engine = Engine(kb, Path(root))
    passages = sum(engine.passage_count(a.id) for a in kb.articles)
    print(f"{len(kb.files)} file(s), {len(kb.articles)} article(s), {passages} passage(s), "
          f"{len(kb.errors)} error(s)")
    damaged = _check_index(root, settings.index_dir) if args.index else False
    return 1 if kb.errors or not kb.articles or damaged else 0


def _check_index(root: Path, index_dir: Path | None) -> bool:
    """Read the saved index of `root` in full against its manifest; True if it is damaged
    (the next ask, chat or serve rebuilds it)."""
    from bot.index import saved_index_dir, verify_index

    directory = saved_index_dir(root, index_dir)
    if directory is None:
        print(f"index: none saved for {root} (newsbot index builds it)")
        return False
    problems = verify_index(directory)
    for problem in problems:
        print(f"error: {problem} — the index is rebuilt when it is next opened")
    if not problems:
        print(f"index: {directory} is intact (every file read and checked)")
    return bool(problems)


def cmd_eval(args: argparse.Namespace) -> int:
    from bot.engine import Engine
    from bot.evaluate import evaluate, read_questions

    engine = _engine(args)
    assert isinstance(engine, Engine)
    if not args.questions.is_file():
        raise NewsbotError(f"{args.questions}: no such file; pass a JSON Lines question file")
    report = evaluate(engine, read_questions(args.questions))
    print(json.dumps(report.to_dict()) if args.json else report.table())
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from bot.ingest import Outcome, Settings, add, allow_private_from_env, target_dir
    from bot.telegram.config import load_config

    allow = args.allow_private_networks or allow_private_from_env()
    if not allow:
        allow = load_config(args.config).allow_private_networks
    here = Path("knowledge")
    fresh = args.knowledge is None and _configured_knowledge() is None \
        and not here.exists()
    folder = target_dir(here if fresh else args.knowledge)
    if fresh:
        print(f"newsbot: created {folder} for the articles (ask, chat and serve read them "
              "from here)", file=sys.stderr)
    bar = tqdm(total=len(args.sources), unit="source", file=sys.stderr,
               disable=len(args.sources) < 3 or not sys.stderr.isatty())

    def report(outcome: Outcome) -> None:
        if outcome.status == "added":
            line = (f"added    {outcome.article_id}: {outcome.title} "
                    f"({outcome.paragraphs} paragraphs) -> {outcome.path}")
        else:
            line = f"{outcome.status:<8} {outcome.source}: {outcome.reason}"
        bar.write(line, file=sys.stdout if outcome.status != "failed" else sys.stderr)
        bar.update(1)

    with bar:
        summary = add(args.sources, folder, Settings(allow_private_networks=allow), report)
    _shards_follow(folder)
    print(f"{summary.line()} in {summary.seconds:.1f} s; knowledge folder: {folder}")
    return 1 if summary.failed else 0


def cmd_index(args: argparse.Namespace) -> int:
    import time

    from tqdm import tqdm

    from bot.index import open_index
    from bot.settings import Settings

    settings = Settings.from_env().but(args.knowledge, args.index_dir).backed_by(
        args.backend, args.shards)
    root = settings.knowledge_path()
    if not root.exists():
        raise NewsbotError(f"{root}: no such file or folder; pass --knowledge with articles")
    if settings.backend == "xapian":
        return _index_shards(settings, args.rebuild)
    started = time.perf_counter()
    with tqdm(unit=" passages", desc="indexing", disable=None, file=sys.stderr) as bar:
        loaded = open_index(root, settings.index_dir, bar.update, rebuild=args.rebuild)
    for error in loaded.errors:
        print(f"newsbot: skipped: {error}", file=sys.stderr)
    where = loaded.directory or "memory only (no writable folder)"
    print(f"{loaded.how}: {loaded.store.n_articles} article(s), {loaded.store.n_passages} "
          f"passage(s) in {time.perf_counter() - started:.1f} s -> {where}")
    if loaded.directory is None:
        print("newsbot: the index was not saved: no writable folder beside the knowledge or in "
              "the cache; pass --index-dir DIR or set NEWSBOT_INDEX_DIR", file=sys.stderr)
        return 1
    return _index_semantic(args, loaded, settings.semantic)


def _index_shards(settings: object, rebuild: bool) -> int:
    """`newsbot index --backend xapian`: the knowledge written into the shards."""
    import time

    from tqdm import tqdm

    from bot.backends.indexer import index_knowledge
    from bot.settings import Settings

    assert isinstance(settings, Settings)
    started = time.perf_counter()
    with tqdm(unit=" paragraphs", desc="indexing", disable=None, file=sys.stderr) as bar:
        done, errors = index_knowledge(settings, bar.update, rebuild=rebuild)
    for error in errors:
        print(f"newsbot: skipped: {error}", file=sys.stderr)
    print(f"xapian: {done.added} added, {done.replaced} replaced, {done.unchanged} unchanged, "
          f"{done.removed} removed article(s), {done.passages} passage(s) written in "
          f"{time.perf_counter() - started:.1f} s -> "
          f"{','.join(settings.writers or settings.shards)}")
    return 0


def _shards_follow(folder: Path) -> None:
    """With the xapian backend, the indexer's write of the folder into the shards."""
    from bot.settings import Settings

    settings = Settings.from_env().but(folder)
    if settings.backend == "xapian":
        from bot.backends.indexer import index_knowledge

        done, _ = index_knowledge(settings)
        print(f"xapian: {done.added} added, {done.replaced} replaced, {done.removed} removed "
              "article(s) in the shards")


def _index_semantic(args: argparse.Namespace, loaded: object, wanted: bool) -> int:
    """Embed the passages of a saved index for semantic ranking (`--semantic`; by default
    when the extra is installed and NEWSBOT_SEMANTIC is not off)."""
    import time

    from bot import semantic
    from bot.index import Loaded

    assert isinstance(loaded, Loaded)
    if args.semantic is False or (args.semantic is None
                                  and not (wanted and semantic.available())):
        return 0
    if not semantic.available():
        raise NewsbotError("--semantic needs the semantic extra: pip install 'newsbot[semantic]'")
    if loaded.directory is None:
        print("newsbot: no saved index, so no embeddings are kept", file=sys.stderr)
        return 0
    started = time.perf_counter()
    with semantic.progress_bar(loaded.store.n_passages) as bar:
        got = semantic.attach(loaded.store, loaded.directory, compute=True, progress=bar.update)
    rows = sum(len(v.matrix) for v in got.vectors.values()) if got else 0
    print(f"embedded: {rows} passage(s) in {time.perf_counter() - started:.1f} s -> "
          f"{semantic.semantic_dir(loaded.directory)}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from bot.telegram import load_config, serve

    config = load_config(args.config)
    return serve(config, webhook_url=args.webhook_url, listen=args.listen, port=args.port,
                 replica=args.replica)


def _configured_knowledge() -> Path | None:
    """The knowledge the environment names (bot/settings.py), if any."""
    from bot.settings import Settings

    return Settings.from_env().knowledge


def _feeds_state(args: argparse.Namespace) -> tuple[State, Path]:
    """The state database of the knowledge folder (or --database) and the folder."""
    from bot.ingest import target_dir
    from bot.state import State, resolve_url

    here = Path("knowledge")
    fresh = args.knowledge is None and _configured_knowledge() is None \
        and not here.exists()
    folder = target_dir(here if fresh and args.command == "follow" else args.knowledge)
    return State.open(resolve_url(folder, args.database)), folder


def _fetching(args: argparse.Namespace) -> FetchSettings:
    from bot.ingest import Settings, allow_private_from_env
    from bot.telegram.config import load_config

    allow = args.allow_private_networks or allow_private_from_env()
    return Settings(allow_private_networks=allow or load_config(args.config).allow_private_networks)


def _duration(text: str | None, what: str, minimum: int = 3600,
              maximum: int = 3650 * 86400) -> int | None:
    from bot.feeds import parse_interval

    if text is None:
        return None
    try:
        return parse_interval(text, minimum=minimum, maximum=maximum)
    except ValueError as err:
        raise NewsbotError(f"{what} {err}") from None


def cmd_follow(args: argparse.Namespace) -> int:
    from bot.feeds import FeedError, follow, format_interval
    from bot.ingest import IngestError

    every = _duration(args.every, "--every", 60, 7 * 86400) or 0
    max_age = _duration(args.max_age, "--max-age")
    if args.max_articles is not None and args.max_articles < 1:
        raise NewsbotError("--max-articles must be at least 1")
    settings = _fetching(args)
    state, folder = _feeds_state(args)
    with state:
        try:
            done = follow(state, args.url, settings, interval=every, max_age=max_age,
                          max_articles=args.max_articles)
        except (FeedError, IngestError) as err:
            print(f"newsbot: not followed: {err}", file=sys.stderr)
            return 1
    name = f' "{done.title}"' if done.title else ""
    print(f"{'following' if done.new else 'updated'} {done.feed.id}: {done.feed.url} "
          f"({done.kind}{name}, {done.entries} entries) every {format_interval(every)}; "
          f"its articles go into {folder} with the next poll (newsbot feeds --poll-once, or "
          "newsbot serve)")
    return 0


def cmd_unfollow(args: argparse.Namespace) -> int:
    from bot.feeds import unfollow

    state, _folder = _feeds_state(args)
    with state:
        gone = unfollow(state, args.feed)
    print(f"unfollowed {gone.id}: {gone.url} (its articles stay)")
    return 0


def cmd_feeds(args: argparse.Namespace) -> int:
    import datetime as dt

    from bot.feeds import Poller, PollSettings, Rules
    from bot.feeds.listing import feed_lines

    rules = Rules(_duration(args.max_age, "--max-age"), args.max_articles)
    settings = _fetching(args)
    state, folder = _feeds_state(args)
    with state:
        if args.poll_once:
            report = Poller(state, folder, PollSettings(fetch=settings, rules=rules)).poll(
                force=True)
            for part in report.feeds:
                print(part.line(), file=sys.stdout if part.status != "failed" else sys.stderr)
            for article_id in report.removed:
                print(f"removed  {article_id} (retention)")
            _shards_follow(folder)
            print(f"{report.line()}; knowledge folder: {folder}")
            return 1 if report.failed else 0
        now = dt.datetime.now(dt.UTC)
        followed = state.feeds.list()
        for feed in followed:
            print("\n".join(feed_lines(feed, state.items.list(feed.id), now)))
        if not followed:
            print(f"no feeds followed for {folder}; newsbot follow URL adds one")
    return 0


COMMANDS = {
    "ask": cmd_ask,
    "chat": cmd_chat,
    "sources": cmd_sources,
    "check": cmd_check,
    "eval": cmd_eval,
    "serve": cmd_serve,
    "index": cmd_index,
    "add": cmd_add,
    "follow": cmd_follow,
    "unfollow": cmd_unfollow,
    "feeds": cmd_feeds,
}
