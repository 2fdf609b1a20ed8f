"""Retrieval benchmark: embedding speed, FAISS build/query time and recall, incremental re-index.

Run from the repository root (offline; the bundled sample and model)::

    python benchmarks/bench_retrieval.py                 # 10k and 100k vectors
    python benchmarks/bench_retrieval.py --sizes 10000 --embed-texts 200

1. Embeds ``--embed-texts`` anchor texts of the bundled sample (no cache) and prints texts/s.
2. Makes 10k / 100k vectors by replicating those real embeddings with Gaussian noise
   (``--noise`` per dimension, then re-normalized), builds flat, HNSW and IVF indexes and
   queries ``--queries`` noisy sample vectors for their top 10: build time, query time and
   recall@10 against the exact flat index.
3. Adds 1% new vectors to each index (:meth:`VectorIndex.add`) and compares with a rebuild.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np

from ctpairs.inputs import open_input
from ctpairs.model.parse import parse_trial
from ctpairs.retrieval import collect_anchors
from ctpairs.retrieval.embed import Embedder
from ctpairs.retrieval.index import VectorIndex

K = 10


def _noisy(base: np.ndarray, n: int, noise: float, rng: np.random.Generator) -> np.ndarray:
    rows = base[rng.integers(0, len(base), n)] + rng.normal(0, noise, (n, base.shape[1])).astype(np.float32)
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def _timed(fn):
    started = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - started


def _recall(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(f) & set(t)) / len(t) for f, t in zip(found, truth)]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--embed-texts", type=int, default=400, help="sample texts to embed for the speed figure")
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--noise", type=float, default=0.02)
    ap.add_argument("--device", default=None)
    args = ap.parse_args()
    rng = np.random.default_rng(0)

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, python {platform.python_version()}"
    )
    anchors, _ = collect_anchors(parse_trial(r) for r in open_input(source="sample"))
    texts = sorted({a.text for a in anchors})[: args.embed_texts]
    embedder = Embedder(device=args.device)
    embedder.encode(texts[:8])  # load the model and warm up
    base, secs = _timed(lambda: embedder.encode(texts))
    print(
        f"embed: {len(texts)} texts in {secs:.1f}s on {embedder.device} = {len(texts) / secs:.1f} texts/s "
        f"({1000 * secs / len(texts):.1f}s per 1,000 texts)"
    )

    for n in args.sizes:
        vectors = _noisy(base, n, args.noise, rng)
        queries = _noisy(base, args.queries, args.noise, rng)
        keys = [str(i) for i in range(n)]
        extra = _noisy(base, n // 100, args.noise, rng)
        extra_keys = [str(n + i) for i in range(len(extra))]
        truth = None
        print(f"\n{n:,} vectors (dim {base.shape[1]}), {args.queries} queries, top {K}:")
        print(f"  {'kind':<5} {'build s':>8} {'query ms/q':>11} {'recall@10':>10} {'add 1% s':>9} {'rebuild s':>10}")
        for kind in ("flat", "hnsw", "ivf"):
            index, build_s = _timed(lambda: VectorIndex.build(vectors, keys, keys, kind=kind))
            (_, found), query_s = _timed(lambda: index.search(queries, K))
            truth = found if kind == "flat" else truth
            _, add_s = _timed(lambda: index.add(extra, extra_keys, extra_keys))
            both = np.vstack([vectors, extra])
            _, rebuild_s = _timed(lambda: VectorIndex.build(both, keys + extra_keys, keys + extra_keys, kind=kind))
            print(
                f"  {kind:<5} {build_s:>8.2f} {1000 * query_s / len(queries):>11.3f} {_recall(found, truth):>10.3f} "
                f"{add_s:>9.3f} {rebuild_s:>10.2f}"
            )


if __name__ == "__main__":
    main()
