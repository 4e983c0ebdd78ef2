"""Interviews: whose turn each sentence is, by the labels that open the turns.

    turns(sentences, language) -> list[Turn | None]   # one per (paragraph, text) sentence

A turn opens with a label and a colon at the start of a sentence: "Frage:", "Antwort:",
"Q:", "A:", or a name ("Budanow:", "STANDARD:", "Karin Heitzmann:"). A name counts as a
label when it opens two or more sentences of the article, or when the article names it
elsewhere ("Kyrylo Budanow hat …" before "Budanow: …"); a single "Kritisch:" does not,
nor a label with an article ("Das Wichtigste:"); and only when the article has two or
more labelled sentences and someone asks (a question label, or a label whose turns end
in "?"; match reports' "Tore: …" lines are no interview). The turn goes on over the
following sentences without a label, in its paragraph and in the next ones, up to the
last labelled paragraph; after that the article speaks again. A label most of whose
turns end in "?" (as "STANDARD:") asks the questions, like "Frage:" and "Q:". Not
handled: interviews whose questions are set off by type alone (bold, italics), which
plain text does not keep.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.analysis import stop_words

_LABEL = re.compile(r"^([^\W\d_][\w.'’-]*(?: [^\W\d_][\w.'’-]*){0,2}):\s+\S")
QUESTIONS = frozenset("frage f q question interviewer".split())
ANSWERS = frozenset("antwort a answer".split())


@dataclass(frozen=True)
class Turn:
    """A sentence's interview turn: the `label` that opened it and what it is: question,
    answer ("A:", "Antwort:": the guest's) or speaker (the label names who speaks)."""

    label: str
    kind: str


def _label(text: str, language: str) -> str | None:
    m = _LABEL.match(text)
    if m is None:
        return None
    words = m.group(1).split()
    if any(w.casefold() in stop_words(language) for w in words) and len(words) > 1:
        return None
    if not words[0][:1].isupper():
        return None
    return m.group(1)


def _named_elsewhere(label: str, sentences: Sequence[tuple[int, str]],
                     labels: list[str | None], language: str) -> bool:
    """Does the article name the label's person, after a first name or title, in a sentence
    of its own ("Der ukrainische Geheimdienstchef Kyrylo Budanow hat …" before "Budanow:")?"""
    word = re.compile(r"([^\W\d_][\w'’-]*) " + re.escape(label.split()[-1]) + r"(?!\w)")
    return any(m.group(1)[:1].isupper() and m.group(1).casefold() not in stop_words(language)
               for (_, text), lab in zip(sentences, labels, strict=True) if lab != label
               for m in word.finditer(text))


def _asking(sentences: Sequence[tuple[int, str]], labels: list[str | None],
            valid: set[str]) -> set[str]:
    """The labels most of whose turns (up to the next label) end in a question mark."""
    ends: dict[str, list[bool]] = {}
    current = None
    for (_, text), lab in zip(sentences, labels, strict=True):
        if lab in valid and lab is not None:
            current = lab
            ends.setdefault(lab, []).append(False)
        if current is not None:
            ends[current][-1] = text.rstrip().endswith("?")
    return {lab for lab, e in ends.items() if sum(e) >= 0.6 * len(e)}


def turns(sentences: Sequence[tuple[int, str]], language: str) -> list[Turn | None]:
    """The turn of each sentence (None outside an interview)."""
    labels = [_label(text, language) for _, text in sentences]
    counts = Counter(labels)
    valid = {lab for lab in counts if lab is not None and (
        counts[lab] >= 2 or lab.lower() in QUESTIONS | ANSWERS
        or _named_elsewhere(lab, sentences, labels, language))}
    if sum(counts[lab] for lab in valid) < 2:
        return [None] * len(sentences)
    asking = _asking(sentences, labels, valid)
    if not asking and not any(lab.lower() in QUESTIONS | ANSWERS for lab in valid):
        return [None] * len(sentences)  # no one asks: "Tore: …" lines are no interview
    last = max(p for (p, _), lab in zip(sentences, labels, strict=True) if lab in valid)
    out: list[Turn | None] = []
    current: Turn | None = None
    for (paragraph, _), lab in zip(sentences, labels, strict=True):
        if lab in valid and lab is not None:
            folded = lab.lower()
            kind = ("question" if folded in QUESTIONS or (lab in asking and folded not in ANSWERS)
                    else "answer" if folded in ANSWERS else "speaker")
            current = Turn(lab, kind)
        elif paragraph > last:
            current = None
        out.append(current)
    return out
