"""The built wheel (not the editable checkout) carries the built-in builders, the sample and the CLI."""

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp / "dist"),
            str(ROOT),
        ],
        check=True,
    )
    wheel = next((tmp / "dist").glob("ctpairs-*.whl"))
    env_dir = tmp / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # The dependencies (pyarrow, rapidfuzz...) come from this environment; ctpairs itself only from the wheel.
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)], check=True
    )
    return env_dir, wheel


def test_wheel_contents(wheel_venv):
    import zipfile

    _, wheel = wheel_venv
    names = zipfile.ZipFile(wheel).namelist()
    assert "ctpairs/builders/dose.py" in names
    assert "ctpairs/data/sample.jsonl.gz" in names
    assert not any(n.startswith(("tests/", "builders/")) for n in names)


def test_installed_package_builds_from_sample(wheel_venv, tmp_path):
    env_dir, _ = wheel_venv
    ctpairs = env_dir / "bin" / "ctpairs"
    where = subprocess.run(
        [
            env_dir / "bin" / "python",
            "-c",
            "import ctpairs, ctpairs.builders.dose as d; print(ctpairs.__file__, d.__file__)",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout
    assert str(env_dir) in where and str(ROOT) not in where
    listed = subprocess.run(
        [ctpairs, "builders", "--json"], capture_output=True, text=True, check=True, cwd=tmp_path
    ).stdout
    assert "dose" in json.loads(listed)
    subprocess.run(
        [
            ctpairs,
            "build",
            "--axis",
            "dose",
            "--out",
            str(tmp_path / "pairs"),
            "-q",
        ],
        check=True,
        cwd=tmp_path,
        env={**os.environ, "CTPAIRS_HOME": str(tmp_path / "home")},  # an empty home: the bundled sample
    )
    report = json.loads((tmp_path / "pairs" / ".build-report.json").read_text())
    assert report["inputs"] == ["bundled sample"] and report["axes"]["dose"]["pairs"] > 100
