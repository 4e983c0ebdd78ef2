"""The answer engine: knowledge in, `answer(question)` out, for every front end.

One BM25 collection per article language. A question is analysed once, turned into
a query per collection (translated when the languages differ), and the candidates of
all collections are merged by their re-ranking score.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot import semantic
from bot.answering import CANDIDATES, Scored, rank
from bot.confidence import THRESHOLD as FOUND_THRESHOLD
from bot.errors import KnowledgeError
from bot.index import BM25Index
from bot.knowledge import KnowledgeBase, default_knowledge, load
from bot.models import Answer, Article, Passage, Snippet, Source, Span
from bot.query import build_query
from bot.question import Question, analyse
from bot.store import PassageList, Store, build_segment, memory_store, open_or_build, seed_analyzers

log = logging.getLogger(__name__)

CONFIDENT_AMONG = 5  # the best-ranked candidates whose confidence decides "found"
RELATIVE_CUT = 0.6  # further snippets must score at least this share of the best
ANALYSIS_VERSION = "1"


@dataclass
class Collection:
    """The passages of one language and their BM25 index."""

    language: str
    passages: Sequence[Passage]
    index: BM25Index


class Engine:
    """Loaded knowledge and indexes; thread-safe for answering.

    Articles, passages and postings live in a `Store` (bot/store.py): flat arrays,
    memory-mapped from the saved index or built in memory; Passage and Article
    objects are made only for the hits and lookups that need them.
    """

    def __init__(self, kb: KnowledgeBase, path: Path, store: Store | None = None) -> None:
        self.path = path
        self.errors: list[KnowledgeError] = kb.errors
        self.index_dir: Path | None = None
        self.index_state = "memory"
        self.semantic: semantic.Semantic | None = None  # the optional extra (bot/semantic.py)
        self._use(store if store is not None else memory_store(build_segment(kb.articles)))
        if store is None:
            self.version = _fingerprint(kb)
        self._lock = threading.Lock()

    def _use(self, store: Store) -> None:
        self.store = store
        self.collections = [
            Collection(language, PassageList(store, language), store.indexes[language])
            for language in sorted(store.indexes)
        ]
        seed_analyzers(store)
        files = store.manifest.get("files", {})
        digest = hashlib.sha256(str(store.manifest.get("fingerprint", "")).encode())
        for name in sorted(files):
            digest.update(f"{name}:{files[name].get('sha256')}".encode())
        self.version = digest.hexdigest()[:8]

    @classmethod
    def load(
        cls, path: str | Path | None = None, index_dir: str | Path | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> Engine:
        """Load the knowledge at `path` (default: NEWSBOT_KNOWLEDGE or the bundled articles).

        The saved index beside the knowledge (or `index_dir`, or $NEWSBOT_INDEX_DIR) is
        used when it matches the knowledge, updated when articles were added, and
        rebuilt otherwise; NEWSBOT_INDEX=off keeps everything in memory.
        """
        root = Path(path) if path is not None else default_knowledge()
        if index_dir is None and os.environ.get("NEWSBOT_INDEX_DIR"):
            index_dir = os.environ["NEWSBOT_INDEX_DIR"]
        if not root.exists() or os.environ.get("NEWSBOT_INDEX", "").lower() in ("off", "0", "no"):
            kb = load(root)
            for error in kb.errors:
                log.error("knowledge: %s", error)
            return cls(kb, root)
        loaded = open_or_build(root, ANALYSIS_VERSION,
                               Path(index_dir) if index_dir is not None else None, progress)
        for error in loaded.errors:
            log.error("knowledge: %s", error)
        engine = cls(KnowledgeBase(errors=loaded.errors), root, loaded.store)
        engine.index_dir = loaded.directory
        engine.index_state = loaded.how
        engine.semantic = semantic.attach(loaded.store, loaded.directory)
        return engine

    def reload(self) -> list[str]:
        """Load the knowledge again; keep serving the old state if nothing good loads.

        Added articles are merged into the saved index; only other changes rebuild it.
        """
        fresh = Engine.load(self.path, self.index_dir)
        if not fresh.article_count() and self.article_count():
            return [str(e) for e in fresh.errors] or ["no articles found; kept the old ones"]
        # (by file name: a saved index copied with its folder remembers the old paths)
        broken = {Path(e.path).name for e in fresh.errors}
        kept = [self.store.article(number) for number, meta in self._article_metas()
                if meta.get("path") and Path(meta["path"]).name in broken
                and fresh.article(meta["id"]) is None] if broken else []
        if kept:
            # A file that turned invalid keeps serving its last good version (in memory,
            # until it is fixed): better an article of a minute ago than none.
            kb = KnowledgeBase(articles=[*fresh.articles(), *kept], errors=fresh.errors)
            merged = Engine(kb, self.path)
            merged.semantic, merged.index_dir = fresh.semantic, fresh.index_dir
            fresh = merged
            log.warning("knowledge: kept the last good version of %d article(s) from "
                        "file(s) with errors", len(kept))
        with self._lock:
            self.__dict__.update(
                {k: v for k, v in fresh.__dict__.items() if k != "_lock"}
            )
        return [str(e) for e in fresh.errors]

    def _article_metas(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """Each article's number and metadata (its text is not read)."""
        for number in range(self.store.n_articles):
            yield number, self.store.article_meta(number)

    # -- lookups --------------------------------------------------------------------

    def articles(self) -> list[Article]:
        store = self.store
        return sorted((store.article(i) for i in range(store.n_articles)),
                      key=lambda a: (a.published is None, a.published, a.id), reverse=False)

    def article_count(self) -> int:
        return int(self.store.n_articles)

    def article(self, article_id: str) -> Article | None:
        number = self.store.ids.get(article_id)
        return self.store.article(number) if number is not None else None

    def passage(self, passage_id: str) -> Passage | None:
        number = self.store.passage_number(passage_id)
        return self.store.passage(number) if number is not None else None

    def passage_count(self, article_id: str) -> int:
        number = self.store.ids.get(article_id)
        return self.store.passage_count(number) if number is not None else 0

    def paragraph(self, article_id: str, number: int) -> str | None:
        """The whole paragraph `number` (1-based) of an article."""
        article = self.article(article_id)
        if article is None or not 1 <= number <= len(article.paragraphs):
            return None
        return article.paragraphs[number - 1].text

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(c.language for c in self.collections)

    # -- answering ------------------------------------------------------------------

    def search(self, question: str, candidates: int = CANDIDATES) -> tuple[Question, list[Scored]]:
        """The analysed question and the candidate passages of all collections, best first."""
        q = analyse(question)
        found: list[Scored] = []
        for collection in self.collections:
            groups = build_query(q, collection.language, collection.index.vocab)
            fused = None
            if groups and self.semantic is not None:
                fused = self.semantic.rank(q, collection.language, collection.index,
                                           collection.passages, groups, candidates)
            if fused is not None:
                found.extend(fused)
            elif groups:
                found.extend(rank(q, collection.index, collection.passages, groups, candidates))
        found.sort(key=lambda s: (-s.rank_score, -s.bm25, s.passage.id))
        return q, found

    def answer(self, question: str, top: int = 3, offset: int = 0) -> Answer:
        """Quote the sentences that answer `question`, best first, with their sources."""
        started = time.perf_counter()
        with self._lock:  # one consistent state, even while reload() swaps it
            return self._answer(question, top, offset, started)

    def _answer(self, question: str, top: int, offset: int, started: float) -> Answer:
        q, candidates = self.search(question)
        # The question is answered when one of the best-ranked passages is sure enough;
        # the best-ranked leads, and the others quoted must each be sure enough.
        sure = [c for c in candidates[:CONFIDENT_AMONG] if c.confidence >= FOUND_THRESHOLD]
        confidence = max((c.confidence for c in candidates[:CONFIDENT_AMONG]), default=0.0)
        found = bool(sure)
        snippets: list[Snippet] = []
        if found:
            if candidates[0] not in sure:
                sure = [candidates[0], *sure]  # the best-ranked leads once we answer at all
            best = sure[0].rank_score
            seen: set[str] = set()
            page = [
                c for c in sure + candidates[CONFIDENT_AMONG:]
                if (c.confidence >= FOUND_THRESHOLD or c is sure[0])
                and (offset > 0 or c.rank_score >= RELATIVE_CUT * best)
            ]
            for c in page:
                if len(snippets) >= offset + top:
                    break
                snippet = self._snippet(c)
                if snippet.quote in seen:
                    continue
                seen.add(snippet.quote)
                snippets.append(snippet)
            snippets = snippets[offset:offset + top]
        elapsed = (time.perf_counter() - started) * 1000
        return Answer(
            question=question, language=q.language, kind=q.kind,
            found=found and bool(snippets), confidence=confidence,
            snippets=tuple(snippets), elapsed_ms=elapsed, focus=q.focus,
        )

    def _snippet(self, scored: Scored) -> Snippet:
        passage = scored.passage
        article = self.store.article(self.store.ids[passage.article_id], text=False)
        q = scored.quote
        quote = passage.text[q.start:q.end]
        highlights = tuple(
            Span(h.start - q.start, h.end - q.start) for h in scored.highlights
            if h.start >= q.start and h.end <= q.end
        )
        source = Source(
            article_id=article.id, title=article.title, source=article.source,
            url=article.url, published=article.published, updated=article.updated,
            paragraph=passage.paragraph, section=passage.section,
        )
        return Snippet(quote=quote, highlights=highlights, passage_id=passage.id,
                       source=source, score=scored.rank_score, language=passage.language)


def _fingerprint(kb: KnowledgeBase) -> str:
    digest = hashlib.sha256(ANALYSIS_VERSION.encode())
    for article in kb.articles:
        digest.update(article.id.encode())
        for p in article.paragraphs:
            digest.update(p.text.encode())
    return digest.hexdigest()[:8]
