"""A benchmark corpus: the real records replicated N times with distinct NCT ids."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1] / "tests" / "data" / "studies.jsonl.gz"


def real_lines(path: Path = SHARED) -> list[str]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return list(fh)


RECORDS = ("all", "with-results", "without-results")


def replicated_lines(copies: int, path: Path = SHARED, records: str = "all") -> Iterator[str]:
    """Each record ``copies`` times; copy k > 0 gets NCT id ``NCTk<rest>`` so ids stay unique.

    ``records`` keeps only the records with posted results, or only those without (one of
    :data:`RECORDS`)."""
    lines = real_lines(path)
    if records != "all":
        lines = [line for line in lines if ('"resultsSection"' in line) == (records == "with-results")]
    for k in range(copies):
        for line in lines:
            if k == 0:
                yield line
            else:
                record = json.loads(line)
                ident = record["protocolSection"]["identificationModule"]
                ident["nctId"] = f"NCT{k}{ident['nctId'][3:]}"
                yield json.dumps(record) + "\n"
