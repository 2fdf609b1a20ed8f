"""``ctpairs build --axis all`` next to the orjson parse rate of the same records, and its peak memory.

    python benchmarks/bench_build.py --copies 2 20 --workers 2
    python benchmarks/bench_build.py --copies 2 20 --workers 2 --tree /path/to/an/older/checkout --tree .

The corpus is the shared real records replicated N times (distinct NCT ids) in a JSONL file;
``--records without-results`` (or ``with-results``) keeps only those, to price the registry's
studies without posted results apart.
For each (copies, workers) configuration, back to back: the orjson parse of the file (read every
line, ``orjson.loads``) in this process, then ``ctpairs build`` on it in a fresh process (the
command line, so an older checkout given by ``--tree`` runs the very same way, for before/after
figures in one run; ``.`` is the installed ctpairs, the default). Build time is the report's ``seconds`` (without interpreter start-up);
peak memory is the largest resident set of any process of the build (main or worker).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson
from _corpus import RECORDS, replicated_lines
from _measure import run_measured


def orjson_rate(path: Path) -> float:
    started = time.perf_counter()
    with path.open("rb") as fh:
        studies = sum(1 for line in fh if orjson.loads(line))
    return studies / (time.perf_counter() - started)


def check_tree(tree: str) -> None:
    """An older checkout must run its own builders. They live in ``builders/``, which the editable
    install maps to ``ctpairs.builders`` of *this* checkout whatever ``PYTHONPATH`` says, unless
    the tree has ``ctpairs/builders`` itself (a link to ``../builders`` will do)."""
    code = "import ctpairs.builders as b; print(b.__path__[0])"
    found = subprocess.run(
        [sys.executable, "-c", code], env=dict(os.environ, PYTHONPATH=tree), capture_output=True, text=True, check=True
    ).stdout.strip()
    if not Path(found).resolve().is_relative_to(Path(tree).resolve()):
        raise SystemExit(
            f"{tree} would run the builders of {found}; link them first: ln -s ../builders {tree}/ctpairs/builders"
        )


def bench(path: Path, copies: int, records: str, workers: int, tree: str, out: Path) -> dict:
    parse_rate = orjson_rate(path)
    env = dict(os.environ, PYTHONPATH=tree) if tree != "." else None
    cmd = [sys.executable, "-m", "ctpairs", "build", "--input", str(path), "--axis", "all", "--out", str(out)]
    cmd += ["--workers", str(workers), "--quiet"]
    run = run_measured(cmd, env=env)
    if run.returncode:
        raise SystemExit(f"build failed:\n{run.stderr[-3000:]}")
    report = json.loads((out / ".build-report.json").read_text())
    build_rate = report["studies"] / report["seconds"]
    return {
        "tree": tree,
        "copies": copies,
        "records": records,
        "workers": workers,
        "studies": report["studies"],
        "pairs": sum(a["pairs"] for a in report["axes"].values()),
        "build_s": report["seconds"],
        "build_studies_per_s": round(build_rate, 1),
        "orjson_studies_per_s": round(parse_rate, 1),
        "build_share_of_orjson_rate": round(build_rate / parse_rate, 3),
        "peak_rss_mib": run.peak_rss_mib,
        "peak_anon_mib": run.peak_anon_mib,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, nargs="+", default=[2, 20])
    parser.add_argument("--workers", type=int, nargs="+", default=[2])
    parser.add_argument("--records", choices=RECORDS, default="all", help="the shared records to replicate")
    parser.add_argument("--tree", action="append", default=None, help="a checkout to run (repeatable; default: .)")
    args = parser.parse_args()
    trees = [tree if tree == "." else str(Path(tree).resolve()) for tree in args.tree or ["."]]
    # `python -c` and `-m` put the working folder first on sys.path: from this repository's root an
    # older tree's PYTHONPATH would lose to this checkout's ctpairs, so every run starts elsewhere
    os.chdir(tempfile.gettempdir())
    for tree in trees:
        if tree != ".":
            check_tree(tree)
    for copies in args.copies:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "corpus.jsonl"
            with path.open("w") as fh:
                fh.writelines(replicated_lines(copies, records=args.records))
            for workers in args.workers:
                for i, tree in enumerate(trees):
                    result = bench(path, copies, args.records, workers, tree, Path(tmp) / f"out-{workers}-{i}")
                    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
