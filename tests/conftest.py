"""Shared pytest setup: offline Hugging Face settings, and the fake ClinicalTrials.gov API fixture."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator

import pytest

from ctgov_server import FakeCTGov

_HF_HOME: str | None = None


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


@pytest.fixture
def ctgov_server() -> Iterator[FakeCTGov]:
    """A fake ClinicalTrials.gov API on 127.0.0.1 serving the recorded Phelan pages (p1 -> p2 -> terminal)."""
    with FakeCTGov() as api:
        yield api
