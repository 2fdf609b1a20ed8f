"""Synthetic reasoning traces: a teacher explains each pair as a prediction from its factual side.

The teacher (:mod:`ctpairs.teacher`) sees the student's question (the pair's prompt, see
:mod:`ctpairs.tasks`), the counterfactual result and the verified label, and is asked for a short,
mechanism-level explanation (pharmacology, dose-exposure-response, disease course, measurement)
written as a prediction made from the factual side only, ending with the line ``Answer: <label>``.
A trace is **kept** only when

* its answer (:func:`ctpairs.rewards.parse_answer`) equals the label;
* it passes the no-peeking check (:func:`ctpairs.peeking.find_peeks`): no counterfactual value the
  student's prompt does not show;
* it has between ``min_words`` and ``max_words`` words.

Otherwise it is rejected with one of :data:`REJECT_REASONS`. Each pair gets up to ``samples``
tries, stopping at the first kept trace.

Every try is stored in a SQLite cache (:class:`TraceCache`) keyed by (generator, model, template
version, pair id, try), committed pair by pair, so a killed run resumes where it stopped and a
finished pair is never asked again. :func:`generate_traces` runs the pairs with bounded
concurrency and a progress bar, and returns a :class:`TraceReport` (kept, rejected by reason,
tokens).
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ctpairs.errors import TraceError
from ctpairs.peeking import find_peeks
from ctpairs.rewards import parse_answer
from ctpairs.tasks import answer_fields, prompt_fields, task_columns
from ctpairs.teacher import Generation, Generator, ReplyError

TRACE_TEMPLATE_VERSION = "t1"
"""Version of the teacher prompt below; part of every cache key."""

TEACHER_SYSTEM = (
    "You are an expert in clinical pharmacology and trial methodology. You write short teaching "
    "explanations that predict how a trial result changes when one thing changes."
)

TEACHER_USER = """\
A student model is given the question below. It cannot see the counterfactual result.

--- question shown to the student ---
{question}
--- end of question ---

What was actually observed (for you only): the counterfactual group had {counterfactual_result}; \
the verified answer is "{answer}". {evidence}

