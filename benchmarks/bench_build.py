"""Pairs per second and studies per second of ``build --axis all``, next to the raw JSON parse rate.

    python benchmarks/bench_build.py --copies 1 10 --workers 1 2

The corpus is the shared real records replicated N times (distinct NCT ids), written to a
temporary JSONL file and built with the same runner as ``ctpairs build``. Each (copies, workers)
runs in a fresh process; peak memory is the maximum resident set size of that process and of its
largest worker (interpreter and libraries included).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _corpus import replicated_lines

from ctpairs.build import build_pairs
from ctpairs.inputs import open_input


def bench(copies: int, workers: int, axes: list[str]) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.jsonl"
        with path.open("w") as fh:
            fh.writelines(replicated_lines(copies))
        started = time.perf_counter()
        with path.open() as fh:
            records = sum(1 for line in fh if json.loads(line))
        raw_s = time.perf_counter() - started
        report = build_pairs(
            open_input(path=path), axes, Path(tmp) / "out", inputs=[str(path)], workers=workers, progress=False
        )
    pairs = sum(a.pairs for a in report.axes.values())
    return {
        "copies": copies,
        "workers": workers,
        "studies": report.studies,
        "pairs": pairs,
        "pairs_per_axis": {k: a.pairs for k, a in report.axes.items()},
        "build_s": report.seconds,
        "studies_per_s": round(report.studies / report.seconds, 1),
        "pairs_per_s": round(pairs / report.seconds, 1),
        "raw_json_studies_per_s": round(records / raw_s, 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_worker_rss_mib": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
        if workers > 1
        else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--workers", type=int, nargs="+", default=[1])
    parser.add_argument("--axis", action="append", default=None)
    args = parser.parse_args()
    axes = args.axis or ["all"]
    if len(args.copies) == 1 and len(args.workers) == 1:
        print(json.dumps(bench(args.copies[0], args.workers[0], axes)), flush=True)
        return
    for copies in args.copies:
        for workers in args.workers:
            axis_args = [a for axis in axes for a in ("--axis", axis)]
            subprocess.run(
                [sys.executable, __file__, "--copies", str(copies), "--workers", str(workers), *axis_args], check=True
            )


if __name__ == "__main__":
    main()
