"""bot/state/budget.py: the flood budget bot replicas share — a window grants at most its
limit, windows are independent, those over are pruned, and concurrent takers on
PostgreSQL (as replicas are) are granted exactly the limit between them."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from test_state_postgres import pg_url  # noqa: F401  (the module's PostgreSQL server)
from test_state_postgres import pytestmark as needs_postgresql

from bot.state import State

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
SECOND = dt.timedelta(seconds=1)


def test_a_window_grants_its_limit_and_no_more(tmp_path: Path) -> None:
    with State.open(f"sqlite:///{tmp_path / 'state.db'}") as state:
        budget = state.budget
        granted = [budget.take("all:100", 30, NOW + SECOND) for _ in range(35)]
        assert granted == [True] * 30 + [False] * 5
        assert budget.take("all:101", 30, NOW + 2 * SECOND)  # the next second's is free
        assert budget.take("chat:-1001:7", 20, NOW + 60 * SECOND)
        assert not budget.take("chat:-1002:7", 0, NOW)  # a zero limit grants nothing
        assert budget.windows() == {"all:100": 30, "all:101": 1, "chat:-1001:7": 1}


def test_windows_that_are_over_are_pruned(tmp_path: Path) -> None:
    with State.open(f"sqlite:///{tmp_path / 'state.db'}") as state:
        budget = state.budget
        budget.take("all:100", 30, NOW + SECOND)
        budget.take("all:200", 30, NOW + 100 * SECOND)
        assert budget.prune(NOW + 50 * SECOND) == 1
        assert budget.windows() == {"all:200": 1}


@needs_postgresql[0]
@needs_postgresql[1]
def test_concurrent_replicas_on_postgresql_share_one_limit(pg_url: str) -> None:  # noqa: F811
    with State.open(pg_url) as state, ThreadPoolExecutor(8) as pool:
        state.budget.prune(NOW + dt.timedelta(days=1))
        granted = list(pool.map(lambda _: state.budget.take("all:300", 30, NOW + SECOND),
                                range(200)))
        assert sum(granted) == 30
        assert state.budget.windows()["all:300"] == 30
