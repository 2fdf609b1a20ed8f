"""Turn the hand labels of result groups (tests/data/gold/dose_groups.json) into labelled group pairs.

Each group of a labelled multi-dose trial carries its population and each drug's dose, read by hand
from the record (see the file's ``_about``). Every two groups of a trial that posted values in the
same slot of one outcome measure (the only pairs a natural builder can make) become a row of
``tests/data/gold/dose_pairs.json``:

* ``valid`` when both groups are of the same population and the same drugs, and exactly one drug's
  dose differs in amount only (same schedule, route, basis); ``change`` names that drug and the
  lower and higher dose (value, unit, per);
* ``invalid`` otherwise, with the reason (pooled group, placebo, populations differ, ...).

Usage::

    python scripts/make_dose_gold.py            # rewrites tests/data/gold/dose_pairs.json
"""

from __future__ import annotations

import json
import sys
from itertools import combinations
from pathlib import Path

from ctpairs.model.parse import parse_trial
from ctpairs.pairing import observations_by_group

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests._data import real_record  # noqa: E402

GOLD = ROOT / "tests" / "data" / "gold"
SPECIAL = ("pooled", "placebo", "nodose", "titration", "unsure")
_UNITS = {"mg": ("mg", None), "ug": ("ug", None), "mg/kg": ("mg", "kg"), "mg/m2": ("mg", "m2"), "Gy": ("Gy", None)}


def parse_label(label: str) -> tuple[str, dict[str, tuple[float, str, str | None, str]]] | str:
    """'POP | drug 10 mg/kg QW; drug2 std' -> (POP, {drug: (value, unit, per, schedule)}), or a special word."""
    if label.split(":")[0] in SPECIAL:
        return label
    population, _, doses = (part.strip() for part in label.partition("|"))
    drugs: dict[str, tuple[float, str, str | None, str]] = {}
    for item in doses.split(";"):
        words = item.split()
        if words[1] == "std":
            drugs[words[0]] = (0.0, "std", None, "")
            continue
        value, unit, schedule = float(words[1]), words[2], " ".join(words[3:])
        base, per = _UNITS.get(unit, (unit, None))
        drugs[words[0]] = (value, base, per, schedule)
    return population, drugs


def verdict(a: str, b: str) -> dict:
    """The verdict on a pair of labelled groups."""
    la, lb = parse_label(a), parse_label(b)
    for label in (la, lb):
        if isinstance(label, str):
            return {"verdict": "invalid", "reason": label.split(":")[0]}
    (pa, da), (pb, db) = la, lb
    if pa != pb:
        return {"verdict": "invalid", "reason": "populations differ"}
    if set(da) != set(db):
        return {"verdict": "invalid", "reason": "drugs differ"}
    differing = [drug for drug in da if da[drug] != db[drug]]
    if not differing:
        return {"verdict": "invalid", "reason": "same doses"}
    if len(differing) > 1:
        return {"verdict": "invalid", "reason": "more than one drug's dose differs"}
    drug = differing[0]
    (va, ua, pera, sa), (vb, ub, perb, sb) = da[drug], db[drug]
    if (ua, pera, sa) != (ub, perb, sb):
        return {"verdict": "invalid", "reason": "schedule, route or basis differs"}
    low, high = sorted(((va, ua, pera), (vb, ub, perb)))
    return {
        "verdict": "valid",
        "reason": f"{drug} dose differs, all else equal",
        "change": {
            "drug": drug,
            "from": {"value": low[0], "unit": low[1], "per": low[2]},
            "to": {"value": high[0], "unit": high[1], "per": high[2]},
        },
    }


def group_label(labels: dict[str, str], title: str, description: str | None) -> str:
    for key, label in labels.items():
        if "@@" in key:
            key_title, _, needle = (k.strip() for k in key.partition("@@"))
            if key_title == title and needle in (description or ""):
                return label
    if title not in labels:
        raise KeyError(f"no label for group {title!r}")
    return labels[title]


def gold_pairs(labels_by_trial: dict[str, dict[str, str]]) -> list[dict]:
    rows: list[dict] = []
    for nct_id, labels in labels_by_trial.items():
        if nct_id.startswith("_"):
            continue
        trial = parse_trial(real_record(nct_id))
        seen: dict[tuple[str, str], dict] = {}
        for measure in trial.results.outcome_measures:
            by_group = observations_by_group(measure)
            for ga, gb in combinations(measure.groups, 2):
                if ga.title == gb.title or not set(by_group.get(ga.id, {})) & set(by_group.get(gb.id, {})):
                    continue
                key = tuple(sorted((ga.title, gb.title)))
                if key in seen:
                    continue
                la = group_label(labels, ga.title, ga.description)
                lb = group_label(labels, gb.title, gb.description)
                seen[key] = {"nct_id": nct_id, "groups": list(key), "labels": [la, lb], **verdict(la, lb)}
        rows += sorted(seen.values(), key=lambda r: r["groups"])
    return rows


def main() -> int:
    labels = json.loads((GOLD / "dose_groups.json").read_text())
    rows = gold_pairs(labels)
    (GOLD / "dose_pairs.json").write_text(json.dumps(rows, indent=1, ensure_ascii=False) + "\n")
    valid = sum(r["verdict"] == "valid" for r in rows)
    print(f"{len(rows)} pairs in {len(labels) - 1} trials: {valid} valid, {len(rows) - valid} invalid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
