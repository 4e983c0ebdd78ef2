"""Per-chat settings: the group's /autoanswer switch and the chat's language."""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from sqlalchemy import Engine, delete, select

from bot.state.records import ChatSettings
from bot.state.schema import chat_settings
from bot.state.upsert import upsert


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()  # "leave this setting as it is"


class Settings:
    """The `chat_settings` table."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def get(self, chat_id: int) -> ChatSettings:
        """This chat's settings (all None — the defaults — for a chat never set)."""
        with self._engine.connect() as conn:
            row = conn.execute(select(chat_settings).where(
                chat_settings.c.chat_id == chat_id)).first()
        if row is None:
            return ChatSettings(chat_id)
        return ChatSettings(chat_id, row.autoanswer, row.language)

    def set(self, chat_id: int, *, autoanswer: bool | _Unset | None = UNSET,
            language: str | _Unset | None = UNSET, now: dt.datetime | None = None,
            ) -> ChatSettings:
        """Change the settings given (None: back to the default); returns them all."""
        values: dict[str, Any] = {"updated": now or dt.datetime.now(dt.UTC)}
        if not isinstance(autoanswer, _Unset):
            values["autoanswer"] = autoanswer
        if not isinstance(language, _Unset):
            values["language"] = language
        with self._engine.begin() as conn:
            upsert(conn, chat_settings, {"chat_id": chat_id}, values)
        return self.get(chat_id)

    def forget(self, chat_id: int) -> None:
        with self._engine.begin() as conn:
            conn.execute(delete(chat_settings).where(chat_settings.c.chat_id == chat_id))
