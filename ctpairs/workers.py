"""Worker processes shared by the commands that spread work over a process pool (``build``,
``package``): results in input order with a bounded number of tasks in flight, and workers that
leave Ctrl-C to the main process."""

from __future__ import annotations

import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def ordered_map(pool: ProcessPoolExecutor, fn: Callable[[T], R], items: Iterable[T], ahead: int) -> Iterator[R]:
    """``pool.map(fn, items)`` that keeps at most ``ahead`` tasks in flight (``Executor.map`` reads
    its whole input at once), yielding results in input order."""
    pending: deque[Future[R]] = deque()
    for item in items:
        pending.append(pool.submit(fn, item))
        if len(pending) >= ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def ignore_sigint() -> None:
    """Worker initializer: Ctrl-C is the main process's to handle (it cancels the pool), so the
    workers never print a ``KeyboardInterrupt`` traceback of their own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def worker_pool(workers: int) -> ProcessPoolExecutor | None:
    """A pool of ``workers`` processes that ignore Ctrl-C, or ``None`` for one process (work in this one)."""
    return ProcessPoolExecutor(workers, initializer=ignore_sigint) if workers > 1 else None
