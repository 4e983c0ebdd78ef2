"""Read access to a saved or in-memory index: articles, passages and one BM25 index per
language, over flat arrays; Passage and Article objects are made only when asked for."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.index.blobs import Blob
from bot.index.bm25 import BM25Index
from bot.models import Article, Paragraph, Passage, Span
from bot.sentences import split_sentences

I32 = npt.NDArray[np.int32]


class Store:
    """Articles, passages and one BM25 index per language, over flat arrays."""

    def __init__(self, arrays: dict[str, Any], texts: Blob, articles: Blob,
                 manifest: dict[str, Any],
                 indexes: dict[str, tuple[BM25Index, I32]] | None = None) -> None:
        self.manifest = manifest
        self._a = arrays
        self._texts = texts
        self._articles_blob = articles
        names = arrays["article_ids"]
        self.article_ids: list[str] = names.split("\n") if names else []
        langs = arrays["article_languages"]
        self.article_languages: list[str] = langs.split("\n") if langs else []
        self.ids: dict[str, int] = {name: i for i, name in enumerate(self.article_ids)}
        self.sections: list[str] = manifest.get("sections", [])
        self.indexes: dict[str, BM25Index] = {}
        self.doc_passages: dict[str, I32] = {}
        if indexes is not None:  # made already (a store with segments, see stacked)
            for language, (index, passages) in indexes.items():
                self.indexes[language], self.doc_passages[language] = index, passages
            return
        for language in manifest["languages"]:
            vocab_text = arrays[f"{language}.vocab"]
            terms = vocab_text.split("\n") if vocab_text else []
            self.indexes[language] = BM25Index(
                {t: i for i, t in enumerate(terms)}, arrays[f"{language}.offsets"],
                arrays[f"{language}.docs"], arrays[f"{language}.tfs"],
                arrays[f"{language}.doclen"])
            self.doc_passages[language] = arrays[f"{language}.passages"]
            if f"{language}.maxtf" in arrays:
                self.indexes[language].set_max_tf(arrays[f"{language}.maxtf"])

    @property
    def n_articles(self) -> int:
        return int(len(self._a["articles"]) - 1)

    @property
    def n_passages(self) -> int:
        return len(self._a["pass_para"])

    def token_table(self, language: str) -> dict[str, tuple[str, ...]]:
        """token -> analysed terms, for every token of the `language` passages."""
        text = self._a.get(f"{language}.tokens", "")
        out: dict[str, tuple[str, ...]] = {}
        for line in text.split("\n"):
            if line:
                tok, _, terms = line.partition("\t")
                out[tok] = tuple(terms.split(" ")) if terms else ()
        return out

    def article_meta(self, number: int) -> dict[str, Any]:
        offsets = self._a["articles"]
        meta: dict[str, Any] = json.loads(
            self._articles_blob[int(offsets[number]):int(offsets[number + 1])])
        return meta

    def paragraph_text(self, number: int) -> str:
        off = self._a["paragraphs"]
        return bytes(self._texts[int(off[number]):int(off[number + 1])]).decode("utf-8")

    def paragraph_section(self, number: int) -> str | None:
        s = int(self._a["para_section"][number])
        return self.sections[s] if s >= 0 else None

    def article(self, number: int, text: bool = True) -> Article:
        """Article `number`; without its paragraphs when `text` is False (for a source line)."""
        import datetime as dt

        meta = self.article_meta(number)
        lo, hi = int(self._a["art_para"][number]), int(self._a["art_para"][number + 1])
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
        a = self._a
        para = int(a["pass_para"][number])
        art = int(a["pass_art"][number])
        text = self.paragraph_text(para)[int(a["pass_start"][number]):int(a["pass_end"][number])]
        lo, hi = int(a["sent_off"][number]), int(a["sent_off"][number + 1])
        meta_id, language = self._article_key(art)
        # a passage that is a whole paragraph has its sentences split now (passages.pieces)
        sentences = (tuple(Span(s, e) for s, e in a["sents"][lo:hi].tolist()) if hi > lo
                     else tuple(split_sentences(text, language)))
        paragraph = para - int(a["art_para"][art]) + 1
        part = int(a["pass_part"][number])
        return Passage(
            id=f"{meta_id}#{paragraph}" + (f".{part}" if part else ""),
            article_id=meta_id, paragraph=paragraph, text=text,
            sentences=sentences,
            section=self.paragraph_section(para), language=language,
        )

    def _article_key(self, number: int) -> tuple[str, str]:
        return self.article_ids[number], self.article_languages[number]

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
        lo, hi = int(self._a["art_pass"][art]), int(self._a["art_pass"][art + 1])
        for n in range(lo, hi):
            if (int(self._a["pass_para"][n]) - int(self._a["art_para"][art]) + 1 == paragraph
                    and int(self._a["pass_part"][n]) == piece):
                return n
        return None

    def passage_count(self, number: int) -> int:
        return int(self._a["art_pass"][number + 1] - self._a["art_pass"][number])

    def article_docs(self, language: str, doc: int) -> tuple[int, int]:
        """The documents [lo, hi) of the `language` index that hold the passages of the
        article document `doc` belongs to (an article's passages are consecutive)."""
        numbers = self.doc_passages[language]
        art = int(self._a["pass_art"][int(numbers[doc])])
        lo, hi = int(self._a["art_pass"][art]), int(self._a["art_pass"][art + 1])
        return int(np.searchsorted(numbers, lo)), int(np.searchsorted(numbers, hi))

    def first_doc(self, language: str, number: int) -> int | None:
        """The first document of article `number` in the `language` index, if any."""
        numbers = self.doc_passages[language]
        lo = int(self._a["art_pass"][number])
        doc = int(np.searchsorted(numbers, lo))
        return doc if doc < len(numbers) and int(numbers[doc]) == lo else None

    def language_articles(self, language: str) -> int:
        """How many articles are in `language`."""
        return sum(1 for lang in self.article_languages if lang == language)


class PassageList(Sequence[Passage]):
    """A collection's passages by document number, read from the store on access."""

    def __init__(self, store: Store, language: str) -> None:
        self._store = store
        self._numbers = store.doc_passages[language]

    def __len__(self) -> int:
        return len(self._numbers)

    def __getitem__(self, doc: int) -> Passage:  # type: ignore[override]
        return self._store.passage(int(self._numbers[doc]))
