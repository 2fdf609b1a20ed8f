"""notebooks/quickstart.ipynb runs top to bottom (offline, on CPU) with the venv's python3 kernel, from
any folder; it is stored with its outputs, and what it tells the reader to run is what the CLI takes."""

import os
import re
import shlex
from pathlib import Path

import pytest

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")
pytest.importorskip("ipykernel")
pytest.importorskip("trl")
pytest.importorskip("matplotlib")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "quickstart.ipynb"


def test_quickstart_notebook_runs_from_a_folder_where_ctpairs_is_a_folder(tmp_path, monkeypatch):
    # started from the parent of a clone named `ctpairs`: that folder must not shadow the package
    launch = tmp_path / "launch"
    (launch / "ctpairs" / "ctpairs").mkdir(parents=True)
    (launch / "ctpairs" / "README.md").write_text("a clone of the repository")
    monkeypatch.setenv("CTPAIRS_WORK", str(tmp_path / "work"))
    monkeypatch.delenv("CTPAIRS_REPO", raising=False)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    assert os.environ["HF_HUB_OFFLINE"] == "1"  # set by conftest; the kernel inherits it
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(launch)}}
    ).execute()
    outputs = "".join(o.get("text", "") for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs)
    assert "rewards:" in outputs and "Answer:" in outputs
    assert (tmp_path / "work" / "dose_response.png").stat().st_size > 1000
    assert (tmp_path / "work" / "grpo" / "model.safetensors").is_file()
    assert sorted(p.name for p in launch.iterdir()) == ["ctpairs"]  # nothing written where it was started


def test_the_stored_notebook_has_its_outputs_and_no_local_path():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert all(cell.outputs for cell in code)
    images = [o for cell in code for o in cell.outputs if "image/png" in o.get("data", {})]
    assert images, "the dose-response plot is stored, so the notebook reads without running"
    text = NOTEBOOK.read_text()
    assert "/tmp/" not in text and "/home/" not in text and "/work/" not in text


def test_the_commands_and_models_it_names_are_the_cli_and_readme_ones():
    from ctpairs.cli import build_parser

    markdown = "\n".join(cell.source for cell in nbformat.read(NOTEBOOK, as_version=4).cells)
    commands = [c for c in re.findall(r"`(ctpairs [^`]+)`", markdown) if " --" in c]  # full command lines
    assert any(c.startswith("ctpairs package ") for c in commands)
    for command in commands:
        build_parser().parse_args(shlex.split(command)[1:])  # argparse exits on a line the CLI refuses
    readme = (ROOT / "README.md").read_text()
    for name in set(re.findall(r"(?:Qwen|deepimagine)/[\w.-]+", markdown)):
        assert name in readme, name
