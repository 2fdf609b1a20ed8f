"""`ctpairs package`: configs, leak-free splits, the card, the manifest and versions, on real sample pairs."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from itertools import islice
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from ctpairs.builders.dose import DoseBuilder

from ctpairs.build import build_pairs
from ctpairs.card import FIELD_DOCS, fields_table, validate_card
from ctpairs.cli import main
from ctpairs.errors import CtpairsError
from ctpairs.inputs import open_input
from ctpairs.package import MANIFEST_NAME, PACKAGE_SCHEMA, PackageError, file_sha256, package_pairs, parse_version
from ctpairs.splits import SPLITS, SplitPlan, hash_split, unit_hash

SAMPLE_STUDIES = 100  # enough for every natural axis, dose included, in a few seconds


@pytest.fixture(scope="module")
def pairs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Pairs of every natural axis built from the first studies of the bundled real sample, plus
    an ``approx`` config of cross-trial pairs (outcome pairs whose counterfactual trial is changed)."""
    out = tmp_path_factory.mktemp("pairs")
    records = islice(open_input(source="sample"), SAMPLE_STUDIES)
    build_pairs(records, ["all"], out, inputs=["bundled sample (first 100)"], progress=False)
    outcome = pq.read_table(out / "outcome.parquet")
    ids = sorted(set(outcome.column("nct_id").to_pylist()))
    rows = outcome.slice(0, 400).to_pylist()
    for i, row in enumerate(rows):
        row["axis"], row["kind"] = "approx", "approximate"
        row["cf_nct_id"] = ids[(ids.index(row["nct_id"]) + 1 + i) % len(ids)]
        row["pair_id"] = f"approx{i:05d}"
    pq.write_table(pa.Table.from_pylist(rows, schema=outcome.schema), out / "approx.parquet")
    return out


