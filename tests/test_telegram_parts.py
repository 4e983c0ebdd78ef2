"""The Telegram layer's small parts: config, buttons, question limit, log redaction."""

from __future__ import annotations

import datetime as dt
import gc
import logging
import socket
from pathlib import Path
from typing import Any

import pytest

import bot
from bot.errors import ConfigError
from bot.state import DATABASE_FILE
from bot.telegram import buttons, logs, storage
from bot.telegram.app import EXIT_CONFIG, serve
from bot.telegram.catalog import read_catalog
from bot.telegram.config import Config, FeedSettings, load_config, parse_config
from bot.telegram.limits import QuestionLimiter, Verdict

# ---- config ------------------------------------------------------------------------------


def test_config_file(tmp_path: Path) -> None:
    file = tmp_path / "newsbot.yaml"
    file.write_text(
        "knowledge: articles/\nadmins: [42]\nanswer: {top: 2}\n"
        "groups: {autoanswer: true}\nrate_limit: {questions_per_minute: 5}\n"
        "webhook: {secret_token: abc}\ntoken_env: MY_TOKEN\n",
        encoding="utf-8",
    )
    config = load_config(file)
    assert config.knowledge == tmp_path / "articles"
    assert config.admins == {42}
    assert config.answer.top == 2 and config.answer.inline_results == 5
    assert config.groups.autoanswer and config.groups.answer_mentions
    assert config.rate_limit.questions_per_minute == 5
    assert config.webhook_secret({}) == "abc"
    assert config.token({"MY_TOKEN": " 1:x "}) == "1:x"


def test_default_config_file_is_optional(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_config() == Config()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"answer": {"top": 0}}, "answer.top must be at least 1"),
        ({"answer": {"top": "3"}}, "answer.top must be a int"),
        ({"answr": {}}, "unknown setting answr"),
        ({"groups": {"autoanswer": "yes"}}, "groups.autoanswer must be a bool"),
        ({"admins": ["@me"]}, "admins must be a list of numeric Telegram user ids"),
        ([1, 2], "top level must be a mapping"),
        ({"feeds": {"check_seconds": 0}}, "feeds.check_seconds must be a number of seconds"),
        ({"feeds": {"max_age": "soon"}}, "feeds.max_age 'soon' is not an interval"),
        ({"feeds": {"max_articles": True}}, "feeds.max_articles must be a number"),
        ({"feeds": {"every": 5}}, "unknown setting feeds.every"),
        ({"database_url": 5}, "database_url must be a string"),
    ],
)
def test_config_errors_name_the_setting(raw: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config(raw, Path("newsbot.yaml"))


def test_missing_token_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN"):
        Config().token({})


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("http://127.0.0.1:8081", ("http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/file/bot")),
        ("http://h:1/bot/", ("http://h:1/bot", "http://h:1/file/bot")),
        ("http://h/bot{token}/test", ("http://h/bot{token}/test", "http://h/file/bot{token}/test")),
    ],
)
def test_api_base_url(setting: str, expected: tuple[str, str]) -> None:
    assert Config(api_base_url=setting).base_urls({}) == expected
    assert Config().base_urls({"NEWSBOT_API_BASE_URL": setting}) == expected
    assert Config().base_urls({}) is None


# ---- buttons -----------------------------------------------------------------------------


def test_button_data_fits_and_round_trips() -> None:
    tag = buttons.version_tag("v1")
    view = buttons.View(buttons.MAX_SHOWN, (1 << buttons.MAX_SHOWN) - 1)
    for kind in (buttons.MORE, buttons.TOGGLE):
        data = buttons.view_data(tag, view, kind)
        assert len(data.encode()) <= 64
        assert buttons.decode(data, tag) == buttons.Press(view, kind == buttons.MORE)


def test_stale_buttons_decode_to_none() -> None:
    old = buttons.view_data(buttons.version_tag("v1"), buttons.View(3))
    assert buttons.decode(old, buttons.version_tag("v2")) is None  # index changed
    tag = buttons.version_tag("v1")
    for data in ("m|x", f"m|{tag}|abc1|3", f"p|{tag}|a#1", f"v|{tag}|0|0", f"v|{tag}|2|4",
                 f"v|{tag}|99|0", f"v|{tag}|-1|0", f"n|{tag}|3"):  # fmt: skip
        assert buttons.decode(data, tag) is None, data


