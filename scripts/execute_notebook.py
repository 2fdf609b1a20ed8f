"""Run notebooks/quickstart.ipynb top to bottom and store its outputs (text and plots) in the file,
so that it reads on GitHub and the Hub without running. Offline, on CPU, in a minute or two.

    python scripts/execute_notebook.py

The temporary work folder's path is replaced by ``$CTPAIRS_WORK`` in the stored outputs, so no
local path of the machine that ran it is published.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import nbclient
import nbformat

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "quickstart.ipynb"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ctpairs-quickstart-") as tmp:
        work = Path(tmp).resolve() / "work"
        os.environ.update(CTPAIRS_WORK=str(work), MPLBACKEND="Agg", HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1")
        os.environ.pop("CTPAIRS_REPO", None)
        nb = nbformat.read(NOTEBOOK, as_version=4)
        nbclient.NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": tmp}}).execute()
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if "text" in output:
                output["text"] = output["text"].replace(str(work), "$CTPAIRS_WORK")
            for key, value in output.get("data", {}).items():
                if key.startswith("text/") and isinstance(value, str):
                    output["data"][key] = value.replace(str(work), "$CTPAIRS_WORK")
    nbformat.write(nb, NOTEBOOK)
    print(f"stored the outputs of {NOTEBOOK}")


if __name__ == "__main__":
    main()
