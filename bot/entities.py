"""Who a word stands for: countries, capitals, institutions, people and demonyms.

The shipped table `bot/data/institutions.yaml` lists, per entity key (RU, US, KP, KR, UA,
NATO, EU, UN, CN, ... 37 in all), the words German and English news use for it: the
country ("Russland", "Russia"), the capital as the government ("Moskau dementiert"),
institutions ("Kreml", "Pentagon", "NIS"), office holders ("Wladimir Putin", "Putin") and
adjectives ("russisch" -> "russischen", "South Korean").

    mentions(text) -> list[EntityMention]      # every alias found, with its keys and span
    keys_in(text, people=True) -> tuple[str, ...]   # the keys, in order of first mention
    entity(key) -> Entity                      # labels for a key
    entity_asked(question, language) -> str | None  # "Was sagt Moskau?" -> "RU"
    person_asked(question, language) -> str | None  # "Was sagt Peskow?" -> "Peskow"

Found: aliases as written or inflected ("Russlands", "Kremls", "Russia's"), in hyphenated
compounds ("Kreml-Sprecher", "US-Verteidigungsminister", "NATO-Sprecherin"), closed
compounds of an institution and a role ("Kremlsprecher"), adjectives with their endings.
Aliases in capitals (US, UN, NATO, NIS) match only in capitals, so English "us" is not
the US. Not found: entities missing from the table, aliases in other inflections than
those listed ("Weißen Hauses" is listed; "des Kremlins" is not), closed compounds of a
country ("Russlandreise"). An alias may stand for several keys ("Brüssel": EU and NATO).
Names of outlets in the table's `not` list ("Washington Post") stand for nobody.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

TABLE_PATH = Path(__file__).parent / "data" / "institutions.yaml"
KINDS = ("names", "capitals", "bodies", "people", "short", "adjectives")
# what may follow an institution in a closed compound: "Kremlsprecher", "Natochef"
COMPOUND_TAILS = ("sprecher", "sprecherin", "chef", "chefin", "führung", "beamte", "beamter",
                  "berater", "beraterin", "regierung", "kreise", "kreisen", "quellen")
_ENDINGS = "(?:e|en|er|es|em)?"
# surnames that are as often first names or places: only the full name counts
_WEAK_SURNAMES = frozenset("michel costa harris miller austin kirby vance katz lula".split())
_WORD_RE = re.compile(r"[^\W\d_][\w'’.-]*[^\W_]|[^\W\d_]")
_POSSESSIVE = re.compile(r"['’]s?$")


@dataclass(frozen=True)
class Entity:
    """One entity of the table: its key and its name in German and English."""

    key: str
    label_de: str
    label_en: str


@dataclass(frozen=True)
class EntityMention:
    """An alias found in a text: the keys it stands for, its kind, its span."""

    keys: tuple[str, ...]
    kind: str  # names, capitals, bodies, people, short, adjectives
    start: int
    end: int


class Table:
    """The aliases of the table, indexed for matching words and phrases."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.entities: dict[str, Entity] = {}
        self.exact: dict[str, list[tuple[str, str]]] = {}  # acronyms, case kept
        self.folded: dict[str, list[tuple[str, str]]] = {}  # single words, casefolded
        phrases: dict[str, list[tuple[str, str]]] = {}  # several words, casefolded
        stems: dict[str, list[tuple[str, str]]] = {}  # German adjective stems
        for item in data["entities"]:
            key = str(item["key"])
            self.entities[key] = Entity(key, str(item["de"]), str(item["en"]))
            for kind in KINDS:
                for alias in item.get(kind) or ():
                    self._add(str(alias), key, kind, phrases, stems)
        self.phrases = phrases
        self.stems = stems
        self.phrase_re = _alternation(phrases)
        self.adjective_re = re.compile(
            "(?:" + "|".join(re.escape(s) for s in sorted(stems, key=len, reverse=True))
            + ")" + _ENDINGS)
        self.not_re = _alternation({str(n).casefold(): [] for n in data.get("not") or ()})

    def _add(self, alias: str, key: str, kind: str,
             phrases: dict[str, list[tuple[str, str]]],
             stems: dict[str, list[tuple[str, str]]]) -> None:
        entry = (key, kind)
        if kind == "people":
            phrases.setdefault(alias.casefold(), []).append(entry)
            last = alias.split()[-1]
            if (len(alias.split()) > 1 and len(last) >= 4 and "-" not in last
                    and last.casefold() not in _WEAK_SURNAMES):
                self.folded.setdefault(last.casefold(), []).append((key, "short"))
            return
        if kind == "adjectives" and alias[:1].islower():
            stems.setdefault(alias.casefold(), []).append(entry)
            return
        if " " in alias or "." in alias or "'" in alias:
            phrases.setdefault(alias.casefold(), []).append(entry)
        elif alias.isupper():
            self.exact.setdefault(alias, []).append(entry)
        else:
            self.folded.setdefault(alias.casefold(), []).append(entry)

    def mentions(self, text: str) -> list[EntityMention]:
        """Every alias in `text`, in order; phrases before the words inside them."""
        blocked = [(m.start(), m.end()) for m in self.not_re.finditer(text)] if self.not_re \
            else []
        found: list[EntityMention] = []
        taken: list[tuple[int, int]] = list(blocked)
        if self.phrase_re is not None:
            for m in self.phrase_re.finditer(text):
                if _inside(m.start(), taken):
                    continue
                entries = self.phrases.get(m.group().casefold(), [])
                if entries:
                    found.append(_mention(entries, m.start(), m.end()))
                    taken.append((m.start(), m.end()))
        for m in _WORD_RE.finditer(text):
            if _inside(m.start(), taken):
                continue
            entries = self.word(m.group())
            if entries:
                found.append(_mention(entries, m.start(), m.end()))
        found.sort(key=lambda e: e.start)
        return found

    def word(self, word: str) -> list[tuple[str, str]]:
        """The (key, kind) entries of one word, whole or by its hyphenated parts."""
        whole = self._lookup(word)
        if whole or "-" not in word:
            return whole
        out: list[tuple[str, str]] = []
        for part in word.split("-"):
            # a short part of a compound is an acronym however it is typed ("us-regierung")
            found = self._lookup(part) or (self._lookup(part.upper()) if len(part) <= 3 else [])
            out.extend(found)
        return out

    def _lookup(self, word: str) -> list[tuple[str, str]]:
        word = _POSSESSIVE.sub("", word).rstrip(".")
        if not word:
            return []
        if word in self.exact:
            return self.exact[word]
        folded = word.casefold()
        if folded in self.folded:
            return self.folded[folded]
        if folded.endswith("s") and folded[:-1] in self.folded:  # Russlands, Kremls
            return self.folded[folded[:-1]]
        if folded.endswith("es") and folded[:-2] in self.folded:
            return self.folded[folded[:-2]]
        if self.adjective_re.fullmatch(folded):
            stem = next(s for s in sorted(self.stems, key=len, reverse=True)
                        if folded.startswith(s))
            return self.stems[stem]
        for tail in COMPOUND_TAILS:  # Kremlsprecher
            head = folded[:-len(tail)]
            if folded.endswith(tail) and len(head) >= 4:
                entries = [e for e in self.folded.get(head, []) if e[1] == "bodies"]
                if entries:
                    return entries
        return []


