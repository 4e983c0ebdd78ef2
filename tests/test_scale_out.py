"""The scale-out topology from the outside (benchmarks/topology.py): PostgreSQL, two Xapian
shards each with a read replica (xapian-tcpsrv, xapian-replicate), three
`newsbot serve --replica` processes behind nginx, the fake Bot API as Telegram.

A smaller run of benchmarks/scale_out.py: questions POSTed through the proxy with
Telegram-style retries, a share of them sent a second time straight to another
replica, one bot replica and one shard's read replica killed mid-run — every question
is answered exactly once; then, the stopped replicas started again, an article added
through the indexer is answered by every replica. The articles and questions are
XQuAD's when ../shared/eval is beside the repository, else the repository's own
(benchmarks/scale_out.py: a clean clone, CI).
Skipped, saying why, when Debian's xapian-tools, postgresql or nginx are missing
(.ci/run installs them).
"""

from __future__ import annotations

import importlib.util
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks import scale_out
from benchmarks.topology import MISSING, Topology

pytestmark = [
    pytest.mark.skipif(bool(MISSING), reason=f"{', '.join(MISSING)} not installed "
                       "(apt-get install xapian-tools postgresql nginx; .ci/run does)"),
    pytest.mark.skipif(importlib.util.find_spec("xapian") is None
                       or importlib.util.find_spec("psycopg") is None,
                       reason="the Xapian bindings or psycopg are missing "
                              "(pip install -e '.[dev]')"),
]


@pytest.fixture(scope="module")
def topology(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Topology]:
    base = tmp_path_factory.mktemp("scale-out")
    knowledge = base / "knowledge"
    knowledge.mkdir()
    scale_out.knowledge_into(knowledge)
    with Topology(base / "run", knowledge, lease=3.0) as top:
        yield top


def test_every_question_is_answered_once_while_a_replica_stops_and_a_shard_copy_dies(
        topology: Topology) -> None:
    report = scale_out.load_run(topology, 80, duplicated=0.25, how=signal.SIGTERM)
    assert report.killed, "nothing was killed mid-run"
    assert "replica-0" not in topology.processes and "copy-0" not in topology.processes
    assert report.duplicates == 20
    assert report.lost == [] and report.doubled == [], report.table()
    assert report.answered_once == 80


def test_no_question_is_lost_when_a_replica_is_killed(topology: Topology) -> None:
    report = scale_out.load_run(topology, 60, duplicated=0.25, how=signal.SIGKILL, replica=1,
                                first_chat=200_000)
    assert "replica-1" not in topology.processes
    assert report.lost == [], report.table()
    # at least once: only an update whose answer went out in the instant before its
    # replica died can be answered again (docs/scale-out.md)
    assert report.answered_once + len(report.doubled) == 60


def test_an_article_added_through_the_indexer_is_answered_by_every_replica(
        topology: Topology) -> None:
    report = scale_out.Report()
    scale_out.propagation(topology, report, timeout=120)  # the stopped replicas restarted
    assert topology.live_replicas() == [0, 1, 2]
    assert sorted(report.propagation) == [0, 1, 2], report.table()
    assert Path(topology.knowledge / "zirkonblau-expedition.yaml").is_file()
