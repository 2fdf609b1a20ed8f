"""Pathways (ctpairs.pathway, `ctpairs pathway`) on real erectile-dysfunction trials of the shared
records: anchors posted before the cutoff, never the target, and every listed difference checked
against both records."""

from __future__ import annotations

import json

import pytest

from ctpairs.cli import main
from ctpairs.model.parse import parse_trial
from ctpairs.pathway import DEFAULT_ORDER, FACTORS, PathwayError, check_order, find_pathways, resolve_cutoff
from ctpairs.retrieval import default_index_dir, index_trials
from ctpairs.store import Store
from tests._data import resolve_pointer

TARGET = "NCT01698684"  # avanafil 100/200 mg vs placebo, phase 4, started 2012-09
STORED = (
    TARGET,
    "NCT00790751",  # avanafil phase 3 trials, results first posted 2012-06-28
    "NCT00809471",
    "NCT00853606",
    "NCT00895011",
    "NCT01037218",  # udenafil, posted 2011-12-22
    "NCT01037244",
    "NCT01130532",  # tadalafil, posted 2013-01-04: after the target's start
    "NCT00655629",  # vardenafil, posted 2011-01-21
)
pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def store(records, tmp_path_factory):
    path = tmp_path_factory.mktemp("pathway") / "store.sqlite"
    with Store(path) as s:
        s.put_many([records[n] for n in STORED])
        index_trials((parse_trial(r) for r in s.iter_records()), default_index_dir(path))
    return path


def _run(capsys, *args):
    code = main(["pathway", *args])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def _as_posted(field, pointer, record):
    value = resolve_pointer(record, pointer)
    if field == "drugs":
        return value.split(":", 1)[1].strip()  # "Drug: Avanafil 200 mg"
    return value


def _check_step(step, anchor, target):
    """The step's two values are what its pointers hold in the two records, and they differ."""
    for side, record in (("from", anchor), ("to", target)):
        value, pointers = step[side], step[f"{side}_pointers"]
        posted = [_as_posted(step["field"], p, record) for p in pointers]
        if value is None:
            assert pointers == []
        elif isinstance(value, list):
            assert sorted(posted, key=str.casefold) == value
        elif step["field"] == "dose":
            assert len(posted) == 1 and value in posted[0]
        else:
            assert posted == [value]
    assert step["from"] != step["to"]


def test_anchors_posted_before_the_start_of_the_target_never_the_target(store, records, capsys):
    code, pathways, err = _run(capsys, TARGET, "--store", str(store), "--k", "5")
    assert code == 0, err
    assert 3 <= len(pathways) <= 5
    anchors = [p["anchor"] for p in pathways]
    assert TARGET not in anchors and len(set(anchors)) == len(anchors)
    assert "NCT01130532" not in anchors  # results posted after the start
    start = records[TARGET]["protocolSection"]["statusModule"]["startDateStruct"]["date"]
    for p in pathways:
        assert p["cutoff"] == f"{start}-01" and p["results_first_posted"] < p["cutoff"]
        posted = records[p["anchor"]]["resultsSection"] and records[p["anchor"]]["protocolSection"]["statusModule"]
        assert posted["resultsFirstPostDateStruct"]["date"] == p["results_first_posted"]
        assert p["target"] == TARGET and p["target_arm"] in {"Avanafil 100 mg", "Avanafil 200 mg"}
    assert [p["similarity"] for p in pathways] == sorted((p["similarity"] for p in pathways), reverse=True)
    assert anchors[0] in {"NCT00790751", "NCT00809471", "NCT00853606", "NCT00895011"}  # the same drug first


