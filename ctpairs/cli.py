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
                    _notice(
                        args,
                        f"ClinicalTrials.gov is unreachable ({type(exc).__name__}); the store is empty, so "
                        "loading the bundled real sample instead (use --no-sample-fallback to fail instead).",
                    )
                    return _load_sample(args, store)
                raise CtpairsError(
                    f"could not reach {client.base_url}: {exc}. Stored records are kept; "
                    "rerun the same command to resume."
                ) from exc
            except ApiError as exc:
                if exc.status == 400 and "pageToken" in exc.url:
                    raise CtpairsError(
                        f"{exc}\nThe saved page token was refused (the API data may have been "
                        "refreshed since the run stopped): rerun with --restart."
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


def _open_input(args: argparse.Namespace):
    """The records a command reads: ``--input``, ``--source sample``, else the store (or the sample, said aloud)."""
    from ctpairs.inputs import open_input

    source = open_input(path=args.input, source=args.source, store=_store_path(args))
    if source.notice:
        _notice(args, source.notice)
    return source


def cmd_build(args: argparse.Namespace) -> int:
    from ctpairs.build import REPORT_NAME, build_pairs
    from ctpairs.retrieval import default_index_dir

    source = _open_input(args)
    report = build_pairs(
        source.texts(),
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
    report.bad_records += source.bad
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
        return 0
    if not args.quiet:
        print(
            f"read {report.studies} studies ({report.studies_with_results} with results) from {source.label} "
            f"in {report.seconds:.1f}s; data timestamp {report.data_timestamp}"
        )
        for name, axis in report.axes.items():
            print(
                f"  {name:<10} {axis.pairs:>7} pairs from {axis.trials_with_pairs} trials -> {Path(args.out) / axis.file}"
            )
            for reason, count in list(axis.trials_without_pairs.items())[:3]:
                print(f"  {'':<10} {count:>7} trials without pairs: {reason}")
        print(f"report: {Path(args.out) / REPORT_NAME}")
    return 0


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
        use_cpu=args.cpu,
        max_samples=args.max_samples,
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
    result = evaluate_ctopen(args.benchmark, predictor, args.out, runs=args.runs, limit=args.limit, split=args.split)
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
            f"effective {b['effective_trials']}); verifiable {100 * a['verifiable_share']:.1f}%"
        )
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
        curation=_curation_policy(args),
        benchmark_configs=args.benchmark_configs,
        exclude_benchmark=args.exclude_benchmark,
    )
    if not args.quiet:
        since = f" (previous: {result.previous_version})" if result.previous_version else ""
        print(f"packaged version {result.version}{since} into {result.out_dir}")
        for config, splits in result.counts.items():
            cells = ", ".join(f"{s} {n}" for s, n in splits.items())
            print(f"  {config:<10} {cells}; {result.dropped[config]} cross-split pairs dropped")
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
        "anchors": len(corpus.anchors),
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
            f"indexed {len(corpus.anchors)} anchors from {source.label}: {corpus.embedded} texts embedded, "
            f"{corpus.update.kind} index {action}; {index_dir}",
        )
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

    p = sub.add_parser(
        "fetch", help="fetch studies from the ClinicalTrials.gov API (resumable) or load the bundled sample"
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
    p.add_argument("--page-size", type=int, default=100, help="studies per page (API maximum 1000; default 100)")
    p.add_argument("--max-pages", type=int, default=None, help="stop after this many pages (resume later)")
    p.add_argument("--since", metavar="DATE", help="only studies updated on or after DATE (YYYY-MM-DD)")
    p.add_argument("--rate", type=float, default=1.0, help="maximum requests per second (default 1)")
    p.add_argument("--retries", type=int, default=5, help="retries on 429/5xx/connection errors (default 5)")
    p.add_argument("--restart", action="store_true", help="ignore the saved checkpoint of this query and start again")
    p.add_argument(
        "--no-sample-fallback",
        action="store_true",
        help="fail instead of loading the bundled sample when the API is unreachable and the store is empty",
    )
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

    p = sub.add_parser(
        "build", help="build counterfactual pairs as Parquet (default input: the store, else the bundled sample)"
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
    p.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
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

    p = sub.add_parser(
        "audit", help="what the labels of a pairs folder rest on: methods, verifiable share, agreement, balance"
    )
    p.add_argument("pairs", type=Path, help="a `ctpairs build` output folder (<axis>.parquet files)")
    p.add_argument("--json", action="store_true", help="print the audit as JSON")
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser("builders", help="list the registered pair builders")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_builders)

    p = sub.add_parser("train", help="fine-tune a model on pair tasks with TRL: sft or grpo (needs ctpairs[train])")
    train_sub = p.add_subparsers(dest="trainer", required=True, metavar="TRAINER")
    for trainer, help_text in (
        ("sft", "supervised fine-tuning on the reasoning + answer completions"),
        ("grpo", "GRPO with the verifiable direction reward"),
    ):
        t = train_sub.add_parser(trainer, help=help_text)
        t.add_argument(
            "--dataset", required=True, help="Hub dataset id, local dataset repo folder, or a pairs .parquet file"
        )
        t.add_argument("--config", help="dataset config (axis), e.g. dose")
        t.add_argument("--split", default="train", help="split to train on (default: train)")
        t.add_argument("--revision", help="dataset revision: a tag such as v1.0.0, a branch or a commit")
        t.add_argument("--model", required=True, help="model id or path")
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
        t.add_argument("--batch-size", type=int, default=8, help="per-device train batch size (default 8)")
        t.add_argument("--grad-accum", type=int, default=1, help="gradient accumulation steps (default 1)")
        t.add_argument("--lora-r", type=int, default=0, help="LoRA rank; 0 trains the full model (default 0)")
        t.add_argument("--lora-alpha", type=int, default=32, help="LoRA alpha (default 32)")
        t.add_argument("--seed", type=int, default=42)
        t.add_argument("--cpu", action="store_true", help="train on CPU (no bf16)")
        t.add_argument("--max-samples", type=int, help="use only the first N rows")
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
    p = sub.add_parser("eval", help="evaluate a predictor on a benchmark, scored as the benchmark scores")
    eval_sub = p.add_subparsers(dest="benchmark_kind", required=True, metavar="BENCHMARK")
    e = eval_sub.add_parser("ctopen", help="a CT Open benchmark pickle (read without running anything in it)")
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
    e.add_argument("--runs", type=int, default=1, help="answer every question N times and average (default 1)")
    e.add_argument("--limit", type=int, help="only the first N questions")
    e.add_argument("--batch-size", type=int, default=8, help="hf: prompts per generation batch (default 8)")
    e.add_argument("--max-new-tokens", type=int, default=512, help="hf/openai: most generated tokens (default 512)")
    e.add_argument("--device", help="hf: cpu, cuda, cuda:1... (default cuda when torch sees a GPU)")
    e.add_argument(
        "--temperature", type=float, help="hf/openai: sampling temperature (default 0 for run 1, 0.7 for later runs)"
    )
    e.add_argument("--concurrency", type=int, default=8, help="openai: requests in flight at once (default 8)")
    e.add_argument("-q", "--quiet", action="store_true")
    e.set_defaults(func=cmd_eval)

    p = sub.add_parser(
        "package", help="package pairs as a versioned Hugging Face dataset folder (splits, card, manifest)"
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

    p = sub.add_parser("publish", help="upload a packaged folder to the Hugging Face Hub and tag it v<version>")
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
    p = sub.add_parser("index", help="embed the anchors of the studies and build or update their FAISS index")
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
    p.add_argument("--batch-size", type=int, default=64, help="texts per embedding batch (default 64)")
    p.add_argument("--json", action="store_true", help="print what was done as JSON")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_index)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
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
