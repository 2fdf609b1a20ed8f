"""Study records from files: the bulk ``ctg-studies.json.zip``, JSONL (optionally gzipped),
a JSON array, a ``{"studies": [...]}`` page envelope, one study per ``.json`` file, or a
directory of such files.

Everything is streamed: the bulk zip is read one member at a time and JSONL one line at
a time. A bad record never stops the rest; it is yielded as a :class:`BadRecord` that
says where it was. Nothing readable is lost to damage: a truncated or corrupt gzip or zip
yields every record before the damage (:mod:`ctpairs.sources.salvage`), a cut JSON array
every complete item, and then one :class:`BadRecord` for the damage; gzip and zip are
recognised by their content, whatever the file is called. JSON is parsed with orjson;
``raw=True`` leaves each JSON text (a JSONL line, a ``.json`` file or zip member) unparsed as a
:class:`RawRecord`, for a build worker to parse with :func:`load_raw`.
"""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import orjson

from ctpairs.errors import BadRecordError, InputError
from ctpairs.sources.salvage import GZIP_MAGIC, ZIP_LOCAL_HEADER, DamagedStreamError, GunzipReader, zip_local_members
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
    """Parse a :class:`RawRecord` into the records it holds, as reading it unparsed would have."""
    if raw.document:
        yield from _document(raw.text, raw.location)
    else:
        yield _line(raw.text, raw.location)


@dataclass
class BadRecordTally:
    """Bad records met while reading: how many, and the first :attr:`keep` of them to show."""

    keep: int = 100
    count: int = 0
    examples: list[BadRecord] = field(default_factory=list)

    def add(self, bad: BadRecord) -> None:
        self.count += 1
        if len(self.examples) < self.keep:
            self.examples.append(bad)

    def lines(self, shown: int = 10) -> list[str]:
        """``skipped LOCATION: REASON`` for the first ``shown`` bad records, then how many more there were."""
        out = [f"skipped {b.location}: {b.reason}" for b in self.examples[:shown]]
        if self.count > shown:
            out.append(f"... and {self.count - shown:,} more bad records")
        return out


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


#: What a damaged compressed stream raises while it is read (gzip: DamagedStreamError, an OSError; a
#: zip member: zlib.error, or BadZipFile for a bad CRC; EOFError for a member cut short).
_DAMAGE = (EOFError, OSError, zlib.error, zipfile.BadZipFile)
_READ_BLOCK = 1 << 20


def _damaged(location: str, exc: BaseException) -> BadRecord:
    detail = str(exc) or type(exc).__name__
    return BadRecord(location, f"file damaged from here on ({detail}); every record before it was kept")


def _read_all(fh: IO[bytes]) -> tuple[bytes, BaseException | None]:
    """The bytes of ``fh`` up to the end, or up to the damage (and the error) when it is cut or corrupt."""
    blocks = []
    try:
        while block := fh.read(_READ_BLOCK):
            blocks.append(block)
    except _DAMAGE as exc:
        return b"".join(blocks), exc
    return b"".join(blocks), None


def _salvage_items(text: str) -> tuple[list[object], int]:
    """The complete items at the start of a JSON array (bare, or the ``studies`` of a page) that is cut
    or broken further on, and the offset where reading stopped."""
    start = text.find("[")
    if start < 0:
        return [], 0
    decoder = json.JSONDecoder()
    items: list[object] = []
    pos = start + 1
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        try:
            item, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError:
            return items, pos
        items.append(item)


def _load_json(fh: IO[bytes], location: str, raw: bool) -> Iterator[GoodRecord | BadRecord | RawRecord]:
    data, damage = _read_all(fh)
    if raw and damage is None:
        yield RawRecord(data, location, document=True)
    else:
        yield from _document(data, location, damage)


def _document(data: bytes, location: str, damage: BaseException | None = None) -> Iterator[GoodRecord | BadRecord]:
    """The records of one JSON document (a study, an array or a page); what can be saved of a broken one."""
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        items, stop = _salvage_items(text)
        for i, item in enumerate(items):
            yield _check(item, f"{location}[{i}]")
        where = f"{location}:{text.count(chr(10), 0, stop) + 1}"
        yield _damaged(where, damage) if damage is not None else BadRecord(where, f"malformed JSON: {exc}")
        return
    yield from _from_json_document(obj, location)
    if damage is not None:
        yield _damaged(location, damage)


def _parsed_lines(fh: IO[bytes], name: str, raw: bool = False) -> Iterator[tuple[int, object, str | None]]:
    """``(line number, JSON value, None)`` for each non-blank line that parses (its bytes with ``raw``),
    ``(n, None, error)`` for one that does not; a damaged stream ends with ``(n, BadRecord, None)``."""
    lineno = 0
    lines = iter(fh)
    while True:
        try:
            line = next(lines)
        except StopIteration:
            return
        except _DAMAGE as exc:
            yield lineno + 1, _damaged(f"{name}:{lineno + 1}", exc), None
            return
        lineno += 1
        if line.strip():
            if raw:
                yield lineno, line, None
                continue
            try:
                yield lineno, orjson.loads(line), None
            except orjson.JSONDecodeError as exc:
                yield lineno, None, f"malformed JSON: {exc}"


def _line(line: bytes, location: str) -> GoodRecord | BadRecord:
    try:
        obj = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        return BadRecord(location, f"malformed JSON: {exc}")
    return _check(obj, location)


