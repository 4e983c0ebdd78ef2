"""Updating a saved index in place: the articles of added or changed knowledge files in a
segment folder of their own, those of changed or removed files killed by tombstones
(index.deletions), and everything merged into one folder (index.compaction) once the
segments or the dead passages grow past a bound.

Nothing the old manifest lists is rewritten: a new `segment-N/` and a new `deleted-N/`
are written beside it, then the manifest that lists them replaces the old one in one
rename. A crash before that leaves the old index as it was (the unlisted folders are
overwritten or removed by the next update); one after it leaves the new one. A merge
writes a whole new folder and renames it into place (files.write), as a build does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.index.compaction import compacted
from bot.index.deletions import Deletions, remove_unlisted, write_deletions
from bot.index.files import remove_stale_folders, stat_of, write
from bot.index.folder import Folder, folder_of
from bot.index.layout import MANIFEST
from bot.index.manifest import read_manifest, replace_manifest
from bot.index.segment import Segment
from bot.index.store import Store
from bot.index.tombstones import tombstoned

# New articles go into a segment folder of their own (nothing of the index is rewritten)
# while all segments hold at most SEGMENT_SHARE of the base folder's passages and there
# are at most MAX_SEGMENTS; dead articles stay as tombstones while their passages are
# at most DEAD_SHARE of it. Past either bound, everything is merged into one folder.
SEGMENT_SHARE = 0.1
MAX_SEGMENTS = 16
DEAD_SHARE = 0.1
# Tombstones are worked out from the dead articles' texts (index.tombstones): when more
# than this share of all passages dies at once (a large JSON Lines file rewritten),
# building the live articles anew costs no more, and the index is rebuilt.
REBUILD_SHARE = 0.5


def worth_a_rebuild(store: Store, dead: Sequence[int]) -> bool:
    """Whether so many passages die that a rebuild is the cheaper update."""
    return store.passages_of(dead) > REBUILD_SHARE * store.stored_passages


def deletions_for(store: Store, dead: Sequence[int], seg: Segment) -> Deletions:
    """The tombstones of `store` once the stored articles `dead` die and `seg` is added
    (none when nothing is or was dead)."""
    if not dead and not store.deletions:
        return Deletions()
    return tombstoned(store, sorted(dead), seg)


def as_segment(manifest: dict[str, Any], store: Store, seg: Segment,
               deletions: Deletions) -> bool:
    """Keep `seg` as a segment and the dead articles as tombstones, or merge anew?"""
    base = int(manifest.get("passages", 0))
    segments = len(manifest.get("segments", [])) + bool(seg.ids)
    in_segments = store.stored_passages - base + len(seg.pass_para)
    return ((not seg.ids or bool(seg.pass_para)) and segments <= MAX_SEGMENTS
            and in_segments <= SEGMENT_SHARE * base and deletions.passages <= DEAD_SHARE * base)


def add_segment(directory: Path, manifest: dict[str, Any], info: dict[str, Any],
                seg: Segment, deletions: Deletions) -> dict[str, Any]:
    """Save `seg` (if it holds articles) as a segment folder and `deletions` as a
    tombstones folder of the index at `directory`, then list them in its manifest
    (replaced in one step); the new manifest."""
    remove_stale_folders(directory)  # the temporary folders of killed builds beside it
    segments = list(manifest.get("segments", []))
    stats = dict(manifest.get("stats", {}))
    if seg.ids:
        name = f"segment-{len(segments) + 1}"
        written = write(directory / name, folder_of(seg), {"fingerprint": manifest["fingerprint"]})
        raw = (directory / name / MANIFEST).read_bytes()
        segments.append({"dir": name, "sha256": hashlib.sha256(raw).hexdigest(),
                         "passages": len(seg.pass_para)})
        stats.update({f"{name}/{file}": stat for file, stat in written.items()})
        stats[f"{name}/{MANIFEST}"] = stat_of(directory / name / MANIFEST)
    previous = (manifest.get("deleted") or {}).get("dir")
    top = {**manifest, **info, "segments": segments}
    top.pop("deleted", None)
    if previous:
        stats = {k: v for k, v in stats.items() if not k.startswith(f"{previous}/")}
    keep = None
    if deletions:
        entry, written = write_deletions(directory, deletions, previous)
        top["deleted"], keep = entry, entry["dir"]
        stats.update(written)
    top["stats"] = stats
    replace_manifest(directory, top)
    remove_unlisted(directory, keep, previous)
    return top


def merge(directory: Path, info: dict[str, Any], store: Store, seg: Segment,
          deletions: Deletions) -> tuple[Folder, dict[str, Any] | None]:
    """Everything live in `store` and `seg` as one folder, written over the index at
    `directory` when it can be (its manifest then, else None)."""
    folder = compacted(store, seg, deletions)
    try:
        write(directory, folder, info)
    except OSError:
        return folder, None
    return folder, read_manifest(directory)
