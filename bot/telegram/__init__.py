"""Telegram front end: private chats, groups, channels, inline mode and buttons.

The layer knows nothing about BM25: handlers call the engine's `answer()` and render the
result as Telegram HTML. Start with `app.serve` (what ``newsbot serve`` runs) or
`app.build_application` (what the tests drive).
"""

from bot.telegram.app import build_application, serve
from bot.telegram.config import Config, load_config

__all__ = ["Config", "build_application", "load_config", "serve"]
