"""The ``ctpairs`` command line: a thin skin over the library.

Each command parses its options and calls one library function. Heavy modules
(pandas, pyarrow, datasets, torch...) are imported inside the commands that need
them, so ``ctpairs --help`` stays instant.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from ctpairs import __version__
from ctpairs.errors import ApiError, ApiUnreachableError, CtpairsError, InputError, NoStudiesError
from ctpairs.paths import default_store_path

#: Exit codes: done; done but bad records were skipped (each listed); failed; a bug; interrupted.
EXIT_OK, EXIT_PARTIAL, EXIT_ERROR, EXIT_BUG, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
DEBUG_ENV = "CTPAIRS_DEBUG"
SHOWN_BAD = 10  # bad records listed one per line before the count of the rest


def _int_range(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse ``type``: a whole number in ``low..high`` (no upper bound when ``high`` is None)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < low or (high is not None and value > high):
            bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise argparse.ArgumentTypeError(f"must be {bounds}, got {value}")
        return value

    return parse


def _non_negative(text: str) -> float:
    """An argparse ``type``: a number >= 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text}")
    return value


def _print_bad(args: argparse.Namespace, tally) -> None:
    """The bad records of a read, once each: the first :data:`SHOWN_BAD`, then how many more (also
    with ``--quiet``: they explain the exit code)."""
    for line in tally.lines(SHOWN_BAD):
        print(line, file=sys.stderr)


def _add_store(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--store",
        type=Path,
        default=None,
        help="SQLite store of raw records (default: $CTPAIRS_HOME/store.sqlite or ~/.local/share/ctpairs/store.sqlite)",
    )


def _store_path(args: argparse.Namespace) -> Path:
    return args.store or default_store_path()


def _read_store(args: argparse.Namespace):
    """The store of a command that only reads it: a missing one is an error, never created."""
    from ctpairs.store import Store

    return Store(_store_path(args), create=False)


def _notice(args: argparse.Namespace, message: str) -> None:
    if not getattr(args, "quiet", False):
        print(message, file=sys.stderr)


# -- fetch ------------------------------------------------------------------------------


def _api_params(args: argparse.Namespace) -> dict[str, str]:
    params: dict[str, str] = {}
    for flag, name in (
        ("cond", "query.cond"),
        ("term", "query.term"),
        ("intr", "query.intr"),
        ("status", "filter.overallStatus"),
    ):
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


def _has_query(args: argparse.Namespace) -> bool:
    return any((args.cond, args.term, args.intr, args.status, args.param, args.since))


