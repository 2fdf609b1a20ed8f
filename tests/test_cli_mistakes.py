"""Every everyday mistake of issue 10's table, run as a user runs it (``python -m ctpairs``, no network):
one clear line, the exit code, no traceback, nothing readable lost. One test per row."""

from __future__ import annotations

import gzip
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ctpairs.build import REPORT_NAME
from tests._data import STUDIES, real_record, real_records

CLI = [sys.executable, "-m", "ctpairs"]
OFFLINE_API = "http://ctgov-offline.invalid/api/v2"  # .invalid never resolves (RFC 6761)
# Real trials with dose pairs whose hashed splits are train (3) and validation (1): no test trial by hash.
DOSE_TRIALS = ("NCT01763788", "NCT00895011", "NCT00531284", "NCT01737502")
ARM_ONLY_TRIAL = "NCT00049543"  # arm pairs, no dose pair


def run(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        CLI + list(args), capture_output=True, text=True, cwd=cwd, env={**os.environ, **(env or {})}, timeout=300
    )


def one_error(res: subprocess.CompletedProcess, code: int = 2) -> str:
    """The single ``error:`` line of a failed command; no traceback anywhere."""
    assert "Traceback" not in res.stderr + res.stdout, res.stderr
    assert res.returncode == code, (res.returncode, res.stderr)
    errors = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, res.stderr
    return errors[0]


def nct(record: dict) -> str:
    return record["protocolSection"]["identificationModule"]["nctId"]


def write_jsonl_gz(path: Path, lines: list[str]) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def sample_records() -> list[dict]:
    return real_records()[:60]


@pytest.fixture()
def truncated(tmp_path: Path, sample_records: list[dict]) -> tuple[Path, set[str]]:
    """A .jsonl.gz cut at 60% of its bytes, and the NCT ids on the lines that survive the cut whole."""
    full = write_jsonl_gz(tmp_path / "full.jsonl.gz", [json.dumps(r) for r in sample_records])
    data = full.read_bytes()
    cut = data[: int(len(data) * 0.6)]
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(cut)
    import zlib

    text = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(cut).decode("utf-8", "replace")
    readable = {nct(json.loads(line)) for line in text.split("\n")[:-1]}
    assert 10 < len(readable) < len(sample_records)
    return path, readable


# -- reading damaged input ---------------------------------------------------------------------


def test_ingest_of_a_truncated_jsonl_gz_keeps_every_record_before_the_cut(tmp_path, truncated):
    path, readable = truncated
    store = tmp_path / "s.sqlite"
    res = run("ingest", str(path), "--store", str(store))
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert f"stored {len(readable)} studies" in res.stderr
    damage = [line for line in res.stderr.splitlines() if line.startswith("skipped cut.jsonl.gz:")]
    assert len(damage) == 1 and f"cut.jsonl.gz:{len(readable) + 1}" in damage[0] and "damaged" in damage[0]
    stats = json.loads(run("stats", "--json", "--store", str(store)).stdout)
    assert stats["studies"] == len(readable)


def test_build_of_a_truncated_jsonl_gz_builds_from_what_was_read(tmp_path, truncated):
    path, readable = truncated
    out = tmp_path / "pairs"
    res = run("build", "--axis", "dose", "--input", str(path), "--out", str(out), "-q")
    assert res.returncode == 1 and "Traceback" not in res.stderr and "damaged" in res.stderr
    report = json.loads((out / REPORT_NAME).read_text())
    assert report["studies"] == len(readable) and report["bad_records"] == 1


def test_random_bytes_in_a_folder_do_not_stop_the_other_files(tmp_path, sample_records):
    folder = tmp_path / "in"
    folder.mkdir()
    # random bytes, fixed by a seed and without newlines: one unreadable line, so one report line (with
    # os.urandom, a run now and then split the garbage into two reported runs of lines)
    garbage = bytes(b for b in random.Random(7).randbytes(4096) if b != ord("\n"))
    (folder / "a-garbage.jsonl.gz").write_bytes(garbage)
    write_jsonl_gz(folder / "b-good.jsonl.gz", [json.dumps(r) for r in sample_records[:5]])
    res = run("ingest", str(folder), "--store", str(tmp_path / "s.sqlite"))
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert "stored 5 studies" in res.stderr
    assert sum("a-garbage.jsonl.gz" in line for line in res.stderr.splitlines()) == 1


