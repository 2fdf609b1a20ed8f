"""Shared pytest setup: offline Hugging Face settings, the real records (parsed once per module),
and the fake ClinicalTrials.gov API fixture."""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
from collections.abc import Iterator

import pytest
from ctgov_server import FakeCTGov
from hypothesis import HealthCheck, settings

from ctpairs.model.parse import parse_trial
from ctpairs.model.trial import Trial
from tests._data import real_records

_HF_HOME: str | None = None

# Fuzz tests (tests/test_fuzz.py): the default profile is derandomized (a fixed seed, the same examples
# on every run) and small enough for the whole file to run in well under a minute; run them longer with
# `python -m pytest tests/test_fuzz.py --hypothesis-profile=long` (random seeds, 20x the examples).
_FUZZ = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("ci", settings(max_examples=40, derandomize=True, database=None, **_FUZZ))
settings.register_profile("long", settings(max_examples=800, derandomize=False, **_FUZZ))
settings.load_profile("ci")


def pytest_configure(config: pytest.Config) -> None:
    """Keep every test off the Hugging Face Hub, with a throwaway HF cache."""
    global _HF_HOME
    _HF_HOME = tempfile.mkdtemp(prefix="ctpairs-test-hf-")
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["HF_DATASETS_OFFLINE"] = "1"
    os.environ["HF_HOME"] = _HF_HOME


def pytest_unconfigure(config: pytest.Config) -> None:
    if _HF_HOME:
        shutil.rmtree(_HF_HOME, ignore_errors=True)


@pytest.fixture(scope="module")
def records() -> dict[str, dict]:
    """The 685 real records by NCT id (see tests/_data.py)."""
    return {r["protocolSection"]["identificationModule"]["nctId"]: r for r in real_records()}


@pytest.fixture(scope="module")
def trials(records: dict[str, dict]) -> Iterator[dict[str, Trial]]:
    """Every record parsed once. The records and trials are then frozen out of the garbage
    collector's view for the module, which otherwise re-scans them on every pass and doubles the time."""
    parsed = {nct: parse_trial(r) for nct, r in records.items()}
    gc.freeze()
    yield parsed
    gc.unfreeze()


@pytest.fixture
def ctgov_server() -> Iterator[FakeCTGov]:
    """A fake ClinicalTrials.gov API on 127.0.0.1 serving the recorded Phelan pages (p1 -> p2 -> terminal)."""
    with FakeCTGov() as api:
        yield api