def cmd_fetch(args: argparse.Namespace) -> int:
    from ctpairs.store import Store

    with Store(_store_path(args)) as store:
        if args.source == "sample":
            return _load_sample(args, store)
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
            except ApiUnreachableError as exc:
                if len(store) == 0 and not _has_query(args) and not args.no_sample_fallback:
                    _notice(
                        args,
                        f"{exc}; the store is empty and no query was given, so loading the bundled real sample "
                        "instead (--no-sample-fallback fails instead)",
                    )
                    return _load_sample(args, store)
                if len(store):
                    kept = f"the store keeps its {len(store):,} studies; rerun the same command to resume"
                else:
                    kept = "nothing was fetched (`ctpairs fetch --source sample` loads the bundled sample)"
                raise ApiUnreachableError(f"{exc}; {kept}") from exc
            except ApiError as exc:
                if exc.status == 400 and "pageToken" in exc.url:
                    raise CtpairsError(
                        f"{exc}; the saved page token was refused (the API data may have been "
                        "refreshed since the run stopped): rerun with --restart"
                    ) from exc
                raise
        state = "finished" if result.finished else "stopped (rerun to resume)"
        _notice(
            args,
            f"fetched {result.studies} studies in {result.pages} pages from page {result.resumed_from_page + 1}; "
            f"query {state}; store: {store.path} ({len(store)} studies)",
        )
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
    from ctpairs.sources.files import check_input
    from ctpairs.store import Store

    check_input(args.path)
    with Store(_store_path(args)) as store:
        report = ingest_path(store, args.path)
    _print_bad(args, report.tally)
    if not report.stored:
        raise NoStudiesError(
            f"no study record in {args.path} ({report.tally.count:,} bad records, listed above); nothing was stored"
        )
    _notice(args, f"stored {report.stored} studies from {args.path}; skipped {report.tally.count:,} bad records")
    return EXIT_PARTIAL if report.tally.count else EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from ctpairs.export import export_jsonl

    with _read_store(args) as store:
        count = export_jsonl(store, args.out, with_results_only=args.with_results)
    _notice(args, f"wrote {count} records to {args.out}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from ctpairs.stats import store_stats

    with _read_store(args) as store:
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


def _open_input(args: argparse.Namespace):
    """The records a command reads: ``--input``, ``--source sample``, else the store (or the sample, said aloud)."""
    from ctpairs.inputs import open_input

    source = open_input(
        path=args.input, source=args.source, store=_store_path(args), store_required=args.store is not None
    )
    if source.notice:
        _notice(args, source.notice)
    return source


def cmd_build(args: argparse.Namespace) -> int:
    from ctpairs.build import REPORT_NAME, build_pairs
    from ctpairs.retrieval import default_index_dir

    source = _open_input(args)
    report = build_pairs(
        source,
        args.axis,
        args.out,
        inputs=[source.label],
        workers=args.workers,
        progress=not (args.quiet or args.json),
        total=source.total,
        index_dir=args.index_dir or default_index_dir(_store_path(args)),
        model=args.model,
        device=args.device,
        executor=args.executor,
    )
    _print_bad(args, source.bad)
    code = EXIT_PARTIAL if report.bad_records else EXIT_OK
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
        return code
    if not args.quiet:
        print(
            f"read {report.studies} studies ({report.studies_with_results} with results) from {source.label} "
            f"in {report.seconds:.1f}s; data timestamp {report.data_timestamp}"
        )
        if report.bad_records:
            print(f"  {report.bad_records:,} bad records skipped (listed on stderr)")
        for name, axis in report.axes.items():
            where = f"-> {Path(args.out) / axis.file}" if axis.file else "(no pairs: no file written)"
            print(f"  {name:<10} {axis.pairs:>7} pairs from {axis.trials_with_pairs} trials {where}")
            for reason, count in list(axis.trials_without_pairs.items())[:3]:
                print(f"  {'':<10} {count:>7} trials without pairs: {reason}")
        print(f"report: {Path(args.out) / REPORT_NAME}")
    return code


def cmd_builders(args: argparse.Namespace) -> int:
    from ctpairs.builder import available_builders

    registry = available_builders()
    if args.json:
        print(
            json.dumps(
                {
                    n: {
                        "version": c.version,
                        "kind": c.kind,
                        "description": c.description,
                        "class": f"{c.__module__}.{c.__qualname__}",
                    }
                    for n, c in registry.items()
                },
                indent=2,
            )
        )
        return 0
    for name, cls in registry.items():
        print(f"{name:<12} {cls.version:<8} {cls.kind:<12} {cls.description}")
    return 0


# -- train -----------------------------------------------------------------------------------


def cmd_train(args: argparse.Namespace) -> int:
    from ctpairs.train import train_grpo, train_sft

    extra: dict[str, object] = {}
    for item in args.trl_arg:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise CtpairsError(f"--trl-arg takes KEY=VALUE with a TRL config field, got {item!r}")
        try:
            extra[key] = json.loads(value)
        except json.JSONDecodeError:
            extra[key] = value
    common = dict(
        config=args.config,
        split=args.split,
        revision=args.revision,
        model_revision=args.model_revision,
        conversational=args.conversational,
        num_train_epochs=args.epochs,
        max_steps=args.max_steps,
        per_device_train_batch_size=args.batch_size,
        gradient_accumulation_steps=args.grad_accum,
        lora_r=args.lora_r,
        lora_alpha=args.lora_alpha,
        seed=args.seed,
        use_cpu=True if args.cpu else None,
        max_samples=args.max_samples,
        tiny_model=args.tiny_model,
        overwrite=args.overwrite,
        resume=args.resume,
    )
    if args.output_dir:
        common["output_dir"] = args.output_dir
    if args.lr is not None:
        common["learning_rate"] = args.lr
    common.update(extra)
    if args.trainer == "sft":
        out = train_sft(args.dataset, args.model, max_length=args.max_length, **common)
    else:
        out = train_grpo(
            args.dataset,
            args.model,
            num_generations=args.num_generations,
            max_completion_length=args.max_completion_length,
            reward_format=args.format_reward,
            **common,
        )
    _notice(args, f"model saved to {out}")
    return 0


# -- eval ------------------------------------------------------------------------------------


def _pathway_blocks(args: argparse.Namespace, stack):
    """The pathways of each question's trial for ``eval --pathways K``: targets from the CT Open
    file (or, for a dataset folder, from the store); anchors from the store and its index."""
    from ctpairs.pathway import PathwayBlocks, Searcher, ctopen_record
    from ctpairs.retrieval import default_index_dir
    from ctpairs.store import Store

    store_path = _store_path(args)
    store = stack.enter_context(Store(store_path))
    if args.benchmark.is_dir():
        load_target = store.get
    else:
        from ctpairs.ctopen import load_benchmark

        benchmark = load_benchmark(args.benchmark)
        load_target = lambda nct_id: ctopen_record(benchmark, nct_id)  # noqa: E731
    searcher = Searcher(args.index_dir or default_index_dir(store_path), device=args.device)
    return PathwayBlocks(load_target, store.get, searcher, k=args.pathways, cutoff=args.pathways_cutoff)


def cmd_eval(args: argparse.Namespace) -> int:
    from ctpairs.evaluate import CACHE_NAME, evaluate_ctopen
    from ctpairs.predictors import make_predictor

    predictor = make_predictor(
        args.predictor,
        train=args.train,
        model=args.model,
        batch_size=args.batch_size,
        max_new_tokens=args.max_new_tokens,
        device=args.device,
        temperature=args.temperature,
        concurrency=args.concurrency,
        cache=args.out / CACHE_NAME,
    )
    with ExitStack() as stack:
        context = _pathway_blocks(args, stack) if args.pathways else None
        result = evaluate_ctopen(
            args.benchmark,
            predictor,
            args.out,
            runs=args.runs,
            limit=args.limit,
            split=args.split,
            context=context,
            context_name=f"pathways{args.pathways}" if args.pathways else None,
        )
    if not args.quiet:
        m = result.metrics
        print(f"{m['questions']} questions x {m['runs']} run(s), {m['malformed']:g} malformed; wrote {result.out_dir}")
        for version in ("binary_mapped", "three_class"):
            for cat, v in m[version].items():
                print(
                    f"  {version:<13} {cat:<17} w_acc {v['Weighted_Accuracy']:.4f}  "
                    f"macro-F1 {v['Macro-F1']:.4f}  CE {v['Cross_Entropy']:.4f}"
                )
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from ctpairs.audit import audit_pairs_dir

    audits = audit_pairs_dir(args.pairs)
    if args.json:
        print(json.dumps(audits, indent=2))
        return 0
    for axis, a in audits.items():
        b, agree = a["balance"], a["agreement"]
        rate = f"{100 * agree['rate']:.1f}% of {agree['pairs']}" if agree["rate"] is not None else "no pairs with both"
        print(
            f"{axis}: {a['pairs']} pairs, {b['trials']} trials (top {b['top_trial']} {100 * b['top_trial_share']:.1f}%, "
            f"effective {b['effective_trials']}), {b['measures']} measures (top {100 * b['top_measure_share']:.1f}%); "
            f"verifiable {100 * a['verifiable_share']:.1f}%"
        )
        if b["top_measure"]:
            print(f"  top measure: {b['top_measure']}")
        print("  methods: " + ", ".join(f"{m} {100 * v['share']:.1f}%" for m, v in a["methods"].items()))
        print("  directions: " + ", ".join(f"{d} {100 * v['share']:.1f}%" for d, v in a["directions"].items()))
        print(f"  our test agrees with the trial's analysis on significance: {rate}")
        for stat, r in agree["by_statistic"].items():
            print(f"    {stat:<16} {100 * r['rate']:.1f}% of {r['pairs']}")
    return 0


# -- package / publish -----------------------------------------------------------------------


def _curation_policy(args: argparse.Namespace):
    """The ``package`` curation options as a :class:`~ctpairs.curate.CurationPolicy` (``None``: --no-curate)."""
    from ctpairs.curate import CurationPolicy

    if args.no_curate:
        return None
    for name in ("max_per_measure", "max_per_trial"):
        if getattr(args, name) < 1:
            raise CtpairsError(f"--{name.replace('_', '-')} must be at least 1")
    if not 0 < args.max_trial_share <= 1:
        raise CtpairsError("--max-trial-share must be a share in (0, 1], e.g. 0.05")
    return CurationPolicy(
        verifiable_only=not args.keep_unverifiable,
        drop_zero_vs_zero=not args.keep_zero_vs_zero,
        max_per_measure=args.max_per_measure,
        max_per_trial=args.max_per_trial,
        max_trial_share=args.max_trial_share,
    )


def cmd_package(args: argparse.Namespace) -> int:
    from ctpairs.package import package_pairs

    if args.split_by == "date" and not args.cutoff:
        raise CtpairsError("--split-by date needs --cutoff YYYY-MM-DD")
    result = package_pairs(
        args.pairs,
        args.out,
        args.version,
        split_by=args.split_by,
        cutoff=args.cutoff,
        seed=args.seed,
        repo_id=args.repo_id,
        template=args.template,
        traces=args.traces,
        trace_generator=args.trace_generator,
        trace_model=args.trace_model,
        curation=_curation_policy(args),
        benchmark_configs=args.benchmark_configs,
        exclude_benchmark=args.exclude_benchmark,
        workers=args.workers,
    )
    if not args.quiet:
        since = f" (previous: {result.previous_version})" if result.previous_version else ""
        print(f"packaged version {result.version}{since} into {result.out_dir}")
        for config, splits in result.counts.items():
            cells = ", ".join(f"{s} {n}" for s, n in splits.items())
            print(f"  {config:<10} {cells}; {result.dropped[config]} cross-split pairs dropped")
    for note in result.notes:
        print(f"warning: {note}", file=sys.stderr)
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from ctpairs.publish import publish_folder

    result = publish_folder(
        args.repo_dir,
        args.repo_id,
        private=args.private,
        create_pr=args.create_pr,
        revision_tag=args.revision_tag,
        dry_run=args.dry_run,
    )
    if args.dry_run:
        print(
            f"dry run: would upload {len(result.files)} files ({sum(f.size for f in result.files)} bytes) "
            f"to dataset {result.repo_id} as version {result.version}" + (f", tag {result.tag}" if result.tag else "")
        )
        for f in result.files:
            print(f"  {f.size:>12}  {f.path_in_repo}")
        return 0
    print(f"published version {result.version} to dataset {result.repo_id}: {result.pr_url or result.commit_url}")
    for path in result.deleted:
        print(f"  deleted {path} (not in this version)")
    if result.tag:
        print(f"  tagged {result.tag}")
    return 0


# -- index -----------------------------------------------------------------------------------


def cmd_index(args: argparse.Namespace) -> int:
    from ctpairs.model.parse import parse_trial
    from ctpairs.retrieval import default_index_dir, index_trials

    source = _open_input(args)
    index_dir = args.index_dir or default_index_dir(_store_path(args))
    trials = (parse_trial(r) for r in source)
    corpus = index_trials(
        trials,
        index_dir,
        model=args.model,
        device=args.device,
        kind=args.kind,
        batch_size=args.batch_size,
        progress=not (args.quiet or args.json),
    )
    summary = {
        "index_dir": str(index_dir),
        "anchors": corpus.anchors,
        "embedded": corpus.embedded,
        "device": corpus.device,
        **corpus.update.as_dict(),
    }
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        action = f"rebuilt ({corpus.update.reason})" if corpus.update.rebuilt else f"{corpus.update.added} added"
        _notice(
            args,
            f"indexed {corpus.anchors} anchors from {source.label}: {corpus.embedded} texts embedded, "
            f"{corpus.update.kind} index {action}; {index_dir}",
        )
    return 0


# -- traces ----------------------------------------------------------------------------------


def cmd_traces(args: argparse.Namespace) -> int:
    from ctpairs.atomic import atomic_path
    from ctpairs.teacher import Sampling, open_generator
    from ctpairs.traces import TraceCache, default_cache_path, generate_traces, read_pair_rows

    rows = read_pair_rows(args.pairs, args.axis, args.limit)
    sampling = Sampling(temperature=args.temperature, top_p=args.top_p, max_tokens=args.max_tokens)
    generator = open_generator(args.generator, args.model, sampling, key_env=args.api_key_env, device=args.device)
    try:
        with TraceCache(args.cache or default_cache_path(args.pairs)) as cache:
            report = generate_traces(
                rows,
                generator,
                cache,
                samples=args.samples,
                concurrency=args.concurrency,
                min_words=args.min_words,
                max_words=args.max_words,
                progress=not (args.quiet or args.json),
            )
    finally:
        generator.close()
    summary = report.as_dict()
    if args.report:
        with atomic_path(args.report) as tmp:
            tmp.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        reasons = ", ".join(f"{reason}: {n}" for reason, n in sorted(report.rejected.items())) or "none"
        _notice(
            args,
            f"{report.kept} of {report.pairs} pairs have a trace ({report.attempts} tries, "
            f"{report.cached_attempts} from the cache); rejected: {reasons}; tokens: "
            f"{report.prompt_tokens} prompt + {report.completion_tokens} completion",
        )
    return 0


# -- pathway ---------------------------------------------------------------------------------


def _target_record(target: str, store, ctopen: Path | None) -> dict:
    """The v2 record of ``target``: an NCT id of a CT Open file (``ctopen``) or of the store, or
    a file holding one record."""
    import re

    from ctpairs.sources.files import GoodRecord, iter_file_records

    if ctopen is not None:
        from ctpairs.ctopen import load_benchmark
        from ctpairs.pathway import ctopen_record

        return ctopen_record(load_benchmark(ctopen), target)
    if re.fullmatch(r"NCT\d{8}", target):
        record = store.get(target)
        if record is None:
            raise InputError(f"{target} is not in the store {store.path}; `ctpairs fetch` it or give its record file")
        return record
    path = Path(target)
    if not path.exists():
        raise InputError(f"{target} is neither an NCT id nor a file")
    records = [item.record for item in iter_file_records(path) if isinstance(item, GoodRecord)]
    if len(records) != 1:
        raise InputError(f"{target} holds {len(records)} study records; give a file with exactly one")
    return records[0]


def cmd_pathway(args: argparse.Namespace) -> int:
    from ctpairs.atomic import atomic_path
    from ctpairs.pathway import find_pathways
    from ctpairs.retrieval import default_index_dir
    from ctpairs.store import Store

    store_path = _store_path(args)
    with Store(store_path) as store:
        target = _target_record(args.target, store, args.ctopen)
        pathways = find_pathways(
            target,
            store.get,
            args.index_dir or default_index_dir(store_path),
            k=args.k,
            cutoff=args.cutoff,
            order=[f.strip() for f in args.order.split(",") if f.strip()],
            device=args.device,
        )
    lines = "".join(json.dumps(p.as_dict(), ensure_ascii=False) + "\n" for p in pathways)
    if args.out:
        with atomic_path(args.out) as tmp:
            tmp.write_text(lines, encoding="utf-8")
        _notice(args, f"{len(pathways)} pathways to {args.target} written to {args.out}")
    else:
        sys.stdout.write(lines)
    return 0


# -- parser ------------------------------------------------------------------------------


_DEBUG_HELP = f"show the full traceback of an error (also: {DEBUG_ENV}=1)"


def _command(sub, name: str, *, interrupted: str = "nothing was written", **kwargs) -> argparse.ArgumentParser:
    """A subcommand parser that also takes ``--debug``, with what Ctrl-C leaves behind said in ``interrupted``."""
    p = sub.add_parser(name, **kwargs)
    p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=_DEBUG_HELP)
    p.set_defaults(interrupted=interrupted)
    return p


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ctpairs",
        description="Turn ClinicalTrials.gov results into counterfactual pairs.",
    )
    parser.add_argument("--version", action="version", version=f"ctpairs {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    parser.add_argument("--debug", action="store_true", help=_DEBUG_HELP)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = _command(
        sub,
        "fetch",
        interrupted="every page stored so far is kept; rerun the same command to resume",
        help="fetch studies from the ClinicalTrials.gov API (resumable) or load the bundled sample",
    )
    _add_store(p)
    p.add_argument("--source", choices=["api", "sample"], default="api", help="where records come from (default: api)")
    p.add_argument(
        "--base-url", default=None, help="API base URL (default: $CTPAIRS_API_URL or https://clinicaltrials.gov/api/v2)"
    )
    p.add_argument("--cond", help="query.cond: condition or disease")
    p.add_argument("--term", help="query.term: other terms")
    p.add_argument("--intr", help="query.intr: intervention or treatment")
    p.add_argument("--status", help="filter.overallStatus, e.g. COMPLETED")
    p.add_argument("--fields", help="comma-separated fields to return (default: whole records)")
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="any other /studies parameter, e.g. --param filter.advanced=AREA[Phase]PHASE2 (repeatable)",
    )
    p.add_argument(
        "--page-size", type=_int_range(1, 1000), default=100, help="studies per page (API maximum 1000; default 100)"
    )
    p.add_argument("--max-pages", type=_int_range(1), default=None, help="stop after this many pages (resume later)")
    p.add_argument("--since", metavar="DATE", help="only studies updated on or after DATE (YYYY-MM-DD)")
    p.add_argument("--rate", type=_non_negative, default=1.0, help="maximum requests per second (default 1)")
    p.add_argument("--retries", type=_int_range(0), default=5, help="retries on 429/5xx/connection errors (default 5)")
    p.add_argument("--restart", action="store_true", help="ignore the saved checkpoint of this query and start again")
    p.add_argument(
        "--no-sample-fallback",
        action="store_true",
        help="fail instead of loading the bundled sample when the API is unreachable and the store is empty",
    )
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_fetch)

    p = _command(
        sub,
        "ingest",
        interrupted="every batch stored so far is kept",
        help="load studies from ctg-studies.json.zip, JSON, JSONL(.gz) or a directory",
    )
    _add_store(p)
    p.add_argument("path", type=Path)
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_ingest)

    p = _command(sub, "export", help="write the stored records, unchanged, one per line")
    _add_store(p)
    p.add_argument("--out", type=Path, required=True, help="output .jsonl or .jsonl.gz")
    p.add_argument("--with-results", action="store_true", help="only studies with posted results")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_export)

    p = _command(sub, "stats", help="counts of the stored studies")
    _add_store(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=cmd_stats)

    p = _command(
        sub,
        "build",
        interrupted="nothing was written; the output folder is as it was",
        help="build counterfactual pairs as Parquet (default input: the store, else the bundled sample)",
    )
    _add_store(p)
    p.add_argument(
        "--axis",
        action="append",
        required=True,
        help="builder axis: dose, outcome, arm, ... or all (repeatable; see `ctpairs builders`)",
    )
    inp = p.add_mutually_exclusive_group()
    inp.add_argument(
        "--input", type=Path, help="read records from files instead of the store (what `ctpairs ingest` takes)"
    )
    inp.add_argument("--source", choices=["sample"], help="read the bundled real sample")
    p.add_argument("--out", type=Path, default=Path("pairs"), help="output folder (default: ./pairs)")
    p.add_argument("--workers", type=_int_range(1), default=1, help="worker processes (default 1)")
    p.add_argument(
        "--executor",
        choices=["local", "ray"],
        default="local",
        help="local: this machine (--workers processes); ray: a Ray cluster (RAY_ADDRESS, else a local one; "
        "pip install 'ctpairs[ray]'), the same files",
    )
    p.add_argument(
        "--index-dir",
        type=Path,
        default=None,
        help="approximate axes: embedding cache and FAISS index (default: <store>.index/, as `ctpairs index` makes)",
    )
    p.add_argument(
        "--model",
        default=None,
        help="approximate axes: sentence-transformers model id or path (default: all-MiniLM-L6-v2, bundled)",
    )
    p.add_argument(
        "--device",
        default=None,
        help="approximate axes: embedding device: cpu, cuda, or ray (an actor pool on the Ray cluster; the default with --executor ray); default: cuda when available",
    )
    p.add_argument("--json", action="store_true", help="print the build report as JSON")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_build)

    p = _command(
        sub, "audit", help="what the labels of a pairs folder rest on: methods, verifiable share, agreement, balance"
    )
    p.add_argument("pairs", type=Path, help="a `ctpairs build` output folder (<axis>.parquet files)")
    p.add_argument("--json", action="store_true", help="print the audit as JSON")
    p.set_defaults(func=cmd_audit)

    p = _command(sub, "builders", help="list the registered pair builders")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_builders)

    p = _command(sub, "train", help="fine-tune a model on pair tasks with TRL: sft or grpo (needs ctpairs[train])")
    train_sub = p.add_subparsers(dest="trainer", required=True, metavar="TRAINER")
    for trainer, help_text in (
        ("sft", "supervised fine-tuning on the reasoning + answer completions"),
        ("grpo", "GRPO with the verifiable direction reward"),
    ):
        t = _command(
            train_sub, trainer, interrupted="checkpoints saved so far are kept (--resume continues)", help=help_text
        )
        t.add_argument(
            "--dataset", required=True, help="Hub dataset id, local dataset repo folder, or a pairs .parquet file"
        )
        t.add_argument("--config", help="dataset config (axis), e.g. dose")
        t.add_argument("--split", default="train", help="split to train on (default: train)")
        t.add_argument("--revision", help="dataset revision: a tag such as v1.0.0, a branch or a commit")
        start = t.add_mutually_exclusive_group(required=True)
        start.add_argument("--model", help="model id or path")
        start.add_argument(
            "--tiny-model",
            action="store_true",
            help="start from a tiny random model with a tokenizer trained on the dataset: the recipe offline, in seconds",
        )
        t.add_argument("--model-revision", help="model revision on the Hub")
        t.add_argument(
            "--output-dir", type=Path, help=f"where checkpoints and the final model go (default: ./ctpairs-{trainer})"
        )
        t.add_argument(
            "--conversational", action="store_true", help="train on chat messages (the tokenizer needs a chat template)"
        )
        t.add_argument("--lr", type=float, help="learning rate (default: 2e-5 for sft, 1e-6 for grpo)")
        t.add_argument("--epochs", type=float, default=1.0, help="training epochs (default 1)")
        t.add_argument("--max-steps", type=int, default=-1, help="stop after this many steps (overrides --epochs)")
        t.add_argument("--batch-size", type=_int_range(1), default=8, help="per-device train batch size (default 8)")
        t.add_argument("--grad-accum", type=_int_range(1), default=1, help="gradient accumulation steps (default 1)")
        t.add_argument("--lora-r", type=int, default=0, help="LoRA rank; 0 trains the full model (default 0)")
        t.add_argument("--lora-alpha", type=int, default=32, help="LoRA alpha (default 32)")
        t.add_argument("--seed", type=int, default=42)
        t.add_argument(
            "--cpu", action="store_true", help="train on the CPU (no bf16), even with a GPU (default: CPU when no GPU)"
        )
        again = t.add_mutually_exclusive_group()
        again.add_argument(
            "--overwrite", action="store_true", help="replace an earlier run in --output-dir (refused without it)"
        )
        again.add_argument(
            "--resume", action="store_true", help="continue the run in --output-dir from its last checkpoint"
        )
        t.add_argument("--max-samples", type=_int_range(1), help="use only the first N rows")
        if trainer == "sft":
            t.add_argument("--max-length", type=int, default=2048, help="most tokens per example (default 2048)")
        else:
            t.add_argument("--num-generations", type=int, default=8, help="completions sampled per prompt (default 8)")
            t.add_argument("--max-completion-length", type=int, default=256, help="most generated tokens (default 256)")
            t.add_argument(
                "--format-reward", action="store_true", help="also reward ending on the exact 'Answer: ...' line"
            )
        t.add_argument(
            "--trl-arg",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="any other SFTConfig/GRPOConfig field, value as JSON or text, e.g. --trl-arg logging_steps=1 (repeatable)",
        )
        t.add_argument("-q", "--quiet", action="store_true")
        t.set_defaults(func=cmd_train)
    p = _command(
        sub,
        "eval",
        interrupted="stopped; the predictions so far are not scored",
        help="evaluate a predictor on a benchmark, scored as the benchmark scores",
    )
    eval_sub = p.add_subparsers(dest="benchmark_kind", required=True, metavar="BENCHMARK")
    e = _command(
        eval_sub,
        "ctopen",
        interrupted="stopped; the predictions so far are not scored",
        help="a CT Open benchmark pickle (read without running anything in it)",
    )
    e.add_argument(
        "benchmark",
        type=Path,
        help="CT Open benchmark file (e.g. Winter_2025.pickle), or a packaged dataset folder (its --split)",
    )
    e.add_argument(
        "--split", default="test", help="with a dataset folder: the split of its benchmark configs (default test)"
    )
    e.add_argument(
        "--predictor",
        required=True,
        help="majority, prior, logreg (need --train), hf:MODEL_OR_PATH or openai:BASE_URL (needs --model)",
    )
    e.add_argument(
        "--out", type=Path, required=True, help="folder for eval_ret.pickle, predictions.jsonl, metrics.json"
    )
    e.add_argument("--train", type=Path, help="packaged dataset folder with the benchmark-format configs")
    e.add_argument("--model", help="with openai:, the model name the server serves")
    e.add_argument(
        "--runs", type=_int_range(1), default=1, help="answer every question N times and average (default 1)"
    )
    e.add_argument("--limit", type=_int_range(1), help="only the first N questions")
    e.add_argument("--batch-size", type=_int_range(1), default=8, help="hf: prompts per generation batch (default 8)")
    e.add_argument(
        "--max-new-tokens", type=_int_range(1), default=512, help="hf/openai: most generated tokens (default 512)"
    )
    e.add_argument("--device", help="hf: cpu, cuda, cuda:1... (default cuda when torch sees a GPU)")
    e.add_argument(
        "--temperature", type=float, help="hf/openai: sampling temperature (default 0 for run 1, 0.7 for later runs)"
    )
    e.add_argument(
        "--concurrency", type=_int_range(1), default=8, help="openai: requests in flight at once (default 8)"
    )
    e.add_argument(
        "--pathways",
        type=_int_range(1),
        metavar="K",
        help="put the K closest earlier trials with posted results, and how each differs, in every prompt "
        "(`ctpairs pathway`; needs the store and its index)",
    )
    e.add_argument(
        "--pathways-cutoff",
        metavar="YYYY-MM-DD",
        help="with --pathways: anchors' results first posted before it (CT Open files state no dates: give the "
        "benchmark's results date, e.g. 2025-02-01)",
    )
    _add_store(e)
    e.add_argument("--index-dir", type=Path, help="with --pathways: the retrieval index (default <store>.index)")
    e.add_argument("-q", "--quiet", action="store_true")
    e.set_defaults(func=cmd_eval)

    p = _command(
        sub,
        "package",
        interrupted="nothing was written; the dataset folder is as it was",
        help="package pairs as a versioned Hugging Face dataset folder (splits, card, manifest)",
    )
    p.add_argument("--pairs", type=Path, required=True, help="a `ctpairs build` output folder (<axis>.parquet files)")
    p.add_argument("--out", type=Path, required=True, help="dataset folder to write (replaced atomically)")
    p.add_argument("--version", required=True, help="semantic version X.Y.Z; must be greater than the one in --out")
    p.add_argument(
        "--split-by",
        choices=["trial", "date"],
        default="trial",
        help="trial: 80/10/10 by a hash of the NCT id (default); date: test = results posted after --cutoff",
    )
    p.add_argument(
        "--cutoff", metavar="YYYY-MM-DD", help="with --split-by date: results first posted after it go to test"
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the split hash (default 0)")
    p.add_argument(
        "--workers",
        type=_int_range(1),
        default=1,
        help="worker processes that render the task columns (default 1); the folder is the same for any number",
    )
    p.add_argument(
        "--template",
        choices=["reasoning", "restating"],
        default="reasoning",
        help="task template of the completions: reasoning (default; never states a counterfactual value) or "
        "restating (states the counterfactual result: for analysis, not an SFT target)",
    )
    p.add_argument(
        "--traces",
        type=Path,
        help="a `ctpairs traces` cache (PAIRS/.traces.sqlite): adds a <config>-traces config of the pairs with a kept trace",
    )
    p.add_argument("--trace-generator", help="with --traces: the run's generator, when the cache holds several runs")
    p.add_argument("--trace-model", help="with --traces: the run's model, when the cache holds several runs")
    p.add_argument(
        "--repo-id",
        default="deepimagine/ct-counterfactuals",
        help="Hub dataset the card's loading example names (default: deepimagine/ct-counterfactuals)",
    )
    from ctpairs.curate import CurationPolicy

    defaults = CurationPolicy()
    p.add_argument(
        "--no-curate",
        action="store_true",
        help="package every pair under the axis names (default: curated <axis> configs plus uncurated <axis>-all)",
    )
    p.add_argument(
        "--keep-unverifiable",
        action="store_true",
        help="curated configs keep labels that rest on no analysis or test",
    )
    p.add_argument("--keep-zero-vs-zero", action="store_true", help="curated configs keep pairs where both sides are 0")
    p.add_argument(
        "--max-per-measure",
        type=int,
        default=defaults.max_per_measure,
        help=f"most pairs from one measure of a trial (default {defaults.max_per_measure})",
    )
    p.add_argument(
        "--max-per-trial",
        type=int,
        default=defaults.max_per_trial,
        help=f"most pairs from one trial (default {defaults.max_per_trial})",
    )
    p.add_argument(
        "--max-trial-share",
        type=float,
        default=defaults.max_trial_share,
        help=f"largest share of a config one trial may give (default {defaults.max_trial_share})",
    )
    p.add_argument(
        "--benchmark-configs",
        action="store_true",
        help="also write the CT Open-format configs superiority, comparative and endpoint",
    )
    p.add_argument(
        "--exclude-benchmark",
        type=Path,
        metavar="PATH",
        help="a CT Open benchmark pickle: leave out every trial in it (recorded in the manifest)",
    )
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_package)

    p = _command(sub, "publish", help="upload a packaged folder to the Hugging Face Hub and tag it v<version>")
    p.add_argument("repo_dir", type=Path, help="folder written by `ctpairs package`")
    p.add_argument("--repo-id", required=True, help="dataset repo on the Hub, ORG/NAME")
    p.add_argument("--dry-run", action="store_true", help="list the files that would be uploaded; no network")
    p.add_argument("--private", action="store_true", help="create the repo private")
    p.add_argument(
        "--create-pr", action="store_true", help="open a pull request instead of committing to main (no tag)"
    )
    p.add_argument(
        "--revision-tag",
        default="auto",
        help="tag of the commit: auto = v<version> (default), none = no tag, or a tag name",
    )
    p.set_defaults(func=cmd_publish)
    p = _command(sub, "index", help="embed the anchors of the studies and build or update their FAISS index")
    _add_store(p)
    inp = p.add_mutually_exclusive_group()
    inp.add_argument(
        "--input", type=Path, help="read records from files instead of the store (what `ctpairs ingest` takes)"
    )
    inp.add_argument("--source", choices=["sample"], help="read the bundled real sample")
    p.add_argument(
        "--index-dir", type=Path, default=None, help="index folder (default: <store>.index beside the store)"
    )
    p.add_argument(
        "--model", default=None, help="sentence-transformers model id or path (default: bundled all-MiniLM-L6-v2)"
    )
    p.add_argument(
        "--device",
        default=None,
        help="cpu, cuda, cuda:1..., or ray (an actor pool on a Ray cluster; GPU actors when it has GPUs); default: cuda when torch sees a GPU, else cpu",
    )
    p.add_argument(
        "--kind",
        choices=["auto", "flat", "hnsw", "ivf"],
        default="auto",
        help="FAISS index kind (default auto: flat up to 20,000 vectors, then hnsw; ivf on GPU)",
    )
    p.add_argument("--batch-size", type=_int_range(1), default=64, help="texts per embedding batch (default 64)")
    p.add_argument("--json", action="store_true", help="print what was done as JSON")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("traces", help="generate reasoning traces for pairs with a teacher model (cached, resumable)")
    p.add_argument(
        "--pairs", type=Path, required=True, help="a `ctpairs build` output folder, or one pairs Parquet file"
    )
    p.add_argument("--axis", action="append", help="only these axes' files (repeatable; default: all)")
    p.add_argument("--limit", type=_int_range(1), help="only the first N pairs (by pair id) of each axis")
    p.add_argument(
        "--generator",
        required=True,
        help="openai:BASE_URL (any OpenAI-compatible server, e.g. openai:http://127.0.0.1:8000/v1) or hf:MODEL_OR_PATH",
    )
    p.add_argument("--model", help="the model name an openai: server serves (hf: names its own)")
    p.add_argument(
        "--api-key-env",
        default="OPENAI_API_KEY",
        help="environment variable holding the API key (default OPENAI_API_KEY; never printed or stored)",
    )
    p.add_argument("--samples", type=_int_range(1), default=4, help="tries per pair until one is kept (default 4)")
    p.add_argument("--concurrency", type=_int_range(1), default=4, help="pairs in flight at once (default 4)")
    p.add_argument("--temperature", type=float, default=0.7, help="sampling temperature; 0 = greedy (default 0.7)")
    p.add_argument("--top-p", type=float, default=0.95, help="nucleus sampling (default 0.95)")
    p.add_argument("--max-tokens", type=_int_range(1), default=512, help="most new tokens per trace (default 512)")
    p.add_argument("--min-words", type=_int_range(1), default=20, help="shortest trace kept, in words (default 20)")
    p.add_argument("--max-words", type=_int_range(1), default=300, help="longest trace kept, in words (default 300)")
    p.add_argument("--cache", type=Path, help="SQLite cache of every try (default: PAIRS/.traces.sqlite)")
    p.add_argument("--device", help="hf: torch device (default: cuda when available)")
    p.add_argument("--report", type=Path, help="write the run report (kept, rejected by reason, tokens) as JSON")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_traces)

    p = sub.add_parser(
        "pathway",
        help="the most similar earlier trials with results and, for each, the factors that differ from a target",
    )
    p.add_argument("target", help="an NCT id in the store (or in --ctopen), or a file holding one v2 study record")
    _add_store(p)
    p.add_argument("--ctopen", type=Path, help="take the target from this CT Open benchmark file (needs --cutoff)")
    p.add_argument("--index-dir", type=Path, help="the retrieval index (default: <store>.index, see `ctpairs index`)")
    p.add_argument("--k", type=_int_range(1), default=5, help="anchors (one per trial) to return (default 5)")
    p.add_argument(
        "--cutoff",
        metavar="YYYY-MM-DD",
        help="anchors' results first posted before it (default: the target's start date)",
    )
    p.add_argument(
        "--order",
        default="population,intervention,outcome,setting",
        help="the order of the factors in each pathway (default population,intervention,outcome,setting)",
    )
    p.add_argument("--device", help="device that embeds the target's texts (default: cuda when available)")
    p.add_argument("--out", type=Path, help="write the JSON lines here instead of standard output")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_pathway)
    return parser


