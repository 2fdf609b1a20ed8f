"""Hand-labelled gold sets of pairs (tests/data/gold) and the figures measured against them.

* ``dose_pairs.json``: every group pair of 39 multi-dose trials (made by scripts/make_dose_gold.py
  from the hand labels of each group in ``dose_groups.json``), valid or invalid, with the exact
  lower and higher dose of valid ones;
* ``arm_pairs.json`` and ``outcome_pairs.json``: pairs sampled from the builders' output on the
  shared records (scripts/sample_pairs.py), each with a verdict and a reason read by hand.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from ctpairs.model.parse import parse_trial
from ctpairs.schema import Pair
from tests._data import DATA, real_record

GOLD = DATA / "gold"


def load(name: str) -> list[dict]:
    return json.loads((GOLD / name).read_text())


@lru_cache(maxsize=None)
def trial(nct_id: str):
    return parse_trial(real_record(nct_id))


def built(builder, nct_ids: Iterable[str]) -> list[Pair]:
    return [p for n in sorted(set(nct_ids)) for p in builder.build(trial(n)) if isinstance(p, Pair)]


@dataclass
class DoseScore:
    true_pos: set = field(default_factory=set)
    false_pos: dict = field(default_factory=dict)  # key -> why
    false_neg: set = field(default_factory=set)
    inexact: dict = field(default_factory=dict)  # key -> (built, expected)

    @property
    def precision(self) -> float:
        return len(self.true_pos) / max(1, len(self.true_pos) + len(self.false_pos))

    @property
    def recall(self) -> float:
        return len(self.true_pos) / max(1, len(self.true_pos) + len(self.false_neg))


def _dose(d) -> dict:
    return {"value": d.value, "unit": d.unit, "per": d.per}


def score_dose(pairs: list[Pair], gold: list[dict]) -> DoseScore:
    """Precision and recall of dose pairs over group pairs (a pair counted once over its measures),
    and every true pair whose lower/higher dose is not the labelled one."""
    by_key = {(g["nct_id"], *g["groups"]): g for g in gold}
    score = DoseScore()
    for p in pairs:
        key = (p.nct_id, *sorted((p.factual.group_title, p.counterfactual.group_title)))
        g = by_key.get(key)
        if g is None or g["verdict"] != "valid":
            score.false_pos[key] = g["reason"] if g else "not in the gold set"
            continue
        score.true_pos.add(key)
        got = {"from": _dose(p.factual.dose), "to": _dose(p.counterfactual.dose)}
        want = {"from": g["change"]["from"], "to": g["change"]["to"]}
        if got != want:
            score.inexact[key] = (got, want)
    score.false_neg = {k for k, g in by_key.items() if g["verdict"] == "valid" and k not in score.true_pos}
    return score


def sample_key(p: Pair) -> tuple:
    """A sampled pair's identity: trial, outcome measures, slot, and the two groups in order."""
    return (
        p.nct_id,
        p.factual.outcome.title,
        p.counterfactual.outcome.title,
        p.factual.result.category,
        p.factual.group_title,
        p.counterfactual.group_title,
    )


def row_key(row: dict) -> tuple:
    return tuple(row["key"])


def validity(pairs: list[Pair], labelled: list[dict]) -> tuple[int, int, list[dict]]:
    """(valid, judged, invalid rows still made): of the labelled pairs the builder still makes."""
    made = {sample_key(p) for p in pairs}
    kept = [row for row in labelled if row_key(row) in made]
    invalid = [row for row in kept if row["verdict"] != "valid"]
    return len(kept) - len(invalid), len(kept), invalid
