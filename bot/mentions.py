"""Speaker mentions: the noun phrase that names who speaks, split into name and role.

    mention_after(tokens, i, language) -> Mention | None   # "sagt Dmitri Peskow, ..."
    mention_before(tokens, i, language) -> Mention | None  # "Kyrylo Budanow sagte"
    mention_at(tokens, i, language) -> tuple[Mention, int] | None  # a phrase at token i

A mention is [article] [adjectives] [titles] [name] [, apposition], over the tokens of
`bot.quotes.tokens`: "Der ukrainische Geheimdienstchef Kyrylo Budanow" -> name "Kyrylo
Budanow", role "ukrainische Geheimdienstchef"; "NATO-Sprecherin Farah Dakhlallah";
"der südkoreanische Geheimdienst NIS" -> name "NIS"; "ein Sprecher des südkoreanischen
Präsidialamtes" -> no name, text "Sprecher des südkoreanischen Präsidialamtes"; "Dmitri
Peskow, Sprecher von Präsident Wladimir Putin" -> role from the apposition; "Smith, a
spokeswoman for the State Department"; "Defense Secretary Lloyd Austin"; "Secretary of
State Antony Blinken"; coordinations ("weder das Pentagon noch die NATO") as `parts`;
pronouns (er, sie, he, she, they) as `pronoun`.

Titles are known by a table of role words (German by their ending: -sprecher,
-minister, -chef, -regierung, -amt ...; English as words: spokesman, secretary,
officials ...); the capitalised words after the last title are the name, those before it
belong to the role ("Russlands Präsident Wladimir Putin"). Not handled: a title the table
lacks (the words are taken as a name: "Generalinspekteur Breuer" -> name both), a noun
right after a name ("laut Filzmaier Aufträge …" -> name "Filzmaier Aufträge"), a name
before its title without a comma ("Peskow Sprecher"), relative clauses as roles ("Peskow,
der für Putin spricht").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from bot.analysis import fold, stop_words
from bot.quotes import Token
from bot.wordfreqs import zipf

ROLE_ENDINGS_DE = tuple(
    """
    sprecher sprecherin minister ministerin präsident präsidentin chef chefin kanzler
    kanzlerin sekretär sekretärin botschafter botschafterin berater beraterin direktor
    direktorin leiter leiterin vorsitzende vorsitzender kommandeur kommandeurin general
    befehlshaber gouverneur gouverneurin bürgermeister bürgermeisterin abgeordnete
    abgeordneter senator senatorin premier beauftragte beauftragter experte expertin
    analyst analystin diplomat diplomatin offizier offizierin beamte beamter beamtin
    vertreter vertreterin dienst regierung ministerium behörde amt armee militär
    streitkräfte generalstab agentur zeitung sender kreise führung kommission parlament
    kommando verwaltung staatsanwaltschaft polizei korrespondent korrespondentin reporter
    reporterin journalist journalistin anwohner anwohnerin augenzeuge augenzeugin soldat
    soldatin bewohner bewohnerin kritiker kritikerin beobachter beobachterin forscher
    forscherin wissenschaftler wissenschaftlerin wissenschafter wissenschafterin könig
    königin papst generalstab sicherheitsrat gericht quellen insider präfekt präfektin
    rektor rektorin coach trainer trainerin manager managerin gründer gründerin ökonom
    ökonomin politologe politologin historiker historikerin anwalt anwältin verteidiger
    verteidigerin ankläger anklägerin richterin staatsanwalt staatsanwältin ermittler
    ermittlerin obmann obfrau landeshauptmann landeshauptfrau intendant intendantin
    vorstand aktivist aktivistin autor autorin arzt ärztin professor professorin lehrer
    lehrerin medien chefredakteur chefredakteurin ministerpräsident ministerpräsidentin
    staatssekretär staatssekretärin generalsekretär generalsekretärin
    """.split())
# a German word ending in a role, with its inflection: group 1 is the word uninflected
_ROLE_END = re.compile(
    r"^(.*(?:" + "|".join(sorted(ROLE_ENDINGS_DE, key=len, reverse=True)) + r"))(?:s|es|n|en)?$")
ROLE_WORDS_EN = frozenset(
    """
    spokesman spokesmen spokeswoman spokeswomen spokesperson spokespeople minister
    secretary president chief chancellor premier ambassador adviser advisor director head
    leader commander general governor mayor senator official analyst expert department
    ministry government agency office service army military council commission parliament
    forces police correspondent reporter witness resident soldier staff envoy lawmaker
    representative king queen pope chairman chairwoman chair source authorities
    administration aide diplomat officer researcher observer critic journalist
    """.split())
_EN_ADJECTIVES = frozenset(
    """
    senior top former deputy foreign defense defence military intelligence presidential
    press state national acting chief high-ranking unnamed anonymous local regional federal
    interior
    """.split())
# observers speak about an entity, not for it ("Russland-Experte"); nor do its parties,
# candidates, opponents and rich ("der US-Republikaner Marco Rubio" is no voice of the US)
OBSERVERS = frozenset(
    """
    experte expertin analyst analystin korrespondent korrespondentin reporter reporterin
    journalist journalistin beobachter beobachterin kritiker kritikerin forscher forscherin
    wissenschaftler wissenschaftlerin expert correspondent observer critic researcher
    republikaner republikanerin demokrat demokratin kandidat kandidatin bewerber bewerberin
    oppositionelle oppositioneller oppositionspolitiker oppositionspolitikerin
    oppositionsführer oppositionsführerin aktivist aktivistin dissident dissidentin
    milliardär milliardärin republican democrat candidate nominee activist dissident
    billionaire
    """.split())
_DETS = frozenset(
    "der die das des dem den ein eine einer eines einem einen dessen deren sein seine seinen "
    "seinem seiner ihr ihre ihren ihrem ihrer the a an his her their its".split())
_INDEFINITE = frozenset("ein eine einer eines einem einen a an".split())
# words inside a name: "Van der Bellen", "von der Leyen", "bin Salman"
_PARTICLES = frozenset("van von de der den bin al da di du le la ter ten".split())
PRONOUNS = frozenset("er sie he she they".split())
FILLERS = frozenset(
    "auch zudem außerdem dann nun jetzt bereits erneut ebenfalls weiter also again later "
    "too however meanwhile but and aber doch und zuletzt zuvor hingegen dagegen wiederum "
    "ihrerseits seinerseits sich".split())
_COMPLEMENT = {"de": frozenset("von des der aus".split()),
               "en": frozenset("of for at from".split())}
_IN = frozenset(("in",))  # "Regierungskreise in Kiew", "officials in Moscow"
_NOT_NAMES = frozenset(
    """
    montag dienstag mittwoch donnerstag freitag samstag sonntag monday tuesday wednesday
    thursday friday saturday sunday januar februar märz april mai juni juli august
    september oktober november dezember january february march june july october december
    frage antwort question answer daraufhin danach dazu damals dabei darauf deshalb daher
    trotzdem dennoch zudem außerdem inzwischen mittlerweile bisher zuvor später gestern
    heute morgen jetzt nun zunächst schließlich allerdings jedoch offenbar demnach damit
    somit hierzu insgesamt vorerst bislang zuletzt erstmals erneut stattdessen ebenso
    however meanwhile later earlier yesterday today also then thus
    """.split())
_CLAUSE_WORDS = frozenset(
    "dass that während while weil because denn als nachdem wobei which who".split())
_ADJ_ENDINGS = ("e", "en", "er", "es", "em")


@dataclass(frozen=True)
class Mention:
    """Who a phrase names: `text` as written (without a leading article), the `name` of the
    person or body, the `role` the phrase gives, and where it is in the sentence."""

    text: str
    name: str | None
    role: str | None
    start: int
    end: int
    head: str | None = None  # the role's last word, lower case, without inflection
    article: str | None = None  # the leading article as written ("der", "ein", "the")
    pronoun: bool = False
    parts: tuple[Mention, ...] = ()


def is_role(word: str, language: str) -> bool:
    """Is `word` a title, office or body ("Sprecherin", "US-Verteidigungsminister")?"""
    return role_head(word, language) is not None


@functools.lru_cache(maxsize=65536)
def role_head(word: str, language: str) -> str | None:
    """The role ending of `word` ("Kreml-Sprecher" -> "sprecher"), None if it is none."""
    folded = word.lower().split("-")[-1]
    if folded in ROLE_WORDS_EN or (folded.endswith("s") and folded[:-1] in ROLE_WORDS_EN):
        return folded if folded in ROLE_WORDS_EN else folded[:-1]
    if language == "en" or (not word[:1].isupper() and "-" not in word):
        return None
    m = _ROLE_END.search(folded)
    return _without_entity(m.group(1)) if m else None


def _without_entity(stem: str) -> str:
    """"kremlsprecher" -> "sprecher": a closed compound's entity is no part of the role."""
    from bot.entities import table

    folded = table().folded
    for n in range(3, len(stem) - 3):
        if stem[:n] in folded and _ROLE_END.fullmatch(stem[n:] ):
            return stem[n:]
    return stem


