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
"Peskow", "der Kreml-Sprecher", "er"/"sie"/"he"/"she" (the speaker of the previous
sentence, else the first person it names with a title or as its subject), a quotation
continued in the next sentence („…“, sagt Peskow. „…“), a quotation whose speaker comes
next („…“ „…“, sagte X), "Das sagte X" after a quotation, and "hieß es" or Konjunktiv I
after a reported sentence. In an interview (`bot.interviews`) each turn is its label's speaker's,
"A:"/"Antwort:" the person the paragraph before the interview names first, and the
questions ("Frage:", "Q:", "STANDARD: …?") are the article's own voice.

`speaker` is None for the article's own voice, and for hearsay with no source named
("sollen … worden sein", "reportedly"; kind "reported"). Measured on the bundled article
and the articles in tests/articles/ (see tests/test_speech.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.frames import Frame, frame_of
from bot.interviews import turns
from bot.mentions import mention_at
from bot.models import Span
from bot.quotes import Token, tokens
from bot.sentences import sentence_spans
from bot.speakers import Speaker, Speakers, affiliations, skeleton, surname

KINDS = ("direct", "reported", "article")


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
        first of them with a speaker — or a later one naming a person with a role who
        speaks for the same side ("die NATO …, erklärte NATO-Sprecherin X": X) —, else
        the first; the article's voice if none."""
        found = [s for s in self.sentences if s.paragraph == paragraph
                 and s.span.start < max(end, start + 1) and s.span.end > start]
        spoken = [s.attribution for s in found if s.attribution.speaker is not None]
        if spoken:
            first = spoken[0]
            if first.role is None:
                for later in spoken[1:]:
                    if later.role is not None and set(later.speaks_for) & set(first.speaks_for):
                        return later
            return first
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
    last = skeleton(surname(name))
    return any(skeleton(w.strip(",.")) == last for w in attribution.speaker.split())


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
    sents = []
    for p, text in enumerate(paragraphs):
        for span in sentence_spans(text, language):
            sentence = text[span.start:span.end]
            toks = tokens(sentence, language)
            sents.append(_Sentence(p, span, sentence, toks, frame_of(sentence, language, toks)))
    speakers = Speakers(language, lambda: affiliations(
        [tokens(title, language)] + [s.tokens for s in sents], language))
    for i, s in enumerate(sents):
        _attribute(s, sents[i - 1] if i else None, speakers, language)
    for i in range(len(sents) - 2, -1, -1):  # „…“ „…“, sagte X: the first quotation is X's
        s, nxt = sents[i], sents[i + 1]
        if s.frame.quote_only and (s.speaker is None or s.inherited) \
                and nxt.paragraph == s.paragraph and nxt.speaker is not None \
                and nxt.kind == "direct" and nxt.tokens and nxt.tokens[0].kind == "quote":
            s.speaker, s.kind = nxt.speaker, "direct"
    _interviews(sents, speakers, language)
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
    first person it names with a title, as its subject, or who spoke before."""
    if prev is None:
        return None
    if prev.speaker is not None:
        return prev.speaker
    for i in range(len(prev.tokens)):
        found = mention_at(prev.tokens, i, language)
        name = found[0].name if found is not None else None
        if found is None or name is None:
            continue
        subject = i == 0 or (i <= 5 and prev.tokens[i - 1].text.islower())  # Am Montag traf X
        if found[0].role or (subject and len(name.split()) >= 2) or speakers.named(name):
            return speakers.resolve(found[0])
    return None


def _interviews(sents: list[_Sentence], speakers: Speakers, language: str) -> None:
    """Give the turns of an interview to their speakers (`bot.interviews`)."""
    found = turns([(s.paragraph, s.text) for s in sents], language)
    first = next((i for i, t in enumerate(found) if t is not None), None)
    if first is None:
        return
    intro = [s for s in sents[:first] if s.paragraph == sents[first].paragraph - 1] \
        or sents[:first]
    guest = _first_named(intro, speakers, language)
    resolved: dict[str, Speaker | None] = {}
    for s, turn in zip(sents, found, strict=True):
        if turn is None:
            continue
        if turn.kind == "question":
            s.speaker, s.kind = None, "article"
            continue
        if turn.kind == "answer":
            s.speaker, s.kind = guest, "direct"
            continue
        if turn.label not in resolved:
            mention = mention_at(tokens(turn.label, language), 0, language)
            resolved[turn.label] = speakers.resolve(mention[0]) if mention else None
        s.speaker, s.kind = resolved[turn.label], "direct"


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
