"""Package built pairs as a versioned Hugging Face dataset folder (no loading script).

``package_pairs(pairs_dir, out_dir, version)`` turns the ``<axis>.parquet`` files of a build
(see :mod:`ctpairs.build`) into::

    out_dir/
      README.md                 dataset card; its YAML declares configs, data_files, dataset_info
      data/<config>/<split>-00000-of-00001.parquet
      images/*.png              plots shown in the card
      CHANGELOG.md              what changed against each previous version
      ctpairs-manifest.json     inputs, versions, split method, counts, sha256 of every file

One curated training config per axis file present (see :mod:`ctpairs.curate`; the dropped rows
are counted by reason in the manifest) and, beside it, ``<axis>-all`` with every pair of the build;
``curation=None`` packages the uncurated pairs under the axis names alone. Splits ``train``/``validation``/``test`` by trial (see
:mod:`ctpairs.splits`); every row gets the task columns of :mod:`ctpairs.tasks`. Strings stay
``string`` (not ``large_string``). The folder is written beside ``out_dir`` and renamed into
place, and packaging the same pairs with the same options gives byte-identical files.
"""

from __future__ import annotations

import errno
import hashlib
import json
import re
import shutil
import tempfile
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

import pyarrow as pa
import pyarrow.parquet as pq

from ctpairs import __version__
from ctpairs.atomic import atomic_dir
from ctpairs.audit import audit_table
from ctpairs.build import REPORT_NAME
from ctpairs.card import markdown_table
from ctpairs.collector import fewer_collections
from ctpairs.columns import field_values, take_rows
from ctpairs.curate import CurationPolicy, curated_indices
from ctpairs.errors import PackageError
from ctpairs.peeking import PeekError, check_no_peek
from ctpairs.schema import PAIR_SCHEMA, SCHEMA_VERSION
from ctpairs.splits import (
    DEFAULT_FRACTIONS,
    DEFAULT_SEED,
    MIN_TRIALS_FOR_ALL_SPLITS,
    SPLITS,
    SplitPlan,
    balance_overrides,
    parse_cutoff,
)
from ctpairs.tasks import TASK_COLUMNS, TEMPLATES, TaskTemplate, task_columns, template_peeks
from ctpairs.workers import ordered_map, worker_pool

MANIFEST_NAME = "ctpairs-manifest.json"
CHANGELOG_NAME = "CHANGELOG.md"
CARD_NAME = "README.md"
SHARD_ROWS = 100_000
ROW_GROUP_SIZE = 10_000
BATCH_ROWS = 4_096  # pairs turned into Python rows at a time while the task columns are rendered
LISTED_TRIALS = 20  # trials named per config in a changelog entry
ALL_SUFFIX = "-all"  # the uncurated config beside each curated one
_VERSION_RE = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
_CONFIG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")

#: The schema of every packaged Parquet file: the pair schema plus the task columns.
PACKAGE_SCHEMA = pa.schema(list(PAIR_SCHEMA) + [pa.field(name, t) for name, t in TASK_COLUMNS.items()])


@dataclass
class PackageResult:
    """What :func:`package_pairs` wrote."""

    out_dir: Path
    version: str
    previous_version: str | None
    counts: dict[str, dict[str, int]]  # config -> split -> pairs
    dropped: dict[str, int]  # config -> cross-split pairs dropped
    files: dict[str, int] = field(default_factory=dict)  # relative path -> bytes
    notes: list[str] = field(default_factory=list)  # warnings for the console: empty splits, dropped configs


def parse_version(version: str) -> tuple[int, int, int]:
    """``X.Y.Z`` as a tuple of ints; raises :class:`PackageError` otherwise."""
    m = _VERSION_RE.match(version)
    if not m:
        raise PackageError(f"a version must be X.Y.Z (semantic version, e.g. 1.0.0), got {version!r}")
    return int(m[1]), int(m[2]), int(m[3])


def read_manifest(repo_dir: str | Path) -> dict[str, Any] | None:
    """The ``ctpairs-manifest.json`` of a packaged folder, or ``None`` when there is none."""
    path = Path(repo_dir) / MANIFEST_NAME
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _previous(out_dir: Path, version: str) -> dict[str, Any] | None:
    new = parse_version(version)
    if not out_dir.exists() or not any(out_dir.iterdir()):
        return None
    manifest = read_manifest(out_dir)
    if manifest is None:
        raise PackageError(
            f"{out_dir} is not empty and holds no {MANIFEST_NAME}; refusing to overwrite it. "
            "Pick an empty or new folder, or a folder written by `ctpairs package`."
        )
    old = manifest.get("version", "0.0.0")
    if new <= parse_version(old):
        raise PackageError(
            f"{out_dir} already holds version {old}; the new version must be greater than it, "
            f"got {version}. Bump the version (e.g. --version {_bump(old)})."
        )
    return manifest


def _bump(version: str) -> str:
    major, minor, _ = parse_version(version)
    return f"{major}.{minor + 1}.0"


