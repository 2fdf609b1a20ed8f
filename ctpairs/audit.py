"""Label audit: what the labels of a set of pairs rest on, and how balanced the set is.

Used by the build report, ``ctpairs audit`` and the dataset card. For each axis (or config):
the label methods and their shares, the share of verifiable labels, the directions, the
**agreement** between our test (``label.test_p_value``) and the trial's own analysis on significance
at 0.05 over pairs that have both (overall, per statistic and per test), and the balance across
trials (top trial's share, effective number of trials) and across measures (the top measure's share:
a long category-by-week table or adverse-event table can give many pairs of one trial).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

from ctpairs.labels import ALPHA, METHOD_TRIAL


def effective_trials(counts: Iterable[int]) -> float:
    """The effective number of trials (inverse Simpson index, 1 / Σ pᵢ²): equal to the number of
    trials when they give the same number of pairs, near 1 when one trial gives them all."""
    values = [c for c in counts if c > 0]
    total = sum(values)
    if not total:
        return 0.0
    return 1.0 / sum((c / total) ** 2 for c in values)


def balance(nct_ids: Iterable[str]) -> dict[str, Any]:
    """Trials, the top trial and its share of the pairs, and the effective number of trials."""
    return _balance(Counter(nct_ids))


def _balance(per_trial: Counter) -> dict[str, Any]:
    total = sum(per_trial.values())
    top = min(per_trial.items(), key=lambda kv: (-kv[1], kv[0])) if per_trial else (None, 0)
    return {
        "trials": len(per_trial),
        "top_trial": top[0],
        "top_trial_share": round(top[1] / total, 4) if total else 0.0,
        "effective_trials": round(effective_trials(per_trial.values()), 2),
    }


MeasureKey = tuple[str, str | None, str, str | None]
"""A pair's measure: (NCT id, factual outcome title, counterfactual NCT id, counterfactual outcome
title); a natural pair's two sides share one measure, a sibling-outcome or cross-trial pair has two.
Measures are told apart by title: two measures of one trial with the same title count as one."""


def measure_name(key: MeasureKey) -> str:
    """``NCT…: title``, or ``NCT…: title / NCT…: title`` when the two sides' measures differ."""
    nct_id, title, cf_nct_id, cf_title = key
    return " / ".join(dict.fromkeys((f"{nct_id}: {title}", f"{cf_nct_id}: {cf_title}")))


class _MeasureCounts:
    """Pairs per measure (:data:`MeasureKey`), in memory bounded by the number of measures, not of
    their titles: a measure is counted under its key's ``hash`` (one process, so the hashes agree),
    and the name of a measure is kept only when its count reaches the running maximum. Every measure
    whose final count is the maximum reached it, so the top measure always has its name."""

    __slots__ = ("counts", "names", "top")

    def __init__(self) -> None:
        self.counts: Counter[int] = Counter()
        self.names: dict[int, str] = {}
        self.top = 0

    def add(self, key: MeasureKey) -> None:
        h = hash(key)
        n = self.counts[h] = self.counts[h] + 1
        if n >= self.top:
            self.top = n
            if h not in self.names:
                self.names[h] = measure_name(key)

    def result(self, total: int) -> dict[str, Any]:
        """The number of measures, the top one (the first by name among equals) and its share."""
        top = min((self.names[h] for h, n in self.counts.items() if n == self.top), default=None)
        return {
            "measures": len(self.counts),
            "top_measure": top,
            "top_measure_share": round(self.top / total, 4) if total and self.counts else 0.0,
        }


def _shares(counter: Counter, total: int) -> dict[str, dict[str, float]]:
    return {k: {"pairs": v, "share": round(v / total, 4)} for k, v in sorted(counter.items(), key=lambda kv: -kv[1])}


class _Agreement:
    """Pairs and agreements on significance for one group of labels."""

    __slots__ = ("pairs", "agree")

    def __init__(self) -> None:
        self.pairs = 0
        self.agree = 0

    def add(self, label: Mapping[str, Any]) -> None:
        self.pairs += 1
        self.agree += (label["test_p_value"] < ALPHA) == label["significant"]

    def result(self) -> dict[str, Any]:
        return {
            "pairs": self.pairs,
            "agree": self.agree,
            "rate": round(self.agree / self.pairs, 4) if self.pairs else None,
        }


