"""Find real trials of the kinds the pair builders must get right, to hand-label them.

Reads a studies JSONL(.gz) file (default: the shared corpus copied into ``tests/data``) and prints
one JSON line per trial with results that shows one of the kinds below, with its result groups
(id, title, description) so the groups can be labelled by reading them:

* ``multi-dose``: two groups whose titles/descriptions state different amounts of a drug;
* ``add-on``: a group that combines drugs ("+", "plus", "in combination with", "added to");
* ``expansion``: a cohort expansion / dose-expansion part;
* ``pooled``: a group that pools others ("Total", "pooled", "combined", "all parts");
* ``crossover``, ``run-in``, ``extension``, ``regional``: crossover designs or periods, run-in or
  lead-in cohorts, extension/switch phases, regional cohorts ("China cohort", "Japanese").

Usage::

    python scripts/find_pair_cases.py [STUDIES.jsonl.gz] [--kind multi-dose] > cases.jsonl
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from pathlib import Path

from ctpairs.dose import parse_dose

DEFAULT = Path(__file__).resolve().parents[1] / "tests" / "data" / "studies.jsonl.gz"

KIND_PATTERNS = {
    "add-on": re.compile(r"\s\+\s|\bplus\b|in combination with|added to|add-on|\bcombined with\b", re.I),
    "expansion": re.compile(r"\bexpansion\b", re.I),
    "pooled": re.compile(
        r"^\s*(total|overall)\b|\bpooled\b|\bcombined\b|\ball (parts|cohorts|doses|participants)\b", re.I
    ),
    "crossover": re.compile(r"\bperiod\s*\d|\bcross-?over\b|\bsequence\b", re.I),
    "run-in": re.compile(r"\brun-?in\b|\blead-?in\b", re.I),
    "extension": re.compile(r"\bextension\b|\bswitch(ed)?\b|\brollover\b|\bre-?treatment\b", re.I),
    "regional": re.compile(
        r"\b(china|chinese|japan|japanese|korea|korean|taiwan|global|us|eu)\b\s*(cohort|part|population|sub-?study)?",
        re.I,
    ),
}


def result_groups(record: dict) -> list[dict]:
    """Every distinct result group of the outcome measures: id, title, description."""
    seen: dict[tuple[str, str], dict] = {}
    outcomes = (record.get("resultsSection") or {}).get("outcomeMeasuresModule") or {}
    for measure in outcomes.get("outcomeMeasures") or []:
        for g in measure.get("groups") or []:
            key = (g.get("title") or "", g.get("description") or "")
            seen.setdefault(key, {"id": g.get("id"), "title": key[0], "description": key[1]})
    return list(seen.values())


def kinds(record: dict, groups: list[dict]) -> list[str]:
    """The kinds (see the module docstring) that a trial shows."""
    found = []
    amounts = {
        d.base_amount() for g in groups for d in parse_dose(g["title"]).doses or parse_dose(g["description"]).doses
    }
    if len(amounts) >= 2:
        found.append("multi-dose")
    design = (record["protocolSection"].get("designModule") or {}).get("designInfo") or {}
    for name, pattern in KIND_PATTERNS.items():
        if any(pattern.search(g["title"]) or pattern.search(g["description"]) for g in groups):
            found.append(name)
    if design.get("interventionModel") == "CROSSOVER" and "crossover" not in found:
        found.append("crossover")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("studies", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--kind", action="append", help="only trials of this kind (repeatable)")
    args = parser.parse_args(argv)
    with (
        gzip.open(args.studies, "rt", encoding="utf-8")
        if args.studies.suffix == ".gz"
        else open(args.studies, encoding="utf-8") as fh
    ):
        for line in fh:
            record = json.loads(line)
            groups = result_groups(record)
            if len(groups) < 2:
                continue
            found = kinds(record, groups)
            if args.kind and not set(args.kind) & set(found):
                continue
            if found:
                nct = record["protocolSection"]["identificationModule"]["nctId"]
                print(json.dumps({"nct_id": nct, "kinds": found, "groups": groups}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
