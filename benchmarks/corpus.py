"""Synthetic German news corpora and question sets for the benchmarks.

Words are drawn from a Zipf-like distribution: the real German word frequencies that
newsbot ships (bot/data/words_de.tsv.gz, from wordfreq), with the capitalisation of
Debian's German word list (wngerman, /usr/share/dict/ngerman) when it is installed,
so nouns are capitalised as in real text. A passage is one paragraph of about 60
words in sentences of 6-16 words, with some numbers; ten paragraphs make an article.
Articles are written as knowledge JSON Lines; questions are 2-6 words of one passage
after a question word, as JSON Lines `{"question": ..., "passage": n}`. With
`--per-article 1` every record is an article of one paragraph (a large archive of
short items: a million articles for a million passages).

    python -m benchmarks.corpus --passages 100000 --out benchmarks/data/100k
    python -m benchmarks.corpus --passages 1000000 --per-article 1 --out benchmarks/data/1m-records
"""

from __future__ import annotations

import argparse
import gzip
import json
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt

NGERMAN = Path("/usr/share/dict/ngerman")
PARAGRAPHS_PER_ARTICLE = 10
QUESTION_WORDS = ("Was", "Wer", "Wann", "Wie viele", "Warum", "Wo", "Welche")


def vocabulary() -> tuple[list[str], npt.NDArray[np.float64]]:
    """German words and their sampling probabilities (proportional to 10^zipf)."""
    cased: dict[str, str] = {}
    lower: set[str] = set()
    if NGERMAN.is_file():
        for line in NGERMAN.read_text(encoding="utf-8").splitlines():
            if line[:1].isupper():
                cased.setdefault(line.lower(), line)
            else:
                lower.add(line)
    words: list[str] = []
    zipfs: list[float] = []
    data = resources.files("bot") / "data" / "words_de.tsv.gz"
    with data.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
        for line in fh:
            word, _, zipf = line.rstrip("\n").partition("\t")
            if not word.isalpha():
                continue
            if word not in lower and word in cased:
                word = cased[word]
            words.append(word)
            zipfs.append(int(zipf) / 100)
    weights = np.power(10.0, np.asarray(zipfs))
    return words, weights / weights.sum()


def generate(passages: int, out: Path, seed: int = 7, questions: int = 1000,
             per_article: int = PARAGRAPHS_PER_ARTICLE) -> Path:
    """Write `passages` passages as articles of `per_article` paragraphs under
    out/knowledge/, and questions.jsonl."""
    rng = np.random.default_rng(seed)
    words, probs = vocabulary()
    (out / "knowledge").mkdir(parents=True, exist_ok=True)
    lengths = rng.integers(40, 81, size=passages)
    picks = rng.choice(len(words), size=int(lengths.sum()), p=probs)
    numbers = rng.random(len(picks)) < 0.02
    asked = set(rng.choice(passages, size=min(questions, passages), replace=False).tolist())
    question_lines: list[str] = []
    corpus = out / "knowledge" / "corpus.jsonl"
    with corpus.open("w", encoding="utf-8") as fh:
        pos = 0
        paragraphs: list[str] = []
        for n in range(passages):
            length = int(lengths[n])
            tokens = [
                f"{rng.integers(2, 20000):,}".replace(",", ".") if numbers[pos + i]
                else words[picks[pos + i]]
                for i in range(length)
            ]
            pos += length
            paragraphs.append(_paragraph(tokens, rng))
            if n in asked:
                question_lines.append(json.dumps(
                    {"question": _question(tokens, rng), "passage": n}, ensure_ascii=False))
            if len(paragraphs) == per_article or n == passages - 1:
                number = n // per_article
                title = " ".join(w.capitalize() for w in rng.choice(words[:5000], size=5))
                article = {
                    "id": f"a{number}", "title": title, "language": "de",
                    "published": f"{2020 + number % 6}-{1 + number % 12:02d}-{1 + number % 28:02d}",
                    "url": f"https://example.org/news/{number}", "source": "Synthetic",
                    "text": "\n\n".join(paragraphs),
                }
                fh.write(json.dumps(article, ensure_ascii=False) + "\n")
                paragraphs = []
    (out / "questions.jsonl").write_text("\n".join(question_lines) + "\n", encoding="utf-8")
    return out


def _paragraph(tokens: list[str], rng: np.random.Generator) -> str:
    """Sentences of 6-16 words, each capitalised and ending with a full stop."""
    sentences: list[str] = []
    i = 0
    while i < len(tokens):
        size = int(rng.integers(6, 17))
        part = tokens[i:i + size]
        i += size
        part[0] = part[0][:1].upper() + part[0][1:]
        if len(part) > 8 and rng.random() < 0.5:
            part[len(part) // 2] += ","
        sentences.append(" ".join(part) + ".")
    return " ".join(sentences)


def _question(tokens: list[str], rng: np.random.Generator) -> str:
    """A question word and 2-6 words of the passage, in passage order."""
    k = min(int(rng.integers(2, 7)), len(tokens))
    chosen = sorted(rng.choice(len(tokens), size=k, replace=False).tolist())
    asked = " ".join(tokens[i] for i in chosen)
    return f"{QUESTION_WORDS[int(rng.integers(len(QUESTION_WORDS)))]} {asked}?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--per-article", type=int, default=PARAGRAPHS_PER_ARTICLE,
                        help="paragraphs per article (1: one-paragraph records)")
    args = parser.parse_args()
    generate(args.passages, args.out, args.seed, per_article=args.per_article)


if __name__ == "__main__":
    main()
