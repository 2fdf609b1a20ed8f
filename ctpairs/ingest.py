"""Load study records from files into the store, reporting (not raising on) bad records."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path

from ctpairs.sources.files import BadRecord, BadRecordTally, GoodRecord, iter_file_records
from ctpairs.store import Store

log = logging.getLogger(__name__)

BATCH_SIZE = 500


@dataclass
class IngestReport:
    """What an ingest did: how many records went in, and the ones that did not (counted; the first
    ones listed with where they were)."""

    stored: int = 0
    tally: BadRecordTally = field(default_factory=BadRecordTally)

    @property
    def bad(self) -> list[BadRecord]:
        """The first bad records (up to ``tally.keep``), with file, line and reason."""
        return self.tally.examples


def ingest_path(store: Store, path: str | Path, *, source: str | None = None) -> IngestReport:
    """Store every good record found at ``path``; bad ones are counted and listed in the report.

    Records are committed in batches, so an interrupted ingest keeps every batch already written.
    A truncated or corrupt file keeps every record before the damage (see
    :func:`ctpairs.sources.files.iter_file_records`). Raises
    :class:`~ctpairs.errors.InputError` when ``path`` does not exist or is not a supported type.
    """
    report = IngestReport()
    items = iter_file_records(path)
    label = source or str(path)
    for first in items:  # each batch is streamed into the store: parsed records are let go once stored
        batch = chain([first], islice(items, BATCH_SIZE - 1))
        report.stored += store.put_many(_good(batch, report), source=label)
    return report


def _good(batch: Iterator[GoodRecord | BadRecord], report: IngestReport) -> Iterator[dict]:
    """The good records of a batch; the bad ones go to the report."""
    for item in batch:
        if isinstance(item, GoodRecord):
            yield item.record
        else:
            log.debug("skipped %s: %s", item.location, item.reason)
            report.tally.add(item)
