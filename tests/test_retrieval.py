"""Retrieval: anchor texts, the embedding cache, and the FAISS index (real sample, offline model)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ctpairs.inputs import open_input
from ctpairs.model.parse import parse_trial
from ctpairs.retrieval import collect_anchors, default_index_dir, index_anchors
from ctpairs.retrieval.embed import DEFAULT_MODEL_ID, Embedder
from ctpairs.retrieval.index import FLAT_MAX, VectorIndex, choose_kind, sync_index
from ctpairs.retrieval.texts import SKIP_NO_DRUG_GROUP, iter_anchors, text_hash

N_TEXTS = 120


@pytest.fixture(scope="module")
def anchors():
    trials = [parse_trial(r) for r in open_input(source="sample")]
    found, _ = collect_anchors(trials)
    return found


@pytest.fixture(scope="module")
def embedded(anchors, tmp_path_factory) -> tuple[list[str], np.ndarray, Path]:
    """N_TEXTS distinct sample texts embedded once into a cache file."""
    texts = sorted({a.text for a in anchors})[:N_TEXTS]
    cache = tmp_path_factory.mktemp("emb") / "embeddings.sqlite"
    embedder = Embedder(cache=cache, device="cpu")
    vectors = embedder.embed(texts)
    assert embedder.embedded == len(texts) and embedder.cached == 0
    embedder.close()
    return texts, vectors, cache


def test_anchor_keys_are_stable_and_unique(anchors):
    keys = [a.key for a in anchors]
    assert len(keys) == len(set(keys))
    first = anchors[0]
    again = next(a for a in iter_anchors(first.trial) if not isinstance(a, str))
    assert again.key == first.key and again.text == first.text
    assert first.key.startswith(first.trial.nct_id + "/")
    assert first.text_hash == text_hash(first.text)


def test_anchor_text_names_condition_drug_population_outcome(anchors):
    a = anchors[0]
    lines = a.text.splitlines()
    assert [line.split(":")[0] for line in lines] == ["condition", "intervention", "population", "outcome"]
    assert all(drug in lines[1] for drug in a.drugs)
    assert a.measure.title.strip() in lines[3]
    assert "placebo" not in a.drugs


def test_trial_without_drug_arm_gives_reason():
    for record in open_input(source="sample"):
        items = list(iter_anchors(parse_trial(record)))
        if items == [SKIP_NO_DRUG_GROUP]:
            return
    pytest.fail("the sample should hold a trial with results but no drug-arm group")


def test_embeddings_are_normalized(embedded):
    texts, vectors, _ = embedded
    assert vectors.shape == (len(texts), 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_cache_hit_embeds_nothing(embedded):
    texts, vectors, cache = embedded
    embedder = Embedder(cache=cache, device="cpu")
    again = embedder.embed(texts)
    assert embedder.embedded == 0 and embedder.cached == len(texts)
    assert embedder._model is None  # the model was never loaded
    assert np.array_equal(again, vectors)
    assert embedder.model_id == DEFAULT_MODEL_ID


class _StoppedAfter(Embedder):
    """An embedder whose run stops (as a killed ``ctpairs index`` does) after ``calls`` encodes."""

    def __init__(self, calls: int, **kwargs):
        super().__init__(**kwargs)
        self.calls = calls

    def encode(self, texts):
        if self.calls == 0:
            raise KeyboardInterrupt
        self.calls -= 1
        return super().encode(texts)


def test_a_stopped_run_keeps_what_it_embedded(embedded, tmp_path):
    """The cache is written every ``cache_every`` texts, so a run stopped part way loses only the
    texts it was encoding, and the next run embeds the rest to the same vectors."""
    texts, vectors, _ = embedded
    texts, vectors = texts[:7], vectors[:7]
    cache = tmp_path / "embeddings.sqlite"
    with pytest.raises(KeyboardInterrupt):
        _StoppedAfter(2, cache=cache, device="cpu", cache_every=3).embed(texts)
    again = Embedder(cache=cache, device="cpu", cache_every=3)
    got = again.embed(texts)
    assert (again.cached, again.embedded) == (6, 1)
    assert np.allclose(got, vectors, atol=1e-5)


def test_build_save_load_round_trip(embedded, tmp_path):
    texts, vectors, _ = embedded
    keys = [f"k{i}" for i in range(len(texts))]
    hashes = [text_hash(t) for t in texts]
    index = VectorIndex.build(vectors, keys, hashes, kind="hnsw", model_id="m")
    index.save(tmp_path)
    loaded = VectorIndex.load(tmp_path)
    assert (loaded.kind, loaded.keys, loaded.hashes, loaded.model_id, len(loaded)) == (
        "hnsw",
        keys,
        hashes,
        "m",
        len(texts),
    )
    assert np.array_equal(index.search(vectors[:5], 3)[1], loaded.search(vectors[:5], 3)[1])


@pytest.mark.parametrize("kind", ["hnsw", "ivf"])
def test_approximate_index_agrees_with_flat(embedded, kind):
    texts, vectors, _ = embedded
    keys = [str(i) for i in range(len(texts))]
    flat = VectorIndex.build(vectors, keys, keys, kind="flat")
    other = VectorIndex.build(vectors, keys, keys, kind=kind)
    _, exact = flat.search(vectors, 5)
    _, approx = other.search(vectors, 5)
    assert np.array_equal(exact[:, 0], np.arange(len(texts)))  # each text is its own nearest
    assert np.mean(exact[:, 0] == approx[:, 0]) == 1.0
    assert np.mean([len(set(a) & set(b)) / 5 for a, b in zip(exact, approx)]) >= 0.9


def test_add_matches_full_build(embedded):
    texts, vectors, _ = embedded
    keys = [str(i) for i in range(len(texts))]
    grown = VectorIndex.build(vectors[:100], keys[:100], keys[:100], kind="flat")
    grown.add(vectors[100:], keys[100:], keys[100:])
    full = VectorIndex.build(vectors, keys, keys, kind="flat")
    assert grown.keys == full.keys
    assert np.array_equal(grown.search(vectors, 3)[1], full.search(vectors, 3)[1])


def test_choose_kind():
    assert choose_kind(FLAT_MAX) == "flat"
    assert choose_kind(FLAT_MAX + 1) == "hnsw"  # no GPU here
    assert choose_kind(10, "ivf") == "ivf"
    with pytest.raises(ValueError):
        choose_kind(10, "lsh")


def test_sync_adds_new_and_rebuilds_on_change(embedded, tmp_path):
    texts, vectors, _ = embedded
    keys = [f"k{i}" for i in range(len(texts))]
    hashes = [text_hash(t) for t in texts]
    _, first = sync_index(tmp_path, vectors[:100], keys[:100], hashes[:100], model_id="m")
    assert first.rebuilt and first.total == 100
    index, second = sync_index(tmp_path, vectors, keys, hashes, model_id="m")
    assert (second.rebuilt, second.added, second.total) == (False, len(texts) - 100, len(texts))
    assert VectorIndex.load(tmp_path).keys == keys
    changed = hashes[:1] + ["0" * 64] + hashes[2:]
    _, third = sync_index(tmp_path, vectors, keys, changed, model_id="m")
    assert third.rebuilt and third.reason == "texts changed or left the corpus"
    _, fourth = sync_index(tmp_path, vectors, keys, changed, model_id="other")
    assert fourth.rebuilt and fourth.reason.startswith("model changed")


def test_index_anchors_uses_cache_in_index_dir(anchors, embedded, tmp_path):
    texts, _, cache = embedded
    subset = [a for a in anchors if a.text in set(texts[:20])]
    (tmp_path / "embeddings.sqlite").write_bytes(cache.read_bytes())
    corpus = index_anchors(subset, tmp_path)
    assert corpus.embedded == 0 and len(corpus.index) == len(subset)
    assert VectorIndex.exists(tmp_path)


def test_default_index_dir_is_beside_the_store(tmp_path):
    assert default_index_dir(tmp_path / "store.sqlite") == tmp_path / "store.sqlite.index"