def _read_configs(pairs_dir: Path, spill: Path) -> dict[str, pa.Table]:
    """Each ``<axis>.parquet`` of ``pairs_dir`` as a table of :data:`PAIR_SCHEMA`, copied a batch at a
    time to an Arrow file in ``spill`` and memory-mapped: the pairs are read from disk when they are
    used, never all held in memory at once."""
    paths = sorted(pairs_dir.glob("*.parquet"))
    if not paths:
        raise PackageError(f"no <axis>.parquet files in {pairs_dir}; run `ctpairs build --out {pairs_dir}` first")
    spill.mkdir(parents=True, exist_ok=True)
    tables = {}
    for path in paths:
        if not _CONFIG_RE.match(path.stem):
            raise PackageError(f"{path.name}: a config name takes letters, digits, '-' and '_' only")
        try:
            with pq.ParquetFile(path) as source:
                tables[path.stem] = _spilled(
                    (
                        pa.Table.from_batches([batch]).select(PAIR_SCHEMA.names).cast(PAIR_SCHEMA)
                        for batch in source.iter_batches(batch_size=ROW_GROUP_SIZE)
                    ),
                    spill / f"{path.stem}.arrow",
                    PAIR_SCHEMA,
                )
        except (KeyError, ValueError, pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            raise PackageError(f"{path} is not a pairs file of schema v{SCHEMA_VERSION}: {exc}") from exc
    return tables


#: Temporary disk the package takes per pair, beside its output: its spilled Arrow files, uncompressed,
#: and the shards (measured at 11.4 KB on the 3.8 million pairs of 80,000 studies: benchmarks/README.md).
SPILL_BYTES_PER_PAIR = 12_000
_DISK_FULL = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT})


@contextmanager
def _disk_room(pairs_dir: Path, out_dir: Path) -> Iterator[None]:
    """Turn a write that failed for want of disk room into a :class:`PackageError` that says how
    much the package needs and how much is free (after its temporary files are gone)."""
    try:
        yield
    except OSError as exc:
        if exc.errno not in _DISK_FULL:
            raise
        pairs = sum(pq.ParquetFile(path).metadata.num_rows for path in pairs_dir.glob("*.parquet"))
        free = shutil.disk_usage(out_dir.parent).free
        raise PackageError(
            f"out of disk room beside {out_dir} ({exc.strerror or exc}): the package's temporary files take "
            f"about {SPILL_BYTES_PER_PAIR // 1000} KB per pair, about {pairs * SPILL_BYTES_PER_PAIR / 1e9:.1f} GB "
            f"for {pairs:,} pairs, and {free / 1e9:.1f} GB are free there; free some, or --out on a larger disk"
        ) from None


def _spilled(tables: Iterable[pa.Table], path: Path, schema: pa.Schema) -> pa.Table:
    """``tables`` (batches of rows of ``schema``) written one after another to an Arrow file at
    ``path``, and the whole memory-mapped back."""
    with pa.ipc.new_file(path, schema) as sink:
        for table in tables:
            sink.write_table(table)
    return _mapped(path)


def _mapped(path: Path) -> pa.Table:
    """The table in the Arrow file at ``path``, memory-mapped (its buffers are the file's pages)."""
    return pa.ipc.open_file(pa.memory_map(str(path))).read_all()


def resolve_template(name: str) -> TaskTemplate:
    """The named template of :data:`ctpairs.tasks.TEMPLATES`; raises :class:`PackageError` otherwise."""
    if name not in TEMPLATES:
        raise PackageError(f"unknown template {name!r}; choose one of {', '.join(TEMPLATES)}")
    return TEMPLATES[name]


def _task_row(row: dict[str, Any], template: TaskTemplate) -> dict[str, Any]:
    """The task columns of ``row``; a completion of a template that should not peek is checked."""
    task = task_columns(row, template)
    if not template_peeks(template):
        try:
            check_no_peek(task["completion"], row, task["prompt"])
        except PeekError as exc:
            raise PackageError(f"template {template.version}: {exc}") from None
    return task


class _SplitFiles:
    """One config's package rows by split, each split written to an Arrow file in ``folder`` a batch
    at a time; with the number of pairs dropped because their two trials fall in different splits."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.dropped = 0
        self._writers: dict[str, pa.ipc.RecordBatchFileWriter] = {}

    def add(self, tables: Mapping[str, pa.Table], dropped: int) -> None:
        """Write one batch: its rows by split, and count the pairs it dropped."""
        self.dropped += dropped
        for s, table in tables.items():
            if s not in self._writers:
                self.folder.mkdir(parents=True, exist_ok=True)
                self._writers[s] = pa.ipc.new_file(self.folder / f"{s}.arrow", PACKAGE_SCHEMA)
            self._writers[s].write_table(table)

    def close(self) -> tuple[dict[str, pa.Table], int]:
        """Each split's rows, memory-mapped (a split without rows: an empty table), and the number dropped."""
        tables = {s: PACKAGE_SCHEMA.empty_table() for s in SPLITS}
        for s, writer in self._writers.items():
            writer.close()
            tables[s] = _mapped(self.folder / f"{s}.arrow")
        return tables, self.dropped


class _Batch(NamedTuple):
    """A batch of pairs to render: each pair's split (``None``: dropped) and, by config, which
    pairs it takes (``None``: all)."""

    pairs: pa.Table
    splits: list[str | None]
    taken: dict[str, list[bool] | None]


