"""Reading damaged compressed files up to the exact point of damage.

:mod:`gzip` and :mod:`zipfile` give up on a cut or corrupt file in ways that lose readable data:
``gzip`` decompresses 128 kB at a time and a corrupt byte loses the output of its whole chunk;
``zipfile`` reads nothing at all from a zip whose end (the central directory) is missing, as in an
interrupted download of ``ctg-studies.json.zip``. This module keeps every byte that decompresses
before the damage:

* :class:`GunzipReader` decompresses gzip (all members) in small steps; on an error it finds the
  longest prefix of the failing step that still decompresses, returns that output, then raises.
* :func:`zip_local_members` walks the local file headers of a zip front to back (no central
  directory needed), yielding each member that decompresses and checks out (CRC), and the damage.
"""

from __future__ import annotations

import io
import mmap
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

GZIP_MAGIC = b"\x1f\x8b"
ZIP_LOCAL_HEADER = b"PK\x03\x04"
_STEP = 4096  # compressed bytes per decompression step
_GZIP_WBITS = 16 + zlib.MAX_WBITS
_LOCAL = struct.Struct("<4sHHHHHIIIHH")  # signature ... file name length, extra field length


class DamagedStreamError(OSError):
    """The compressed data stops being readable here (cut short, corrupt, or garbage after it)."""


def _longest_good_prefix(state, data: bytes) -> bytes:
    """The output of the longest prefix of ``data`` that ``state`` (a decompressor) still takes."""
    low, high, best = 0, len(data), b""
    while low < high:
        mid = (low + high + 1) // 2
        try:
            out = state.copy().decompress(data[:mid])
        except zlib.error:
            high = mid - 1
        else:
            low, best = mid, out
    return best


class GunzipReader(io.RawIOBase):
    """A readable gzip stream (wrap it in :class:`io.BufferedReader`) that loses nothing before damage.

    Reads every member of a multi-member file. When the data is cut short, corrupt or followed by
    bytes that are no gzip member, all the output before that point is returned first, and the
    next read raises :class:`DamagedStreamError` saying what happened.
    """

    def __init__(self, fh: IO[bytes]):
        self._fh = fh
        self._d = zlib.decompressobj(_GZIP_WBITS)
        self._pending = b""
        self._carry = b""  # compressed bytes already read but not yet given to the decompressor
        self._error: DamagedStreamError | None = None
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while not self._pending:
            if self._error is not None:
                raise self._error
            if self._done:
                return 0
            self._pending = self._step()
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def _step(self) -> bytes:
        if self._d.eof:  # a member ended: another one, the end of the file, or trailing garbage
            rest = self._d.unused_data + self._carry or self._fh.read(_STEP)
            self._carry = b""
            if not rest.strip(b"\0"):
                self._done = True
                return b""
            if not rest.startswith(GZIP_MAGIC):
                self._error = DamagedStreamError("bytes after the end of the gzip data are not gzip")
                return b""
            self._d = zlib.decompressobj(_GZIP_WBITS)
            data = rest
        else:
            data, self._carry = self._carry or self._fh.read(_STEP), b""
        if not data:
            self._error = DamagedStreamError("compressed data ends before its end marker (file cut short)")
            return b""
        before = self._d.copy()
        try:
            return self._d.decompress(data)
        except zlib.error as exc:
            self._error = DamagedStreamError(f"corrupt compressed data ({exc})")
            return _longest_good_prefix(before, data)


def zip_local_members(path: str | Path) -> Iterator[tuple[str, bytes] | tuple[str, DamagedStreamError]]:
    """``(name, data)`` for each member of a zip read front to back from its local headers, then
    ``(name, error)`` for the first member that cannot be read (where the damage starts), if any.

    For zips whose central directory is missing or broken; members are stored or deflated.
    """
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        pos = data.find(ZIP_LOCAL_HEADER)
        while 0 <= pos and pos + _LOCAL.size <= len(data):
            _, _, flags, method, _, _, crc, csize, _, name_len, extra_len = _LOCAL.unpack_from(data, pos)
            start = pos + _LOCAL.size + name_len + extra_len
            name = bytes(data[pos + _LOCAL.size : pos + _LOCAL.size + name_len]).decode("utf-8", "replace")
            if data[pos : pos + 4] != ZIP_LOCAL_HEADER or start > len(data):
                return
            try:
                member, end = _member(data, start, method, csize, crc, known_size=not flags & 0x08)
            except DamagedStreamError as exc:
                yield name, exc
                return
            if not name.endswith("/"):
                yield name, member
            pos = data.find(ZIP_LOCAL_HEADER, end)


def _member(data: mmap.mmap, start: int, method: int, csize: int, crc: int, *, known_size: bool) -> tuple[bytes, int]:
    """One member's bytes and where its compressed data ends; raises :class:`DamagedStreamError`."""
    if method == 0:
        if not known_size or start + csize > len(data):
            raise DamagedStreamError("stored member cut short")
        out, end = bytes(data[start : start + csize]), start + csize
    elif method == 8:
        d = zlib.decompressobj(-zlib.MAX_WBITS)
        stop = start + csize if known_size else len(data)
        try:
            out = d.decompress(data[start:stop])
        except zlib.error as exc:
            raise DamagedStreamError(f"corrupt compressed data ({exc})") from exc
        if not d.eof:
            raise DamagedStreamError("member cut short")
        end = stop - len(d.unused_data)
    else:
        raise DamagedStreamError(f"compression method {method} is not supported")
    if known_size and zlib.crc32(out) != crc:
        raise DamagedStreamError("member fails its CRC check")
    return out, end
