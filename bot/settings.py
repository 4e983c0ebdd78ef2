"""The settings of the knowledge, the index and the engine, read from the environment in
this one place (the Telegram bot's own settings are bot/telegram/config.py's).

    NEWSBOT_KNOWLEDGE   file or folder of articles (default: ./knowledge if there is one,
                        else the bundled articles)
    NEWSBOT_INDEX       off (or 0, no, false): keep the index in memory, save nothing
    NEWSBOT_INDEX_DIR   where the saved index lives (default: beside the knowledge)
    NEWSBOT_SEMANTIC    off (or 0, no, false): BM25 alone although the semantic extra is
                        installed

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

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env

        def path(name: str) -> Path | None:
            value = env.get(name, "")
            return Path(value) if value else None

        return cls(knowledge=path("NEWSBOT_KNOWLEDGE"),
                   saved_index=env.get("NEWSBOT_INDEX", "").lower() not in OFF,
                   index_dir=path("NEWSBOT_INDEX_DIR"),
                   semantic=env.get("NEWSBOT_SEMANTIC", "").lower() not in OFF)

    def but(self, knowledge: Path | str | None = None,
            index_dir: Path | str | None = None) -> Settings:
        """These settings with a knowledge path or index folder given on the command line
        (None keeps the setting)."""
        return replace(
            self, knowledge=Path(knowledge) if knowledge is not None else self.knowledge,
            index_dir=Path(index_dir) if index_dir is not None else self.index_dir)

    def knowledge_path(self) -> Path:
        from bot.knowledge import default_knowledge

        return default_knowledge(self.knowledge)
