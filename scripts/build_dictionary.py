#!/usr/bin/env python3
"""Rebuild the English<->German word dictionaries in ``bot/data/dict/``.

The data is derived from two Debian packages (both free dictionaries):

* ``trans-de-en``: the Ding German-English dictionary by Frank Richter,
  TU Chemnitz (GPL-2.0-or-later), one entry per line in
  ``/usr/share/trans/de-en``: ``DE | forms :: EN | forms``.
* ``dict-freedict-eng-deu`` / ``dict-freedict-deu-eng``: the FreeDict
  conversions of Ding (GPL-3.0-or-later), dictd format in ``/usr/share/dictd``.
  They are used as corroborating evidence only (they add a small bonus to
  pairs they also contain, and a few pairs of their own with a low weight).

Install the sources (as root) and rebuild::

    apt-get update && apt-get install -y trans-de-en dict-freedict-eng-deu dict-freedict-deu-eng
    pip install wordfreq          # build-time only, not a runtime dependency
    python scripts/build_dictionary.py

Output: ``bot/data/dict/en_de.tsv.gz`` and ``bot/data/dict/de_en.tsv.gz``, one line per
source word: ``word<TAB>trans1|trans2|...`` (best first, at most ``--limit``), merged with the
hand-written ``bot/data/dict/supplement.tsv`` (whose entries are put first).

Rules (see docs/dictionary.md for the measurements):

* Annotations ({m}, {vt}, [Br.], (...), <...>, /ABBR/) are stripped; placeholders such as
  ``sth.``, ``sb.``, ``etw.``, ``jdm.`` and reflexive ``sich`` are dropped.
* English verbs are listed as ``to say``; the key is ``say``.
* Single-word <-> single-word pairs are the main evidence.  A multi-word term contributes
  only its *head* word, with a lower weight: the verb of an English ``to ...`` phrase
  (first word) or of a German infinitive phrase (last word), the noun in front of the
  first gender marker ({m}/{f}/{n}/{pl}) on the German side, the last word before a
  preposition on the English side.
* The first section of a Ding line (before the first ``|``) holds the headwords; later
  sections are inflected forms, compounds and examples and weigh much less.  Earlier
  synonyms in a section weigh more than later ones.
* The evidence of all entries is summed per pair and multiplied by a weight that grows with
  the target word's frequency (wordfreq Zipf value), so that common, direct senses come
  first: ``say`` -> ``sagen`` before ``Mitspracherecht``.
* Keys are lower-cased lemmas (simplemma).  Inflected English/German forms found in Ding
  are added as extra keys only when lemmatising the form does not already lead to a key.
* Target words keep their dictionary (lemma) form and original case.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import math
import re
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import simplemma
import Stemmer
from wordfreq import zipf_frequency

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "bot" / "data" / "dict"
DING = Path("/usr/share/trans/de-en")
FREEDICT = {
    "en-de": Path("/usr/share/dictd/freedict-eng-deu"),
    "de-en": Path("/usr/share/dictd/freedict-deu-eng"),
}

# --------------------------------------------------------------------------------------
# Normalisation of one dictionary term
# --------------------------------------------------------------------------------------

_BRACKETS = re.compile(r"\{[^{}]*\}|\[[^\[\]]*\]|\([^()]*\)|<[^<>]*>")
_ABBREV = re.compile(r"(?:^|\s)/[^/\s][^/]*/(?=\s|$|[;,.])")
_ABBREV_LINE = re.compile(r"(?<=\s)/[^/|:]+/(?=\s|$|;)")
_GENDER = re.compile(r"([^\s;{}()\[\]]+)\s*\{(?:m|f|n|pl)\}")
_VERB_MARK = re.compile(r"\{v[a-z]*\}")
_TOKEN = re.compile(r"[^\W\d_](?:[\w'’.-]*\w)?", re.UNICODE)

EN_PLACEHOLDERS = {
    "sth",
    "sth.",
    "sb",
    "sb.",
    "sb.'s",
    "sb's",
    "sb’s",
    "sb.’s",
    "one's",
    "one’s",
    "oneself",
    "o.s.",
    "s.o.",
    "s.th.",
    "someone",
    "something",
    "somebody",
    "it",
    "its",
    "so",
}
EN_STOP = {
    "a",
    "an",
    "the",
    "to",
    "of",
    "in",
    "on",
    "at",
    "for",
    "with",
    "from",
    "by",
    "into",
    "onto",
    "over",
    "about",
    "as",
    "and",
    "or",
    "not",
    "be",
    "is",
    "are",
    "was",
    "up",
    "out",
    "off",
    "down",
    "away",
    "back",
    "one",
    "oneself",
    "no",
    "all",
    "this",
    "that",
    "than",
    "upon",
    "under",
    "through",
    "without",
    "against",
    "after",
    "before",
    "i",
    "you",
    "he",
    "she",
    "we",
    "they",
    "me",
    "him",
    "her",
    "us",
    "them",
    "my",
    "your",
    "his",
    "our",
    "their",
    "do",
    "does",
    "did",
    "have",
    "has",
    "had",
    "will",
    "would",
    "can",
    "could",
    "may",
    "might",
    "shall",
    "should",
    "must",
    "very",
    "too",
    "some",
    "any",
    "what",
    "who",
    "how",
    "when",
    "where",
    "why",
    "which",
    "there",
    "here",
    "get",
    "make",
    "take",
}
EN_PREPS = {
    "of",
    "in",
    "on",
    "at",
    "for",
    "with",
    "from",
    "by",
    "into",
    "onto",
    "over",
    "about",
    "to",
    "as",
    "under",
    "through",
    "without",
    "against",
    "after",
    "before",
    "upon",
    "between",
    "among",
    "towards",
    "toward",
    "during",
}
DE_PLACEHOLDERS = {
    "etw.",
    "etw",
    "jdm.",
    "jdn.",
    "jds.",
    "jd.",
    "jdm",
    "jdn",
    "jds",
    "jd",
    "sich",
    "einer",
    "sache",
    "einem",
    "einen",
    "eine",
    "ein",
    "eines",
    "jemandem",
    "jemanden",
    "jemand",
    "etwas",
    "mich",
    "dich",
    "mir",
    "dir",
    "uns",
    "euch",
}
DE_STOP = {
    "der",
    "die",
    "das",
    "den",
    "dem",
    "des",
    "ein",
    "eine",
    "einen",
    "einem",
    "einer",
    "eines",
    "und",
    "oder",
    "nicht",
    "zu",
    "zum",
    "zur",
    "in",
    "im",
    "an",
    "am",
    "auf",
    "aus",
    "bei",
    "beim",
    "mit",
    "nach",
    "von",
    "vom",
    "vor",
    "für",
    "über",
    "unter",
    "durch",
    "gegen",
    "um",
    "als",
    "wie",
    "es",
    "so",
    "sein",
    "haben",
    "werden",
    "sich",
    "kein",
    "keine",
    "ins",
    "ans",
    "aufs",
    "bis",
    "ohne",
    "seine",
    "ihre",
    "sehr",
    "ganz",
    "noch",
    "schon",
    "auch",
    "nur",
    "man",
    "was",
    "wer",
    "wo",
    "da",
    "hier",
}


@dataclass
class Term:
    """One synonym of one section of a Ding line, normalised."""

    words: list[str]  # content tokens, in order
    head: str | None  # the word that stands for the whole term
    single: bool  # the term is one word (after dropping placeholders)
    verb: bool


def split_top(text: str, sep: str) -> list[str]:
    """Split ``text`` on ``sep`` outside of brackets."""
    out: list[str] = []
    depth = 0
    cur: list[str] = []
    for ch in text:
        if ch in "([{<":
            depth += 1
        elif ch in ")]}>" and depth > 0:
            depth -= 1
        if ch == sep and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return [s.strip() for s in out]


def strip_annotations(text: str) -> str:
    prev = None
    while prev != text:
        prev = text
        text = _BRACKETS.sub(" ", text)
    text = _ABBREV.sub(" ", text)
    return " ".join(text.split())


def _alts(token: str) -> str:
    # "he/she" -> "he": slash alternatives inside a token keep their first member
    return token.split("/")[0] if "/" in token else token


def _clean_token(tok: str) -> str:
    tok = tok.strip(".,!?;:\"'“”„‘’…")
    return tok


def _is_sentence(text: str) -> bool:
    if not text or any(c in text for c in '?!…„“"='):
        return True
    return text.endswith(".") and len(text.split()) > 3 and not text.endswith(_PLACEHOLDER_END)


_PLACEHOLDER_END = ("sth.", "sb.", "etc.", "etw.", "jdm.", "jdn.", "jds.", "o.s.")


def parse_en(raw: str) -> Term | None:
    text = strip_annotations(raw).replace("’", "'")
    if _is_sentence(text):
        return None  # examples and full sentences are not translations
    text = text.split(",")[0].strip()
    verb = text.startswith("to ")
    if verb:
        text = text[3:]
    tokens = [_clean_token(_alts(t)) for t in text.split()]
    tokens = [t for t in tokens if t and t.lower() not in EN_PLACEHOLDERS]
    if not tokens or len(tokens) > 6:
        return None
    words = [t for t in tokens if _TOKEN.fullmatch(t)]
    if not words:
        return None
    content = [w for w in words if w.lower() not in EN_STOP]
    if len(tokens) == 1 and len(words) == 1:
        return Term(words, words[0], True, verb)
    if not content:
        return None
    if verb:
        head = words[0] if words[0].lower() not in EN_STOP else content[0]
    else:
        # noun phrase: last content word before the first preposition
        before: list[str] = []
        for w in words:
            if w.lower() in EN_PREPS and before:
                break
            before.append(w)
        cand = [w for w in before if w.lower() not in EN_STOP]
        head = cand[-1] if cand else content[-1]
    return Term(content, head, len(content) == 1 and len(tokens) <= 2, verb)


def parse_de(raw: str) -> Term | None:
    gender = _GENDER.search(raw)
    verb = bool(_VERB_MARK.search(raw))
    text = strip_annotations(raw)
    if _is_sentence(text):
        return None
    text = text.split(",")[0].strip()
    tokens = [_clean_token(_alts(t)) for t in text.split()]
    tokens = [t for t in tokens if t and t.lower() not in DE_PLACEHOLDERS]
    if not tokens or len(tokens) > 6:
        return None
    words = [t for t in tokens if _TOKEN.fullmatch(t)]
    if not words:
        return None
    content = [w for w in words if w.lower() not in DE_STOP]
    if len(tokens) == 1 and len(words) == 1:
        return Term(words, words[0], True, verb)
    if not content:
        return None
    head: str | None = None
    if gender:
        g = _clean_token(gender.group(1))
        if g in content:
            head = g
    if head is None and content[-1][:1].islower() and content[-1].endswith("n"):
        head = content[-1]  # infinitive phrase: the verb comes last
        verb = True
    if head is None:
        nouns = [w for w in content if w[:1].isupper()]
        head = nouns[-1] if nouns else None
    return Term(content, head, len(content) == 1, verb)


# --------------------------------------------------------------------------------------
# Evidence collection
# --------------------------------------------------------------------------------------

W_EXACT = 1.0  # single word on both sides
W_HEAD = 0.35  # one side is a phrase reduced to its head
W_HEAD2 = 0.15  # both sides are phrases
W_VERB_HEADS = 0.6  # both sides are verb phrases: their verbs translate each other
W_SECTION = (1.0, 0.25)  # first section vs later sections of a Ding line
W_FREEDICT = 0.3


@dataclass
class Evidence:
    score: dict[str, dict[str, float]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(float))
    )
    forms: dict[str, str] = field(default_factory=dict)  # inflected form -> base key
    headkeys: set[str] = field(default_factory=set)  # keys seen among Ding headwords

    def add(self, key: str, target: str, weight: float) -> None:
        self.score[key][target] += weight


def _pair_weight(a: Term, b: Term) -> float:
    if a.single and b.single:
        return W_EXACT
    if a.verb and b.verb:
        return W_VERB_HEADS  # "to prevent an event" / "ein Ereignis verhindern"
    if a.single or b.single:
        return W_HEAD
    return W_HEAD2


def _pos_weight(i: int, j: int) -> float:
    return 1.0 / (1.0 + 0.25 * (i + j))


def ding_lines(path: Path) -> Iterator[tuple[list[list[str]], list[list[str]]]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or " :: " not in line:
                continue
            line = _ABBREV_LINE.sub(" ", line.rstrip("\n"))
            de, en = line.split(" :: ", 1)
            de_secs = [split_top(s, ";") for s in split_top(de, "|")]
            en_secs = [split_top(s, ";") for s in split_top(en, "|")]
            yield de_secs, en_secs


def collect_ding(path: Path, en_de: Evidence, de_en: Evidence) -> int:
    n = 0
    for de_secs, en_secs in ding_lines(path):
        n += 1
        for s, (de_items, en_items) in enumerate(zip(de_secs, en_secs, strict=False)):
            sw = W_SECTION[0 if s == 0 else 1]
            de_terms = [parse_de(x) for x in de_items]
            en_terms = [parse_en(x) for x in en_items]
            for i, dt in enumerate(de_terms):
                if dt is None or dt.head is None:
                    continue
                for j, et in enumerate(en_terms):
                    if et is None or et.head is None:
                        continue
                    w = sw * _pair_weight(dt, et) * _pos_weight(i, j)
                    if et.single or dt.single or s == 0:
                        en_de.add(et.head.lower(), dt.head, w)
                        de_en.add(dt.head.lower(), et.head, w)
                        if s == 0:
                            en_de.headkeys.add(et.head.lower())
                            de_en.headkeys.add(dt.head.lower())
            if s > 0:
                _collect_forms(de_secs[0], de_items, de_en, parse_de)
                _collect_forms(en_secs[0], en_items, en_de, parse_en)
    return n


def _collect_forms(base_items: list[str], items: list[str], ev: Evidence, parse: object) -> None:
    """Remember single-word inflected forms aligned with single-word headwords."""
    if len(base_items) != len(items):
        return
    assert callable(parse)
    for b_raw, f_raw in zip(base_items, items, strict=True):
        b, f = parse(b_raw), parse(f_raw)
        if not (b and f and b.single and f.single and b.head and f.head):
            continue
        base, form = b.head.lower(), f.head.lower()
        if form != base and form[:3] == base[:3] and len(form) >= 3:
            ev.forms.setdefault(form, base)


_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _b64(s: str) -> int:
    n = 0
    for ch in s:
        n = n * 64 + _B64.index(ch)
    return n


def collect_freedict(base: Path, ev: Evidence, target_lang: str) -> int:
    """Add FreeDict (dictd) headword -> first-line translations as corroborating evidence."""
    index, dz = base.with_suffix(".index"), base.with_suffix(".dict.dz")
    if not index.exists() or not dz.exists():
        print(f"warning: {base} not installed, skipping FreeDict", file=sys.stderr)
        return 0
    with gzip.open(dz) as fh_dz:
        data = fh_dz.read()
    parse_tgt = parse_de if target_lang == "de" else parse_en
    n = 0
    with index.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3 or parts[0].startswith("00-") or " " in parts[0]:
                continue
            word = parts[0]
            body = data[_b64(parts[1]) : _b64(parts[1]) + _b64(parts[2])].decode("utf-8")
            lines = body.split("\n")
            if len(lines) < 2:
                continue
            trans_line = re.sub(r"<[^<>]*>", "", lines[1])
            for j, item in enumerate(split_top(trans_line, ",")):
                t = parse_tgt(item)
                if t is None or not t.single or t.head is None:
                    continue
                ev.add(word.lower(), t.head, W_FREEDICT * _pos_weight(0, j))
                n += 1
    return n


# --------------------------------------------------------------------------------------
# Ranking and output
# --------------------------------------------------------------------------------------


def _freq_weight(zipf: float) -> float:
    # 0 for unknown words, ~1 for zipf 3, ~2.7 for zipf 6: common words first
    return math.exp((zipf - 3.0) / 3.0) if zipf > 0 else 0.25


@functools.cache
def _lemma(word: str, lang: str) -> str:
    if not word.strip():
        return word
    lem = simplemma.lemmatize(word, lang=lang)
    if lem.lower() == word.lower() and lang == "de":
        lem = simplemma.lemmatize(word.capitalize(), lang=lang)
    return lem or word


W_MERGE = 0.5  # evidence of an inflected key ("troops") credited to its lemma ("troop")


def fold_inflected_keys(ev: Evidence, src_lang: str, tgt_lang: str) -> tuple[int, int]:
    """Credit inflected keys to their lemma key; drop those that lemmatising reaches.

    A key that Ding lists as a headword of its own (``troops``, ``arms``) is kept, since it
    may have senses of its own; its evidence is also added (halved) to the lemma.  A key
    seen only among inflected forms (``said``) is dropped: the runtime lookup lemmatises.
    Target words of folded evidence are lemmatised too (``gesagt`` -> ``sagen``).
    """
    merged = dropped = 0
    folds: list[tuple[str, str]] = []
    for key in ev.score:
        lem = _lemma(key, src_lang).lower()
        if lem != key and lem in ev.score:
            folds.append((key, lem))
    snapshot = {k: dict(ev.score[k]) for pair in folds for k in pair}
    for key, lem in folds:
        own = snapshot[key]
        for tgt, sc in own.items():
            ev.score[lem][_lemma(tgt, tgt_lang)] += W_MERGE * sc
        merged += 1
        if key in ev.headkeys:
            # keep the key, but rank it with its lemma's evidence too and lemma targets
            fresh: dict[str, float] = defaultdict(float)
            for tgt, sc in own.items():
                fresh[_lemma(tgt, tgt_lang)] += sc
            for tgt, sc in snapshot[lem].items():
                fresh[tgt] += sc
            ev.score[key] = fresh
        else:
            del ev.score[key]
            dropped += 1
    return merged, dropped


def _reverse_ranks(rev: Evidence) -> dict[str, dict[str, int]]:
    """For each word of the other direction: rank of each of its candidates by raw evidence."""
    out: dict[str, dict[str, int]] = {}
    for key, cands in rev.score.items():
        order: dict[str, float] = defaultdict(float)
        for tgt, sc in cands.items():
            order[tgt.lower()] += sc
        ranked = sorted(order.items(), key=lambda x: -x[1])
        out[key] = {t: i for i, (t, _) in enumerate(ranked[:REV_MAX])}
    return out


REV_MAX = 20  # reverse ranks beyond this count as "not a main sense"
REV_ALPHA = 0.25  # penalty per reverse rank: 1 / (1 + REV_ALPHA * rank)


def rank(
    ev: Evidence, rev: Evidence, tgt_lang: str, limit: int, min_score: float
) -> dict[str, list[str]]:
    """Order each key's candidates: raw evidence x target frequency x reverse-direction rank.

    The reverse rank rewards symmetric senses: ``visit`` -> ``besuchen`` (whose first English
    sense is ``visit``) beats ``visit`` -> ``Weg`` (whose main senses are way, path, ...).
    """
    zcache: dict[str, float] = {}

    def z(w: str) -> float:
        if w not in zcache:
            zcache[w] = zipf_frequency(w, tgt_lang)
        return zcache[w]

    rev_rank = _reverse_ranks(rev)
    stem = Stemmer.Stemmer("german" if tgt_lang == "de" else "english").stemWord
    out: dict[str, list[str]] = {}
    for key, cands in ev.score.items():
        if not _TOKEN.fullmatch(key) or len(key) < 2:
            continue
        # merge case variants of the same target ("Say"/"say"): keep the best-scored spelling
        merged: dict[str, tuple[float, str]] = {}
        for tgt, sc in cands.items():
            low = tgt.lower()
            if low == key and tgt_lang == "en":
                continue  # identical word (German loan of an English word): engine keeps it
            prev = merged.get(low)
            if prev is None:
                merged[low] = (sc, tgt)
            else:
                best = tgt if sc > prev[0] else prev[1]
                merged[low] = (prev[0] + sc, best)
        best_raw = max((sc for sc, _ in merged.values()), default=0.0)
        lem_key = _lemma(key, "de" if tgt_lang == "en" else "en").lower()
        scored = []
        for low, (sc, tgt) in merged.items():
            if sc < min_score * best_raw:
                continue  # a weak phrase-head hint next to strong direct evidence
            rmap = rev_rank.get(low, {})
            rr = min(rmap.get(key, REV_MAX), rmap.get(lem_key, REV_MAX))
            final = sc * _freq_weight(z(tgt)) / (1.0 + REV_ALPHA * rr)
            scored.append((final, tgt))
        scored.sort(key=lambda x: (-x[0], x[1]))
        kept: list[str] = []
        seen: set[str] = set()
        for _, tgt in scored:
            # "hoch"/"hoher"/"hohe" or "Nachricht"/"Nachrichten" would waste slots: the
            # engine stems, so keep only the best-ranked spelling of each stem/lemma
            sig = {stem(tgt.lower()), _lemma(tgt, tgt_lang).lower()}
            if sig & seen:
                continue
            seen |= sig
            kept.append(tgt)
            if len(kept) >= limit:
                break
        if kept:
            out[key] = kept
    return out


def add_forms(table: dict[str, list[str]], ev: Evidence, lang: str) -> int:
    """Add inflected forms whose simplemma lemma does not reach an existing key."""
    added = 0
    for form, base in ev.forms.items():
        if form in table or base not in table:
            continue
        lemma = simplemma.lemmatize(form, lang=lang).lower()
        if lemma in table:
            continue
        table[form] = table[base]
        added += 1
    return added


def read_supplement(path: Path) -> dict[str, dict[str, list[str]]]:
    sup: dict[str, dict[str, list[str]]] = {"en-de": {}, "de-en": {}}
    if not path.exists():
        return sup
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 3 or parts[0] not in sup:
            raise SystemExit(f"{path}:{lineno}: expected 'en-de|de-en<TAB>word<TAB>a|b|c'")
        sup[parts[0]][parts[1].strip().lower()] = [t for t in parts[2].split("|") if t]
    return sup


def merge_supplement(table: dict[str, list[str]], sup: dict[str, list[str]], limit: int) -> None:
    for key, first in sup.items():
        rest = [t for t in table.get(key, []) if t.lower() not in {f.lower() for f in first}]
        table[key] = (first + rest)[:limit]


def write_table(table: dict[str, list[str]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"{k}\t{'|'.join(v)}\n" for k, v in sorted(table.items()) if v]
    raw = "".join(lines).encode("utf-8")
    # mtime=0 keeps the output byte-identical between rebuilds
    with (
        path.open("wb") as fh,
        gzip.GzipFile(fileobj=fh, mode="wb", compresslevel=9, mtime=0) as gz,
    ):
        gz.write(raw)


def build(limit: int, min_score: float, use_freedict: bool) -> dict[str, dict[str, list[str]]]:
    t0 = time.time()
    en_de, de_en = Evidence(), Evidence()
    n = collect_ding(DING, en_de, de_en)
    print(f"ding: {n} lines ({time.time() - t0:.1f}s)", file=sys.stderr)
    if use_freedict:
        a = collect_freedict(FREEDICT["en-de"], en_de, "de")
        b = collect_freedict(FREEDICT["de-en"], de_en, "en")
        print(f"freedict: {a} + {b} pairs ({time.time() - t0:.1f}s)", file=sys.stderr)
    print(f"folded keys en: {fold_inflected_keys(en_de, 'en', 'de')}", file=sys.stderr)
    print(f"folded keys de: {fold_inflected_keys(de_en, 'de', 'en')}", file=sys.stderr)
    tables = {
        "en-de": rank(en_de, de_en, "de", limit, min_score),
        "de-en": rank(de_en, en_de, "en", limit, min_score),
    }
    fa = add_forms(tables["en-de"], en_de, "en")
    fb = add_forms(tables["de-en"], de_en, "de")
    print(f"inflected forms added: en {fa}, de {fb} ({time.time() - t0:.1f}s)", file=sys.stderr)
    sup = read_supplement(OUT_DIR / "supplement.tsv")
    for pair, table in tables.items():
        merge_supplement(table, sup[pair], limit)
    return tables


EN_QUESTION_STOP = set(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "s",
        "t",
        "don",
        "many",
        "much",
        "one",
        "two",
        "also",
    ]
)


def measure_coverage(questions: Path, passages: Path, sample: int = 40, seed: int = 0) -> str:
    """Coverage of English question words by en-de, and hits in the gold German passage.

    Hits compare Snowball-German stems (as the engine stems), so ``Soldat`` hits ``Soldaten``.
    """
    import json
    import random

    sys.path.insert(0, str(ROOT))
    from bot.dictionary import Dictionary

    stem = Stemmer.Stemmer("german").stemWord
    d = Dictionary.load("en-de")
    word_re = re.compile(r"[A-Za-z][A-Za-z'-]*")
    gold: dict[str, set[str]] = {}
    with passages.open(encoding="utf-8") as fh:
        for line in fh:
            p = json.loads(line)
            gold[p["id"]] = {stem(w.lower()) for w in re.findall(r"\w+", p["text"])}
    toks: list[tuple[str, str]] = []
    with questions.open(encoding="utf-8") as fh:
        for line in fh:
            q = json.loads(line)
            for w in word_re.findall(q["question"]):
                if w.lower() not in EN_QUESTION_STOP and len(w) > 1:
                    toks.append((w, q["passage_id"]))
    covered = [t for t in toks if d.translations(t[0])]
    lower = [t for t in toks if not t[0][:1].isupper()]
    lower_cov = [t for t in lower if d.translations(t[0])]

    def hit(w: str, pid: str, k: int = 10) -> bool:
        return any(stem(x.lower()) in gold[pid] for x in d.translations(w, k))

    def ident(w: str, pid: str) -> bool:
        return stem(w.lower()) in gold[pid]

    lines = [
        f"question tokens (non-stopword): {len(toks)}",
        f"with >= 1 translation: {len(covered)} ({len(covered) / len(toks):.1%})",
        f"lower-case tokens (not names): {len(lower)}, with translation: "
        f"{len(lower_cov)} ({len(lower_cov) / max(1, len(lower)):.1%})",
    ]
    for k in (1, 3, 10):
        n = sum(hit(w, pid, k) for w, pid in covered)
        lines.append(
            f"covered tokens whose top-{k} translation occurs in gold passage: "
            f"{n}/{len(covered)} ({n / max(1, len(covered)):.1%})"
        )
    n_id = sum(ident(w, pid) for w, pid in toks)
    n_any = sum(ident(w, pid) or hit(w, pid) for w, pid in toks)
    lines.append(
        f"all tokens found in gold passage as the English word itself: "
        f"{n_id / len(toks):.1%}; itself or a top-10 translation: {n_any / len(toks):.1%}"
    )
    rnd = random.Random(seed)
    pick = rnd.sample(lower, min(sample, len(lower)))
    n_s = sum(hit(w, pid) for w, pid in pick)
    lines.append(
        f"sample of {len(pick)} lower-case tokens (seed {seed}): "
        f"{n_s} with a translation in the gold passage"
    )
    for w, pid in pick:
        tr = d.translations(w, 10)
        mark = "HIT " if hit(w, pid) else ("miss" if tr else "none")
        lines.append(f"  {mark} {w} [{pid}] -> {'|'.join(tr[:5])}")
    return "\n".join(lines)


def main(argv: Iterable[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, default=10, help="translations per word (default 10)")
    ap.add_argument(
        "--min-score",
        type=float,
        default=0.05,
        help="drop candidates whose raw evidence is below this share of the best one",
    )
    ap.add_argument("--no-freedict", action="store_true", help="use Ding only")
    ap.add_argument("--out", type=Path, default=OUT_DIR)
    ap.add_argument(
        "--coverage",
        nargs=2,
        type=Path,
        metavar=("QUESTIONS_EN_JSONL", "PASSAGES_DE_JSONL"),
        help="do not build; measure the packaged en-de table on an eval set",
    )
    args = ap.parse_args(list(argv) if argv is not None else None)
    if args.coverage:
        print(measure_coverage(*args.coverage))
        return 0
    if not DING.exists():
        print(f"{DING} missing: apt-get install -y trans-de-en", file=sys.stderr)
        return 1
    tables = build(args.limit, args.min_score, not args.no_freedict)
    for pair, table in tables.items():
        path = args.out / f"{pair.replace('-', '_')}.tsv.gz"
        write_table(table, path)
        print(f"{path}: {len(table)} words, {path.stat().st_size / 1e6:.2f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
