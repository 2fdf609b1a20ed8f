"""The ``ctpairs`` command line: a thin skin over the library.

Each command parses its options and calls one library function. Heavy modules
(pandas, pyarrow, datasets, torch...) are imported inside the commands that need
them, so ``ctpairs --help`` stays instant.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from ctpairs import __version__
from ctpairs.errors import ApiError, CtpairsError
from ctpairs.paths import default_store_path


def _add_store(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--store",
        type=Path,
        default=None,
        help="SQLite store of raw records (default: $CTPAIRS_HOME/store.sqlite or ~/.local/share/ctpairs/store.sqlite)",
    )


def _store_path(args: argparse.Namespace) -> Path:
    return args.store or default_store_path()


def _notice(args: argparse.Namespace, message: str) -> None:
    if not getattr(args, "quiet", False):
        print(message, file=sys.stderr)


# -- fetch ------------------------------------------------------------------------------


def _api_params(args: argparse.Namespace) -> dict[str, str]:
    params: dict[str, str] = {}
    for flag, name in (("cond", "query.cond"), ("term", "query.term"), ("intr", "query.intr"), ("status", "filter.overallStatus")):
        if getattr(args, flag):
            params[name] = getattr(args, flag)
    if args.fields:
        params["fields"] = args.fields
    params["pageSize"] = str(args.page_size)
    params["countTotal"] = "true"
    for item in args.param:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise CtpairsError(f"--param takes KEY=VALUE with an API parameter name, got {item!r}")
        params[key] = value
    return params


def cmd_fetch(args: argparse.Namespace) -> int:
    from ctpairs.store import Store

    with Store(_store_path(args)) as store:
        if args.source == "sample":
            return _load_sample(args, store)
        import requests

        from ctpairs.fetch import fetch_to_store
        from ctpairs.sources.client import CTGovClient

        with CTGovClient(args.base_url, rate=args.rate, retries=args.retries) as client:
            try:
                result = fetch_to_store(
                    store,
                    client,
                    _api_params(args),
                    since=args.since,
                    max_pages=args.max_pages,
                    restart=args.restart,
                    progress=not args.quiet,
                )
            except requests.ConnectionError as exc:
                if len(store) == 0 and not args.no_sample_fallback:
                    _notice(args, f"ClinicalTrials.gov is unreachable ({type(exc).__name__}); the store is empty, so "
                            "loading the bundled real sample instead (use --no-sample-fallback to fail instead).")
                    return _load_sample(args, store)
                raise CtpairsError(f"could not reach {client.base_url}: {exc}. Stored records are kept; "
                                   "rerun the same command to resume.") from exc
            except ApiError as exc:
                if exc.status == 400 and "pageToken" in exc.url:
                    raise CtpairsError(f"{exc}\nThe saved page token was refused (the API data may have been "
                                       "refreshed since the run stopped): rerun with --restart.") from exc
                raise
        state = "finished" if result.finished else "stopped (rerun to resume)"
        _notice(args, f"fetched {result.studies} studies in {result.pages} pages from page {result.resumed_from_page + 1}; "
                f"query {state}; store: {store.path} ({len(store)} studies)")
    return 0


def _load_sample(args: argparse.Namespace, store) -> int:
    from ctpairs.ingest import ingest_path
    from ctpairs.sources.sample import SAMPLE_SOURCE, sample_path

    report = ingest_path(store, sample_path(), source=SAMPLE_SOURCE)
    _notice(args, f"loaded {report.stored} studies from the bundled sample into {store.path}")
    return 0


# -- ingest / export / stats ----------------------------------------------------------------


def cmd_ingest(args: argparse.Namespace) -> int:
    from ctpairs.ingest import ingest_path
    from ctpairs.store import Store

    with Store(_store_path(args)) as store:
        report = ingest_path(store, args.path)
    for bad in report.bad:
        print(f"skipped {bad.location}: {bad.reason}", file=sys.stderr)
    _notice(args, f"stored {report.stored} studies from {args.path}; skipped {len(report.bad)} bad records")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from ctpairs.export import export_jsonl
    from ctpairs.store import Store

    with Store(_store_path(args)) as store:
        count = export_jsonl(store, args.out, with_results_only=args.with_results)
    _notice(args, f"wrote {count} records to {args.out}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from ctpairs.stats import store_stats
    from ctpairs.store import Store

    with Store(_store_path(args)) as store:
        stats = store_stats(store).as_dict()
    if args.json:
        print(json.dumps(stats, indent=2))
        return 0
    rows = [(k, v) for k, v in stats.items() if k != "phases"]
    rows += [(f"phase {k}", v) for k, v in stats["phases"].items()]
    width = max(len(k) for k, _ in rows)
    print(f"store: {_store_path(args)}")
    for key, value in rows:
        print(f"  {key:<{width}}  {value}")
    return 0


# -- build / builders ------------------------------------------------------------------------


def cmd_build(args: argparse.Namespace) -> int:
    from ctpairs.build import REPORT_NAME, build_pairs
    from ctpairs.inputs import open_input

    source = open_input(path=args.input, source=args.source, store=_store_path(args))
    if source.notice:
        _notice(args, source.notice)
    report = build_pairs(
        source, args.axis, args.out, inputs=[source.label], workers=args.workers,
        progress=not (args.quiet or args.json), total=source.total,
    )
    report.bad_records += source.bad
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
        return 0
    if not args.quiet:
        print(f"read {report.studies} studies ({report.studies_with_results} with results) from {source.label} "
              f"in {report.seconds:.1f}s; data timestamp {report.data_timestamp}")
        for name, axis in report.axes.items():
            print(f"  {name:<10} {axis.pairs:>7} pairs from {axis.trials_with_pairs} trials -> {Path(args.out) / axis.file}")
            for reason, count in list(axis.trials_without_pairs.items())[:3]:
                print(f"  {'':<10} {count:>7} trials without pairs: {reason}")
        print(f"report: {Path(args.out) / REPORT_NAME}")
    return 0


def cmd_builders(args: argparse.Namespace) -> int:
    from ctpairs.builder import available_builders

    registry = available_builders()
    if args.json:
        print(json.dumps({n: {"version": c.version, "kind": c.kind, "description": c.description,
                              "class": f"{c.__module__}.{c.__qualname__}"} for n, c in registry.items()}, indent=2))
        return 0
    for name, cls in registry.items():
        print(f"{name:<12} {cls.version:<8} {cls.kind:<12} {cls.description}")
    return 0


# -- parser ------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ctpairs",
        description="Turn ClinicalTrials.gov results into counterfactual pairs.",
    )
    parser.add_argument("--version", action="version", version=f"ctpairs {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("fetch", help="fetch studies from the ClinicalTrials.gov API (resumable) or load the bundled sample")
    _add_store(p)
    p.add_argument("--source", choices=["api", "sample"], default="api", help="where records come from (default: api)")
    p.add_argument("--base-url", default=None, help="API base URL (default: $CTPAIRS_API_URL or https://clinicaltrials.gov/api/v2)")
    p.add_argument("--cond", help="query.cond: condition or disease")
    p.add_argument("--term", help="query.term: other terms")
    p.add_argument("--intr", help="query.intr: intervention or treatment")
    p.add_argument("--status", help="filter.overallStatus, e.g. COMPLETED")
    p.add_argument("--fields", help="comma-separated fields to return (default: whole records)")
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                   help="any other /studies parameter, e.g. --param filter.advanced=AREA[Phase]PHASE2 (repeatable)")
    p.add_argument("--page-size", type=int, default=100, help="studies per page (API maximum 1000; default 100)")
    p.add_argument("--max-pages", type=int, default=None, help="stop after this many pages (resume later)")
    p.add_argument("--since", metavar="DATE", help="only studies updated on or after DATE (YYYY-MM-DD)")
    p.add_argument("--rate", type=float, default=1.0, help="maximum requests per second (default 1)")
    p.add_argument("--retries", type=int, default=5, help="retries on 429/5xx/connection errors (default 5)")
    p.add_argument("--restart", action="store_true", help="ignore the saved checkpoint of this query and start again")
    p.add_argument("--no-sample-fallback", action="store_true",
                   help="fail instead of loading the bundled sample when the API is unreachable and the store is empty")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_fetch)

    p = sub.add_parser("ingest", help="load studies from ctg-studies.json.zip, JSON, JSONL(.gz) or a directory")
    _add_store(p)
    p.add_argument("path", type=Path)
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("export", help="write the stored records, unchanged, one per line")
    _add_store(p)
    p.add_argument("--out", type=Path, required=True, help="output .jsonl or .jsonl.gz")
    p.add_argument("--with-results", action="store_true", help="only studies with posted results")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("stats", help="counts of the stored studies")
    _add_store(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("build", help="build counterfactual pairs as Parquet (default input: the store, else the bundled sample)")
    _add_store(p)
    p.add_argument("--axis", action="append", required=True,
                   help="builder axis: dose, outcome, arm, ... or all (repeatable; see `ctpairs builders`)")
    inp = p.add_mutually_exclusive_group()
    inp.add_argument("--input", type=Path, help="read records from files instead of the store (what `ctpairs ingest` takes)")
    inp.add_argument("--source", choices=["sample"], help="read the bundled real sample")
    p.add_argument("--out", type=Path, default=Path("pairs"), help="output folder (default: ./pairs)")
    p.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    p.add_argument("--json", action="store_true", help="print the build report as JSON")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("builders", help="list the registered pair builders")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_builders)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except CtpairsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; everything committed so far is kept. Rerun the same command to resume.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
