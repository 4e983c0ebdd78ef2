"""One language's BM25 over the Xapian shards (a SearchIndex, bot/backends/protocol.py).

Xapian finds the candidates: the query groups as OP_SYNONYM queries (Pirkola: the
group's frequencies summed) scaled by their weights (OP_SCALE_WEIGHT), OR-ed, ranked
by Xapian's BM25Weight with k1 = 1.5, b = 0.75, k2 = k3 = 0, min_normlen = 0, over all
shards at once (statistics are global across shards). Its BM25 is not BM25Okapi's:
idf is log((N - n + 0.5) / (n + 0.5)) with the ratio lifted to ratio / 2 + 1 below 2
(never negative) where BM25Okapi floors a negative idf at 0.25 x the mean idf; N and
the average length are the whole shard's (all languages) where newsbot's are the
language's; and a synonym's document frequency is Xapian's estimate of the union where
newsbot takes the group's largest. So the best FETCH x k of Xapian's ranking are
scored again here exactly as the default index scores them (BM25Okapi over the
language's documents, from each document's stored frequencies and length, the
shards' per-language counters and document frequencies), and the best k of those are
the hits. Their scores equal the default backend's; only which passages get that
far can differ (docs/scale-out.md has the numbers).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.backends import documents as docs
from bot.backends import xapianlib
from bot.backends.connection import Connection, Readers
from bot.backends.errors import BackendError

FETCH = 3  # Xapian's top FETCH x k are scored exactly; the best k are the hits
MIN_FETCH = 24


@dataclass(frozen=True)
class Stats:
    """One language's statistics over all shards, at one revision."""

    n_docs: int
    avgdl: float
    articles: int
    length: float


