"""Which shard holds what: the shard list of the settings, and an article's shard.

`NEWSBOT_SHARDS` (or `shards:` in the config) lists the shards in order, comma-separated;
each is a folder or `tcp://host:port`, and may name copies of itself after `|`
(`tcp://10.0.0.5:7001|tcp://10.0.0.6:7001`: the primary's xapian-tcpsrv and its read
replica's) which a reader tries in turn when one goes away. An article goes to shard
`stable_hash(id) % shards`, so all of its passages are on one shard and every process
agrees where, whatever the order they see articles in. Changing the number of shards
moves articles: write the knowledge again (`newsbot index --backend xapian --rebuild`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass

from bot.backends.errors import BackendError


@dataclass(frozen=True)
class Shard:
    """One shard: its place in the list and the addresses that serve it, first the one
    to try first."""

    number: int
    addresses: tuple[str, ...]

    def for_reader(self, seed: int | None = None) -> tuple[str, ...]:
        """The addresses in the order a reader tries them: rotated by `seed` (the
        process id by default), so that readers spread over the copies."""
        turn = (os.getpid() if seed is None else seed) % len(self.addresses)
        return self.addresses[turn:] + self.addresses[:turn]


def parse_shards(spec: str | Sequence[str]) -> list[Shard]:
    """The shards of `spec`: "a,b|b2" or ["a", "b|b2"]."""
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    shards: list[Shard] = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        addresses = tuple(a.strip() for a in item.split("|") if a.strip())
        shards.append(Shard(len(shards), addresses))
    if not shards:
        raise BackendError("the xapian backend needs its shards — set NEWSBOT_SHARDS "
                           "(e.g. tcp://127.0.0.1:7001,tcp://127.0.0.1:7002) or a folder")
    return shards


def stable_hash(article_id: str) -> int:
    """A number of the article id that is the same in every process and on every machine
    (Python's hash() is salted per process)."""
    return int.from_bytes(hashlib.blake2b(article_id.encode("utf-8"), digest_size=8).digest(),
                          "big")


def shard_of(article_id: str, count: int) -> int:
    return stable_hash(article_id) % count
