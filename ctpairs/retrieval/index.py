"""A FAISS index of anchor vectors, saved beside the store with its id mapping.

Vectors are L2-normalized, so inner product is cosine similarity. The index kind is chosen
from the number of vectors unless one is named:

* ``flat`` (``IndexFlatIP``): exact; used up to :data:`FLAT_MAX` vectors.
* ``hnsw`` (``IndexHNSWFlat``, M = :data:`HNSW_M`, efConstruction = :data:`HNSW_EF_CONSTRUCTION`,
  efSearch = max(:data:`HNSW_EF_SEARCH`, k) at query time): approximate, no training, vectors
  can be added at any time; the default above :data:`FLAT_MAX` on CPU.
* ``ivf`` (``IndexIVFFlat``, nlist = 4 * sqrt(n) capped so each list trains on >= 39 points,
  nprobe = :data:`IVF_NPROBE`): trained once on the first vectors, later vectors are added to
  the trained lists; the default above :data:`FLAT_MAX` when FAISS sees a GPU (FAISS has no GPU
  HNSW).

When ``faiss.get_num_gpus() > 0`` (the ``faiss-gpu`` package) flat and IVF indexes are moved to
every GPU with ``faiss.index_cpu_to_all_gpus``; results are the same as on CPU. A saved index
folder holds ``faiss.index`` (always the CPU form), ``items.json`` (position -> anchor key and
text hash) and ``meta.json`` (kind, dimension, model id).
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import faiss
import numpy as np

from ctpairs.atomic import atomic_path

log = logging.getLogger(__name__)

KINDS = ("auto", "flat", "hnsw", "ivf")
FLAT_MAX = 20_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 64
IVF_NPROBE = 16
INDEX_FILE, ITEMS_FILE, META_FILE = "faiss.index", "items.json", "meta.json"


def gpus() -> int:
    """How many GPUs FAISS can use (0 with ``faiss-cpu``)."""
    return faiss.get_num_gpus() if hasattr(faiss, "get_num_gpus") else 0


def choose_kind(n: int, kind: str = "auto") -> str:
    """The index kind for ``n`` vectors: ``kind`` itself unless it is ``"auto"``."""
    if kind not in KINDS:
        raise ValueError(f"unknown index kind {kind!r}; choose one of {', '.join(KINDS)}")
    if kind != "auto":
        return kind
    if n <= FLAT_MAX:
        return "flat"
    return "ivf" if gpus() else "hnsw"


def _ivf_nlist(n: int) -> int:
    return max(1, min(int(4 * math.sqrt(n)), n // 39))


def _new_index(kind: str, dim: int, train: np.ndarray) -> faiss.Index:
    if kind == "flat":
        return faiss.IndexFlatIP(dim)
    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
        return index
    quantizer = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFFlat(quantizer, dim, _ivf_nlist(len(train)), faiss.METRIC_INNER_PRODUCT)
    index.train(train)
    index.nprobe = IVF_NPROBE
    return index


class VectorIndex:
    """FAISS index + the anchor key and text hash of each position.

    Build with :meth:`build` or :meth:`load`; grow with :meth:`add`; query with :meth:`search`.
    """

    def __init__(self, index: faiss.Index, kind: str, keys: list[str], hashes: list[str], model_id: str | None):
        self.kind = kind
        self.keys = keys
        self.hashes = hashes
        self.model_id = model_id
        self.on_gpu = bool(gpus()) and kind != "hnsw"
        self._cpu_index = index
        self.index = faiss.index_cpu_to_all_gpus(index) if self.on_gpu else index

    @classmethod
    def build(
        cls,
        vectors: np.ndarray,
        keys: Sequence[str],
        hashes: Sequence[str],
        *,
        kind: str = "auto",
        model_id: str | None = None,
    ) -> VectorIndex:
        """A new index over ``vectors`` (rows of norm 1), position i standing for ``keys[i]``."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        chosen = choose_kind(len(vectors), kind)
        index = _new_index(chosen, vectors.shape[1], vectors)
        out = cls(index, chosen, [], [], model_id)
        out.add(vectors, keys, hashes)
        return out

    @property
    def dim(self) -> int:
        return self.index.d

    def __len__(self) -> int:
        return self.index.ntotal

    def add(self, vectors: np.ndarray, keys: Sequence[str], hashes: Sequence[str]) -> None:
        """Append vectors without rebuilding (flat and HNSW grow; IVF adds to its trained lists)."""
        if not (len(vectors) == len(keys) == len(hashes)):
            raise ValueError("vectors, keys and hashes must have the same length")
        if len(vectors):
            self.index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        self.keys.extend(keys)
        self.hashes.extend(hashes)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(similarities, positions), each (n, k), best first; position -1 where fewer exist."""
        k = max(1, min(k, len(self)))
        if self.kind == "hnsw":
            self.index.hnsw.efSearch = max(HNSW_EF_SEARCH, k)
        return self.index.search(np.ascontiguousarray(queries, dtype=np.float32), k)

    def save(self, folder: str | Path) -> None:
        """Write the index, the position -> (key, hash) mapping and the metadata to ``folder``."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        cpu = faiss.index_gpu_to_cpu(self.index) if self.on_gpu else self.index
        with atomic_path(folder / INDEX_FILE) as tmp:
            faiss.write_index(cpu, str(tmp))
        with atomic_path(folder / ITEMS_FILE) as tmp:
            tmp.write_text(json.dumps({"keys": self.keys, "hashes": self.hashes}))
        meta = {"kind": self.kind, "dim": self.dim, "count": len(self), "model_id": self.model_id}
        with atomic_path(folder / META_FILE) as tmp:
            tmp.write_text(json.dumps(meta, indent=2) + "\n")

    @classmethod
    def load(cls, folder: str | Path) -> VectorIndex:
        """Read an index written by :meth:`save`."""
        folder = Path(folder)
        meta = json.loads((folder / META_FILE).read_text())
        items = json.loads((folder / ITEMS_FILE).read_text())
        index = faiss.read_index(str(folder / INDEX_FILE))
        if index.ntotal != len(items["keys"]):
            raise ValueError(
                f"{folder} is inconsistent: {index.ntotal} vectors, {len(items['keys'])} keys; rerun `ctpairs index`"
            )
        return cls(index, meta["kind"], items["keys"], items["hashes"], meta.get("model_id"))

    @staticmethod
    def exists(folder: str | Path) -> bool:
        """Whether ``folder`` holds a saved index."""
        return all((Path(folder) / name).exists() for name in (INDEX_FILE, ITEMS_FILE, META_FILE))


