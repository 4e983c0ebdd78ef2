"""Question analysis: language, kind and focus words."""

from __future__ import annotations

import pytest

from bot.query import GUESSED_PART_TRUST, build_query
from bot.question import analyse


@pytest.mark.parametrize(
    ("text", "language"),
    [("Wie viele Soldaten?", "de"), ("how many soldiers?", "en"), ("Was sagt Russland?", "de"),
     ("what does Russia say?", "en"), ("Soldaten", "de"), ("soldiers", "en"),
     ("Wetter in Berlin", "de"), ("cake recipe", "en"), ("Warum hilft Nordkorea?", "de")],
)
def test_language(text: str, language: str) -> None:
    assert analyse(text).language == language


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Wie viele Soldaten?", "count"), ("Wieviele Soldaten?", "count"),
        ("how many soldiers?", "count"), ("How much money?", "count"),
        ("Wann besuchte Putin Pjöngjang?", "time"), ("When did Putin visit?", "time"),
        ("In welchem Jahr?", "time"),
        ("Wer ist Peskow?", "person"), ("Who is Peskov?", "person"),
        ("Wie heißt der Sprecher?", "person"),
        ("Wo kämpfen sie?", "place"), ("Where do they fight?", "place"),
        ("Was sagt Russland?", "statement"), ("what does Russia say?", "statement"),
        ("Was dementiert der Kreml?", "statement"), ("Does Moscow deny it?", "statement"),
        ("Warum hilft Nordkorea?", "reason"), ("Why does North Korea help?", "reason"),
        ("Was liefert Nordkorea?", "other"), ("Hwasong-11", "other"),
    ],
)
def test_kind(text: str, kind: str) -> None:
    assert analyse(text).kind == kind


def test_focus_drops_question_and_stop_words() -> None:
    assert analyse("Wie viele Soldaten schickt Nordkorea?").focus == (
        "Soldaten", "schickt", "Nordkorea")
    assert analyse("how many soldiers are there?").focus == ("soldiers",)


def test_statement_questions_drop_the_generic_verb() -> None:
    assert analyse("Was sagt Russland?").focus == ("Russland",)
    assert analyse("What did Peskov say?").focus == ("Peskov",)
    assert analyse("Was sagt er?").focus == ("sagt",)  # nothing else to search for


def test_separable_particle() -> None:
    assert analyse("Wann treffen die Soldaten ein?").particle == "ein"
    assert analyse("Wann treffen die Soldaten?").particle is None


def test_one_word_questions_are_searched_in_both_languages() -> None:
    from bot.query import build_query

    [group] = build_query(analyse("soldiers"), "de")
    assert "soldat" in group.terms
    [group] = build_query(analyse("Soldaten"), "de")
    assert group.terms[0] == "soldat"


def test_a_query_typed_in_lower_case_looks_for_the_parts_of_its_nouns() -> None:
    # "peskow nordkorea": typed in chat, its nouns are not capitalised, but a passage that
    # says "Volksrepublik Korea" must still be found through the part of Nordkorea
    def parts(text: str) -> dict[str, tuple[float, ...]]:
        return {g.terms[0]: g.trust for g in build_query(analyse(text), "de") if g.part}

    assert parts("Peskow Nordkorea")["korea"] == ()  # a capitalised noun's part: sure
    assert parts("peskow nordkorea")["korea"] == (GUESSED_PART_TRUST,)  # guessed: less so
    assert "korea" not in parts("Was sagt Peskow über nordkorea?")  # written with care
    assert not parts("soldaten kursk")  # no compound: nothing added


def test_an_english_possessive_is_translated_as_the_word_it_belongs_to() -> None:
    # "ABC's" is ABC: as written it was looked for as "abcs", which no passage has
    words = {g.word: g.terms for g in build_query(analyse("Who designed ABC's logo?"), "de")}
    assert "abc" in words["ABC"]
    assert not any("abcs" in terms for terms in words.values())


