"""The cyclic garbage collector during long runs: collect less often (:func:`fewer_collections`).

A build or a package run makes millions of short-lived objects (pairs, sides, labels, row dicts)
that reference counting frees, while the process keeps many long-lived ones (builders, caches,
parsed trials, modules). At the interpreter's default thresholds the cyclic collector scans those
survivors again and again: a quarter of the build time on the shared records. These objects
make no reference cycles, so collecting less often frees the same memory, a little later at most.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

GC_THRESHOLDS = (100_000, 50, 100)
"""The cyclic garbage collector's thresholds inside :func:`fewer_collections` (the defaults are
700, 10, 10)."""


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often inside the block (:data:`GC_THRESHOLDS`); the
    process's thresholds are put back on leaving, also when the block fails."""
    old = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*old)
