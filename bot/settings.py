"""The settings of the knowledge, the index and the engine, read from the environment in
this one place (the Telegram bot's own settings are bot/telegram/config.py's).

    NEWSBOT_KNOWLEDGE   file or folder of articles (default: ./knowledge if there is one,
                        else the bundled articles)
    NEWSBOT_INDEX       off (or 0, no, false): keep the index in memory, save nothing
    NEWSBOT_INDEX_DIR   where the saved index lives (default: beside the knowledge)
    NEWSBOT_SEMANTIC    off (or 0, no, false): BM25 alone although the semantic extra is
                        installed
    NEWSBOT_BACKEND     memory (default: the saved index) or xapian (bot/backends/)
    NEWSBOT_SHARDS      the xapian backend's shards, comma-separated: folders or
                        tcp://host:port, each with its copies after | (backends/shards.py)
    NEWSBOT_SHARD_WRITERS  where the indexer writes each shard (default: the first
                        address of each; a remote shard: xapian-tcpsrv --writable)
    NEWSBOT_ROLE        indexer: this process writes the knowledge into the shards when
                        it loads or reloads (the others only read)

Front ends make one `Settings.from_env()`, override what their own options say
(`replace`), and hand it to `Engine.load`; nothing else reads these variables.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

OFF = ("off", "0", "no", "false")


@dataclass(frozen=True)
class Settings:
    """Where the knowledge and its index are, and what the engine uses."""

    knowledge: Path | None = None  # None: ./knowledge if there is one, else the bundled
    saved_index: bool = True  # save the index (False: in memory only)
    index_dir: Path | None = None  # None: beside the knowledge (or the user's cache)
    semantic: bool = True  # use the semantic extra when it is installed
    backend: str = "memory"  # "memory" (bot/index/) or "xapian" (bot/backends/)
    shards: tuple[str, ...] = ()  # the xapian backend's shards (backends/shards.py)
    writers: tuple[str, ...] = ()  # where the indexer writes them (default: the shards)
    indexer: bool = False  # write the knowledge into the shards at load and reload

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env

        def path(name: str) -> Path | None:
            value = env.get(name, "")
            return Path(value) if value else None

        return cls(knowledge=path("NEWSBOT_KNOWLEDGE"),
                   saved_index=env.get("NEWSBOT_INDEX", "").lower() not in OFF,
                   index_dir=path("NEWSBOT_INDEX_DIR"),
                   semantic=env.get("NEWSBOT_SEMANTIC", "").lower() not in OFF,
                   backend=env.get("NEWSBOT_BACKEND", "").strip().lower() or "memory",
                   shards=_listed(env.get("NEWSBOT_SHARDS", "")),
                   writers=_listed(env.get("NEWSBOT_SHARD_WRITERS", "")),
                   indexer=env.get("NEWSBOT_ROLE", "").strip().lower() == "indexer")

    def but(self, knowledge: Path | str | None = None,
            index_dir: Path | str | None = None) -> Settings:
        """These settings with a knowledge path or index folder given on the command line
        (None keeps the setting)."""
        return replace(
            self, knowledge=Path(knowledge) if knowledge is not None else self.knowledge,
            index_dir=Path(index_dir) if index_dir is not None else self.index_dir)

    def backed_by(self, backend: str | None = None,
                  shards: str | None = None) -> Settings:
        """These settings with a backend and shards given on the command line or in a
        config file (None keeps the setting)."""
        return replace(self, backend=backend or self.backend,
                       shards=_listed(shards) if shards else self.shards)

    def knowledge_path(self) -> Path:
        from bot.knowledge import default_knowledge

        return default_knowledge(self.knowledge)


def _listed(value: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in value.split(",") if s.strip())


def cache_home(env: Mapping[str, str] | None = None) -> Path:
    """newsbot's folder in the user's cache ($XDG_CACHE_HOME/newsbot, ~/.cache/newsbot)."""
    env = os.environ if env is None else env
    return Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "newsbot"
