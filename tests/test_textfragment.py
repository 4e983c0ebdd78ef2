"""The link to the exact sentence: `#:~:text=start,end`, percent-encoded, short but
unique in the article."""

from __future__ import annotations

from urllib.parse import unquote

from bot.knowledge import bundled_knowledge, load_yaml
from bot.textfragment import link, text_fragment


def bundled_text() -> tuple[list[str], str]:
    article = load_yaml(bundled_knowledge() / "nordkorea-soldaten-russland.yaml")
    paras = [p.text for p in article.paragraphs]
    return paras, "\n".join(paras)


def terms(fragment: str) -> list[str]:
    assert fragment.startswith("#:~:text=")
    return [unquote(t) for t in fragment[len("#:~:text="):].split(",")]


def test_a_long_quote_is_its_first_and_last_words() -> None:
    paras, page = bundled_text()
    quote = paras[8][226:]  # „Dies sollte niemanden beunruhigen, … weiter ausbauen.“
    fragment = text_fragment(quote, page)
    assert fragment == "#:~:text=Dies%20sollte%20niemanden,Zukunft%20weiter%20ausbauen"


def test_a_short_quote_is_given_whole() -> None:
    assert terms(text_fragment("„Moskau bestreitet das.“")) == ["Moskau bestreitet das"]
    assert terms(text_fragment("Auch dafür gibt es vorerst keine Beweise.")) == [
        "Auch dafür gibt", "vorerst keine Beweise"]  # seven words: three and three


def test_start_grows_until_unique_in_the_page() -> None:
    paras, page = bundled_text()
    # "Sollte sich diese…" and "Sollte sich der Einsatz…" both begin "Sollte sich"
    quote = paras[11][221:455]
    start, end = terms(text_fragment(quote, page))
    assert page.casefold().count(start.casefold()) == 1
    assert start == "Sollte sich der"
    assert end == "auf den Plan rufen"[-len(end):] and quote.rstrip(".").endswith(end)


def test_end_grows_until_its_first_match_is_the_quotes_end() -> None:
    quote = "Wir werden das tun, und dann werden wir sehen, was wir tun, und dann werden wir sehen."
    start, end = terms(text_fragment(quote, words=2))
    first_after_start = quote.casefold().find(end.casefold(), len(start))
    assert quote[first_after_start:].rstrip(".") == end


def test_percent_encoding_of_the_syntax_characters() -> None:
    fragment = text_fragment("Ja & nein, sagt Kim Jong-un.")
    assert fragment == "#:~:text=Ja%20%26%20nein%2C%20sagt%20Kim%20Jong%2Dun"
    assert "-" not in fragment[len("#:~:text="):]  # "-" marks prefix and suffix: encoded


def test_umlauts_and_quotation_marks() -> None:
    fragment = text_fragment("„Wir würden als Teil der schrittweisen Szenarien handeln.“")
    assert terms(fragment) == ["Wir würden als", "schrittweisen Szenarien handeln"]
    assert "%C3%BC" in fragment and "„" not in fragment


def test_link_keeps_the_url_and_its_fragment() -> None:
    assert link("https://example.org/a", "Moskau bestreitet das.") == (
        "https://example.org/a#:~:text=Moskau%20bestreitet%20das")
    assert link("https://example.org/a#top", "Ja.") == "https://example.org/a#top:~:text=Ja"
    assert link("https://example.org/a#:~:text=old", "Ja.") == "https://example.org/a#:~:text=Ja"