def test_every_listed_difference_is_in_both_records_and_every_unlisted_field_is_equal(store, records, capsys):
    _, pathways, _ = _run(capsys, TARGET, "--store", str(store), "--k", "5")
    factor_of = {f: factor for factor, fields in FACTORS.items() for f in fields}
    checked = 0
    for p in pathways:
        anchor, target = records[p["anchor"]], records[TARGET]
        for step in p["steps"]:
            assert factor_of[step["field"]] == step["factor"]
            _check_step(step, anchor, target)
            checked += 1
        order = [DEFAULT_ORDER.index(s["factor"]) for s in p["steps"]]
        assert order == sorted(order)
        listed = {s["field"] for s in p["steps"]}
        # trial-level fields not listed are equal in the two records, read here independently
        for field, read in (
            ("sex", lambda r: r["protocolSection"]["eligibilityModule"].get("sex")),
            ("minimum_age", lambda r: r["protocolSection"]["eligibilityModule"].get("minimumAge")),
            ("phases", lambda r: sorted(r["protocolSection"]["designModule"].get("phases", []))),
            (
                "countries",
                lambda r: sorted(
                    {loc["country"] for loc in r["protocolSection"]["contactsLocationsModule"]["locations"]}
                ),
            ),
            ("start_date", lambda r: r["protocolSection"]["statusModule"]["startDateStruct"]["date"]),
        ):
            assert (field in listed) == (read(anchor) != read(target)), (p["anchor"], field)
    assert checked >= 3 * len(pathways)
    steps = {(p["anchor"], s["field"]): s for p in pathways for s in p["steps"]}
    udenafil = [s for (a, f), s in steps.items() if a.startswith("NCT0103") and f == "drugs"]
    assert all(s["from"] == ["Udenafil"] for s in udenafil)


def test_a_record_file_target_with_a_later_cutoff_gets_the_posted_result_of_the_matched_outcome(
    store, records, tmp_path, capsys
):
    target = "NCT00895011"  # avanafil phase 3; the sister trials posted the same outcome
    path = tmp_path / "target.json"
    path.write_text(json.dumps(records[target]))
    code, pathways, err = _run(capsys, str(path), "--store", str(store), "--k", "3", "--cutoff", "2013-01-01")
    assert code == 0, err
    assert target not in {p["anchor"] for p in pathways} and all(p["cutoff"] == "2013-01-01" for p in pathways)
    with_result = [p for p in pathways if p["anchor_result"]]
    assert with_result
    for p in with_result:
        result, anchor = p["anchor_result"], records[p["anchor"]]
        assert resolve_pointer(anchor, result["pointer"] + "/title") == result["measure"]
        for value in result["values"]:
            assert resolve_pointer(anchor, value["pointer"] + "/value") == value["value_text"]
            assert float(value["value_text"]) == value["value"]
        assert "outcome" not in {s["field"] for s in p["steps"]} or result["measure"] != p["anchor_measure"]


def test_factor_order_is_overridable(store, capsys):
    _, pathways, _ = _run(capsys, TARGET, "--store", str(store), "--k", "2", "--order", "setting,intervention")
    for p in pathways:
        factors = [s["factor"] for s in p["steps"]]
        assert set(factors) <= {"setting", "intervention"} and "setting" in factors
        assert factors == sorted(factors, key=["setting", "intervention"].index)


def test_bad_input_is_one_line(store, tmp_path, capsys):
    for args, message in (
        (["NCT09999999"], "not in the store"),
        ([TARGET, "--cutoff", "soon"], "--cutoff takes"),
        ([TARGET, "--order", "population,dose"], "factor order"),
        ([str(tmp_path / "none.json")], "neither an NCT id nor a file"),
    ):
        code, _, err = _run(capsys, *args, "--store", str(store))
        assert code == 2 and message in err and len(err.strip().splitlines()) == 1, (args, err)
    code, _, err = _run(capsys, TARGET, "--store", str(store), "--index-dir", str(tmp_path))
    assert code == 2 and "run `ctpairs index` first" in err


def test_order_and_cutoff_helpers(records):
    assert check_order(["outcome"]) == ("outcome",)
    with pytest.raises(PathwayError):
        check_order(["setting", "setting"])
    trial = parse_trial(records[TARGET])
    assert resolve_cutoff(None, trial).isoformat() == "2012-09-01"
    assert resolve_cutoff("2015-03-04", trial).isoformat() == "2015-03-04"


def test_target_without_a_drug_arm_is_refused(store, records):
    behavioural = next(
        r
        for n, r in records.items()
        if r["protocolSection"].get("outcomesModule", {}).get("primaryOutcomes")
        and all(
            i.get("type") not in ("DRUG", "BIOLOGICAL")
            for i in r["protocolSection"].get("armsInterventionsModule", {}).get("interventions", [])
        )
    )
    with Store(store) as s, pytest.raises(PathwayError, match="no arm with a drug"):
        find_pathways(behavioural, s.get, default_index_dir(store), cutoff="2030-01-01")


