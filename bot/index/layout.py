"""The on-disk layout of an index folder (`<knowledge>/.newsbot-index/` by default).

- `manifest.json` — format, analysis fingerprint, the knowledge files it was built
  from (size, mtime, ctime, inode, sha256, lines), and the size and sha256 of every other
  file. It is written last; a folder whose files do not match it, or a manifest of the
  wrong shape (`manifest.valid`), is rebuilt, never served.
- `texts.bin` + `paragraphs.npy` — every paragraph's UTF-8 text and byte offsets;
  passages are character ranges of paragraphs (`passages.npy`), their sentences
  spans into the passage (`sentences.npy`, CSR by `sentence_offsets.npy`).
- `articles.jsonl` + `articles.npy` — article metadata, one JSON object a line.
- per language `L`: the BM25 postings in CSR (`L.offsets.npy`, `L.docs.npy`,
  `L.tfs.npy`), document lengths, the passage of each document, the vocabulary
  (`L.vocab.txt`) and the analysis of every token seen (`L.tokens.tsv`), which
  seeds the analyzer's cache so questions are analysed without loading lemma data.

- `segment-N/` — articles added since: each a complete small index folder of the same
  layout, listed (with the sha256 of its manifest) in the main manifest. Loading joins
  their per-passage arrays to the base's and adds their postings as parts of the same
  BM25Index (summed document frequencies, avgdl over all), so scores stay BM25Okapi's;
  past SEGMENT_SHARE of the base or MAX_SEGMENTS they are merged into one folder.

No live Python object is pickled to disk. A build writes into a `*.tmp-*` folder with its
process id in OWNER_FILE; one left by a killed build is removed by the next build once
its owner is gone or it is an hour old.
"""

from __future__ import annotations

import re

FORMAT = 2
INDEX_DIRNAME = ".newsbot-index"
OWNER_FILE = ".owner"  # the process id of the build writing a temporary folder
STALE_SECONDS = 3600  # a temporary folder this old is a killed build's, whoever owns it
SEGMENT_DIR = re.compile(r"segment-\d+")
CORE_ARRAYS = (
    "texts.bin", "articles.jsonl", "paragraphs.npy", "para_section.npy", "article_ids.txt",
    "article_languages.txt", "articles.npy", "art_para.npy", "art_pass.npy", "pass_para.npy",
    "pass_start.npy", "pass_end.npy", "pass_part.npy", "pass_art.npy", "sent_off.npy",
    "sents.npy",
)
LANGUAGE_ARRAYS = ("vocab.txt", "offsets.npy", "docs.npy", "tfs.npy", "doclen.npy",
                   "passages.npy", "tokens.txt")
