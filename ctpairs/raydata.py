"""The Ray executor: the per-trial build and the embedding as Ray Data pipelines (``pip install ctpairs[ray]``).

* :func:`build_results` runs the build's worker tasks (whole chunks of records, see
  :func:`ctpairs.build.tasks`) as a Ray Data ``map`` over the cluster and streams the chunk
  results back in input order, so the driver writes the very Parquet files the local executor
  writes (same rows, same order, same bytes).
* :func:`encode` embeds texts with an actor pool (``map_batches``): one model per actor, one GPU
  per actor when the cluster has GPUs, else CPU actors; vectors come back in input order.

Both connect to the cluster named by ``RAY_ADDRESS`` (``ray start --head`` on one node and
``ray start --address=<head>:6379`` on the others; ctpairs installed on every node), or start a
local one when there is none; a caller that already ran ``ray.init`` keeps its cluster.
The records travel from the driver to the workers as JSON texts, a window of tasks at a time.
"""

from __future__ import annotations

import logging
import pickle
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

import numpy as np

from ctpairs.build import _ChunkResult, run_chunks
from ctpairs.sources.files import RawRecord

log = logging.getLogger(__name__)

TASKS_PER_CPU = 4  # build tasks sent to the cluster at a time, per CPU it has
EMBED_ROWS_PER_BLOCK = 4096  # texts per Ray Data block sent to an embedding actor


def _ray():
    """The ``ray`` module, connected to a cluster (``RAY_ADDRESS``, or a new local one)."""
    import ray

    if not ray.is_initialized():
        ray.init(logging_level=logging.WARNING, log_to_driver=False)
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    ray.data.DataContext.get_current().execution_options.preserve_order = True
    return ray


def _build_task(row: dict, axes: tuple[str, ...]) -> dict:
    return {"results": pickle.dumps(run_chunks(axes, pickle.loads(row["task"])))}


def build_results(
    axes: tuple[str, ...], tasks: Iterable[list[list[dict | RawRecord]]], *, progress: bool = False
) -> Iterator[_ChunkResult]:
    """The results of the natural builders of ``axes`` over ``tasks``, chunk by chunk, in input order."""
    ray = _ray()
    ray.data.DataContext.get_current().enable_progress_bars = progress
    window = TASKS_PER_CPU * max(1, int(ray.cluster_resources().get("CPU", 1)))
    it = iter(tasks)
    while batch := list(islice(it, window)):
        items = [{"task": pickle.dumps(task)} for task in batch]
        ds = ray.data.from_items(items, override_num_blocks=len(items)).map(_build_task, fn_kwargs={"axes": axes})
        for row in ds.iter_rows():
            yield from pickle.loads(row["results"])


class _Encoder:
    """A Ray Data actor holding one sentence-transformers model."""

    def __init__(self, load_name: str, device: str, batch_size: int):
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(load_name, device=device)
        self.batch_size = batch_size

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        vectors = self.model.encode(
            list(batch["text"]), batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True
        )
        return {"vector": np.ascontiguousarray(vectors, dtype=np.float32)}


def encode(texts: Sequence[str], load_name: str, *, batch_size: int, progress: bool = False) -> np.ndarray:
    """Vectors of ``texts`` (L2-normalized float32, in order) from an actor pool on the Ray cluster:
    one actor per GPU when the cluster has GPUs, else one per CPU (one torch thread each), and no
    more actors than blocks of :data:`EMBED_ROWS_PER_BLOCK` texts."""
    ray = _ray()
    ray.data.DataContext.get_current().enable_progress_bars = progress
    resources = ray.cluster_resources()
    gpus, cpus = int(resources.get("GPU", 0)), max(1, int(resources.get("CPU", 1)))
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    actors = gpus or cpus
    blocks = min(len(texts) // EMBED_ROWS_PER_BLOCK + 1, 4 * actors)
    ds = ray.data.from_items([{"text": t} for t in texts], override_num_blocks=blocks).map_batches(
        _Encoder,
        fn_constructor_kwargs={"load_name": load_name, "device": "cuda" if gpus else "cpu", "batch_size": batch_size},
        batch_size=batch_size * 8,
        batch_format="numpy",
        concurrency=min(actors, blocks),
        num_gpus=1 if gpus else 0,
        num_cpus=1,  # Ray gives a one-CPU actor one torch thread (OMP_NUM_THREADS=1)
    )
    return np.concatenate([b["vector"] for b in ds.iter_batches(batch_format="numpy", batch_size=None)])
