"""notebooks/quickstart.ipynb runs top to bottom (offline, on CPU) with the venv's python3 kernel."""

import os
from pathlib import Path

import pytest

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")
pytest.importorskip("ipykernel")
pytest.importorskip("trl")
pytest.importorskip("matplotlib")

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "quickstart.ipynb"


def test_quickstart_notebook_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("CTPAIRS_WORK", str(tmp_path / "work"))
    monkeypatch.delenv("CTPAIRS_REPO", raising=False)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    assert os.environ["HF_HUB_OFFLINE"] == "1"  # set by conftest; the kernel inherits it
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    outputs = "".join(o.get("text", "") for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs)
    assert "rewards:" in outputs and "Answer:" in outputs
    assert (tmp_path / "work" / "dose_response.png").stat().st_size > 1000
    assert (tmp_path / "work" / "grpo" / "model.safetensors").is_file()
