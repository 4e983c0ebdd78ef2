"""String tables and vocabularies read from files: the same answers as the dicts they stand
for, for every key and for keys that are not there; the speller's groups as spelling.py
made them from a dict."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.index.blobs import map_file
from bot.index.strings import Analyses, Chain, StringTable, make_table
from bot.index.vocabulary import Vocabulary, make_spell
from bot.spelling import Speller

KEYS = st.lists(st.text(st.characters(blacklist_categories=("Cs",),
                                      blacklist_characters="\n\t"), max_size=12),
                unique=True, max_size=60)


@given(KEYS, st.lists(st.text(max_size=12), max_size=10))
@settings(max_examples=150, deadline=None)
def test_a_table_finds_each_key_at_its_line_and_nothing_else(
    keys: list[str], others: list[str],
) -> None:
    table = StringTable.of(make_table(keys))
    assert len(table) == len(keys) and list(table) == keys
    for number, key in enumerate(keys):
        assert table.find(key) == number and table[key] == number and key in table
        assert table.key(number) == key
    for other in others:
        if other not in keys:
            assert table.get(other) is None and other not in table


def test_a_keyed_table_gives_each_value(tmp_path: Path) -> None:
    tokens = ["Soldaten", "Kursk", "der", "1.500", "Russlands"]
    terms = ["soldat", "kursk", "", "1500", "russland"]
    arrays = make_table(tokens, terms)
    path = tmp_path / "tokens.txt"
    path.write_bytes(arrays.lines)
    saved = StringTable(map_file(path, pread=False), arrays.starts, arrays.buckets,
                        arrays.slots, keyed=True)  # as an index folder maps it
    known = Analyses([saved])
    assert [known.get(t) for t in tokens] == [("soldat",), ("kursk",), (), ("1500",),
                                             ("russland",)]
    assert known.get("soldat") is None  # a value is no key
    assert known.get("Sol") is None and known.get("Soldaten2") is None


def test_keys_that_cannot_be_encoded_or_are_empty_are_simply_missing() -> None:
    table = StringTable.of(make_table(["a", "b"]))
    assert table.get("\ud800") is None and table.get("") is None
    empty = StringTable.of(make_table([]))
    assert len(empty) == 0 and empty.get("a") is None and list(empty) == []


def test_a_chain_numbers_each_table_after_the_ones_before() -> None:
    chain = Chain([StringTable.of(make_table(["a", "b"])), StringTable.of(make_table(["c"]))])
    assert [chain.get(k) for k in "abcd"] == [0, 1, 2, None]
    assert [chain.key(n) for n in range(3)] == ["a", "b", "c"] and len(chain) == 3


def test_a_vocabulary_takes_new_terms_after_its_own() -> None:
    vocab = Vocabulary(StringTable.of(make_table(["kursk", "soldat"])))
    assert vocab.setdefault("soldat", 9) == 1
    assert vocab.setdefault("pinguin", len(vocab)) == 2
    assert dict(vocab) == {"kursk": 0, "soldat": 1, "pinguin": 2}
    assert vocab == {"kursk": 0, "soldat": 1, "pinguin": 2}


def test_the_speller_groups_of_a_saved_vocabulary_are_those_of_a_dict() -> None:
    rng = np.random.default_rng(3)
    letters = list("abcdefghijklmnopqrstuvwxyzäöüß")
    terms = list(dict.fromkeys(
        "".join(rng.choice(letters, size=int(rng.integers(1, 12)))) for _ in range(3000)))
    terms.insert(5, "")  # an empty term is in no group
    saved = Vocabulary(StringTable.of(make_table(terms)), make_spell(terms))
    for extra in ("kursk", "kurskk", "soldat"):
        saved.setdefault(extra, len(saved))
    plain = {t: i for i, t in enumerate([*terms, "kursk", "kurskk", "soldat"])}
    from_file, from_dict = Speller(saved), Speller(plain)
    for word in [*terms[:400], "kursc", "soldad", "straße", "zzzz"]:
        assert from_file.near(word) == from_dict.near(word), word
