"""Shared test fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from fakebotapi import FakeBotAPI

if TYPE_CHECKING:
    from bot.engine import Engine


@pytest.fixture(scope="session")
def bundled_engine() -> Engine:
    """The real engine over the bundled knowledge, loaded once per test session."""
    from bot.engine import Engine

    return Engine.load()


@pytest.fixture
def fake_api() -> Iterator[FakeBotAPI]:
    """A fake Telegram Bot API server on 127.0.0.1, stopped after the test."""
    with FakeBotAPI() as api:
        yield api
