"""Figures for count questions: the numbers bound to what is counted, and who claims them.

    figures_in(text, language, counted, attribution=None) -> list[Figure]
    article_figures(paragraphs, language, counted, speech=None) -> list[ArticleFigure]
    reactions(paragraphs, language, counted, speech=None) -> list[Reaction]
    disagreements(paragraphs, language, counted, speech=None) -> list[Reaction]
    counted_noun(noun) -> Callable[[str], bool]

`counted` is a predicate on words (the engine's focus noun and its synonyms) or a noun
("Soldaten"; its plural and singular forms match). A number counts that noun when the
noun follows within three words with no other number between ("1.500 Soldaten", "12.000
nordkoreanische Soldaten", "10,000 North Korean troops"). `value` is the number as
written (with "Millionen"/"million"), `number` its value (German 1.500 = 1500 and
1,5 = 1.5; English 1,500 = 1500); `qualifier` what stands right before it (bis zu, etwa,
rund, circa, mehr als, über, mindestens, weniger als, knapp, fast, zwischen / up to, about,
around, some, nearly, more than, over, at least, fewer than, between, as many as);
`status` from the sentence: denied (dementiert, bestreitet, denies), unconfirmed (keine
Beweise, nicht bestätigt, no evidence, not confirmed), confirmed (bestätigt, confirmed),
planned (sollen … werden, geplant, will, plans, expected to), reported (hieß es, laut,
zufolge, sollen, Konjunktiv, according to, reportedly, or a speaker's attribution);
`claimant` the speaker of the attribution; `about` the words after the noun up to the end
of the clause ("würden in Russland ausgebildet").

`reactions` finds sentences in which someone confirms, does not confirm or denies what
came before ("Weder das Pentagon noch die NATO bestätigen diese Meldung bisher, sie sehen
dafür keine Beweise." -> Pentagon and NATO, unconfirmed, the figures of the sentence
before); a reaction refers to the figures of the nearest sentence with figures at most
two sentences back. Not handled: numbers in words above zwölf/twelve, "Tausende"/
"thousands" (no figure), ranges as one ("10.000 bis 12.000" gives two figures, each
with its own qualifier), figures given in a table, and reactions that name the figure
they contest further away.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.models import Span
from bot.sentences import split_sentences
from bot.speech import ArticleSpeech, Attribution, attribute_article

COUNTED_WITHIN = 3
_WORDS = {
    "ein": 1, "eine": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7,
    "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12, "hundert": 100, "tausend": 1000,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "hundred": 100, "dozen": 12,
}
_SCALES = {"millionen": 1e6, "million": 1e6, "mio.": 1e6, "milliarden": 1e9, "milliarde": 1e9,
           "mrd.": 1e9, "billion": 1e9, "tausend": 1e3, "thousand": 1e3}
NUMBER_RE = re.compile(
    r"(?<![\w.,])(?:\d{1,3}(?:[ .,\u202f]\d{3})+|\d+(?:[.,]\d+)?)(?![\w])"
    r"(?:\s+(?:Millionen|Million|Mio\.|Milliarden|Milliarde|Mrd\.|million|billion|thousand|"
    r"Tausend))?"
    r"|\b(?:" + "|".join(w for w in _WORDS if w not in ("ein", "eine", "one")) + r")\b",
    re.IGNORECASE)
QUALIFIERS = (
    "bis zu", "etwa", "rund", "circa", "ca.", "ungefähr", "knapp", "fast", "beinahe", "nahezu",
    "mehr als", "über", "mindestens", "weniger als", "unter", "höchstens", "maximal",
    "zwischen", "gut", "an die", "up to", "about", "around", "roughly", "approximately",
    "some", "nearly", "almost", "more than", "over", "at least", "less than", "fewer than",
    "under", "at most", "as many as", "between", "an estimated", "estimated",
)
_QUALIFIER_RE = re.compile(
    r"(?:^|(?<=\s))(" + "|".join(re.escape(q) for q in sorted(QUALIFIERS, key=len, reverse=True))
    + r")\s+$", re.IGNORECASE)
_WORD_RE = re.compile(r"[^\W\d_][\w-]*|\d[\d.,]*")
_I = re.IGNORECASE
_STATUS = {
    "de": (
        ("denied", re.compile(r"dementier\w*|\bbestreit\w*|\bbestritt\w*|zurückgewiesen|"
                              r"\bwies\b.*\bzurück\b", _I)),
        ("unconfirmed", re.compile(
            r"keine\w* (?:Beweise|Belege|Bestätigung|Hinweise)|nicht bestätigt|unbestätigt|"
            r"bestätig\w* [^;]{0,60}\b(?:nicht|bisher nicht|noch nicht)\b|"
            r"\bweder\b[^;]*\bbestätig", _I)),
        ("confirmed", re.compile(r"\bbestätig\w*", _I)),
        ("planned", re.compile(r"\bsoll(?:en)?\b[^;,]*\bwerden\b|\bgeplant\b|\bplan(?:t|en)\b|"
                               r"\bvorgesehen\b|\bkönnten\b[^;,]*\bwerden\b", _I)),
        ("reported", re.compile(r"\bhieß es\b|\bheißt es\b|\blaut\b|\bzufolge\b|"
                                r"\bnach Angaben\b|\bsoll(?:en)?\b|\bwürden\b|\bseien\b|\bsei\b",
                                _I)),
    ),
    "en": (
        ("denied", re.compile(r"\bden(?:y|ies|ied)\b|\brejected\b|\bdismissed\b", _I)),
        ("unconfirmed", re.compile(
            r"\bno (?:evidence|confirmation|proof)\b|\bnot (?:been |yet )?confirmed\b|"
            r"unconfirmed|\b(?:could|can|did|does|do) not confirm\b|\bneither\b[^;]*\bconfirm",
            _I)),
        ("confirmed", re.compile(r"\bconfirm(?:s|ed)?\b", _I)),
        ("planned", re.compile(r"\bwill\b|\bwould\b|\bplan(?:s|ned)?\b|\bexpected to\b|"
                               r"\bset to\b|\bto be sent\b|\bcould\b", _I)),
        ("reported", re.compile(r"\baccording to\b|\breportedly\b|\ballegedly\b|\bsaid\b|"
                                r"\bclaims?\b", _I)),
    ),
}


@dataclass(frozen=True)
class Figure:
    """A figure for what is counted, as written, with what the sentence says of it;
    `span` is the number's [start, end) in the text it was found in."""

    value: str
    number: float
    qualifier: str | None
    status: str | None
    claimant: str | None
    span: tuple[int, int]
    about: str = ""