def _render_batch(
    batch: _Batch, render: Callable[[dict], dict[str, Any]]
) -> dict[str, tuple[dict[str, pa.Table], int]]:
    """The package rows of a batch of pairs for each config that takes some: a table per split, and
    the number of its pairs dropped. A pair is rendered once, whichever configs take it. Runs in a
    worker process when the package has several."""
    rows: dict[str, dict[str, list[dict]]] = {config: {s: [] for s in SPLITS} for config in batch.taken}
    dropped = dict.fromkeys(batch.taken, 0)
    with fewer_collections():
        for i, (row, split) in enumerate(zip(batch.pairs.to_pylist(), batch.splits)):
            takers = [config for config, taken in batch.taken.items() if taken is None or taken[i]]
            if split is None:
                for config in takers:
                    dropped[config] += 1
                continue
            if takers:
                # task columns ask for a verifiable answer; rows without one (only in `*-all` configs) get nulls
                row.update(render(row) if row["label"]["verifiable"] else dict.fromkeys(TASK_COLUMNS))
            for config in takers:
                rows[config][split].append(row)
        return {
            config: (
                {s: pa.Table.from_pylist(r, schema=PACKAGE_SCHEMA) for s, r in by_split.items() if r},
                dropped[config],
            )
            for config, by_split in rows.items()
        }


def _split_rows(
    table: pa.Table,
    configs: Mapping[str, Container[int] | None],
    plan: SplitPlan,
    spill: Path,
    render: Callable[[dict], dict[str, Any]] = task_columns,
    pool: ProcessPoolExecutor | None = None,
    ahead: int = 4,
) -> dict[str, tuple[dict[str, pa.Table], int]]:
    """The package rows by split of each config of ``configs``, made from the pairs of ``table``
    (a config name -> the positions in ``table`` of the pairs it takes, ``None``: every pair), and
    the number of pairs each drops because their two trials fall in different splits.

    The pairs are taken :data:`BATCH_ROWS` at a time in ``pair_id`` order and rendered in ``pool``
    (else here; at most ``ahead`` batches in flight), each once for all the configs that take it
    (a curated config and its ``-all`` config). A config's splits are written a batch at a time to
    Arrow files in ``spill / <config>`` and memory-mapped back: the package rows wait on disk, not
    in memory, until they are written as shards. The batches are the same however many workers
    render them.
    """
    import pyarrow.compute as pc

    def batches() -> Iterator[_Batch]:
        order = pc.sort_indices(table, [("pair_id", "ascending")])
        for start in range(0, table.num_rows, BATCH_ROWS):
            positions = order[start : start + BATCH_ROWS].to_pylist()
            pairs = take_rows(table, positions)
            splits = [
                plan.pair_split(a, b) for a, b in zip(field_values(pairs, "nct_id"), field_values(pairs, "cf_nct_id"))
            ]
            taken = {c: None if kept is None else [p in kept for p in positions] for c, kept in configs.items()}
            yield _Batch(pairs, splits, taken)

    files = {config: _SplitFiles(spill / config) for config in configs}
    work = partial(_render_batch, render=render)
    made = ordered_map(pool, work, batches(), ahead) if pool else map(work, batches())
    for rendered in made:
        for config, (tables, dropped) in rendered.items():
            files[config].add(tables, dropped)
    return {config: config_files.close() for config, config_files in files.items()}


TRACES_SUFFIX = "-traces"


def _explained(config: str, renderers: Mapping[str, Any]) -> bool:
    """Whether a config gets a ``-traces`` config when traces are given: a curated pair config (not
    ``-all``, not a benchmark-format config)."""
    return config not in renderers and not config.endswith(ALL_SUFFIX)


#: The schema of a ``<config>-traces`` file: the package schema plus the teacher's ``reasoning``.
TRACES_SCHEMA = PACKAGE_SCHEMA.append(pa.field("reasoning", pa.string()))


def _with_traces(table: pa.Table, kept: dict[str, str]) -> pa.Table:
    """The rows of ``table`` that have a kept trace, with it as ``reasoning``, ``completion`` and
    the assistant turn of ``messages``."""
    rows = []
    for row in table.to_pylist():
        trace = kept.get(row["pair_id"])
        if trace is None or row["messages"] is None:
            continue
        messages = [dict(m) for m in row["messages"]]
        messages[-1]["content"] = trace
        rows.append({**row, "completion": trace, "messages": messages, "reasoning": trace})
    return pa.Table.from_pylist(rows, schema=TRACES_SCHEMA)


def _trace_configs(
    cache_path: str | Path,
    split_tables: dict[str, dict[str, pa.Table]],
    generator: str | None,
    model: str | None,
) -> tuple[dict[str, Any], dict[str, dict[str, pa.Table]]]:
    """The ``<config>-traces`` split tables from the kept traces of one run of a traces cache (for
    the pair configs given: the curated ones), and what the manifest and card say about that run."""
    from ctpairs.traces import TraceCache, TraceError, select_run

    if not Path(cache_path).is_file():
        raise PackageError(f"no traces cache at {cache_path}; run `ctpairs traces` first")
    try:
        with TraceCache(cache_path) as cache:
            run = select_run(cache, generator, model)
            kept = cache.kept(run)
    except TraceError as exc:
        raise PackageError(str(exc)) from None
    out = {}
    for config, splits in split_tables.items():
        with_traces = {s: _with_traces(t, kept) for s, t in splits.items()}
        if any(t.num_rows for t in with_traces.values()):
            out[config + TRACES_SUFFIX] = with_traces
    info = {
        "generator": run.generator,
        "model": run.model,
        "template_version": run.template_version,
        "sampling": run.settings,
        "configs": {c: sum(t.num_rows for t in s.values()) for c, s in sorted(out.items())},
    }
    return info, out