def _jsonl(fh: IO[bytes], name: str, raw: bool) -> Iterator[GoodRecord | BadRecord | RawRecord]:
    """One record per line. A run of consecutive lines that are not JSON (random bytes, a binary file
    under a text name) is one bad record, ``name:first-last``, reported once rather than per line.
    With ``raw`` each line is a :class:`RawRecord` (a bad line is then reported when it is parsed)."""
    if raw:
        for lineno, line, _ in _parsed_lines(fh, name, raw=True):
            yield line if isinstance(line, BadRecord) else RawRecord(line, f"{name}:{lineno}")  # type: ignore[arg-type]
        return
    run: list = []  # [first line, last line, first error] of the current run of lines that are not JSON
    for lineno, obj, error in _parsed_lines(fh, name):
        if error is not None:
            if run and run[1] == lineno - 1:
                run[1] = lineno
                continue
            if run:
                yield _malformed(name, *run)
            run = [lineno, lineno, error]
            continue
        if run:
            yield _malformed(name, *run)
            run = []
        yield obj if isinstance(obj, BadRecord) else _check(obj, f"{name}:{lineno}")
    if run:
        yield _malformed(name, *run)


def _malformed(name: str, first: int, last: int, error: str) -> BadRecord:
    if first == last:
        return BadRecord(f"{name}:{first}", error)
    return BadRecord(f"{name}:{first}-{last}", f"{last - first + 1} lines that are not JSON ({error})")


def _zip(path: Path, raw: bool) -> Iterator[GoodRecord | BadRecord | RawRecord]:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        yield from _damaged_zip(path, exc, raw)
        return
    with zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            location = f"{path.name}:{info.filename}"
            try:
                with zf.open(info) as fh:
                    yield from _read_stream(fh, info.filename, location, raw)
            except (*_DAMAGE, RuntimeError, NotImplementedError) as exc:  # encrypted, unknown method
                yield BadRecord(location, f"zip member cannot be read ({exc}); skipped")


def _damaged_zip(path: Path, exc: BaseException, raw: bool) -> Iterator[GoodRecord | BadRecord | RawRecord]:
    """A zip without a readable central directory (a cut download): its members read front to back."""
    found = False
    try:
        for name, data in zip_local_members(path):
            location = f"{path.name}:{name}"
            if isinstance(data, DamagedStreamError):
                yield _damaged(location, data)
                return
            found = True
            yield from _read_stream(io.BufferedReader(io.BytesIO(data)), name, location, raw)  # type: ignore[arg-type]
    except (OSError, ValueError) as err:  # an empty file cannot be mapped
        exc = err
    if not found:
        yield BadRecord(path.name, f"not a readable zip file ({exc}); skipped")
    else:
        yield _damaged(path.name, exc)


def _read_stream(fh: IO[bytes], name: str, location: str, raw: bool) -> Iterator[GoodRecord | BadRecord | RawRecord]:
    """The records of one file's bytes: gzip is found by its magic number, whatever the name says;
    the name says JSON Lines (``.jsonl``, ``.ndjson``) or one JSON document (``.json``)."""
    if fh.peek(2)[:2] == GZIP_MAGIC:  # type: ignore[attr-defined]  # buffered files and zip members peek
        fh = io.BufferedReader(GunzipReader(fh))
    stem = name.lower().removesuffix(".gz")
    if stem.endswith((".jsonl", ".ndjson")):
        yield from _jsonl(fh, location, raw)
    elif stem.endswith(".json"):
        yield from _load_json(fh, location, raw)


def _read_file(path: Path, raw: bool) -> Iterator[GoodRecord | BadRecord | RawRecord]:
    """The records of one supported file; a damaged or unreadable file yields what it can and a BadRecord."""
    try:
        with path.open("rb") as fh:
            magic = fh.read(4)
    except OSError as exc:
        yield BadRecord(path.name, f"cannot be read ({exc.strerror or exc}); skipped")
        return
    if magic == ZIP_LOCAL_HEADER or path.name.lower().endswith(".zip"):
        yield from _zip(path, raw)
        return
    with path.open("rb") as fh:
        yield from _read_stream(fh, path.name, path.name, raw)


def check_input(path: str | Path) -> Path:
    """``path`` as a Path, when it exists and is a folder or a supported file; raises
    :class:`~ctpairs.errors.InputError` saying what is wrong otherwise."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path} does not exist; give a file or folder of study records")
    if path.is_file() and not _is_supported(path):
        raise InputError(f"{path}: unsupported file type (expected .zip, .json, .jsonl, .jsonl.gz or .json.gz)")
    return path


def iter_file_records(path: str | Path, *, raw: bool = False) -> Iterator[GoodRecord | BadRecord | RawRecord]:
    """Every study found at ``path`` (a file or a directory), good or bad, in a stable order.

    Nothing readable is lost: a truncated or corrupt file yields every record before the damage and
    then a :class:`BadRecord` saying where and why; in a directory, a bad file never stops the others.
    Gzip and zip are recognised by their content, so a wrongly named file is still read.
    Raises :class:`~ctpairs.errors.InputError` at once (not when iterated) when ``path`` does not
    exist, is of an unsupported type, or is a folder with no supported file.
    ``raw=True`` yields each JSON text that reads whole as a :class:`RawRecord` instead of parsing it here.
    """
    path = check_input(path)
    if path.is_file():
        return _read_file(path, raw)
    files = sorted(p for p in path.rglob("*") if p.is_file() and _is_supported(p))
    if not files:
        raise InputError(f"{path} holds no .json, .jsonl, .jsonl.gz or .zip files")
    return (item for file in files for item in _read_file(file, raw))


def _is_supported(p: Path) -> bool:
    return p.name.lower().endswith((".zip", ".json", ".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz", ".json.gz"))