def _is_name(tok: Token, language: str) -> bool:
    word = tok.text
    if tok.kind != "word" or not word[:1].isupper():
        return False
    folded = word.lower()
    return word.casefold() not in stop_words(language) and folded not in _NOT_NAMES \
        and folded not in _DETS


def _is_adjective(tokens: list[Token], j: int, language: str, after_det: bool) -> bool:
    word = tokens[j].text
    if language == "en":
        return word in _EN_ADJECTIVES
    if not word[:1].islower() or not word.endswith(_ADJ_ENDINGS):
        return False
    if word.casefold() in stop_words("de"):
        return False
    nxt = tokens[j + 1] if j + 1 < len(tokens) else None
    if nxt is None or nxt.kind != "word" or not (nxt.text[:1].isupper()
                                                 or _is_adjective(tokens, j + 1, language, True)):
        return False
    return after_det or any(s in word for s in ("sch", "lich", "ig", "ell", "iv", "al"))


def mention_at(tokens: list[Token], i: int, language: str) -> tuple[Mention, int] | None:
    """The mention starting at token `i` (coordinations included), and the token after it."""
    if i >= len(tokens):
        return None
    first = tokens[i].text.lower()
    if first in ("weder", "neither", "sowohl", "both"):
        one = _simple(tokens, i + 1, language)
        if one is not None:
            j = one[1]
            if j < len(tokens) and tokens[j].text.lower() in ("noch", "nor", "als", "and"):
                j += 2 if tokens[j].text.lower() == "als" else 1
                two = _simple(tokens, j, language)
                if two is not None:
                    return _group((one[0], two[0]), tokens), two[1]
        return None
    one = _simple(tokens, i, language)
    if one is None:
        return None
    j = one[1]
    if j < len(tokens) and tokens[j].text.lower() in ("und", "and", "sowie"):
        two = _simple(tokens, j + 1, language)
        if two is not None and not two[0].pronoun:
            merged = _one_person(one[0], two[0])
            return (merged or _group((one[0], two[0]), tokens)), two[1]
    return one


