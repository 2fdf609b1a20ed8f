"""The whole pipeline on a registry-like corpus: ingest -> build (all natural axes) -> index ->
one approximate axis -> package, with the time and peak memory of each stage and a projection
to the registry's studies with results.

    python benchmarks/bench_registry.py --studies 80000 --workers 2 [--device cuda] [--keep DIR]

The corpus comes from ``make_registry.py`` (a bulk-download zip of real records and their
variants). Each stage is the ``ctpairs`` command line in a fresh process; its time is wall
time (interpreter start-up included) and its peak memory the largest resident set of any of
its processes. The projection scales each stage linearly from ``--studies`` to
``--registry`` studies with results (build and embedding are per study; the index and the
approximate axis grow a little faster than linearly, so their projection is a lower bound).
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq
from _measure import run_measured
from make_registry import write_zip

REGISTRY_WITH_RESULTS = 80_500


def stage(name: str, args: list[str], disk: Path | None = None) -> dict:
    """Run ``ctpairs <args>`` in a fresh process: seconds and peak memory (RSS and anonymous); with
    ``disk``, the peak bytes it added under that folder (temporary files and output)."""
    run = run_measured([sys.executable, "-m", "ctpairs", *args], disk=disk)
    if run.returncode:
        raise SystemExit(f"{name} failed:\n{run.stderr[-3000:]}")
    row = {"stage": name, "seconds": run.seconds, "peak_rss_mib": run.peak_rss_mib, "peak_anon_mib": run.peak_anon_mib}
    if disk is not None:
        row["peak_disk_mib"] = run.peak_disk_mib
    print(json.dumps(row), file=sys.stderr, flush=True)  # progress; the report with projections comes at the end
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--studies", type=int, default=80_000)
    parser.add_argument("--registry", type=int, default=REGISTRY_WITH_RESULTS, help="studies to project to")
    parser.add_argument("--workers", type=int, default=2, help="build worker processes (default 2)")
    parser.add_argument(
        "--package-workers", type=int, default=1, help="package worker processes (default 1, as in earlier passes)"
    )
    parser.add_argument("--axis", default="geography", help="the approximate axis (default geography)")
    parser.add_argument("--device", default=None, help="embedding device (default: cuda when available)")
    parser.add_argument("--keep", type=Path, default=None, help="keep the corpus, store and outputs here")
    parser.add_argument(
        "--natural-only",
        action="store_true",
        help="leave out the index and the approximate axis (their CPU embedding takes hours at registry size): "
        "ingest, the natural build, and the package of the natural pairs",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="with --keep: reuse the corpus, store and embedding cache a previous run left there (no ingest; "
        "the index stage then embeds nothing), to measure the later stages again",
    )
    parser.add_argument(
        "--no-curate",
        action="store_true",
        help="package with --no-curate (the -all configs only: less temporary disk)",
    )
    parser.add_argument(
        "--package-only",
        action="store_true",
        help="with --reuse: only the package stage, of the pairs the previous run left in --keep DIR",
    )
    args = parser.parse_args()
    if args.reuse and not (args.keep and (args.keep / "store.sqlite").is_file()):
        raise SystemExit("--reuse needs --keep DIR holding a previous run's store.sqlite")
    if args.package_only and not (args.reuse and (args.keep / "natural").is_dir()):
        raise SystemExit("--package-only needs --reuse and --keep DIR holding a previous run's natural/ pairs")
    work = args.keep or Path(tempfile.mkdtemp(prefix="ctpairs-registry-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus, store = work / "ctg-studies.json.zip", work / "store.sqlite"
    kept = (store, work / "store.sqlite.index") if args.reuse else ()
    if args.package_only:
        kept += (work / "natural", work / "approximate")
    for old in (store, work / "store.sqlite.index", work / "natural", work / "approximate", work / "dataset"):
        if old not in kept:
            shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)
    started = time.perf_counter()
    studies = args.studies if args.reuse else write_zip(corpus, args.studies)
    print(json.dumps({"corpus": str(corpus), "studies": studies, "seconds": round(time.perf_counter() - started, 1)}))

    device = ["--device", args.device] if args.device else []
    s = ["--store", str(store)]
    stages = [] if args.reuse else [stage("ingest", ["ingest", str(corpus), *s, "-q"])]
    if not args.package_only:
        stages.append(
            stage(
                "build natural",
                ["build", *s, "--axis", "all", "--workers", str(args.workers), "-q", "--out", str(work / "natural")],
            )
        )
        if not args.natural_only:
            stages += approximate(args, work, s, device)
    stages.append(package(args, work))
    report(stages, studies, args.registry)


def approximate(args: argparse.Namespace, work: Path, s: list[str], device: list[str]) -> list[dict]:
    """index -> the approximate axis, whose pairs are then packaged with the natural ones."""
    stages = [
        stage("index", ["index", *s, "-q", *device]),
        stage(
            f"build {args.axis}", ["build", *s, "--axis", args.axis, "-q", "--out", str(work / "approximate"), *device]
        ),
    ]
    for parquet in (work / "approximate").glob("*.parquet"):
        if pq.ParquetFile(parquet).metadata.num_rows:
            shutil.copy(parquet, work / "natural" / parquet.name)
    return stages


def package(args: argparse.Namespace, work: Path) -> dict:
    """The package of every pair in ``work/natural`` (the approximate axis's too, when it was built),
    with the disk it takes beside its input (its spilled rows and the dataset folder)."""
    return stage(
        "package",
        [
            "package",
            *("--pairs", str(work / "natural"), "--out", str(work / "dataset"), "--version", "1.0.0"),
            *("--workers", str(args.package_workers), "-q"),
            *(["--no-curate"] if args.no_curate else []),
        ],
        disk=work,
    )


def report(stages: list[dict], studies: int, registry: int) -> None:
    """Each stage with its projection to ``registry`` studies, then the totals, as JSON lines."""
    scale = registry / studies
    for row in stages:
        row["projected_seconds"] = round(row["seconds"] * scale)
        print(json.dumps(row), flush=True)
    total = sum(r["seconds"] for r in stages)
    print(
        json.dumps(
            {
                "machine": f"{platform.machine()}, {platform.python_version()}",
                "studies": studies,
                "total_seconds": round(total, 1),
                "projected_registry_studies": registry,
                "projected_total_hours": round(total * scale / 3600, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
