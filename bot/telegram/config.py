"""Settings of the Telegram front end, read from a YAML file and the environment.

`load_config(None)` reads ``newsbot.yaml`` from the working directory if it exists and
falls back to defaults otherwise; environment variables override the file where noted.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from bot.errors import ConfigError

DEFAULT_CONFIG_FILE = "newsbot.yaml"
DEFAULT_TOKEN_ENV = "TELEGRAM_BOT_TOKEN"
API_BASE_URL_ENV = "NEWSBOT_API_BASE_URL"
WEBHOOK_SECRET_ENV = "NEWSBOT_WEBHOOK_SECRET"
ALLOW_PRIVATE_ENV = "NEWSBOT_ALLOW_PRIVATE_NETWORKS"
STATE_FILE_ENV = "NEWSBOT_STATE_FILE"
DATABASE_ENV = "NEWSBOT_DATABASE"  # as bot.state.DATABASE_ENV (not imported: config stays light)


@dataclass(frozen=True)
class AnswerSettings:
    """How many quotes one reply and one inline query show."""

    top: int = 3
    inline_results: int = 5


@dataclass(frozen=True)
class GroupSettings:
    """What the bot answers in groups besides /ask."""

    answer_mentions: bool = True
    answer_replies: bool = True
    autoanswer: bool = False  # default of the per-chat /autoanswer switch


@dataclass(frozen=True)
class RateLimitSettings:
    """Per-user question limit and retries when Telegram says 'Too Many Requests'."""

    questions_per_minute: int = 10
    max_retries: int = 3


@dataclass(frozen=True)
class WebhookSettings:
    """Webhook mode: local path and the secret Telegram sends with every update."""

    path: str | None = None  # None: the path of the public webhook URL
    secret_token: str | None = None


@dataclass(frozen=True)
class FeedSettings:
    """How the running bot polls the followed feeds (each has its own interval)."""

    check_seconds: int = 60  # how often the bot looks for feeds that are due
    max_age: int | None = None  # seconds a feed article is kept (global retention)
    max_articles: int | None = None  # feed articles kept in all (global retention)


@dataclass(frozen=True)
class Config:
    """Everything `serve` needs besides the token itself."""

    knowledge: Path | None = None  # None: $NEWSBOT_KNOWLEDGE or the bundled knowledge
    allow_private_networks: bool = False  # /add may fetch from loopback/private addresses
    token_env: str = DEFAULT_TOKEN_ENV
    api_base_url: str | None = None
    admins: frozenset[int] = frozenset()
    answer: AnswerSettings = field(default_factory=AnswerSettings)
    groups: GroupSettings = field(default_factory=GroupSettings)
    rate_limit: RateLimitSettings = field(default_factory=RateLimitSettings)
    webhook: WebhookSettings = field(default_factory=WebhookSettings)
    feeds: FeedSettings = field(default_factory=FeedSettings)
    database_url: str | None = None  # the state database; None: beside the knowledge
    state_file: Path | None = None  # the old pickle state file, taken into the database once
    examples: tuple[str, ...] = ()  # replace the examples drawn from the articles
    path: Path | None = None  # the file this came from

    def token(self, environ: Mapping[str, str] | None = None) -> str:
        """Return the bot token from the environment, or raise ConfigError saying what to set."""
        env = os.environ if environ is None else environ
        token = env.get(self.token_env, "").strip()
        if not token:
            raise ConfigError(
                f"no bot token: set the environment variable {self.token_env} to the token "
                "that @BotFather gave you"
            )
        return token

    def base_urls(self, environ: Mapping[str, str] | None = None) -> tuple[str, str] | None:
        """Return (base_url, base_file_url) for a self-hosted Bot API server, or None."""
        env = os.environ if environ is None else environ
        root = env.get(API_BASE_URL_ENV) or self.api_base_url
        if not root:
            return None
        root = root.rstrip("/")
        if "{token}" in root:
            return root, root.replace("/bot{token}", "/file/bot{token}")
        root = root.removesuffix("/bot")
        return f"{root}/bot", f"{root}/file/bot"

    def private_networks_allowed(self, environ: Mapping[str, str] | None = None) -> bool:
        """Whether /add may fetch from private addresses (setting, or the environment)."""
        env = os.environ if environ is None else environ
        flag = env.get(ALLOW_PRIVATE_ENV, "").strip().lower() in ("1", "true", "yes", "on")
        return self.allow_private_networks or flag

    def database(self, environ: Mapping[str, str] | None = None) -> str | None:
        """The state database asked for: $NEWSBOT_DATABASE, else `database_url`, else None."""
        env = os.environ if environ is None else environ
        return env.get(DATABASE_ENV, "").strip() or self.database_url or None

    def state_path(self, environ: Mapping[str, str] | None = None) -> Path | None:
        """The old state file: $NEWSBOT_STATE_FILE, else `state_file`, else none."""
        env = os.environ if environ is None else environ
        value = env.get(STATE_FILE_ENV, "").strip()
        return Path(value) if value else self.state_file

    def webhook_secret(self, environ: Mapping[str, str] | None = None) -> str:
        """Return the webhook secret from the environment or config, or a fresh random one."""
        env = os.environ if environ is None else environ
        return env.get(WEBHOOK_SECRET_ENV) or self.webhook.secret_token or secrets.token_urlsafe(32)


def load_config(path: str | Path | None = None) -> Config:
    """Read a config file; None means ``newsbot.yaml`` if present, else the defaults."""
    if path is None:
        if not Path(DEFAULT_CONFIG_FILE).is_file():
            return Config()
        path = DEFAULT_CONFIG_FILE
    file = Path(path)
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{file}: config file not found; pass an existing --config") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{file}: not valid YAML: {exc}") from None
    return parse_config(raw or {}, file)


def parse_config(raw: Any, file: Path | None = None) -> Config:
    """Build a Config from the parsed YAML mapping, checking every value."""
    where = f"{file}: " if file else ""
    data = _mapping(raw, "top level", where)
    _known(data, Config, where, "", extra={"path"})
    base = file.parent if file else Path()
    knowledge = data.get("knowledge")
    state_file = data.get("state_file")
    database = _str(data["database_url"], "database_url", where) if data.get(
        "database_url") else None
    if database and "://" not in database:  # a SQLite file, relative to the config file
        database = str(base / database)
    return Config(
        knowledge=base / _str(knowledge, "knowledge", where) if knowledge else None,
        allow_private_networks=_bool(
            data.get("allow_private_networks", False), "allow_private_networks", where
        ),
        token_env=_str(data.get("token_env", DEFAULT_TOKEN_ENV), "token_env", where),
        api_base_url=_str(data["api_base_url"], "api_base_url", where)
        if data.get("api_base_url")
        else None,
        admins=frozenset(_int_list(data.get("admins") or [], "admins", where)),
        answer=AnswerSettings(**_section(data, "answer", AnswerSettings, where)),
        groups=GroupSettings(**_section(data, "groups", GroupSettings, where)),
        rate_limit=RateLimitSettings(**_section(data, "rate_limit", RateLimitSettings, where)),
        webhook=WebhookSettings(**_section(data, "webhook", WebhookSettings, where)),
        feeds=_feeds(data, where),
        database_url=database,
        state_file=base / _str(state_file, "state_file", where) if state_file else None,
        examples=tuple(_str_list(data["examples"], "examples", where))
        if data.get("examples")
        else (),
        path=file,
    )


def _section(data: Mapping[str, Any], name: str, kind: type, where: str) -> dict[str, Any]:
    section = _mapping(data.get(name) or {}, name, where)
    _known(section, kind, where, f"{name}.")
    defaults = kind()
    for key, value in section.items():
        expected = type(getattr(defaults, key))
        if value is None and getattr(defaults, key) is None:
            continue
        if expected is type(None):
            expected = str
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ConfigError(f"{where}{name}.{key} must be a {expected.__name__}, not {value!r}")
        if expected is int and value < 1:
            raise ConfigError(f"{where}{name}.{key} must be at least 1, not {value}")
    return dict(section)


def _feeds(data: Mapping[str, Any], where: str) -> FeedSettings:
    """The `feeds` section: check_seconds (1 or more), max_age ("30d"), max_articles."""
    section = _mapping(data.get("feeds") or {}, "feeds", where)
    _known(section, FeedSettings, where, "feeds.")
    check = section.get("check_seconds", FeedSettings.check_seconds)
    if not isinstance(check, int) or isinstance(check, bool) or check < 1:
        raise ConfigError(f"{where}feeds.check_seconds must be a number of seconds, 1 or more, "
                          f"not {check!r}")
    max_age = section.get("max_age")
    if max_age is not None:
        from bot.feeds.schedule import parse_interval

        try:
            max_age = parse_interval(str(max_age), minimum=3600, maximum=3650 * 86400)
        except ValueError as err:
            raise ConfigError(f"{where}feeds.max_age {err}") from None
    kept = section.get("max_articles")
    if kept is not None and (not isinstance(kept, int) or isinstance(kept, bool) or kept < 1):
        raise ConfigError(f"{where}feeds.max_articles must be a number, 1 or more, not {kept!r}")
    return FeedSettings(check, max_age, kept)


def _known(
    data: Mapping[str, Any], kind: type, where: str, prefix: str, extra: set[str] | None = None
) -> None:
    allowed = {f.name for f in fields(kind)} - (extra or set())
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ConfigError(
            f"{where}unknown setting {prefix}{unknown[0]}; known: "
            + ", ".join(prefix + key for key in sorted(allowed))
        )


def _mapping(value: Any, name: str, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}{name} must be a mapping of settings")
    return value


def _str(value: Any, name: str, where: str) -> str:
    if not isinstance(value, str | Path):
        raise ConfigError(f"{where}{name} must be a string, not {value!r}")
    return str(value)


def _bool(value: Any, name: str, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}{name} must be true or false, not {value!r}")
    return value


def _int_list(value: Any, name: str, where: str) -> list[int]:
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise ConfigError(f"{where}{name} must be a list of numeric Telegram user ids")
    return value


def _str_list(value: Any, name: str, where: str) -> list[str]:
    if not isinstance(value, list) or len(value) < 2 or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}{name} must be a list of at least two questions")
    return value