def _one_person(a: Mention, b: Mention) -> Mention | None:
    """"Die frühere Aufsichtsrätin und jetzige Aufsichtsratschefin Brigitte Ederer", "Michael
    Pock und Sprecher der Neos": one person, when one part is a title alone (no "ein")."""
    if a.name is None and a.head and b.name and (a.article or "").lower() not in _INDEFINITE:
        return Mention(b.name, b.name, f"{a.text} und {b.role or ''}".strip(), a.start, b.end,
                       b.head or a.head)
    if a.name and not a.role and b.name is None and b.head \
            and (b.article or "").lower() not in _INDEFINITE and not b.article:
        return Mention(a.name, a.name, b.text, a.start, b.end, b.head)
    return None


def _group(parts: tuple[Mention, ...], tokens: list[Token]) -> Mention:
    text = " und ".join(p.name or p.text for p in parts)
    return Mention(text, None, None, parts[0].start, parts[-1].end, parts=parts)


def _simple(tokens: list[Token], i: int, language: str) -> tuple[Mention, int] | None:
    """One mention without coordination, with its apposition."""
    if i >= len(tokens) or tokens[i].kind != "word":
        return None
    tok = tokens[i]
    if tok.text.lower() in PRONOUNS:
        return Mention(tok.text, None, None, tok.start, tok.end, pronoun=True), i + 1
    found = _phrase(tokens, i, language)
    if found is None:
        return None
    mention, j = found
    if (mention.name and not mention.role and j + 1 < len(tokens) and tokens[j].text == ","):
        role = _phrase(tokens, j + 1, language)
        if role is not None and role[0].name is None and role[0].head is not None:
            k = role[1]
            mention = Mention(mention.name, mention.name, role[0].text, mention.start,
                              role[0].end, role[0].head)
            j = k + 1 if k < len(tokens) and tokens[k].text == "," else k
    return mention, j


