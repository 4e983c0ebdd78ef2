"""The bot's command menu, per chat type and language, from one table.

`register_commands` runs once at start-up (post_init) and calls setMyCommands for private
chats and for groups, in English (the default) and German.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
)
from telegram.error import TelegramError
from telegram.ext import Application

from bot.telegram.i18n import LANGUAGES, text

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Command:
    """One entry of the command menu."""

    name: str
    private: bool
    groups: bool


COMMANDS = (
    Command("start", private=True, groups=False),
    Command("ask", private=True, groups=True),
    Command("watch", private=True, groups=True),
    Command("watches", private=True, groups=True),
    Command("sources", private=True, groups=True),
    Command("help", private=True, groups=True),
    Command("about", private=True, groups=True),
    Command("autoanswer", private=False, groups=True),
)


def command_list(lang: str, *, private: bool) -> list[BotCommand]:
    """The menu for private chats or for groups, described in `lang`."""
    return [
        BotCommand(c.name, text(lang, f"cmd_{c.name}"))
        for c in COMMANDS
        if (c.private if private else c.groups)
    ]


def scopes() -> list[tuple[BotCommandScope, bool]]:
    """The scopes that get a menu, and whether each is the private one."""
    return [(BotCommandScopeAllPrivateChats(), True), (BotCommandScopeAllGroupChats(), False)]


async def register_commands(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Set the command menus; a failure is logged and does not stop the bot."""
    for scope, private in scopes():
        for lang in LANGUAGES:
            code = None if lang == "en" else lang
            try:
                await application.bot.set_my_commands(
                    command_list(lang, private=private), scope=scope, language_code=code
                )
            except TelegramError as exc:
                logger.warning("could not set the %s command menu: %s", lang, exc)
