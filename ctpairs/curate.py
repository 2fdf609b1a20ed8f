"""Curation: from every valid pair of a build to a training config no trial or table dominates.

The build keeps every valid pair; :func:`curate` picks the rows of a training config, with each
dropped row counted by reason:

1. ``not_verifiable``: the label rests on no trial analysis and no test (``label.verifiable`` false);
2. ``zero_vs_zero``: both sides posted 0 (an adverse-event or lab-shift cell nobody had);
3. ``measure_cap``: more than ``max_per_measure`` pairs from one measure (or measure pair) of a trial:
   long category-by-week, adverse-event and lab-shift tables;
4. ``trial_cap``: more than ``max_per_trial`` pairs from one trial;
5. ``trial_share_cap``: a trial above ``max_trial_share`` of the config, when the config has at least
   ``1 / max_trial_share`` trials (with fewer trials the share cannot be met by every trial).

Within a trial (and a measure), rows are kept in priority order: primary outcomes first, then labels
from the trial's own analysis, then tested labels, then by ``pair_id`` (a stable hash), so the same
pairs with the same policy give the same config.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

DROP_REASONS = ("not_verifiable", "zero_vs_zero", "measure_cap", "trial_cap", "trial_share_cap")


@dataclass(frozen=True)
class CurationPolicy:
    """How a training config is curated (see the module docstring); every field is a package option."""

    verifiable_only: bool = True
    drop_zero_vs_zero: bool = True
    max_per_measure: int = 8
    max_per_trial: int = 40
    max_trial_share: float = 0.05

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _measure_key(row: Mapping[str, Any]) -> tuple[str, ...]:
    pointers = {s["field"]: s["pointer"] for s in row["provenance"]["sources"]}
    return (
        row["nct_id"],
        pointers.get("factual.outcome.title", ""),
        row["cf_nct_id"],
        pointers.get("counterfactual.outcome.title", ""),
    )


def _priority(row: Mapping[str, Any]) -> tuple:
    from ctpairs.labels import METHOD_TRIAL

    label = row["label"]
    primary = (row["factual"]["outcome"].get("type") or "").upper() == "PRIMARY"
    return (not primary, label["method"] != METHOD_TRIAL, not label.get("verifiable"), row["pair_id"])


def share_cap(counts: list[int], share: float) -> int | None:
    """The largest per-trial cap K under which no trial gives more than ``share`` of the pairs left,
    i.e. ``min(max(counts), K) <= share * sum(min(c, K))``; ``None`` when no cap is needed."""
    if not counts:
        return None
    top = max(counts)
    if top <= share * sum(counts):
        return None
    best = 1
    for k in range(1, top + 1):
        if k <= share * sum(min(c, k) for c in counts):
            best = k
    return best


def curate(rows: list[dict[str, Any]], policy: CurationPolicy) -> tuple[list[dict[str, Any]], Counter]:
    """The rows a curated config keeps (sorted by ``pair_id``) and the dropped rows counted by reason."""
    dropped: Counter = Counter()
    kept = []
    for row in rows:
        label, f, c = row["label"], row["factual"]["result"], row["counterfactual"]["result"]
        if policy.verifiable_only and not label.get("verifiable"):
            dropped["not_verifiable"] += 1
        elif policy.drop_zero_vs_zero and f["value"] == 0 and c["value"] == 0:
            dropped["zero_vs_zero"] += 1
        else:
            kept.append(row)

    kept.sort(key=_priority)
    per_measure: Counter = Counter()
    per_trial: Counter = Counter()
    capped = []
    for row in kept:
        key = _measure_key(row)
        if per_measure[key] >= policy.max_per_measure:
            dropped["measure_cap"] += 1
            continue
        if per_trial[row["nct_id"]] >= policy.max_per_trial:
            dropped["trial_cap"] += 1
            continue
        per_measure[key] += 1
        per_trial[row["nct_id"]] += 1
        capped.append(row)

    cap = share_cap(list(per_trial.values()), policy.max_trial_share)
    if cap is not None and len(per_trial) * policy.max_trial_share >= 1:
        taken: Counter = Counter()
        final = []
        for row in capped:  # still in priority order
            if taken[row["nct_id"]] >= cap:
                dropped["trial_share_cap"] += 1
                continue
            taken[row["nct_id"]] += 1
            final.append(row)
        capped = final
    capped.sort(key=lambda r: r["pair_id"])
    return capped, dropped


_MEASURE_FIELDS = ("factual.outcome.title", "counterfactual.outcome.title")
"""The provenance sources that tell a pair's measures apart (what :func:`_measure_key` reads)."""


def _measure_sources(table: pa.Table) -> list[list[dict[str, str]]]:
    """Per row, only the provenance sources of :data:`_MEASURE_FIELDS` (a pair has a dozen sources)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    rows: list[list[dict[str, str]]] = [[] for _ in range(table.num_rows)]
    offset = 0
    for chunk in pc.struct_field(table.column("provenance"), "sources").chunks:
        flat = chunk.flatten()
        wanted = pc.is_in(flat.field("field"), value_set=pa.array(_MEASURE_FIELDS))
        parents = pc.list_parent_indices(chunk).filter(wanted).to_pylist()
        fields = flat.field("field").filter(wanted).to_pylist()
        pointers = flat.field("pointer").filter(wanted).to_pylist()
        for parent, name, pointer in zip(parents, fields, pointers):
            rows[offset + parent].append({"field": name, "pointer": pointer})
        offset += len(chunk)
    return rows


def curated_indices(table: pa.Table, policy: CurationPolicy) -> tuple[list[int], Counter]:
    """:func:`curate` on an Arrow table of pairs: the positions in ``table`` of the pairs it keeps
    (in its order) and what it dropped. The rules read only the fields they need (a few per row,
    not the whole nested pair)."""
    from ctpairs.columns import field_values

    columns = zip(
        field_values(table, "pair_id"),
        field_values(table, "nct_id"),
        field_values(table, "cf_nct_id"),
        field_values(table, "label", "method"),
        field_values(table, "label", "verifiable"),
        field_values(table, "factual", "outcome", "type"),
        field_values(table, "factual", "result", "value"),
        field_values(table, "counterfactual", "result", "value"),
        _measure_sources(table),
    )
    slim = [
        {
            "index": i,
            "pair_id": pair_id,
            "nct_id": nct_id,
            "cf_nct_id": cf_nct_id,
            "label": {"method": method, "verifiable": verifiable},
            "factual": {"outcome": {"type": outcome_type}, "result": {"value": f_value}},
            "counterfactual": {"result": {"value": c_value}},
            "provenance": {"sources": sources},
        }
        for i, (pair_id, nct_id, cf_nct_id, method, verifiable, outcome_type, f_value, c_value, sources) in enumerate(
            columns
        )
    ]
    kept, dropped = curate(slim, policy)
    return [row["index"] for row in kept], dropped