@dataclass(frozen=True)
class ArticleFigure:
    """A figure in an article: paragraph (0-based), the sentence's span in it, the
    figure (its span within the paragraph), and the reactions to it."""

    figure: Figure
    paragraph: int
    sentence: Span
    attribution: Attribution
    reactions: tuple[Reaction, ...] = ()


@dataclass(frozen=True)
class Reaction:
    """Someone confirms, does not confirm or denies the figures before: `parties` by name,
    the entities they speak for, `stance` confirmed / unconfirmed / denied, where it is,
    and the figures it refers to (their paragraph and number span)."""

    parties: tuple[str, ...]
    speaks_for: tuple[str, ...]
    stance: str
    paragraph: int
    sentence: Span
    refers_to: tuple[tuple[int, tuple[int, int]], ...]


def counted_noun(noun: str) -> Callable[[str], bool]:
    """A predicate for a noun and its plural/singular ("Soldaten": Soldat, Soldaten)."""
    stem = re.sub(r"(?:en|er|e|n|s)$", "", noun.casefold()) if len(noun) > 4 else noun.casefold()

    def counted(word: str) -> bool:
        folded = word.casefold()
        return folded.startswith(stem) and len(folded) - len(stem) <= 3

    return counted


def parse_number(value: str, language: str) -> float | None:
    """The value of a number as written ("1.500" -> 1500 in German, "1,5 Millionen")."""
    parts = value.split()
    scale = _SCALES.get(parts[-1].lower(), 1.0) if len(parts) > 1 else 1.0
    digits = " ".join(parts[:-1]) if scale != 1.0 else value
    if digits.lower() in _WORDS:
        return _WORDS[digits.lower()] * scale
    if re.fullmatch(r"\d{1,3}(?:[ .,\u202f]\d{3})+", digits):
        return float(re.sub(r"\D", "", digits)) * scale
    thousands, decimal = (".", ",") if language == "de" else (",", ".")
    try:
        return float(digits.replace(thousands, "").replace(decimal, ".")) * scale
    except ValueError:
        return None