def test_a_ct_open_item_is_a_target(store, records, capsys):
    from ctpairs.ctopen import load_benchmark, parse_endpoint
    from tests._data import DATA

    benchmark_path = DATA / "ctopen_winter_2025_sample.pickle"
    target = "NCT03512223"  # dexamethasone for brachial plexus block: CT Open asks about 4 endpoints
    endpoints = [parse_endpoint(i["endpoint"])["measure"] for (n, _), i in load_benchmark(benchmark_path).items()]
    code, pathways, err = _run(capsys, target, "--ctopen", str(benchmark_path), "--store", str(store))
    assert code == 2 and "states no start date; give --cutoff" in err  # CT Open gives no dates
    code, pathways, err = _run(
        capsys, target, "--ctopen", str(benchmark_path), "--store", str(store), "--cutoff", "2025-02-01", "--k", "3"
    )
    assert code == 0, err
    assert len(pathways) == 3 and all(p["target"] == target and p["cutoff"] == "2025-02-01" for p in pathways)
    for p in pathways:
        assert p["anchor"] in STORED and p["results_first_posted"] < "2025-02-01"
        assert p["target_outcome"] in endpoints and p["target_arm"].startswith("Group ")
        steps = {s["field"]: s for s in p["steps"]}
        assert steps["drugs"]["to"] == ["Dexamethasone"] and steps["outcome"]["to"] == p["target_outcome"]
        assert steps["start_date"]["to"] is None and steps["start_date"]["to_pointers"] == []
        for step in p["steps"]:
            value, pointers = step["from"], step["from_pointers"]
            if value is not None and step["field"] not in ("drugs", "dose"):
                posted = [resolve_pointer(records[p["anchor"]], ptr) for ptr in pointers]
                assert posted == (value if isinstance(value, list) else [value])


class _RecordingPredictor:
    """Answers every option with equal probability and keeps the prompts it was given."""

    name = "recording"

    def __init__(self):
        self.prompts: list[str] = []

    def predict(self, questions, prompts, run):
        self.prompts += prompts
        return ["DECISION: (" + ", ".join(["0.5"] * len(q.options)) + ")" for q in questions]


def test_eval_prompts_carry_each_trials_pathways_before_the_question(store, tmp_path):
    from ctpairs.ctopen import benchmark_questions, load_benchmark, render_prompt
    from ctpairs.evaluate import evaluate_ctopen
    from ctpairs.pathway import PathwayBlocks, Searcher, ctopen_record
    from tests._data import DATA

    sample = DATA / "ctopen_winter_2025_sample.pickle"
    benchmark = load_benchmark(sample)
    questions = list(benchmark_questions(benchmark))[:6]
    predictor = _RecordingPredictor()
    with Store(store) as s:
        searcher = Searcher(default_index_dir(store))
        blocks = PathwayBlocks(lambda n: ctopen_record(benchmark, n), s.get, searcher, k=2, cutoff="2025-02-01")
        result = evaluate_ctopen(
            sample, predictor, tmp_path / "eval", limit=6, context=blocks, context_name="pathways2"
        )
        expected = {
            q.nct_id: find_pathways(ctopen_record(benchmark, q.nct_id), s.get, searcher, k=2, cutoff="2025-02-01")
            for q in questions
        }
    assert result.metrics["prompt_version"] == "ctopen-v1+pathways2"
    assert len(predictor.prompts) == 6
    for q, prompt in zip(questions, predictor.prompts):
        plain = render_prompt(q)
        head, question = plain.split("\nWhich statement is true?")
        assert prompt.startswith(head) and prompt.endswith("Which statement is true?" + question)
        block = prompt[len(head) : -len("Which statement is true?" + question)]
        assert block.strip().startswith("Similar earlier trials with posted results")
        for i, pathway in enumerate(expected[q.nct_id], 1):
            assert f"{i}. {pathway.anchor}, arm {pathway.anchor_arm!r}" in block
            assert pathway.anchor != q.nct_id and pathway.results_first_posted < "2025-02-01"
        assert block.count("   Differences (anchor -> this trial): ") == len(expected[q.nct_id]) == 2
    lines = [json.loads(x) for x in (tmp_path / "eval" / "predictions.jsonl").read_text().splitlines()]
    assert [x["prompt"] for x in lines] == predictor.prompts