def _alternation(entries: dict[str, Any]) -> re.Pattern[str] | None:
    if not entries:
        return None
    words = sorted(entries, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w-])",
                      re.IGNORECASE)


def _inside(pos: int, ranges: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in ranges)


def _mention(entries: list[tuple[str, str]], start: int, end: int) -> EntityMention:
    keys = tuple(dict.fromkeys(k for k, _ in entries))
    return EntityMention(keys, entries[0][1], start, end)


@functools.cache
def table() -> Table:
    """The shipped table, loaded once."""
    # libyaml's loader when PyYAML has it: 3 ms instead of 26 (the first answer waits)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with TABLE_PATH.open(encoding="utf-8") as f:
        return Table(yaml.load(f, Loader=loader))


def mentions(text: str) -> list[EntityMention]:
    return table().mentions(text)


def keys_in(text: str, people: bool = True) -> tuple[str, ...]:
    """Entity keys named in `text`, in order of first mention, each once."""
    keys: dict[str, None] = {}
    for m in mentions(text):
        if people or m.kind not in ("people", "short"):
            keys.update(dict.fromkeys(m.keys))
    return tuple(keys)


def aliases(key: str) -> tuple[str, ...]:
    """Every word the table has for entity `key`: names, capitals, bodies, office holders'
    surnames and adjectives (as listed), for widening a query about the entity."""
    t = table()
    words: dict[str, None] = {}
    for index in (t.exact, t.folded, t.phrases, t.stems):
        for alias, entries in index.items():
            if any(k == key for k, _ in entries):
                words[alias] = None
    return tuple(words)


