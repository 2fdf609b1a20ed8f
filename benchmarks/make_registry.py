"""A registry-like corpus of studies with results, made from the shared real records.

    python benchmarks/make_registry.py --studies 80000 --out ctg-studies.json.zip

Study i is real record ``i mod 555`` (the shared records with results) with, for copies after
the first:

* a new NCT id (``NCT9`` + the study's number in 7 digits, so none collides with a real one);
* every ``...DateStruct`` date shifted by the same whole number of days (up to ±3 years);
* the trial's countries permuted among the countries the real records name, so the same design
  runs in other countries (what the geography axis pairs);
* the eligibility ages shifted by a few years (``"18 Years"`` -> ``"21 Years"``), so each copy's
  anchor texts are new texts near the original's: retrieval finds realistic, not identical,
  neighbours and the embedding cache does not make copies free.

Written as the registry's bulk download is: a zip with one ``<NCT id>.json`` per study.
Deterministic for a given ``--seed``.
"""

from __future__ import annotations

import argparse
import random
import re
import zipfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import orjson
from _corpus import real_lines

_AGE = re.compile(r"^(\d+) Years?$")


def _with_results() -> list[dict]:
    return [r for r in map(orjson.loads, real_lines()) if r.get("resultsSection")]


def _countries(records: list[dict]) -> list[str]:
    found = {
        loc["country"]
        for r in records
        for loc in (r["protocolSection"].get("contactsLocationsModule") or {}).get("locations", [])
        if loc.get("country")
    }
    return sorted(found)


def _shift_date(text: str, days: int) -> str:
    parts = [int(p) for p in text.split("-")]
    shifted = date(parts[0], parts[1], parts[2] if len(parts) == 3 else 1) + timedelta(days=days)
    return shifted.isoformat() if len(parts) == 3 else shifted.isoformat()[:7]


def _shift_dates(node: object, days: int) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("DateStruct") and isinstance(value, dict) and value.get("date"):
                value["date"] = _shift_date(value["date"], days)
            else:
                _shift_dates(value, days)
    elif isinstance(node, list):
        for item in node:
            _shift_dates(item, days)


def variant(record: dict, number: int, countries: list[str], rng: random.Random) -> dict:
    """Study ``number`` made from a real record: new id, shifted dates, permuted countries, shifted ages."""
    record = orjson.loads(orjson.dumps(record))  # a deep copy
    ps = record["protocolSection"]
    ps["identificationModule"]["nctId"] = f"NCT9{number:07d}"
    _shift_dates(record, rng.randint(-3 * 365, 3 * 365))
    mapping = dict(zip(countries, rng.sample(countries, len(countries))))
    for loc in (ps.get("contactsLocationsModule") or {}).get("locations", []):
        if loc.get("country") in mapping:
            loc["country"] = mapping[loc["country"]]
    elig = ps.get("eligibilityModule") or {}
    for key in ("minimumAge", "maximumAge"):
        if m := _AGE.match(elig.get(key) or ""):
            elig[key] = f"{int(m.group(1)) + rng.randint(1, 6)} Years"
    return record


def registry(studies: int, seed: int = 0) -> Iterator[dict]:
    """``studies`` records with results: the real ones first, then their variants."""
    records = _with_results()
    countries = _countries(records)
    rng = random.Random(seed)
    for i in range(studies):
        copy, base = divmod(i, len(records))
        yield records[base] if copy == 0 else variant(records[base], i, countries, rng)


def write_zip(path: Path, studies: int, seed: int = 0) -> int:
    """Write the corpus as a bulk-download zip; returns the number of studies."""
    n = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for record in registry(studies, seed):
            nct_id = record["protocolSection"]["identificationModule"]["nctId"]
            zf.writestr(f"ctg-studies/{nct_id}.json", orjson.dumps(record, option=orjson.OPT_INDENT_2))
            n += 1
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--studies", type=int, default=80_000)
    parser.add_argument("--out", type=Path, default=Path("ctg-studies.json.zip"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(f"{write_zip(args.out, args.studies, args.seed)} studies -> {args.out}")


if __name__ == "__main__":
    main()
