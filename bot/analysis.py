"""Language-aware analysis: text -> index terms, identical at index and question time.

Per token: Unicode/case folding, numbers normalised (1.500 = 1,500 = 1500), hyphenated
and apostrophe forms indexed whole and by their parts (Hwasong-11, Kim Jong-un), stop
words dropped, lemma (simplemma) then Snowball stem (PyStemmer, which also folds
ä/ae), and for German the parts of compounds (Artilleriegranaten -> Artillerie, Granaten).
Token analysis is cached because vocabulary is Zipf-distributed: up to CACHE_SIZE tokens
(about 250 bytes each), emptied when full; before analysing a token, an analyzer looks
it up in the saved analysis of the index being served (`consult`), so a question about
a saved index is analysed without loading the lemma dictionaries.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from itertools import chain
from typing import Protocol

import Stemmer

from bot import lemmas
from bot.compounds import split_compound
from bot.wordfreqs import frequencies, zipf

LANGUAGES = ("de", "en")
_STEMMER_NAMES = {"de": "german", "en": "english"}

# A token is a number with separators, or a run of word characters joined by hyphens
# or apostrophes. "22.10." and "1.500" stay one token each; "z. B." is two.
# (\d+(?:[.,]\d+)+|\w+(?:[-‐‑'’]\w+)*, written possessive: nothing after a quantifier
# could make it give back, and the regex engine saves no backtracking points: ~10%
# faster, which counts when a million passages are tokenised.)
TOKEN_RE = re.compile(r"\d++(?:[.,]\d++)++|\w++(?:[-‐‑'’]\w++)*+")
_THOUSANDS_RE = re.compile(r"\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*")
# Weak participles with an optional separable prefix: ab-ge-feuer-t, ein-ge-setz-t.
_PARTICIPLE_RE = re.compile(
    r"(ab|an|auf|aus|bei|ein|fest|her|hin|los|mit|nach|vor|weg|zu|zurück|zusammen|)ge(\w{3,}?)e?t"
)
_PLACE_ADJECTIVE_RE = re.compile(r"anisch(e|en|er|es|em)?$")
_JOINERS_RE = re.compile(r"[-‐‑'’_]")


def tokens(text: str) -> Iterator[re.Match[str]]:
    """Tokens of `text` with their character offsets."""
    return TOKEN_RE.finditer(text)


def normalise_number(token: str) -> str:
    """1.500 / 1,500 / 1500 -> 1500; 1,5 -> 1.5; 22.10 stays 22.10."""
    if _THOUSANDS_RE.fullmatch(token):
        return re.sub(r"[.,]", "", token)
    if re.fullmatch(r"\d+,\d+", token):
        return token.replace(",", ".")
    return token


def fold(text: str) -> str:
    """Case-fold and strip accents, but keep umlauts for the German stemmer (ß -> ss)."""
    text = text.casefold()
    if text.isascii() or not _ACCENTED.search(text):
        return text
    return unicodedata.normalize("NFC", text).translate(_UNACCENTED)


def fold_all(tokens: list[str], plain: bool = False) -> list[str]:
    """fold() of each token (as fast as case folding them when no accent is to go;
    `plain`: the caller knows that none is, see `has_accents`)."""
    low = list(map(str.casefold, tokens))
    if not plain and _ACCENTED.search("".join(low)):
        return [fold(t) for t in tokens]
    return low


def has_accents(text: str) -> bool:
    """Would fold() change any token of `text` more than case folding does?"""
    return _ACCENTED.search(text.casefold()) is not None


_ACCENTED = re.compile("[^\x00-\x7fäöü]")  # what folding may change after casefold()


class _Unaccented(dict[int, str]):
    """Code point -> its character without accents ("" for a lone accent), for
    str.translate; filled as characters are first seen."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if ch in "äöü":
            out = ch
        else:
            decomposed = unicodedata.normalize("NFD", ch)
            out = "".join(c for c in decomposed if not unicodedata.combining(c))
        if len(self) < 100_000:
            self[code] = out
        return out


_UNACCENTED = _Unaccented()


@lru_cache(maxsize=4)
def stop_words(language: str) -> frozenset[str]:
    data = resources.files("bot") / "data" / "stopwords" / f"{language}.txt"
    words: set[str] = set()
    for line in data.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.update(fold(w) for w in line.split())
    return frozenset(words)


CACHE_SIZE = 200_000  # tokens whose terms an analyzer keeps


class Known(Protocol):
    """Tokens analysed already (an index's table of every token it holds)."""

    def get(self, token: str) -> tuple[str, ...] | None: ...


