"""Retrieval: embeddings and a FAISS index of anchors, for the approximate (cross-trial) builders.

It sits beside the builders: approximate builders ask it for neighbours; it never imports them.

* :mod:`ctpairs.retrieval.texts`: one text per anchor (trial, drug-arm result group, outcome).
* :mod:`ctpairs.retrieval.embed`: :class:`Embedder` with an on-disk cache by (model, text hash).
* :mod:`ctpairs.retrieval.index`: :class:`VectorIndex` (flat / HNSW / IVF, CPU or GPU), save/load, add.
* :mod:`ctpairs.retrieval.approximate`: what the approximate builders share (matching rules).

:func:`index_trials` is what ``ctpairs index`` runs: embed every anchor (cached texts are not
embedded again) and bring the index folder up to date, by adding new anchors when it can.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ctpairs.model.trial import Trial
from ctpairs.retrieval.embed import Embedder
from ctpairs.retrieval.index import IndexUpdate, VectorIndex, sync_index
from ctpairs.retrieval.texts import Anchor, iter_anchors

EMBEDDINGS_FILE = "embeddings.sqlite"


def default_index_dir(store: str | Path) -> Path:
    """Where the index of a store lives: ``<store>.index/`` beside it."""
    store = Path(store)
    return store.with_name(store.name + ".index")


class Embeddable(Protocol):
    """What the index needs of an anchor (an :class:`Anchor`, or the light facts the approximate
    builders keep of one): its key, its text and the text's hash."""

    key: str
    text: str
    text_hash: str


@dataclass
class IndexedCorpus:
    """The anchors of some trials, their vectors (row i is ``anchors[i]``) and the index over them."""

    anchors: Sequence[Embeddable]
    vectors: np.ndarray
    index: VectorIndex
    update: IndexUpdate
    embedded: int  # texts the model computed (the rest came from the cache)
    device: str | None  # None when nothing had to be embedded


def collect_anchors(
    trials: Iterable[Trial], keep: Callable[[Anchor], Any] | None = None
) -> tuple[list[Any], dict[str, str]]:
    """Every anchor of ``trials`` (or what ``keep`` makes of each, so that the trial it holds can be
    let go) and, for each trial without one, why (by NCT id)."""
    anchors: list[Any] = []
    without: dict[str, str] = {}
    for trial in trials:
        for item in iter_anchors(trial):
            if isinstance(item, str):
                without[trial.nct_id] = item
            else:
                anchors.append(keep(item) if keep else item)
    return anchors, without


def index_anchors(
    anchors: Sequence[Embeddable],
    index_dir: str | Path | None = None,
    *,
    model: str | None = None,
    device: str | None = None,
    kind: str = "auto",
    batch_size: int = 64,
    progress: bool = False,
) -> IndexedCorpus:
    """Embed ``anchors`` and sync the index in ``index_dir`` (in memory when None).

    With ``index_dir`` the embedding cache is ``index_dir/embeddings.sqlite``, so a later run
    embeds only new or changed texts.
    """
    vectors, index, update, embedder = _embed_and_sync(
        [(a.key, a.text, a.text_hash) for a in anchors],
        index_dir,
        model=model,
        device=device,
        kind=kind,
        batch_size=batch_size,
        progress=progress,
    )
    return IndexedCorpus(
        anchors, vectors, index, update, embedder.embedded, embedder.device if embedder.embedded else None
    )


@dataclass(frozen=True)
class IndexSummary:
    """What ``ctpairs index`` did: anchors indexed, texts the model computed, the device, the update."""

    anchors: int
    embedded: int
    device: str | None  # None when nothing had to be embedded
    update: IndexUpdate


def index_trials(
    trials: Iterable[Trial],
    index_dir: str | Path,
    *,
    model: str | None = None,
    device: str | None = None,
    kind: str = "auto",
    batch_size: int = 64,
    progress: bool = False,
) -> IndexSummary:
    """Embed the anchors of ``trials`` and bring the index in ``index_dir`` up to date (``ctpairs index``).

    Only each anchor's key, text and text hash are kept while the trials stream by (not the parsed
    trial an :class:`Anchor` holds), so memory grows with the anchors' texts, not with the trials.
    """
    keyed = [(a.key, a.text, a.text_hash) for trial in trials for a in iter_anchors(trial) if not isinstance(a, str)]
    _, _, update, embedder = _embed_and_sync(
        keyed, index_dir, model=model, device=device, kind=kind, batch_size=batch_size, progress=progress
    )
    return IndexSummary(len(keyed), embedder.embedded, embedder.device if embedder.embedded else None, update)


def _embed_and_sync(
    keyed: list[tuple[str, str, str]],
    index_dir: str | Path | None,
    *,
    model: str | None,
    device: str | None,
    kind: str,
    batch_size: int,
    progress: bool,
) -> tuple[np.ndarray, VectorIndex, IndexUpdate, Embedder]:
    """Embed the texts of ``keyed`` (key, text, text hash) with the cache in ``index_dir`` and sync its index."""
    cache = Path(index_dir) / EMBEDDINGS_FILE if index_dir is not None else None
    embedder = Embedder(model, device=device, batch_size=batch_size, cache=cache, progress=progress)
    try:
        vectors = embedder.embed([text for _, text, _ in keyed])
    finally:
        embedder.close()
    index, update = sync_index(
        index_dir,
        vectors,
        [key for key, _, _ in keyed],
        [digest for _, _, digest in keyed],
        model_id=embedder.model_id,
        kind=kind,
    )
    return vectors, index, update, embedder
