"""Benchmark-format configs (superiority, comparative, endpoint) packaged from real pairs; leaving a
CT Open benchmark's trials out; the date split at a benchmark's cutoff."""

from __future__ import annotations

import copy
import json
import pickle
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ctpairs.benchmark_tasks import (
    BENCHMARK_CONFIGS,
    SKIP_NOT_ARMS,
    SKIP_NOT_VERIFIABLE,
    SKIP_REASONS,
    benchmark_task_columns,
    pair_polarity,
    pair_question,
    skip_reason,
)
from ctpairs.cli import main
from ctpairs.ctopen import comparative_options, load_benchmark, superiority_options
from ctpairs.package import MANIFEST_NAME, package_pairs
from ctpairs.rewards import decision_reward
from tests._pairs import build_small_pairs

SAMPLE = Path(__file__).parent / "data" / "ctopen_winter_2025_sample.pickle"
EXCLUDED = "NCT00809471"  # a real trial of the small pair set with arm pairs


@pytest.fixture(scope="module")
def pairs_dir(tmp_path_factory):
    return build_small_pairs(tmp_path_factory.mktemp("pairs"))


@pytest.fixture(scope="module")
def benchmark_file(tmp_path_factory):
    """The real CT Open sample with one item re-keyed to a trial of the pair set."""
    bench = load_benchmark(SAMPLE)
    (key, item), *rest = bench.items()
    out = tmp_path_factory.mktemp("bench") / "bench.pickle"
    out.write_bytes(pickle.dumps({(EXCLUDED, key[1]): item, **dict(rest)}))
    return out


@pytest.fixture(scope="module")
def repo(pairs_dir, benchmark_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("repo") / "ds"
    package_pairs(pairs_dir, out, "1.0.0", benchmark_configs=True, exclude_benchmark=benchmark_file)
    return out


def _rows(repo: Path, config: str) -> list[dict]:
    return [r for p in sorted((repo / "data" / config).glob("*.parquet")) for r in pq.read_table(p).to_pylist()]


def test_configs_answer_as_the_label_and_polarity_say(repo):
    for config in BENCHMARK_CONFIGS:
        rows = _rows(repo, config)
        assert rows, config
        for row in rows:
            assert skip_reason(config, row) is None
            q = pair_question(config, row)
            better = row["label"]["direction"] == pair_polarity(row) and row["label"]["significant"]
            worse = row["label"]["direction"] not in (pair_polarity(row), "similar") and row["label"]["significant"]
            assert row["answer"] == str(q.answer)
            if config == "superiority":
                assert q.options == superiority_options(q.arm_x, q.arm_y) and q.answer == (0 if better else 1)
            elif config == "comparative":
                assert q.options == comparative_options(q.arm_x, q.arm_y)
                assert q.answer == (0 if better else 1 if worse else 2)
            else:
                assert row["label"]["method"] == "trial_analysis" and q.answer == (0 if better else 1)
            assert decision_reward([row["completion"]], answer=[row["answer"]], prompts=[row["prompt"]]) == [1.0]


def test_prompt_never_depends_on_the_result(repo):
    for config in BENCHMARK_CONFIGS:
        for row in _rows(repo, config)[:10]:
            changed = copy.deepcopy(row)
            for side in ("factual", "counterfactual"):
                changed[side]["result"].update(value=123456.0, spread=None, lower=None, upper=None)
            changed["label"].update(p_value=0.5, delta=9.0)
            assert benchmark_task_columns(config)(changed)["prompt"] == row["prompt"]
            assert "123456" not in row["prompt"]


def test_benchmark_trials_are_left_out_and_recorded(repo, pairs_dir):
    manifest = json.loads((repo / MANIFEST_NAME).read_text())
    excluded = manifest["excluded"]
    assert excluded["file"] == "bench.pickle" and excluded["trials_dropped"] == [EXCLUDED]
    assert "CT Open benchmark" in excluded["reason"]
    built = sum(
        pq.read_table(p, columns=["nct_id"]).column("nct_id").to_pylist().count(EXCLUDED)
        for p in pairs_dir.glob("*.parquet")
    )
    assert built > 0 and sum(excluded["pairs_dropped"].values()) == built
    for config in manifest["configs"]:
        assert EXCLUDED not in {r["nct_id"] for r in _rows(repo, config)}
    skipped = manifest["benchmark_configs"]["skipped"]
    assert set(skipped) == set(BENCHMARK_CONFIGS)
    assert all(reason in SKIP_REASONS for reasons in skipped.values() for reason in reasons)


def test_skip_reasons_on_real_rows(pairs_dir):
    outcome = pq.read_table(pairs_dir / "outcome.parquet").to_pylist()
    assert {skip_reason("superiority", r) for r in outcome} == {SKIP_NOT_ARMS}
    arm = pq.read_table(pairs_dir / "arm.parquet").to_pylist()
    unverifiable = [r for r in arm if not r["label"]["verifiable"]]
    assert unverifiable and {skip_reason("comparative", r) for r in unverifiable} == {SKIP_NOT_VERIFIABLE}


def test_date_split_at_the_benchmark_cutoff(pairs_dir, tmp_path):
    out = tmp_path / "ds"
    package_pairs(pairs_dir, out, "1.0.0", benchmark_configs=True, split_by="date", cutoff="2025-02-01")
    for config in BENCHMARK_CONFIGS:
        for path in (out / "data" / config).glob("*.parquet"):
            posted = {r["trial"]["results_first_posted"] for r in pq.read_table(path).to_pylist()}
            if path.name.startswith("test-"):
                assert all(p > "2025-02-01" for p in posted)
            else:
                assert all(p <= "2025-02-01" for p in posted)


def test_cli_refuses_a_benchmark_file_holding_a_class(pairs_dir, tmp_path, capsys):
    bad = tmp_path / "bad.pickle"
    bad.write_bytes(pickle.dumps({("NCT1", "e"): Path("x")}))
    args = ["package", "--pairs", str(pairs_dir), "--out", str(tmp_path / "ds"), "--version", "1.0.0"]
    assert main([*args, "--exclude-benchmark", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "refused" in err
