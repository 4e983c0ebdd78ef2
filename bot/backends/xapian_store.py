"""Articles and passages on the Xapian shards (an ArticleStore, protocol.py).

Article numbers are this process's own: an article gets the next number when it is
first asked for or listed, and keeps it (a number is never given to another article,
so a question that holds one is never misled by an article arriving meanwhile). A
listing (`n_articles`, for /sources and the catalog) reads the ids on the shards
when their counts changed; an article removed since keeps its number and reads as
removed (`article_meta` gives `removed: true`) until the process restarts.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Sequence
from functools import partial
from typing import Any

from bot.backends import documents as docs
from bot.backends.connection import Connection, Readers
from bot.backends.shards import Shard, shard_of
from bot.backends.xapian_index import XapianIndex
from bot.index.strings import Analyses
from bot.models import Article, Paragraph, Passage

LANGUAGES = ("de", "en")


class ArticleNumbers:
    """Article id <-> this process's article number."""

    def __init__(self, store: XapianStore) -> None:
        self._store = store
        self._ids: dict[str, int] = {}
        self._keys: list[str] = []
        self._lock = threading.Lock()

    def add(self, article_id: str) -> int:
        with self._lock:
            number = self._ids.setdefault(article_id, len(self._keys))
            if number == len(self._keys):
                self._keys.append(article_id)
        return number

    def get(self, key: str, default: Any = None) -> Any:
        number = self._ids.get(key)
        if number is None and self._store.record(key) is not None:
            number = self.add(key)
        return default if number is None else number

    def __getitem__(self, key: str) -> int:
        number = self.get(key)
        if number is None:
            raise KeyError(key)
        return int(number)

    def key(self, number: int) -> str:
        return self._keys[number]

    def __len__(self) -> int:
        return len(self._keys)


class XapianStore:
    """What the engine reads of the articles, from the shards' records and documents."""

    def __init__(self, shards: Sequence[Shard], languages: Sequence[str] = LANGUAGES) -> None:
        self.readers = Readers(shards)
        self.shards = list(shards)
        every = {language: XapianIndex(self.readers, language) for language in languages}
        # the languages the shards hold passages of (one that arrives later is served
        # from the next load: a restart or /reload)
        self.indexes = {lang: index for lang, index in every.items() if index.n_docs} or every
        self.analyses: dict[str, Analyses] = {}
        self.ids = ArticleNumbers(self)
        addresses = ",".join("|".join(s.addresses) for s in shards)
        self.manifest: dict[str, Any] = {"fingerprint": f"xapian:{addresses}", "files": {}}
        self._listed: tuple[int, ...] = ()

    def here(self) -> Connection:
        return self.readers.here()

    def record(self, article_id: str, part: str = "a") -> Any:
        """An article's record (`a`), paragraphs (`p`) or term counts (`s`), if it is on
        its shard."""
        c = self.here()
        key = f"{part}:{article_id}"
        shard = shard_of(article_id, len(self.shards))
        raw = c.remember(("meta", key), lambda: c.read(lambda: c.dbs[shard].get_metadata(key)))
        return json.loads(raw) if raw else None

    def warm(self) -> None:
        """Nothing to read ahead: the shards' servers keep their own caches."""

    def close(self) -> None:
        self.here().close()

    # -- articles -------------------------------------------------------------------

    @property
    def n_articles(self) -> int:
        c = self.here()
        c.fresh()
        counts = tuple(c.read(lambda: [
            int(float(db.get_metadata(docs.counter(lang, "articles")) or 0))
            for db in c.dbs for lang in self.indexes]))
        if counts != self._listed:
            for shard in range(len(c.dbs)):
                for key in c.read(partial(_keys, c, shard, "a:")):
                    self.ids.add(key.decode("utf-8")[2:])
            self._listed = counts
        return len(self.ids)

    @property
    def n_passages(self) -> int:
        c = self.here()
        return int(c.read(lambda: c.all.get_doccount()))

    def article_id(self, number: int) -> str:
        return self.ids.key(number)

    def article_meta(self, number: int) -> dict[str, Any]:
        article_id = self.ids.key(number)
        meta = self.record(article_id)
        return meta if meta is not None else {"id": article_id, "title": article_id,
                                              "removed": True, "passages": 0}

    def article_language(self, number: int) -> str:
        return str(self.article_meta(number).get("language", "de"))

    def passage_count(self, number: int) -> int:
        return int(self.article_meta(number).get("passages", 0))

    def language_articles(self, language: str) -> int:
        return self.indexes[language].stats().articles if language in self.indexes else 0

    def article(self, number: int, text: bool = True) -> Article:
        meta = self.article_meta(number)
        paragraphs = tuple(Paragraph(t, s) for t, s in
                           (self.record(meta["id"], "p") or [])) if text else ()

        def date(value: str | None) -> dt.date | None:
            return dt.date.fromisoformat(value) if value else None

        return Article(
            id=meta["id"], title=meta.get("title", meta["id"]),
            language=meta.get("language", "de"), paragraphs=paragraphs,
            published=date(meta.get("published")), updated=date(meta.get("updated")),
            source=meta.get("source"), url=meta.get("url"), author=meta.get("author"),
            path=meta.get("path"))

    # -- passages and documents -----------------------------------------------------

    def passage(self, number: int) -> Passage:
        meta = self._document(number)
        if meta is None:
            raise KeyError(f"passage {number} is no longer on its shard")
        return docs.passage_of(meta)

    def _document(self, number: int) -> dict[str, Any] | None:
        language = next(iter(self.indexes))
        return self.indexes[language].documents([number]).get(number)

    def passage_number(self, passage_id: str) -> int | None:
        c = self.here()
        article_id = passage_id.partition("#")[0]
        shard = shard_of(article_id, len(self.shards))

        def find() -> int | None:
            for post in c.dbs[shard].postlist("Q" + passage_id):
                return docs.doc_number(shard, int(post.docid))
            return None

        return c.read(find)

    def article_docs(self, language: str, doc: int) -> tuple[int, int]:
        """The documents of the article of document `doc` (consecutive on its shard)."""
        data = self._document(doc)
        meta = self.record(data["a"]) if data is not None else None
        if meta is None:
            return doc, doc + 1
        first = docs.doc_number(docs.split_doc(doc)[0], int(meta["first"]))
        return first, first + int(meta["passages"])

    def first_doc(self, language: str, number: int) -> int | None:
        meta = self.article_meta(number)
        if meta.get("removed") or meta.get("language") != language or not meta.get("passages"):
            return None
        return docs.doc_number(shard_of(meta["id"], len(self.shards)), int(meta["first"]))


def _keys(c: Connection, shard: int, prefix: str) -> list[bytes]:
    return list(c.dbs[shard].metadata_keys(prefix))
