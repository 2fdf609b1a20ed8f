"""Where ``ctpairs build`` reads records from: files, the bundled sample, or the store."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ctpairs.sources.files import BadRecordTally, GoodRecord, RawRecord, check_input, iter_file_records
from ctpairs.sources.sample import sample_path
from ctpairs.store import Store

log = logging.getLogger(__name__)


@dataclass
class RecordInput:
    """An opened input: a description for the report, an optional total, and the records.

    Bad records met while iterating are counted in :attr:`bad` (a
    :class:`~ctpairs.sources.files.BadRecordTally`), which :func:`ctpairs.build.build_pairs` reads
    into the build report."""

    label: str
    total: int | None
    notice: str | None
    _path: Path | None = None
    _store: Path | None = None
    bad: BadRecordTally = field(default_factory=BadRecordTally)

    def __iter__(self) -> Iterator[dict]:
        if self._store is not None:
            with Store(self._store) as store:
                yield from store.iter_records()
            return
        assert self._path is not None
        for item in iter_file_records(self._path):
            if isinstance(item, GoodRecord):
                yield item.record
            else:
                log.debug("skipped %s: %s", item.location, item.reason)
                self.bad.add(item)

    def texts(self) -> Iterator[RawRecord | dict]:
        """The records as unparsed JSON texts, for :func:`~ctpairs.build.build_pairs` to parse in its
        workers (a file holding a JSON array or page comes as one document; what could be saved of a
        damaged file comes parsed). Bad JSON is found and counted where it is parsed, in the build;
        unreadable files are counted in :attr:`bad` here."""
        if self._store is not None:
            with Store(self._store) as store:
                for nct_id, text in store.iter_texts():
                    yield RawRecord(text, f"store:{nct_id}")
            return
        assert self._path is not None
        for item in iter_file_records(self._path, raw=True):
            if isinstance(item, RawRecord):
                yield item
            elif isinstance(item, GoodRecord):
                yield item.record
            else:
                log.debug("skipped %s: %s", item.location, item.reason)
                self.bad.add(item)


def open_input(
    *,
    path: str | Path | None = None,
    source: str | None = None,
    store: str | Path | None = None,
    store_required: bool = False,
) -> RecordInput:
    """Pick the records to build from: ``path`` (what ``ctpairs ingest`` takes), the bundled
    ``source="sample"``, else the store at ``store``; an empty or missing store falls back to
    the bundled sample with a notice, unless ``store_required`` (a store the user named), where a
    missing store raises :class:`~ctpairs.errors.StoreNotFoundError`. A ``path`` that does not
    exist (or is not supported) raises :class:`~ctpairs.errors.InputError` here, before anything is built."""
    if path is not None:
        check_input(path)
        return RecordInput(str(path), None, None, _path=Path(path))
    if source == "sample":
        return RecordInput("bundled sample", None, None, _path=sample_path())
    if store is not None and (store_required or Path(store).exists()):
        with Store(store, create=False) as s:
            count = len(s)
        if count:
            return RecordInput(f"store {store}", count, None, _store=Path(store))
    return RecordInput(
        "bundled sample",
        None,
        f"the store {store} is empty, so building from the bundled real sample "
        "(run `ctpairs fetch` or `ctpairs ingest` to build from your own records)",
        _path=sample_path(),
    )
