"""Run a command in a fresh process tree and measure it: wall time, peak resident set of its largest
process, and peak *anonymous* memory (heap, not pages of files it maps or reads).

Peak RSS alone overstates what a command needs when it memory-maps files (``ctpairs package``
maps its spilled Arrow files: their pages count in RSS but the kernel drops them under pressure),
so both are reported. RSS peaks come from ``getrusage`` in a wrapper process (exact); anonymous
memory is sampled every 200 ms with psutil (resident set minus its file-backed and shared part).
With ``disk``, the bytes of the files under that folder are sampled too (every second), and the
peak above what they were at the start is reported: the temporary files a command writes
(``ctpairs package`` spills its rows to disk) as well as its output.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_rss_mib: float
    peak_anon_mib: float
    stderr: str
    returncode: int
    peak_disk_mib: float = 0.0  # above the start, under the ``disk`` folder (0 when not watched)


def _tree_bytes(root: Path) -> int:
    """Bytes on disk of the files under ``root`` (hidden ones too); files that vanish are skipped."""
    total = 0
    for folder, _, files in os.walk(root):
        for name in files:
            try:
                total += os.stat(os.path.join(folder, name)).st_blocks * 512
            except FileNotFoundError:
                continue
    return total


def _anon_bytes(process: psutil.Process) -> int:
    """The largest anonymous resident set among ``process`` and its descendants."""
    largest = 0
    for p in [process, *process.children(recursive=True)]:
        try:
            info = p.memory_info()
        except psutil.NoSuchProcess:
            continue
        largest = max(largest, info.rss - info.shared)
    return largest


# Runs a command and prints the peak resident set (KiB) of the largest of its processes: a fresh
# wrapper per command, so one command's peak is never another's.
_PEAK = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def run_measured(cmd: list[str], env: dict[str, str] | None = None, disk: Path | None = None) -> Measured:
    """Run ``cmd`` to the end; its time and peak memory, and with ``disk`` its peak disk (see the
    module docstring)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", _PEAK, *cmd], env=env, stdout=out, stderr=err, text=True)
        watched = psutil.Process(proc.pid)
        peak_anon = 0
        disk_start = peak_disk = _tree_bytes(disk) if disk else 0
        ticks = 0
        while proc.poll() is None:
            try:
                peak_anon = max(peak_anon, _anon_bytes(watched))
            except psutil.NoSuchProcess:
                pass
            if disk and ticks % 5 == 0:
                peak_disk = max(peak_disk, _tree_bytes(disk))
            ticks += 1
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        lines, stderr = out.read().split(), err.read()
    peak_rss = int(lines[-1]) if proc.returncode == 0 and lines else 0
    return Measured(
        round(seconds, 1),
        round(peak_rss / 1024, 1),
        round(peak_anon / 2**20, 1),
        stderr,
        proc.returncode,
        round((peak_disk - disk_start) / 2**20, 1),
    )