def _phrase(tokens: list[Token], i: int, language: str) -> tuple[Mention, int] | None:
    """[article] [adjectives] [titles] [name], with a complement after a title."""
    j = i
    det = j < len(tokens) and tokens[j].text.lower() in _DETS
    if det:
        j += 1
    items: list[tuple[str, int, int]] = []  # (kind, first token, last token)
    while j < len(tokens):
        tok = tokens[j]
        if tok.kind == "quote" and (det or items) and not any(k == "name" for k, _, _ in items):
            items.append(("name", j, j))  # laut der „New York Times“
            j += 1
            break
        if tok.kind != "word":
            break
        word = tok.text
        last = items[-1][0] if items else None
        if last == "name" and word.lower() in _PARTICLES and _particle_name(tokens, j, language):
            while tokens[j].text.lower() in _PARTICLES:
                items.append(("name", j, j))
                j += 1
            continue
        if j == 0 and language == "de" and _initial_adjective(tokens, j):
            items.append(("adj", j, j))  # "Neue Smartphones verkündet Apple"
            j += 1
            continue
        if language == "de" and _initial_adverb(tokens, j):
            break
        if word[:1].isupper() and _is_name(tok, language):
            if last == "name" and _place(word):
                break  # "Präsident Arkadi Wolkow Minsk besucht": Minsk is no part of him
            items.append(("role" if is_role(word, language) else "name", j, j))
            j += 1
        elif language == "en" and role_head(word, language):
            items.append(("role", j, j))
            j += 1
        elif (last in (None, "adj") or (language == "en" and last == "name")) \
                and _is_adjective(tokens, j, language, det or bool(items)):
            items.append(("adj", j, j))
            j += 1
        elif last == "role" and word in _COMPLEMENT.get(language, frozenset()) | _IN:
            end = _complement(tokens, j, language)
            if end == j:
                break
            items.append(("comp", j, end - 1))
            j = end
        else:
            break
    found = _build(tokens, i, det, items, language)
    if found is None or not det:
        return found
    m = found[0]
    return Mention(m.text, m.name, m.role, m.start, m.end, m.head, tokens[i].text), found[1]


def _complement(tokens: list[Token], j: int, language: str) -> int:
    """The end of a complement after a title: "des Präsidialamtes", "for the State Dept"."""
    prep = tokens[j].text
    k = j + 1
    if k < len(tokens) and tokens[k].text.lower() in _DETS:
        k += 1
    while k < len(tokens) and _is_adjective(tokens, k, language, True):
        k += 1
    start = k
    limit = 1 if prep == "of" else 6  # "Secretary of State Antony Blinken"
    while k < len(tokens) and k - start < limit and _is_name(tokens[k], language):
        k += 1
    return k if k > start else j


def _build(tokens: list[Token], i: int, det: bool, items: list[tuple[str, int, int]],
           language: str) -> tuple[Mention, int] | None:
    if not any(k in ("name", "role") for k, _, _ in items):
        return None
    last_role = max((n for n, (k, _, _) in enumerate(items) if k in ("role", "comp")),
                    default=-1)
    while items and items[-1][0] == "adj":
        items.pop()
    n_names = 0
    while n_names < len(items) - last_role - 1 and items[-1 - n_names][0] == "name":
        n_names += 1
    first, end_tok = items[0][1], items[-1][2]
    start, end = tokens[first].start, tokens[end_tok].end
    text = _span_text(tokens, first, end_tok)
    head = None
    if last_role >= 0:
        role_tok = next(a for k, a, _ in reversed(items[:last_role + 1]) if k == "role")
        head = role_head(tokens[role_tok].text, language)
    if n_names == 0 or (last_role < 0 and n_names < len(items)):
        return Mention(text, None, None, start, end, head), end_tok + 1  # offiziellen Moskau
    if n_names >= 3 and "-" in tokens[items[-n_names][1]].text and last_role < 0:
        last_role, n_names = len(items) - n_names, n_names - 1  # "SFU-Rektor Alfred Pritz"
        items[last_role] = ("role", items[last_role][1], items[last_role][2])
        head = role_head(tokens[items[last_role][1]].text.split("-")[-1], language) \
            or tokens[items[last_role][1]].text.split("-")[-1].lower()
    name_first = items[-n_names][1]
    name = _span_text(tokens, name_first, end_tok).strip("„“”\"»«")
    if last_role < 0:
        if det and n_names == 1 and not _proper(tokens[name_first].text):
            return Mention(text, None, None, start, end, name.lower()), end_tok + 1
        return Mention(text, name, None, start, end), end_tok + 1
    role = _span_text(tokens, first, items[last_role][2])
    return Mention(text, name, role, start, end, head), end_tok + 1