class Terms:
    """Numbers for the terms that queries use, the same in every thread (a term keeps
    its number; at most as many as the vocabulary has terms)."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._terms: list[str] = []
        self._lock = threading.Lock()

    def number(self, term: str) -> int:
        found = self._ids.get(term)
        if found is None:
            with self._lock:
                found = self._ids.setdefault(term, len(self._terms))
                if found == len(self._terms):
                    self._terms.append(term)
        return found

    def term(self, number: int) -> str:
        return self._terms[number]


class XapianIndex:
    """BM25 of one language over the shards; scores like the default index's."""

    k1 = 1.5
    b = 0.75
    epsilon = 0.25

    def __init__(self, readers: Readers, language: str) -> None:
        self.readers = readers
        self.language = language
        self.terms = Terms()
        self.vocab = XapianVocabulary(self)

    # -- statistics -----------------------------------------------------------------

    def here(self) -> Connection:
        return self.readers.here()

    def df(self, term: str, conn: Connection | None = None) -> int:
        c = conn or self.here()
        text = docs.text_term(self.language, term)
        return c.remember(("df", text), lambda: int(c.read(lambda: c.all.get_termfreq(text))))

    def stats(self, conn: Connection | None = None) -> Stats:
        c = conn or self.here()
        return c.remember(("stats", self.language), lambda: c.read(lambda: self._stats(c)))

    def _stats(self, c: Connection) -> Stats:
        n = int(c.all.get_termfreq("L" + self.language))
        length = sum(float(db.get_metadata(docs.counter(self.language, "length")) or 0)
                     for db in c.dbs)
        articles = sum(int(float(db.get_metadata(docs.counter(self.language, "articles"))
                                 or 0)) for db in c.dbs)
        return Stats(n, length / n if n else 0.0, articles, length)

    @property
    def n_docs(self) -> int:
        return self.stats().n_docs

    @property
    def doc_len(self) -> npt.NDArray[np.float32]:
        raise BackendError("a Xapian index's document lengths are read per question "
                           "(Collection.around), not as one array")

    def term_ids(self, terms: Sequence[str]) -> list[int]:
        conn = self.here()
        return [self.terms.number(t) for t in terms if self.df(t, conn) > 0]

    def _idf(self, df: float, n: int) -> float:
        """log((N - df + 0.5) / (df + 0.5)) worked out as the default index does (numpy's
        array log, which can differ from math.log in the last bit)."""
        logs = np.log(np.array([n - df + 0.5, df + 0.5], dtype=np.float64))
        return float(logs[0] - logs[1])

    def group_idf(self, term_ids: Sequence[int]) -> float:
        """BM25Okapi's idf of the group's largest document frequency (floored at
        epsilon x the mean idf of the language's terms, as BM25Okapi floors it)."""
        conn = self.here()
        n = self.stats(conn).n_docs
        df = max(self.df(self.terms.term(t), conn) for t in term_ids)
        idf = self._idf(df, n)
        return idf if idf >= 0 else self.epsilon * self._mean_idf(conn)

    def _mean_idf(self, c: Connection) -> float:
        """The mean idf of all the language's terms (read once per revision: only a term
        in more than half of the documents needs it)."""
        def mean() -> float:
            n = self.stats(c).n_docs
            prefix = docs.text_term(self.language, "")
            idfs = [self._idf(item.termfreq, n) for item in c.all.allterms(prefix)]
            return float(np.cumsum(idfs)[-1] / len(idfs)) if idfs else 0.0
        return c.remember(("mean idf", self.language), lambda: c.read(mean))

    # -- documents ------------------------------------------------------------------

    def documents(self, numbers: Sequence[int], conn: Connection | None = None,
                  ) -> dict[int, dict[str, Any]]:
        """The stored data of documents (newsbot numbers), read once per revision; a
        document that is gone is left out."""
        c = conn or self.here()
        out: dict[int, dict[str, Any]] = {}
        for doc in numbers:
            data = c.cache.get(("doc", doc))
            if data is None:
                data = c.read(partial(_read_doc, c, doc))
                if data is not None:
                    c.put(("doc", doc), data)
            if data is not None:
                out[doc] = data
        return out

    def score(self, groups: Sequence[Sequence[int]], data: Mapping[str, Any], stats: Stats,
              idfs: Sequence[float]) -> float:
        """BM25Okapi of one document, from its stored frequencies and length."""
        k1, b = self.k1, self.b
        tfs = data["tf"]
        norm = k1 * (1 - b + b * float(data["dl"]) / stats.avgdl) if stats.avgdl > 0 else k1
        total = 0.0
        for group, idf in zip(groups, idfs, strict=True):
            tf = float(sum(tfs.get(self.terms.term(t), 0) for t in group))
            if tf:
                total += idf * (tf * (k1 + 1) / (tf + norm))
        return total

    def _idfs(self, groups: Sequence[Sequence[int]], weights: Sequence[float] | None,
              ) -> list[float]:
        return [self.group_idf(g) * (weights[i] if weights is not None else 1.0) if g else 0.0
                for i, g in enumerate(groups)]

    # -- search ---------------------------------------------------------------------

    def top(self, groups: Sequence[Sequence[int]], k: int,
            weights: Sequence[float] | None = None) -> list[tuple[int, float]]:
        """The k best documents, best first (see the module's docstring)."""
        live = [(i, g) for i, g in enumerate(groups) if g]
        if k <= 0 or not live:
            return []
        conn = self.here()
        conn.fresh()
        queries = [xapianlib.synonym([docs.text_term(self.language, self.terms.term(t))
                                      for t in g], weights[i] if weights is not None else 1.0)
                   for i, g in live]
        query = xapianlib.either(queries)
        fetch = max(FETCH * k, MIN_FETCH)
        found = conn.read(lambda: self._match(conn, query, fetch))
        got = self.documents(found, conn)
        stats, idfs = self.stats(conn), self._idfs(groups, weights)
        scored = [(doc, self.score(groups, got[doc], stats, idfs)) for doc in found if doc in got]
        scored.sort(key=lambda s: (-s[1], s[0]))
        return scored[:k]

    def _match(self, c: Connection, query: Any, fetch: int) -> list[int]:
        mset = xapianlib.enquire(c.all, query, xapianlib.bm25(self.k1, self.b)).get_mset(
            0, fetch)
        mset.fetch()
        shards = len(c.dbs)
        out = []
        for item in mset:
            doc = docs.from_combined(int(item.docid), shards)
            c.put(("doc", doc), json.loads(item.document.get_data()))
            out.append(doc)
        return out

    def score_docs(self, groups: Sequence[Sequence[int]], doc_numbers: Sequence[int],
                   weights: Sequence[float] | None = None) -> dict[int, float]:
        """Exact BM25 scores of the given documents (0 for one that is gone)."""
        conn = self.here()
        got = self.documents(doc_numbers, conn)
        stats, idfs = self.stats(conn), self._idfs(groups, weights)
        return {d: self.score(groups, got[d], stats, idfs) if d in got else 0.0
                for d in doc_numbers}

    def postings(self, term_ids: Sequence[int]) -> tuple[
            npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Every document with any of the terms and their summed frequencies, read from
        the shards' posting lists (correct, but slow for a common term: answering reads
        a question's view instead, xapian_view.py)."""
        conn = self.here()
        found: dict[int, float] = {}
        for t in term_ids:
            text = docs.text_term(self.language, self.terms.term(t))
            for shard in range(len(conn.dbs)):
                for post in conn.read(partial(_postlist, conn, shard, text)):
                    doc = docs.doc_number(shard, int(post.docid))
                    found[doc] = found.get(doc, 0.0) + float(post.wdf)
        numbers = np.array(sorted(found), dtype=np.int64)
        return numbers, np.array([found[int(d)] for d in numbers], dtype=np.float64)

    def score_groups(self, groups: Sequence[Sequence[int]],
                     weights: Sequence[float] | None = None,
                     ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Scores of every matching document (through `postings`: slow when common)."""
        matching = sorted({int(d) for g in groups if g for d in self.postings(g)[0]})
        scores = self.score_docs(groups, matching, weights)
        return (np.array(matching, dtype=np.int64),
                np.array([scores[d] for d in matching], dtype=np.float64))


def _postlist(c: Connection, shard: int, term: str) -> list[Any]:
    return list(c.dbs[shard].postlist(term))


def _read_doc(c: Connection, doc: int) -> dict[str, Any] | None:
    shard, docid = docs.split_doc(doc)
    if shard >= len(c.dbs):
        return None
    try:
        data = c.dbs[shard].get_document(docid).get_data()
    except Exception as error:
        if type(error).__name__ == "DocNotFoundError":
            return None
        raise
    value: dict[str, Any] = json.loads(data)
    return value


class XapianVocabulary(Mapping[str, int]):
    """The language's terms on the shards: term -> its number in queries (`Terms`);
    `spelled_like` gives the speller (bot/spelling.py) one group of them."""

    def __init__(self, index: XapianIndex) -> None:
        self._index = index

    def __getitem__(self, term: str) -> int:
        if not isinstance(term, str) or self._index.df(term) == 0:
            raise KeyError(term)
        return self._index.terms.number(term)

    def __contains__(self, term: object) -> bool:
        return isinstance(term, str) and self._index.df(term) > 0

    def _all(self, start: str = "") -> Iterator[str]:
        conn = self._index.here()
        prefix = docs.text_term(self._index.language, "")
        items = conn.read(lambda: [i.term for i in conn.all.allterms(prefix + start)])
        for raw in items:
            yield raw.decode("utf-8")[len(prefix):]

    def __iter__(self) -> Iterator[str]:
        return self._all()

    def __len__(self) -> int:
        conn = self._index.here()
        return conn.remember(("terms", self._index.language), lambda: sum(1 for _ in self._all()))

    def spelled_like(self, first: str, length: int) -> list[str]:
        """The terms that start with `first` and are `length` characters long."""
        conn = self._index.here()
        group = conn.remember(("first", self._index.language, first),
                              lambda: list(self._all(first)))
        return [t for t in group if len(t) == length]
