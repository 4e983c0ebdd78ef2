"""Warming: what the first questions would wait for is loaded in the background."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
from bot import entities, spelling
from bot.index.warming import warm_analysis
from bot.wordfreqs import frequencies
before = (frequencies.cache_info().currsize, entities.table.cache_info().currsize,
          len(spelling._spellers))
thread = warm_analysis(["de", "en"])
thread.join(60)
after = (frequencies.cache_info().currsize, entities.table.cache_info().currsize,
         len(spelling._spellers))
print(thread.daemon, thread.is_alive(), before, after)
"""


def test_the_analysis_data_are_loaded_in_a_daemon_thread() -> None:
    # in a process of its own: this one has loaded them long ago
    run = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                         timeout=120, check=True)
    assert run.stdout.split(None, 2) == ["True", "False", "(0, 0, 0) (2, 1, 2)\n"]