Write the reply the student should give: 3 to 8 sentences that predict the direction from the \
factual side and the change alone, using the mechanism (pharmacology, dose-exposure-response, disease \
course over time, how the outcome is measured) and the trial context. Write it as a prediction, \
not as a report of what happened. Never state the counterfactual result, the difference, a ratio or a \
percentage change. End with exactly this line:
Answer: {answer}"""

MIN_WORDS = 20
MAX_WORDS = 300

KEPT = "kept"
REJECT_NO_ANSWER = "no answer line"
REJECT_WRONG_ANSWER = "answer differs from the label"
REJECT_PEEK = "states a counterfactual value"
REJECT_TOO_SHORT = "too short"
REJECT_TOO_LONG = "too long"
REJECT_ERROR = "request refused by the teacher"
REJECT_REASONS = (REJECT_NO_ANSWER, REJECT_WRONG_ANSWER, REJECT_PEEK, REJECT_TOO_SHORT, REJECT_TOO_LONG, REJECT_ERROR)

_THINK = re.compile(r"<think>.*?</think>", re.DOTALL)


def teacher_messages(row: Mapping[str, Any]) -> list[dict[str, str]]:
    """The chat messages sent to the teacher for one pair row (template :data:`TRACE_TEMPLATE_VERSION`)."""
    question = task_columns(row)["messages"][-2]["content"]
    fields = {**prompt_fields(row), **answer_fields(row), "question": question}
    return [
        {"role": "system", "content": TEACHER_SYSTEM},
        {"role": "user", "content": TEACHER_USER.format_map(fields)},
    ]


def clean_trace(text: str) -> str:
    """The trace as kept: reasoning blocks (``<think>...</think>``) removed, lines stripped."""
    text = _THINK.sub("", text)
    return "\n".join(line.strip() for line in text.strip().splitlines()).strip()


def judge_trace(
    text: str, row: Mapping[str, Any], *, min_words: int = MIN_WORDS, max_words: int = MAX_WORDS
) -> str | None:
    """Why a (cleaned) trace is rejected for ``row`` (one of :data:`REJECT_REASONS`), or None to keep it."""
    answer = parse_answer(text) if text else None
    if answer is None:
        return REJECT_NO_ANSWER
    if answer != row["label"]["direction"]:
        return REJECT_WRONG_ANSWER
    if find_peeks(text, row, task_columns(row)["prompt"]):
        return REJECT_PEEK
    words = len(text.split())
    if words < min_words:
        return REJECT_TOO_SHORT
    if words > max_words:
        return REJECT_TOO_LONG
    return None


def sample_seed(pair_id: str, sample: int) -> int:
    """The seed of one try: stable across runs, different for each pair and try."""
    return int.from_bytes(hashlib.sha256(f"{pair_id}/{sample}".encode()).digest()[:4], "big")


# -- cache ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attempt:
    """One try at a trace for one pair."""

    pair_id: str
    sample: int
    text: str
    status: str  # KEPT or a reject reason
    prompt_tokens: int
    completion_tokens: int


@dataclass(frozen=True)
class TraceRun:
    """What identifies a set of traces in the cache, and how they were sampled."""

    generator: str
    model: str
    template_version: str
    settings: dict[str, Any] = field(default_factory=dict)


_SCHEMA = """
CREATE TABLE IF NOT EXISTS attempts (
    generator TEXT NOT NULL, model TEXT NOT NULL, template_version TEXT NOT NULL, pair_id TEXT NOT NULL,
    sample INTEGER NOT NULL, text TEXT NOT NULL, status TEXT NOT NULL,
    prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL,
    PRIMARY KEY (generator, model, template_version, pair_id, sample)
);
CREATE TABLE IF NOT EXISTS runs (
    generator TEXT NOT NULL, model TEXT NOT NULL, template_version TEXT NOT NULL, settings TEXT NOT NULL,
    PRIMARY KEY (generator, model, template_version)
);
"""


class TraceCache:
    """The SQLite file of every try, keyed by (generator, model, template version, pair id, try)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise TraceError(f"{self.path} is not a traces cache: {exc}") from None
        self._lock = threading.Lock()

    def __enter__(self) -> TraceCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def save_run(self, run: TraceRun) -> None:
        """Record the run's sampling settings (the latest settings win)."""
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?)",
                (run.generator, run.model, run.template_version, json.dumps(run.settings, sort_keys=True)),
            )

    def runs(self) -> list[TraceRun]:
        """Every run in the cache."""
        rows = self._db.execute("SELECT generator, model, template_version, settings FROM runs ORDER BY 1, 2, 3")
        return [TraceRun(g, m, v, json.loads(s)) for g, m, v, s in rows]

    def add(self, run: TraceRun, attempts: Iterable[Attempt]) -> None:
        """Store the tries of one pair in one transaction."""
        with self._lock, self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO attempts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (run.generator, run.model, run.template_version, a.pair_id, a.sample, a.text, a.status)
                    + (a.prompt_tokens, a.completion_tokens)
                    for a in attempts
                ],
            )

    def attempts(self, run: TraceRun, pair_ids: Iterable[str] | None = None) -> dict[str, list[Attempt]]:
        """The stored tries of ``run`` by pair id (of ``pair_ids`` only, when given), in try order."""
        with self._lock:
            rows = self._db.execute(
                "SELECT pair_id, sample, text, status, prompt_tokens, completion_tokens FROM attempts "
                "WHERE generator = ? AND model = ? AND template_version = ? ORDER BY pair_id, sample",
                (run.generator, run.model, run.template_version),
            ).fetchall()
        wanted = set(pair_ids) if pair_ids is not None else None
        out: dict[str, list[Attempt]] = {}
        for row in rows:
            if wanted is None or row[0] in wanted:
                out.setdefault(row[0], []).append(Attempt(*row))
        return out

    def kept(self, run: TraceRun) -> dict[str, str]:
        """The kept trace of each pair of ``run``."""
        return {
            pair_id: next(a.text for a in tries if a.status == KEPT)
            for pair_id, tries in self.attempts(run).items()
            if any(a.status == KEPT for a in tries)
        }

    def dump(self) -> list[tuple]:
        """Every stored try, in key order (to compare two caches)."""
        with self._lock:
            return self._db.execute("SELECT * FROM attempts ORDER BY 1, 2, 3, 4, 5").fetchall()


def select_run(cache: TraceCache, generator: str | None = None, model: str | None = None) -> TraceRun:
    """The one run of the cache that matches ``generator`` and ``model`` (either may be left out)."""
    runs = [r for r in cache.runs() if generator in (None, r.generator) and model in (None, r.model)]
    if len(runs) != 1:
        found = "; ".join(f"{r.generator} {r.model} {r.template_version}" for r in cache.runs()) or "none"
        raise TraceError(
            f"{cache.path}: {len(runs)} trace runs match (runs in the cache: {found}); "
            "name one with --trace-generator and --trace-model"
        )
    return runs[0]


# -- running ----------------------------------------------------------------------------------

CACHE_NAME = ".traces.sqlite"  # a dot-file, so `pyarrow.dataset.dataset(DIR)` still reads the Parquet alone


def default_cache_path(pairs: str | Path) -> Path:
    """Where traces of a pairs folder (or file) are cached: ``.traces.sqlite`` in that folder."""
    pairs = Path(pairs)
    return (pairs if pairs.is_dir() else pairs.parent) / CACHE_NAME


def read_pair_rows(pairs: str | Path, axes: Iterable[str] | None = None, limit: int | None = None) -> list[dict]:
    """The pair rows with a verifiable label of a ``ctpairs build`` folder (every ``<axis>.parquet``,
    or those of ``axes``) or of one Parquet file, by axis then pair id; the first ``limit`` of each
    file when given."""
    import pyarrow.parquet as pq

    from ctpairs.schema import PAIR_SCHEMA

    pairs = Path(pairs)
    paths = sorted(pairs.glob("*.parquet")) if pairs.is_dir() else [pairs]
    if axes:
        wanted = set(axes)
        paths = [p for p in paths if p.stem in wanted]
    if not paths or not all(p.is_file() for p in paths):
        raise TraceError(f"no pairs Parquet files in {pairs}{' for ' + ', '.join(axes) if axes else ''}")
    rows: list[dict] = []
    for path in paths:
        try:
            table = pq.read_table(path).select(PAIR_SCHEMA.names).sort_by("pair_id")
        except (KeyError, ValueError, OSError) as exc:
            raise TraceError(f"{path} is not a pairs file: {exc}") from None
        verifiable = [r for r in table.to_pylist() if r["label"]["verifiable"]]
        rows.extend(verifiable[:limit] if limit is not None else verifiable)
    return rows


