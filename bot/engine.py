"""The answer engine: knowledge in, `answer(question)` out, for every front end.

One BM25 collection per article language. A question is analysed once, turned into
a query per collection (translated when the languages differ), and the candidates of
all collections are merged by their re-ranking score.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot import backends, selection, semantic, statements, textfragment
from bot.analysis import LANGUAGES, analyzer
from bot.answering import Scored, score_hits
from bot.collection import Collection
from bot.confidence import COSINE_WEIGHT, confidences, rank_score
from bot.confidence import THRESHOLD as FOUND_THRESHOLD
from bot.errors import KnowledgeError
from bot.features import answer_features, margins, rank_features
from bot.fusion import fuse_hits
from bot.index import (
    ANALYSIS_VERSION,
    build_segment,
    memory_store,
    open_index,
)
from bot.index.warming import warm_analysis
from bot.knowledge import KnowledgeBase
from bot.locks import ReadWriteLock
from bot.models import Answer, Article, Figure, FollowUp, Hit, Passage, Snippet, Source, Span
from bot.query import QueryGroup, build_query
from bot.question import Question, analyse
from bot.retrieval import CANDIDATES, bm25_hits, bm25_scores
from bot.settings import Settings

log = logging.getLogger(__name__)

__all__ = ["ANALYSIS_VERSION", "Engine"]

JUDGED = 8  # candidates judged for "found" at most (the best-ranked first)
FOLLOW_UP_BONUS = 2.0  # ranking points for a passage of the article a follow-up follows
MAX_FOLLOWED = 200  # passages of a followed article read at most
NO_NUMBER = 0.05  # the most a count question's answer is worth when its quote has no number
COUNT_LOOK = 3  # candidates looked through for one that quotes a number
SPEAKER_CANDIDATES = 24  # BM25 candidates of a question for someone's statements
MAX_PARTS = 64  # parts of one long paragraph looked through for a figure's passage


class Engine:
    """Loaded knowledge and indexes; thread-safe for answering.

    Articles, passages and postings live in a `Store` (bot/index/): flat arrays,
    memory-mapped from the saved index or built in memory; Passage and Article
    objects are made only for the hits and lookups that need them.
    """

    def __init__(self, kb: KnowledgeBase, path: Path,
                 store: backends.ArticleStore | None = None) -> None:
        self.path = path
        self.errors: list[KnowledgeError] = kb.errors
        self.index_dir: Path | None = None
        self.index_state = "memory"
        self.settings = Settings(knowledge=path)
        self.semantic: semantic.Semantic | None = None  # the optional extra (bot/semantic.py)
        self._use(store if store is not None else memory_store(build_segment(kb.articles)))
        if store is None:
            self.version = _fingerprint(kb)
        self._lock = ReadWriteLock()

    def _use(self, store: backends.ArticleStore) -> None:
        self.store = store
        self._speeches = statements.Speeches(self.article)  # who says what, per article
        self.collections = backends.collections(store)
        for language, known in store.analyses.items():
            analyzer(language).consult(known)  # its saved analysis of every token it holds
        files = store.manifest.get("files", {})
        digest = hashlib.sha256(str(store.manifest.get("fingerprint", "")).encode())
        for name in sorted(files):
            digest.update(f"{name}:{files[name].get('sha256')}".encode())
        self.version = digest.hexdigest()[:8]

    @classmethod
    def load(
        cls, path: str | Path | None = None, index_dir: str | Path | None = None,
        progress: Callable[[int], None] | None = None, settings: Settings | None = None,
        warm: bool = True,
    ) -> Engine:
        """The engine over the knowledge at `path` (else the settings': bot/settings.py).

        This is where every front end gets its engine (the composition root): the index
        is opened with index.open_index — the saved one beside the knowledge (or in
        `index_dir`) when it matches, updated when articles were added, rebuilt
        otherwise, or one in memory — and the semantic extra attached when it is on.
        `warm` reads the saved index into the page cache in the background (for a front
        end that answers more than one question: index/warming.py).
        """
        settings = (settings or Settings.from_env()).but(path, index_dir)
        root = settings.knowledge_path()
        if backends.check_backend(settings.backend) == "xapian":  # shards the indexer writes
            if settings.indexer:
                backends.write_knowledge(settings)
            engine = cls(KnowledgeBase(), root, backends.open_xapian(settings))
            engine.settings, engine.index_state = settings, "xapian"
            return engine
        loaded = open_index(root, settings.index_dir, progress, saved=settings.saved_index)
        for error in loaded.errors:
            log.error("knowledge: %s", error)
        engine = cls(KnowledgeBase(errors=loaded.errors), root, loaded.store)
        engine.settings = settings
        engine.index_dir = loaded.directory
        engine.index_state = loaded.how
        if settings.semantic:
            engine.semantic = semantic.attach(loaded.store, loaded.directory)
        if warm:
            loaded.store.warm()
        return engine

    def warm_analysis(self) -> None:
        """Load in the background what the first questions would wait for (a front end
        that waits for people: answers meanwhile would share the interpreter with it)."""
        warm_analysis(LANGUAGES)

    def reload(self) -> list[str]:
        """Load the knowledge again; keep serving the old state if nothing good loads.

        The saved index is updated in place: added, changed and removed articles cost
        a segment and tombstones, not a rebuild (bot/index/updating.py).
        """
        fresh = Engine.load(self.path, self.index_dir, settings=self.settings)
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
            merged.settings = fresh.settings
            fresh = merged
            log.warning("knowledge: kept the last good version of %d article(s) from "
                        "file(s) with errors", len(kept))
        with self._lock.writing():
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

    def search(self, question: str, candidates: int = CANDIDATES,
               follow_up: FollowUp | None = None, judge: int = JUDGED,
               ) -> tuple[Question, list[Scored]]:
        """The analysed question and the candidate passages of all collections, ranked
        (bot/confidence.py rank_score), the best first; the best `judge` carry their
        confidence that they answer the question.

        A `follow_up` question is read with the exchange it follows: the earlier
        question's focus words join its own (its kind too, when it asks none of its
        own), and the passages of the articles quoted then are candidates as well,
        ranked FOLLOW_UP_BONUS higher.
        """
        q = analyse(question)
        if follow_up is not None:
            q = followed(q, analyse(follow_up.question))
        who = statements.asked(question, q.language, q.kind)
        if who is not None:
            # BM25 favours the passages that name the speaker most, not those where they
            # speak: the ranking reads more of them to find their statements
            candidates = max(candidates, SPEAKER_CANDIDATES)
        found: list[Scored] = []
        for collection in self.collections:
            groups = build_query(q, collection.language, index=collection.index)
            if who is not None:
                groups = statements.widened(groups, who, collection.language)
            if not groups:
                continue
            hits = self._retrieve(q, collection, groups, candidates)
            if follow_up is not None:
                hits = self._with_articles(collection, groups, hits, follow_up.article_ids)
            scoring, hits = collection.around(hits)  # the hits as answering reads them
            ranked = _ranked(score_hits(q, scoring, groups, hits))
            if follow_up is not None:
                ranked = [replace(s, rank_score=s.rank_score + FOLLOW_UP_BONUS)
                          if s.passage.article_id in follow_up.article_ids else s
                          for s in ranked]
            found.extend(ranked)
        found.sort(key=lambda s: (-s.rank_score, -s.bm25, s.passage.id))
        return q, _judged(found, judge)

    def _with_articles(self, collection: Collection, groups: list[QueryGroup], hits: list[Hit],
                       article_ids: tuple[str, ...]) -> list[Hit]:
        """`hits` and, after them, every passage of the given articles in `collection`."""
        known = {h.doc for h in hits}
        docs: list[int] = []
        for article_id in article_ids:
            number = self.store.ids.get(article_id)
            if number is None or self.store.article_language(number) != collection.language:
                continue
            first = self.store.first_doc(collection.language, number)
            if first is None:
                continue
            lo, hi = collection.article_docs(first)
            docs += [d for d in range(lo, min(hi, lo + MAX_FOLLOWED)) if d not in known]
        scores = bm25_scores(collection.index, groups, docs)
        return hits + [Hit(d, scores[d]) for d in docs]

    def _retrieve(self, q: Question, collection: Collection, groups: list[QueryGroup],
                  k: int) -> list[Hit]:
        """BM25's hits, fused with the nearest passages when the collection is embedded."""
        hits = bm25_hits(collection.index, groups, k)
        near = (self.semantic.nearest(q.text, collection.language, max(k, semantic.CANDIDATES))
                if self.semantic is not None else None)
        if not near:
            return hits
        known = {h.doc: h.bm25 for h in hits}
        others = [h.doc for h in near if h.doc not in known]
        cosines = {h.doc: h.cosine for h in near if h.cosine is not None}
        assert self.semantic is not None
        cosines.update(self.semantic.cosines(q.text, collection.language,
                                             [h.doc for h in hits if h.doc not in cosines]))
        known.update(bm25_scores(collection.index, groups, others))
        return fuse_hits(hits, near, known, cosines)

    def answer(self, question: str, top: int = 3, offset: int = 0,
               follow_up: FollowUp | None = None) -> Answer:
        """Quote the sentences that answer `question`, best first, with their sources;
        a `follow_up` question is read with the exchange it follows (see `search`)."""
        started = time.perf_counter()
        with self._lock.reading():  # one consistent state, even while reload() swaps it
            return self._answer(question, top, offset, started, follow_up)

    def _answer(self, question: str, top: int, offset: int, started: float,
                follow_up: FollowUp | None = None) -> Answer:
        # the best-ranked candidate decides; the others are judged only when shown
        q, candidates = self.search(question, follow_up=follow_up, judge=1)
        if q.kind == "count" and candidates and not candidates[0].signals.strength:
            # "how many" is not answered without a number: the best of the next ones that
            # quotes one leads, if it is sure enough
            candidates = _judged(candidates, COUNT_LOOK)
            numbered = [c for c in candidates[:COUNT_LOOK] if c.signals.strength]
            lead = numbered[0] if numbered and numbered[0].confidence >= FOUND_THRESHOLD \
                else None
            candidates = [lead, *(c for c in candidates if c is not lead)] if lead else \
                [replace(candidates[0], confidence=min(candidates[0].confidence, NO_NUMBER)),
                 *candidates[1:]]
        confidence = candidates[0].confidence if candidates else 0.0
        found = confidence >= FOUND_THRESHOLD
        snippets: list[Snippet] = []
        figures: tuple[Figure, ...] = ()
        if found:
            candidates = _judged(candidates, min(JUDGED, 2 * (offset + top) + 2))
            sure = [c for c in candidates if c.confidence >= FOUND_THRESHOLD]
            who = statements.asked(question, q.language, q.kind)
            if who is not None:  # "What does Russia say?": Russia's statements, newest first
                sure = statements.by_speaker(sure, who, self._speeches)
            figures = self._figures(q, sure)
            shown = selection.arrange(
                sure, lambda c: c.rank_score, lambda c: c.passage.article_id,
                self._published, newest_first=who is not None or selection.asks_for_now(question))
            seen: set[str] = set()
            for c in shown:
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
            snippets=tuple(snippets), elapsed_ms=elapsed, focus=q.focus, figures=figures,
        )

    def _published(self, scored: Scored) -> dt.date | None:
        meta = self.store.article_meta(self.store.ids[scored.passage.article_id])
        value = meta.get("updated") or meta.get("published")
        return dt.date.fromisoformat(value) if value else None

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
        said = self._speeches.attribution(passage, q)
        if not highlights and said.speaker and said.speaker in quote:
            at = quote.index(said.speaker)  # a statement: the speaker, where the quote names them
            highlights = (Span(at, at + len(said.speaker)),)
            answered = True
        else:
            answered = bool(scored.evidence) and bool(highlights)
        return Snippet(quote=quote, highlights=highlights, passage_id=passage.id,
                       source=source, score=scored.rank_score, language=passage.language,
                       confidence=scored.confidence, answer_highlighted=answered,
                       attribution=statements.said(said),
                       link=textfragment.link(article.url, quote) if article.url else None)

    def _passage_at(self, article_id: str, paragraph: int, text: str) -> str | None:
        """The id of the passage of paragraph `paragraph` (1-based) that holds `text`."""
        whole = f"{article_id}#{paragraph}"
        if self.store.passage_number(whole) is not None:
            return whole
        for part in range(1, MAX_PARTS + 1):
            number = self.store.passage_number(f"{whole}.{part}")
            if number is None:
                return None
            if text in self.store.passage(number).text:
                return f"{whole}.{part}"
        return None

    def _figures(self, q: Question, sure: list[Scored]) -> tuple[Figure, ...]:
        """A count question's figures in the sure candidates' articles, by date."""
        if q.kind != "count" or not q.counted or not sure:
            return ()
        language = sure[0].passage.language
        collection = next(c for c in self.collections if c.language == language)
        terms = {t for g in build_query(q, language, index=collection.index)
                 if g.word == q.counted for t in g.terms}
        lang = analyzer(language)

        def counted(word: str) -> bool:
            return bool(terms.intersection(lang.token_terms(word)))

        return statements.count_figures(sure, counted, self._speeches, self._passage_at)


