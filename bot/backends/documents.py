"""What a shard holds, and how newsbot's passages and articles are written into it.

A passage is one Xapian document:

- its analysed terms (bot/analysis.py, exactly the default index's terms and
  frequencies, not Xapian's TermGenerator, whose stemmer skips capitalised words such
  as every German noun), each as `<language>:<term>` with its frequency as wdf;
- boolean terms `Q<passage id>`, `A<article id>` and `L<language>`;
- its data, JSON: id, article, paragraph, section, text, sentence spans, language,
  length and its term frequencies (so that a candidate is scored exactly from one read).

An article's passages are added one after another in one commit, so their document
ids on the shard are consecutive ([first, first + passages)). Per article the shard's
metadata holds `a:<id>` (its metadata, passage count, first document, length),
`p:<id>` (its paragraphs), `s:<id>` (its terms' frequencies summed: the article as one
document, for answering's article-level BM25) and `h:<id>:<sha>` (what was written,
so that an unchanged article is skipped); per language `n:<language>:length` and
`n:<language>:articles` count the shard's passages' terms and its articles.

Documents are numbered for newsbot as `shard << 40 | document id` (DOC_BITS): an
article's documents stay consecutive numbers, as answering expects.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from bot.models import Article, Passage, Span

DOC_BITS = 40
DOC_MASK = (1 << DOC_BITS) - 1
MAX_TERM = 240  # Xapian's limit is 245 bytes; a longer term (none in news) is left out


def text_term(language: str, term: str) -> str:
    return f"{language}:{term}"


def doc_number(shard: int, docid: int) -> int:
    return shard << DOC_BITS | docid


def split_doc(doc: int) -> tuple[int, int]:
    """(shard, document id on the shard) of a newsbot document number."""
    return doc >> DOC_BITS, doc & DOC_MASK


def combined_docid(doc: int, shards: int) -> int:
    """The document id in Xapian's combined database of `shards` shards."""
    shard, docid = split_doc(doc)
    return (docid - 1) * shards + shard + 1


def from_combined(docid: int, shards: int) -> int:
    return doc_number((docid - 1) % shards, (docid - 1) // shards + 1)


def passage_data(passage: Passage, length: float, tfs: Mapping[str, int]) -> str:
    part = passage.id.partition("#")[2].partition(".")[2]
    return json.dumps({
        "id": passage.id, "a": passage.article_id, "p": passage.paragraph,
        "part": int(part) if part else 0, "s": passage.section, "t": passage.text,
        "n": [x for s in passage.sentences for x in (s.start, s.end)],
        "l": passage.language, "dl": length, "tf": dict(tfs),
    }, ensure_ascii=False, separators=(",", ":"))


def passage_of(data: Mapping[str, Any]) -> Passage:
    spans = data["n"]
    return Passage(
        id=data["id"], article_id=data["a"], paragraph=int(data["p"]), text=data["t"],
        sentences=tuple(Span(spans[i], spans[i + 1]) for i in range(0, len(spans), 2)),
        section=data["s"], language=data["l"])


def make_document(passage: Passage, length: float, tfs: Mapping[str, int]) -> Any:
    from bot.backends import xapianlib

    doc = xapianlib.document()
    for term, tf in tfs.items():
        if len(term.encode("utf-8")) <= MAX_TERM:
            doc.add_term(text_term(passage.language, term), int(tf))
    doc.add_boolean_term("Q" + passage.id)
    doc.add_boolean_term("A" + passage.article_id)
    doc.add_boolean_term("L" + passage.language)
    doc.set_data(passage_data(passage, length, tfs))
    return doc


def article_sha(article: Article) -> str:
    """What an article's documents are made of, hashed (metadata and paragraphs)."""
    digest = hashlib.sha256(json.dumps([
        article.id, article.title, article.language, str(article.published),
        str(article.updated), article.source, article.url, article.author,
        [(p.text, p.section) for p in article.paragraphs]], ensure_ascii=False).encode())
    return digest.hexdigest()[:16]


def counter(language: str, what: str) -> str:
    return f"n:{language}:{what}"


def article_key(article_id: str) -> str:
    return f"a:{article_id}"


def paragraphs_key(article_id: str) -> str:
    return f"p:{article_id}"


def stats_key(article_id: str) -> str:
    return f"s:{article_id}"


def written_key(article_id: str, sha: str) -> str:
    return f"h:{article_id}:{sha}"
