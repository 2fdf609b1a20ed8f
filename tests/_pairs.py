"""Small real pair sets for the task, reward and training tests: a handful of real trials built
with the registered builders, and packaged as a local dataset repo folder."""

from __future__ import annotations

from pathlib import Path

from ctpairs.build import build_pairs
from ctpairs.builder import available_builders
from tests._data import real_records

# Real trials with dose, arm and outcome pairs, labelled by the trial's analysis and by our tests,
# in all three directions (NCT00003869: arm pairs the trial's analysis finds similar).
PAIR_TRIALS = (
    "NCT00003869",
    "NCT00700180",
    "NCT00809471",
    "NCT00833638",
    "NCT01183858",
    "NCT01737502",
    "NCT05259696",
)
# Real trials with cross-trial (approximate) neighbours: dose-cross, geography, population.
APPROXIMATE_TRIALS = (
    "NCT00790751",
    "NCT00809471",
    "NCT00895011",
    "NCT01037218",
    "NCT01037244",
    "NCT02945046",
    "NCT02964338",
    "NCT03829332",
    "NCT04676412",
)


def build_small_pairs(out_dir: Path, *, approximate: bool = False) -> Path:
    """Build ``<axis>.parquet`` into ``out_dir`` from :data:`PAIR_TRIALS` with every natural builder,
    or, with ``approximate``, from those and :data:`APPROXIMATE_TRIALS` with every registered builder
    (slower: the approximate builders embed the trials)."""
    builders = available_builders()
    wanted = set(PAIR_TRIALS) | (set(APPROXIMATE_TRIALS) if approximate else set())
    axes = [n for n, cls in builders.items() if approximate or getattr(cls, "kind", "natural") == "natural"]
    records = [r for r in real_records() if r["protocolSection"]["identificationModule"]["nctId"] in wanted]
    build_pairs(records, axes, out_dir, inputs=["tests"], progress=False)
    return out_dir


def package_small_pairs(pairs_dir: Path, repo_dir: Path) -> Path:
    """Package the pairs of :func:`build_small_pairs` as version 1.0.0 of a dataset repo folder."""
    from ctpairs.package import package_pairs

    package_pairs(pairs_dir, repo_dir, "1.0.0")
    return repo_dir


def axes_only(pairs_dir: Path, out_dir: Path, axes: tuple[str, ...] = ("dose",)) -> Path:
    """A copy of a pairs folder with only the files of ``axes`` (and the build report)."""
    import shutil

    from ctpairs.build import REPORT_NAME

    out_dir.mkdir(parents=True, exist_ok=True)
    for name in [f"{axis}.parquet" for axis in axes] + [REPORT_NAME]:
        shutil.copy(pairs_dir / name, out_dir / name)
    return out_dir
