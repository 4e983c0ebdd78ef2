"""Shared test fixtures."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from fakebotapi import FakeBotAPI

if TYPE_CHECKING:
    from bot.engine import Engine

# The suite tests BM25 answers whether or not the optional semantic extra is installed;
# tests/test_semantic.py turns it on where it tests it.
os.environ["NEWSBOT_SEMANTIC"] = "off"


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
