"""Rebuild bot/data/lemmas_{de,en}.tsv.gz: simplemma's lemmas of the commonest words.

simplemma reads its whole dictionary (about two seconds per language) the first time
it lemmatises; with these tables a question whose words are common needs none of
that. Each of the most frequent words (bot/data/words_*.tsv.gz) is listed in lower
case and capitalised (German nouns, sentence starts), with its lemma when that
differs. The analyzer asks the table first and simplemma only for other words, at
index and at question time alike, so both agree.

    python scripts/build_lemmas.py
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import simplemma

DATA = Path(__file__).resolve().parent.parent / "bot" / "data"
SIZE = 60_000


def main() -> int:
    for lang in ("de", "en"):
        with gzip.open(DATA / f"words_{lang}.tsv.gz", "rt", encoding="utf-8") as fh:
            words = [line.split("\t", 1)[0] for _, line in zip(range(SIZE), fh, strict=False)]
        version = getattr(simplemma, "__version__", "")
        lines = [f"# simplemma {version}"]
        for word in words:
            for form in dict.fromkeys((word, word[:1].upper() + word[1:])):
                lemma = simplemma.lemmatize(form, lang=lang)
                lines.append(form if lemma == form else f"{form}\t{lemma}")
        out = DATA / f"lemmas_{lang}.tsv.gz"
        with out.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9,
                                                  mtime=0) as gz:
            gz.write(("\n".join(lines) + "\n").encode("utf-8"))
        print(f"wrote {len(lines) - 1} forms to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