def test_a_json_file_that_is_no_study_fails_once_per_problem(tmp_path):
    path = tmp_path / "notes.json"
    path.write_text(json.dumps({"title": "my notes", "items": [1, 2, 3]}))
    res = run("ingest", str(path), "--store", str(tmp_path / "s.sqlite"))
    assert "no study record in" in one_error(res)
    assert res.stderr.count("no protocolSection") == 1  # printed once, not as a WARNING and a line
    out = tmp_path / "pairs"
    res = run("build", "--axis", "dose", "--input", str(path), "--out", str(out))
    assert "no readable study" in one_error(res)
    assert not out.exists()


def test_bad_lines_are_counted_in_the_build_report(tmp_path, sample_records):
    lines = [json.dumps(r) for r in sample_records[:6]]
    lines.insert(2, '{"protocolSection": {"identificationModule": ')
    lines.insert(5, "not json at all")
    path = write_jsonl_gz(tmp_path / "two-bad.jsonl.gz", lines)
    out = tmp_path / "pairs"
    res = run("build", "--axis", "dose", "--input", str(path), "--out", str(out), "-q")
    assert res.returncode == 1 and "Traceback" not in res.stderr
    report = json.loads((out / REPORT_NAME).read_text())
    assert report["bad_records"] == 2 and report["studies"] == 6
    assert "two-bad.jsonl.gz:3" in res.stderr and "two-bad.jsonl.gz:6" in res.stderr


# -- build outputs ------------------------------------------------------------------------------


def test_build_out_pointing_at_a_file(tmp_path):
    target = tmp_path / "pairs.parquet"
    target.write_text("mine")
    res = run("build", "--axis", "dose", "--source", "sample", "--out", str(target))
    assert "is a file" in one_error(res)
    assert target.read_text() == "mine"


def test_build_out_replaces_an_older_build_whole_and_refuses_other_folders(tmp_path):
    records = tmp_path / "in.jsonl"
    records.write_text("\n".join(json.dumps(real_record(n)) for n in (*DOSE_TRIALS, ARM_ONLY_TRIAL)) + "\n")
    out = tmp_path / "pairs"
    assert run("build", "--axis", "dose", "--axis", "arm", "--input", str(records), "--out", str(out)).returncode == 0
    assert (out / "arm.parquet").is_file()
    assert run("build", "--axis", "dose", "--input", str(records), "--out", str(out), "-q").returncode == 0
    assert sorted(p.name for p in out.iterdir()) == [REPORT_NAME, "dose.parquet"]  # no stale arm.parquet
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("keep me")
    res = run("build", "--axis", "dose", "--input", str(records), "--out", str(mine))
    assert "not empty and holds no ctpairs build" in one_error(res)
    assert (mine / "thesis.tex").read_text() == "keep me"


def _build(tmp_path: Path, trials: tuple[str, ...], axes: tuple[str, ...], name: str) -> Path:
    records = tmp_path / f"{name}.jsonl"
    records.write_text("\n".join(json.dumps(real_record(n)) for n in trials) + "\n")
    out = tmp_path / name
    args = [a for axis in axes for a in ("--axis", axis)]
    res = run("build", *args, "--input", str(records), "--out", str(out), "-q")
    assert res.returncode == 0, res.stderr
    return out


def test_an_axis_with_no_pairs_is_reported_not_written_and_package_works(tmp_path):
    pairs = _build(tmp_path, (ARM_ONLY_TRIAL,), ("dose", "arm"), "pairs")
    report = json.loads((pairs / REPORT_NAME).read_text())
    assert report["axes"]["dose"]["pairs"] == 0 and report["axes"]["dose"]["file"] is None
    assert not (pairs / "dose.parquet").exists() and (pairs / "arm.parquet").is_file()
    res = run("package", "--pairs", str(pairs), "--out", str(tmp_path / "ds"), "--version", "1.0.0")
    assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr
    # one trial cannot fill three splits: said once per config (the curated one and `-all`) on the console
    assert [line for line in res.stderr.splitlines() if line.startswith("warning:")] == [
        f"warning: config {config!r} has no validation or test split (1 trial(s)); it is published without it "
        "(the card says which splits each config has)"
        for config in ("arm", "arm-all")
    ]