class _Shards(NamedTuple):
    """A config's splits written as Parquet shards: the files of each split (a split without rows
    has none), each split's rows and in-memory bytes, and the rows' schema."""

    files: dict[str, list[Path]]
    rows: dict[str, int]
    nbytes: dict[str, int]
    schema: pa.Schema


def _write_splits(splits: Mapping[str, pa.Table], folder: Path, shard_rows: int) -> _Shards:
    """Each split of a config with rows written as shards in ``folder`` (a split with no pairs is
    left out: ``datasets`` cannot read a Parquet file of zero rows)."""
    kept = {s: t for s, t in splits.items() if t.num_rows}
    return _Shards(
        {s: _write_shards(t, folder, s, shard_rows) for s, t in kept.items()},
        {s: t.num_rows for s, t in kept.items()},
        {s: t.nbytes for s, t in kept.items()},
        next(iter(kept.values())).schema,
    )


def _moved(shards: _Shards, folder: Path) -> _Shards:
    """``shards`` with their files moved into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {s: [Path(shutil.move(p, folder / p.name)) for p in paths] for s, paths in shards.files.items()}
    return shards._replace(files=files)


#: The columns of a split the card, the audit, the manifest and the changelog read once its shards
#: are written.
SUMMARY_COLUMNS = ("nct_id", "cf_nct_id", "label")


def _summary(table: pa.Table) -> pa.Table:
    """:data:`SUMMARY_COLUMNS` of a split, copied into memory: the spilled file it was mapped from
    can then be deleted."""
    sink = pa.BufferOutputStream()
    summary = table.select(list(SUMMARY_COLUMNS))
    with pa.ipc.new_stream(sink, summary.schema) as writer:
        writer.write_table(summary)
    return pa.ipc.open_stream(sink.getvalue()).read_all()


def _write_shards(table: pa.Table, folder: Path, split: str, shard_rows: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    n = max(1, -(-table.num_rows // shard_rows))
    paths = []
    for i in range(n):
        path = folder / f"{split}-{i:05d}-of-{n:05d}.parquet"
        pq.write_table(table.slice(i * shard_rows, shard_rows), path, row_group_size=ROW_GROUP_SIZE, compression="zstd")
        paths.append(path)
    return paths


def _builders(report: dict[str, Any], tables: dict[str, pa.Table]) -> dict[str, dict[str, Any]]:
    out = {}
    for config, table in tables.items():
        axis = report.get("axes", {}).get(config.removesuffix(ALL_SUFFIX))
        if axis:
            out[config] = {"builder": axis["builder"], "version": axis["builder_version"], "kind": axis["kind"]}
        else:  # a pairs file without a build report entry: say what its rows say
            out[config] = {
                "builder": ",".join(sorted(set(table.column("builder").to_pylist()))),
                "version": ",".join(sorted(set(table.column("builder_version").to_pylist()))),
                "kind": ",".join(sorted(set(table.column("kind").to_pylist()))),
            }
    return out


def _configs(
    tables: dict[str, pa.Table], policy: CurationPolicy | None, spill: Path
) -> tuple[dict[str, pa.Table], dict[str, dict[str, Any]], dict[str, tuple[str, frozenset[int]]]]:
    """The configs to package: ``<axis>`` curated by ``policy`` (left out when curation keeps no
    pair) plus ``<axis>-all`` uncurated, or the axes as built when ``policy`` is ``None``; with what
    curation dropped per config, by reason; and each curated config's ``-all`` config with the
    positions in it of the pairs it keeps. The curated rows are copied, a batch at a time, to a
    memory-mapped Arrow file in ``spill``."""
    if policy is None:
        return dict(tables), {}, {}
    spill.mkdir(parents=True, exist_ok=True)
    configs: dict[str, pa.Table] = {}
    report: dict[str, dict[str, Any]] = {}
    subsets: dict[str, tuple[str, frozenset[int]]] = {}
    for axis, table in sorted(tables.items()):
        kept, dropped = curated_indices(table, policy)
        if kept:  # a curated config left with no pair is not written; `<axis>-all` still holds every pair
            batches = (take_rows(table, kept[start : start + BATCH_ROWS]) for start in range(0, len(kept), BATCH_ROWS))
            configs[axis] = _spilled(batches, spill / f"{axis}.arrow", PAIR_SCHEMA)
            subsets[axis] = (f"{axis}{ALL_SUFFIX}", frozenset(kept))
        configs[f"{axis}{ALL_SUFFIX}"] = table
        report[axis] = {"pairs_in": table.num_rows, "kept": len(kept), "dropped": dict(sorted(dropped.items()))}
    return configs, report, subsets


def _trial_contexts(tables: dict[str, pa.Table]) -> dict[str, dict[str, Any]]:
    """Each trial's context (the ``trial`` column), from the first row of it in the configs in name order."""
    trials: dict[str, dict[str, Any]] = {}
    for config in sorted(tables):
        table = tables[config]
        first: dict[str, int] = {}
        for i, nct_id in enumerate(table.column("nct_id").to_pylist()):
            if nct_id not in trials:
                first.setdefault(nct_id, i)
        contexts = take_rows(table.select(["trial"]), list(first.values())).column("trial").to_pylist()
        trials.update(zip(first, contexts))
    return trials


