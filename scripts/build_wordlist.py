"""Rebuild bot/data/words_{de,en}.tsv.gz: word frequencies for compounds and language detection.

Needs the `wordfreq` package at build time only (`pip install wordfreq`); the bot reads
the derived file. Data: wordfreq (Robyn Speer et al.), CC BY-SA 4.0 — see bot/data/NOTICE.md.

    python scripts/build_wordlist.py
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import wordfreq

DATA = Path(__file__).resolve().parent.parent / "bot" / "data"
SIZES = {"de": 250_000, "en": 120_000}


def main() -> int:
    for lang, size in SIZES.items():
        lines = []
        for word in wordfreq.top_n_list(lang, size, wordlist="large"):
            if not word.isalpha() or len(word) < 2:
                continue
            zipf = wordfreq.zipf_frequency(word, lang, wordlist="large")
            lines.append(f"{word}\t{round(zipf * 100)}")
        out_path = DATA / f"words_{lang}.tsv.gz"
        with out_path.open("wb") as raw, gzip.GzipFile(
            fileobj=raw, mode="wb", compresslevel=9, mtime=0
        ) as out:
            out.write(("\n".join(lines) + "\n").encode("utf-8"))
        print(f"wrote {len(lines)} words to {out_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
