"""The on-disk layout of an index folder (`<knowledge>/.newsbot-index/` by default), named
once: every file name below comes from these constants and dataclass fields.

- `manifest.json` — format, analysis fingerprint, the knowledge files it was built from
  (size, mtime, ctime, inode, sha256, lines), the size and sha256 of every other file
  and how each looked when written (`stats`: mtime, ctime, inode), and its own checksum.
  It is written last; a folder whose files do not match it, or a manifest of the wrong
  shape (`manifest.valid`), is rebuilt, never served.
- `texts.bin` — every paragraph's UTF-8 text, concatenated; `articles.jsonl` — article
  metadata, one JSON object a line.
- `Core` arrays (`<field>.npy`): offsets into those two files, and per paragraph,
  article and passage the numbers that tie them together.
- per language `L`, the `Postings` arrays (`L.<field>.npy`): BM25 postings in CSR by
  term, each document's length and passage, each term's largest frequency.
- string tables (`strings.py`), each `<name>.txt` (a string a line) with
  `<name>.starts.npy`, `<name>.buckets.npy` and `<name>.slots.npy` (a hash index):
  `article_ids`; per language `L.vocab` (term -> term number, the line number) and
  `L.tokens` (`token<TAB>term term`: the analysis of every token seen, so a question
  is analysed without loading lemma data); and `L.spell.txt` with `L.spell.keys.npy`
  and `L.spell.starts.npy`, the vocabulary by first letter and length (bot/spelling.py).
- `article_files` — a string table: each knowledge file (its name relative to the
  knowledge, as JSON) and the ranges of this folder's articles it holds (`first count
  first count …`), so that the articles of a file that changed or vanished are found
  without reading the metadata.
- `segment-N/` — articles added since: each a complete small index folder of the same
  layout, listed (with the sha256 of its manifest) in the main manifest. Loading adds
  them to the base (index.joining), so scores stay BM25Okapi's over all documents;
  past SEGMENT_SHARE of the base or MAX_SEGMENTS (index.updating) they are merged into one folder.
- `deleted-N/` — the tombstones of articles replaced or removed since (index.deletions):
  the dead article numbers, per language the dead documents, how many of them hold each
  term, and the order in which the live terms first appear; listed with the size and
  sha256 of each file in the main manifest (`deleted`), which is replaced in one step
  after the folder is written. Dropped, with the dead passages, at the next merge.

No live Python object is pickled to disk. A build writes into a `*.tmp-*` folder with its
process id in OWNER_FILE; one left by a killed build is removed by the next build once
its owner is gone or it is an hour old.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields

import numpy as np
import numpy.typing as npt

FORMAT = 4
INDEX_DIRNAME = ".newsbot-index"
MANIFEST = "manifest.json"
TEXTS = "texts.bin"
ARTICLES = "articles.jsonl"
GITIGNORE = ".gitignore"
OWNER_FILE = ".owner"  # the process id of the build writing a temporary folder
STALE_SECONDS = 3600  # a temporary folder this old is a killed build's, whoever owns it
SEGMENT_DIR = re.compile(r"segment-\d+")
DELETED_DIR = re.compile(r"deleted-\d+")
ARTICLE_IDS = "article_ids"
ARTICLE_FILES = "article_files"
VOCAB = "vocab"
TOKENS = "tokens"
SPELL = "spell"
TABLE_PARTS = ("starts", "buckets", "slots")  # the arrays of a string table
SPELL_PARTS = ("keys", "starts")

I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]


# How an array is joined after another folder's (index.joining): its values shifted by
# the first folder's number of paragraphs or articles; or offsets, with a row more than
# what they index (the second folder's first row dropped, the rest shifted by the first
# folder's last value); or numbers in a list the manifest names (sections, languages),
# mapped to the joined list; or kept as they are.
_END = {"shift": "end"}
_NAMED = {"shift": "named"}
_PARAGRAPHS = {"shift": "paragraphs"}
_ARTICLES = {"shift": "articles"}
_KEPT = {"shift": None}


@dataclass
class Core:
    """An index folder's arrays about its articles, paragraphs and passages."""

    paragraphs: I64 = field(metadata=_END)  # byte offsets in texts.bin, and the end
    para_section: I32 = field(metadata=_NAMED)  # a paragraph's heading in `sections`, or -1
    articles: I64 = field(metadata=_END)  # byte offsets in articles.jsonl, and the end
    art_lang: npt.NDArray[np.uint8] = field(metadata=_NAMED)  # its language in `languages`
    art_para: I64 = field(metadata=_END)  # its first paragraph, and the end
    art_pass: I64 = field(metadata=_END)  # its first passage, and the end
    pass_para: I32 = field(metadata=_PARAGRAPHS)  # a passage's paragraph
    pass_start: I32 = field(metadata=_KEPT)  # its character range in the paragraph
    pass_end: I32 = field(metadata=_KEPT)
    pass_part: I32 = field(metadata=_KEPT)  # its number in a paragraph cut in several, else 0
    pass_art: I32 = field(metadata=_ARTICLES)
    sent_off: I64 = field(metadata=_END)  # its first stored sentence span, and the end
    sents: I32 = field(metadata=_KEPT)  # sentence spans (start, end) in passages, (n, 2)


@dataclass
class PostingArrays:
    """One language's BM25 postings (CSR by term number) and document data."""

    offsets: I64  # a term's first posting, and the end
    docs: I32  # document numbers, ascending within a term
    tfs: npt.NDArray[np.uint16]  # term frequencies (at most 65535)
    doclen: npt.NDArray[np.float32]  # terms of each document
    passages: I32  # the passage of each document
    maxtf: npt.NDArray[np.uint16]  # a term's largest frequency


CORE_FIELDS = tuple(f.name for f in fields(Core))
POSTINGS_FIELDS = tuple(f.name for f in fields(PostingArrays))


def array_file(name: str, language: str | None = None) -> str:
    return f"{language}.{name}.npy" if language else f"{name}.npy"


def table_files(name: str) -> list[str]:
    """The files of string table `name` (`L.vocab`, `article_ids` ...)."""
    return [f"{name}.txt", *(f"{name}.{part}.npy" for part in TABLE_PARTS)]


def spell_files(language: str) -> list[str]:
    return [f"{language}.{SPELL}.txt", *(f"{language}.{SPELL}.{p}.npy" for p in SPELL_PARTS)]


def language_table(language: str, name: str) -> str:
    return f"{language}.{name}"


def folder_files(languages: list[str]) -> list[str]:
    """Every file of an index folder with these languages, manifest aside."""
    out = [TEXTS, ARTICLES, *(array_file(n) for n in CORE_FIELDS), *table_files(ARTICLE_IDS),
           *table_files(ARTICLE_FILES)]
    for lang in languages:
        out += [array_file(n, lang) for n in POSTINGS_FIELDS]
        out += table_files(language_table(lang, VOCAB)) + table_files(language_table(lang, TOKENS))
        out += spell_files(lang)
    return out
