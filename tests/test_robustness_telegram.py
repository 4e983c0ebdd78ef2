"""Red team, round 2 (issue 12): the Telegram attacks, each reproduced end to end.

- an update python-telegram-bot cannot read (a poll from an older Bot API server, a message
  without ``date``, a field of the wrong type) is logged once and skipped, polling or webhook;
- a 401 on getUpdates ends `serve` with a clear line and exit code 1;
- the webhook checks the secret before it reads a body, caps the body, takes a charset,
  and listens on 127.0.0.1 unless told otherwise;
- Telegram `/add` takes http(s) addresses only and never looks at the server's files;
- one question budget per sender covers questions, inline queries, "More" and the
  commands that search or list, with anonymous admins counted per group;
- every button press gets an answer, and an unknown command a hint.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from fakebotapi import TOKEN, FakeBotAPI, polling

from bot.engine import Engine
from bot.telegram.app import build_application
from bot.telegram.config import Config

QUESTION = "Wie viele Soldaten?"
SECRET = "webhook-Secret_0123456789abcdef"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ADMIN = 7001
Json = dict[str, Any]


@pytest.fixture(autouse=True)
def _no_api_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSBOT_API_BASE_URL", raising=False)


@contextlib.asynccontextmanager
async def running(api: FakeBotAPI, engine: Engine, **settings: Any) -> AsyncIterator[Any]:
    """The real Application polling `api` with `settings` in its config."""
    app = build_application(Config(api_base_url=api.base_url, **settings), engine, TOKEN)
    async with polling(api, app):
        yield app


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait until `condition()` holds; fail if it does not within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


def mentions(caplog: pytest.LogCaptureFixture, update_id: int) -> list[logging.LogRecord]:
    """The log records that name update `update_id`."""
    pattern = re.compile(rf"\bupdate {update_id}\b")
    return [r for r in caplog.records if pattern.search(r.getMessage())]


# ---- updates the library cannot read -------------------------------------------------------

CHAT = {"id": 1001, "type": "private", "first_name": "Ada"}
OLD_POLL = {  # as an older or self-hosted Bot API server sends it: no allows_revoting, ...
    "id": "5", "question": "Wer?", "options": [{"text": "A", "voter_count": 0}],
    "total_voter_count": 0, "is_closed": False, "is_anonymous": True, "type": "regular",
    "allows_multiple_answers": False,
}  # fmt: skip
UNREADABLE: dict[str, Json] = {
    "poll from an older Bot API": {
        "message": {"message_id": 9001, "date": 1, "chat": CHAT, "poll": OLD_POLL}
    },
    "message without date": {"message": {"message_id": 9002, "chat": CHAT, "text": QUESTION}},
    "message without chat": {"message": {"message_id": 9003, "date": 1, "text": QUESTION}},
    "date of the wrong type": {
        "message": {"message_id": 9004, "date": "gestern", "chat": CHAT, "text": QUESTION}
    },
    "entities of the wrong type": {
        "message": {"message_id": 9005, "date": 1, "chat": CHAT, "text": "x", "entities": "b"}
    },
    "button press without a sender": {
        "callback_query": {"id": "cq1", "chat_instance": "c", "data": "m|x|y|3"}
    },
}


@pytest.mark.parametrize("kind", UNREADABLE)
async def test_polling_skips_an_unreadable_update_and_logs_it_once(
    fake_api: FakeBotAPI, bundled_engine: Engine, caplog: pytest.LogCaptureFixture, kind: str
) -> None:
    caplog.set_level(logging.INFO)
    async with running(fake_api, bundled_engine):
        first = fake_api.queue(UNREADABLE[kind])
        answered = fake_api.private(QUESTION)  # after it, in the same batch or the next
        await fake_api.reply_to(answered)
        last = fake_api.queue(UNREADABLE[kind])  # alone in its batch, the newest update
        await until(lambda: max(fake_api.offsets) > last["update_id"])
        after = fake_api.private(QUESTION, fake_api.user(1002))
        await fake_api.reply_to(after)
    for update in (first, last):
        assert fake_api.deliveries[update["update_id"]] == 1
        [record] = mentions(caplog, update["update_id"])
        assert record.levelno == logging.WARNING and "skipped" in record.getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
