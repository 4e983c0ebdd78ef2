"""Who is who across one article, and whom each speaker speaks for.

    affiliations(sentences, language) -> dict[str, tuple[str, ...]]   # surname -> entity keys
    Speakers(language, affiliations)
        .resolve(mention) -> Speaker | None   # the same speaker for each way they are named
        .named(name) -> Speaker | None        # by surname, in either spelling
        .keys_for(mention) -> tuple[str, ...]
    skeleton(name) -> str                     # "Peskow", "Peskov" -> "peskov"

A later "Peskow" is the earlier "Dmitri Peskow, Sprecher von Präsident Wladimir Putin"
(surnames compared by their `skeleton`, in which German and English transliterations
agree, so "Peskov" is him too); "der Kreml-Sprecher" or "die Sprecherin" is the most
recent speaker whose role ends in the same word, if their entities do not differ; "ein
Sprecher …" is always someone new. Whom a speaker speaks for comes from their role and
name through the table of `bot.entities` ("NATO-Sprecherin", "des südkoreanischen
Präsidialamtes", "Pentagon") and from what the article says of the people named in the
role: "Sprecher von Präsident Wladimir Putin" + "Russlands Präsident Wladimir Putin"
elsewhere -> RU. Observers ("Russland-Experte", "analyst", "Korrespondent") speak for
no one.

Misses: two people with one surname in one article are merged; a role word shared by
two speakers of one entity ("der Sprecher" after two spokesmen) goes to the later one;
a bare "der Sprecher" before any speaker is someone new.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from bot.entities import keys_in, mentions
from bot.mentions import OBSERVERS, Mention, is_role, mention_at
from bot.quotes import Token

_INDEFINITE = frozenset("ein eine einer eines einem einen a an".split())


@dataclass
class Speaker:
    """One speaker of an article, completed as the article names them again."""

    label: str  # the name, or the phrase when there is none
    name: str | None
    role: str | None
    head: str | None
    keys: tuple[str, ...]
    parts: tuple[Speaker, ...] = field(default=())


_SPELLINGS = (("tsch", "ch"), ("sch", "sh"), ("zh", "sh"), ("kh", "ch"), ("w", "v"),
              ("j", "y"), ("yy", "y"), ("iy", "i"), ("ts", "s"), ("z", "s"), ("ü", "u"),
              ("ö", "o"), ("ä", "a"), ("é", "e"))


@functools.lru_cache(maxsize=65536)
def skeleton(word: str) -> str:
    """A name as the German and English transliterations of it agree: "Peskow" and
    "Peskov" -> "peskov", "Selenskyj" and "Zelensky" -> "selensky"."""
    out = word.lower()
    for a, b in _SPELLINGS:
        out = out.replace(a, b)
    return out.rstrip("y") if len(out) > 4 else out


def surname(name: str) -> str:
    return name.split()[-1].lower().strip("„“”\"»«")


def _nominative_name(name: str) -> str:
    """"Pentagons" (after "nach Angaben des") -> "Pentagon", for names in the table."""
    from bot.entities import table

    base = name[:-1]
    if name.endswith("s") and " " not in name and (base.casefold() in table().folded
                                                   or base in table().exact):
        return base
    return name


def affiliations(sentences: Iterable[list[Token]], language: str) -> dict[str, tuple[str, ...]]:
    """Entity keys of the people the article names with an entity in their title
    ("Russlands Präsident Wladimir Putin" -> {"putin": ("RU",)}); twice over, so that a
    title that names another person ("Sprecher von Präsident Putin") counts too."""
    found: dict[str, tuple[str, ...]] = {}
    mentions = [m for toks in sentences for m in _named_mentions(toks, language)]
    for _ in range(2):
        for m in mentions:
            keys = _role_keys(m, found)
            if keys and m.name:
                found[surname(m.name)] = tuple(dict.fromkeys(found.get(surname(m.name), ())
                                                             + keys))
    return found


def _named_mentions(toks: list[Token], language: str) -> list[Mention]:
    """The mentions of a sentence with both a name and a title."""
    if not any(t.kind == "word" and is_role(t.text, language) for t in toks):
        return []
    out = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        starts = tok.kind == "word" and (tok.text[:1].isupper() or language == "en"
                                         or tok.text.endswith(("e", "en", "er", "es", "em")))
        found = mention_at(toks, i, language) if starts else None
        if found is not None and found[0].name and found[0].role:
            out.append(found[0])
            i = found[1]
        else:
            i += 1
    return out


def _role_keys(m: Mention, known: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The entities of a mention's role or descriptive text, and of people named in it."""
    if m.head in OBSERVERS:
        return ()
    text = m.role if m.name else m.text
    if not text:
        return ()
    keys = list(keys_in(text))
    for word in text.split():
        keys.extend(known.get(word.lower().strip(",.;:"), ()))
    return tuple(dict.fromkeys(keys))


