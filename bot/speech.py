"""Who says what in an article: an attribution for every sentence.

    attribute_article(paragraphs, language, title="") -> ArticleSpeech
    ArticleSpeech.at(paragraph, start, end) -> Attribution   # the sentence(s) of that range
    ArticleSpeech.sentences -> tuple[SentenceSpeech, ...]     # every sentence, in order
    Attribution(speaker, role, speaks_for, kind)              # kind: direct, reported, article
    speaks_for(attribution, key) -> bool                      # for "Was sagt Moskau?" (RU)
    said_by(attribution, name) -> bool                        # for "Was sagt Peskow?"

Sentences are those of `bot.sentences.split_sentences`, so they match the engine's
quotes. Each sentence's frame (`bot.frames`) names its speaker or says that the speaker is
the one before; the speakers are resolved across the article (`bot.speakers`): a later
"Peskow", "der Kreml-Sprecher", "er"/"sie"/"he"/"she" (the speaker of this or the previous
sentence, else the first person named in the previous one), a quotation continued in the
next sentence („…“, sagt Peskow. „…“), a quotation whose speaker comes next („…“ „…“,
sagte X), "Das sagte X" after a quotation, and "hieß es" or Konjunktiv I after a
reported sentence. Interviews (two or more paragraphs opening "Name:", "Frage:",
"Antwort:", "Q:", "A:") give each answer to its speaker, "A:"/"Antwort:" to the person the
article named last before the first question; the questions are the article's own voice.

`speaker` is None for the article's own voice, and for hearsay with no source named
("sollen … worden sein", "reportedly"; kind "reported"). Measured on the bundled article
and the articles in tests/articles/ (see tests/test_speech.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.frames import Frame, frame_of
from bot.mentions import mention_at
from bot.models import Span
from bot.quotes import Token, tokens
from bot.sentences import split_sentences
from bot.speakers import Speaker, Speakers, affiliations, surname
from bot.transliterate import variants

KINDS = ("direct", "reported", "article")
_PREFIX = re.compile(r"^([^\W\d_][\w.'’-]*(?: [^\W\d_][\w.'’-]*){0,3}):\s+\S")
_QUESTION = frozenset("frage f q question interviewer".split())
_ANSWER = frozenset("antwort a answer".split())


@dataclass(frozen=True)
class Attribution:
    """Who says a sentence and how: `speaker` as the article names them (None for the
    article's own voice), their `role`, the entity keys they `speaks_for`, and `kind`
    direct (a quotation with its speaker), reported, or article."""

    speaker: str | None
    role: str | None
    speaks_for: tuple[str, ...]
    kind: str


ARTICLE = Attribution(None, None, (), "article")


@dataclass(frozen=True)
class SentenceSpeech:
    """One sentence of an article (`span` in paragraph `paragraph`, 0-based) and who says
    it; `parties` holds one attribution per speaker of a coordination ("weder das Pentagon
    noch die NATO"), else the attribution itself (none for the article's voice)."""

    paragraph: int
    span: Span
    attribution: Attribution
    parties: tuple[Attribution, ...]


@dataclass(frozen=True)
class ArticleSpeech:
    """The attributions of an article's sentences."""

    sentences: tuple[SentenceSpeech, ...]

    def at(self, paragraph: int, start: int, end: int) -> Attribution:
        """The attribution of the sentence(s) covering [start, end) of `paragraph`: the
        first of them with a speaker, else the first; the article's voice if none."""
        found = [s for s in self.sentences if s.paragraph == paragraph
                 and s.span.start < max(end, start + 1) and s.span.end > start]
        for s in found:
            if s.attribution.speaker is not None:
                return s.attribution
        return found[0].attribution if found else ARTICLE

    def in_paragraph(self, paragraph: int) -> list[SentenceSpeech]:
        return [s for s in self.sentences if s.paragraph == paragraph]


def speaks_for(attribution: Attribution, key: str) -> bool:
    """Does the speaker speak for entity `key` (RU, US, NATO, ...)?"""
    return key in attribution.speaks_for


def said_by(attribution: Attribution, name: str) -> bool:
    """Is the speaker the person `name` ("Peskow", "Dmitry Peskov"), by surname?"""
    if attribution.speaker is None or not name.strip():
        return False
    last = surname(name)
    spoken = {w.lower().strip(",.") for w in attribution.speaker.split()}
    return bool(spoken & ({last} | variants(last)))


@dataclass
class _Sentence:
    paragraph: int
    span: Span
    text: str
    tokens: list[Token]
    frame: Frame
    speaker: Speaker | None = None
    kind: str = "article"
    inherited: bool = False  # the speaker is the previous sentence's


def attribute_article(paragraphs: Sequence[str], language: str, title: str = "") -> ArticleSpeech:
    """Attribute every sentence of an article (see the module docstring)."""
    sents = [
        _Sentence(p, span, text[span.start:span.end], tokens(text[span.start:span.end], language),
                  frame_of(text[span.start:span.end], language))
        for p, text in enumerate(paragraphs) for span in split_sentences(text, language)
    ]
    known = affiliations([tokens(title, language)] + [s.tokens for s in sents], language)
    speakers = Speakers(language, known)
    for i, s in enumerate(sents):
        _attribute(s, sents[i - 1] if i else None, speakers, language)
    for i in range(len(sents) - 2, -1, -1):  # „…“ „…“, sagte X: the first quotation is X's
        s, nxt = sents[i], sents[i + 1]
        if s.frame.quote_only and (s.speaker is None or s.inherited) \
                and nxt.paragraph == s.paragraph and nxt.speaker is not None \
                and nxt.kind == "direct" and nxt.tokens and nxt.tokens[0].kind == "quote":
            s.speaker, s.kind = nxt.speaker, "direct"
    _interviews(paragraphs, sents, speakers, language)
    return ArticleSpeech(tuple(_result(s) for s in sents))


def _attribute(s: _Sentence, prev: _Sentence | None, speakers: Speakers, language: str) -> None:
    frame = s.frame
    s.kind = frame.kind
    if frame.mention is not None and frame.mention.pronoun:
        s.speaker = _antecedent(prev, speakers, language)
    elif frame.mention is not None:
        s.speaker = speakers.resolve(frame.mention)
    elif frame.context and prev is not None and prev.kind != "article":
        s.speaker, s.inherited = prev.speaker, True
    if frame.refers_back and prev is not None and prev.frame.quote_only:
        prev.speaker, prev.kind = s.speaker, "direct"


def _antecedent(prev: _Sentence | None, speakers: Speakers, language: str) -> Speaker | None:
    """Whom "er"/"sie"/"he"/"she" stands for: the previous sentence's speaker, else the
    first person it names."""
    if prev is None:
        return None
    if prev.speaker is not None:
        return prev.speaker
    for i in range(len(prev.tokens)):
        found = mention_at(prev.tokens, i, language)
        if found is not None and found[0].name and len(found[0].name.split()) >= 2:
            return speakers.resolve(found[0])
    return None


def _interviews(paragraphs: Sequence[str], sents: list[_Sentence], speakers: Speakers,
                language: str) -> None:
    """Give the answers of an interview to their speakers (see the module docstring)."""
    prefixes = {p: m.group(1) for p, text in enumerate(paragraphs)
                if (m := _PREFIX.match(text)) is not None}
    if len(prefixes) < 2:
        return
    first = min(prefixes)
    guest = _first_named([s for s in sents if s.paragraph == first - 1], speakers, language)
    if guest is None:
        before = [s.speaker for s in sents if s.paragraph < first and s.speaker and s.speaker.name]
        guest = before[-1] if before else None
    for p, who in prefixes.items():
        folded = who.lower()
        if folded in _QUESTION:
            speaker, kind = None, "article"
        elif folded in _ANSWER:
            speaker, kind = guest, "direct"
        else:
            found = mention_at(tokens(who, language), 0, language)
            speaker = speakers.resolve(found[0]) if found else None
            kind = "direct"
        for s in sents:
            if s.paragraph == p:
                s.speaker, s.kind = speaker, kind


def _first_named(sents: list[_Sentence], speakers: Speakers, language: str) -> Speaker | None:
    """The first person or body named in `sents` (the interview's introduction)."""
    for s in sents:
        for i in range(len(s.tokens)):
            found = mention_at(s.tokens, i, language)
            if found is not None and found[0].name:
                return speakers.resolve(found[0])
    return None


def _result(s: _Sentence) -> SentenceSpeech:
    if s.kind == "article":
        return SentenceSpeech(s.paragraph, s.span, ARTICLE, ())
    sp = s.speaker
    if sp is None:
        return SentenceSpeech(s.paragraph, s.span, Attribution(None, None, (), s.kind), ())
    att = Attribution(sp.label, sp.role, sp.keys, s.kind)
    parties = tuple(Attribution(p.label, p.role, p.keys, s.kind) for p in sp.parts) or (att,)
    return SentenceSpeech(s.paragraph, s.span, att, parties)