def _status(sentence: str, language: str, attribution: Attribution | None) -> str | None:
    for status, pattern in _STATUS.get(language, _STATUS["en"]):
        if pattern.search(sentence):
            return status
    if attribution is not None and attribution.kind != "article":
        return "reported"
    return None


def figures_in(text: str, language: str, counted: Callable[[str], bool] | str,
               attribution: Attribution | None = None) -> list[Figure]:
    """The figures of what is counted in `text` (a sentence or a passage)."""
    is_counted = counted_noun(counted) if isinstance(counted, str) else counted
    claimant = attribution.speaker if attribution is not None else None
    out = []
    for sent in split_sentences(text, language):
        sentence = text[sent.start:sent.end]
        status = None
        for m in NUMBER_RE.finditer(sentence):
            noun_end = _bound(sentence, m.end(), is_counted)
            number = parse_number(m.group(), language) if noun_end is not None else None
            if number is None or noun_end is None:
                continue
            if status is None:
                status = _status(sentence, language, attribution) or ""
            q = _QUALIFIER_RE.search(sentence, 0, m.start())
            out.append(Figure(m.group(), number, q.group(1).lower() if q else None,
                              status or None, claimant,
                              (sent.start + m.start(), sent.start + m.end()),
                              _about(sentence, noun_end)))
    return out


_RANGE = re.compile(r"\s*(?:bis|to|und|and|oder|or|[-–])\s*(?=\d)")


def _bound(sentence: str, end: int, counted: Callable[[str], bool]) -> int | None:
    """Where the counted noun ends, if it follows the number at `end` closely enough (past
    the second number of a range: "50 bis 70 Menschen")."""
    rng = _RANGE.match(sentence, end)
    if rng is not None:
        second = NUMBER_RE.match(sentence, rng.end())
        if second is not None:
            end = second.end()
    for n, w in enumerate(_WORD_RE.finditer(sentence, end)):
        if n >= COUNTED_WITHIN or w.group()[0].isdigit() or w.group().lower() in _WORDS:
            return None
        if counted(w.group()):
            return w.end()
    return None


def _about(sentence: str, start: int) -> str:
    rest = re.split(r"[,;:.!?–—(]", sentence[start:], maxsplit=1)[0]
    return rest.strip()


def article_figures(paragraphs: Sequence[str], language: str,
                    counted: Callable[[str], bool] | str,
                    speech: ArticleSpeech | None = None) -> list[ArticleFigure]:
    """Every figure of an article, with its attribution and the reactions to it."""
    speech = speech or attribute_article(paragraphs, language)
    found = _figures(paragraphs, language, counted, speech)
    reacts = _reactions(paragraphs, language, speech, found)
    return [ArticleFigure(f.figure, f.paragraph, f.sentence, f.attribution,
                          tuple(r for r in reacts if (f.paragraph, f.figure.span) in r.refers_to))
            for f in found]


