"""The Telegram layer's small parts: config, buttons, question limit, log redaction."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

import pytest

from bot.errors import ConfigError
from bot.telegram import buttons, logs
from bot.telegram.catalog import read_catalog
from bot.telegram.config import Config, load_config, parse_config
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
        logger.warning("POST https://api.telegram.org/bot%s/getMe", secret)
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