@dataclass
class IndexUpdate:
    """What :func:`sync_index` did."""

    kind: str
    total: int
    added: int
    rebuilt: bool
    reason: str
    seconds: float

    def as_dict(self) -> dict:
        return asdict(self)


def sync_index(
    folder: str | Path | None,
    vectors: np.ndarray,
    keys: Sequence[str],
    hashes: Sequence[str],
    *,
    model_id: str,
    kind: str = "auto",
) -> tuple[VectorIndex, IndexUpdate]:
    """An index over exactly these items, reusing the one saved in ``folder`` where possible.

    When every saved (key, hash) is still among the items, with the same model and kind, only
    the new items are added; otherwise (a text changed or left, another model, a kind change)
    the index is rebuilt from ``vectors``. The result is saved back to ``folder``; with
    ``folder=None`` the index lives in memory only.
    """
    started = time.perf_counter()
    wanted = choose_kind(len(keys), kind)
    saved = VectorIndex.load(folder) if folder is not None and VectorIndex.exists(folder) else None
    reason = "no saved index"
    if saved is not None:
        current = dict(zip(keys, hashes))
        if saved.model_id != model_id:
            reason = f"model changed ({saved.model_id} -> {model_id})"
        elif saved.kind != wanted:
            reason = f"index kind changed ({saved.kind} -> {wanted})"
        elif any(current.get(k) != h for k, h in zip(saved.keys, saved.hashes)):
            reason = "texts changed or left the corpus"
        else:
            known = set(saved.keys)
            new = [i for i, k in enumerate(keys) if k not in known]
            saved.add(vectors[new], [keys[i] for i in new], [hashes[i] for i in new])
            if new:
                saved.save(folder)  # type: ignore[arg-type]  # saved is only set when folder is
            took = round(time.perf_counter() - started, 3)
            return saved, IndexUpdate(
                saved.kind, len(saved), len(new), False, "added new texts" if new else "up to date", took
            )
    index = VectorIndex.build(vectors, keys, hashes, kind=wanted, model_id=model_id)
    if folder is not None:
        index.save(folder)
    log.info("rebuilt the %s index of %d vectors: %s", index.kind, len(index), reason)
    return index, IndexUpdate(index.kind, len(index), len(index), True, reason, round(time.perf_counter() - started, 3))
