"""bot/state/updates.py: the updates bot replicas take and answer, on SQLite (the same SQL
runs on PostgreSQL in tests/test_scale_out.py): one replica takes an update, a retry is
told it is answered or still being answered, a silent replica's update is taken over
when its lease ran out unless it renewed it, and an update given back is free again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.state import State

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
LEASE = dt.timedelta(seconds=30)


def test_one_replica_takes_an_update_and_a_retry_sees_it_answered(tmp_path: Path) -> None:
    with State.open(f"sqlite:///{tmp_path / 'state.db'}") as state:
        updates = state.updates
        assert updates.take(7, "a", NOW, LEASE) == "mine"
        assert updates.take(7, "b", NOW, LEASE) == "busy"
        assert updates.take(7, "a", NOW, LEASE) == "mine"  # its own retry
        updates.answered(7, "a", NOW)
        assert updates.take(7, "b", NOW + dt.timedelta(days=1), LEASE) == "answered"


def test_a_silent_replicas_update_is_taken_over_after_its_lease(tmp_path: Path) -> None:
    with State.open(f"sqlite:///{tmp_path / 'state.db'}") as state:
        updates = state.updates
        assert updates.take(8, "a", NOW, LEASE) == "mine"
        later = NOW + LEASE + dt.timedelta(seconds=1)
        updates.renew(8, "a", later - dt.timedelta(seconds=5))  # still working
        assert updates.take(8, "b", later, LEASE) == "busy"
        assert updates.take(8, "b", later + LEASE, LEASE) == "mine"
        updates.answered(8, "a", later)  # the old owner's mark no longer counts
        assert updates.take(8, "c", later + LEASE, LEASE) == "busy"
        updates.answered(8, "b", later + LEASE)
        assert updates.take(8, "c", later + LEASE, LEASE) == "answered"


def test_an_update_given_back_is_free_and_old_ones_are_pruned(tmp_path: Path) -> None:
    with State.open(f"sqlite:///{tmp_path / 'state.db'}") as state:
        updates = state.updates
        assert updates.take(9, "a", NOW, LEASE) == "mine"
        updates.give_back(9, "a")
        assert updates.take(9, "b", NOW, LEASE) == "mine"
        updates.answered(9, "b", NOW)
        assert updates.prune(NOW + dt.timedelta(days=2)) == 1
        assert updates.take(9, "c", NOW + dt.timedelta(days=2), LEASE) == "mine"