def followed(q: Question, before: Question) -> Question:
    """A follow-up question with the exchange's context: the earlier question's focus
    words after its own, and the earlier kind when it asks for none ("and Russia?")."""
    own = {w.casefold() for w in q.focus}
    focus = (*q.focus, *(w for w in before.focus if w.casefold() not in own))
    kind = q.kind if q.kind != "other" else before.kind
    return replace(q, focus=focus, kind=kind, words=max(q.words, len(focus)))


def _ranked(scored: list[Scored]) -> list[Scored]:
    """One collection's candidates with their ranking scores (with the semantic extra,
    less COSINE_WEIGHT per point of cosine below the nearest candidate's)."""
    best = max((s.bm25 for s in scored), default=0.0)
    best_article = max((s.signals.article_bm25 for s in scored), default=0.0)
    nearest = max((s.signals.cosine for s in scored), default=0.0)
    out = []
    for s in scored:
        vector = rank_features(s.signals, best, best_article)
        score = rank_score(vector)
        if nearest:
            score -= COSINE_WEIGHT * (nearest - s.signals.cosine)
        out.append(replace(s, rank_score=score, rank_vector=vector))
    return out


def _judged(ranked: list[Scored], count: int) -> list[Scored]:
    """The ranked candidates, the best `count` with their confidence (kept if known)."""
    scores = [s.rank_score for s in ranked]
    placed = margins(scores, [s.passage.article_id for s in ranked])
    judged = [i for i, s in enumerate(ranked[:count]) if not s.answer_vector]
    vectors = [answer_features(ranked[i].signals, ranked[i].rank_score, *placed[i])
               for i in judged]
    out = list(ranked)
    for i, vector, sure in zip(judged, vectors, confidences(vectors), strict=True):
        out[i] = replace(ranked[i], confidence=sure, answer_vector=vector)
    return out


def _fingerprint(kb: KnowledgeBase) -> str:
    digest = hashlib.sha256(ANALYSIS_VERSION.encode())
    for article in kb.articles:
        digest.update(article.id.encode())
        for p in article.paragraphs:
            digest.update(p.text.encode())
    return digest.hexdigest()[:8]
