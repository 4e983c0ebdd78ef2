"""Articles -> passages: one per paragraph, long paragraphs split at sentence ends."""

from __future__ import annotations

from collections.abc import Iterator

from bot.models import Article, Passage, Span
from bot.sentences import split_sentences

MAX_WORDS = 120


def pieces(text: str, language: str) -> list[tuple[int, int, list[Span] | None]]:
    """Where the passages of a paragraph start and end, with their sentences.

    A paragraph of at most MAX_WORDS words is one passage, and its sentences are left
    to be split when it is read (None): indexing a million passages need not split
    them all. Longer paragraphs are split between sentences; their sentence spans are
    relative to the passage.
    """
    if _at_most_max_words(text) and text[:1].strip() and text[-1:].strip():
        return [(0, len(text), None)]
    spans = split_sentences(text, language)
    return [(start, end, [Span(s.start - start, s.end - start) for s in chunk])
            for start, end, chunk in _chunks(text, spans)]


def _at_most_max_words(text: str) -> bool:
    """len(text.split()) <= MAX_WORDS, without splitting most paragraphs: in a printable
    text the only whitespace is the ASCII space, and n spaces separate at most n + 1 words."""
    if text.count(" ") < MAX_WORDS and text.isprintable():
        return True
    return len(text.split()) <= MAX_WORDS


def passages_of(article: Article) -> Iterator[Passage]:
    """The passages of an article, in order; paragraph numbers are 1-based."""
    for number, paragraph in enumerate(article.paragraphs, start=1):
        text = paragraph.text
        parts = pieces(text, article.language)
        for part, (start, end, sentences) in enumerate(parts, start=1):
            suffix = f".{part}" if len(parts) > 1 else ""
            chunk = text[start:end]
            yield Passage(
                id=f"{article.id}#{number}{suffix}",
                article_id=article.id,
                paragraph=number,
                text=chunk,
                sentences=tuple(split_sentences(chunk, article.language)
                                if sentences is None else sentences),
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
    return context_text(passage.text, passage.section, article.title)


def context_text(text: str, section: str | None, title: str) -> str:
    """A passage's text with its section heading and article title (see index_text).

    The parts are joined by line breaks, which no token spans (analysis.TOKEN_RE), so
    the tokens of the whole are those of the parts one after another.
    """
    return f"{text}\n{section}\n{title}" if section else f"{text}\n{title}"
