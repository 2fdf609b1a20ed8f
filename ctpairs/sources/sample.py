"""The bundled real sample: 300 ClinicalTrials.gov studies with results, shipped in the package
so every command works offline on a fresh install (see scripts/make_sample.py)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

SAMPLE_SOURCE = "sample"


def sample_path() -> Path:
    """Path of the bundled ``sample.jsonl.gz`` inside the installed package."""
    return Path(str(resources.files("ctpairs") / "data" / "sample.jsonl.gz"))
