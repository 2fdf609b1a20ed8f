"""The local store: raw ClinicalTrials.gov v2 study records in SQLite, keyed by NCT id.

One file, WAL journal. Records are kept as compressed JSON exactly as received
(re-serialised compactly), with their last-update date and the data timestamp of
the source they came from. Fetch checkpoints live in the same file, so a page of
records and the token of the next page are committed in one transaction: a run
killed at any moment leaves either the whole page or none of it.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa

from ctpairs.errors import BadRecordError, StoreError, StoreNotFoundError

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS studies (
    nct_id TEXT PRIMARY KEY,
    last_update TEXT,
    data_timestamp TEXT,
    has_results INTEGER NOT NULL,
    source TEXT,
    record BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS fetch_checkpoints (
    query_key TEXT PRIMARY KEY,
    params TEXT NOT NULL,
    next_page_token TEXT,
    pages_done INTEGER NOT NULL DEFAULT 0,
    studies_seen INTEGER NOT NULL DEFAULT 0,
    total_count INTEGER,
    finished INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
"""


def record_nct_id(record: Any) -> str:
    """Return the NCT id of a v2 study record, or raise :class:`BadRecordError` saying what is missing."""
    if not isinstance(record, dict):
        raise BadRecordError(f"expected a study object, got {type(record).__name__}")
    protocol = record.get("protocolSection")
    if not isinstance(protocol, dict):
        keys = ", ".join(sorted(record)[:5]) or "none"
        raise BadRecordError(f"not a v2 study record: no protocolSection (keys: {keys})")
    ident = protocol.get("identificationModule")
    nct_id = ident.get("nctId") if isinstance(ident, dict) else None
    if not isinstance(nct_id, str) or not nct_id:
        raise BadRecordError("study record has no protocolSection.identificationModule.nctId")
    return nct_id


def record_last_update(record: dict) -> str | None:
    """The record's last-update-posted date (``YYYY-MM-DD``), if it has one."""
    status = record["protocolSection"].get("statusModule") or {}
    return (status.get("lastUpdatePostDateStruct") or {}).get("date")


def record_version_holder(record: dict) -> str | None:
    """The registry data date the record carries (``derivedSection.miscInfoModule.versionHolder``)."""
    return ((record.get("derivedSection") or {}).get("miscInfoModule") or {}).get("versionHolder")


_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"  # how a zstd frame starts; a zlib stream starts with 0x78


def encode_record(record: dict) -> bytes:
    """Compact UTF-8 JSON (orjson: the same bytes as ``json.dumps(ensure_ascii=False, separators=(",", ":"))``)
    as a zstd frame (Arrow's codec), then the text's length (8 bytes, little-endian) for the decoder.

    zstd compresses the records as well as zlib level 6 at about a ninth of the time, which
    made compression the largest cost of ``ingest``. Stores written with zlib still read.
    """
    text = orjson.dumps(record)
    return pa.compress(text, codec="zstd", asbytes=True) + len(text).to_bytes(8, "little")


def decode_record(blob: bytes) -> dict:
    return orjson.loads(decode_text(blob))


def decode_text(blob: bytes) -> bytes:
    """The record's JSON text, not parsed (from a zstd blob, or a zlib one of an older store)."""
    if blob[:4] != _ZSTD_MAGIC:
        return zlib.decompress(blob)
    size = int.from_bytes(blob[-8:], "little")
    return pa.decompress(memoryview(blob)[:-8], size, codec="zstd", asbytes=True)


@dataclass(frozen=True)
class Checkpoint:
    """Where a paged query stopped: the token of the next page to ask for."""

    query_key: str
    params: dict
    next_page_token: str | None
    pages_done: int
    studies_seen: int
    total_count: int | None
    finished: bool


@dataclass(frozen=True)
class StoreSummary:
    studies: int
    with_results: int
    data_timestamp: str | None


