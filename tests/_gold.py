"""Hand-labelled gold sets of pairs (tests/data/gold) and the figures measured against them.

* ``dose_pairs.json``: every group pair of 39 multi-dose trials (made by scripts/make_dose_gold.py
  from the hand labels of each group in ``dose_groups.json``), valid or invalid, with the exact
  lower and higher dose of valid ones;
* ``arm_groups.json``: every group pair the arm builder made on the 685 shared records (before
  the participant-characteristic rules), each with a verdict and a reason read by hand from the
  group titles and, where the titles do not tell, the groups' descriptions and the trial's design;
* ``arm_pairs.json`` and ``outcome_pairs.json``: pairs sampled from the builders' output on the
  shared records (scripts/sample_pairs.py), each with a verdict and a reason read by hand.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from ctpairs.model.parse import parse_trial
from ctpairs.schema import Pair
from tests._data import DATA, real_record

GOLD = DATA / "gold"


def load(name: str) -> list[dict]:
    return json.loads((GOLD / name).read_text())


@cache
def trial(nct_id: str):
    return parse_trial(real_record(nct_id))


def built(builder, nct_ids: Iterable[str]) -> list[Pair]:
    return [p for n in sorted(set(nct_ids)) for p in builder.build(trial(n)) if isinstance(p, Pair)]


@dataclass
class GroupScore:
    """Precision and recall over group pairs (a pair counted once over its measures)."""

    true_pos: set = field(default_factory=set)
    false_pos: dict = field(default_factory=dict)  # key -> why
    false_neg: set = field(default_factory=set)

    @property
    def precision(self) -> float:
        return len(self.true_pos) / max(1, len(self.true_pos) + len(self.false_pos))

    @property
    def recall(self) -> float:
        return len(self.true_pos) / max(1, len(self.true_pos) + len(self.false_neg))


def _dose(d) -> dict:
    return {"value": d.value, "unit": d.unit, "per": d.per}


@dataclass
class DoseScore(GroupScore):
    inexact: dict = field(default_factory=dict)  # key -> (built, expected)


def _group_key(p: Pair) -> tuple[str, ...]:
    return (p.nct_id, *sorted((p.factual.group_title, p.counterfactual.group_title)))


def score_groups(pairs: list[Pair], gold: list[dict], score: GroupScore | None = None) -> GroupScore:
    """Precision and recall of pairs over the labelled group pairs of ``gold``."""
    by_key = {(g["nct_id"], *g["groups"]): g for g in gold}
    score = score if score is not None else GroupScore()
    for p in pairs:
        key = _group_key(p)
        g = by_key.get(key)
        if g is None or g["verdict"] != "valid":
            score.false_pos[key] = g["reason"] if g else "not in the gold set"
        else:
            score.true_pos.add(key)
    score.false_neg = {k for k, g in by_key.items() if g["verdict"] == "valid" and k not in score.true_pos}
    return score


def score_dose(pairs: list[Pair], gold: list[dict]) -> DoseScore:
    """:func:`score_groups` for dose pairs, and every true pair whose lower/higher dose is not the
    labelled one."""
    score = score_groups(pairs, gold, DoseScore())
    by_key = {(g["nct_id"], *g["groups"]): g for g in gold}
    for p in pairs:
        key = _group_key(p)
        if key in score.true_pos:
            got = {"from": _dose(p.factual.dose), "to": _dose(p.counterfactual.dose)}
            want = {"from": by_key[key]["change"]["from"], "to": by_key[key]["change"]["to"]}
            if got != want:
                score.inexact[key] = (got, want)
    return score


def _side(s) -> tuple:
    return (s.outcome.title, s.result.category, s.group_title)


def validity(pairs: list[Pair], labelled: list[dict]) -> tuple[int, int, list[dict]]:
    """(valid, judged, wrong rows): of the labelled pairs the builder still makes, in either order,
    those whose verdict is ``valid`` and, where the row names the side that must be factual (the
    control of an arm pair), that is made factual."""
    made: dict[tuple, set[str]] = {}
    for p in pairs:
        made.setdefault((p.nct_id, frozenset((_side(p.factual), _side(p.counterfactual)))), set()).add(
            p.factual.group_title
        )
    wrong, judged = [], 0
    for row in labelled:
        factuals = made.get((row["key"][0], frozenset(tuple(side) for side in row["key"][1:])))
        if factuals is None:
            continue
        judged += 1
        if row["verdict"] != "valid" or (row["factual"] is not None and factuals != {row["factual"]}):
            wrong.append(row)
    return judged - len(wrong), judged, wrong
