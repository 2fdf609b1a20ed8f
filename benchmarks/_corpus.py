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


def replicated_lines(copies: int, path: Path = SHARED) -> Iterator[str]:
    """Each record ``copies`` times; copy k > 0 gets NCT id ``NCTk<rest>`` so ids stay unique."""
    lines = real_lines(path)
    for k in range(copies):
        for line in lines:
            if k == 0:
                yield line
            else:
                record = json.loads(line)
                ident = record["protocolSection"]["identificationModule"]
                ident["nctId"] = f"NCT{k}{ident['nctId'][3:]}"
                yield json.dumps(record) + "\n"
