"""The indexer's side: articles written into the shards, one writer per shard.

Only the indexer (the feed poller, `newsbot add`, `newsbot index --backend xapian`)
writes; every other process reads. The articles are analysed exactly as for the default
index (bot/index/build.py's `build_segment`, on all cores), and each passage goes to the
shard of its article (shards.shard_of) with the segment's terms and frequencies
(documents.py). A changed article (same id) replaces its old documents; an unchanged
one is skipped. Each batch is one commit per shard, so readers see whole articles.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from bot.backends import documents as docs
from bot.backends import xapianlib
from bot.backends.errors import BackendError
from bot.backends.shards import Shard, shard_of
from bot.index import build_segment, memory_store
from bot.models import Article

log = logging.getLogger(__name__)

BATCH = 20_000  # articles analysed and committed at a time

Progress = Callable[[int], None]


@dataclass
class Written:
    """What one write did."""

    added: int = 0  # articles new to the shards
    replaced: int = 0  # articles whose documents were written again
    unchanged: int = 0
    removed: int = 0
    passages: int = 0


class ShardWriter:
    """Writable databases of every shard (the first address of each)."""

    def __init__(self, shards: Sequence[Shard]) -> None:
        self.shards = list(shards)
        try:
            self.dbs = [xapianlib.open_shard(s.addresses[0], writable=True) for s in shards]
        except Exception as error:
            if not xapianlib.is_xapian(error):
                raise
            raise BackendError(f"cannot open the shards for writing ({error}) — is another "
                               "writer running? A remote shard needs xapian-tcpsrv "
                               "--writable") from error
        self._written: list[dict[str, str]] | None = None

    def close(self) -> None:
        for db in self.dbs:
            db.close()

    def written(self) -> list[dict[str, str]]:
        """Per shard: article id -> the sha of what was written."""
        if self._written is None:
            self._written = []
            for db in self.dbs:
                found = {}
                for key in db.metadata_keys("h:"):
                    article_id, _, sha = key.decode("utf-8")[2:].rpartition(":")
                    found[article_id] = sha
                self._written.append(found)
        return self._written

    def ids(self) -> set[str]:
        return {i for shard in self.written() for i in shard}

    def write(self, articles: Sequence[Article], progress: Progress | None = None,
              ) -> Written:
        """Write the articles that are new or changed (in batches of BATCH)."""
        done = Written()
        written = self.written()
        todo: list[tuple[Article, str]] = []
        for article in articles:
            sha = docs.article_sha(article)
            if written[shard_of(article.id, len(self.dbs))].get(article.id) == sha:
                done.unchanged += 1
                if progress:
                    progress(len(article.paragraphs))
            else:
                todo.append((article, sha))
        for start in range(0, len(todo), BATCH):
            self._write_batch(todo[start:start + BATCH], done, progress)
        return done

    def remove(self, article_ids: Iterable[str]) -> int:
        """Remove articles (all their documents and records); how many there were."""
        written = self.written()
        removed = 0
        for article_id in article_ids:
            shard = shard_of(article_id, len(self.dbs))
            if article_id in written[shard]:
                self._delete(shard, article_id)
                removed += 1
        for db in self.dbs:
            db.commit()
        return removed

    def _write_batch(self, batch: list[tuple[Article, str]], done: Written,
                     progress: Progress | None) -> None:
        articles = [a for a, _ in batch]
        store = memory_store(build_segment(articles))
        seg_terms = _document_terms(store)
        written = self.written()
        for number, (article, sha) in enumerate(batch):
            shard = shard_of(article.id, len(self.dbs))
            if article.id in written[shard]:
                self._delete(shard, article.id)
                done.replaced += 1
            else:
                done.added += 1
            self._add(shard, store, number, article, sha, seg_terms)
            done.passages += store.passage_count(number)
            if progress:
                progress(len(article.paragraphs))
        for db in self.dbs:
            db.commit()

    def _add(self, shard: int, store: Any, number: int, article: Article, sha: str,
             seg_terms: dict[int, tuple[float, dict[str, int]]]) -> None:
        db = self.dbs[shard]
        lo, hi = int(store.core.art_pass[number]), int(store.core.art_pass[number + 1])
        first = last = 0
        length = 0.0
        totals: dict[str, int] = {}
        for p in range(lo, hi):
            passage = store.passage(p)
            doc_len, tfs = seg_terms.get(p, (0.0, {}))
            docid = int(db.add_document(docs.make_document(passage, doc_len, tfs)))
            if first and docid != last + 1:
                raise BackendError(f"shard {shard}: documents of {article.id} are not "
                                   "consecutive — is a second writer running?")
            first, last = first or docid, docid
            length += doc_len
            for term, tf in tfs.items():
                totals[term] = totals.get(term, 0) + tf
        meta = store.article_meta(number)
        meta.update(passages=hi - lo, first=first, length=length, sha=sha)
        db.set_metadata(docs.article_key(article.id), _json(meta))
        db.set_metadata(docs.paragraphs_key(article.id),
                        _json([[p.text, p.section] for p in article.paragraphs]))
        db.set_metadata(docs.stats_key(article.id), _json(totals))
        db.set_metadata(docs.written_key(article.id, sha), "1")
        _count(db, article.language, length, 1)
        self.written()[shard][article.id] = sha

    def _delete(self, shard: int, article_id: str) -> None:
        db = self.dbs[shard]
        old = db.get_metadata(docs.article_key(article_id))
        if old:
            meta = json.loads(old)
            _count(db, meta["language"], -float(meta.get("length", 0.0)), -1)
        db.delete_document("A" + article_id)
        for key in (docs.article_key(article_id), docs.paragraphs_key(article_id),
                    docs.stats_key(article_id)):
            db.set_metadata(key, "")
        sha = self.written()[shard].pop(article_id, None)
        if sha is not None:
            db.set_metadata(docs.written_key(article_id, sha), "")


def _count(db: Any, language: str, length: float, articles: int) -> None:
    for what, add in (("length", length), ("articles", articles)):
        key = docs.counter(language, what)
        old = db.get_metadata(key)
        db.set_metadata(key, repr(float(old or 0) + add))


def _document_terms(store: Any) -> dict[int, tuple[float, dict[str, int]]]:
    """Passage number -> (length, {term: frequency}) from the store's postings (the
    CSR postings of each language turned around: documents' term lists)."""
    out: dict[int, tuple[float, dict[str, int]]] = {}
    for language, index in store.indexes.items():
        numbers = store.doc_passages[language]
        shift = 0
        for part_terms, offsets, doc_ids, tfs, lengths in index.parts():
            first, shift = shift, shift + len(lengths)
            if not len(doc_ids):
                continue
            term_of = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
            order = np.argsort(doc_ids, kind="stable")
            by_doc = doc_ids[order]
            starts = np.searchsorted(by_doc, np.arange(len(lengths) + 1))
            for doc in range(len(lengths)):
                a, z = int(starts[doc]), int(starts[doc + 1])
                picked = order[a:z]
                found = {part_terms[t]: int(f)
                         for t, f in zip(term_of[picked].tolist(), tfs[picked].tolist(),
                                         strict=True)}
                out[int(numbers[first + doc])] = (float(lengths[doc]), found)
    return out


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
