"""Articles -> passages: one per paragraph, long paragraphs split at sentence ends."""

from __future__ import annotations

from collections.abc import Iterator

from bot.models import Article, Passage, Span
from bot.sentences import split_sentences

MAX_WORDS = 120


def passages_of(article: Article) -> Iterator[Passage]:
    """The passages of an article, in order; paragraph numbers are 1-based."""
    for number, paragraph in enumerate(article.paragraphs, start=1):
        text = paragraph.text
        spans = split_sentences(text, article.language)
        chunks = _chunks(text, spans)
        for part, (start, end, chunk_spans) in enumerate(chunks, start=1):
            suffix = f".{part}" if len(chunks) > 1 else ""
            chunk = text[start:end]
            yield Passage(
                id=f"{article.id}#{number}{suffix}",
                article_id=article.id,
                paragraph=number,
                text=chunk,
                sentences=tuple(Span(s.start - start, s.end - start) for s in chunk_spans),
                section=paragraph.section,
                language=article.language,
            )


def _chunks(text: str, spans: list[Span]) -> list[tuple[int, int, list[Span]]]:
    """Group sentences into runs of at most MAX_WORDS words (a longer sentence stays whole)."""
    if not spans:
        return [(0, len(text), [Span(0, len(text))])] if text.strip() else []
    out: list[tuple[int, int, list[Span]]] = []
    current: list[Span] = []
    words = 0
    for span in spans:
        n = len(text[span.start : span.end].split())
        if current and words + n > MAX_WORDS:
            out.append((current[0].start, current[-1].end, current))
            current, words = [], 0
        current.append(span)
        words += n
    out.append((current[0].start, current[-1].end, current))
    return out


def index_text(passage: Passage, article: Article) -> str:
    """What is indexed for a passage: its text, plus its section heading and the
    article's title as context (a paragraph rarely repeats what the headline says)."""
    context = [passage.text]
    if passage.section:
        context.append(passage.section)
    context.append(article.title)
    return "\n".join(context)
