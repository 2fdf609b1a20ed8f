"""Write stored records back out as JSONL (gzipped when the name ends in .gz), unchanged."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from ctpairs.atomic import atomic_path
from ctpairs.store import Store


def export_jsonl(store: Store, out: str | Path, *, with_results_only: bool = False) -> int:
    """Write one record per line in NCT id order; returns the number written. Atomic."""
    out = Path(out)
    count = 0
    with atomic_path(out) as tmp:
        opener = gzip.open if out.name.endswith(".gz") else open
        with opener(tmp, "wt", encoding="utf-8") as fh:
            for record in store.iter_records(with_results_only=with_results_only):
                fh.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
                count += 1
    return count
