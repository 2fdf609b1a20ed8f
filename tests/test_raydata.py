"""The Ray executor on a local Ray cluster: the same Parquet bytes and the same report as the
local executor, and the same vectors from the embedding actor pool as from the local model."""

from __future__ import annotations

import json

import numpy as np
import pytest

from ctpairs.build import REPORT_NAME, build_pairs
from ctpairs.model.parse import parse_trial
from ctpairs.retrieval import collect_anchors
from ctpairs.retrieval.embed import Embedder
from ctpairs.sources.files import RawRecord
from tests._data import STUDIES, real_records

ray = pytest.importorskip("ray")


@pytest.fixture(scope="module")
def cluster():
    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR", log_to_driver=False)
    yield
    ray.shutdown()


def _report(folder):
    report = json.loads((folder / REPORT_NAME).read_text())
    report.pop("seconds")
    return report


def test_ray_build_writes_the_local_bytes(cluster, tmp_path):
    # the first 160 shared records as JSON texts, as the CLI hands them (with and without results)
    texts = [RawRecord(line, f"{STUDIES.name}:{i}") for i, line in enumerate(_lines()[:160], 1)]
    local = build_pairs(texts, ["all"], tmp_path / "local", inputs=["shared"], progress=False, workers=2)
    build_pairs(texts, ["all"], tmp_path / "ray", inputs=["shared"], progress=False, executor="ray")
    assert sum(a.pairs for a in local.axes.values()) > 1000
    for axis in local.axes.values():
        assert (tmp_path / "ray" / axis.file).read_bytes() == (tmp_path / "local" / axis.file).read_bytes()
    assert _report(tmp_path / "ray") == _report(tmp_path / "local")


@pytest.mark.slow  # run with --run-slow; two model loads (the actor's and the local one): about 35 s on 2 shared cores
def test_ray_embedding_matches_the_local_model(cluster):
    anchors, _ = collect_anchors(parse_trial(r) for r in real_records()[:10])
    texts = [a.text for a in anchors][:24]
    on_ray = Embedder(device="ray", batch_size=16).embed(texts)
    local = Embedder(device="cpu", batch_size=16).embed(texts)
    assert on_ray.shape == local.shape == (len(texts), 384)
    np.testing.assert_allclose(on_ray, local, atol=1e-5)


def _lines() -> list[bytes]:
    import gzip

    with gzip.open(STUDIES, "rb") as fh:
        return [line for line in fh if line.strip()]