def _figures(paragraphs: Sequence[str], language: str, counted: Callable[[str], bool] | str,
             speech: ArticleSpeech) -> list[ArticleFigure]:
    out = []
    for s in speech.sentences:
        text = paragraphs[s.paragraph][s.span.start:s.span.end]
        for f in figures_in(text, language, counted, s.attribution):
            span = (s.span.start + f.span[0], s.span.start + f.span[1])
            out.append(ArticleFigure(
                Figure(f.value, f.number, f.qualifier, f.status, f.claimant, span, f.about),
                s.paragraph, s.span, s.attribution))
    return out


_REFERS = re.compile(
    r"\b(?:diese[rnms]?|die(?:se)?|das|dies|solche|these|this|that|the|such)\b\s*"
    r"(?:\w+\s+)?(?:Meldung\w*|Angabe\w*|Bericht\w*|Zahl\w*|Information\w*|Schätzung\w*|"
    r"report\w*|figure\w*|claim\w*|number\w*|estimate\w*|account\w*)|\bdafür\b|\bdavon\b|"
    r"\b(?:das|dies|that|it|this)\b(?=\s*[,.;:!?\"“”]|\s*$)", re.IGNORECASE)
_CLASSES = {
    "about": ("etwa", "rund", "circa", "ca.", "ungefähr", "about", "around", "roughly",
              "approximately", "some", "an estimated", "estimated"),
    "at most": ("bis zu", "höchstens", "maximal", "up to", "at most", "as many as"),
    "at least": ("mehr als", "über", "mindestens", "gut", "more than", "over", "at least"),
    "below": ("weniger als", "unter", "knapp", "fast", "beinahe", "nahezu", "an die",
              "nearly", "almost", "less than", "fewer than", "under"),
    "between": ("zwischen", "between"),
}
_CLASS_OF = {q: c for c, qs in _CLASSES.items() for q in qs}


def qualifier_class(qualifier: str | None) -> str | None:
    """What a qualifier says in either language: about, at most, at least, below, between."""
    return _CLASS_OF.get(qualifier.lower(), qualifier) if qualifier else None


def reactions(paragraphs: Sequence[str], language: str, counted: Callable[[str], bool] | str,
              speech: ArticleSpeech | None = None) -> list[Reaction]:
    """Confirmations, non-confirmations and denials of an article's figures."""
    speech = speech or attribute_article(paragraphs, language)
    return _reactions(paragraphs, language, speech,
                      _figures(paragraphs, language, counted, speech))


def disagreements(paragraphs: Sequence[str], language: str,
                  counted: Callable[[str], bool] | str,
                  speech: ArticleSpeech | None = None) -> list[Reaction]:
    """The reactions that do not confirm or that deny ("Pentagon, NATO: keine Beweise")."""
    return [r for r in reactions(paragraphs, language, counted, speech) if r.stance != "confirmed"]


def _reactions(paragraphs: Sequence[str], language: str, speech: ArticleSpeech,
               found: list[ArticleFigure]) -> list[Reaction]:
    out = []
    sentences = list(speech.sentences)
    for n, s in enumerate(sentences):
        if not s.parties or s.attribution.speaker is None:
            continue
        text = paragraphs[s.paragraph][s.span.start:s.span.end]
        stance = next((st for st, p in _STATUS.get(language, _STATUS["en"])[:3]
                       if p.search(text)), None)
        own = [f for f in found if f.paragraph == s.paragraph and f.sentence == s.span]
        if stance is None or own or not _REFERS.search(text):
            continue
        for back in sentences[max(0, n - 2):n][::-1]:
            before = [f for f in found if f.paragraph == back.paragraph and f.sentence == back.span]
            claimed = [f for f in before if f.attribution.speaker != s.attribution.speaker]
            if claimed:
                out.append(Reaction(tuple(p.speaker or "" for p in s.parties),
                                    s.attribution.speaks_for, stance, s.paragraph, s.span,
                                    tuple((f.paragraph, f.figure.span) for f in claimed)))
                break
    return out