def test_an_english_hyphenated_word_is_looked_for_in_its_parts_too() -> None:
    # "UK-wide", "AS-206": German writes "in ganz Großbritannien", "AS-206" is indexed
    # with its parts (as206, as, 206): each part is a group of its own, marked a part
    groups = build_query(analyse("What happened in a UK-wide process?"), "de")
    joined = [g for g in groups if g.word == "UK-wide"]
    assert [g.part for g in joined] == [False, True, True]
    assert joined[1].terms == ("uk",)
    assert "weit" in joined[2].terms  # "wide" translated
    flight = build_query(analyse("How many people were on the flight of the AS-206?"), "de")
    assert ("206",) in [g.terms for g in flight if g.part]


def test_an_english_typo_is_translated_as_the_dictionary_word_a_typo_away() -> None:
    # "benefits agenchy": no dictionary has "agenchy"; "agency" is one edit away
    def terms(text: str) -> dict[str, dict[str, float]]:
        return {g.word: dict(zip(g.terms, g.trust or (1.0,) * len(g.terms), strict=True))
                for g in build_query(analyse(text), "de")}

    typed = terms("What was the benefits agenchy checking?")["agenchy"]
    right = terms("What was the benefits agency checking?")["agency"]
    assert "agentur" in typed and typed["agentur"] < right["agentur"]  # trusted less
    assert set(typed) - {"agenchy"} == set(right) - {"agency"}
    # a name is not a typo of a dictionary word, nor a real word the dictionary lacks
    assert list(terms("Who is Sentanta?")["Sentanta"]) == ["sentanta"]


def test_a_misspelt_name_in_an_english_question_meets_the_german_spelling() -> None:
    # names are written alike in both languages, so a typo in one is corrected against
    # the passages' terms as a German question's is ("Sentanta Sports": Setanta)
    index = _Index({"setanta": 3, "sport": 50, "gegeb": 400, "gegn": 90})
    [name] = [g for g in build_query(analyse("What did Sentanta Sports launch?"), "de",
                                     index=index) if g.word == "Sentanta"]
    assert name.terms == ("sentanta", "setanta") and name.trust[1] < 1.0
    # a short name has too many common terms a typo away: left as typed
    [short] = [g for g in build_query(analyse("Who murdered Gegeen?"), "de", index=index)
               if g.word == "Gegeen"]
    assert short.terms == ("gege",)


class _Index:
    """The document frequencies of a few terms, as a SearchIndex gives their idf."""

    n_docs = 1000

    def __init__(self, df: dict[str, int]) -> None:
        self.df = df
        self.vocab = {t: i for i, t in enumerate(df)}
        self._terms = list(df)

    def group_idf(self, term_ids: list[int]) -> float:
        import math

        df = max(self.df[self._terms[i]] for i in term_ids)
        return math.log((self.n_docs - df + 0.5) / (df + 0.5))


def test_a_far_commoner_unsure_translation_is_left_out() -> None:
    # "kept": halten, behalten, bleiben, ... sagen (the sixth): "sagen" is in half the
    # news passages, and as one of "kept"'s terms it made every one of them hold "kept"
    from bot.query import COMMONER, _translated

    ranked = dict(_translated("kept", ("en",), "de", ranks=True))
    assert ranked["sag"] >= 2  # an unsure translation
    sure = [t for t, r in ranked.items() if r < 2]
    df = {t: 10 for t in ranked} | {"sag": int(10 * COMMONER) + 100}
    groups = build_query(analyse("Where were the tapes kept?"), "de", index=_Index(df))
    [kept] = [g for g in groups if g.word == "kept"]
    assert "sag" not in kept.terms
    assert set(sure) <= set(kept.terms) and "behalt" in kept.terms
    # as common as the sure ones: kept; and a German question is not touched
    groups = build_query(analyse("Where were the tapes kept?"), "de",
                         index=_Index({t: 10 for t in ranked}))
    assert "sag" in next(g for g in groups if g.word == "kept").terms
    german = build_query(analyse("Wo sagte er das?"), "de", index=_Index({"sag": 900}))
    assert german[0].terms == ("sag",)