def test_package_gives_a_config_of_three_or_more_trials_a_test_split(tmp_path):
    from ctpairs.splits import hash_split

    assert {hash_split(n) for n in DOSE_TRIALS} == {"train", "validation"}  # the hash alone gives no test trial
    pairs = _build(tmp_path, DOSE_TRIALS, ("dose",), "pairs")
    out = tmp_path / "ds"
    res = run("package", "--pairs", str(pairs), "--out", str(out), "--version", "1.0.0")
    assert res.returncode == 0 and "warning:" not in res.stderr, res.stderr
    manifest = json.loads((out / "ctpairs-manifest.json").read_text())
    splits = manifest["configs"]["dose"]["splits"]
    assert all(splits[s]["pairs"] > 0 and splits[s]["trials"] >= 1 for s in ("train", "validation", "test"))
    assert sorted(p.name.split("-")[0] for p in (out / "data" / "dose").iterdir()) == ["test", "train", "validation"]
    card = (out / "README.md").read_text()
    assert "Every config has the splits `train`, `validation` and `test`" in card
    assert "moved from their hashed split" in card
    # deterministic: the same pairs give the same split files
    again = tmp_path / "again"
    run("package", "--pairs", str(pairs), "--out", str(again), "--version", "1.0.0")
    for p in (out / "data" / "dose").iterdir():
        assert p.read_bytes() == (again / "data" / "dose" / p.name).read_bytes()


def test_package_names_the_configs_dropped_since_the_previous_version(tmp_path):
    both = _build(tmp_path, (*DOSE_TRIALS, ARM_ONLY_TRIAL), ("dose", "arm"), "both")
    out = tmp_path / "ds"
    assert run("package", "--pairs", str(both), "--out", str(out), "--version", "1.0.0").returncode == 0
    dose_only = _build(tmp_path, DOSE_TRIALS, ("dose",), "dose-only")
    res = run("package", "--pairs", str(dose_only), "--out", str(out), "--version", "1.1.0")
    assert res.returncode == 0, res.stderr
    assert "warning: config 'arm' of version 1.0.0 is not in this version" in res.stderr


def test_the_card_holds_no_local_path_and_its_tables_hold(tmp_path):
    store = tmp_path / "private-home" / "store.sqlite"
    records = tmp_path / "in.jsonl"
    records.write_text("\n".join(json.dumps(real_record(n)) for n in DOSE_TRIALS) + "\n")
    assert run("ingest", str(records), "--store", str(store)).returncode == 0
    pairs = tmp_path / "pairs"
    assert run("build", "--axis", "dose", "--store", str(store), "--out", str(pairs), "-q").returncode == 0
    assert json.loads((pairs / REPORT_NAME).read_text())["inputs"] == [f"store {store}"]
    out = tmp_path / "ds"
    assert run("package", "--pairs", str(pairs), "--out", str(out), "--version", "1.0.0").returncode == 0
    card = (out / "README.md").read_text()
    assert str(tmp_path) not in card and "private-home" not in card and "a ctpairs store" in card
    row = next(line for line in card.splitlines() if line.startswith("| `label.relative_delta`"))
    assert row.replace("\\|", "").count("|") == 4  # three cells: the |factual value| pipes are escaped


# -- the store, the API, arguments --------------------------------------------------------------


def test_stats_of_a_store_that_does_not_exist_creates_nothing(tmp_path):
    res = run("stats", "--store", str(tmp_path / "nope" / "store.sqlite"))
    assert "no store at" in one_error(res)
    assert not (tmp_path / "nope").exists()
    res = run("export", "--out", str(tmp_path / "x.jsonl"), "--store", str(tmp_path / "nope" / "store.sqlite"))
    assert "no store at" in one_error(res) and not (tmp_path / "nope").exists()


def test_fetch_offline_is_one_line_with_no_retry_storm(tmp_path):
    store = tmp_path / "s.sqlite"
    assert run("fetch", "--source", "sample", "--store", str(store)).returncode == 0
    started = time.monotonic()
    res = run("fetch", "--cond", "melanoma", "--store", str(store), "--base-url", OFFLINE_API)
    assert time.monotonic() - started < 20  # no backoff between lookups of a name that does not resolve
    line = one_error(res)
    assert "cannot reach" in line and "keeps its 300 studies" in line
    assert "Retrying" not in res.stderr and "NameResolutionError" not in res.stderr