@dataclass
class TraceReport:
    """What :func:`generate_traces` did: pairs, kept traces, rejects by reason, tokens."""

    generator: str
    model: str
    template_version: str
    settings: dict[str, Any]
    pairs: int = 0
    kept: int = 0
    without_trace: int = 0
    attempts: int = 0
    cached_attempts: int = 0
    rejected: dict[str, int] = field(default_factory=dict)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _pair_tries(
    generator: Generator,
    row: Mapping[str, Any],
    done: list[Attempt],
    samples: int,
    bounds: tuple[int, int],
) -> list[Attempt]:
    """New tries for one pair until one is kept or ``samples`` tries exist."""
    new: list[Attempt] = []
    messages = teacher_messages(row)
    for sample in range(len(done), samples):
        try:
            reply = generator.generate(messages, seed=sample_seed(row["pair_id"], sample))
        except ReplyError as exc:
            reply, status = Generation(str(exc), 0, 0), REJECT_ERROR
        else:
            reply = Generation(clean_trace(reply.text), reply.prompt_tokens, reply.completion_tokens)
            status = judge_trace(reply.text, row, min_words=bounds[0], max_words=bounds[1]) or KEPT
        new.append(Attempt(row["pair_id"], sample, reply.text, status, reply.prompt_tokens, reply.completion_tokens))
        if status == KEPT:
            break
    return new


def _count(report: TraceReport, tries: list[Attempt], cached: bool) -> None:
    for a in tries:
        report.attempts += 1
        report.cached_attempts += cached
        report.prompt_tokens += a.prompt_tokens
        report.completion_tokens += a.completion_tokens
        if a.status != KEPT:
            report.rejected[a.status] = report.rejected.get(a.status, 0) + 1


def generate_traces(
    rows: Iterable[Mapping[str, Any]],
    generator: Generator,
    cache: TraceCache,
    *,
    samples: int = 4,
    concurrency: int = 4,
    min_words: int = MIN_WORDS,
    max_words: int = MAX_WORDS,
    progress: bool = True,
) -> TraceReport:
    """A trace for each pair row, with up to ``samples`` tries, ``concurrency`` pairs at a time.

    Tries already in ``cache`` for this (generator, model, template version) are reused; new ones
    are stored pair by pair. Returns the :class:`TraceReport` over all the pairs (cached tries
    included, and counted apart in ``cached_attempts``).
    """
    from tqdm.auto import tqdm

    if samples < 1 or concurrency < 1:
        raise TraceError("--samples and --concurrency must be at least 1")
    started = time.perf_counter()
    settings = {
        **generator.sampling.as_dict(),
        "samples": samples,
        "min_words": min_words,
        "max_words": max_words,
    }
    run = TraceRun(generator.name, generator.model, TRACE_TEMPLATE_VERSION, settings)
    cache.save_run(run)
    rows = list(rows)
    if not rows:
        raise TraceError("no pairs to explain")
    done = cache.attempts(run, (r["pair_id"] for r in rows))
    report = TraceReport(run.generator, run.model, run.template_version, settings, pairs=len(rows))
    bar = tqdm(total=len(rows), desc="traces", unit="pair", disable=not progress)

    def finish(tries: list[Attempt]) -> None:
        if any(a.status == KEPT for a in tries):
            report.kept += 1
        else:
            report.without_trace += 1
        bar.update(1)
        rejected = sum(report.rejected.values())
        bar.set_postfix(kept=report.kept, rejected=rejected, refresh=False)

    pending: list[Mapping[str, Any]] = []
    for row in rows:
        tries = done.get(row["pair_id"], [])
        if any(a.status == KEPT for a in tries) or len(tries) >= samples:
            _count(report, tries, cached=True)
            finish(tries)
        else:
            pending.append(row)
    todo: Iterator[Mapping[str, Any]] = iter(pending)
    bounds = (min_words, max_words)
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        running: dict[Future, Mapping[str, Any]] = {}
        try:
            while True:
                while len(running) < concurrency and (row := next(todo, None)) is not None:
                    before = done.get(row["pair_id"], [])
                    running[pool.submit(_pair_tries, generator, row, before, samples, bounds)] = row
                if not running:
                    break
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    row = running.pop(future)
                    before = done.get(row["pair_id"], [])
                    new = future.result()
                    cache.add(run, new)
                    _count(report, before, cached=True)
                    _count(report, new, cached=False)
                    finish(before + new)
        finally:
            for future in running:
                future.cancel()
            bar.close()
    report.seconds = round(time.perf_counter() - started, 3)
    return report
