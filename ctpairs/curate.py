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

import sys
from bisect import bisect_left
from collections import Counter
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

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


class _Candidate(NamedTuple):
    """What the rules read of one pair that passed the first checks: a few fields, not the pair."""

    priority: tuple[bool, bool, bool, str]  # (not primary, not the trial's analysis, not verifiable, pair_id)
    nct_id: str
    measure: tuple[str, str, str, str]  # (nct_id, factual outcome pointer, cf_nct_id, counterfactual outcome pointer)
    position: int  # in the rows or table curated


def _first_drop(policy: CurationPolicy, verifiable: bool | None, f_value: float, c_value: float) -> str | None:
    """The reason a pair is dropped before the caps (``not_verifiable``, ``zero_vs_zero``), or ``None``."""
    if policy.verifiable_only and not verifiable:
        return "not_verifiable"
    if policy.drop_zero_vs_zero and f_value == 0 and c_value == 0:
        return "zero_vs_zero"
    return None


def _candidate(
    position: int,
    pair_id: str,
    nct_id: str,
    cf_nct_id: str,
    method: str,
    verifiable: bool | None,
    outcome_type: str | None,
    f_outcome: str,
    c_outcome: str,
) -> _Candidate:
    from ctpairs.labels import METHOD_TRIAL

    primary = (outcome_type or "").upper() == "PRIMARY"
    return _Candidate(
        (not primary, method != METHOD_TRIAL, not verifiable, pair_id),
        nct_id,
        (nct_id, f_outcome, cf_nct_id, c_outcome),
        position,
    )


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
    candidates = []
    for i, row in enumerate(rows):
        label, f, c = row["label"], row["factual"], row["counterfactual"]
        reason = _first_drop(policy, label.get("verifiable"), f["result"]["value"], c["result"]["value"])
        if reason:
            dropped[reason] += 1
            continue
        pointers = {s["field"]: s["pointer"] for s in row["provenance"]["sources"]}
        candidates.append(
            _candidate(
                i,
                row["pair_id"],
                row["nct_id"],
                row["cf_nct_id"],
                label["method"],
                label.get("verifiable"),
                f["outcome"].get("type"),
                pointers.get(_MEASURE_FIELDS[0], ""),
                pointers.get(_MEASURE_FIELDS[1], ""),
            )
        )
    return [rows[i] for i in _capped(candidates, policy, dropped)], dropped


def _capped(candidates: list[_Candidate], policy: CurationPolicy, dropped: Counter) -> list[int]:
    """The positions of the candidates the caps keep, sorted by ``pair_id``; ``dropped`` counts the rest."""
    candidates.sort(key=lambda c: c.priority)
    per_measure: Counter = Counter()
    per_trial: Counter = Counter()
    capped = []
    for cand in candidates:
        if per_measure[cand.measure] >= policy.max_per_measure:
            dropped["measure_cap"] += 1
            continue
        if per_trial[cand.nct_id] >= policy.max_per_trial:
            dropped["trial_cap"] += 1
            continue
        per_measure[cand.measure] += 1
        per_trial[cand.nct_id] += 1
        capped.append(cand)

    cap = share_cap(list(per_trial.values()), policy.max_trial_share)
    if cap is not None and len(per_trial) * policy.max_trial_share >= 1:
        taken: Counter = Counter()
        final = []
        for cand in capped:  # still in priority order
            if taken[cand.nct_id] >= cap:
                dropped["trial_share_cap"] += 1
                continue
            taken[cand.nct_id] += 1
            final.append(cand)
        capped = final
    capped.sort(key=lambda c: c.priority[-1])  # pair_id
    return [cand.position for cand in capped]


_MEASURE_FIELDS = ("factual.outcome.title", "counterfactual.outcome.title")
"""The provenance sources that tell a pair's measures apart (the per-measure cap's key)."""


def _measure_pointers(table: pa.Table, rows: list[int]) -> list[list[str]]:
    """For the rows at these positions (ascending), the pointers of their provenance sources
    :data:`_MEASURE_FIELDS` ("" where a row has none). Only those sources are converted, and a
    pointer that recurs (rows of one measure) is one string object."""
    import pyarrow as pa
    import pyarrow.compute as pc

    found = [["", ""] for _ in rows]
    offset = 0
    for chunk in pc.struct_field(table.column("provenance"), "sources").chunks:
        flat = chunk.flatten()
        parents = pc.add(pc.list_parent_indices(chunk), offset)
        wanted = pc.and_(
            pc.is_in(flat.field("field"), value_set=pa.array(_MEASURE_FIELDS)),
            pc.is_in(parents, value_set=pa.array(rows, pa.int64())),
        )
        for parent, name, pointer in zip(
            parents.filter(wanted).to_pylist(),
            flat.field("field").filter(wanted).to_pylist(),
            flat.field("pointer").filter(wanted).to_pylist(),
        ):
            found[bisect_left(rows, parent)][_MEASURE_FIELDS.index(name)] = sys.intern(pointer)
        offset += len(chunk)
    return found


def _interned(values: list[str]) -> list[str]:
    """``values`` with equal strings as one object: a trial's rows repeat its id."""
    return [sys.intern(v) for v in values]


def curated_indices(table: pa.Table, policy: CurationPolicy) -> tuple[list[int], Counter]:
    """:func:`curate` on an Arrow table of pairs: the positions in ``table`` of the pairs it keeps
    (in its order) and what it dropped. The rules read only the fields they need (a few per row,
    not the whole nested pair), and keep a small record only of the pairs that pass the first checks."""
    from ctpairs.columns import field_values

    dropped: Counter = Counter()
    verifiable = field_values(table, "label", "verifiable")
    passing = []
    for i, first in enumerate(
        zip(
            verifiable,
            field_values(table, "factual", "result", "value"),
            field_values(table, "counterfactual", "result", "value"),
        )
    ):
        reason = _first_drop(policy, *first)
        if reason:
            dropped[reason] += 1
        else:
            passing.append(i)
    candidates = [
        _candidate(
            position, pair_id, nct_id, cf_nct_id, method, verifiable[position], outcome_type, f_outcome, c_outcome
        )
        for position, pair_id, nct_id, cf_nct_id, method, outcome_type, (f_outcome, c_outcome) in zip(
            passing,
            field_values(table, "pair_id", rows=passing),
            _interned(field_values(table, "nct_id", rows=passing)),
            _interned(field_values(table, "cf_nct_id", rows=passing)),
            field_values(table, "label", "method", rows=passing),
            field_values(table, "factual", "outcome", "type", rows=passing),
            _measure_pointers(table, passing),
        )
    ]
    return _capped(candidates, policy, dropped), dropped