def _one_line(exc: BaseException) -> str:
    """The message of an error on one line: what, where, what to do."""
    if isinstance(exc, CtpairsError):
        text = str(exc)
    elif isinstance(exc, OSError) and exc.filename:
        text = f"{exc.strerror or type(exc).__name__}: {exc.filename}"
    else:
        text = f"unexpected {type(exc).__name__}: {exc} (a bug in ctpairs? rerun with --debug and report the traceback)"
    return " ".join(text.split())


def main(argv: list[str] | None = None) -> int:
    """Run one command; expected failures end in one ``error:`` line on stderr and a non-zero exit
    (:data:`EXIT_ERROR`), tracebacks only with ``--debug`` or ``CTPAIRS_DEBUG=1``."""
    args = build_parser().parse_args(argv)
    debug = args.debug or os.environ.get(DEBUG_ENV, "").strip() not in ("", "0")
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    if not args.verbose:  # the retries of a connection are ctpairs's to report, once
        logging.getLogger("urllib3").setLevel(logging.ERROR)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        if debug:
            raise
        print(f"interrupted: {args.interrupted}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - the one place that turns every failure into one line
        if debug:
            raise
        print(f"error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_ERROR if isinstance(exc, (CtpairsError, OSError)) else EXIT_BUG


if __name__ == "__main__":
    sys.exit(main())