class Audit:
    """The audit of one axis's pairs, accumulated a batch at a time: memory holds counters (one
    per trial, method, direction, statistic and test), never the rows.

    ``add_rows`` takes rows with ``nct_id`` and ``label`` (as in the Parquet; with ``cf_nct_id``,
    ``factual`` and ``counterfactual`` too, the pairs are also counted per measure), ``add_table`` an
    Arrow table or record batch of pairs (only the label fields of :data:`AUDIT_LABEL_FIELDS` and
    the outcome titles are converted); :meth:`result` is the audit dict (see :func:`audit_rows`).
    """

    def __init__(self) -> None:
        self.pairs = 0
        self.methods: Counter = Counter()
        self.directions: Counter = Counter()
        self.verifiable = 0
        self.per_trial: Counter = Counter()
        self.per_measure = _MeasureCounts()
        self.agreement = _Agreement()
        self.by_statistic: dict[str, _Agreement] = {}
        self.by_test: dict[str, _Agreement] = {}

    def add_rows(self, rows: Iterable[Mapping[str, Any]]) -> Audit:
        for row in rows:
            label = row["label"]
            self.pairs += 1
            self.methods[label["method"]] += 1
            self.directions[label["direction"]] += 1
            self.verifiable += bool(label.get("verifiable"))
            self.per_trial[row["nct_id"]] += 1
            if "factual" in row:
                self.per_measure.add(
                    (
                        row["nct_id"],
                        row["factual"]["outcome"]["title"],
                        row["cf_nct_id"],
                        row["counterfactual"]["outcome"]["title"],
                    )
                )
            if _both_say(label):
                self.agreement.add(label)
                self.by_statistic.setdefault(label.get("statistic") or "value", _Agreement()).add(label)
                self.by_test.setdefault(label.get("test_method") or "none", _Agreement()).add(label)
        return self

    def add_table(self, table: pa.Table | pa.RecordBatch, batch_rows: int = 8192) -> Audit:
        from ctpairs.columns import field_values

        batches = table.to_batches(batch_rows) if hasattr(table, "to_batches") else [table]
        for batch in batches:
            nct_ids = field_values(batch, "nct_id")
            values = zip(*(field_values(batch, "label", name) for name in AUDIT_LABEL_FIELDS))
            self.add_rows(
                {"nct_id": nct_id, "label": dict(zip(AUDIT_LABEL_FIELDS, fields))}
                for nct_id, fields in zip(nct_ids, values)
            )
            if "factual" in batch.schema.names:
                for key in zip(
                    nct_ids,
                    field_values(batch, "factual", "outcome", "title"),
                    field_values(batch, "cf_nct_id"),
                    field_values(batch, "counterfactual", "outcome", "title"),
                ):
                    self.per_measure.add(key)
        return self

    def result(self) -> dict[str, Any]:
        total = self.pairs
        return {
            "pairs": total,
            "methods": _shares(self.methods, total) if total else {},
            "directions": _shares(self.directions, total) if total else {},
            "verifiable_share": round(self.verifiable / total, 4) if total else 0.0,
            "agreement": {
                **self.agreement.result(),
                "by_statistic": {k: v.result() for k, v in sorted(self.by_statistic.items())},
                "by_test": {k: v.result() for k, v in sorted(self.by_test.items())},
            },
            "balance": {**_balance(self.per_trial), **self.per_measure.result(total)},
        }


def _both_say(label: Mapping[str, Any]) -> bool:
    """Whether a label has both the trial's analysis and our test (the agreement counts it)."""
    return (
        label.get("method") == METHOD_TRIAL
        and label.get("test_p_value") is not None
        and label["significant"] is not None
    )


def agreement(labels: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Agreement on significance at 0.05 between the trial's analysis and our test, over labels that
    have both: overall, per statistic and per test."""
    return Audit().add_rows({"nct_id": "", "label": lab} for lab in labels).result()["agreement"]


def audit_rows(rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The audit of one axis's pairs, given rows with ``nct_id`` and ``label`` (as in the Parquet):
    pairs, label methods and directions with their shares, the verifiable share, the agreement
    (:func:`agreement`) and the balance across trials (:func:`balance`) and, for whole pair rows,
    across measures (:data:`MeasureKey`)."""
    return Audit().add_rows(rows).result()


#: The label fields the audit reads.
AUDIT_LABEL_FIELDS = ("method", "direction", "verifiable", "significant", "test_p_value", "statistic", "test_method")
#: The (nested) Parquet columns the audit reads.
AUDIT_COLUMNS = ["nct_id", "cf_nct_id", "label", "factual.outcome.title", "counterfactual.outcome.title"]


def audit_table(table: pa.Table) -> dict[str, Any]:
    """:func:`audit_rows` of an Arrow table of pairs, a batch at a time, reading ``nct_id`` and
    only the label fields the audit uses (a pair's whole label, sides and provenance are never made
    Python objects)."""
    return Audit().add_table(table).result()


def audit_parquet(path: str | Path) -> dict[str, Any]:
    """:func:`audit_rows` of one ``<axis>.parquet``, read a batch at a time."""
    import pyarrow.parquet as pq

    audit = Audit()
    for batch in pq.ParquetFile(path).iter_batches(batch_size=8192, columns=AUDIT_COLUMNS):
        audit.add_table(batch)
    return audit.result()


def audit_pairs_dir(path: str) -> dict[str, dict[str, Any]]:
    """The audit of every ``<axis>.parquet`` in a build folder, by axis."""
    from ctpairs.errors import CtpairsError

    folder = Path(path)
    files = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
    if not files:
        raise CtpairsError(f"{path}: no <axis>.parquet files here; build pairs first (ctpairs build --out {path})")
    return {f.stem: audit_parquet(f) for f in files}