def test_views_open_close_and_page() -> None:
    view = buttons.View(1)
    assert view.more(3) == buttons.View(3) and buttons.View(3).more(3) == buttons.View(6)
    opened = buttons.View(3).toggled(1)
    assert opened.is_open(1) and not opened.is_open(0) and not opened.toggled(1).is_open(1)


def test_keyboard_offers_paragraphs_that_are_more_than_the_quote() -> None:
    view = buttons.View(3, opened=0b100)
    markup = buttons.keyboard(view, [4, None, 7], "en", "abcdef", buttons.View(6))
    assert markup is not None
    labels = [b.text for row in markup.inline_keyboard for b in row]
    assert labels == ["Paragraph 4", "Quote 7", "More ▸"]
    single = buttons.keyboard(buttons.View(1), [None], "de", "abcdef", None)
    assert single is None  # the quote is its whole paragraph and there is no more


def test_config_database_and_feeds(tmp_path: Path) -> None:
    raw = {"database_url": "state/bot.sqlite",
           "feeds": {"check_seconds": 30, "max_age": "30d", "max_articles": 500}}
    config = parse_config(raw, tmp_path / "newsbot.yaml")
    assert config.database_url == str(tmp_path / "state" / "bot.sqlite")  # beside the file
    assert config.feeds == FeedSettings(30, 30 * 86400, 500)
    assert Config().feeds.check_seconds == 60 and Config().database({}) is None
    url = "postgresql://bot:pw@db/newsbot"
    assert parse_config({"database_url": url}).database_url == url
    assert config.database({"NEWSBOT_DATABASE": url}) == url  # the environment wins


def test_the_state_database_is_where_it_was_asked_for(tmp_path: Path) -> None:
    own = tmp_path / "knowledge"
    own.mkdir()
    assert storage.database_url(Config(database_url="sqlite:///x.db"), own, {}) == "sqlite:///x.db"
    env = {"NEWSBOT_DATABASE": str(tmp_path / "env.sqlite")}
    assert storage.database_url(Config(), own, env) == f"sqlite:///{tmp_path / 'env.sqlite'}"
    assert storage.database_url(Config(), own, {}) == f"sqlite:///{own / DATABASE_FILE}"
    legacy = Config(state_file=tmp_path / "state.pickle")
    assert storage.database_url(legacy, None, {}) == f"sqlite:///{tmp_path / DATABASE_FILE}"
    assert storage.database_url(Config(), None, {}) is None  # nowhere: a temporary one


def test_only_a_folder_of_ones_own_takes_feeds_and_the_database(tmp_path: Path) -> None:
    assert storage.knowledge_folder(Config(), {}, cwd=tmp_path) is None  # the bundled
    (tmp_path / "knowledge").mkdir()
    assert storage.knowledge_folder(Config(), {}, cwd=tmp_path) == tmp_path / "knowledge"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {"NEWSBOT_KNOWLEDGE": str(elsewhere)}
    assert storage.knowledge_folder(Config(), env, cwd=tmp_path) == elsewhere
    assert storage.own_folder(Path(bot.__file__).parent / "bundled") is None
    assert storage.own_folder(tmp_path / "missing") is None
    article = tmp_path / "knowledge" / "one.yaml"
    article.write_text("id: x\n", encoding="utf-8")
    assert storage.own_folder(article) is None  # a file is no folder to add to


def test_a_temporary_database_goes_with_the_bot() -> None:
    db = storage.temporary_state()
    folder = Path(str(db.engine.url.database)).parent
    db.settings.set(1, autoanswer=True)
    assert folder.is_dir() and db.settings.get(1).autoanswer is True
    del db
    gc.collect()
    assert not folder.exists()


