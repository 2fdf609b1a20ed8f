"""The build runner: records -> trials -> builders -> Parquet + a build report.

Builders only turn one trial into pairs; this module owns inputs, worker processes,
progress, counting skips and writing files. Output under ``out_dir``:

* ``<axis>.parquet`` for each axis, streamed as the trials are built (memory stays bounded by
  a row group): rows follow the input order of the trials, by ``pair_id`` within each block of
  :data:`CHUNK_SIZE` input records, so two builds of the same input give byte-identical files,
  whatever ``workers`` (or the executor) is;
* ``.build-report.json``: inputs, counts per axis, skips per reason with the first example of
  each, data timestamp, versions, time taken. It is a dot-file so that ``pyarrow.dataset.dataset(out_dir)`` and
  ``datasets.load_dataset("parquet", data_dir=out_dir)`` read the Parquet files alone.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from functools import cache, partial
from itertools import islice
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ctpairs import __version__
from ctpairs.atomic import atomic_dir
from ctpairs.audit import Audit
from ctpairs.builder import SKIP_NO_RESULTS, Builder, Skip, load_builders
from ctpairs.collector import fewer_collections
from ctpairs.errors import BadRecordError, NoStudiesError, OutputExistsError, UsageError
from ctpairs.inputs import RecordInput
from ctpairs.model.parse import parse_trial
from ctpairs.model.trial import Trial
from ctpairs.schema import PAIR_SCHEMA, SCHEMA_VERSION, Pair, pairs_table
from ctpairs.shelf import TrialShelf
from ctpairs.sources.files import BadRecord, BadRecordTally, GoodRecord, RawRecord, load_raw
from ctpairs.store import record_nct_id, record_version_holder
from ctpairs.workers import ordered_map, worker_pool

log = logging.getLogger(__name__)

REPORT_NAME = ".build-report.json"
CHUNK_SIZE = 64  # input records per chunk: the unit of the output order
TASK_RESULTS = 64  # a worker task takes whole chunks until it holds this many records with results
TASK_RECORDS = 1024  # ... or this many records
EXECUTORS = ("local", "ray")
ROW_GROUP_SIZE = 10_000


@dataclass
class AxisReport:
    builder: str
    builder_version: str
    kind: str
    pairs: int = 0
    trials_with_pairs: int = 0
    skips: dict[str, int] = field(default_factory=dict)  # reason -> times
    skip_examples: dict[str, str] = field(default_factory=dict)  # reason -> "NCT id: what was skipped" (the first)
    trials_without_pairs: dict[str, int] = field(default_factory=dict)  # main skip reason -> trials
    file: str | None = None
    anchors: dict[str, int] | None = None  # approximate axes: {"anchors": n, "with_partner": m}
    audit: dict | None = None  # label methods, verifiable share, agreement, balance (ctpairs.audit)


@dataclass
class BuildReport:
    inputs: list[str]
    ctpairs_version: str = __version__
    schema_version: str = SCHEMA_VERSION
    studies: int = 0
    studies_with_results: int = 0
    bad_records: int = 0
    data_timestamp: str | None = None
    axes: dict[str, AxisReport] = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class _ChunkResult:
    pairs: dict[str, list[Pair]]  # filled while building; sealed into ``tables`` at the end of a chunk
    skips: dict[str, Counter]
    examples: dict[str, dict[str, str]]  # axis -> reason -> first example, in input order
    trials_with_pairs: Counter
    trials_without_pairs: dict[str, Counter]
    studies: int
    with_results: int
    bad: list[BadRecord]  # records that did not parse, with where they were
    timestamps: set[str]
    tables: dict[str, pa.Table] = field(default_factory=dict)

    def seal(self) -> _ChunkResult:
        """Turn the pairs into Arrow tables where they were built (in the worker, in parallel):
        less to pickle back, and the main process only concatenates. An axis without pairs in the
        chunk gets no table (a chunk of studies without results makes none)."""
        self.tables = {name: pairs_table(pairs) for name, pairs in self.pairs.items() if pairs}
        self.pairs = {}
        return self


def _new_result(builders: list[Builder]) -> _ChunkResult:
    return _ChunkResult(
        {b.name: [] for b in builders},
        {b.name: Counter() for b in builders},
        {b.name: {} for b in builders},
        Counter(),
        {b.name: Counter() for b in builders},
        0,
        0,
        [],
        set(),
    )


def _apply(builders: list[Builder], trial: Trial, out: _ChunkResult) -> None:
    for builder in builders:
        made, skips = 0, Counter()
        examples = out.examples[builder.name]
        for item in builder.build(trial):
            if isinstance(item, Skip):
                skips[item.reason] += 1
                if item.reason not in examples:
                    examples[item.reason] = f"{trial.nct_id}: {item.detail}" if item.detail else trial.nct_id
            else:
                out.pairs[builder.name].append(item)
                made += 1
        out.skips[builder.name].update(skips)
        if made:
            out.trials_with_pairs[builder.name] += 1
        else:
            out.trials_without_pairs[builder.name][skips.most_common(1)[0][0] if skips else "nothing to pair"] += 1


@cache
def _natural_builders(axes: tuple[str, ...]) -> list[Builder]:
    """The builders of ``axes``, made once per process (natural builders keep no state between trials)."""
    return load_builders(axes)


@dataclass(frozen=True)
class Unposted:
    """A study without posted results, as the natural pass reads it. No builder has anything to pair
    in it, so it is counted (with its data date) without being parsed into a :class:`Trial`."""

    nct_id: str
    data_timestamp: str | None


def _unposted(record: dict) -> Unposted:
    """The NCT ID and data date of a record without results (raises BadRecordError, as parse_trial would,
    when it is not a study or its data date is not text)."""
    nct_id = record_nct_id(record)
    stamp = record_version_holder(record)
    if stamp is not None and not isinstance(stamp, str):
        raise BadRecordError(f"{nct_id}: derivedSection.miscInfoModule.versionHolder is not text")
    return Unposted(nct_id, stamp)


def _parsed(items: Iterable[dict | RawRecord], *, unposted: bool = False) -> Iterator[Trial | Unposted | BadRecord]:
    """Each item as a trial, or as the bad record it is (JSON texts are parsed here, in the worker).
    With ``unposted``, a record without results is read as an :class:`Unposted`, not parsed."""
    for item in items:
        for record in load_raw(item) if isinstance(item, RawRecord) else (item,):
            if isinstance(record, BadRecord):
                yield record
                continue
            where = record.location if isinstance(record, GoodRecord) else "a record"
            study = record.record if isinstance(record, GoodRecord) else record
            try:
                if unposted and isinstance(study, dict) and not has_results(study):
                    yield _unposted(study)
                else:
                    yield parse_trial(study)
            except Exception as exc:  # noqa: BLE001 - one bad record must not stop a build
                yield BadRecord(where, f"does not parse as a study: {exc}")


def _count_unposted(builders: list[Builder], study: Unposted, out: _ChunkResult) -> None:
    """What every natural builder would say of a study without results: SKIP_NO_RESULTS."""
    for builder in builders:
        out.skips[builder.name][SKIP_NO_RESULTS] += 1
        out.examples[builder.name].setdefault(SKIP_NO_RESULTS, study.nct_id)
        out.trials_without_pairs[builder.name][SKIP_NO_RESULTS] += 1


def _run_chunk(axes: tuple[str, ...], records: list[dict | RawRecord]) -> _ChunkResult:
    builders = _natural_builders(axes)
    out = _new_result(builders)
    for study in _parsed(records, unposted=True):
        if isinstance(study, BadRecord):
            log.debug("skipped a record %s: %s", study.location, study.reason)
            out.bad.append(study)
            continue
        out.studies += 1
        if study.data_timestamp:
            out.timestamps.add(study.data_timestamp)
        if isinstance(study, Unposted):
            _count_unposted(builders, study, out)
        else:
            out.with_results += study.has_results
            _apply(builders, study, out)
    return out.seal()


def run_chunks(axes: tuple[str, ...], chunks: list[list[dict | RawRecord]]) -> list[_ChunkResult]:
    """One worker task: the results of consecutive chunks, in order."""
    with fewer_collections():
        return [_run_chunk(axes, chunk) for chunk in chunks]


def _run_approximate(
    builders: list[Builder], records: Iterable[dict | RawRecord], **prepare: object
) -> Iterator[_ChunkResult]:
    """Approximate builders see the whole corpus: the first is prepared on the parsed records (it
    puts them on a compressed :class:`~ctpairs.shelf.TrialShelf`, its ``corpus``), the others on
    that shelf; then every trial of it is built, :data:`CHUNK_SIZE` trials a block.

    Studies are counted by the natural pass over the same records, not here.
    """
    corpus: Iterable[Trial] = (t for t in _parsed(records) if isinstance(t, Trial))  # bad ones: counted already
    for builder in builders:
        # approximate builders have prepare and corpus
        builder.prepare(corpus, **prepare)  # type: ignore[attr-defined]
        corpus = builder.corpus  # type: ignore[attr-defined]
    if isinstance(corpus, TrialShelf):
        log.info("approximate axes: %d trials shelved in %.0f MiB", len(corpus), corpus.compressed_bytes / 2**20)
    from ctpairs.retrieval.approximate import forget_neighbours

    trials = iter(corpus)
    try:
        while block := list(islice(trials, CHUNK_SIZE)):
            out = _new_result(builders)
            for trial in block:
                _apply(builders, trial, out)
            yield out.seal()
    finally:
        forget_neighbours()


class _AxisWriter:
    """Streams one axis's pairs to Parquet as blocks arrive, in arrival order, so memory stays
    bounded by a row group and not by the corpus. Every row group holds ``row_group_size``
    (:data:`ROW_GROUP_SIZE`) rows but the last, whatever the blocks were, so the same rows in the same order give the same
    bytes. The axis's
    label audit is counted as the blocks pass (:class:`~ctpairs.audit.Audit`)."""

    def __init__(self, path: Path, row_group_size: int = ROW_GROUP_SIZE):
        self.path = path
        self.row_group_size = row_group_size
        self.rows = 0
        self.audit = Audit()
        self._buffer: list[pa.Table] = []
        self._buffered = 0
        self._writer: pq.ParquetWriter | None = None  # opened with the first row: an empty axis writes no file

    def write(self, table: pa.Table) -> None:
        self._buffer.append(table)
        self.audit.add_table(table)
        self._buffered += table.num_rows
        self.rows += table.num_rows
        if self._buffered >= self.row_group_size:
            self._flush(whole_groups_only=True)

    def _flush(self, whole_groups_only: bool = False) -> None:
        """Write the buffered rows (with ``whole_groups_only``, all but those short of a row group)."""
        if not self._buffered:
            return
        rows = pa.concat_tables(self._buffer)
        keep = rows.num_rows % self.row_group_size if whole_groups_only else 0
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.path, PAIR_SCHEMA, compression="zstd")
        self._writer.write_table(rows.slice(0, rows.num_rows - keep), row_group_size=self.row_group_size)
        self._buffer = [rows.slice(rows.num_rows - keep)] if keep else []
        self._buffered = keep

    def close(self) -> None:
        self._flush()
        if self._writer is not None:
            self._writer.close()


def check_out_dir(out_dir: Path) -> None:
    """Refuse an ``--out`` that is a file, or a non-empty folder that is not a ctpairs build (no
    :data:`REPORT_NAME`): a build replaces the whole folder."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputExistsError(f"--out {out_dir} is a file, not a folder; give a folder for the pairs")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / REPORT_NAME).is_file():
        raise OutputExistsError(
            f"--out {out_dir} is not empty and holds no ctpairs build ({REPORT_NAME}); a build replaces its "
            "folder whole, so give a new or empty folder"
        )