def entity(key: str) -> Entity:
    return table().entities[key]


_ASKING = re.compile(
    r"(?i)\b(?:sag\w*|gesagt|meint\w*|mein\w*|reagier\w*|erklär\w*|behaupt\w*|dementier\w*|"
    r"bestreit\w*|bestritt\w*|antwort\w*|äußer\w*|kommentier\w*|warn\w*|forder\w*|"
    r"position|haltung|stellung\w*|reaktion\w*|aussage\w*|sicht|hält|halten|"
    r"say|says|said|saying|claim\w*|respond\w*|response|react\w*|think\w*|den(?:y|ies|ied)|"
    r"stance|view|statement\w*|comment\w*|tell|told|argu\w*|insist\w*)\b")
_TOPIC = re.compile(
    r"(?i)\b(?:zu|zum|zur|über|auf|von|vom|gegenüber|about|on|regarding|of|to|concerning|"
    r"over|towards?)\b")


def entity_asked(question: str, language: str) -> str | None:
    """The entity whose statements a question asks for: "What does the Kremlin claim?",
    "Was sagt die NATO?", "Wie reagiert Südkorea auf ...?" -> RU, NATO, KR. None when the
    question asks for no statement, or names no entity before its topic ("Was sagt Peskow
    über die USA?": the USA are the topic, not the speaker)."""
    asking = _ASKING.search(question)
    if asking is None:
        return None
    topic = _TOPIC.search(question, asking.end())
    cut = topic.start() if topic else len(question)
    for m in mentions(question):
        if m.start >= cut:
            break
        if m.kind not in ("people", "short"):
            return m.keys[0]
    return None


_NOT_A_NAME = frozenset(
    "was wer wie wann wo warum wieso weshalb welche welcher welches what who how when where "
    "why which does did do is are was were der die das den dem des ein eine the a an und and "
    "oder or herr frau mr mrs ms".split())


def person_asked(question: str, language: str) -> str | None:
    """A person the question asks about ("Was sagt Peskow?" -> "Peskow", "What did Dmitry
    Peskov say?" -> "Dmitry Peskov"): the first run of capitalised words after the first
    that is no entity and no question word (any word after the first, when the question
    is typed all in lower case). A candidate only: German nouns are capitalised
    too ("Was sagen die Soldaten?" -> "Soldaten"), so match it against speakers' names
    (`bot.speech.said_by`), where a noun matches nobody."""
    taken = [(m.start, m.end) for m in mentions(question) if m.kind not in ("people", "short")]
    asking = _ASKING.search(question)
    topic = _TOPIC.search(question, asking.end()) if asking else None
    cut = topic.start() if topic else len(question)
    run: list[str] = []
    typed = question == question.casefold()  # "was sagt peskow": typed all in lower case
    for m in _WORD_RE.finditer(question):
        word = m.group()
        usable = (m.start() > 0 and m.start() < cut and (word[:1].isupper() or typed)
                  and word.casefold() not in _NOT_A_NAME and not _inside(m.start(), taken)
                  and not _ASKING.fullmatch(word))
        if usable:
            run.append(word)
        elif run:
            break
    return " ".join(run) if run else None
