"""Sample pairs of one axis from a build, one per trial, to label them by hand.

Reads ``DIR/<axis>.parquet`` (a ``ctpairs build`` output), keeps one pair per trial chosen by a
hash of its pair id (so the sample is stable), takes ``--n`` trials by a hash of their NCT id, and
prints one JSON object per pair: the key the gold tests use (``tests/_gold.py``: the trial, then
(outcome title, category, group title) of each side) and what a labeller needs to judge it. Add ``verdict``
(``valid``/``invalid``) and ``reason`` to each and save the list under tests/data/gold/.

Usage::

    ctpairs build --axis arm --input tests/data/studies.jsonl.gz --out /tmp/before
    python scripts/sample_pairs.py /tmp/before arm --n 60 > arm_sample.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import pyarrow.parquet as pq


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _short(text: str | None, limit: int = 220) -> str | None:
    return None if text is None else " ".join(text.split())[:limit]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pairs_dir", type=Path)
    parser.add_argument("axis")
    parser.add_argument("--n", type=int, default=60)
    args = parser.parse_args(argv)
    rows = pq.read_table(args.pairs_dir / f"{args.axis}.parquet").to_pylist()
    by_trial: dict[str, dict] = {}
    for row in sorted(rows, key=lambda r: _hash(r["pair_id"])):
        by_trial.setdefault(row["nct_id"], row)
    for nct_id in sorted(by_trial, key=_hash)[: args.n]:
        p = by_trial[nct_id]
        f, c = p["factual"], p["counterfactual"]
        key = [nct_id] + [[s["outcome"]["title"], s["result"]["category"], s["group_title"]] for s in (f, c)]
        print(
            json.dumps(
                {
                    "key": key,
                    "change": p["change"],
                    "design": [p["trial"]["allocation"], p["trial"]["primary_purpose"]],
                    "factual": [f["group_title"], _short(f["group_description"]), f["arm_type"]],
                    "counterfactual": [c["group_title"], _short(c["group_description"]), c["arm_type"]],
                    "outcomes": [
                        [o["title"], o["type"], o["param_type"], o["unit"], _short(o["time_frame"], 120)]
                        for o in (f["outcome"], c["outcome"])
                    ],
                    "n": [f["result"]["n"], c["result"]["n"]],
                },
                ensure_ascii=False,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