def has_results(item: dict | RawRecord) -> bool:
    """Whether a record has posted results, without parsing a JSON text (the key is never escaped)."""
    if isinstance(item, RawRecord):
        return b'"resultsSection"' in item.text
    return bool(item.get("resultsSection"))


def tasks(records: Iterable[dict | RawRecord]) -> Iterator[list[list[dict | RawRecord]]]:
    """Chunks of :data:`CHUNK_SIZE` records, grouped into tasks of whole chunks holding about
    :data:`TASK_RESULTS` records with results (at most :data:`TASK_RECORDS` records), so that every task costs about the same whether
    the input is mostly studies without results (the registry) or only studies with them."""
    task: list[list[dict | RawRecord]] = []
    weight = 0
    it = iter(records)
    while chunk := list(islice(it, CHUNK_SIZE)):
        task.append(chunk)
        weight += sum(map(has_results, chunk))
        if weight >= TASK_RESULTS or len(task) * CHUNK_SIZE >= TASK_RECORDS:
            yield task
            task, weight = [], 0
    if task:
        yield task


def build_pairs(
    records: Iterable[dict | RawRecord],
    axes: list[str],
    out_dir: str | Path,
    *,
    inputs: list[str],
    workers: int = 1,
    progress: bool = True,
    total: int | None = None,
    index_dir: str | Path | None = None,
    model: str | None = None,
    device: str | None = None,
    executor: str = "local",
) -> BuildReport:
    """Run the builders of ``axes`` over ``records`` and write ``out_dir/<axis>.parquet`` and the report.

    The folder is built beside ``out_dir`` and swapped into place at the end, so it only ever holds
    one whole build (no stale axis files of an older one); a non-empty folder that is not a ctpairs
    build is refused (:class:`~ctpairs.errors.OutputExistsError`). An axis that finds no pairs gets
    no file (its report entry says 0 pairs, ``file`` null). A :class:`ctpairs.inputs.RecordInput`
    is read as JSON texts (:meth:`~ctpairs.inputs.RecordInput.texts`) parsed in the workers, and
    every bad record, found while reading or parsing, goes to its ``bad`` tally (with where it
    was); ``bad_records`` counts them. Raises :class:`~ctpairs.errors.NoStudiesError` when no study
    could be read (nothing is written).

    ``workers > 1`` parses and builds in that many processes; the output is the same either way.
    Approximate (cross-trial) builders need the whole corpus: when one is selected, the records
    are read a second time (a :class:`~ctpairs.inputs.RecordInput`; other iterables are held in a
    list), parsed onto a compressed :class:`~ctpairs.shelf.TrialShelf`, and those builders are
    prepared on it with ``index_dir`` (the FAISS index and embedding cache folder; None keeps
    them in memory), ``model`` and ``device``, then run in this process a block of trials at a time.

    ``executor="ray"`` runs the natural builders as a Ray Data pipeline on a Ray cluster (and,
    unless ``device`` says otherwise, the embedding as a Ray actor pool): see :mod:`ctpairs.raydata`.
    The files are the same bytes as with the local executor.
    """
    from tqdm.auto import tqdm

    if workers < 1:
        raise UsageError(f"workers must be at least 1, got {workers}")
    out_dir = Path(out_dir)
    check_out_dir(out_dir)
    started = time.perf_counter()
    if executor not in EXECUTORS:
        raise ValueError(f"unknown executor {executor!r}; expected one of {', '.join(EXECUTORS)}")
    if executor == "ray" and device is None:
        device = "ray"
    builders: list[Builder] = load_builders(axes)
    names = [b.name for b in builders]
    approximate = [b for b in builders if b.kind == "approximate"]
    natural_names = tuple(b.name for b in builders if b.kind != "approximate")
    # a RecordInput is read as JSON texts, parsed in the workers; its tally gets the bad records found there
    items = records.texts() if isinstance(records, RecordInput) else records
    bad = records.bad if isinstance(records, RecordInput) else BadRecordTally()
    if approximate and not isinstance(records, RecordInput):
        items = list(items)  # read twice: by the natural pass, then by the approximate one
    report = BuildReport(inputs=inputs)
    for b in builders:
        report.axes[b.name] = AxisReport(type(b).__name__, b.version, b.kind)
    timestamps: set[str] = set()

    bar = tqdm(total=total, unit="study", desc="building", disable=not progress)
    pool = worker_pool(workers) if executor == "local" else None
    with fewer_collections(), atomic_dir(out_dir) as tmp_dir:
        writers = {n: _AxisWriter(tmp_dir / f"{n}.parquet") for n in names}
        try:

            def results() -> Iterator[_ChunkResult]:
                """The natural chunks in input order, then (once) the approximate pass over the corpus."""
                if executor == "ray":
                    from ctpairs.raydata import build_results

                    yield from build_results(natural_names, tasks(items), progress=progress)
                elif pool:
                    for done in ordered_map(pool, partial(run_chunks, natural_names), tasks(items), 2 * workers):
                        yield from done
                else:
                    for task in tasks(items):
                        yield from run_chunks(natural_names, task)
                if approximate:
                    yield from _run_approximate(
                        approximate,
                        # a RecordInput is read again (its bad records were counted the first time)
                        replace(records, bad=BadRecordTally()).texts() if isinstance(records, RecordInput) else items,
                        index_dir=Path(index_dir) if index_dir is not None else None,
                        model=model,
                        device=device,
                    )

            for res in results():
                report.studies += res.studies
                report.studies_with_results += res.with_results
                for bad_record in res.bad:
                    bad.add(bad_record)
                timestamps |= res.timestamps
                for name in res.skips:  # every axis of the chunk, with pairs or not
                    if name in res.tables:
                        writers[name].write(res.tables[name])
                    axis = report.axes[name]
                    axis.trials_with_pairs += res.trials_with_pairs[name]
                    axis.skips = dict(Counter(axis.skips) + res.skips[name])
                    for reason, example in res.examples[name].items():
                        axis.skip_examples.setdefault(reason, example)
                    axis.trials_without_pairs = dict(
                        Counter(axis.trials_without_pairs) + res.trials_without_pairs[name]
                    )
                bar.update(res.studies + len(res.bad))
        except BaseException:
            if pool:  # Ctrl-C or a failure: drop the queued chunks, let the running ones end quietly
                pool.shutdown(cancel_futures=True)
                pool = None
            raise
        finally:
            bar.close()
            if pool:
                pool.shutdown()
            for writer in writers.values():
                writer.close()

        report.bad_records = bad.count
        if report.studies == 0:
            raise NoStudiesError(
                f"no readable study in {', '.join(inputs)} ({report.bad_records:,} bad records); nothing was "
                "written. Check the input with `ctpairs ingest`, which lists the bad records"
            )
        for name in names:
            axis = report.axes[name]
            axis.pairs = writers[name].rows
            axis.anchors = getattr(next(b for b in builders if b.name == name), "anchor_summary", None)
            axis.file = f"{name}.parquet" if axis.pairs else None
            axis.skips = dict(sorted(axis.skips.items(), key=lambda kv: (-kv[1], kv[0])))
            axis.skip_examples = {reason: axis.skip_examples[reason] for reason in axis.skips}
            axis.trials_without_pairs = dict(sorted(axis.trials_without_pairs.items(), key=lambda kv: (-kv[1], kv[0])))
            if axis.file:
                axis.audit = writers[name].audit.result()
        report.data_timestamp = max(timestamps) if timestamps else None
        report.seconds = round(time.perf_counter() - started, 3)
        (tmp_dir / REPORT_NAME).write_text(json.dumps(report.as_dict(), indent=2) + "\n")
    return report