@pytest.fixture(scope="module")
def repo(pairs_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("repo") / "ds"
    package_pairs(pairs_dir, out, "1.0.0")
    return out


def _configs(pairs_dir: Path) -> list[str]:
    """The packaged configs: each axis curated, and uncurated as ``<axis>-all``."""
    return sorted(name for p in pairs_dir.glob("*.parquet") for name in (p.stem, f"{p.stem}-all"))


def _split_ids(repo: Path, config: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for split in SPLITS:
        for p in (repo / "data" / config).glob(f"{split}-*.parquet"):
            t = pq.read_table(p, columns=["nct_id", "cf_nct_id"])
            out.setdefault(split, set()).update(t.column("nct_id").to_pylist(), t.column("cf_nct_id").to_pylist())
    return out


# -- splits (pure) ---------------------------------------------------------------------------


def test_hash_split_is_stable_and_near_the_fractions() -> None:
    assert unit_hash("NCT01234567") == unit_hash("nct01234567 ")
    assert hash_split("NCT01234567") == hash_split("NCT01234567")
    ids = [f"NCT{i:08d}" for i in range(5000)]
    shares = {s: sum(hash_split(i) == s for i in ids) / len(ids) for s in SPLITS}
    assert abs(shares["train"] - 0.8) < 0.03 and abs(shares["test"] - 0.1) < 0.02
    assert any(hash_split(i, seed=1) != hash_split(i) for i in ids[:50])


def test_cross_trial_pair_kept_only_when_both_trials_share_a_split() -> None:
    plan = SplitPlan()
    ids = [f"NCT{i:08d}" for i in range(200)]
    same = next((a, b) for a in ids for b in ids if a != b and hash_split(a) == hash_split(b))
    apart = next((a, b) for a in ids for b in ids if hash_split(a) != hash_split(b))
    assert plan.pair_split(*same) == hash_split(same[0])
    assert plan.pair_split(*apart) is None
    assert plan.pair_split(ids[0], ids[0]) == hash_split(ids[0])


def test_date_plan_puts_later_results_in_test_and_unknown_dates_nowhere() -> None:
    plan = SplitPlan(
        by="date",
        cutoff=date(2022, 1, 1),
        posted={"NCT1": "2023-05-01", "NCT2": "2021-12-31", "NCT3": "2022-01", "NCT4": None},
    )
    assert plan.trial_split("NCT1") == "test"
    assert plan.trial_split("NCT2") in ("train", "validation")
    assert plan.trial_split("NCT3") in ("train", "validation")  # a month counts as its first day
    assert plan.trial_split("NCT4") is None and plan.pair_split("NCT2", "NCT4") is None
    with pytest.raises(ValueError, match="cutoff"):
        SplitPlan(by="date")


# -- the packaged folder ---------------------------------------------------------------------


def test_every_config_loads_with_the_card_features_and_splits(repo: Path, pairs_dir: Path) -> None:
    from datasets import get_dataset_config_names, load_dataset, load_dataset_builder

    assert sorted(get_dataset_config_names(str(repo))) == _configs(pairs_dir)
    manifest = json.loads((repo / MANIFEST_NAME).read_text())
    for config in _configs(pairs_dir):
        builder = load_dataset_builder(str(repo), config)
        ds = load_dataset(str(repo), config)
        assert ds["train"].features == builder.info.features
        assert builder.info.features.arrow_schema == PACKAGE_SCHEMA
        declared = {s: info.num_examples for s, info in builder.info.splits.items()}
        assert {s: d.num_rows for s, d in ds.items()} == declared
        expected = {s: v["pairs"] for s, v in manifest["configs"][config]["splits"].items() if v["pairs"]}
        assert declared == expected
    row = load_dataset(str(repo), "dose", split="train")[0]
    assert row["axis"] == "dose" and row["answer"] == row["label"]["direction"]
    assert row["messages"][-1]["role"] == "assistant" and row["prompt"] and row["completion"]


def test_parquet_strings_are_string_not_large_string(repo: Path) -> None:
    for path in repo.glob("data/*/*.parquet"):
        schema = pq.read_schema(path)
        assert schema.remove_metadata() == PACKAGE_SCHEMA
        assert "large_string" not in str(schema)
        assert re.fullmatch(r"(train|validation|test)-\d{5}-of-\d{5}\.parquet", path.name)


def test_no_trial_crosses_splits_and_a_trial_has_one_split_in_every_config(repo: Path, pairs_dir: Path) -> None:
    where: dict[str, set[str]] = {}
    for config in _configs(pairs_dir):
        by_split = _split_ids(repo, config)
        for a in by_split:
            for b in by_split:
                if a < b:
                    assert not by_split[a] & by_split[b], f"{config}: trials in {a} and {b}"
        for split, ids in by_split.items():
            for nct_id in ids:
                where.setdefault(nct_id, set()).add(split)
    assert where and all(len(s) == 1 for s in where.values())
    moved = json.loads((repo / MANIFEST_NAME).read_text())["split"]["moved"]  # to fill every split (few trials)
    assert all(where[i] == {moved.get(i) or hash_split(i)} for i in where)
    assert all(hash_split(i) != split for i, split in moved.items())


def test_cross_trial_pairs_that_straddle_splits_are_dropped_and_counted(repo: Path, pairs_dir: Path) -> None:
    table = pq.read_table(pairs_dir / "approx.parquet", columns=["nct_id", "cf_nct_id"])
    manifest = json.loads((repo / MANIFEST_NAME).read_text())
    plan = SplitPlan(overrides=manifest["split"]["moved"])
    expected = sum(
        plan.pair_split(a, b) is None for a, b in zip(*(table.column(c).to_pylist() for c in table.column_names))
    )
    assert 0 < expected < table.num_rows
    assert manifest["configs"]["approx-all"]["dropped_cross_split"] == expected
    assert manifest["configs"]["approx-all"]["pairs"] == table.num_rows - expected


def test_date_split_respects_the_cutoff(pairs_dir: Path, tmp_path: Path) -> None:
    package_pairs(pairs_dir, tmp_path / "ds", "1.0.0", split_by="date", cutoff="2015-01-01", repo_id="me/my-pairs")
    assert 'load_dataset("me/my-pairs"' in (tmp_path / "ds" / "README.md").read_text()
    seen = set()
    for path in (tmp_path / "ds" / "data").glob("*/*.parquet"):
        posted = pq.read_table(path, columns=["trial"]).column("trial").combine_chunks().field("results_first_posted")
        split = path.name.split("-")[0]
        seen.add(split)
        for value in posted.to_pylist():
            assert (value[:10] > "2015-01-01") == (split == "test"), (path, value)
    assert {"train", "test"} <= seen
    manifest = json.loads((tmp_path / "ds" / MANIFEST_NAME).read_text())
    assert manifest["split"] == {
        "by": "date",
        "cutoff": "2015-01-01",
        "seed": 0,
        "fractions": {"train": 0.8, "validation": 0.1, "test": 0.1},
        "moved": {},
    }


def test_packaging_is_deterministic(repo: Path, pairs_dir: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    package_pairs(pairs_dir, again, "1.0.0")
    files = sorted(p.relative_to(repo) for p in repo.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for rel in files:
        assert (repo / rel).read_bytes() == (again / rel).read_bytes(), rel
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again"]  # the rows spilled while packaging are gone


# -- card ------------------------------------------------------------------------------------


def test_card_has_every_section_real_numbers_and_valid_metadata(repo: Path, pairs_dir: Path) -> None:
    text = (repo / "README.md").read_text()
    card = validate_card(text)
    for heading in (
        "## Dataset summary",
        "## Uses",
        "### Out-of-scope use",
        "## Dataset structure",
        "### Fields",
        "### Label definitions",
        "## Dataset creation",
        "### Source data",
        "### Splits",
        "## Bias, risks and limitations",
        "## Citation",
        "## License",
        "### Top conditions",
        "### Top drugs",
        "### Dose-response example",
    ):
        assert heading in text, heading
    assert "${" not in text
    assert "arxiv.org/abs/2604.23054" in text and "clinicaltrials.gov/about-site/terms-conditions" in text
    assert 'load_dataset("deepimagine/ct-counterfactuals", "' in text and 'revision="v1.0.0")' in text
    manifest = json.loads((repo / MANIFEST_NAME).read_text())
    for config, info in manifest["configs"].items():
        s = info["splits"]
        assert (
            f"| `{config}` | {s['train']['pairs']:,} | {s['validation']['pairs']:,} | {s['test']['pairs']:,} |" in text
        )
    dose = pq.read_table(pairs_dir / "dose.parquet").column("label").combine_chunks().field("direction").to_pylist()
    assert f"| `dose` | {dose.count('higher'):,} (" in text
    data = card.data.to_dict()
    assert data["license"] == "other" and data["license_name"] and data["license_link"]
    assert {"text-generation", "text-classification"} <= set(data["task_categories"])
    assert data["size_categories"] == ["10K<n<100K"] or data["size_categories"] == ["1K<n<10K"]
    assert sorted(c["config_name"] for c in data["configs"]) == _configs(pairs_dir)
    for image in ("images/label_balance.png", "images/dose_response.png"):
        assert (repo / image).read_bytes().startswith(b"\x89PNG") and f"]({image})" in text


def test_fields_table_explains_every_field_and_refuses_an_unknown_one() -> None:
    table = fields_table(PACKAGE_SCHEMA)
    assert "| `counterfactual.dose.value` |" in table and "| `messages[].role` |" in table
    assert "| `provenance.sources[].pointer` |" in table
    assert set(FIELD_DOCS) >= {"prompt", "completion", "messages", "answer"}
    with pytest.raises(CtpairsError, match="no description of field 'mystery'"):
        fields_table(pa.schema([("mystery", pa.string())]))


def test_validate_card_rejects_missing_metadata() -> None:
    with pytest.raises(CtpairsError, match="lacks"):
        validate_card("---\nlicense: other\n---\n# card\n")


# -- manifest, versions, changelog -----------------------------------------------------------


def test_manifest_hashes_match_the_files(repo: Path, pairs_dir: Path) -> None:
    manifest = json.loads((repo / MANIFEST_NAME).read_text())
    on_disk = {p.relative_to(repo).as_posix() for p in repo.rglob("*") if p.is_file()} - {MANIFEST_NAME}
    assert set(manifest["files"]) == on_disk
    for rel, info in manifest["files"].items():
        assert file_sha256(repo / rel) == info["sha256"] and (repo / rel).stat().st_size == info["bytes"]
    assert manifest["version"] == "1.0.0" and manifest["previous_version"] is None
    assert manifest["builders"]["dose"] == {"builder": "DoseBuilder", "version": DoseBuilder.version, "kind": "natural"}
    assert manifest["inputs"]["build"] == ["bundled sample (first 100)"]
    assert manifest["inputs"]["pairs"]["dose.parquet"]["sha256"] == file_sha256(pairs_dir / "dose.parquet")
    assert manifest["data_timestamp"]


def test_second_version_gets_a_changelog_and_older_versions_are_refused(
    repo: Path, pairs_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "ds"
    shutil.copytree(repo, out)
    fewer = tmp_path / "fewer"
    fewer.mkdir()
    dose = pq.read_table(pairs_dir / "dose.parquet")
    dropped_trial = sorted(set(dose.column("nct_id").to_pylist()))[0]
    pq.write_table(dose.filter(pa.compute.not_equal(dose.column("nct_id"), dropped_trial)), fewer / "dose.parquet")
    shutil.copy(pairs_dir / "outcome.parquet", fewer / "outcome.parquet")

    result = package_pairs(fewer, out, "1.1.0")
    assert result.previous_version == "1.0.0"
    log = (out / "CHANGELOG.md").read_text()
    assert log.index("## 1.1.0") < log.index("## 1.0.0") < log.index("First version.")
    assert "Changes since 1.0.0:" in log and f"Trials removed from `dose`: {dropped_trial}" in log
    assert "Config `arm` removed." in log
    assert re.search(r"\| `dose` \| [\d,]+ \| [\d,]+ \| -[\d,]+ \| 0 \| 1 \|", log)
    assert json.loads((out / MANIFEST_NAME).read_text())["previous_version"] == "1.0.0"
    assert not (out / "data" / "arm").exists()

    for version in ("1.1.0", "1.0.9", "0.9.0"):
        with pytest.raises(PackageError, match="must be greater"):
            package_pairs(fewer, out, version)
    assert json.loads((out / MANIFEST_NAME).read_text())["version"] == "1.1.0"


def test_pairs_written_before_the_p_value_bound_field_still_package(pairs_dir: Path, tmp_path: Path) -> None:
    """A v2 pairs file from before `label.p_value_bound` (CHANGELOG) packages, the field null."""
    older = tmp_path / "older"
    older.mkdir()
    dose = pq.read_table(pairs_dir / "dose.parquet")
    label = dose.column("label").combine_chunks()
    kept = [f for f in label.type if f.name != "p_value_bound"]
    old_label = pa.StructArray.from_arrays([label.field(f.name) for f in kept], fields=kept)
    pq.write_table(dose.set_column(dose.schema.get_field_index("label"), "label", old_label), older / "dose.parquet")
    assert "p_value_bound" not in str(pq.read_schema(older / "dose.parquet"))

    package_pairs(older, tmp_path / "ds", "1.0.0")
    packaged = pq.read_table(tmp_path / "ds" / "data" / "dose-all" / "train-00000-of-00001.parquet")
    bounds = pa.compute.struct_field(packaged.column("label"), "p_value_bound")
    assert packaged.num_rows and bounds.null_count == packaged.num_rows


def test_refuses_bad_versions_unknown_folders_and_empty_pairs(pairs_dir: Path, tmp_path: Path) -> None:
    for bad in ("1.0", "v1.0.0", "01.0.0", "1.0.0-rc1"):
        with pytest.raises(PackageError, match="X.Y.Z"):
            parse_version(bad)
    stranger = tmp_path / "stranger"
    stranger.mkdir()
    (stranger / "notes.txt").write_text("mine")
    with pytest.raises(PackageError, match="refusing to overwrite"):
        package_pairs(pairs_dir, stranger, "1.0.0")
    assert (stranger / "notes.txt").read_text() == "mine"
    with pytest.raises(PackageError, match="no <axis>.parquet"):
        package_pairs(tmp_path / "nothing", tmp_path / "out", "1.0.0")


def test_cli_package_writes_the_folder_and_refuses_the_same_version(
    pairs_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "ds"
    args = [
        "package",
        "--pairs",
        str(pairs_dir),
        "--out",
        str(out),
        "--version",
        "2.0.0",
        "--split-by",
        "date",
        "--cutoff",
        "2016-06-30",
        "--seed",
        "3",
        "--workers",
        "2",
    ]
    assert main(args) == 0
    assert "packaged version 2.0.0" in capsys.readouterr().out
    assert json.loads((out / MANIFEST_NAME).read_text())["split"]["seed"] == 3
    assert main(args) == 2
    assert "already holds version 2.0.0" in capsys.readouterr().err
    assert (
        main(
            [
                "package",
                "--pairs",
                str(pairs_dir),
                "--out",
                str(tmp_path / "x"),
                "--version",
                "1.0.0",
                "--split-by",
                "date",
            ]
        )
        == 2
    )
    assert "--cutoff" in capsys.readouterr().err


# -- curation ---------------------------------------------------------------------------------


def test_curated_configs_keep_verifiable_capped_pairs_and_count_every_drop(repo: Path, pairs_dir: Path) -> None:
    from datasets import load_dataset

    from ctpairs.audit import audit_rows

    manifest = json.loads((repo / MANIFEST_NAME).read_text())
    card = (repo / "README.md").read_text()
    policy = manifest["curation"]["policy"]
    assert policy["verifiable_only"] and policy["max_trial_share"] == 0.05
    for axis in (p.stem for p in pairs_dir.glob("*.parquet")):
        info = manifest["curation"]["configs"][axis]
        assert info["pairs_in"] == pq.read_metadata(pairs_dir / f"{axis}.parquet").num_rows
        assert info["kept"] + sum(info["dropped"].values()) == info["pairs_in"]
        rows = [r for split in load_dataset(str(repo), axis).values() for r in split]
        assert len(rows) == manifest["configs"][axis]["pairs"]
        assert all(r["label"]["verifiable"] and r["label"]["method"] != "none" for r in rows)
        assert not any(r["factual"]["result"]["value"] == 0 == r["counterfactual"]["result"]["value"] for r in rows)
        per_trial: dict[str, int] = {}
        for r in rows:
            per_trial[r["nct_id"]] = per_trial.get(r["nct_id"], 0) + 1
        assert max(per_trial.values()) <= policy["max_per_trial"]
        # the card's balance row counts the config's measures as the audit of its rows does
        balance = audit_rows(rows)["balance"]
        row = next(line for line in card.splitlines() if line.startswith(f"| `{axis}` | {len(rows):,} |"))
        assert row.endswith(f"| {balance['measures']:,} | {100 * balance['top_measure_share']:.1f}% |")
    every = load_dataset(str(repo), "arm-all", split="train")
    assert "indeterminate" in set(every["answer"]) | {r["direction"] for r in every["label"]}
    assert all(a is None for a, r in zip(every["answer"], every["label"]) if not r["verifiable"])


def test_no_curate_packages_the_axes_as_built(pairs_dir: Path, tmp_path: Path) -> None:
    from datasets import get_dataset_config_names

    package_pairs(pairs_dir, tmp_path / "ds", "1.0.0", curation=None)
    assert sorted(get_dataset_config_names(str(tmp_path / "ds"))) == sorted(p.stem for p in pairs_dir.glob("*.parquet"))


def test_curated_rows_made_with_their_all_config_are_the_rows_made_alone(pairs_dir: Path, tmp_path: Path) -> None:
    """A curated config's rows are rendered once, with the ``-all`` config that holds them: the
    same rows, split and dropped the same, as when they are made on their own."""
    from ctpairs.columns import take_rows
    from ctpairs.package import BATCH_ROWS, _split_rows

    outcome = pq.read_table(pairs_dir / "outcome.parquet")
    table = pa.concat_tables([outcome] * (2 * BATCH_ROWS // outcome.num_rows + 1))  # several batches of rows
    approx = pq.read_table(pairs_dir / "approx.parquet")  # cross-trial pairs: some are dropped
    table = pa.concat_tables([table, approx.cast(table.schema)])
    kept = list(range(0, table.num_rows, 3))
    together = _split_rows(table, {"all": None, "some": frozenset(kept)}, SplitPlan(), tmp_path / "together")
    alone = _split_rows(take_rows(table, kept), {"some": None}, SplitPlan(), tmp_path / "alone")
    assert together["all"][0]["train"].num_rows > BATCH_ROWS and together["some"][1] > 0
    assert together["some"][1] == alone["some"][1]  # dropped across splits
    for split in SPLITS:
        assert together["some"][0][split].equals(alone["some"][0][split])


def test_workers_write_the_same_folder(pairs_dir: Path, tmp_path: Path) -> None:
    """Task columns rendered by two worker processes (benchmark-format configs too): the same files, byte for byte."""
    folders = []
    for workers in (1, 2):
        out = tmp_path / f"w{workers}"
        package_pairs(pairs_dir, out, "1.0.0", benchmark_configs=True, workers=workers)
        folders.append({p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
    assert any(name.startswith("data/superiority/") for name in folders[0])
    assert folders[0] == folders[1]