class Speakers:
    """The speakers of one article, in the order they first speak."""

    def __init__(self, language: str, known: dict[str, tuple[str, ...]]
                 | Callable[[], dict[str, tuple[str, ...]]]) -> None:
        self.language = language
        # the article's affiliations, or how to find them: worked out at the first
        # speaker named (an article whose sentences name none never needs them)
        self._known = known
        self.all: list[Speaker] = []

    @property
    def known(self) -> dict[str, tuple[str, ...]]:
        if callable(self._known):
            self._known = self._known()
        return self._known

    def keys_for(self, m: Mention) -> tuple[str, ...]:
        keys = list(_role_keys(m, self.known))
        if m.name:
            if m.head not in OBSERVERS:  # a name is no adjective: "Oskar Deutsch" is no DE
                keys.extend(k for e in mentions(m.name) if e.kind != "adjectives" for k in e.keys)
            keys.extend(self.known.get(surname(m.name), ()))
        return tuple(dict.fromkeys(keys))

    def named(self, name: str) -> Speaker | None:
        """The speaker whose name ends in the same word (or a spelling of it)."""
        last = skeleton(surname(name))
        for sp in reversed(self.all):
            if sp.name and (skeleton(surname(sp.name)) == last or sp.name.lower() == name.lower()):
                return sp
        return None

    def resolve(self, m: Mention) -> Speaker | None:
        """The speaker a mention names, registered on first sight (None for a pronoun)."""
        if m.pronoun:
            return None
        if m.parts:
            parts = tuple(p for p in (self.resolve(x) for x in m.parts) if p is not None)
            keys = tuple(dict.fromkeys(k for p in parts for k in p.keys))
            return Speaker(" und " .join(p.label for p in parts) if self.language == "de"
                           else " and ".join(p.label for p in parts), None, None, None, keys,
                           parts)
        keys = self.keys_for(m)
        if m.name:
            sp = self.named(m.name)
            if sp is not None:
                return self._merge(sp, m, keys)
        elif (m.head and (m.article or "").lower() not in _INDEFINITE
              and len(m.text.split()) <= 2):
            sp = self._by_role(m.head, keys)
            if sp is not None:
                return sp
        name = _nominative_name(m.name) if m.name else None
        sp = Speaker(name or m.text, name, m.role, m.head, keys)
        self.all.append(sp)
        return sp

    def _by_role(self, head: str, keys: tuple[str, ...]) -> Speaker | None:
        for sp in reversed(self.all):
            if sp.head == head and (not keys or set(keys) & set(sp.keys)):
                return sp
        return None

    def _merge(self, sp: Speaker, m: Mention, keys: tuple[str, ...]) -> Speaker:
        if m.name and sp.name and len(m.name) > len(sp.name):
            sp.name = sp.label = m.name
        if sp.role is None and m.role:
            sp.role, sp.head = m.role, m.head
        sp.keys = tuple(dict.fromkeys(sp.keys + keys))
        return sp
