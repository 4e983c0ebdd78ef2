"""Question analysis: language, kind of answer wanted, and focus words.

The kind steers sentence picking: a count question wants a number, a statement
question a quotation or a speech verb and its speaker, a time question a date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.analysis import LANGUAGES, TOKEN_RE, fold, stop_words
from bot.wordfreqs import zipf

KINDS = ("count", "time", "reason", "person", "place", "statement", "other")

_I = re.IGNORECASE
_PATTERNS: dict[str, dict[str, re.Pattern[str]]] = {
    "count": {
        "de": re.compile(
            r"\bwie\s*viele?\b|\bwieviele?\b|\banzahl\b|\bwie\s+(hoch|groß|gross|lang|weit|"
            r"alt|schwer|teuer|oft|stark|breit|tief)\b|\bwie\s+viel\w*\b|\bzahl\b|\bprozent\b", _I),
        "en": re.compile(
            r"\bhow\s+(many|much|long|far|old|big|large|high|often|tall|deep|wide|heavy)\b|"
            r"\bnumber\s+of\b|\bwhat\s+(percentage|number|amount|proportion)\b|\bamount\b", _I),
    },
    "time": {
        "de": re.compile(
            r"\bwann\b|\bseit\s+wann\b|\bin\s+welchem\s+(jahr|monat|jahrhundert|jahrzehnt)\b|"
            r"\ban\s+welchem\s+tag\b|\bwelche[sm]?\s+(datum|jahr|tag|monat)\b|\bum\s+wie\s+viel\s+uhr\b|"
            r"\bbis\s+wann\b|\bzu\s+welche[mr]\s+zeit", _I),
        "en": re.compile(
            r"\bwhen\b|\b(what|which)\s+(year|date|day|time|month|century|decade)\b|"
            r"\bin\s+which\s+year\b|\bhow\s+long\s+ago\b|\bsince\s+when\b", _I),
    },
    "reason": {
        "de": re.compile(r"\bwarum\b|\bweshalb\b|\bwieso\b|\bweswegen\b|\baus\s+welchem\s+grund\b|"
                         r"\bwozu\b|\bwas\s+ist\s+der\s+grund\b", _I),
        "en": re.compile(r"\bwhy\b|\bfor\s+what\s+reason\b|\bwhat\s+(is|was)\s+the\s+reason\b|"
                         r"\bwhat\s+caused\b", _I),
    },
    "person": {
        "de": re.compile(r"\bwer\b|\bwem\b|\bwen\b|\bwessen\b|\bvon\s+wem\b|\bmit\s+wem\b|"
                         r"\bwie\s+(heißt|hieß|hießen|heißen|lautet|lautete)\b|"
                         r"\bwelche[rsmn]?\s+(\w+\s+)?(person|politiker\w*|präsident\w*|sprecher\w*|"
                         r"minister\w*|spieler\w*|autor\w*|forscher\w*|könig\w*|herrscher\w*|"
                         r"schauspieler\w*|wissenschaftler\w*|führer\w*|anführer\w*|kaiser\w*|"
                         r"physiker\w*|erfinder\w*|künstler\w*|trainer\w*|chef\w*)\b", _I),
        "en": re.compile(r"\bwho\b|\bwhom\b|\bwhose\b|\bwhat\s+(is|was)\s+the\s+name\b|"
                         r"\b(which|what)\s+(\w+\s+)?(person|politician|president|spokesman|"
                         r"spokesperson|minister|player|author|writer|scientist|king|ruler|actor|"
                         r"leader|emperor|inventor|artist|coach|researcher|physicist)\b", _I),
    },
    "place": {
        "de": re.compile(r"\bwo\b|\bwohin\b|\bwoher\b|\bin\s+welche[mrn]?\s+(stadt|land|region|ort|"
                         r"gegend|staat)\b|\ban\s+welche[mr]\s+(ort|front|stelle)\b", _I),
        "en": re.compile(r"\bwhere\b|\b(which|what)\s+(city|country|place|region|town|state|"
                         r"location)\b", _I),
    },
    "statement": {
        "de": re.compile(r"\bsag(t|te|ten|en)?\b|\bgesagt\b|\berklär\w*|\bbehaupt\w*|\bdementi\w*|"
                         r"\bbestreit\w*|\bbestritt\w*|\bmein(t|te|en)\b|\bäußer\w*|\bwas\s+(hält|denkt)\b|"
                         r"\bposition\b|\breagier\w*|\breaktion\b|\bstellungnahme\b|\bkommentier\w*|"
                         r"\bbestätig\w*|\bwarn\w*|\bfordert?\b", _I),
        "en": re.compile(r"\bsay(s|ing)?\b|\bsaid\b|\bclaim\w*|\bden(y|ies|ied)\b|\bstate[sd]?\b|"
                         r"\bposition\b|\brespon\w*|\breact\w*|\bthink\w*|\bcomment\w*|\bconfirm\w*|"
                         r"\bwarn\w*|\bdemand\w*|\bstance\b", _I),
    },
}

# Words whose presence tells German from English in a short question.
_HINTS = {
    "de": frozenset("wie wer was wann wo warum welche welcher welches wieviele viele gibt ist sind "
                    "hat der die das und sagt sagte nicht im am zum zur ein eine".split()),
    "en": frozenset("how who what when where why which many much is are does did do the and says "
                    "said not of in to a an".split()),
}


@dataclass(frozen=True)
class Question:
    """An analysed question."""

    text: str
    language: str
    kind: str
    focus: tuple[str, ...]  # content words as written (no stop or question words)
    words: int
    particle: str | None = None  # German separable particle closing the question ("ein")
    counted: str | None = None  # what a count question counts ("Soldaten" in "Wie viele Soldaten")


def detect_language(text: str, candidates: tuple[str, ...] = LANGUAGES) -> str:
    """German or English (or whichever `candidates` are given) for a short question."""
    if len(candidates) == 1:
        return candidates[0]
    words = [fold(m.group()) for m in TOKEN_RE.finditer(text)]
    score = dict.fromkeys(candidates, 0.0)
    for word in words:
        for lang in candidates:
            if word in _HINTS.get(lang, ()):
                score[lang] += 1.0
        # A word much more common in one language than the others is evidence for it.
        freqs = {lang: zipf(word, lang) for lang in candidates}
        best = max(freqs.values())
        for lang in candidates:
            if freqs[lang] == best and best - sorted(freqs.values())[-2] >= 0.8:
                score[lang] += 0.7
    if any(ch in text for ch in "äöüßÄÖÜ"):
        score["de"] = score.get("de", 0.0) + 1.0
    return max(candidates, key=lambda lang: (score[lang], lang == candidates[0]))


def question_kind(text: str, language: str) -> str:
    """count | time | reason | person | place | statement | other."""
    for kind in KINDS[:-1]:
        patterns = _PATTERNS[kind]
        pattern = patterns.get(language)
        if pattern is not None and pattern.search(text):
            return kind
    return "other"


def analyse(text: str, languages: tuple[str, ...] = LANGUAGES) -> Question:
    """Language, kind and focus words of a question."""
    language = detect_language(text, languages)
    stops = stop_words(language)
    words = [m.group() for m in TOKEN_RE.finditer(text)]
    focus = tuple(w for w in words if fold(w) not in stops)
    kind = question_kind(text, language)
    if kind == "statement":
        # "Was sagt Russland?": the verb asks for a statement; the answer rarely repeats it.
        content = tuple(w for w in focus if not _SAYING.fullmatch(w))
        focus = content or focus
    particle = None
    if language == "de" and len(words) > 2 and fold(words[-1]) in _PARTICLES:
        particle = fold(words[-1])  # "Wann treffen die Soldaten ein?" -> eintreffen
    counted = _counted(text, language) if kind == "count" else None
    return Question(text=text, language=language, kind=kind, focus=focus, words=len(words),
                    particle=particle, counted=counted)


def _counted(text: str, language: str) -> str | None:
    """The noun a count question counts: in German the first capitalised word after "wie
    viele" / "Anzahl der" ("Wie viele nordkoreanische Soldaten"); in English the last
    word before the verb after "how many" ("how many North Korean soldiers are")."""
    m = _COUNT_WORDS.search(text)
    if m is None:
        return None
    after = [w.group() for w in TOKEN_RE.finditer(text, m.end())][:4]
    if language == "de":
        return next((w for w in after if w[:1].isupper()), None)
    words = []
    for w in after:
        if w.casefold() in _EN_VERBS:
            break
        words.append(w)
    return words[-1] if words else None


_COUNT_WORDS = re.compile(
    r"(?i)\b(?:wie\s*viele?|wieviele?|anzahl\s+(?:der|an|von)|how\s+many|number\s+of)\b")
_EN_VERBS = frozenset(
    "are is was were did do does have has had will would could can should may might "
    "been being".split())


_SAYING = re.compile(
    r"(?i)sag(t|te|ten|en)?|gesagt|meint|meinen|äußert|say|says|said|saying|think|thinks|tell|"
    r"tells|told"
)
_PARTICLES = frozenset(
    "ab an auf aus bei ein fest her hin los mit nach vor weg zu zurück zusammen statt teil "
    "fort heraus hinaus vorbei weiter".split()
)
