"""Read access to an index: articles, passages and one BM25 index per language, over the
arrays of its folders (a saved index and its segments, or one built in memory), less
its tombstones (index.deletions).

Opening one reads no array whole: per-passage numbers, postings and string tables stay
memory-mapped, and Passage and Article objects are made only when asked for. With
deletions, the article numbers it gives and takes are those of the live articles
(index.numbering): a dead article is never listed, looked up or found, and its
passages are in no search (BM25Index.delete); passage and document numbers stay the
stored ones.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.index.blobs import Chained
from bot.index.bm25 import BM25Index
from bot.index.deletions import Deletions
from bot.index.folder import Folder, file_ranges
from bot.index.joining import join_core
from bot.index.layout import ARTICLE_FILES, ARTICLE_IDS, TOKENS, VOCAB, language_table
from bot.index.numbering import LiveIds, LiveNumbers
from bot.index.strings import Analyses, Chain, StringTable
from bot.index.vocabulary import Vocabulary
from bot.index.warming import warm
from bot.models import Article, Paragraph, Passage, Span
from bot.sentences import sentence_spans

I32 = npt.NDArray[np.int32]
METAS = 1024  # articles whose metadata is kept parsed


class Store:
    """Articles, passages and one BM25 index per language, over flat arrays."""

    def __init__(self, folders: Sequence[Folder], manifest: dict[str, Any],
                 deletions: Deletions | None = None) -> None:
        self.folders = list(folders)
        self.manifest = manifest
        self.core, self.sections, self.languages = join_core(self.folders)
        one = len(self.folders) == 1
        self.texts = folders[0].texts if one else Chained([f.texts for f in folders])
        self.metadata = folders[0].metadata if one else Chained([f.metadata for f in folders])
        tables = [StringTable.of(f.tables[ARTICLE_IDS]) for f in folders]
        self.deletions = deletions or Deletions()
        self._live: LiveNumbers | None = None
        self.ids: StringTable | Chain | LiveIds = tables[0] if one else Chain(tables)
        self._stored_ids: StringTable | Chain | LiveIds = self.ids
        if self.deletions:
            self._live = LiveNumbers(self.deletions.articles, self.stored_articles)
            self.ids = self._stored_ids = LiveIds(tables, self._live)
        self.indexes: dict[str, BM25Index] = {}
        self.doc_passages: dict[str, I32] = {}
        self.analyses: dict[str, Analyses] = {}
        self._counts: dict[str, int] = {}
        self._metas: dict[int, dict[str, Any]] = {}
        self._add_postings()
        if self.deletions:
            self._delete()

    def _delete(self) -> None:
        """Leave the dead articles' documents out of each language's index; ValueError
        when the tombstones do not fit these folders."""
        dead = self.deletions
        if int(dead.articles[-1]) >= self.stored_articles or int(dead.articles[0]) < 0:
            raise ValueError("a dead article outside the index")
        passages = self.core.art_pass[dead.articles + 1] - self.core.art_pass[dead.articles]
        if int(passages.sum()) != dead.passages:
            raise ValueError("tombstones whose documents are not their articles'")
        for language, gone in dead.languages.items():
            self.indexes[language].delete(gone.docs, gone.terms, gone.counts, gone.order)

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
        """Live articles (numbered 0..n_articles-1)."""
        return self.stored_articles - len(self.deletions.articles)

    @property
    def n_passages(self) -> int:
        """Live passages."""
        return self.stored_passages - self.deletions.passages

    @property
    def stored_articles(self) -> int:
        """Articles in the folders, the dead ones too (stored numbers)."""
        return len(self.core.art_lang)

    @property
    def stored_passages(self) -> int:
        """Passages in the folders, the dead ones too (passage numbers)."""
        return len(self.core.pass_para)

    def stored(self, number: int) -> int:
        """The stored number of live article `number`."""
        return number if self._live is None else self._live.stored_number(number)

    def live(self, stored: int) -> int | None:
        """The live number of the stored article `stored`, None if it is dead."""
        return stored if self._live is None else self._live.live_number(stored)

    def article_meta(self, number: int) -> dict[str, Any]:
        return self._meta(self.stored(number))

    def _meta(self, stored: int) -> dict[str, Any]:
        known = self._metas.get(stored)  # an answer asks for its candidates' several times
        if known is None:
            offsets = self.core.articles
            known = json.loads(self.metadata[int(offsets[stored]):int(offsets[stored + 1])])
            if len(self._metas) >= METAS:
                self._metas.clear()
            self._metas[stored] = known
        return dict(known)

    def article_id(self, number: int) -> str:
        return self.stored_id(self.stored(number))

    def stored_id(self, stored: int) -> str:
        ids = self._stored_ids
        return ids.stored_key(stored) if isinstance(ids, LiveIds) else ids.key(stored)

    def article_language(self, number: int) -> str:
        return self._language(self.stored(number))

    def _language(self, stored: int) -> str:
        return self.languages[int(self.core.art_lang[stored])]

    def paragraph_text(self, number: int) -> str:
        off = self.core.paragraphs
        return bytes(self.texts[int(off[number]):int(off[number + 1])]).decode("utf-8")

    def _paragraph_texts(self, lo: int, hi: int) -> list[str]:
        """The texts of paragraphs [lo, hi), read at once (they are consecutive)."""
        off = self.core.paragraphs
        first = int(off[lo])
        data = bytes(self.texts[first:int(off[hi])])
        ends = [int(v) - first for v in off[lo:hi + 1]]
        return [data[a:b].decode("utf-8") for a, b in itertools.pairwise(ends)]

    def paragraph_section(self, number: int) -> str | None:
        s = int(self.core.para_section[number])
        return self.sections[s] if s >= 0 else None

    def article(self, number: int, text: bool = True) -> Article:
        """Article `number`; without its paragraphs when `text` is False (for a source line)."""
        return self.stored_article(self.stored(number), text)

    def stored_article(self, stored: int, text: bool = True) -> Article:
        """The article of stored number `stored` (live or dead)."""
        meta = self._meta(stored)
        lo, hi = int(self.core.art_para[stored]), int(self.core.art_para[stored + 1])
        paragraphs = tuple(
            Paragraph(t, self.paragraph_section(i))
            for i, t in zip(range(lo, hi), self._paragraph_texts(lo, hi), strict=True)
        ) if text else ()

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
        meta_id, language = self.stored_id(art), self._language(art)
        # a passage that is a whole paragraph has its sentences split now (passages.pieces)
        sentences = (tuple(Span(s, e) for s, e in c.sents[lo:hi].tolist()) if hi > lo
                     else sentence_spans(text, language))
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
        number = self.ids.get(article_id)
        if number is None:
            return None
        art = self.stored(number)
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
        stored = self.stored(number)
        return int(self.core.art_pass[stored + 1] - self.core.art_pass[stored])

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
        lo = self.core.art_pass[self.stored(number)]
        doc = _first_at_least(numbers, lo)
        return doc if doc < len(numbers) and int(numbers[doc]) == lo else None

    def language_articles(self, language: str) -> int:
        """How many articles are in `language` (counted once)."""
        if language not in self._counts:
            code = self.languages.index(language) if language in self.languages else -1
            dead = self.deletions.articles
            self._counts[language] = int(np.count_nonzero(self.core.art_lang == code)) - int(
                np.count_nonzero(self.core.art_lang[dead] == code) if len(dead) else 0)
        return self._counts[language]

    def file_articles(self, path: str) -> list[int]:
        """The stored numbers of the live articles that came from the knowledge file
        `path` (as the articles name it: Article.path)."""
        runs: list[npt.NDArray[np.int64]] = []
        first = 0
        for folder in self.folders:
            table = folder.tables.get(ARTICLE_FILES)
            if table is not None:
                for lo, hi in file_ranges(StringTable.of(table, keyed=True), path):
                    runs.append(np.arange(first + lo, first + hi, dtype=np.int64))
            first += folder.n_articles
        numbers = np.concatenate(runs) if runs else np.zeros(0, dtype=np.int64)
        if self.deletions:
            numbers = numbers[~np.isin(numbers, self.deletions.articles)]
        return [int(n) for n in numbers.tolist()]

    def passages_of(self, stored: Sequence[int]) -> int:
        """How many passages the stored articles `stored` hold."""
        numbers = np.asarray(stored, dtype=np.int64)
        pass_of = self.core.art_pass
        return int((pass_of[numbers + 1] - pass_of[numbers]).sum()) if len(numbers) else 0


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
