"""The speech frame of one sentence: quoted, reported or the article's own, and by whom.

    frame_of(sentence, language) -> Frame

Direct speech is a quotation with its speaker beside it: „…“, sagt Peskow / "…," said
Peskov / "…," Peskov said / Peskow sagte: „…“ / Lloyd Austin: "…" / „…“, sagte X, „…“ /
Dazu sagte X: „…“. Reported speech is a speech verb with its speaker (German and English:
sagen, erklären, betonen, mitteilen, warnen, fordern, dementieren, bestätigen, bestreiten,
sprechen von, … / say, tell, claim, deny, confirm, warn, add, …) in any of the orders "…,
erklärte X", "X sagte, …", "Am Mittwoch sprach X davon", "…, so X,", "wie X sagte",
"laut X", "X zufolge", "nach Angaben von X", "nach eigenen Angaben" (the clause's
subject), "according to X", "laut einem Bericht von X", "hieß es aus X", "Aus X sind
Dementis zu vernehmen", "X will … herausgefunden haben", "Das sagte X" (the quotation
before is X's too). Quotations inside the sentence that are no clause of their own
(„in Kürze“) do not make it direct. Without a named speaker a frame may still say
whose the sentence is not: "hieß es", Konjunktiv I ("werde", "habe") and a quotation
standing alone take the speaker of the sentence before (`context`); hearsay ("sollen …
worden sein", "reportedly") is reported with no speaker. Everything else is the
article's own voice.

Misses: speech verbs outside the lists ("zusagen", "twittern"), a speaker only in the
next sentence except "Das sagte X", frames with the speaker inside a relative clause, and
irony; a speech verb whose subject is a plain noun ("Die Meldung bestätigt …") is taken
as a frame with that noun as speaker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.mentions import (
    FILLERS,
    Mention,
    clause_start,
    is_role,
    mention_after,
    mention_at,
    mention_before,
)
from bot.models import Span
from bot.quotes import Token, quoted_share, tokens
from bot.wordfreqs import zipf

VERBS = {
    "de": frozenset(
        """
        sagt sagte sagten sagen gesagt erklärt erklärte erklärten erklären betont betonte
        betonten betonen teilt teilte teilten mitgeteilt warnt warnte warnten warnen gewarnt
        fordert forderte forderten fordern gefordert dementiert dementierte dementierten
        dementieren bestätigt bestätigte bestätigten bestätigen bestreitet bestritt
        bestritten bestreiten behauptet behauptete behaupteten behaupten versichert
        versicherte versicherten ergänzt ergänzte ergänzten fügte fügt fügten spricht sprach
        sprachen berichtet berichtete berichteten meldet meldete meldeten kündigte kündigt
        kündigten kritisiert kritisierte kritisierten unterstrich unterstreicht schreibt
        schrieb schrieben wies weist antwortet antwortete meint meinte meinten erläutert
        erläuterte räumte räumt droht drohte verlangt verlangte mahnt mahnte beteuert
        beteuerte bekräftigt bekräftigte erzählt erzählte erzählten fragt fragte verkündet
        verkündete äußerte äußert äußerten beschuldigt beschuldigte beschuldigten wirft warf
        warfen argumentiert argumentierte plädiert plädierte appelliert appellierte verweist
        verwies entgegnete entgegnet widersprach widerspricht
        """.split()),
    "en": frozenset(
        """
        say says said tell tells told states stated claim claims claimed deny denies denied
        confirm confirms confirmed warn warns warned add adds added insist insists insisted
        announce announces announced reports reported write writes wrote explain explains
        explained stress stresses stressed argue argues argued acknowledge acknowledges
        acknowledged admit admits admitted allege alleges alleged assert asserts asserted
        declare declares declared reply replies replied respond responds responded notes
        noted urge urges urged demand demands demanded threaten threatens threatened
        maintain maintains maintained reiterate reiterates reiterated asks asked
        """.split()),
}
REPORT_NOUNS = frozenset(
    """
    bericht berichten berichte berichts angaben informationen infos medienberichten
    medienberichte aussagen aussage einschätzung einschätzungen schätzungen schätzung
    erkenntnissen erkenntnisse erklärung mitteilung stellungnahme bilanz darstellung
    recherchen zählung auskunft ansicht auffassung urteil klage studie umfrage analyse
    papier dokument gutachten statistik prognose schreiben brief anklage anklageschrift
    report reports estimate estimates statement figures data assessment study survey poll
    ruling document analysis letter filing lawsuit
    """.split())
KONJUNKTIV_I = frozenset(
    """
    sei seien habe werde könne müsse solle wolle dürfe möge gebe wisse stehe liege gehe
    komme bleibe rechne plane handle verfüge brauche führe sehe halte lasse trage erfolge
    """.split())
_KONJUNKTIV_II = frozenset(
    "würde wäre hätte könnte sollte müsste dürfte wollte möchte käme gäbe ginge stünde "
    "bliebe läge hielte".split())
_ADVERBIALS = frozenset(
    """
    am im an in auf nach bei dazu darauf dann gestern heute zuvor später zudem außerdem auch
    daraufhin inzwischen mittlerweile bereits jetzt nun vorher zuletzt erst ebenfalls dort
    hier damals anschließend kurz weiter jedoch allerdings trotzdem dennoch dabei seit vor
    gegenüber on at later earlier also meanwhile then yesterday today
    """.split())
_AUXILIARIES = frozenset(
    "ist sind war waren wurde wurden hat haben hatte hatten wird werden is are was were has "
    "have had will would".split())
_HEARD = frozenset("vernehmen hören verlautete verlautet hieß heißt".split())
_HEARSAY = {
    "de": re.compile(r"\bsoll(?:en|te|ten)?\b[^,;]*\b(?:worden sein|haben|sein)\b"
                     r"|\b(?:sein|haben) soll(?:en)?\b"),
    "en": re.compile(r"\b(?:reportedly|allegedly|purportedly|(?:is|are|was|were) said to)\b",
                     re.IGNORECASE),
}
QUOTE_ONLY = 0.85  # the share of a sentence in quotation marks that makes it a quotation alone


@dataclass(frozen=True)
class Frame:
    """How one sentence is said: `kind` direct, reported or article; the `mention` of its
    speaker when the frame names one; `context` when the speaker is the one of the
    sentence before; `refers_back` for "Das sagte X" (the quotation before is X's)."""

    kind: str
    mention: Mention | None = None
    context: bool = False
    refers_back: bool = False
    quote_only: bool = False


_Candidate = tuple[int, int, Frame]  # priority (lower wins), position, frame


def frame_of(sentence: str, language: str, toks: list[Token] | None = None) -> Frame:
    """The speech frame of `sentence` (see the module docstring); `toks` its tokens, if
    the caller has them already."""
    toks = toks if toks is not None else tokens(sentence, language)
    spans = [Span(t.start, t.end) for t in toks if t.kind == "quote"]
    quote_only = bool(spans) and quoted_share(sentence, spans) >= QUOTE_ONLY
    found: list[_Candidate] = []
    verbs = VERBS.get(language, VERBS["en"])
    for k, tok in enumerate(toks):
        if tok.kind == "word":
            word = tok.text.lower()
            if word in verbs or word in _TRIGGERS:  # (most words start no frame)
                found.extend(_candidates(toks, k, language))
        elif tok.kind == "quote" and k > 0 and toks[k - 1].text == ":":
            m = mention_before(toks, k - 1, language)  # Lloyd Austin: "…"
            if m is not None:
                found.append((1, k, Frame("direct", m)))
    if found:
        best = min(found, key=lambda c: (c[0], c[1]))[2]
        return Frame(best.kind, best.mention, best.context, best.refers_back, quote_only)
    if quote_only:
        return Frame("direct", None, context=True, quote_only=True)
    outside = _outside(sentence, spans)
    if language == "de" and any(konjunktiv_i(t.text) for t in toks if t.kind == "word"):
        return Frame("reported", None, context=True)
    if _HEARSAY.get(language, _HEARSAY["en"]).search(outside):
        return Frame("reported", None)
    return Frame("article")


@lru_cache(maxsize=65_536)
def konjunktiv_i(word: str) -> bool:
    """Is `word` a Konjunktiv I form ("sei", "habe", "mache": a verb's stem + e, where the
    verb's infinitive and its indicative "-t" form are common words; "große" is no verb)?"""
    if word in KONJUNKTIV_I:
        return True
    if not (word.endswith("e") and word.islower() and len(word) > 3) or word in _KONJUNKTIV_II:
        return False
    stem = word[:-1]
    return zipf(stem + "en", "de") >= 3.0 and max(
        zipf(stem + "t", "de"), zipf(stem + "et", "de")) >= 3.8


def _outside(text: str, spans: list[Span]) -> str:
    """`text` with its quotations blanked out (offsets kept)."""
    chars = list(text)
    for s in spans:
        chars[s.start:s.end] = " " * (s.end - s.start)
    return "".join(chars)


def _candidates(toks: list[Token], k: int, language: str) -> list[_Candidate]:
    word = toks[k].text.lower()
    if word in VERBS.get(language, VERBS["en"]):
        return _verb(toks, k, language)
    if word not in _TRIGGERS:  # (most words: none of the cases below)
        return []
    nxt = toks[k + 1].text.lower() if k + 1 < len(toks) else ""
    out: list[_Candidate] = []
    if word == "so" and language == "de" and k > 0 and toks[k - 1].text == ",":
        m = mention_after(toks, k + 1, language)
        if m is not None and not m.pronoun and _ends_clause(toks, m):
            out.append((1 if _opens_with_quote(toks, k - 1) else 2, k,
                        Frame("direct" if _opens_with_quote(toks, k - 1) else "reported", m)))
    elif word == "laut" or (word == "according" and nxt == "to"):
        m = source_after(toks, k + (1 if word == "laut" else 2), language)
        if m is not None:
            out.append((3, k, _sourced(m)))  # after "X sagte laut Y": X speaks
    elif word == "zufolge":
        m = _source_before(toks, k, language)
        if m is not None:
            out.append((2, k, _sourced(m)))
    elif word == "angaben" and k > 0 and toks[k - 1].text.lower() == "eigenen":
        out.extend(_own_account(toks, k, language))
    elif word == "nach" and language == "de" and nxt != "eigenen" and _report_follows(toks, k + 1):
        m = source_after(toks, k + 1, language)  # nach Angaben des NIS, nach einer Bilanz der …
        if m is not None:
            out.append((2, k, _sourced(m)))
    elif word in ("hieß", "heißt") and ("es" in (nxt, toks[k - 1].text.lower())):
        out.append(_impersonal(toks, k, language))
    elif word in ("will", "wollen") and language == "de" and _claims(toks, k):
        m = mention_after(toks, k + 1, language)
        if m is not None:
            out.append((3, k, Frame("reported", m)))
    elif word == "aus" and clause_start(toks, k) == k and _heard(toks, k):
        m = mention_after(toks, k + 1, language)
        if m is not None:
            m = Mention(_nominative(m.text), m.name, m.role, m.start, m.end, m.head)
            out.append((2, k, Frame("reported", m)))
    return out


# every word a case of _candidates starts from
_TRIGGERS = frozenset(("so", "laut", "according", "zufolge", "angaben", "nach", "hieß", "heißt",
                       "will", "wollen", "aus"))


def _verb(toks: list[Token], k: int, language: str) -> list[_Candidate]:
    """Frames around the speech verb at `k`."""
    out: list[_Candidate] = []
    before = toks[k - 1] if k > 0 else None
    if k == 1 and toks[0].text in ("Das", "Dies", "So"):  # Das sagte Peskow.
        m = mention_after(toks, k + 1, language)
        if m is not None:
            return [(1, k, Frame("reported", m, refers_back=True))]
    if before is not None and (before.kind == "quote" or before.text == ","):
        m = mention_after(toks, k + 1, language)  # „…“, sagt X / …, erklärte X
        if m is not None:
            direct = _opens_with_quote(toks, k - 1)
            out.append((1 if direct else 2, k, Frame("direct" if direct else "reported", m)))
    m = mention_before(toks, k, language)
    if m is not None and _weak(m, language) and language == "de":
        after = mention_after(toks, k + 1, language)  # "Neue Smartphones verkündet Apple"
        m = after if after is not None and (after.name or not _weak(after, language)) else m
    if m is not None:
        start = clause_start(toks, k)
        # Peskow sagte: „…“ / "…," Peskov said
        if _quote_after(toks, k + 1) or (start > 0 and _opens_with_quote(toks, start - 1)):
            out.append((1, k, Frame("direct", m)))
        else:
            out.append((2 if start > 0 and toks[start - 1].text == "," else 3, k,
                        Frame("reported", m)))
    wie = _wie(toks, k, language)
    if wie is not None:
        out.append((2, k, Frame("reported", wie)))
    start = clause_start(toks, k)
    if _adverbial(toks, start, k):
        m = mention_after(toks, k + 1, language)  # Am Mittwoch sprach auch die US-Regierung
        listed = toks[start].text.lower() in _ADVERBIALS
        if m is not None and (listed or m.name or m.parts or (m.head and is_role(
                m.text.split()[-1], language))):
            end = _token_after(toks, m)
            direct = _quote_follows(toks, end)
            out.append((1 if direct else 3, k, Frame("direct" if direct else "reported", m)))
    return out


def _weak(m: Mention, language: str) -> bool:
    """Is `m` no subject: a plain noun phrase ("Neue Smartphones"), no name, title or body,
    or a dative ("Dem Magazin X sagte Y")?"""
    if (m.article or "").lower() in ("dem", "einem"):
        return True
    return not (m.name or m.parts or m.pronoun or (m.head and is_role(m.text.split()[-1],
                                                                        language)))


def _opens_with_quote(toks: list[Token], k: int) -> bool:
    """Is token `k` (or the quotation before a comma at `k`) the sentence's first quotation,
    standing at its start?"""
    if toks[k].text == "," and k > 0:
        k -= 1
    return toks[k].kind == "quote" and all(t.kind == "punct" for t in toks[:k])


def _quote_follows(toks: list[Token], j: int) -> bool:
    return j + 1 < len(toks) and toks[j].text in (":", ",") and toks[j + 1].kind == "quote"


def _quote_after(toks: list[Token], j: int) -> bool:
    """Does a quotation follow a colon or comma within a few words ("fügte hinzu: „…“")?"""
    for k in range(j, min(j + 6, len(toks))):
        if toks[k].kind != "word":
            return _quote_follows(toks, k)
    return False


def _token_after(toks: list[Token], m: Mention) -> int:
    return next((j for j, t in enumerate(toks) if t.start >= m.end), len(toks))


def _ends_clause(toks: list[Token], m: Mention) -> bool:
    j = _token_after(toks, m)
    while j < len(toks) and toks[j].text.lower() in FILLERS:  # ", so Peskow weiter."
        j += 1
    return j >= len(toks) or toks[j].kind == "punct"


def _adverbial(toks: list[Token], a: int, k: int) -> bool:
    """Are tokens a..k-1 an adverbial before a verb in second place ("Am Mittwoch")?"""
    part = toks[a:k]
    if not 1 <= len(part) <= 6:
        return False
    if part[0].text.lower() not in _ADVERBIALS and not (len(part) == 1 and part[0].kind == "word"):
        return False  # any one word may stand first: "Skeptisch äußerte sich X"
    return all(t.kind in ("word", "number") or t.text == "." for t in part) and not any(
        t.text.lower() in _AUXILIARIES for t in part)


def _wie(toks: list[Token], k: int, language: str) -> Mention | None:
    """"wie X sagte" / "as X said": the mention between "wie" and the verb."""
    for j in range(max(0, k - 8), k):
        if toks[j].text.lower() in ("wie", "as"):
            found = mention_at(toks, j + 1, language)
            if found is not None and found[1] == k:
                return found[0]
    return None


def source_after(toks: list[Token], i: int, language: str) -> Mention | None:
    """The source after "laut" / "according to", past a report noun: "laut einem Bericht
    der Nachrichtenagentur Reuters" -> Reuters; "laut Medienberichten" -> the noun."""
    j = i
    while j < len(toks) and _before_noun(toks, j):
        j += 1
    if j < len(toks) and report_noun(toks[j].text):
        noun = toks[j]
        j += 1
        nxt = toks[j].text.lower() if j < len(toks) else ""
        if nxt in ("von", "of", "by", "from", "aus"):
            j += 1
        # the source follows as "von X" or in the genitive, not "laut einem Bericht ihre …"
        m = mention_after(toks, j, language) if nxt in _SOURCE_STARTS else None
        return m or Mention(noun.text, None, None, noun.start, noun.end, noun.text.lower())
    return mention_after(toks, i, language)


_ARTICLES = frozenset("der die das des dem den ein einem einer eines the a an".split())
_SOURCE_STARTS = frozenset("von of by from aus des der eines einer".split())


def _before_noun(toks: list[Token], j: int) -> bool:
    """Is token `j` an article or an adjective before a report noun ("einem neuen Bericht")?"""
    word = toks[j].text
    if word.lower() in _ARTICLES:
        return True
    return (word[:1].islower() and word.endswith(("e", "en", "er", "es", "em"))
            and j + 1 < len(toks) and report_noun(toks[j + 1].text))


def _source_before(toks: list[Token], k: int, language: str) -> Mention | None:
    """The source before "zufolge": "Dem Militärgeheimdienst HUR zufolge", "einem Bericht
    der Zeitung X zufolge"."""
    m = mention_before(toks, k, language)
    if m is not None and not (m.head and report_noun(m.head)):
        return m
    start = clause_start(toks, k)
    for j in range(start, k):
        if report_noun(toks[j].text):
            return source_after(toks, j, language)
    return m


def report_noun(word: str) -> bool:
    """Is `word` a report, statement or estimate ("Angaben", "Presseberichten", "report")?"""
    low = word.lower()
    return low in REPORT_NOUNS or low.endswith(("bericht", "berichte", "berichten", "angaben"))


def _sourced(m: Mention) -> Frame:
    """Reported by `m`; by no one named when `m` is a report alone ("laut Medienberichten")."""
    if m.name is None and m.head is not None and report_noun(m.head) \
            and m.text.lower() == m.head:
        return Frame("reported", None)
    return Frame("reported", m)


def _report_follows(toks: list[Token], j: int) -> bool:
    while j < len(toks) and _before_noun(toks, j):
        j += 1
    return j < len(toks) and report_noun(toks[j].text)


def _own_account(toks: list[Token], k: int, language: str) -> list[_Candidate]:
    """"nach eigenen Angaben": the speaker is the clause's subject."""
    start = clause_start(toks, k)
    for j in range(start, k - 2):
        if toks[j].text.lower() in FILLERS:
            continue
        found = mention_at(toks, j, language)
        if found is not None and (found[0].name or found[0].head):
            return [(2, k, Frame("reported", found[0]))]
    return []


def _impersonal(toks: list[Token], k: int, language: str) -> _Candidate:
    """"hieß es (aus X / in einer Erklärung des X)"; without X, the speaker before."""
    j = k + 2 if k + 1 < len(toks) and toks[k + 1].text.lower() == "es" else k + 1
    while j < len(toks) and toks[j].text.lower() in ("weiter", "zudem", "auch", "dazu"):
        j += 1
    if j < len(toks) and toks[j].text.lower() in ("aus", "von", "in", "im", "seitens"):
        m = source_after(toks, j + 1, language)
        if m is not None:
            return (2, k, _sourced(m))
    return (4, k, Frame("reported", None, context=True))


def _claims(toks: list[Token], k: int) -> bool:
    """"X will … herausgefunden haben": wollen with a perfect infinitive ends the clause."""
    j = k + 1
    while j < len(toks) and toks[j].text not in (",", ";", ".", "!", "?", ":"):
        j += 1
    return j - 1 > k and toks[j - 1].text in ("haben", "sein")


def _heard(toks: list[Token], k: int) -> bool:
    """"Aus Moskau sind Dementis zu vernehmen": a clause opened by "aus" that hears."""
    for t in toks[k + 1:]:
        if t.text in (",", ";", "."):
            return False
        if t.text.lower() in _HEARD or t.text.startswith("Dementi"):
            return True
    return False


def _nominative(text: str) -> str:
    """"offiziellen Moskau" (after "aus dem") -> "offizielles Moskau"."""
    words = text.split()
    if len(words) > 1 and words[0][:1].islower() and words[0].endswith("en"):
        words[0] = words[0][:-2] + "es"
    return " ".join(words)
