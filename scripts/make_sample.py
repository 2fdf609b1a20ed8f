"""Regenerate the bundled sample (ctpairs/data/sample.jsonl.gz) from the shared real records.

    python scripts/make_sample.py ../shared/ctgov/studies.jsonl.gz

Keeps every study with results whose result groups state two or more different amounts of
the same unit (the multi-dose trials) and the CROSS_TRIAL_PARTNERS, then fills up to SAMPLE_SIZE
with other studies that have results, in NCT id order. Records are copied unchanged.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path

SAMPLE_SIZE = 300
# Trials whose approximate (cross-trial) pairs over the whole shared set need a partner that the
# NCT-id fill would leave out: geography (NCT03829332 ~ NCT04676412), and two fremanezumab trials
# of the same design (NCT02945046 ~ NCT02964338) that the tests use as a comparator non-contrast.
CROSS_TRIAL_PARTNERS = {"NCT03829332", "NCT04676412", "NCT02945046", "NCT02964338"}
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(mg/kg|mg/m2|mg|mcg|µg|ug|g|iu|units?|ml)\b", re.IGNORECASE)


def is_multi_dose(record: dict) -> bool:
    groups = record["resultsSection"].get("participantFlowModule", {}).get("groups", [])
    amounts: dict[str, set[str]] = {}
    for g in groups:
        for value, unit in _AMOUNT.findall(g.get("title", "")):
            amounts.setdefault(unit.lower(), set()).add(value)
    return any(len(v) >= 2 for v in amounts.values())


def main(source: str) -> None:
    records = [json.loads(line) for line in gzip.open(source, "rt", encoding="utf-8")]
    with_results = sorted(
        (r for r in records if r.get("resultsSection")),
        key=lambda r: r["protocolSection"]["identificationModule"]["nctId"],
    )
    chosen = [
        r
        for r in with_results
        if is_multi_dose(r) or r["protocolSection"]["identificationModule"]["nctId"] in CROSS_TRIAL_PARTNERS
    ]
    for r in with_results:
        if len(chosen) >= SAMPLE_SIZE:
            break
        if r not in chosen:
            chosen.append(r)
    chosen.sort(key=lambda r: r["protocolSection"]["identificationModule"]["nctId"])
    out = Path(__file__).resolve().parents[1] / "ctpairs" / "data" / "sample.jsonl.gz"
    with gzip.GzipFile(out, "wb", mtime=0) as fh:
        for r in chosen:
            fh.write((json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8"))
    print(f"{out}: {len(chosen)} studies ({sum(map(is_multi_dose, chosen))} multi-dose)")


if __name__ == "__main__":
    main(sys.argv[1])