def _split_description(plan: SplitPlan, dropped: dict[str, int]) -> str:
    fr = plan.fractions
    if plan.by == "trial":
        how = (
            f"By trial: each NCT id goes to one split by a stable SHA-256 hash of the seed ({plan.seed}) and the "
            f"id, {fr['train']:.0%} / {fr['validation']:.0%} / {fr['test']:.0%} of trials to train / validation / "
            "test, so a trial is in the same split in every config and every version."
        )
    else:
        how = (
            f"By date: `test` holds the trials whose results were first posted after {plan.cutoff}; of the "
            f"others, a hashed slice (seed {plan.seed}) of about "
            f"{fr['validation'] / (fr['train'] + fr['validation']):.0%} is `validation` and the rest `train`. "
            "Trials without a results-posted date are left out."
        )
    if plan.overrides:
        how += (
            f" {len(plan.overrides)} trial(s) were moved from their hashed split ({', '.join(sorted(plan.overrides))}) "
            f"so that every config of at least {MIN_TRIALS_FOR_ALL_SPLITS} trials has a trial in every split."
        )
    how += " A config declares only the splits that hold pairs."
    total = sum(dropped.values())
    return (
        f"{how} A pair goes to a split only when both of its trials (`nct_id` and `cf_nct_id`) are in that "
        f"split; cross-trial pairs whose trials fall in different splits are dropped ({total:,} in this "
        "version), so no trial's results appear in two splits."
    )


def _balanced(plan: SplitPlan, tables: dict[str, pa.Table]) -> SplitPlan:
    """``plan`` with the trial moves that give every config of at least 3 trials a trial in every split."""
    ids = {config: set(table.column("nct_id").to_pylist()) for config, table in tables.items()}
    return replace(plan, overrides=balance_overrides(plan, ids))


def _split_notes(split_tables: dict[str, dict[str, pa.Table]]) -> list[str]:
    """A warning for each config that ends with an empty split (or no pairs at all)."""
    notes = []
    for config, splits in sorted(split_tables.items()):
        empty = [s for s, t in splits.items() if not t.num_rows]
        trials = len(_trial_ids(splits))
        if len(empty) == len(splits):
            notes.append(f"config {config!r} has no pairs left after splitting; it is left out of this version")
        elif empty:
            notes.append(
                f"config {config!r} has no {' or '.join(empty)} split ({trials} trial(s)); "
                "it is published without it (the card says which splits each config has)"
            )
    return notes


def _dropped_config_notes(previous: dict[str, Any] | None, configs: Iterable[str]) -> list[str]:
    """A note for each config of the previous version that this one no longer has."""
    if previous is None:
        return []
    gone = sorted(set(previous.get("configs", {})) - set(configs))
    return [
        f"config {c!r} of version {previous['version']} is not in this version (no {c}.parquet with pairs)"
        for c in gone
    ]


def _trial_ids(tables: dict[str, pa.Table]) -> set[str]:
    ids: set[str] = set()
    for t in tables.values():
        ids.update(t.column("nct_id").to_pylist())
        ids.update(t.column("cf_nct_id").to_pylist())
    return ids


def _previous_trials(out_dir: Path, config: str) -> set[str]:
    paths = sorted((out_dir / "data" / config).glob("*.parquet"))
    return _trial_ids({p.name: pq.read_table(p, columns=["nct_id", "cf_nct_id"]) for p in paths})


def _changelog(
    out_dir: Path,
    version: str,
    previous: dict[str, Any] | None,
    manifest: dict[str, Any],
    tables: dict[str, dict[str, pa.Table]],
) -> str:
    counts = {c: info["pairs"] for c, info in manifest["configs"].items()}
    head = f"## {version}\n\nData timestamp {manifest['data_timestamp'] or 'unknown'}; ctpairs {__version__}.\n"
    if previous is None:
        rows = [(f"`{c}`", f"{counts[c]:,}", f"{manifest['configs'][c]['trials']:,}") for c in sorted(counts)]
        return "\n".join([head, "First version.", "", markdown_table(("config", "pairs", "trials"), rows)]) + "\n"
    old_version = previous["version"]
    old = {c: info["pairs"] for c, info in previous.get("configs", {}).items()}
    rows, notes = [], []
    for config in sorted(set(counts) | set(old)):
        new_ids = _trial_ids(tables.get(config, {}))
        old_ids = _previous_trials(out_dir, config)
        added, removed = sorted(new_ids - old_ids), sorted(old_ids - new_ids)
        n_new, n_old = counts.get(config, 0), old.get(config, 0)
        rows.append(
            (f"`{config}`", f"{n_old:,}", f"{n_new:,}", f"{n_new - n_old:+,}", f"{len(added):,}", f"{len(removed):,}")
        )
        if config not in old:
            notes.append(f"- New config `{config}`.")
        if config not in counts:
            notes.append(f"- Config `{config}` removed.")
        for word, ids in (("added to", added), ("removed from", removed)):
            if ids:
                more = f" and {len(ids) - LISTED_TRIALS:,} more" if len(ids) > LISTED_TRIALS else ""
                notes.append(f"- Trials {word} `{config}`: {', '.join(ids[:LISTED_TRIALS])}{more}.")
    for config, b in sorted(manifest["builders"].items()):
        was = previous.get("builders", {}).get(config)
        if was and was.get("version") != b["version"]:
            notes.append(f"- Builder of `{config}`: {was['version']} -> {b['version']}.")
    if previous.get("split") != manifest["split"]:
        notes.append(f"- Split method changed: {previous.get('split')} -> {manifest['split']}.")
    if previous.get("data_timestamp") != manifest["data_timestamp"]:
        notes.append(f"- Data timestamp: {previous.get('data_timestamp')} -> {manifest['data_timestamp']}.")
    headers = ("config", f"pairs in {old_version}", f"pairs in {version}", "change", "trials added", "trials removed")
    table = markdown_table(headers, rows)
    return "\n".join([head, f"Changes since {old_version}:", "", table, "", *notes]) + "\n"


