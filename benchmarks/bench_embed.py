"""Embedding throughput of :class:`~ctpairs.retrieval.embed.Embedder` next to the bare model on the same texts.

    python benchmarks/bench_embed.py --texts 800 [--device cuda]

The texts are anchor texts of the shared real records (what ``ctpairs index`` embeds). In one
process: load the bare all-MiniLM-L6-v2 (``SentenceTransformer``) and the :class:`Embedder`'s
model (each load timed on its own), then encode the same texts with the bare model (batch 64)
and through the Embedder (no cache, batch 64), alternating ``--repeats`` times; the rates are
the best pass of each (texts/s), which keeps a busy machine's noise out of the comparison.
"""

from __future__ import annotations

import argparse
import json
import time

from _corpus import real_lines

from ctpairs.model.parse import parse_trial
from ctpairs.retrieval import collect_anchors
from ctpairs.retrieval.embed import DEFAULT_BATCH_SIZE, Embedder, resolve_device, resolve_model


def _timed(fn):
    started = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - started


def main() -> None:
    import orjson
    from sentence_transformers import SentenceTransformer

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--texts", type=int, default=800)
    parser.add_argument("--device", default=None)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    device = resolve_device(args.device)
    anchors, _ = collect_anchors(parse_trial(orjson.loads(line)) for line in real_lines())
    texts = [a.text for a in anchors][: args.texts]

    model, bare_load_s = _timed(lambda: SentenceTransformer(resolve_model(None)[1], device=device))
    embedder = Embedder(device=device)
    _, load_s = _timed(embedder._encoder)
    model.encode(texts[:8])  # warm-up, both
    embedder.encode(texts[:8])
    bare_s = embed_s = float("inf")
    for _ in range(args.repeats):
        bare_s = min(
            bare_s, _timed(lambda: model.encode(texts, batch_size=DEFAULT_BATCH_SIZE, normalize_embeddings=True))[1]
        )
        embed_s = min(embed_s, _timed(lambda: embedder.embed(texts))[1])
    print(
        json.dumps(
            {
                "device": device,
                "texts": len(texts),
                "bare_model_load_s": round(bare_load_s, 2),
                "bare_texts_per_s": round(len(texts) / bare_s, 1),
                "embedder_model_load_s": round(load_s, 2),
                "embedder_texts_per_s": round(len(texts) / embed_s, 1),
                "embedder_share_of_bare": round(bare_s / embed_s, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
