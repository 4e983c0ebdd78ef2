"""Domain objects: articles, passages, sentences, questions and answers.

Small frozen dataclasses that flow one way through the pipeline
(knowledge files -> Article -> Passage -> Answer); nothing here does I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of an article body, with the section heading it sits under."""

    text: str
    section: str | None = None


@dataclass(frozen=True)
class Article:
    """A news article as loaded from the knowledge base."""

    id: str
    title: str
    language: str
    paragraphs: tuple[Paragraph, ...]
    published: dt.date | None = None
    updated: dt.date | None = None
    source: str | None = None
    url: str | None = None
    author: str | None = None
    path: str | None = None  # file it came from, for error messages and reloads


@dataclass(frozen=True)
class Span:
    """A half-open character range [start, end) inside a piece of text."""

    start: int
    end: int


@dataclass(frozen=True)
class Passage:
    """The unit that is indexed: a paragraph, or part of a long one.

    `sentences` are spans into `text`; `paragraph` is 1-based within the article.
    """

    id: str  # "<article id>#<paragraph>" or "<article id>#<paragraph>.<part>"
    article_id: str
    paragraph: int
    text: str
    sentences: tuple[Span, ...]
    section: str | None = None
    language: str = "de"

    def __hash__(self) -> int:  # cheaper than hashing every field (equal ones agree)
        return hash((self.id, self.text))

    def sentence_texts(self) -> list[str]:
        return [self.text[s.start : s.end] for s in self.sentences]


@dataclass(frozen=True)
class FollowUp:
    """The exchange a question follows up on ("Und warum?" after "Wie viele Soldaten?"):
    the earlier question and the articles its answer quoted."""

    question: str
    article_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hit:
    """A candidate document of one collection, as a retriever found it: its BM25 score
    and, with the semantic extra, its cosine to the question."""

    doc: int
    bm25: float = 0.0
    cosine: float | None = None


@dataclass(frozen=True)
class Source:
    """Where a quote comes from, as shown to the user."""

    article_id: str
    title: str
    source: str | None
    url: str | None
    published: dt.date | None
    updated: dt.date | None
    paragraph: int
    section: str | None


@dataclass(frozen=True)
class Said:
    """Who says a quote and how (bot/speech.py): the speaker as the article names them
    (None for the article's own voice), their role, the entities they speak for (RU, US,
    NATO...), and `kind`: direct (a quotation), reported, or article."""

    speaker: str | None
    role: str | None
    speaks_for: tuple[str, ...]
    kind: str

    def to_dict(self) -> dict[str, Any]:
        return {"speaker": self.speaker, "role": self.role,
                "speaks_for": list(self.speaks_for), "kind": self.kind}


@dataclass(frozen=True)
class Figure:
    """One figure a count question asks for, as an article gives it: the number as
    written, what qualifies it ("bis zu"), its status (planned, reported, confirmed,
    unconfirmed, denied), who claims it, the sentence and its source, the reactions to it
    (who, and their stance) and the claimant's earlier figure it revises."""

    value: str
    number: float
    qualifier: str | None
    status: str | None
    claimant: str | None
    quote: str
    passage_id: str
    article_id: str
    published: dt.date | None
    reactions: tuple[tuple[str, str], ...] = ()
    revises: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value, "number": self.number, "qualifier": self.qualifier,
            "status": self.status, "claimant": self.claimant, "quote": self.quote,
            "passage_id": self.passage_id, "article_id": self.article_id,
            "published": self.published.isoformat() if self.published else None,
            "reactions": [{"parties": p, "stance": s} for p, s in self.reactions],
            "revises": self.revises,
        }


@dataclass(frozen=True)
class Snippet:
    """One quote: 1-2 verbatim sentences of a passage, the spans to highlight, and the source."""

    quote: str
    highlights: tuple[Span, ...]  # spans into `quote`
    passage_id: str
    source: Source
    score: float
    language: str
    confidence: float = 0.0  # that this snippet answers the question (0-1)
    # the highlights are the answer asked for (a number, a date, a speaker...), not only
    # the question's own words found in the quote
    answer_highlighted: bool = False
    attribution: Said | None = None
    link: str | None = None  # the source URL with a text fragment that points at the quote

    def to_dict(self) -> dict[str, Any]:
        s = self.source
        return {
            "quote": self.quote,
            "highlights": [[h.start, h.end] for h in self.highlights],
            "answer_highlighted": self.answer_highlighted,
            "passage_id": self.passage_id,
            "article_id": s.article_id,
            "title": s.title,
            "source": s.source,
            "url": s.url,
            "published": s.published.isoformat() if s.published else None,
            "updated": s.updated.isoformat() if s.updated else None,
            "paragraph": s.paragraph,
            "section": s.section,
            "score": round(self.score, 4),
            "confidence": round(self.confidence, 3),
            "language": self.language,
            "attribution": self.attribution.to_dict() if self.attribution else None,
            "link": self.link,
        }


@dataclass(frozen=True)
class Answer:
    """The result of answering one question; front ends only render this."""

    question: str
    language: str  # language of the question: decides the bot's own words
    kind: str  # count | person | time | place | statement | reason | other
    found: bool
    confidence: float  # 0..1
    snippets: tuple[Snippet, ...]
    elapsed_ms: float = 0.0
    focus: tuple[str, ...] = field(default_factory=tuple)
    figures: tuple[Figure, ...] = ()  # a count question's figures across articles, by date

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "language": self.language,
            "kind": self.kind,
            "found": self.found,
            "confidence": round(self.confidence, 3),
            "elapsed_ms": round(self.elapsed_ms, 2),
            "snippets": [s.to_dict() for s in self.snippets],
            **({"figures": [f.to_dict() for f in self.figures]} if self.kind == "count" else {}),
        }
