"""``ingest`` of a bulk ``ctg-studies.json.zip`` next to merely reading its members with orjson.

    python benchmarks/bench_ingest.py --copies 2

The zip holds one ``NCT....json`` per study, as the registry's bulk download does: the shared real
records replicated N times (distinct NCT ids). Both passes run in this process, back to back:
first the read (open each member, ``orjson.loads``), then ``ingest_path`` into a fresh store.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import zipfile
from pathlib import Path

import orjson
from _corpus import replicated_lines

from ctpairs.ingest import ingest_path
from ctpairs.store import Store


def bench(copies: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ctg-studies.json.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for line in replicated_lines(copies):
                record = orjson.loads(line)
                nct_id = record["protocolSection"]["identificationModule"]["nctId"]
                zf.writestr(f"ctg-studies/{nct_id}.json", orjson.dumps(record, option=orjson.OPT_INDENT_2))
        started = time.perf_counter()
        with zipfile.ZipFile(path) as zf:
            studies = sum(1 for info in zf.infolist() if orjson.loads(zf.read(info)))
        read_s = time.perf_counter() - started
        started = time.perf_counter()
        with Store(Path(tmp) / "store.sqlite") as store:
            report = ingest_path(store, path)
        ingest_s = time.perf_counter() - started
    return {
        "copies": copies,
        "studies": studies,
        "stored": report.stored,
        "read_orjson_s": round(read_s, 2),
        "ingest_s": round(ingest_s, 2),
        "read_studies_per_s": round(studies / read_s, 1),
        "ingest_studies_per_s": round(report.stored / ingest_s, 1),
        "ingest_share_of_read_rate": round(read_s / ingest_s, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, nargs="+", default=[2])
    for copies in parser.parse_args().copies:
        print(json.dumps(bench(copies)), flush=True)


if __name__ == "__main__":
    main()
