"""bot/ingest/extract.py on saved pages, measured against hand-written expectations.

Each ``tests/pages/NAME.html`` has ``NAME.expected.yaml`` with the title, date, outlet,
author, canonical URL, language and the article's paragraphs. Run this file directly
(``python tests/test_ingest_extract.py``) to print the measurements.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from bot.ingest.errors import ExtractError
from bot.ingest.extract import extract
from bot.knowledge import detect_language

PAGES = Path(__file__).parent / "pages"
NAMES = sorted(p.name.removesuffix(".expected.yaml") for p in PAGES.glob("*.expected.yaml"))
URL = "http://127.0.0.1:8000/article.html"


@dataclass
class Measure:
    """How well one page was extracted."""

    name: str
    precision: float  # share of extracted paragraphs that are article paragraphs
    recall: float  # share of article paragraphs that were extracted, verbatim
    metadata: dict[str, bool]  # field -> right?
    ms: float


def measure(name: str) -> Measure:
    expected = yaml.safe_load((PAGES / f"{name}.expected.yaml").read_text("utf-8"))
    started = time.perf_counter()
    draft = extract((PAGES / f"{name}.html").read_bytes())  # a saved page: its own metadata
    ms = (time.perf_counter() - started) * 1000
    got = [p.text for p in draft.paragraphs]
    want = [re.sub(r"\s+", " ", p).strip() for p in expected["paragraphs"]]
    hits = sum(1 for p in got if p in want)
    published = expected.get("published")
    metadata = {
        "title": draft.title == expected["title"],
        "published": draft.published == published,
        "language": (draft.language or detect_language(" ".join(got))) == expected["language"],
    }
    for key in ("source", "author", "url"):
        if key in expected:
            metadata[key] = getattr(draft, key) == expected[key]
    return Measure(name, hits / max(len(got), 1), sum(p in got for p in want) / len(want),
                   metadata, ms)


@pytest.mark.parametrize("name", NAMES)
def test_saved_pages_extract_fully_and_exactly(name: str) -> None:
    result = measure(name)
    assert result.recall == 1.0 and result.precision == 1.0, result
    assert all(result.metadata.values()), result.metadata


def test_no_date_is_invented() -> None:
    draft = extract((PAGES / "hostile-nodate.html").read_bytes(), URL)
    assert draft.published is None and draft.updated is None


def test_scripts_and_boilerplate_stay_out() -> None:
    for name in NAMES:
        text = " ".join(p.text for p in extract((PAGES / f"{name}.html").read_bytes(), URL)
                        .paragraphs)
        for junk in ("alert(1)", "owned", "Injected paragraph", "trackPageView", "Cookies",
                     "Kommentare", "Most read", "ADVERTISEMENT", "Impressum", "Subscribe"):
            assert junk not in text, (name, junk)


def test_escaped_markup_in_the_page_is_kept_as_text() -> None:
    draft = extract((PAGES / "hostile-nodate.html").read_bytes(), URL)
    assert draft.title == "Robotics club wins regional <b>prize</b> & plans trip"
    assert '<script>alert("Sorty")</script>' in draft.paragraphs[1].text
    assert draft.source == "127.0.0.1"  # no site name: the host


def test_headings_become_sections() -> None:
    draft = extract((PAGES / "hafen-de.html").read_bytes(), URL)
    assert [p.section for p in draft.paragraphs] == [
        None, None, None, "Kritik von Umweltverbänden", "Kritik von Umweltverbänden",
        "Tickets ab April",
    ]


def test_pages_without_an_article_fail_clearly() -> None:
    with pytest.raises(ExtractError, match="article text"):
        extract(b"<html><head><title>Login</title></head><body><p>Log in</p></body></html>")


def test_other_languages_are_refused() -> None:
    page = (PAGES / "bridge-en.html").read_bytes().replace(b'lang="en-GB"', b'lang="fr"')
    with pytest.raises(ExtractError, match="language 'fr'"):
        extract(page, URL)


if __name__ == "__main__":
    for name in NAMES:
        m = measure(name)
        right = sum(m.metadata.values())
        print(f"{m.name:16} paragraphs precision {m.precision:.2f} recall {m.recall:.2f}  "
              f"metadata {right}/{len(m.metadata)} {m.metadata}  {m.ms:.0f} ms")
