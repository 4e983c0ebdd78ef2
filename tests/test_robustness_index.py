"""Hostile knowledge against the index (issue 12): huge words, huge paragraphs, a forged
manifest, files that vanish or cannot be read while an index is built, killed builds,
edits that keep a file's size and time.

Each case is reported (or rebuilt) and the other articles are still served.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import compounds
from bot.analysis import analyzer

ARTICLE = """id: {id}
title: {title}
language: de
published: 2024-11-02
body:
  - {text}
"""


def write_article(folder: Path, art_id: str, text: str, title: str = "Sturm") -> Path:
    path = folder / f"{art_id}.yaml"
    path.write_text(ARTICLE.format(id=art_id, title=title, text=text), "utf-8")
    return path


def test_compound_splitting_work_is_bounded_per_token(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 160 KB "word" cost 40 s: every cut of it was tried, each slicing the word."""
    lookups = 0
    real = compounds._zipf

    def counted(word: str) -> float:
        nonlocal lookups
        lookups += 1
        return real(word)

    monkeypatch.setattr(compounds, "_zipf", counted)
    word = "Haus" + "haus" * 40_000
    assert len(analyzer("de").token_terms(word)) == 1  # the whole form only, no parts
    assert compounds.split_compound(word.lower()) == ()
    assert lookups < 1_000
    # normal compounds are split as before
    assert compounds.split_compound("gesichtserkennungssoftware") == (
        "gesicht", "erkennung", "software")