def _initial_adjective(tokens: list[Token], j: int) -> bool:
    """Is the sentence's first word a common adjective before a noun ("Neue Smartphones",
    "Russische Soldaten"), capitalised only for its place? First names ending in -e are
    rarer words ("Anne", "Heike")."""
    word = tokens[j].text
    nxt = tokens[j + 1] if j + 1 < len(tokens) else None
    return (word.endswith(_ADJ_ENDINGS) and nxt is not None and nxt.text[:1].isupper()
            and zipf(fold(word), "de") >= 4.5)


def _initial_adverb(tokens: list[Token], j: int) -> bool:
    """Is the sentence's first word an adverb ("Abschließend", "Möglicherweise")?"""
    word = tokens[j].text.lower()
    return j == 0 and word.endswith(("end", "weise"))


def _particle_name(tokens: list[Token], j: int, language: str) -> bool:
    """Do particles at `j` go on a name ("Van der Bellen"), not a new phrase ("der ARD")?"""
    first = tokens[j - 1].text.lower()
    k = j
    while k < len(tokens) and tokens[k].text.lower() in _PARTICLES and k - j < 2:
        k += 1
    if k >= len(tokens) or not _is_name(tokens[k], language) or is_role(tokens[k].text,
                                                                         language):
        return False
    return tokens[j].text.lower() not in ("der", "den") or first in ("van", "von")


def _place(word: str) -> bool:
    """Is `word` a country, capital or body of the table (not a person's name)?"""
    from bot.entities import table

    return any(kind in ("names", "capitals", "bodies") for _, kind in table().word(word))


def _proper(word: str) -> bool:
    """Is a lone word after an article a name ("die NATO", "das Pentagon"), not a noun?"""
    from bot.entities import table

    return word.isupper() or bool(table().word(word))


def _span_text(tokens: list[Token], a: int, b: int) -> str:
    """The words of tokens a..b as written, with their spaces."""
    out = tokens[a].text
    for k in range(a + 1, b + 1):
        gap = " " if tokens[k].start > tokens[k - 1].end else ""
        out += gap + tokens[k].text
    return out


def mention_after(tokens: list[Token], i: int, language: str) -> Mention | None:
    """The mention that follows token `i` (after fillers: "sprach auch die US-Regierung")."""
    while i < len(tokens) and tokens[i].text.lower() in FILLERS:
        i += 1
    found = mention_at(tokens, i, language)
    return found[0] if found else None


def clause_start(tokens: list[Token], i: int) -> int:
    """The first token of the clause that token `i` is in."""
    k = i - 1
    while k >= 0:
        tok = tokens[k]
        if tok.kind == "quote" or (tok.kind == "punct" and tok.text in ",;:–—()") \
                or tok.text.lower() in _CLAUSE_WORDS:
            return k + 1
        k -= 1
    return 0


def mention_before(tokens: list[Token], i: int, language: str) -> Mention | None:
    """The mention that ends right before token `i` and begins its clause ("Kyrylo Budanow
    sagte"), over an apposition ("Peskov, the Kremlin spokesman, said") or an aside between
    commas ("US officials, speaking on condition of anonymity, said")."""
    while i > 0 and tokens[i - 1].text.lower() in FILLERS:  # "The service also claims"
        i -= 1
    a = clause_start(tokens, i)
    best = _whole(tokens, a, i, language)
    if best is not None and best.name:
        return best
    for _ in range(2):
        if a < 2 or tokens[a - 1].text != ",":
            break
        comma = a - 1
        a = clause_start(tokens, comma)
        whole = _whole(tokens, a, i, language)
        if whole is not None and whole.name:
            return whole
        if best is None and tokens[i - 1].text == "," and language == "en":
            best = _whole(tokens, a, comma, language)  # an aside: "…, speaking on …, said"
        best = best or whole
    return best


def _whole(tokens: list[Token], a: int, b: int, language: str) -> Mention | None:
    """The mention that covers exactly tokens a..b-1 (after leading fillers)."""
    while a < b and tokens[a].text.lower() in FILLERS:
        a += 1
    found = mention_at(tokens, a, language)
    if found is None or found[1] != b:
        return None
    return found[0]
