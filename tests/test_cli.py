"""The command line, run as a user runs it (subprocess), on the bundled sample."""

import gzip
import json
import subprocess
import sys

import pytest

CLI = [sys.executable, "-m", "ctpairs"]


def run(*args, env=None, check=True):
    return subprocess.run(CLI + list(args), capture_output=True, text=True, check=check, env=env)


@pytest.fixture()
def store(tmp_path):
    return str(tmp_path / "store.sqlite")


def test_help_imports_nothing_heavy():
    code = (
        "import sys, ctpairs.cli as c; c.build_parser().format_help(); "
        "heavy = [m for m in ('pandas', 'pyarrow', 'datasets', 'torch', 'sentence_transformers', 'faiss', 'requests') if m in sys.modules]; "
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    assert "build" in run("--help").stdout


def test_fetch_sample_then_stats(store):
    run("fetch", "--source", "sample", "--store", store)
    stats = json.loads(run("stats", "--json", "--store", store).stdout)
    assert stats["studies"] == 300 and stats["with_results"] == 300
    assert stats["outcome_measures"] > 1000 and stats["data_timestamp"]
    table = run("stats", "--store", store).stdout
    assert "with_results" in table and "300" in table


def test_store_location_from_ctpairs_home(tmp_path):
    env = {**__import__("os").environ, "CTPAIRS_HOME": str(tmp_path / "home")}
    run("fetch", "--source", "sample", env=env)
    assert (tmp_path / "home" / "store.sqlite").exists()


def test_ingest_reports_bad_lines_and_export_round_trips(tmp_path, store):
    from tests._data import real_records

    records = real_records()[:4]
    path = tmp_path / "in.jsonl"
    path.write_text(
        "\n".join([json.dumps(records[0]), "{bad json", json.dumps(records[1]), json.dumps({"x": 1})]) + "\n"
    )
    res = run("ingest", str(path), "--store", store, check=False)
    assert res.returncode == 1  # done, with bad records skipped
    assert res.stderr.count("in.jsonl:2") == 1 and "skipped in.jsonl:2: malformed JSON" in res.stderr
    assert "skipped in.jsonl:4: not a v2 study record" in res.stderr
    assert "stored 2 studies" in res.stderr
    run("export", "--out", str(tmp_path / "out.jsonl.gz"), "--store", store)
    with gzip.open(tmp_path / "out.jsonl.gz", "rt") as fh:
        assert sorted(json.loads(line)["protocolSection"]["identificationModule"]["nctId"] for line in fh) == sorted(
            r["protocolSection"]["identificationModule"]["nctId"] for r in records[:2]
        )


def test_unknown_axis_exits_2_with_the_list(store, tmp_path):
    res = run("build", "--axis", "colour", "--source", "sample", "--out", str(tmp_path / "o"), check=False)
    assert res.returncode == 2 and "unknown axis 'colour'" in res.stderr and "dose" in res.stderr


def test_build_defaults_to_sample_when_store_is_empty(tmp_path):
    env = {**__import__("os").environ, "CTPAIRS_HOME": str(tmp_path / "home")}
    res = run("build", "--axis", "dose", "--out", str(tmp_path / "o"), "--json", env=env)
    assert "bundled real sample" in res.stderr
    report = json.loads(res.stdout)
    assert report["inputs"] == ["bundled sample"] and report["axes"]["dose"]["pairs"] > 100


def test_bad_since_date_is_a_clear_error(store):
    res = run(
        "fetch",
        "--since",
        "last week",
        "--store",
        store,
        "--base-url",
        "http://127.0.0.1:9/api/v2",
        "--retries",
        "0",
        "--no-sample-fallback",
        check=False,
    )
    assert res.returncode == 2 and "error:" in res.stderr