class Analyzer:
    """Turns text into BM25 terms for one language."""

    def __init__(self, language: str) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"no analyzer for language {language!r}; known: {LANGUAGES}")
        self.language = language
        self._stemmer = Stemmer.Stemmer(_STEMMER_NAMES[language])
        self._stops = stop_words(language)
        self._cache: dict[str, tuple[str, ...]] = {}
        self._known: Known | None = None

    def consult(self, known: Known | None) -> None:
        """Look tokens up in `known` before analysing them (what it says must be what
        this analyzer would say: an index made by the same analysis, index.fingerprint)."""
        self._known = known

    def _keep(self, token: str, terms: tuple[str, ...]) -> None:
        cache = self._cache
        if len(cache) >= CACHE_SIZE:
            cache.clear()
        cache[token] = terms

    def terms(self, text: str) -> list[str]:
        """All index terms of `text`, in order (a token may give several terms)."""
        out: list[str] = []
        cache = self._cache
        for tok in TOKEN_RE.findall(text):
            got = cache.get(tok)
            if got is None:
                got = self.token_terms(tok)
                self._keep(tok, got)
            out.extend(got)
        return out

    def tokens_and_terms(self, text: str) -> tuple[list[str], frozenset[str]]:
        """The tokens of `text` and its distinct terms (one tokenisation for both)."""
        toks = TOKEN_RE.findall(text)
        cache = self._cache
        try:
            return toks, frozenset(chain.from_iterable(map(cache.__getitem__, toks)))
        except KeyError:
            pass
        out: list[str] = []
        for tok in toks:
            got = cache.get(tok)
            if got is None:
                got = self.token_terms(tok)
                self._keep(tok, got)
                cache = self._cache
            out.extend(got)
        return toks, frozenset(out)

    def token_terms(self, token: str) -> tuple[str, ...]:
        """Terms for one token: the whole form first, then parts of joined forms."""
        cached = self._cache.get(token)  # filled by terms() and by what is known
        if cached is not None:
            return cached
        known = self._known.get(token) if self._known is not None else None
        if known is not None:
            self._keep(token, known)
            return known
        if token[0].isdigit() and token.replace(".", "").replace(",", "").isdigit():
            return (normalise_number(token),)
        if _JOINERS_RE.search(token):
            parts = [p for p in _JOINERS_RE.split(token) if p]
            if self.language == "en" and len(parts) == 2 and parts[1].lower() in ("s", "t"):
                return self.word_terms(parts[0])  # possessive "Russia's", "don't"
            whole = "".join(parts)
            out = list(self.word_terms(whole))
            for part in parts:
                out.extend(t for t in self.word_terms(part) if t not in out)
            return tuple(out)
        return self.word_terms(token)

    def word_terms(self, word: str) -> tuple[str, ...]:
        folded = fold(word)
        if folded in self._stops or not folded:
            return ()
        if folded.isdigit():
            return (folded,)
        lemma = fold(self.lemma(word))
        if lemma in self._stops:
            return ()  # "wurde" -> "werden", "hatte" -> "haben"
        out: list[str] = [self._stemmer.stemWord(lemma)]
        if self.language == "de" and word.islower() and _PLACE_ADJECTIVE_RE.search(folded):
            # Adjectives of place names: nordkoreanisch -> Nordkorea, kubanisch -> Kuba
            place = folded[: folded.rindex("anisch") + 1]
            if zipf(place, "de") >= 3.0 and place not in out:
                out.append(place)
        # Only nouns (capitalised in German) are split: adjectives and participles
        # ("vorhergehenden", "zurückgeführt") split into fragments.
        if self.language == "de" and word[:1].isupper():
            for part in split_compound(folded):
                if part in self._stops:
                    continue
                term = self.stem(part)
                if term not in out:
                    out.append(term)
        return tuple(out)

    def dictionary_term(self, word: str) -> str:
        """The term of a word already in dictionary form (a translation), without the
        lemmatiser; "" for a stop word. Multi-word entries give their last word."""
        last = word.split()[-1] if word.split() else ""
        folded = fold(last)
        if not folded or folded in self._stops:
            return ""
        if any(j in folded for j in "-‐‑'’_"):
            folded = "".join(_JOINERS_RE.split(folded))
        return str(self._stemmer.stemWord(folded))

    def load_data(self) -> None:
        """Load the lemma tables, simplemma's dictionary and the word frequencies now."""
        if not lemmas.ready(self.language):
            _lemma_table(self.language)
        lemmas.lemmatize("Zzyzxq", self.language)
        zipf("haus", self.language)
        frequencies(self.language)

    def stem(self, word: str) -> str:
        """Lemma (when simplemma knows the form) reduced to its Snowball stem, folded."""
        return str(self._stemmer.stemWord(fold(self.lemma(word))))

    def lemma(self, word: str) -> str:
        """simplemma's lemma; for German weak participles it misses
        ("abgefeuert", "eingesetzt") the infinitive, when that is a known word."""
        # (the table of common words saves decoding simplemma's dictionary; its saved
        # trie, bot/lemmas.py, opens faster than the table)
        known = None if lemmas.ready(self.language) else _lemma_table(self.language).get(word)
        lemma = known if known is not None else lemmas.lemmatize(word, self.language)
        if self.language == "de" and lemma == word and word.islower():
            m = _PARTICIPLE_RE.fullmatch(word)
            if m:
                stem = m.group(2)
                infinitive = m.group(1) + stem + ("n" if stem.endswith(("er", "el")) else "en")
                if zipf(infinitive, "de") >= 1.5:
                    return infinitive
        return lemma


@lru_cache(maxsize=4)
def _lemma_table(language: str) -> dict[str, str]:
    """simplemma's lemmas of the commonest words, precomputed (scripts/build_lemmas.py):
    a question in common words answers without loading simplemma's dictionaries."""
    table: dict[str, str] = {}
    data = resources.files("bot") / "data" / f"lemmas_{language}.tsv.gz"
    try:
        with data.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("#"):
                    continue
                form, _, lemma = line.rstrip("\n").partition("\t")
                table[form] = lemma or form
    except FileNotFoundError:
        pass
    return table


@lru_cache(maxsize=8)
def analyzer(language: str) -> Analyzer:
    """The shared analyzer for `language`."""
    return Analyzer(language)
