"""Records parsed per second, and peak memory, on the shared real records replicated N times.

    python benchmarks/bench_parse.py --copies 1 10

Prints, for each corpus size: raw JSON parse rate (json.loads), model parse rate
(json.loads + parse_trial), and the peak traced memory of a streamed pass
(measured in a second pass, since tracing slows the interpreter).
"""

from __future__ import annotations

import argparse
import json
import time
import tracemalloc

from _corpus import replicated_lines

from ctpairs.model.parse import parse_trial


def bench(copies: int) -> dict:
    lines = list(replicated_lines(copies))
    started = time.perf_counter()
    for line in lines:
        json.loads(line)
    raw_s = time.perf_counter() - started

    started = time.perf_counter()
    for line in lines:
        parse_trial(json.loads(line))
    model_s = time.perf_counter() - started

    # a separate pass: tracemalloc slows Python down several times over
    tracemalloc.start()
    for line in lines:
        parse_trial(json.loads(line))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "copies": copies,
        "records": len(lines),
        "json_records_per_s": round(len(lines) / raw_s),
        "model_records_per_s": round(len(lines) / model_s),
        "peak_mem_mib_streamed_parse": round(peak / 2**20, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 10])
    for copies in parser.parse_args().copies:
        print(json.dumps(bench(copies)))


if __name__ == "__main__":
    main()