def test_a_database_password_is_never_shown(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens there once it is closed
    url = f"postgresql://newsbot:s3cr3t-pw@127.0.0.1:{port}/newsbot"
    monkeypatch.setenv("NEWSBOT_TEST_TOKEN", "123:abc")
    monkeypatch.delenv("NEWSBOT_DATABASE", raising=False)
    code = serve(Config(token_env="NEWSBOT_TEST_TOKEN", database_url=url))
    err = capsys.readouterr().err
    assert code == EXIT_CONFIG
    assert "postgresql://newsbot:***@127.0.0.1" in err and "cannot open" in err
    assert "s3cr3t-pw" not in err + caplog.text


def test_vote_buttons_carry_the_log_id_and_mark_the_choice() -> None:
    row = buttons.vote_row(123456789012)
    assert [b.text for b in row] == ["👍", "👎"]
    assert all(len(str(b.callback_data).encode()) <= 64 for b in row)
    assert buttons.decode_vote(str(row[0].callback_data)) == (True, 123456789012)
    assert buttons.decode_vote(str(row[1].callback_data)) == (False, 123456789012)
    for data in ("f|+|", "f|?|1", "f|+|1|2", "f|+|-1", "f|+|²", "v|abc|1|0", "f|+|" + "9" * 19):
        assert buttons.decode_vote(data) is None
    markup = buttons.keyboard(buttons.View(1), [4], "de", "abcdef", buttons.View(2), row)
    assert markup is not None
    assert [[b.text for b in r] for r in markup.inline_keyboard] == [
        ["Absatz"], ["👍", "👎"], ["Mehr ▸"]]  # "More" stays last
    assert buttons.votes_in(markup) == row
    marked = buttons.voted(markup, good=False)
    assert [[b.text for b in r] for r in marked.inline_keyboard][1] == ["👍", "👎 ✓"]
    assert buttons.votes_in(buttons.keyboard(buttons.View(1), [4], "de", "t", None)) is None


def test_config_state_file_from_the_environment(tmp_path: Path) -> None:
    assert Config().state_path({}) is None
    assert Config(state_file=tmp_path / "a").state_path({}) == tmp_path / "a"
    env = {"NEWSBOT_STATE_FILE": str(tmp_path / "b")}
    assert Config(state_file=tmp_path / "a").state_path(env) == tmp_path / "b"


# ---- question limit ----------------------------------------------------------------------


def test_question_limit_warns_once_then_recovers() -> None:
    now = [0.0]
    limiter = QuestionLimiter(2, clock=lambda: now[0])
    assert [limiter.check(1) for _ in range(4)] == [
        Verdict.ANSWER,
        Verdict.ANSWER,
        Verdict.WARN,
        Verdict.IGNORE,
    ]
    assert limiter.check(2) is Verdict.ANSWER  # others are not affected
    now[0] = 61.0
    assert limiter.check(1) is Verdict.ANSWER


# ---- logs --------------------------------------------------------------------------------


def test_token_is_redacted_from_messages_and_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    secret = "555:SecretTokenForRedactionTest"
    logs.redact(secret)
    logger = logging.getLogger("httpx")
    with caplog.at_level(logging.DEBUG):
        logger.warning("POST http://127.0.0.1:8081/bot%s/getMe", secret)
        try:
            raise RuntimeError(f"failed at /bot{secret}/sendMessage")
        except RuntimeError:
            logging.getLogger("telegram.ext").exception("boom")
    assert secret not in caplog.text
    assert "bot<token>/getMe" in caplog.text and "bot<token>/sendMessage" in caplog.text


# ---- catalog -----------------------------------------------------------------------------


class Records:
    """Article metadata as the engine's store gives it (no text)."""

    def __init__(self, metas: list[dict[str, Any]]) -> None:
        self.metas = metas
        self.n_articles = len(metas)
        self.n_passages = 3 * len(metas)

    def article_meta(self, number: int) -> dict[str, Any]:
        return self.metas[number]

    def passage_count(self, number: int) -> int:
        return 3


def test_catalog_keeps_the_newest_and_counts_from_metadata() -> None:
    metas = [
        {"id": f"a{n}", "title": f"T{n}", "language": "de", "source": "dpa" if n % 2 else None,
         "url": None, "published": f"2024-01-{n + 1:02d}" if n < 20 else None, "updated": None}
        for n in range(60)
    ]  # fmt: skip
    catalog = read_catalog(Records(metas))
    assert (catalog.articles, catalog.passages) == (60, 180)
    assert [e.id for e in catalog.newest[:2]] == ["a19", "a18"]  # the newest first
    assert len(catalog.newest) == 40 and catalog.newest[20].published is None  # undated last
    assert catalog.first == dt.date(2024, 1, 1) and catalog.last == dt.date(2024, 1, 20)
    assert catalog.outlets == ("dpa",) and catalog.outlet_count == 1
