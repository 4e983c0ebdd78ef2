"""Which analysis an index was built by: a hash of the code, data files and library
versions that decide the terms; an index of another fingerprint is rebuilt."""

from __future__ import annotations

import hashlib
from importlib import metadata, resources

from bot.index.layout import FORMAT

# Raised when the analysis changes in a way the fingerprint cannot see: every saved index
# is rebuilt.
ANALYSIS_VERSION = "1"


def analysis_fingerprint(version: str) -> str:
    """Hash of everything that decides the terms: code, data files, library versions."""
    digest = hashlib.sha256(f"{FORMAT}:{version}".encode())
    for lib in ("simplemma", "PyStemmer", "numpy"):
        try:
            digest.update(f"{lib}={metadata.version(lib)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(lib.encode())
    root = resources.files("bot")
    for name in ("analysis.py", "compounds.py", "sentences.py", "passages.py", "knowledge.py",
                 "data/words_de.tsv.gz", "data/stopwords/de.txt",
                 "data/stopwords/en.txt"):
        try:
            digest.update((root / name).read_bytes())
        except OSError:
            digest.update(name.encode())
    return digest.hexdigest()[:16]
