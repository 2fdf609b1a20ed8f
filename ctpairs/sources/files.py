"""Study records from files: the bulk ``ctg-studies.json.zip``, JSONL (optionally gzipped),
a JSON array, a ``{"studies": [...]}`` page envelope, one study per ``.json`` file, or a
directory of such files.

Everything is streamed: the bulk zip is read one member at a time and JSONL one line at
a time. A bad record never stops the rest; it is yielded as a :class:`BadRecord` that
says where it was. JSON is parsed with orjson; ``raw=True`` leaves one-study texts (JSONL lines,
zip members) unparsed as :class:`RawRecord`, for a build worker to parse with :func:`load_raw`.
"""

from __future__ import annotations

import gzip
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import orjson

from ctpairs.errors import BadRecordError, CtpairsError
from ctpairs.store import record_nct_id


@dataclass(frozen=True)
class GoodRecord:
    record: dict
    location: str  # "file.jsonl:12", "ctg-studies.json.zip:NCT0000001.json"


@dataclass(frozen=True)
class BadRecord:
    location: str
    reason: str


@dataclass(frozen=True)
class RawRecord:
    """A JSON text not parsed yet: one study (a JSONL line) or a ``document`` (a ``.json`` file,
    which may also hold an array or a ``{"studies": [...]}`` page)."""

    text: bytes
    location: str
    document: bool = False


def load_raw(raw: RawRecord) -> Iterator[GoodRecord | BadRecord]:
    """Parse a :class:`RawRecord` into the records it holds (bad JSON is one :class:`BadRecord`)."""
    try:
        obj = orjson.loads(raw.text)
    except orjson.JSONDecodeError as exc:
        yield BadRecord(raw.location, f"malformed JSON: {exc}")
        return
    if raw.document:
        yield from _from_json_document(obj, raw.location)
    else:
        yield _check(obj, raw.location)


def _check(obj: object, location: str) -> GoodRecord | BadRecord:
    try:
        record_nct_id(obj)
    except BadRecordError as exc:
        return BadRecord(location, str(exc))
    return GoodRecord(obj, location)  # type: ignore[arg-type]


def _from_json_document(obj: object, location: str) -> Iterator[GoodRecord | BadRecord]:
    if isinstance(obj, list):
        for i, item in enumerate(obj):
            yield _check(item, f"{location}[{i}]")
    elif isinstance(obj, dict) and isinstance(obj.get("studies"), list) and "protocolSection" not in obj:
        for i, item in enumerate(obj["studies"]):
            yield _check(item, f"{location}:studies[{i}]")
    else:
        yield _check(obj, location)


def _read(text: bytes, location: str, document: bool, raw: bool) -> Iterator[GoodRecord | BadRecord | RawRecord]:
    item = RawRecord(text, location, document)
    if raw:
        yield item
    else:
        yield from load_raw(item)


def _jsonl(fh: IO[bytes], name: str, raw: bool) -> Iterator[GoodRecord | BadRecord | RawRecord]:
    for lineno, line in enumerate(fh, 1):
        if line.strip():
            yield from _read(line, f"{name}:{lineno}", False, raw)


def _zip(path: Path, raw: bool) -> Iterator[GoodRecord | BadRecord | RawRecord]:
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            location = f"{path.name}:{info.filename}"
            with zf.open(info) as fh:
                if info.filename.endswith((".jsonl", ".ndjson")):
                    yield from _jsonl(fh, location, raw)
                elif info.filename.endswith(".json"):
                    yield from _read(fh.read(), location, True, raw)


def iter_file_records(path: str | Path, *, raw: bool = False) -> Iterator[GoodRecord | BadRecord | RawRecord]:
    """Yield every study found at ``path`` (a file or a directory), good or bad, in a stable order.

    ``raw=True`` yields each JSON text as a :class:`RawRecord` instead of parsing it here.
    """
    path = Path(path)
    if not path.exists():
        raise CtpairsError(f"{path} does not exist")
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and _is_supported(p))
        if not files:
            raise CtpairsError(f"{path} holds no .json, .jsonl, .jsonl.gz or .zip files")
        for file in files:
            yield from iter_file_records(file, raw=raw)
        return
    name = path.name.lower()
    if name.endswith(".zip"):
        yield from _zip(path, raw)
    elif name.endswith((".jsonl.gz", ".ndjson.gz")):
        with gzip.open(path, "rb") as fh:
            yield from _jsonl(fh, path.name, raw)
    elif name.endswith((".jsonl", ".ndjson")):
        with path.open("rb") as fh:
            yield from _jsonl(fh, path.name, raw)
    elif name.endswith(".json.gz"):
        with gzip.open(path, "rb") as fh:
            yield from _read(fh.read(), path.name, True, raw)
    elif name.endswith(".json"):
        yield from _read(path.read_bytes(), path.name, True, raw)
    else:
        raise CtpairsError(f"{path}: unsupported file type (expected .zip, .json, .jsonl or .jsonl.gz)")


def _is_supported(p: Path) -> bool:
    return p.name.lower().endswith((".zip", ".json", ".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz", ".json.gz"))