def exclude_benchmark_trials(tables: dict[str, pa.Table], benchmark_path: str | Path) -> dict[str, Any]:
    """Drop from ``tables`` (in place) every pair whose trial (``nct_id`` or ``cf_nct_id``) is in
    the CT Open benchmark file ``benchmark_path``; what was dropped and why, for the manifest."""
    from ctpairs.ctopen import CTOpenError, load_benchmark

    path = Path(benchmark_path)
    try:
        trials = {nct_id for nct_id, _ in load_benchmark(path)}
    except CTOpenError as exc:
        raise PackageError(str(exc)) from None
    dropped_pairs, dropped_trials = {}, set()
    for config, table in tables.items():
        ids, cf_ids = table.column("nct_id").to_pylist(), table.column("cf_nct_id").to_pylist()
        keep = [a not in trials and b not in trials for a, b in zip(ids, cf_ids)]
        dropped_trials.update(t for pair in zip(ids, cf_ids) for t in pair if t in trials)
        dropped_pairs[config] = keep.count(False)
        tables[config] = table.filter(pa.array(keep, type=pa.bool_()))
    return {
        "file": path.name,
        "sha256": file_sha256(path),
        "reason": f"trial appears in the CT Open benchmark {path.name}: kept out so the dataset cannot leak its answers",
        "benchmark_trials": len(trials),
        "trials_dropped": sorted(dropped_trials),
        "pairs_dropped": dropped_pairs,
    }


def add_benchmark_configs(
    tables: dict[str, pa.Table], renderers: dict[str, Callable[[dict], dict[str, Any]]]
) -> dict[str, dict[str, int]]:
    """Add the benchmark-format configs (:mod:`ctpairs.benchmark_tasks`) to ``tables`` and their
    task renderers to ``renderers``; returns the pairs skipped per config and reason."""
    from ctpairs.benchmark_tasks import benchmark_tables, benchmark_task_columns

    clash = sorted(set(tables) & {"superiority", "comparative", "endpoint"})
    if clash:
        raise PackageError(f"pairs files named {', '.join(clash)} clash with the benchmark-format configs")
    configs, skips = benchmark_tables(tables)
    for config, table in configs.items():
        tables[config] = table
        renderers[config] = benchmark_task_columns(config)
    return skips