class Store:
    """A SQLite store of raw study records. Use as a context manager or call :meth:`close`.

    ``create=False`` is for commands that only read: a path that does not exist raises
    :class:`~ctpairs.errors.StoreNotFoundError` instead of creating an empty store (and its folders).
    """

    def __init__(self, path: str | Path, *, create: bool = True):
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise StoreNotFoundError(
                f"no store at {self.path}; check --store, or fill it first with `ctpairs fetch` or `ctpairs ingest`"
            )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder of the store {self.path}: {exc.strerror or exc}") from exc
        try:
            self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a usable ctpairs store: {exc}") from exc
        self._db.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    # -- records ---------------------------------------------------------------
    def _upsert_many(self, records: Iterable[dict], data_timestamp: str | None, source: str) -> int:
        rows = []
        for record in records:
            nct_id = record_nct_id(record)
            rows.append(
                (
                    nct_id,
                    record_last_update(record),
                    data_timestamp or record_version_holder(record),
                    int(bool(record.get("resultsSection"))),
                    source,
                    encode_record(record),
                )
            )
        self._db.executemany(
            "INSERT INTO studies(nct_id, last_update, data_timestamp, has_results, source, record) "
            "VALUES (?,?,?,?,?,?) ON CONFLICT(nct_id) DO UPDATE SET last_update=excluded.last_update, "
            "data_timestamp=excluded.data_timestamp, has_results=excluded.has_results, "
            "source=excluded.source, record=excluded.record",
            rows,
        )
        return len(rows)

    def put_many(self, records: Iterable[dict], *, data_timestamp: str | None = None, source: str = "") -> int:
        """Insert or replace records in one transaction; returns how many were written."""
        with self._transaction():
            return self._upsert_many(records, data_timestamp, source)

    def put_page(
        self,
        records: list[dict],
        checkpoint: Checkpoint,
        *,
        data_timestamp: str | None,
        source: str,
    ) -> None:
        """Store one page of records and the checkpoint that follows it, atomically."""
        with self._transaction():
            self._upsert_many(records, data_timestamp, source)
            self._save_checkpoint(checkpoint)

    def get(self, nct_id: str) -> dict | None:
        row = self._db.execute("SELECT record FROM studies WHERE nct_id=?", (nct_id,)).fetchone()
        return decode_record(row[0]) if row else None

    def __contains__(self, nct_id: str) -> bool:
        return self._db.execute("SELECT 1 FROM studies WHERE nct_id=?", (nct_id,)).fetchone() is not None

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM studies").fetchone()[0]

    def nct_ids(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT nct_id FROM studies ORDER BY nct_id")]

    def iter_records(self, *, with_results_only: bool = False) -> Iterator[dict]:
        """Yield stored records in NCT id order (streamed, not loaded at once)."""
        sql = "SELECT record FROM studies"
        if with_results_only:
            sql += " WHERE has_results=1"
        cursor = self._db.cursor()
        for (blob,) in cursor.execute(sql + " ORDER BY nct_id"):
            yield decode_record(blob)

    def iter_texts(self) -> Iterator[tuple[str, bytes]]:
        """(nct_id, JSON text) in NCT id order: records left for the reader to parse (e.g. in a worker)."""
        for nct_id, blob in self._db.execute("SELECT nct_id, record FROM studies ORDER BY nct_id"):
            yield nct_id, decode_text(blob)

    def iter_rows(self) -> Iterator[tuple[str, str | None, str | None, bytes]]:
        """(nct_id, last_update, data_timestamp, compressed record) in NCT id order; for comparisons."""
        yield from self._db.execute("SELECT nct_id, last_update, data_timestamp, record FROM studies ORDER BY nct_id")

    def summary(self) -> StoreSummary:
        studies, with_results, ts = self._db.execute(
            "SELECT COUNT(*), COALESCE(SUM(has_results),0), MAX(data_timestamp) FROM studies"
        ).fetchone()
        return StoreSummary(studies=studies, with_results=with_results, data_timestamp=ts)

    # -- checkpoints -------------------------------------------------------------
    def checkpoint(self, query_key: str) -> Checkpoint | None:
        row = self._db.execute(
            "SELECT query_key, params, next_page_token, pages_done, studies_seen, total_count, finished "
            "FROM fetch_checkpoints WHERE query_key=?",
            (query_key,),
        ).fetchone()
        if row is None:
            return None
        return Checkpoint(row[0], json.loads(row[1]), row[2], row[3], row[4], row[5], bool(row[6]))

    def save_checkpoint(self, checkpoint: Checkpoint) -> None:
        with self._transaction():
            self._save_checkpoint(checkpoint)

    def _save_checkpoint(self, cp: Checkpoint) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO fetch_checkpoints(query_key, params, next_page_token, pages_done, "
            "studies_seen, total_count, finished, updated_at) VALUES (?,?,?,?,?,?,?,?)",
            (
                cp.query_key,
                json.dumps(cp.params, sort_keys=True),
                cp.next_page_token,
                cp.pages_done,
                cp.studies_seen,
                cp.total_count,
                int(cp.finished),
                datetime.now(timezone.utc).isoformat(timespec="seconds"),
            ),
        )

    def delete_checkpoint(self, query_key: str) -> None:
        with self._transaction():
            self._db.execute("DELETE FROM fetch_checkpoints WHERE query_key=?", (query_key,))

    # -- meta ------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._transaction():
            self._db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?,?)", (key, value))

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception (KeyboardInterrupt included)."""

    def __init__(self, db: sqlite3.Connection):
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")
