"""Answer-kind evidence in a sentence, and the spans that answer the question.

A count question wants a number, a time question a date, a statement question a
quotation or a speech verb, a person question a name, a place question a place
name, a reason question a causal clause. Each finder returns character spans.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.models import Span

_NUMBER_WORDS = (
    r"zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|zwanzig|dreißig|hundert\w*|"
    r"tausend\w*|dutzend\w*|mehrere|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|twenty|thirty|hundreds?|thousands?|dozens?"
)
_SCALE = (
    r"(?:\s+(?:Millionen|Million|Milliarden|Milliarde|Mio\.|Mrd\.|million|billion|thousand|"
    r"Tausend|Prozent|percent|%))?"
)
NUMBER_RE = re.compile(
    r"(?<![\w.,])(?:\d+(?:[.,]\d+)*(?:\s?%)?" + _SCALE
    + r"|(?:" + _NUMBER_WORDS + r")\b" + _SCALE + r")",
    re.IGNORECASE,
)
_MONTHS = (
    r"Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|"
    r"Dezember|January|February|March|June|July|October|December"
)
_DAYS = (
    r"Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag|Monday|Tuesday|Wednesday|"
    r"Thursday|Friday|Saturday|Sunday"
)
TIME_RE = re.compile(
    r"\b(?:(?:am|im|seit|bis|vor|ab|on|in|since|by|until|before|after|from)\s+)?(?:"
    r"(?:\d{1,2}\.\s*)?(?:" + _MONTHS + r")(?:\s+\d{1,2}(?:st|nd|rd|th)?,?)?(?:\s+\d{4})?"
    r"|(?:" + _DAYS + r")(?:,?\s+(?:den\s+)?\d{1,2}\.(?:\d{1,2}\.)?(?:\d{2,4})?)?"
    r"|\d{1,2}\.\d{1,2}\.(?:\d{2,4})?"
    r"|(?:1[0-9]|20)\d{2}(?:er)?(?:\s*[-–]\s*\d{2,4})?"
    r"|\d{1,2}\.\s+Jahrhundert|\d{1,2}(?:st|nd|rd|th)\s+century"
    r"|gestern|heute|morgen|yesterday|today|tomorrow|letzte[nrs]?\s+\w+|last\s+\w+"
    r")\b",
    re.IGNORECASE,
)
SPEECH_RE = re.compile(
    r"\b(?:sag(?:t|te|ten|en)?|gesagt|erklär(?:t|te|ten)|betont(?:e|en)?|behaupt\w*|"
    r"dementier\w*|bestreit\w*|bestritt\w*|warnt(?:e|en)?|fordert(?:e|en)?|kritisiert(?:e|en)?|"
    r"teilt(?:e|en)?\s+mit|hieß\s+es|heißt\s+es|laut|zufolge|nach\s+eigenen\s+Angaben|"
    r"so\s+\w+|says?|said|claim(?:s|ed)?|den(?:y|ies|ied)|stated?|warn(?:s|ed)|according\s+to|"
    r"told|announced?|insist(?:s|ed)?)\b",
    re.IGNORECASE,
)
# A speech verb with the speaker named after it: "sagt Dmitri Peskow", "so Austin",
# "erklärte NATO-Sprecherin Farah Dakhlallah", "said Lloyd Austin".
SPEAKER_RE = re.compile(
    r"\b(?:sag(?:t|te|ten)|erklärt(?:e|en)?|betont(?:e|en)?|so|said|says|told|according\s+to)"
    r"\s+(?:(?:der|die|das|ein|eine|the|a)\s+)?"
    r"[A-ZÄÖÜ][\w.-]*(?:\s+(?:(?:von|des|der|de|van)\s+)?[A-ZÄÖÜ][\w.-]*)*"
)
QUOTE_RE = re.compile(r"„[^“”\"]{3,}[“”\"]|“[^”“]{3,}”|\"[^\"]{3,}\"|»[^«]{3,}«|«[^»]{3,}»")
NAME_RE = re.compile(
    r"\b[A-ZÄÖÜ][\w’'-]+(?:\s+(?:von|van|de|der|bin|al|[A-ZÄÖÜ]\.)?\s*[A-ZÄÖÜ][\w’'-]+){1,3}"
)
PLACE_RE = re.compile(
    r"\b(?:in|nach|aus|bei|an\s+der|im|am|at|near|from|to|into)\s+(?:der\s+|dem\s+|den\s+|the\s+)?"
    r"([A-ZÄÖÜ][\w-]+(?:\s+[A-ZÄÖÜ][\w-]+)*)"
)
REASON_RE = re.compile(
    r"\b(?:weil|da\s|denn|wegen|aufgrund|um\s+\w+(?:\s+\w+){0,6}\s+zu\b|damit|deshalb|daher|"
    r"because|due\s+to|since|so\s+that|in\s+order\s+to|as\s+a\s+result|therefore)\b",
    re.IGNORECASE,
)


def _spans(pattern: re.Pattern[str], text: str, group: int = 0) -> list[Span]:
    return [Span(m.start(group), m.end(group)) for m in pattern.finditer(text) if m.group(group)]


def evidence(kind: str, text: str) -> list[Span]:
    """Spans in `text` that would answer a question of `kind` ([] when there are none)."""
    if kind == "count":
        return _spans(NUMBER_RE, text)
    if kind == "time":
        return _spans(TIME_RE, text)
    if kind == "statement":
        return _spans(SPEAKER_RE, text) or _spans(QUOTE_RE, text) or _spans(SPEECH_RE, text)
    if kind == "person":
        # a capitalised run at the start of the sentence is as likely no name at all
        return ([s for s in _spans(NAME_RE, text) if text[:s.start].strip(" „“”\"'«»(")]
                or _spans(NAME_RE, text))
    if kind == "place":
        return _spans(PLACE_RE, text, 1)
    if kind == "reason":
        spans = _spans(REASON_RE, text)
        return [Span(s.start, _clause_end(text, s.start)) for s in spans]
    return []


COUNTED_WITHIN = 3
UNBOUND = 0.4  # the strength of a number that is not bound to what is counted
_UNITS = frozenset(
    "jahr jahre jahren jahrs monat monate monaten tag tage tagen stunde stunden minute "
    "minuten sekunden meter metern kilometer km m cm mm kilogramm kg tonnen tonne liter "
    "grad prozent % euro dollar franken pfund yen millionen million milliarden milliarde "
    "prozentpunkte "
    "year years month months day days hour hours minutes seconds metres meters miles "
    "feet kilometres kilometers kilograms pounds tons tonnes litres degrees percent "
    "dollars euros million billion".split())


def _bound(text: str, span: Span, counted: Callable[[str], bool], units: bool) -> bool:
    """Is the number at `span` followed closely by what is counted, or by a unit?"""
    after = TOKEN_WORDS.findall(text, span.end, min(len(text), span.end + 80))
    for token in after[:COUNTED_WITHIN]:
        if (units and token.casefold() in _UNITS) or counted(token):
            return True
    # the number may carry its unit inside the span ("12 Millionen", "5 %")
    inside = text[span.start:span.end].split()
    return units and len(inside) > 1 and inside[-1].casefold() in _UNITS


TOKEN_WORDS = re.compile(r"%|\w+(?:[-‐‑'’]\w+)*")


def _clause_end(text: str, start: int) -> int:
    m = re.compile(r"[,;:.!?–]").search(text, start + 4)
    return m.start() if m else len(text)


def strength(kind: str, text: str, spans: list[Span],
             counted: Callable[[str], bool] | None = None, units: bool = True) -> float:
    """0-1: how strongly the evidence found in `text` answers a question of `kind`.

    For a count question, `counted(token)` says whether a token is what the question
    counts (its focus noun): a number followed within COUNTED_WITHIN tokens by it or by
    a unit ("1.500 Soldaten", "50 dieser Raketen", "39 Jahre"; units only with `units`,
    for "wie alt", "how long") answers fully, any other number ("Rang 144") only weakly.
    """
    if not spans:
        return 0.0
    if kind == "count" and counted is not None:
        return 1.0 if any(_bound(text, s, counted, units) for s in spans) else UNBOUND
    if kind == "statement":
        # A real quotation has a few words; "Beweise" in quotes is not a statement.
        quoted = any(len(m.group().split()) >= 4 for m in QUOTE_RE.finditer(text))
        spoken = bool(SPEECH_RE.search(text))
        return 1.0 if quoted and spoken else 0.7 if quoted else 0.4
    return 1.0
