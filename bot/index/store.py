"""Read access to an index: articles, passages and one BM25 index per language, over the
arrays of its folders (a saved index and its segments, or one built in memory).

Opening one reads no array whole: per-passage numbers, postings and string tables stay
memory-mapped, and Passage and Article objects are made only when asked for.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.index.blobs import Chained
from bot.index.bm25 import BM25Index
from bot.index.folder import Folder
from bot.index.joining import join_core
from bot.index.layout import ARTICLE_IDS, TOKENS, VOCAB, language_table
from bot.index.strings import Analyses, Chain, StringTable
from bot.index.vocabulary import Vocabulary
from bot.index.warming import warm
from bot.models import Article, Paragraph, Passage, Span
from bot.sentences import split_sentences

I32 = npt.NDArray[np.int32]


class Store:
    """Articles, passages and one BM25 index per language, over flat arrays."""

    def __init__(self, folders: Sequence[Folder], manifest: dict[str, Any]) -> None:
        self.folders = list(folders)
        self.manifest = manifest
        self.core, self.sections, self.languages = join_core(self.folders)
        one = len(self.folders) == 1
        self.texts = folders[0].texts if one else Chained([f.texts for f in folders])
        self.metadata = folders[0].metadata if one else Chained([f.metadata for f in folders])
        tables = [StringTable.of(f.tables[ARTICLE_IDS]) for f in folders]
        self.ids: StringTable | Chain = tables[0] if one else Chain(tables)
        self.indexes: dict[str, BM25Index] = {}
        self.doc_passages: dict[str, I32] = {}
        self.analyses: dict[str, Analyses] = {}
        self._counts: dict[str, int] = {}
        self._add_postings()

    def _add_postings(self) -> None:
        """Each language's index over the folders' postings, in folder order (the later
        ones added as parts: BM25Index.add), and its documents' passages."""
        passages: dict[str, list[I32]] = {}
        analyses: dict[str, list[StringTable]] = {}
        shift = 0
        for folder in self.folders:
            for language, p in folder.postings.items():
                vocab = StringTable.of(folder.tables[language_table(language, VOCAB)])
                index = self.indexes.get(language)
                if index is None:
                    index = self.indexes[language] = BM25Index(
                        Vocabulary(vocab, folder.spell.get(language)), p.offsets, p.docs, p.tfs,
                        p.doclen)
                    index.set_max_tf(p.maxtf)
                else:
                    index.add(vocab.keys_in_order(), p.offsets, p.docs, p.tfs, p.doclen)
                passages.setdefault(language, []).append(
                    p.passages if not shift else (p.passages + shift).astype(np.int32))
                analyses.setdefault(language, []).append(StringTable.of(
                    folder.tables[language_table(language, TOKENS)], keyed=True))
            shift += folder.n_passages
        for language, parts in passages.items():
            self.doc_passages[language] = (parts[0] if len(parts) == 1
                                           else np.concatenate(parts).astype(np.int32))
            self.analyses[language] = Analyses(analyses[language])

    def warm(self) -> None:
        """Read the saved files into the page cache in the background (warming.py)."""
        paths = [path for folder in self.folders for path in folder.files]
        if paths:
            warm(paths)

    @property
    def n_articles(self) -> int:
        return len(self.core.art_lang)

    @property
    def n_passages(self) -> int:
        return len(self.core.pass_para)

    def article_meta(self, number: int) -> dict[str, Any]:
        offsets = self.core.articles
        meta: dict[str, Any] = json.loads(
            self.metadata[int(offsets[number]):int(offsets[number + 1])])
        return meta

    def article_id(self, number: int) -> str:
        return self.ids.key(number)

    def article_language(self, number: int) -> str:
        return self.languages[int(self.core.art_lang[number])]

    def paragraph_text(self, number: int) -> str:
        off = self.core.paragraphs
        return bytes(self.texts[int(off[number]):int(off[number + 1])]).decode("utf-8")

    def paragraph_section(self, number: int) -> str | None:
        s = int(self.core.para_section[number])
        return self.sections[s] if s >= 0 else None

    def article(self, number: int, text: bool = True) -> Article:
        """Article `number`; without its paragraphs when `text` is False (for a source line)."""
        meta = self.article_meta(number)
        lo, hi = int(self.core.art_para[number]), int(self.core.art_para[number + 1])
        paragraphs = tuple(
            Paragraph(self.paragraph_text(i), self.paragraph_section(i))
            for i in range(lo, hi)) if text else ()

        def date(value: str | None) -> dt.date | None:
            return dt.date.fromisoformat(value) if value else None

        return Article(
            id=meta["id"], title=meta["title"], language=meta["language"],
            paragraphs=paragraphs, published=date(meta["published"]),
            updated=date(meta["updated"]), source=meta["source"], url=meta["url"],
            author=meta["author"], path=meta["path"])

    def passage(self, number: int) -> Passage:
        """Passage `number` (global), read from the texts."""
        c = self.core
        para = int(c.pass_para[number])
        art = int(c.pass_art[number])
        text = self.paragraph_text(para)[int(c.pass_start[number]):int(c.pass_end[number])]
        lo, hi = int(c.sent_off[number]), int(c.sent_off[number + 1])
        meta_id, language = self.article_id(art), self.article_language(art)
        # a passage that is a whole paragraph has its sentences split now (passages.pieces)
        sentences = (tuple(Span(s, e) for s, e in c.sents[lo:hi].tolist()) if hi > lo
                     else tuple(split_sentences(text, language)))
        paragraph = para - int(c.art_para[art]) + 1
        part = int(c.pass_part[number])
        return Passage(
            id=f"{meta_id}#{paragraph}" + (f".{part}" if part else ""),
            article_id=meta_id, paragraph=paragraph, text=text,
            sentences=sentences,
            section=self.paragraph_section(para), language=language,
        )

    def passage_number(self, passage_id: str) -> int | None:
        article_id, _, rest = passage_id.partition("#")
        art = self.ids.get(article_id)
        if art is None:
            return None
        number, _, part = rest.partition(".")
        try:
            paragraph, piece = int(number), int(part) if part else 0
        except ValueError:
            return None
        c = self.core
        lo, hi = int(c.art_pass[art]), int(c.art_pass[art + 1])
        for n in range(lo, hi):
            if (int(c.pass_para[n]) - int(c.art_para[art]) + 1 == paragraph
                    and int(c.pass_part[n]) == piece):
                return n
        return None

    def passage_count(self, number: int) -> int:
        return int(self.core.art_pass[number + 1] - self.core.art_pass[number])

    def article_docs(self, language: str, doc: int) -> tuple[int, int]:
        """The documents [lo, hi) of the `language` index that hold the passages of the
        article document `doc` belongs to (an article's passages are consecutive)."""
        numbers = self.doc_passages[language]
        art = int(self.core.pass_art[int(numbers[doc])])
        lo, hi = self.core.art_pass[art], self.core.art_pass[art + 1]
        return _first_at_least(numbers, lo), _first_at_least(numbers, hi)

    def first_doc(self, language: str, number: int) -> int | None:
        """The first document of article `number` in the `language` index, if any."""
        numbers = self.doc_passages[language]
        lo = self.core.art_pass[number]
        doc = _first_at_least(numbers, lo)
        return doc if doc < len(numbers) and int(numbers[doc]) == lo else None

    def language_articles(self, language: str) -> int:
        """How many articles are in `language` (counted once)."""
        if language not in self._counts:
            code = self.languages.index(language) if language in self.languages else -1
            self._counts[language] = int(np.count_nonzero(self.core.art_lang == code))
        return self._counts[language]


def _first_at_least(numbers: I32, value: Any) -> int:
    """Where `value` goes in the ascending `numbers` (the needle in their own type: with
    a Python int numpy would convert the million numbers to int64 first, 0.7 ms)."""
    return int(np.searchsorted(numbers, numbers.dtype.type(value)))


class PassageList(Sequence[Passage]):
    """A collection's passages by document number, read from the store on access."""

    def __init__(self, store: Store, language: str) -> None:
        self._store = store
        self._numbers = store.doc_passages[language]

    def __len__(self) -> int:
        return len(self._numbers)

    def __getitem__(self, doc: int) -> Passage:  # type: ignore[override]
        return self._store.passage(int(self._numbers[doc]))
