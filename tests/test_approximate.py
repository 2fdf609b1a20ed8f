"""Approximate (cross-trial) builders, run through ``build_pairs`` on real sample trials.

To keep the embedding cost of the offline model small on a CPU, the corpus is the sample's
trials of a few drugs that several trials share, plus a few trials without a drug arm (for
their skip reasons). All five axes are built in one call, so the anchors are embedded once.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ctpairs.build import REPORT_NAME, build_pairs
from ctpairs.builder import load_builders
from ctpairs.eligibility import inclusion_criteria, same_inclusion
from ctpairs.inputs import open_input
from ctpairs.model.parse import parse_trial
from ctpairs.model.trial import Trial
from ctpairs.retrieval.approximate import (
    AGE_TOLERANCE_YEARS,
    DIFFERS,
    NOT_PREPARED,
    OTHER_CRITERIA,
    SAME,
    STAGES,
    UNKNOWN,
    attribute_value,
    compare,
    normalize_time_frame,
    show,
    subgroup,
)
from ctpairs.retrieval.texts import SKIP_NO_DRUG_GROUP, SKIP_NO_RESULTS, Anchor, arm_drugs, iter_anchors
from tests._data import real_record

AXES = ["geography", "population", "phase", "comparator", "dose-cross"]
DRUGS = {"avanafil", "udenafil", "gefitinib"}
# the sample's cross-trial partners (scripts/make_sample.py): a geography contrast, and two trials
# with the same design (placebo and two fremanezumab regimens), which are no comparator contrast
PARTNERS = {"geography": ("NCT03829332", "NCT04676412")}
SAME_DESIGN = ("NCT02945046", "NCT02964338")
# NCT02945046 with an active comparator in place of its placebo arm: a comparator contrast
ACTIVE_VARIANT = "NCT90002945"
# NCT03829332 enrolling up to 75-year-olds: a population contrast (the same criteria otherwise)
AGE_VARIANT = "NCT90003829"
# avanafil in general, diabetic and post-prostatectomy erectile dysfunction: the same drug, outcome
# and ages, different populations in the criteria text (ctpairs.eligibility)
AVANAFIL = ("NCT00790751", "NCT00809471", "NCT00895011")
TRIAL_ATTRIBUTES = {
    "geography": lambda t: frozenset(t.countries),
    "phase": lambda t: frozenset(p for p in t.design.phases if p != "NA"),
}


def _uses(trial: Trial) -> bool:
    return any(arm_drugs(arm) & DRUGS for arm in trial.arm_groups)


def _with_active_comparator(record: dict, nct_id: str, drug: str) -> dict:
    """A copy of a real record whose placebo arm, intervention and result groups give ``drug``
    instead (an ACTIVE_COMPARATOR arm), under another NCT id."""
    text = json.dumps(record).replace('"Placebo"', json.dumps(drug)).replace('"Drug: Placebo"', f'"Drug: {drug}"')
    variant = json.loads(text.replace(record["protocolSection"]["identificationModule"]["nctId"], nct_id))
    for arm in variant["protocolSection"]["armsInterventionsModule"]["armGroups"]:
        if arm["label"] == drug:
            arm["type"] = "ACTIVE_COMPARATOR"
    return variant


def _with_maximum_age(record: dict, nct_id: str, age: str) -> dict:
    """A copy of a real record under another NCT id whose eligible ages end at ``age``."""
    text = json.dumps(record).replace(record["protocolSection"]["identificationModule"]["nctId"], nct_id)
    variant = json.loads(text)
    variant["protocolSection"]["eligibilityModule"]["maximumAge"] = age
    return variant


@pytest.fixture(scope="module")
def corpus() -> tuple[list[dict], dict[str, Trial]]:
    records = list(open_input(source="sample"))
    trials = [parse_trial(r) for r in records]
    partners = {nct for couple in PARTNERS.values() for nct in couple} | set(SAME_DESIGN)
    keep = [i for i, t in enumerate(trials) if _uses(t) or t.nct_id in partners]
    keep += [i for i, t in enumerate(trials) if not any(arm_drugs(a) for a in t.arm_groups)][:3]
    kept = [records[i] for i in keep]
    original = next(r for r in kept if r["protocolSection"]["identificationModule"]["nctId"] == SAME_DESIGN[0])
    kept.append(_with_active_comparator(original, ACTIVE_VARIANT, "Topiramate"))
    leap = next(r for r in kept if r["protocolSection"]["identificationModule"]["nctId"] == PARTNERS["geography"][0])
    kept.append(_with_maximum_age(leap, AGE_VARIANT, "75 Years"))
    return kept, {t.nct_id: t for t in map(parse_trial, kept)}


@pytest.fixture(scope="module")
def built(corpus, tmp_path_factory):
    records, _ = corpus
    out = tmp_path_factory.mktemp("pairs")
    index_dir = tmp_path_factory.mktemp("idx") / "store.sqlite.index"
    report = build_pairs(records, AXES, out, inputs=["sample subset"], progress=False, index_dir=index_dir)
    return report, out, index_dir


def _value_sources(row: dict) -> tuple[tuple[str, str], tuple[str, str]]:
    """(nct id, JSON pointer) of the factual and counterfactual values."""
    src = {s["field"]: (s["nct_id"], s["pointer"]) for s in row["provenance"]["sources"]}
    return src["factual.result.value"], src["counterfactual.result.value"]


def _measure_couple(row: dict) -> tuple[tuple[str, str, str], tuple[str, str, str]]:
    """((nct id, group id, outcome pointer) of the factual side, the same of the counterfactual side)."""
    src = {s["field"]: s["pointer"] for s in row["provenance"]["sources"]}
    return (
        (row["nct_id"], row["factual"]["group_id"], src["factual.outcome.title"]),
        (row["cf_nct_id"], row["counterfactual"]["group_id"], src["counterfactual.outcome.title"]),
    )


def _pairs(out: Path, axis: str) -> list[dict]:
    """The pairs of an axis; an axis that found none writes no file (the report says so)."""
    path = out / f"{axis}.parquet"
    return pq.read_table(path).to_pylist() if path.exists() else []


def test_report_counts_anchors_and_reasons(built, corpus):
    report, out, _ = built
    _, trials = corpus
    assert report.studies == len(trials)
    saved = json.loads((out / REPORT_NAME).read_text())
    for axis in AXES:
        entry = report.axes[axis]
        assert entry.kind == "approximate"
        assert entry.anchors is not None and entry.anchors["anchors"] > 0
        assert 0 <= entry.anchors["with_partner"] <= entry.anchors["anchors"]
        without = entry.anchors["anchors"] - entry.anchors["with_partner"]
        anchor_skips = sum(n for reason, n in entry.skips.items() if reason in STAGES)
        assert anchor_skips == without  # every anchor without a partner says why
        assert set(entry.skips) <= set(STAGES) | {SKIP_NO_DRUG_GROUP, SKIP_NO_RESULTS}
        assert SKIP_NO_DRUG_GROUP in entry.skips
        assert saved["axes"][axis]["anchors"] == entry.anchors
        assert entry.pairs == len(_pairs(out, axis))


def test_index_and_cache_left_in_index_dir(built):
    _, _, index_dir = built
    assert (index_dir / "faiss.index").exists() and (index_dir / "embeddings.sqlite").exists()


def test_some_axis_finds_pairs(built):
    report, _, _ = built
    assert sum(report.axes[a].pairs for a in AXES) > 0


@pytest.mark.parametrize("axis", AXES)
def test_pairs_differ_in_exactly_the_axis(built, corpus, axis):
    _, out, _ = built
    _, trials = corpus
    rows = _pairs(out, axis)
    seen = set()
    for row in rows:
        a, b = trials[row["nct_id"]], trials[row["cf_nct_id"]]
        assert row["kind"] == "approximate" and row["axis"] == axis
        assert row["nct_id"] != row["cf_nct_id"]
        assert 0 < row["similarity"] <= 1.0001
        assert {"intervention", "outcome"} <= set(row["matched_on"])
        assert axis.split("-")[0] not in row["matched_on"]
        assert row["change"]["from"] != row["change"]["to"]
        f, c = row["factual"], row["counterfactual"]
        assert (f["outcome"]["unit"] or "").casefold() == (c["outcome"]["unit"] or "").casefold() and f["outcome"][
            "param_type"
        ] == c["outcome"]["param_type"]
        assert normalize_time_frame(f["outcome"]["time_frame"]) == normalize_time_frame(c["outcome"]["time_frame"])
        for name, value in TRIAL_ATTRIBUTES.items():
            assert (value(a) != value(b)) == (name == axis), (name, row["pair_id"])
        assert same_inclusion(*(inclusion_criteria(t.eligibility.criteria) for t in (a, b)))
        ages_same = compare(
            "population",
            *(
                (
                    t.eligibility.minimum_age_years,
                    t.eligibility.maximum_age_years,
                    t.eligibility.sex or "ALL",
                    frozenset(),
                )
                for t in (a, b)
            ),
        )
        assert (ages_same == "differs") == (axis == "population")
        if axis == "population":
            ea, eb = a.eligibility, b.eligibility
            assert ea.sex != eb.sex or any(
                x is None or y is None or abs(x - y) > AGE_TOLERANCE_YEARS
                for x, y in ((ea.minimum_age_years, eb.minimum_age_years), (ea.maximum_age_years, eb.maximum_age_years))
            )
        dose_f, dose_c = f["dose"], c["dose"]
        if axis == "dose-cross":
            assert dose_f and dose_c and dose_f["unit"] == dose_c["unit"] and dose_f["value"] != dose_c["value"]
            assert row["change"]["ratio"] and row["change"]["ratio"] != 1
        elif dose_f or dose_c:
            assert dose_f and dose_c and (dose_f["value"], dose_f["unit"]) == (dose_c["value"], dose_c["unit"])
        seen.add(frozenset(_value_sources(row)))
    assert len(seen) == len(rows)  # no (A, B) / (B, A) duplicates of the same two values


@pytest.mark.parametrize("axis", AXES)
def test_no_reverse_duplicates(built, axis):
    _, out, _ = built
    measures = {_measure_couple(r) for r in _pairs(out, axis)}
    assert not any((b, a) in measures for a, b in measures)


def test_the_criteria_text_holds_the_population(built, corpus):
    """Avanafil's trials list the same condition, sex and ages but enrol general, diabetic and
    post-prostatectomy erectile dysfunction: no approximate pair contrasts them, and the report
    says why. The same trial with another upper age is a population contrast."""
    report, out, _ = built
    made = {frozenset((r["nct_id"], r["cf_nct_id"])) for axis in AXES for r in _pairs(out, axis)}
    assert not any(len(couple & set(AVANAFIL)) == 2 for couple in made)
    assert report.axes["population"].skips.get(OTHER_CRITERIA) and report.axes["dose-cross"].skips.get(OTHER_CRITERIA)
    population = _pairs(out, "population")
    assert population and {frozenset((r["nct_id"], r["cf_nct_id"])) for r in population} == {
        frozenset((PARTNERS["geography"][0], AGE_VARIANT))
    }
    assert {frozenset((r["change"]["from"], r["change"]["to"])) for r in population} == {
        frozenset(("18-any years, all; disease: nsclc", "18-75 years, all; disease: nsclc"))
    }


def test_build_before_prepare_says_so(corpus):
    _, trials = corpus
    (builder,) = load_builders(["geography"])
    assert [s.reason for s in builder.build(next(iter(trials.values())))] == [NOT_PREPARED]
    with pytest.raises(RuntimeError, match="prepare"):
        builder.corpus  # noqa: B018 - the property raises


def test_all_means_natural_only():
    assert all(b.kind == "natural" for b in load_builders(["all"]))


def test_time_frame_normalization():
    assert normalize_time_frame("Week 12") == normalize_time_frame("12 weeks")
    assert normalize_time_frame("Baseline, Week 24") == normalize_time_frame(
        "baseline and week 24".replace(" and", ",")
    )
    assert normalize_time_frame("Week 12") != normalize_time_frame("Week 24")


@pytest.mark.parametrize("axis", sorted(PARTNERS))
def test_sample_partners_give_pairs(built, axis):
    _, out, _ = built
    couples = {frozenset((r["nct_id"], r["cf_nct_id"])) for r in _pairs(out, axis)}
    assert frozenset(PARTNERS[axis]) in couples


def test_comparator_is_the_control_not_another_dose_of_the_same_drug(built):
    """NCT02945046 and NCT02964338 both test two fremanezumab regimens against placebo; one names
    its second regimen "Fremanezumab 675 mg/Placebo/Placebo". That is a dose arm, not a placebo,
    and the other regimen is not a comparator: the two trials are no comparator contrast. The
    same trial against topiramate is one, from placebo to topiramate."""
    _, out, _ = built
    rows = _pairs(out, "comparator")
    couples = {frozenset((r["nct_id"], r["cf_nct_id"])) for r in rows}
    assert frozenset(SAME_DESIGN) not in couples
    variant = [r for r in rows if {r["nct_id"], r["cf_nct_id"]} == {SAME_DESIGN[0], ACTIVE_VARIANT}]
    assert variant
    for row in variant:
        values = {row["nct_id"]: row["change"]["from"], row["cf_nct_id"]: row["change"]["to"]}
        assert values == {SAME_DESIGN[0]: "placebo", ACTIVE_VARIANT: "topiramate"}
        assert row["factual"]["group_title"].startswith("Fremanezumab")


def test_a_file_input_is_read_twice_and_its_bad_records_counted_once(built, corpus, tmp_path):
    """With an approximate axis a file is read again for the cross-trial pass (not held in memory):
    the pairs are the same bytes as from the records in a list, and a bad line counts once."""
    report, out, index_dir = built
    records, _ = corpus
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join([json.dumps(records[0]), "{oops", *map(json.dumps, records[1:])]) + "\n")
    source = open_input(path=path)
    again = build_pairs(source, AXES, tmp_path / "out", inputs=[str(path)], progress=False, index_dir=index_dir)
    assert again.bad_records == 1 and source.bad.count == 1 and again.studies == report.studies
    for axis in AXES:
        assert again.axes[axis].pairs == report.axes[axis].pairs
        if report.axes[axis].pairs:
            assert (tmp_path / "out" / f"{axis}.parquet").read_bytes() == (out / f"{axis}.parquet").read_bytes()


def test_the_build_lets_go_of_the_corpus(built):
    """The neighbours shared by one build's approximate builders (with the corpus's shelf, index
    and vectors) are not kept once the build is done."""
    from ctpairs.retrieval import approximate

    report, _, _ = built
    assert report.axes["geography"].kind == "approximate"  # the build ran an approximate pass
    assert not approximate._memo


def _anchor(nct_id: str, title: str) -> Anchor:
    trial = parse_trial(real_record(nct_id))
    return next(a for a in iter_anchors(trial) if isinstance(a, Anchor) and a.group.title == title)


def test_population_holds_the_subgroup_and_the_disease() -> None:
    """A basket trial's melanoma cohort (NCT02308020) is not the population of an NSCLC trial of the
    same drug (NCT02152631), though their ages and sex agree; two NSCLC trials are the same
    population; a histology subgroup (NCT04967417) is another one."""
    melanoma = _anchor("NCT02308020", "Part E Abemaciclib: Melanoma")
    nsclc = _anchor("NCT02152631", "Abemaciclib")
    nsclc_too = _anchor("NCT02450539", "Abemaciclib")
    squamous = _anchor("NCT04967417", "Squamous Cell Carcinoma")
    assert subgroup(melanoma) == {("disease", "melanoma")}  # the group's title, not the trial's conditions
    assert subgroup(nsclc) == {("disease", "nsclc")}  # the trial's conditions
    assert subgroup(squamous) == {("disease", "nsclc"), ("histology", "squamous")}
    melanoma, nsclc, nsclc_too, squamous = (
        attribute_value(a, "population") for a in (melanoma, nsclc, nsclc_too, squamous)
    )
    assert compare("population", melanoma, nsclc) == DIFFERS
    assert compare("population", nsclc, nsclc_too) == SAME
    assert compare("population", nsclc, squamous) == DIFFERS
    assert show("population", squamous) == "19-any years, all; disease: nsclc; histology: squamous"
    # a subgroup on one side only: not comparable, so never a pair
    assert compare("population", (18.0, None, "ALL", frozenset()), nsclc) == UNKNOWN


def test_a_units_case_does_not_stop_the_test(built):
    """Udenafil's phase II and III trials post "Units on a Scale" and "units on a scale": one unit,
    as the outcome match already reads it, so the labels test the two sides (before, every such
    cross-trial pair was ``indeterminate``)."""
    _, out, _ = built
    rows = [r for axis in AXES for r in _pairs(out, axis)]
    differ_in_case = [r for r in rows if r["factual"]["outcome"]["unit"] != r["counterfactual"]["outcome"]["unit"]]
    assert differ_in_case
    for row in differ_in_case:
        f, c = row["factual"], row["counterfactual"]
        if (
            f["outcome"]["dispersion_type"] == c["outcome"]["dispersion_type"]
            and min(f["result"]["n"], c["result"]["n"]) >= 3
        ):
            assert row["label"]["test_method"] is not None, row["pair_id"]
