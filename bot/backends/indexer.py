"""The indexer role: the knowledge folder written into the shards.

One process writes (the feed poller, `newsbot add`, `newsbot index --backend xapian`,
or `serve` with NEWSBOT_ROLE=indexer, which writes again whenever it reloads); all
others only read. The knowledge folder stays what the articles are; `index_knowledge`
brings the shards to it: new and changed articles written, unchanged ones skipped (by
the sha of what was written), articles no longer in the folder removed. The writers
are NEWSBOT_SHARD_WRITERS when set (a remote shard's `xapian-tcpsrv --writable`), else
the first address of each shard.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from bot.backends.shards import parse_shards
from bot.backends.writer import ShardWriter, Written
from bot.errors import KnowledgeError
from bot.knowledge import load
from bot.settings import Settings

log = logging.getLogger(__name__)


def index_knowledge(settings: Settings, progress: Callable[[int], None] | None = None,
                    rebuild: bool = False) -> tuple[Written, list[KnowledgeError]]:
    """Write the settings' knowledge into the shards; what was done, and the files'
    errors (their articles are left as they were on the shards)."""
    started = time.perf_counter()
    kb = load(settings.knowledge_path())
    writer = ShardWriter(parse_shards(settings.writers or settings.shards))
    try:
        if rebuild:
            writer.remove(sorted(writer.ids()))
        done = writer.write(kb.articles, progress)
        broken = {e.path for e in kb.errors}
        kept = {a.id for a in kb.articles}
        gone = [i for i in sorted(writer.ids() - kept)]
        if broken:  # an article of a broken file keeps its last good version
            gone = []
        done.removed = writer.remove(gone)
    finally:
        writer.close()
    log.info("xapian: %d added, %d replaced, %d unchanged, %d removed, %d passages in %.1f s",
             done.added, done.replaced, done.unchanged, done.removed, done.passages,
             time.perf_counter() - started)
    return done, kb.errors