def package_pairs(
    pairs_dir: str | Path,
    out_dir: str | Path,
    version: str,
    *,
    split_by: str = "trial",
    cutoff: str | date | None = None,
    seed: int = DEFAULT_SEED,
    shard_rows: int = SHARD_ROWS,
    repo_id: str | None = None,
    template: str = "reasoning",
    traces: str | Path | None = None,
    trace_generator: str | None = None,
    trace_model: str | None = None,
    curation: CurationPolicy | None = CurationPolicy(),  # noqa: B008 (a frozen dataclass)
    benchmark_configs: bool = False,
    exclude_benchmark: str | Path | None = None,
    workers: int = 1,
) -> PackageResult:
    """Package the pairs in ``pairs_dir`` as version ``version`` of the dataset folder ``out_dir``.

    Args:
        pairs_dir: a ``ctpairs build`` output folder (``<axis>.parquet`` and ``.build-report.json``).
        out_dir: the dataset folder; when it already holds a packaged version, ``version`` must be
            greater and ``CHANGELOG.md`` gets an entry comparing the two.
        version: semantic version ``X.Y.Z``.
        split_by: ``"trial"`` (hash of the NCT id) or ``"date"`` (test = results first posted after
            ``cutoff``); see :mod:`ctpairs.splits`.
        cutoff: ``YYYY-MM-DD``, required with ``split_by="date"``.
        seed: seed of the split hash.
        shard_rows: most rows per Parquet shard.
        repo_id: the Hub dataset the card's loading example names (default
            ``deepimagine/ct-counterfactuals``).
        template: the named task template (:data:`ctpairs.tasks.TEMPLATES`) of the task columns;
            completions of ``reasoning`` (the default) are checked not to state counterfactual values.
        traces: a ``ctpairs traces`` cache; each config's pairs with a kept trace also form a
            ``<config>-traces`` config whose ``reasoning``, ``completion`` and assistant turn are the trace.
        trace_generator, trace_model: which run of the cache, when it holds more than one.
        curation: the policy of the training configs (:class:`ctpairs.curate.CurationPolicy`); each
            axis also gets an uncurated ``<axis>-all`` config. ``None``: the uncurated pairs only.
        benchmark_configs: also write the CT Open-format configs ``superiority``, ``comparative``
            and ``endpoint`` (:mod:`ctpairs.benchmark_tasks`), from the (curated) ``arm`` and
            ``dose`` configs.
        exclude_benchmark: a CT Open benchmark file; every pair of a trial in it is left out of
            every config (recorded in the manifest under ``excluded``).
        workers: processes that render the task columns (1: this one); the folder is the same
            whatever the number.

    Raises:
        PackageError: bad version, version not greater than the one in ``out_dir``, no pairs, out of
            disk room for the temporary files (about :data:`SPILL_BYTES_PER_PAIR` per pair)...
    """
    from datasets import Features
    from datasets.info import DatasetInfo, DatasetInfosDict
    from datasets.splits import SplitDict, SplitInfo
    from datasets.utils.metadata import MetadataConfigs

    from ctpairs import card

    pairs_dir, out_dir = Path(pairs_dir), Path(out_dir)
    task_template = resolve_template(template)
    previous = _previous(out_dir, version)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    # the input pairs and each config's package rows are spilled to Arrow files beside the output
    with (
        _disk_room(pairs_dir, out_dir),
        fewer_collections(),
        tempfile.TemporaryDirectory(prefix=".ctpairs-package-", dir=out_dir.parent) as spill_dir,
    ):
        spill = Path(spill_dir)
        built = _read_configs(pairs_dir, spill / ".input")
        excluded = exclude_benchmark_trials(built, exclude_benchmark) if exclude_benchmark else None
        tables, curation_report, curated = _configs(built, curation, spill / ".curated")
        renderers: dict[str, Callable[[dict], dict[str, Any]]] = {}
        benchmark_skips = add_benchmark_configs(tables, renderers) if benchmark_configs else None
        report_path = pairs_dir / REPORT_NAME
        report = json.loads(report_path.read_text()) if report_path.is_file() else {}

        trials = _trial_contexts(tables)
        if isinstance(cutoff, str):
            try:
                cutoff = parse_cutoff(cutoff)
            except ValueError as exc:
                raise PackageError(str(exc)) from None
        try:
            plan = SplitPlan(
                by=split_by,
                seed=seed,
                fractions=dict(DEFAULT_FRACTIONS),
                cutoff=cutoff,
                posted={k: v.get("results_first_posted") for k, v in trials.items()},
            )
        except ValueError as exc:
            raise PackageError(str(exc)) from None
        plan = _balanced(plan, tables)

        made: dict[str, tuple[dict[str, pa.Table], int]] = {}
        audits: dict[str, dict[str, Any]] = {}  # made while a config's whole rows are at hand
        written: dict[str, _Shards] = {}
        pool = worker_pool(workers)
        try:
            for config, table in tables.items():
                if config in curated:
                    continue  # made with its `-all` config, whose rows it takes
                render = renderers.get(config, partial(_task_row, template=task_template))
                taking: dict[str, Container[int] | None] = {
                    c: kept for c, (whole, kept) in curated.items() if whole == config
                }
                rendered = _split_rows(table, {config: None, **taking}, plan, spill, render, pool, 2 * workers)
                # each config's shards are written as soon as it is made and its spilled rows deleted
                # (but for the summary columns), so the spill holds one config's rows at a time
                for c in list(rendered):
                    splits, n_dropped = rendered.pop(c)
                    audits[c] = audit_table(pa.concat_tables(splits.values()))
                    if any(t.num_rows for t in splits.values()):
                        written[c] = _write_splits(splits, spill / ".shards" / c, shard_rows)
                    if traces is not None and _explained(c, renderers):
                        made[c] = (splits, n_dropped)  # its traces config takes whole rows
                        continue
                    made[c] = ({s: _summary(t) for s, t in splits.items()}, n_dropped)
                    del splits
                    shutil.rmtree(spill / c, ignore_errors=True)
        finally:
            if pool:  # after a failure or Ctrl-C, the batches not yet rendered are dropped
                pool.shutdown(cancel_futures=True)
        split_tables = {config: made[config][0] for config in tables}
        dropped = {config: made[config][1] for config in tables}
        notes = _split_notes(split_tables)
        for config in [c for c, sp in split_tables.items() if not any(t.num_rows for t in sp.values())]:
            del split_tables[config], tables[config], dropped[config]
        if not split_tables:
            raise PackageError(f"no pairs left after splitting in {pairs_dir}; nothing to package")
        notes += _dropped_config_notes(previous, split_tables)

        builders = _builders(report, tables)
        trace_info = None
        if traces is not None:
            explained = {c: t for c, t in split_tables.items() if _explained(c, renderers)}
            trace_info, trace_tables = _trace_configs(traces, explained, trace_generator, trace_model)
            split_tables.update(trace_tables)
            dropped.update({c: dropped[c.removesuffix(TRACES_SUFFIX)] for c in trace_tables})
            builders.update({c: builders[c.removesuffix(TRACES_SUFFIX)] for c in trace_tables})
        data_timestamp = report.get("data_timestamp") or max(
            (ts for t in tables.values() for ts in field_values(t, "provenance", "data_timestamp") if ts),
            default=None,
        )

        with atomic_dir(out_dir) as tmp:
            infos, configs = {}, {}
            for config, all_splits in split_tables.items():
                folder = tmp / "data" / config
                if config in written:
                    shards = _moved(written[config], folder)
                else:  # a traces config, made after the others
                    shards = _write_splits(all_splits, folder, shard_rows)
                infos[config] = DatasetInfo(
                    features=Features.from_arrow_schema(shards.schema),
                    splits=SplitDict(
                        {
                            s: SplitInfo(name=s, num_bytes=shards.nbytes[s], num_examples=n)
                            for s, n in shards.rows.items()
                        }
                    ),
                    download_size=sum(p.stat().st_size for paths in shards.files.values() for p in paths),
                    dataset_size=sum(shards.nbytes.values()),
                )
                configs[config] = {
                    "data_files": [{"split": s, "path": f"data/{config}/{s}-*.parquet"} for s in shards.rows]
                }

            stats = card.CardStats(
                version=version,
                ctpairs_version=__version__,
                data_timestamp=data_timestamp,
                inputs=list(report.get("inputs", [])),
                builders={c: f"{b['builder']} {b['version']}" for c, b in builders.items()},
                split_description=_split_description(plan, dropped),
                counts={c: {s: t.num_rows for s, t in sp.items()} for c, sp in split_tables.items()},
                trials={
                    c: {s: len(set(t.column("nct_id").to_pylist())) for s, t in sp.items()}
                    for c, sp in split_tables.items()
                },
                total_trials=len(_trial_ids({f"{c}/{s}": t for c, sp in split_tables.items() for s, t in sp.items()})),
                labels={c: card.label_balance(pa.concat_tables(sp.values())) for c, sp in split_tables.items()},
                top_conditions=card.top_trial_items(trials, "conditions"),
                top_drugs=card.top_trial_items(
                    trials, "interventions", prefixes=("DRUG", "BIOLOGICAL"), exclude=frozenset({"placebo"})
                ),
                dose_series=card.dose_series(tables["dose"]) if "dose" in tables else None,
                dropped=dropped,
                repo_id=repo_id or card.DEFAULT_REPO_ID,
                task_notes=card.task_notes(task_template.version, template_peeks(task_template), trace_info),
                audits={
                    c: audits[c] if c in audits else audit_table(pa.concat_tables(sp.values()))
                    for c, sp in split_tables.items()
                },
                curation=curation.as_dict() if curation else None,
                curation_dropped=curation_report,
            )
            card.write_plots(stats, tmp)
            metadata = card.card_metadata(stats)
            MetadataConfigs(configs).to_dataset_card_data(metadata)
            DatasetInfosDict(infos).to_dataset_card_data(metadata)
            readme = card.render_card(stats, TRACES_SCHEMA if trace_info else PACKAGE_SCHEMA, metadata)
            card.validate_card(readme)
            (tmp / CARD_NAME).write_text(readme, encoding="utf-8")

            manifest: dict[str, Any] = {
                "name": "ctpairs",
                "version": version,
                "previous_version": previous["version"] if previous else None,
                "ctpairs_version": __version__,
                "schema_version": SCHEMA_VERSION,
                "data_timestamp": data_timestamp,
                "inputs": {
                    "build": report.get("inputs", []),
                    "build_ctpairs_version": report.get("ctpairs_version"),
                    "pairs": {
                        p.name: {"sha256": file_sha256(p), "bytes": p.stat().st_size}
                        for p in sorted(pairs_dir.glob("*.parquet"))
                    },
                },
                "builders": builders,
                "template": {
                    "name": template,
                    "version": task_template.version,
                    "peeks": template_peeks(task_template),
                },
                "traces": trace_info,
                "curation": {"policy": curation.as_dict() if curation else None, "configs": curation_report},
                "split": {
                    "by": plan.by,
                    "seed": plan.seed,
                    "fractions": dict(plan.fractions),
                    "cutoff": plan.cutoff.isoformat() if plan.cutoff else None,
                    "moved": dict(sorted(plan.overrides.items())),  # trials moved off their hashed split
                },
                "configs": {
                    c: {
                        "pairs": sum(stats.counts[c].values()),
                        "trials": len(_trial_ids(split_tables[c])),
                        "dropped_cross_split": dropped[c],
                        "splits": {s: {"pairs": stats.counts[c][s], "trials": stats.trials[c][s]} for s in SPLITS},
                    }
                    for c in sorted(split_tables)
                },
            }
            if excluded is not None:
                manifest["excluded"] = excluded
            if benchmark_skips is not None:
                manifest["benchmark_configs"] = {"skipped": benchmark_skips}
            entry = _changelog(out_dir, version, previous, manifest, split_tables)
            old_log = (out_dir / CHANGELOG_NAME).read_text(encoding="utf-8") if previous else ""
            old_entries = old_log.split("\n", 2)[2] if old_log.startswith("# Changelog\n") else old_log
            (tmp / CHANGELOG_NAME).write_text(
                f"# Changelog\n\n{entry}\n{old_entries}".rstrip("\n") + "\n", encoding="utf-8"
            )

            files = sorted(p for p in tmp.rglob("*") if p.is_file())
            manifest["files"] = {
                p.relative_to(tmp).as_posix(): {"sha256": file_sha256(p), "bytes": p.stat().st_size} for p in files
            }
            (tmp / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
            result_files = {
                p.relative_to(tmp).as_posix(): p.stat().st_size for p in sorted(tmp.rglob("*")) if p.is_file()
            }

        return PackageResult(out_dir, version, manifest["previous_version"], stats.counts, dropped, result_files, notes)
