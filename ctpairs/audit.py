"""Label audit: what the labels of a set of pairs rest on, and how balanced the set is.

Used by the build report, ``ctpairs audit`` and the dataset card. For each axis (or config):
the label methods and their shares, the share of verifiable labels, the directions, the
**agreement** between our test (``label.test_p_value``) and the trial's own analysis on significance
at 0.05 over pairs that have both (overall, per statistic and per test), and the balance across
trials (top trial's share, effective number of trials).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
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
    per_trial = Counter(nct_ids)
    total = sum(per_trial.values())
    top = min(per_trial.items(), key=lambda kv: (-kv[1], kv[0])) if per_trial else (None, 0)
    return {
        "trials": len(per_trial),
        "top_trial": top[0],
        "top_trial_share": round(top[1] / total, 4) if total else 0.0,
        "effective_trials": round(effective_trials(per_trial.values()), 2),
    }


def _shares(counter: Counter, total: int) -> dict[str, dict[str, float]]:
    return {k: {"pairs": v, "share": round(v / total, 4)} for k, v in sorted(counter.items(), key=lambda kv: -kv[1])}


def agreement(labels: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Agreement on significance at 0.05 between the trial's analysis and our test, over labels that
    have both: overall, per statistic and per test."""
    pairs = [
        lab
        for lab in labels
        if lab.get("method") == METHOD_TRIAL and lab.get("test_p_value") is not None and lab["significant"] is not None
    ]

    def rate(items: list[Mapping[str, Any]]) -> dict[str, Any]:
        agree = sum((lab["test_p_value"] < ALPHA) == lab["significant"] for lab in items)
        return {"pairs": len(items), "agree": agree, "rate": round(agree / len(items), 4) if items else None}

    by_stat: dict[str, list] = {}
    by_test: dict[str, list] = {}
    for lab in pairs:
        by_stat.setdefault(lab.get("statistic") or "value", []).append(lab)
        by_test.setdefault(lab.get("test_method") or "none", []).append(lab)
    return {
        **rate(pairs),
        "by_statistic": {k: rate(v) for k, v in sorted(by_stat.items())},
        "by_test": {k: rate(v) for k, v in sorted(by_test.items())},
    }


def audit_rows(rows: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The audit of one axis's pairs, given rows with ``nct_id`` and ``label`` (as in the Parquet)."""
    labels = [r["label"] for r in rows]
    total = len(rows)
    return {
        "pairs": total,
        "methods": _shares(Counter(lab["method"] for lab in labels), total) if total else {},
        "directions": _shares(Counter(lab["direction"] for lab in labels), total) if total else {},
        "verifiable_share": round(sum(bool(lab.get("verifiable")) for lab in labels) / total, 4) if total else 0.0,
        "agreement": agreement(labels),
        "balance": balance(r["nct_id"] for r in rows),
    }


#: The label fields the audit reads.
AUDIT_LABEL_FIELDS = ("method", "direction", "verifiable", "significant", "test_p_value", "statistic", "test_method")


def audit_table(table: pa.Table) -> dict[str, Any]:
    """:func:`audit_rows` of an Arrow table of pairs, reading ``nct_id`` and only the label fields
    the audit uses (a pair's whole label, sides and provenance are never made Python objects)."""
    from ctpairs.columns import field_values

    values = zip(*(field_values(table, "label", name) for name in AUDIT_LABEL_FIELDS))
    rows = [
        {"nct_id": nct_id, "label": dict(zip(AUDIT_LABEL_FIELDS, fields))}
        for nct_id, fields in zip(field_values(table, "nct_id"), values)
    ]
    return audit_rows(rows)


def audit_pairs_dir(path: str) -> dict[str, dict[str, Any]]:
    """The audit of every ``<axis>.parquet`` in a build folder, by axis."""
    from pathlib import Path

    import pyarrow.parquet as pq

    from ctpairs.errors import CtpairsError

    folder = Path(path)
    files = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
    if not files:
        raise CtpairsError(f"{path}: no <axis>.parquet files here; build pairs first (ctpairs build --out {path})")
    return {f.stem: audit_table(pq.read_table(f, columns=["nct_id", "label"])) for f in files}