def test_fetch_offline_falls_back_to_the_sample_only_without_a_query(tmp_path):
    res = run("fetch", "--cond", "melanoma", "--store", str(tmp_path / "a.sqlite"), "--base-url", OFFLINE_API)
    assert "nothing was fetched" in one_error(res)
    assert "bundled" in res.stderr and "loaded" not in res.stderr
    res = run("fetch", "--store", str(tmp_path / "b.sqlite"), "--base-url", OFFLINE_API)
    assert res.returncode == 0 and "no query was given, so loading the bundled real sample" in res.stderr
    assert "loaded 300 studies from the bundled sample" in res.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("build", "--axis", "dose", "--workers", "0"), "argument --workers: must be at least 1, got 0"),
        (("build", "--axis", "dose", "--workers", "-1"), "argument --workers: must be at least 1, got -1"),
        (("fetch", "--page-size", "5000"), "argument --page-size: must be between 1 and 1000, got 5000"),
        (("fetch", "--page-size", "0"), "argument --page-size: must be between 1 and 1000, got 0"),
    ],
)
def test_bad_argument_values_are_refused(tmp_path, args, message):
    res = run(*args, "--store", str(tmp_path / "s.sqlite"))
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert res.stderr.strip().splitlines()[-1].endswith(message)
    assert not (tmp_path / "s.sqlite").exists()


def test_ctrl_c_during_a_build_with_two_workers(tmp_path):
    """Ctrl-C reaches the whole process group (the workers too): one line, exit 130, no worker traceback.
    The 685 shared records take several seconds to build, so the signal comes while workers build."""
    for attempt in range(2):
        out = tmp_path / f"pairs{attempt}"
        proc = subprocess.Popen(
            CLI + ["build", "--axis", "all", "--input", str(STUDIES), "--workers", "2", "--out", str(out)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
            # as a terminal gives it: a shell's background job (`.ci/run &`) passes SIGINT on ignored
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        deadline = time.monotonic() + 60
        while not list(tmp_path.glob(f".pairs{attempt}.*.tmp")) and time.monotonic() < deadline:
            time.sleep(0.05)  # the build has started once its temporary folder exists
        time.sleep(1.0)
        os.killpg(proc.pid, signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 130, stderr
        assert "Traceback" not in stderr + stdout and "KeyboardInterrupt" not in stderr
        assert [line for line in stderr.splitlines() if "interrupted" in line] == [
            "interrupted: nothing was written; the output folder is as it was"
        ]
        assert not out.exists() and not list(tmp_path.glob(f".pairs{attempt}.*"))


def test_debug_shows_the_traceback(tmp_path):
    res = run("--debug", "stats", "--store", str(tmp_path / "nope.sqlite"))
    assert res.returncode == 1 and "Traceback" in res.stderr and "StoreNotFoundError" in res.stderr
    res = run("stats", "--store", str(tmp_path / "nope.sqlite"), env={"CTPAIRS_DEBUG": "1"})
    assert "Traceback" in res.stderr


def test_package_out_of_disk_room_says_how_much_it_needs(tmp_path):
    """A file-size limit (RLIMIT_FSIZE) makes every write past 1 MB fail as a full disk does: the
    package stops with one line that says what it needs, leaves no temporary files, and the
    previous version of the dataset folder is as it was."""
    import resource

    trials = tuple(nct(r) for r in real_records()[:80] if "resultsSection" in r)
    pairs = _build(tmp_path, trials, ("dose", "arm"), "pairs")
    out = tmp_path / "ds"
    assert run("package", "--pairs", str(pairs), "--out", str(out), "--version", "1.0.0").returncode == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (2**20, resource.RLIM_INFINITY))

    res = subprocess.run(
        [*CLI, "package", "--pairs", str(pairs), "--out", str(out), "--version", "1.1.0"],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=small_files,
    )
    line = one_error(res)
    assert "out of disk room beside" in line and "KB per pair" in line and "GB are free" in line, line
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert not list(tmp_path.glob(".ctpairs-package-*"))
