"""Real ClinicalTrials.gov records copied into tests/data (685 studies, 555 with results)."""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
STUDIES = DATA / "studies.jsonl.gz"


@lru_cache(maxsize=1)
def _records_text() -> tuple[str, ...]:
    with gzip.open(STUDIES, "rt", encoding="utf-8") as fh:
        return tuple(fh)


def real_records() -> list[dict]:
    """Fresh copies of all 685 real records (callers may mutate them)."""
    return [json.loads(line) for line in _records_text()]


def real_record(nct_id: str) -> dict:
    for line in _records_text():
        if f'"nctId":"{nct_id}"' in line.replace(" ", ""):
            record = json.loads(line)
            if record["protocolSection"]["identificationModule"]["nctId"] == nct_id:
                return record
    raise KeyError(nct_id)


def resolve_pointer(document: Any, pointer: str) -> Any:
    """The value at an RFC 6901 JSON pointer."""
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        document = document[int(token)] if isinstance(document, list) else document[token]
    return document
