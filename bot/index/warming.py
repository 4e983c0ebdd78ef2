"""Reading an opened index's files once, in the background, so that the questions that
follow do not wait for the disk.

The index is memory-mapped and read by position, so a page of it comes from the disk
the first time it is needed; on a machine that evicts idle page cache (this one pages
out what is not touched for a minute), each of the first questions then waits on a
dozen random reads of about 80 µs each. A thread reading the files from start to end
(800 MB/s here) puts them into the page cache, which is shared and reclaimable and not
this process's memory. Front ends that answer one question and exit do not warm.

The analysis data the first questions need (word frequencies, lemmas, the institutions
table: about a second of loading in all) are loaded by a thread of their own in the front
ends that wait for people (`serve`, `chat`); in a batch (`ask -`, `eval`) that thread
would hold the interpreter while the first answers are timed, so they load it lazily.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path

log = logging.getLogger(__name__)

CHUNK = 1 << 20


def warm(paths: Sequence[Path]) -> threading.Thread:
    """Start reading `paths` in a daemon thread (the read itself lets go of the GIL)."""
    def run() -> None:
        buffer = bytearray(CHUNK)
        for path in paths:
            try:
                with path.open("rb", buffering=0) as fh:
                    while fh.readinto(buffer):
                        pass
            except OSError as err:  # gone meanwhile (a rebuild): nothing to warm
                log.debug("index: not warmed: %s (%s)", path, err)

    thread = threading.Thread(target=run, name="newsbot-index-warm", daemon=True)
    thread.start()
    return thread


def warm_analysis(languages: Sequence[str]) -> threading.Thread:
    """Load, in a daemon thread, the data the first questions would otherwise wait for:
    the word frequencies and lemmas of each language (0.3–0.8 s each, bot/analysis.py),
    the table of institutions (bot/entities.py) and the dictionaries' typo matchers
    (0.3 s each, query._headword_near)."""
    def run() -> None:
        from bot import entities
        from bot.analysis import analyzer
        from bot.spelling import speller
        from bot.translate import dictionary_headwords

        for language in languages:
            analyzer(language).load_data()
        entities.table()
        for source in languages:
            for target in languages:
                if source != target:
                    speller(dictionary_headwords(source, target))

    thread = threading.Thread(target=run, name="newsbot-analysis-warm", daemon=True)
    thread.start()
    return thread
