"""The build runner and the dose builder on real records."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from ctpairs.build import CHUNK_SIZE, REPORT_NAME, build_pairs, tasks
from ctpairs.builder import load_builders
from ctpairs.errors import UnknownAxisError
from ctpairs.inputs import open_input
from ctpairs.schema import PAIR_SCHEMA
from tests._data import STUDIES, real_records, resolve_pointer


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("pairs")
    report = build_pairs(open_input(path=STUDIES), ["dose"], out, inputs=["shared"], progress=False)
    return out, report


@pytest.fixture(scope="module")
def dose_rows(built):
    return pq.read_table(built[0] / "dose.parquet").to_pylist()


def test_report_counts_and_reasons(built):
    out, report = built
    saved = json.loads((out / REPORT_NAME).read_text())
    assert saved["studies"] == 685 and saved["studies_with_results"] == 555
    axis = saved["axes"]["dose"]
    assert axis["pairs"] > 1000 and axis["trials_with_pairs"] >= 20
    assert axis["trials_without_pairs"]["no posted results"] == 130
    assert sum(axis["trials_without_pairs"].values()) + axis["trials_with_pairs"] == 685
    assert saved["data_timestamp"] and saved["ctpairs_version"] and saved["seconds"] > 0
    # every skip reason comes with the first thing it refused, in input order
    assert list(axis["skip_examples"]) == list(axis["skips"])
    assert all(example.startswith("NCT") for example in axis["skip_examples"].values())
    assert axis["skip_examples"]["no posted results"].startswith("NCT")


def test_parquet_readable_whole(built, dose_rows):
    out, _ = built
    table = ds.dataset(out).to_table()
    assert table.num_rows == len(dose_rows)
    assert table.schema.equals(PAIR_SCHEMA)
    from datasets import load_dataset

    loaded = load_dataset("parquet", data_dir=str(out), split="train")
    assert loaded.num_rows == len(dose_rows)


def test_avanafil_dose_pairs(dose_rows):
    rows = [r for r in dose_rows if r["nct_id"] == "NCT00790751"]
    contrasts = {(r["factual"]["group_title"], r["counterfactual"]["group_title"]) for r in rows}
    assert contrasts == {
        ("Avanafil 50 mg", "Avanafil 100 mg"),
        ("Avanafil 50 mg", "Avanafil 200 mg"),
        ("Avanafil 100 mg", "Avanafil 200 mg"),
    }
    outcomes = {r["factual"]["outcome"]["title"] for r in rows}
    assert len(rows) == 3 * len(outcomes) and len(outcomes) >= 2
    primary = next(
        r
        for r in rows
        if r["factual"]["dose"]["value"] == 50
        and r["counterfactual"]["dose"]["value"] == 200
        and r["factual"]["outcome"]["type"] == "PRIMARY"
    )
    assert (primary["factual"]["result"]["value"], primary["counterfactual"]["result"]["value"]) == (27.8, 44.2)
    assert primary["change"] == {"attribute": "dose", "from": "50 mg", "to": "200 mg", "ratio": 4.0}
    assert primary["label"]["direction"] == "higher" and primary["label"]["method"] == "welch_t"
    assert not any(
        "placebo" in (r["factual"]["group_title"] + r["counterfactual"]["group_title"]).lower() for r in dose_rows
    )


def test_no_pairs_across_schedules_or_parts(dose_rows):
    for r in dose_rows:
        f, c = r["factual"]["dose"], r["counterfactual"]["dose"]
        assert (f["unit"], f["per"], f["frequency"], f["route"]) == (
            c["unit"],
            c["per"],
            c["frequency"],
            c["route"],
        ) or f["unit"] != c["unit"]
        assert c["value"] != f["value"] or f["unit"] != c["unit"]
        for word in ("fed", "fasted", "part a", "part b", "period"):
            assert (word in r["factual"]["group_title"].lower()) == (word in r["counterfactual"]["group_title"].lower())


def test_every_value_is_at_its_provenance(dose_rows):
    records = {r["protocolSection"]["identificationModule"]["nctId"]: r for r in real_records()}
    from ctpairs.model.numbers import parse_number

    for row in dose_rows:
        sources = {s["field"]: s for s in row["provenance"]["sources"]}
        for side in ("factual", "counterfactual"):
            ref = sources[f"{side}.result.value"]
            raw = resolve_pointer(records[ref["nct_id"]], ref["pointer"])
            assert parse_number(raw) == row[side]["result"]["value"]
            dose_ref = sources[f"{side}.dose.text"]
            assert row[side]["dose"]["text"] in resolve_pointer(records[dose_ref["nct_id"]], dose_ref["pointer"])
            title_ref = sources[f"{side}.group_title"]
            assert resolve_pointer(records[title_ref["nct_id"]], title_ref["pointer"]) == row[side]["group_title"]
        # only a p-value the label rests on, the trial's, has a pointer
        assert ("label.p_value" in sources) == (row["label"]["method"] == "trial_analysis")
        if "label.p_value" in sources:
            ref = sources["label.p_value"]
            assert resolve_pointer(records[ref["nct_id"]], ref["pointer"])


def test_two_builds_are_byte_identical(tmp_path):
    sample = open_input(source="sample")
    build_pairs(sample, ["dose"], tmp_path / "a", inputs=["sample"], progress=False)
    build_pairs(open_input(source="sample"), ["dose"], tmp_path / "b", inputs=["sample"], progress=False, workers=2)
    assert (tmp_path / "a" / "dose.parquet").read_bytes() == (tmp_path / "b" / "dose.parquet").read_bytes()


def test_json_texts_build_what_parsed_records_build(tmp_path, built):
    # the CLI hands JSON texts to the workers; tasks group whole chunks by records with results
    texts = list(open_input(path=STUDIES).texts())
    task_list = list(tasks(texts))
    assert [r for task in task_list for chunk in task for r in chunk] == texts
    assert all(len(chunk) == CHUNK_SIZE for task in task_list for chunk in task[:-1])
    assert len(task_list) < len(texts) / CHUNK_SIZE  # chunks of studies without results share a task
    report = build_pairs(texts, ["dose"], tmp_path / "t", inputs=["shared"], progress=False, workers=2)
    assert report.studies == built[1].studies and report.axes["dose"].skips == built[1].axes["dose"].skips
    assert (tmp_path / "t" / "dose.parquet").read_bytes() == (built[0] / "dose.parquet").read_bytes()


def test_unknown_axis_is_a_clear_error():
    with pytest.raises(UnknownAxisError, match="unknown axis 'nope'.*dose"):
        load_builders(["nope"])


def test_bad_input_records_are_counted_not_fatal(tmp_path):
    good = real_records()[:3]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join([json.dumps(good[0]), "{oops", json.dumps({"no": "study"}), json.dumps(good[1])]) + "\n")
    source = open_input(path=path)
    report = build_pairs(source, ["dose"], tmp_path / "out", inputs=[str(path)], progress=False)
    assert report.studies == 2 and source.bad.count == 2 and report.bad_records == 2


def test_every_natural_builder_skips_a_study_without_results_whole():
    """What lets the runner count a study without results unparsed (``build.Unposted``): every
    registered natural builder gives such a trial one SKIP_NO_RESULTS and nothing else."""
    from ctpairs.builder import SKIP_NO_RESULTS, Skip, available_builders
    from ctpairs.model.parse import parse_trial

    unposted = [parse_trial(r) for r in real_records() if "resultsSection" not in r]
    assert len(unposted) == 130
    natural = [cls() for cls in available_builders().values() if getattr(cls, "kind", "natural") == "natural"]
    assert {b.name for b in natural} >= {"arm", "dose", "outcome"}
    for builder in natural:
        assert all(list(builder.build(trial)) == [Skip(SKIP_NO_RESULTS)] for trial in unposted), builder.name


def test_studies_without_results_are_counted_not_parsed(tmp_path):
    """A study without results is read for its NCT ID and data date only: a field no build reads
    may be malformed there, while a record that is no study, or whose data date is not text, is
    still a bad record."""
    records = real_records()
    posted = [r for r in records if "resultsSection" in r][:2]
    unposted = [r for r in records if "resultsSection" not in r][:4]
    unposted[0]["protocolSection"]["armsInterventionsModule"]["armGroups"] = "not a list"
    unposted[1]["derivedSection"]["miscInfoModule"]["versionHolder"] = "2099-01-01"
    unposted[2]["derivedSection"]["miscInfoModule"]["versionHolder"] = 20990101
    del unposted[3]["protocolSection"]["identificationModule"]["nctId"]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in posted + unposted))
    source = open_input(path=path)
    report = build_pairs(source, ["dose", "outcome"], tmp_path / "out", inputs=[str(path)], progress=False)
    assert (report.studies, report.studies_with_results, report.bad_records) == (4, 2, 2)
    reasons = sorted(b.reason for b in source.bad.examples)
    assert "versionHolder is not text" in reasons[0] and "nctId" in reasons[1]
    assert report.data_timestamp == "2099-01-01"
    for axis in report.axes.values():
        assert (
            axis.trials_without_pairs.get("no posted results", 0)
            + sum(n for reason, n in axis.trials_without_pairs.items() if reason != "no posted results")
            + axis.trials_with_pairs
            == 4
        )
        assert axis.skips["no posted results"] == 2
        assert (
            axis.skip_examples["no posted results"] == unposted[0]["protocolSection"]["identificationModule"]["nctId"]
        )


def test_row_groups_do_not_depend_on_how_the_rows_arrive(tmp_path, built):
    """Natural chunks and approximate blocks hand the writer rows in different slices: the file is
    the same bytes, every row group full but the last."""
    from ctpairs.build import _AxisWriter

    table = pq.read_table(built[0] / "dose.parquet")
    assert table.num_rows > 2400
    files = []
    for i, cuts in enumerate(([], [1, 999, 1000, 1500], [700, 701, 2399])):
        writer = _AxisWriter(tmp_path / f"{i}.parquet", row_group_size=1000)
        for start, end in zip([0, *cuts], [*cuts, table.num_rows]):
            writer.write(table.slice(start, end - start))
        writer.close()
        files.append((tmp_path / f"{i}.parquet").read_bytes())
        meta = pq.ParquetFile(tmp_path / f"{i}.parquet").metadata
        sizes = [meta.row_group(j).num_rows for j in range(meta.num_row_groups)]
        assert sizes == [1000] * (table.num_rows // 1000) + [table.num_rows % 1000] and writer.rows == table.num_rows
    assert files[0] == files[1] == files[2]
    assert pq.read_table(tmp_path / "1.parquet").equals(table)


def test_malformed_adverse_events_do_not_make_a_bad_record(tmp_path):
    """No builder reads adverse events, so they are not parsed (nor checked) in a build."""
    record = real_records()[0]
    record["resultsSection"]["adverseEventsModule"]["eventGroups"] = "not a list"
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(record) + "\n")
    report = build_pairs(open_input(path=path), ["dose"], tmp_path / "out", inputs=[str(path)], progress=False)
    assert report.studies == 1 and report.studies_with_results == 1 and report.bad_records == 0


THIRD_PARTY = '''
from ctpairs.builder import Skip


class EchoBuilder:
    """Pairs nothing; says why for every trial."""

    name = "echo"
    version = "0.0.1"
    kind = "natural"
    description = "test builder registered by entry point"

    def build(self, trial):
        yield Skip("echo saw a trial", trial.nct_id)
'''


def test_third_party_builder_by_entry_point(tmp_path):
    site = tmp_path / "site"
    (site / "echo_builder-0.0.1.dist-info").mkdir(parents=True)
    (site / "echo_builder.py").write_text(textwrap.dedent(THIRD_PARTY))
    (site / "echo_builder-0.0.1.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: echo-builder\nVersion: 0.0.1\n"
    )
    (site / "echo_builder-0.0.1.dist-info" / "entry_points.txt").write_text(
        "[ctpairs.builders]\necho = echo_builder:EchoBuilder\n"
    )
    env = {**__import__("os").environ, "PYTHONPATH": str(site)}
    cli = [sys.executable, "-m", "ctpairs"]
    listed = subprocess.run(cli + ["builders"], env=env, capture_output=True, text=True, check=True).stdout
    assert "echo" in listed and "test builder registered by entry point" in listed and "dose" in listed
    out = tmp_path / "out"
    subprocess.run(
        cli + ["build", "--axis", "echo", "--source", "sample", "--out", str(out), "-q"], env=env, check=True
    )
    report = json.loads((out / REPORT_NAME).read_text())
    assert report["axes"]["echo"]["skips"] == {"echo saw a trial": 300}
    assert report["axes"]["echo"]["pairs"] == 0 and report["axes"]["echo"]["file"] is None
    assert not (out / "echo.parquet").exists()  # an axis with no pairs is reported, not written


def test_readme_builder_example_works():
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    code = next(block.split("```", 1)[0] for block in readme.split("```python")[1:] if "class SexBuilder" in block)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    from ctpairs.builder import Builder
    from ctpairs.model.parse import parse_trial

    builder = namespace["SexBuilder"]()
    assert isinstance(builder, Builder)
    items = [item for record in real_records()[:40] for item in builder.build(parse_trial(record))]
    assert items and all(hasattr(i, "reason") or i.axis == "sex" for i in items)


def test_fewer_collections_is_scoped(tmp_path):
    """The build collects garbage less often while it runs and puts the process's thresholds back
    afterwards, also when the block fails."""
    import gc

    from ctpairs.collector import GC_THRESHOLDS, fewer_collections

    before = gc.get_threshold()
    assert before != GC_THRESHOLDS
    with fewer_collections():
        assert gc.get_threshold() == GC_THRESHOLDS
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("a failing block")
    assert gc.get_threshold() == before
    build_pairs(open_input(source="sample"), ["dose"], tmp_path / "out", inputs=["sample"], progress=False)
    assert gc.get_threshold() == before
