"""The bot's old state file (python-telegram-bot's PicklePersistence, as `state_file` made
it) taken into the database once: chat settings and follow-up context; a hostile pickle
runs nothing."""

from __future__ import annotations

import datetime as dt
import os
import pickle
from pathlib import Path

import pytest
from telegram import Bot
from telegram.ext import PersistenceInput, PicklePersistence

from bot.state import Context, State, StateError, import_state_file, resolve_url
from bot.telegram.exchanges import Exchange

AT = 1_741_950_000.0  # 2025-03-14


async def write_state_file(path: Path) -> None:
    """What `newsbot serve` with `state_file` leaves behind (the same PTB class and options)."""
    keep = PersistenceInput(bot_data=False, user_data=False, callback_data=False)
    persistence = PicklePersistence(path, store_data=keep)
    persistence.set_bot(Bot("123456:TEST-TOKEN"))
    first = Exchange("Wie viele Soldaten?", None, ("nordkorea-soldaten",), 42, AT)
    second = Exchange("und warum?", first.as_context(), ("nordkorea-soldaten",), 42, AT + 60)
    await persistence.update_chat_data(-100123, {"autoanswer": True,
                                                 "exchanges": {7: first, 8: first, 9: second}})
    await persistence.update_chat_data(555, {"autoanswer": False})
    await persistence.flush()


async def test_the_old_state_file_is_taken_in_once(tmp_path: Path) -> None:
    old = tmp_path / "state.pickle"
    await write_state_file(old)
    url = resolve_url(tmp_path)
    with State.open(url, legacy_file=old) as state:
        assert state.settings.get(-100123).autoanswer is True
        assert state.settings.get(555).autoanswer is False
        at = dt.datetime.fromtimestamp(AT, dt.UTC)
        assert state.context.get(-100123, 7, at) == Context(
            "Wie viele Soldaten?", ("nordkorea-soldaten",), at, None, (), 42)
        follow = state.context.get(-100123, 9, at)
        assert follow is not None and follow.question == "und warum?"
        assert follow.previous_question == "Wie viele Soldaten?"
        assert follow.previous_article_ids == ("nordkorea-soldaten",)
        state.settings.set(555, autoanswer=True)  # changed since
    with State.open(url, legacy_file=old) as state:  # the next start: not taken in again
        assert state.settings.get(555).autoanswer is True
        assert import_state_file(state, old).skipped
    assert old.exists()  # left as it was


def test_a_missing_file_is_nothing_to_take_in(tmp_path: Path) -> None:
    with State.open(resolve_url(tmp_path), legacy_file=tmp_path / "none.pickle") as state:
        assert state.settings.get(1).autoanswer is None


class _Boom:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("touch pwned",))


def test_a_hostile_pickle_runs_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    bad = tmp_path / "state.pickle"
    bad.write_bytes(pickle.dumps({"chat_data": {1: {"autoanswer": _Boom()}}}))
    with pytest.raises(StateError, match="which the bot never stored there"):
        State.open(resolve_url(tmp_path), legacy_file=bad)
    assert not (tmp_path / "pwned").exists()
    (tmp_path / "junk.pickle").write_bytes(b"not a pickle at all")
    with State.open(resolve_url(tmp_path)) as state, pytest.raises(
            StateError, match="not the bot's old state file"):
        import_state_file(state, tmp_path / "junk.pickle")
