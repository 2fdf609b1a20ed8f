"""Labels (ctpairs.labels, ctpairs.significance): each posted statistic's test reproduces a real trial's
own posted analysis; the row's n; the row-level analysis match; proportions, not counts; and, over a
build of all 685 real records, no directional label without evidence and our test's agreement with
the trials' own analyses."""

from __future__ import annotations

import itertools
import json
import math
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from ctpairs.builders.arm import ArmBuilder
from hypothesis import given, settings
from hypothesis import strategies as st

from ctpairs import significance as sig
from ctpairs.audit import agreement, audit_rows, effective_trials
from ctpairs.build import build_pairs
from ctpairs.curate import CurationPolicy, curate, share_cap
from ctpairs.labels import (
    MEDIAN_FROM_CI,
    MIN_N_PER_SIDE,
    SUPERIORITY_TYPES,
    Statistic,
    analysis_evidence,
    ci_evidence,
    ci_fits_proportion,
    compute_label,
    contradicts_its_ci,
    posts_one_sided_p,
    proportion,
)
from ctpairs.model.numbers import normalize_dispersion, parse_qualified_number, stated_group_ns
from ctpairs.model.parse import parse_trial
from ctpairs.model.trial import Analysis, Measure, Trial
from ctpairs.pairing import (
    analysis_for,
    bounds_describe_another_quantity,
    observations,
    spreads_are_not_standard_deviations,
)
from ctpairs.schema import Pair, ResultInfo
from ctpairs.tasks import answer_fields, format_number
from tests._data import DATA, real_record, real_records, resolve_pointer
from tests._registry_records import analysis_record

NATURAL = ["dose", "outcome", "arm"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict]]:
    """Every natural pair of the 685 real records, by axis."""
    out = tmp_path_factory.mktemp("labels")
    build_pairs(real_records(), NATURAL, out, inputs=["tests"], workers=2, progress=False)
    return {axis: pq.read_table(out / f"{axis}.parquet").to_pylist() for axis in NATURAL}


def _pair(built: dict[str, list[dict]], axis: str, nct_id: str, pointer_part: str) -> dict:
    """The pair of ``nct_id`` whose trial analysis lies at ``pointer_part``."""
    for row in built[axis]:
        pointers = [s["pointer"] for s in row["provenance"]["sources"] if s["field"] == "label.p_value"]
        if row["nct_id"] == nct_id and any(pointer_part in p for p in pointers):
            return row
    raise AssertionError(f"no {axis} pair of {nct_id} with analysis {pointer_part}")


# -- each statistic type reproduces a real trial's posted analysis ----------------------------

# (trial, the analysis, our test, the trial's p, absolute tolerance on p): the trial's own analysis
# of the same two groups on the same row, and our test from the posted summary numbers alone.
REPRODUCED = [
    # mean with SD: Welch's t
    ("NCT00301262", "outcomeMeasures/44/analyses/1/", "welch_t", 0.8899, 0.002),
    # counts of participants: the two-proportion z-test
    ("NCT02349412", "outcomeMeasures/4/analyses/0/", "two_proportion_z", 0.006, 0.001),
    # percentage of participants (no CI) with the group's n: the two-proportion z-test
    ("NCT02453282", "outcomeMeasures/9/analyses/1/", "two_proportion_z", 0.029, 0.0005),
    # percentage of participants with a 95% CI: Welch's t with the SD recovered from the CI
    ("NCT01328951", "outcomeMeasures/2/analyses/0/", "welch_t_from_ci", 0.9207, 0.002),
    # counts of participants, small: Fisher's exact test
    ("NCT02584686", "outcomeMeasures/", "fisher_exact", 0.027191, 1e-5),
    # LS mean with a 95% CI: Welch's t with the SD recovered from the CI
    ("NCT03829319", "outcomeMeasures/13/analyses/0/", "welch_t_from_ci", 0.8134, 0.005),
    # median survival with a 95% CI (approximate)
    ("NCT00003869", "outcomeMeasures/0/analyses/0/", "welch_t_from_ci_median_approx", 0.54, 0.02),
]


@pytest.mark.parametrize(("nct_id", "analysis", "test", "trial_p", "tolerance"), REPRODUCED)
def test_our_test_reproduces_the_trials_posted_p_value(built, nct_id, analysis, test, trial_p, tolerance) -> None:
    candidates = [
        r
        for r in built["arm"]
        if r["nct_id"] == nct_id
        and r["label"]["test_method"] == test
        and any(analysis in s["pointer"] for s in r["provenance"]["sources"] if s["field"] == "label.p_value")
    ]
    assert candidates, f"{nct_id}: no arm pair tested with {test} against {analysis}"
    best = min(candidates, key=lambda r: abs(r["label"]["test_p_value"] - trial_p))
    label = best["label"]
    assert label["method"] == "trial_analysis" and label["p_value"] == pytest.approx(trial_p, abs=1e-9)
    assert label["test_p_value"] == pytest.approx(trial_p, abs=tolerance)
    assert label["verifiable"] and label["test_p_value"] is not None


def test_geometric_mean_with_geometric_cv_is_tested_on_the_log_scale(built) -> None:
    """Checked against an independent computation of Welch's test on the log scale."""
    rows = [r for axis in NATURAL for r in built[axis] if r["label"]["test_method"] == "welch_t_log"]
    assert len(rows) > 50
    from scipy import stats

    for row in rows[:: max(1, len(rows) // 25)]:
        f, c = row["factual"]["result"], row["counterfactual"]["result"]
        assert row["factual"]["outcome"]["param_type"] == "geometric_mean"
        assert row["factual"]["outcome"]["dispersion_type"] == "geometric_cv"
        sd = [math.sqrt(math.log(1 + (x["spread"] / 100) ** 2)) for x in (f, c)]
        se2 = [s**2 / x["n"] for s, x in zip(sd, (f, c))]
        t = (math.log(c["value"]) - math.log(f["value"])) / math.sqrt(sum(se2))
        df = sum(se2) ** 2 / sum(v**2 / (x["n"] - 1) for v, x in zip(se2, (f, c)))
        assert row["label"]["test_p_value"] == pytest.approx(2 * stats.t.sf(abs(t), df), rel=1e-6, abs=1e-12)


def test_ci_of_any_stated_level_is_used() -> None:
    for level, q in ((80, 1.2815515655), (90, 1.6448536270), (97.5, 2.2414027276), (99, 2.5758293035)):
        assert sig.critical_value(level) == pytest.approx(q)
        assert sig.se_from_ci(-q, q, level) == pytest.approx(1.0)
    assert sig.critical_value(95, n=10) == pytest.approx(2.2621571628)  # t on 9 df
    f = ResultInfo(10.0, None, 8.0, 12.0, 40.0, None)
    c = ResultInfo(14.0, None, 12.0, 16.0, 40.0, None)
    assert compute_label(f, c, Statistic("mean", "confidence_interval_90", "mg")).test_method == "welch_t_from_ci"
    unstated = compute_label(f, c, Statistic("mean", "confidence_interval_other", "mg"))
    assert unstated.test_method is None and unstated.direction == "indeterminate" and not unstated.verifiable


def test_closeness_of_uneven_spreads_is_read_in_the_smaller_sd() -> None:
    """Real rows: NCT04280705's change in white cells on day 11, 2.0 (SD 16, n = 268) vs -34.7 (SD
    574, n = 230), is not significant and Cohen's d is 0.09, but the SDs differ 36-fold (mixed
    units): 2.3 of the smaller SD apart, so not ``similar``. NCT00518011's change in temperature,
    -0.02 (0.73) vs -0.012 (0.11), n = 8 each, is close even in the smaller SD. Equal means are
    close whatever the spreads (NCT01871805's 0.0 with SD 0 vs 0.0 with SD 23.6)."""
    mean = Statistic("mean", "standard_deviation", "10^9 cells/liter")
    wbc = compute_label(
        ResultInfo(1.967, 16.042, None, None, 268.0, None), ResultInfo(-34.702, 574.065, None, None, 230.0, None), mean
    )
    assert wbc.test_method == "welch_t" and wbc.test_p_value > 0.05
    assert wbc.direction == "indeterminate"
    assert sig.standardized_difference(1.967, 16.042, -34.702, 574.065) > -0.1  # what d alone would say
    temperature = compute_label(
        ResultInfo(-0.02, 0.73, None, None, 8.0, None), ResultInfo(-0.012, 0.11, None, None, 8.0, None), mean
    )
    assert temperature.direction == "similar"
    zeros = compute_label(
        ResultInfo(0.0, 0.0, None, None, 4.0, None), ResultInfo(0.0, 23.57, None, None, 5.0, None), mean
    )
    assert zeros.direction == "similar"
    # Welch's test itself is unchanged: a real difference under uneven spreads stays directional
    bilirubin = compute_label(
        ResultInfo(0.58, 4.13, None, None, 394.0, None), ResultInfo(-0.03, 1.03, None, None, 389.0, None), mean
    )
    assert bilirubin.direction == "lower" and bilirubin.p_value < 0.01


def test_wan_2014_estimates() -> None:
    # Wan et al. 2014, worked through: n = 100, median 50, IQR 40-60; range 10-90
    mean, sd = sig.mean_sd_from_iqr(40, 50, 60, 100)
    assert mean == pytest.approx(50) and sd == pytest.approx(20 / (2 * 0.6646), rel=1e-3)
    mean, sd = sig.mean_sd_from_range(10, 50, 90, 100)
    assert mean == pytest.approx(50) and sd == pytest.approx(80 / (2 * 2.4986), rel=1e-3)


def test_skewness_of_a_five_number_summary() -> None:
    """Shi et al. (2023): T = |low + high - 2 median| / (high - low) against 1 / ln(n + 9) + 2.5 /
    (n + 1) for a range, 2.65 / sqrt(n) - 6 / n² for quartiles."""
    # NCT02658890's Tmax: 3.0 h, range 1.95-3.12, n = 7: T = 0.795 > 0.673
    assert sig.skewed_summary(1.95, 3.0, 3.12, 7, quartiles=False) is True
    assert sig.skewed_summary(10, 50, 90, 100, quartiles=False) is False
    # quartiles 40-60 around 53 at n = 100: T = 0.30 > 0.2644; around 52: 0.20, not skewed
    assert sig.skewed_summary(40, 53, 60, 100, quartiles=True) is True
    assert sig.skewed_summary(40, 52, 60, 100, quartiles=True) is False
    for unreadable in ((5, 5, 5, 10), (1, 4, 3, 10), (1, 2, 3, 2), (1, 2, float("nan"), 10)):
        assert sig.skewed_summary(*unreadable, quartiles=True) is None


def test_a_median_of_skewed_or_censored_data_is_not_tested(built) -> None:
    """Wan's mean and SD assume a complete, roughly normal sample. NCT02658890's Tmax was "higher"
    at p = 0.042 from medians 3.0 and 3.025 h, because each range is lopsided (1.95-3.12 around 3.0,
    2.0-8.13 around 3.025): the test of Shi et al. (2023) calls both skewed. NCT00050960's overall
    survival posts a "full range" of 8.3-10.5 months around 9.2 in 306 patients, a Kaplan-Meier
    CI by its look; it was "lower" at p = 4e-116. Neither is tested now; a median of symmetric
    data still is."""

    def rows_of(nct_id: str, title_part: str) -> list[dict]:
        return [
            r
            for axis in NATURAL
            for r in built[axis]
            if r["nct_id"] == nct_id and title_part in r["factual"]["outcome"]["title"]
        ]

    tmax = [
        r
        for r in rows_of("NCT02658890", "Tmax")
        if (r["factual"]["result"]["lower"], r["factual"]["result"]["upper"]) == (1.95, 3.12)
    ]
    survival = rows_of("NCT00050960", "Overall Survival")
    assert tmax and survival
    for row in tmax + survival:
        assert row["label"]["test_method"] is None and row["label"]["direction"] == "indeterminate"
    symmetric = rows_of("NCT02648724", "Part 1: Cmax")
    assert any(r["label"]["test_method"] == "welch_t_wan2014_range_approx" for r in symmetric)
    wan = [r for axis in NATURAL for r in built[axis] if "wan2014" in (r["label"]["test_method"] or "")]
    assert len(wan) > 100
    for row in wan:
        quartiles = "iqr" in row["label"]["test_method"]
        for side in (row["factual"]["result"], row["counterfactual"]["result"]):
            assert (
                sig.skewed_summary(side["lower"], side["value"], side["upper"], side["n"], quartiles=quartiles) is False
            )


def test_same_group_observations_say_so_in_the_method(built) -> None:
    methods = {r["label"]["test_method"] for r in built["outcome"] if r["label"]["test_method"]}
    same = [r for r in built["outcome"] if r["factual"]["group_title"] == r["counterfactual"]["group_title"]]
    assert same and all((r["label"]["test_method"] or "_same_group").endswith("_same_group") for r in same)
    assert "welch_t_same_group" in methods


# -- the right n ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "ns"),
    [
        ("Week 8 Change (n=172, 187, 171)", [172, 187, 171]),
        ("Hemoptysis: C2D1(n= 336, 359)", [336, 359]),
        ("<=day12 (TNA: n=827; n=730; n=711)", [827, 730, 711]),
        ("Sociality Change from Baseline (n=58, n=60)", [58, 60]),
        ("Cycle 2, Day 28 Social Functioning (n=20)", [20]),
        ("Never smoked", []),
        (None, []),
    ],
)
def test_stated_group_ns_on_real_titles(title, ns) -> None:
    assert stated_group_ns(title) == ns


def test_row_n_is_the_n_its_title_states(built, records) -> None:
    from_title = [
        r
        for r in built["arm"]
        if any(s["field"] == "factual.result.n" and s["pointer"].endswith("/title") for s in r["provenance"]["sources"])
    ]
    assert len(from_title) > 100
    for row in from_title[::50]:
        record = records[row["nct_id"]]
        src = next(s for s in row["provenance"]["sources"] if s["field"] == "factual.result.n")
        measure_pointer = src["pointer"].split("/classes/")[0]
        group_ids = [g["id"] for g in resolve_pointer(record, measure_pointer)["groups"]]
        stated = stated_group_ns(resolve_pointer(record, src["pointer"]))
        assert row["factual"]["result"]["n"] == stated[group_ids.index(row["factual"]["group_id"])]
    assert all(r["factual"]["result"]["n"] != 0 for axis in NATURAL for r in built[axis])


# -- the right analysis -----------------------------------------------------------------------


def test_each_row_gets_the_analysis_that_names_it(trials: dict[str, Trial]) -> None:
    """NCT00391274 posts two analyses of the same two groups on its overall-survival measure, one per
    row (up to 24 and up to 30 months); NCT00422734 one per question of a global assessment."""
    measure = trials["NCT00391274"].results.outcome_measures[4]
    slots = {cls.title: (cls.title, cat.title) for cls in measure.classes for cat in cls.categories}
    by_row = {
        title: analysis_for(measure, "OG000", "OG001", slot).pointer.rsplit("/", 1)[1] for title, slot in slots.items()
    }
    assert len(by_row) == 2 and sorted(by_row.values()) == ["0", "1"]
    for title, index in by_row.items():
        analysis = measure.analyses[int(index)]
        assert title.split("(")[-1].rstrip(")").split()[-2] in (analysis.group_description or "") + (
            analysis.comment or ""
        )
    gaq = trials["NCT00422734"].results.outcome_measures[9]
    picked = {
        (cls.title, cat.title): analysis_for(gaq, "OG000", "OG001", (cls.title, cat.title))
        for cls in gaq.classes
        for cat in cls.categories
    }
    assert len({a.pointer for a in picked.values() if a}) == 2


def test_an_analysis_that_names_no_row_is_not_used_for_any_row(trials: dict[str, Trial]) -> None:
    for trial in trials.values():
        for m in trial.results.outcome_measures if trial.results else []:
            rows = [(cls.title, cat.title) for cls in m.classes for cat in cls.categories]
            if len(rows) < 3 or m.param_type == "count_of_participants":
                continue
            for a in m.analyses:
                if len(a.group_ids) == 2 and a.p_value is not None and not (a.group_description or a.comment):
                    assert all(analysis_for(m, *a.group_ids, slot) is None for slot in rows), (trial.nct_id, m.index)


def test_non_inferiority_p_values_are_not_read_as_a_difference() -> None:
    from ctpairs.labels import analysis_evidence
    from ctpairs.model.trial import Analysis

    def analysis(kind: str | None) -> Analysis:
        return Analysis(
            ["OG000", "OG001"], 0.001, "<0.001", "<", None, None, None, None, None, None, None, kind, None, None, "/x"
        )

    assert analysis_evidence(analysis("SUPERIORITY")) == (0.001, True)
    assert analysis_evidence(analysis("NON_INFERIORITY")) is None
    assert analysis_evidence(analysis("EQUIVALENCE")) is None


# -- proportions, not counts ------------------------------------------------------------------


def test_counts_are_compared_as_proportions_of_their_denominators(built) -> None:
    counts = [
        r
        for axis in NATURAL
        for r in built[axis]
        if r["factual"]["outcome"]["param_type"] == "count_of_participants" and r["label"]["verifiable"]
    ]
    assert len(counts) > 1000
    flipped = 0
    for row in counts:
        f, c = row["factual"]["result"], row["counterfactual"]["result"]
        assert row["label"]["statistic"] == "proportion" and f["n"] and c["n"]
        assert row["label"]["delta"] == pytest.approx(c["value"] / c["n"] - f["value"] / f["n"])
        flipped += (c["value"] - f["value"]) * row["label"]["delta"] < 0
    assert flipped > 10  # real pairs where the raw counts point the other way


def test_a_count_pair_where_counts_and_proportions_disagree(built) -> None:
    """NCT00095199: 143 of 289 vs 97 of 149 participants: fewer participants, a higher share."""
    row = next(
        r
        for r in built["arm"]
        if r["nct_id"] == "NCT00095199"
        and {r["factual"]["result"]["value"], r["counterfactual"]["result"]["value"]} == {143.0, 97.0}
    )
    f, c = row["factual"]["result"], row["counterfactual"]["result"]
    share_f, share_c = f["value"] / f["n"], c["value"] / c["n"]
    assert (c["value"] - f["value"]) * (share_c - share_f) < 0
    assert row["label"]["direction"] == ("higher" if share_c > share_f else "lower")


def test_count_without_denominator_is_not_directional() -> None:
    f, c = ResultInfo(3.0, None, None, None, None, None), ResultInfo(30.0, None, None, None, None, None)
    label = compute_label(f, c, Statistic("count_of_participants", None, "Participants"))
    assert label.direction == "indeterminate" and label.statistic == "count" and not label.verifiable


def test_small_n_gets_no_directional_label_from_our_test() -> None:
    small = MIN_N_PER_SIDE - 1
    f = ResultInfo(1.0, 0.1, None, None, small, None)
    c = ResultInfo(9.0, 0.1, None, None, small, None)
    assert compute_label(f, c, Statistic("mean", "standard_deviation", "mg")).direction == "indeterminate"
    f2 = ResultInfo(1.0, 0.1, None, None, MIN_N_PER_SIDE, None)
    c2 = ResultInfo(9.0, 0.1, None, None, MIN_N_PER_SIDE, None)
    assert compute_label(f2, c2, Statistic("mean", "standard_deviation", "mg")).direction == "higher"


def test_no_test_of_ours_for_a_measure_analysed_in_other_units() -> None:
    """A measure analysed in eyes, lesions or attacks posts numbers one participant may give
    several of: our tests take n independent observations, so they do not apply. The trial's own
    analysis still labels the pair."""
    f = ResultInfo(40.0, None, None, None, 100.0, None)
    c = ResultInfo(70.0, None, None, None, 100.0, None)
    counted = Statistic("count_of_participants", None, "Participants")
    assert compute_label(f, c, counted).direction == "higher"
    eyes = replace(counted, other_units=True)
    label = compute_label(f, c, eyes)
    assert label.direction == "indeterminate" and label.test_method is None and not label.verifiable
    analysis = Analysis(
        ["OG000", "OG001"],
        0.001,
        "0.001",
        None,
        "Chi-squared",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        "/x",
    )
    assert compute_label(f, c, eyes, analysis).method == "trial_analysis"


# -- over every natural pair of the 685 real records ------------------------------------------


def test_no_directional_label_without_a_trial_analysis_or_a_test(built) -> None:
    for axis in NATURAL:
        for row in built[axis]:
            label = row["label"]
            if label["direction"] in ("higher", "lower", "similar"):
                assert label["verifiable"] and label["method"] != "none" and label["p_value"] is not None
                assert label["method"] == "trial_analysis" or label["method"] == label["test_method"]
                assert label["significant"] == (label["direction"] != "similar")
            else:
                assert label["direction"] == "indeterminate" and label["method"] == "none"
                assert not label["verifiable"] and label["significant"] is None


def test_a_side_shows_only_bounds_that_hold_its_value(built) -> None:
    """Bounds posted without a dispersion type that miss a value of their measure belong to another
    quantity (:func:`ctpairs.pairing.bounds_describe_another_quantity`): no side shows them, and no
    provenance points at them. Every bound a side does show holds its value."""
    shown = 0
    for axis in NATURAL:
        for row in built[axis]:
            fields = {s["field"] for s in row["provenance"]["sources"]}
            for side in ("factual", "counterfactual"):
                result = row[side]["result"]
                for bound in ("lower", "upper"):
                    assert (result[bound] is not None) == (f"{side}.result.{bound}" in fields)
                if result["lower"] is not None and result["upper"] is not None:
                    shown += 1
                    assert result["lower"] <= result["value"] <= result["upper"], (row["nct_id"], result)
    assert shown > 5000
    # NCT01544179: 98 progression events beside the median's CI of 4.5 to 5.7 months
    pfs = [
        r
        for r in built["arm"]
        if r["nct_id"] == "NCT01544179" and r["factual"]["outcome"]["unit"] == "Patients with a progression event"
    ]
    assert pfs and all(r[s]["result"]["lower"] is None for r in pfs for s in ("factual", "counterfactual"))
    assert {r["factual"]["result"]["value"] for r in pfs} | {r["counterfactual"]["result"]["value"] for r in pfs} == {
        98.0,
        107.0,
    }


def test_bounds_of_another_quantity_are_told_from_the_values_own(trials: dict[str, Trial]) -> None:
    def measure(nct_id: str, title: str) -> Measure:
        return next(m for m in trials[nct_id].results.outcome_measures if m.title.startswith(title))

    # every row's bounds go when one row misses them: 4.3% beside 0.0 to 4.0 at 6 months
    bone = measure("NCT00172042", "Percentage of Participants With Bone Metastases")
    assert bounds_describe_another_quantity(bone)
    assert all(o.measurement.lower is None and o.measurement.upper is None for o in observations(bone))
    # a response rate of 37.4% with 0.322 to 0.429
    assert bounds_describe_another_quantity(measure("NCT03003962", "Objective Response Rate (ORR)"))
    # bounds that hold every value stay, as do those of a stated dispersion type
    kept = [
        m
        for t in trials.values()
        for m in t.results.outcome_measures
        if any(o.measurement.lower is not None for o in observations(m))
    ]
    assert len(kept) > 300 and not any(bounds_describe_another_quantity(m) for m in kept)
    assert any(m.dispersion_type is None for m in kept)


# Mean/SD change measures of the shared records with rows further than 3 SDs from zero, read by
# hand: (trial, outcome measure index) -> whether its "SDs" are spreads between people.
SPREADS_READ_BY_HAND = {
    ("NCT05064397", 20): False,  # Sleep Impact Scale changes of 13-18 with "SDs" of 2-2.6, n about 100
    ("NCT05064397", 23): False,  # WPAI absenteeism change of -12.7 with 1.7, n about 90
    ("NCT03064438", 1): False,  # IGA percent change of -29 with 0.17: a fraction's SD
    ("NCT01107444", 0): False,  # SDs that cannot give the trial's own t-test (p = 0.284)
    ("NCT00179517", 8): False,  # one row's POMS-D change SD 0.6 beside 11.5 in the other arm
    ("NCT00512707", 1): True,  # levels at each week under a change title (7.6, SD 2.4)
    ("NCT00512707", 4): True,
    ("NCT00512707", 7): True,  # PGWBI 65, SD 18
    ("NCT00512707", 8): True,
    ("NCT01130532", 11): True,  # IIEF levels at weeks 12 and 16
    ("NCT01479426", 1): True,  # MSHQ pre and post levels
    ("NCT01479426", 4): True,
    ("NCT02658890", 16): True,  # kynurenine falls by 60% in everyone: a drug's effect on its target
    ("NCT02658890", 17): True,
    ("NCT03037385", 42): True,  # DUSP6 expression falls by 75-82% under a MEK inhibitor
    ("NCT04606771", 5): True,  # mutant allele frequency near its floor of -100%
    ("NCT01327612", 2): True,  # a maximum change of blood pressure is always positive
    ("NCT01229150", 10): True,  # fold changes near 1
    ("NCT00789373", 4): True,  # EQ-5D VAS changes of 2-3 patients at late cycles
    ("NCT02657434", 8): True,  # dyspnoea of 2 patients at weeks 88-91
}


def test_sds_that_cannot_be_spreads_between_people_are_dropped(trials: dict[str, Trial], built) -> None:
    """:func:`ctpairs.pairing.spreads_are_not_standard_deviations` against the measures read by
    hand: it never drops real SDs (precision 1.0); it finds 3 of the 5 whose SDs are not (WPAI,
    whose changes sit 2.7 to 7.5 SDs from zero, and a single row of POMS-D are missed)."""

    def measure(nct_id: str, index: int) -> Measure:
        return trials[nct_id].results.outcome_measures[index]

    flagged = {key: spreads_are_not_standard_deviations(measure(*key)) for key in SPREADS_READ_BY_HAND}
    assert not any(flagged[key] for key, real in SPREADS_READ_BY_HAND.items() if real)
    found = sorted(key for key, real in SPREADS_READ_BY_HAND.items() if not real and flagged[key])
    assert found == [("NCT01107444", 0), ("NCT03064438", 1), ("NCT05064397", 20)]
    # every other measure of the shared records keeps its SDs
    others = [
        (t.nct_id, m.index)
        for t in trials.values()
        for m in t.results.outcome_measures
        if spreads_are_not_standard_deviations(m) and (t.nct_id, m.index) not in SPREADS_READ_BY_HAND
    ]
    assert others == []
    sleep = measure("NCT05064397", 20)
    assert observations(sleep) and all(o.measurement.spread is None for o in observations(sleep))
    # its pairs show no spread and, with no test left, no direction
    rows = [
        r for r in built["outcome"] if r["nct_id"] == "NCT05064397" and r["factual"]["outcome"]["title"] == sleep.title
    ]
    assert len(rows) > 20
    assert all(r[s]["result"]["spread"] is None for r in rows for s in ("factual", "counterfactual"))
    assert {r["label"]["direction"] for r in rows} == {"indeterminate"}


def test_our_test_agrees_with_the_trials_own_analysis(built) -> None:
    labels = [r["label"] for axis in NATURAL for r in built[axis]]
    result = agreement(labels)
    assert result["pairs"] > 500
    assert result["rate"] >= 0.90, result
    both = [lab for lab in labels if lab["method"] == "trial_analysis" and lab["test_p_value"] is not None]
    predicted = [lab["test_p_value"] < 0.05 for lab in both]
    truth = [lab["significant"] for lab in both]
    hits = sum(p and t for p, t in zip(predicted, truth))
    precision, recall = hits / sum(predicted), hits / sum(truth)
    print(
        f"agreement {result['rate']:.3f} over {result['pairs']}; significance precision {precision:.3f} recall {recall:.3f}"
    )
    assert precision >= 0.85 and recall >= 0.70


# -- balance and curation ---------------------------------------------------------------------


def test_effective_trials_and_share_cap() -> None:
    assert effective_trials([5, 5, 5, 5]) == pytest.approx(4)
    assert effective_trials([97, 1, 1, 1]) < 1.1
    counts = [400] + [10] * 99
    cap = share_cap(counts, 0.05)
    assert cap is not None and min(400, cap) <= 0.05 * sum(min(c, cap) for c in counts)
    assert min(400, cap + 1) > 0.05 * sum(min(c, cap + 1) for c in counts)
    assert share_cap([10] * 40, 0.05) is None


def test_curated_arm_pairs_of_the_real_records_are_balanced(built) -> None:
    kept, dropped = curate(built["arm"], CurationPolicy())
    audit = audit_rows(kept)
    assert audit["balance"]["trials"] >= 100 and audit["balance"]["top_trial_share"] <= 0.05
    assert audit["verifiable_share"] == 1.0 and dropped["not_verifiable"] > 0
    assert sum(dropped.values()) + len(kept) == len(built["arm"])
    assert audit_rows(built["arm"])["balance"]["top_trial_share"] > audit["balance"]["top_trial_share"]


def test_pairs_are_counted_per_measure(built) -> None:
    """The audit's top measure is the measure (or measure pair) with the most pairs, counted
    directly on the real rows; curation's per-measure cap brings its share down (measures are told
    apart by title, so two same-titled measures of a trial, each capped, count as one); rows without
    their sides (as ``agreement`` passes) count no measure."""
    from collections import Counter

    from ctpairs.audit import measure_name

    for axis in ("arm", "outcome"):
        rows = built[axis]
        per_measure = Counter(
            (r["nct_id"], r["factual"]["outcome"]["title"], r["cf_nct_id"], r["counterfactual"]["outcome"]["title"])
            for r in rows
        )
        most = max(per_measure.values())
        balance = audit_rows(rows)["balance"]
        assert balance["measures"] == len(per_measure) > 100
        assert balance["top_measure"] == min(measure_name(k) for k, n in per_measure.items() if n == most)
        assert balance["top_measure_share"] == round(most / len(rows), 4)
        kept, _ = curate(rows, CurationPolicy())
        assert audit_rows(kept)["balance"]["top_measure_share"] < balance["top_measure_share"] / 5
    # a sibling-outcome pair names both measures; a natural pair of one measure names it once
    assert measure_name(("NCT1", "OS", "NCT1", "PFS")) == "NCT1: OS / NCT1: PFS"
    assert measure_name(("NCT1", "OS", "NCT1", "OS")) == "NCT1: OS"
    bare = audit_rows({"nct_id": r["nct_id"], "label": r["label"]} for r in built["arm"])["balance"]
    assert (bare["measures"], bare["top_measure"], bare["top_measure_share"]) == (0, None, 0.0)


def test_curation_and_audit_of_an_arrow_table_equal_those_of_the_rows(built) -> None:
    """The package curates and audits Arrow tables from a few fields per row: the same rows, the
    same counts and the same audit as the reference functions on whole rows."""
    import pyarrow as pa

    from ctpairs.audit import Audit, audit_table
    from ctpairs.curate import curated_indices
    from ctpairs.schema import PAIR_SCHEMA

    rows = built["outcome"]
    table = pa.Table.from_pylist(rows, schema=PAIR_SCHEMA)
    for policy in (CurationPolicy(), CurationPolicy(verifiable_only=False, max_per_measure=3, max_trial_share=0.02)):
        kept, dropped = curate(rows, policy)
        indices, dropped_table = curated_indices(table, policy)
        kept_table = table.take(pa.array(indices, pa.int64()))
        assert dropped_table == dropped and sum(dropped.values()) > 0
        assert kept_table.column("pair_id").to_pylist() == [r["pair_id"] for r in kept]
        assert kept_table.to_pylist() == kept
    assert audit_table(table) == audit_rows(rows)
    # counted a few rows at a time (as the build and ctpairs audit do), the audit is the same
    assert Audit().add_table(table, batch_rows=97).result() == audit_rows(rows)


def test_audit_pairs_dir_refuses_a_folder_without_pairs(tmp_path: Path) -> None:
    from ctpairs.audit import audit_pairs_dir
    from ctpairs.errors import CtpairsError

    with pytest.raises(CtpairsError, match="no <axis>.parquet"):
        audit_pairs_dir(str(tmp_path))


_finite_values = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False)
_spreads = st.one_of(st.just(0.0), st.floats(min_value=1e-3, max_value=1e3))
_ns = st.one_of(st.integers(min_value=2, max_value=5000), st.integers(min_value=2, max_value=500).map(float))


@settings(max_examples=400, deadline=None)
@given(_finite_values, _spreads, _ns, _finite_values, _spreads, _ns)
def test_welch_t_is_scipys_test_to_the_last_bit(m1, sd1, n1, m2, sd2, n2):
    """The hand-inlined Welch test gives scipy's own p exactly (the labels and the Parquet bytes
    depend on it), and no p where scipy's is undefined."""
    from scipy import stats

    got = sig.welch_t(m1, sd1, n1, m2, sd2, n2)
    if sd1 == 0 and sd2 == 0:
        assert got is None
        return
    expected = float(stats.ttest_ind_from_stats(m1, sd1, n1, m2, sd2, n2, equal_var=False).pvalue)
    assert got == expected


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 60), st.integers(1, 60), st.integers(0, 60), st.integers(1, 60))
def test_two_proportions_is_scipys_test(x1, n1, x2, n2):
    """Fisher's exact test (cached) and the pooled z-test (through scipy.special) give scipy's p."""
    from scipy import stats

    x1, x2 = min(x1, n1), min(x2, n2)
    p, method = sig.two_proportions(x1, n1, x2, n2)
    table = [[x1, n1 - x1], [x2, n2 - x2]]
    if method == "fisher_exact":
        assert p == float(stats.fisher_exact(table).pvalue)
    else:
        assert method == "two_proportion_z"
        z = stats.chi2_contingency(table, correction=False).statistic ** 0.5
        assert p == pytest.approx(float(2 * stats.norm.sf(z)), rel=1e-9, abs=1e-300)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 500), st.integers(0, 500), st.integers(0, 12), st.integers(0, 500), st.booleans())
def test_fisher_exact_is_scipys_to_the_last_bit(n1, n2, x1, x2, rare):
    """Our Fisher's exact test (scipy's algorithm with the pmf evaluated once over the support) gives
    scipy's p exactly, on tables of up to 500 a row, rare events included."""
    from scipy import stats

    x1 = min(x1, n1) if rare else min(x1 * 41, n1)
    x2 = min(x2, n2)
    table = [[x1, n1 - x1], [x2, n2 - x2]]
    sig.fisher_exact.cache_clear()
    assert sig.fisher_exact(x1, n1 - x1, x2, n2 - x2) == float(stats.fisher_exact(table).pvalue)


def test_fisher_exact_is_scipys_on_every_small_table():
    """Every 2x2 table of up to 12 a row, zeros and tables at the edge of the hypergeometric
    support included (where the distribution's own hooks are not defined and we give scipy's 0 and 1)."""
    from scipy import stats

    sig.fisher_exact.cache_clear()
    for n1, n2 in itertools.product(range(13), repeat=2):
        for x1, x2 in itertools.product(range(n1 + 1), range(n2 + 1)):
            table = [[x1, n1 - x1], [x2, n2 - x2]]
            assert sig.fisher_exact(x1, n1 - x1, x2, n2 - x2) == float(stats.fisher_exact(table).pvalue), table


def test_audit_of_a_pairs_folder_counts_measures_and_says_so(built, tmp_path: Path) -> None:
    """`ctpairs audit` reads only the columns it needs (the outcome titles as nested columns) and
    gets the same audit as the rows; its text names the measures and the top one."""
    import subprocess
    import sys

    import pyarrow as pa

    from ctpairs.audit import audit_pairs_dir
    from ctpairs.schema import PAIR_SCHEMA

    rows = built["outcome"]
    pq.write_table(pa.Table.from_pylist(rows, schema=PAIR_SCHEMA), tmp_path / "outcome.parquet")
    audit = audit_pairs_dir(str(tmp_path))["outcome"]
    assert audit == audit_rows(rows) and audit["balance"]["measures"] > 100
    out = subprocess.run(
        [sys.executable, "-m", "ctpairs", "audit", str(tmp_path)], capture_output=True, text=True, check=True
    ).stdout
    assert f"{audit['balance']['measures']} measures (top" in out
    assert f"top measure: {audit['balance']['top_measure']}" in out


def test_percentage_rows_with_a_ci_against_hand_labels() -> None:
    """A percentage posted with a CI is tested as x/n only when the CI is no wider than x/n allows,
    and it is read as a share when its CI fits it only so. Measured on 70 real rows labelled by hand
    (tests/data/gold/percentage_ci_rows.json: 20 with a CI far from x/n's, 20 somewhat wider, 20
    about as wide, and the rows of two measures posted as shares): which are crude proportions of
    the row's n, and on which scale.

    Refusing x/n: precision 1.000, recall 28/39. The 11 misses are Kaplan-Meier or cumulative
    incidence estimates whose CI is no wider than x/n's (little censoring yet), where a test of x/n
    gives about what their CI gives; most of them are tested from their CI before this is asked."""
    gold = json.loads((DATA / "gold" / "percentage_ci_rows.json").read_text())
    assert len(gold) == 70
    refused = caught = 0
    for row in gold:
        posted = resolve_pointer(real_record(row["nct_id"]), row["pointer"])
        result = ResultInfo(
            float(posted["value"]), None, float(posted["lowerLimit"]), float(posted["upperLimit"]), row["n"], None
        )
        stat = Statistic("number", normalize_dispersion(row["dispersion"]), row["unit"])
        per = 1 if row["scale"] == "share" else 100
        assert proportion(result, stat) == pytest.approx(result.value / per), row
        if not ci_fits_proportion(result, stat):
            refused += 1
            assert not row["testable_as_proportion"], row
            caught += 1
    should = sum(not row["testable_as_proportion"] for row in gold)
    assert (refused, caught, should) == (28, 28, 39)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 400), st.integers(1, 400), st.sampled_from([80.0, 90.0, 95.0, 99.0]))
def test_exact_binomial_ci_is_scipys(x, n, level):
    """The Clopper-Pearson interval the labels use is scipy's ``binomtest(...).proportion_ci``."""
    from scipy import stats

    x = min(x, n)
    ci = stats.binomtest(x, n).proportion_ci(level / 100, method="exact")
    assert sig.exact_binomial_ci(x, n, level) == pytest.approx((ci.low, ci.high), rel=1e-9, abs=1e-12)


_PERCENT_95 = Statistic("number", "confidence_interval_95", "percentage of participants")


def test_a_percentage_unit_posted_as_shares_is_read_as_shares() -> None:
    """NCT01351415 posts "Percentage of Participants" alive as 0.8 [0.73, 0.82] of 245: 80%, which
    its CI shows (as 0.8% of 245 its CI would be about 30 times wider); a real 0.4% keeps its scale."""
    as_share = ResultInfo(0.8, None, 0.73, 0.82, 245.0, None)
    assert proportion(as_share, _PERCENT_95) == 0.8
    real_small = ResultInfo(0.4, None, 0.0, 1.0, 541.0, None)  # NCT04280705: 2 of 541
    assert proportion(real_small, _PERCENT_95) == pytest.approx(0.004)


def test_a_kaplan_meier_rate_is_not_tested_as_a_proportion_of_n() -> None:
    """NCT02511106's 2-year OS rates (99.5% [96.8, 99.9] of 233 vs 94.1% [90.1, 96.5]) have CIs too
    asymmetric to read and wider than x/n's: no test of x/n, so no direction without the trial's
    analysis. A crude rate with its exact CI is still tested (NCT00556712: 0.9% [0.2, 2.3] of 445)."""
    km_f, km_c = ResultInfo(99.5, None, 96.8, 99.9, 233.0, None), ResultInfo(94.1, None, 90.1, 96.5, 233.0, None)
    assert not ci_fits_proportion(km_f, _PERCENT_95)
    label = compute_label(km_f, km_c, _PERCENT_95)
    assert (label.direction, label.method, label.test_method) == ("indeterminate", "none", None)
    crude_f, crude_c = ResultInfo(0.9, None, 0.2, 2.3, 445.0, None), ResultInfo(4.8, None, 3.0, 7.3, 436.0, None)
    assert ci_fits_proportion(crude_f, _PERCENT_95) and ci_fits_proportion(crude_c, _PERCENT_95)
    assert compute_label(crude_f, crude_c, _PERCENT_95).direction == "higher"


@pytest.mark.parametrize(
    ("f", "c", "direction"),
    [
        # NCT04280705: 8% of 521 vs 5% of 541, posted as whole percentages: 7.5% vs 5.5% round so too
        (
            ResultInfo(8.0, None, None, None, 521.0, None),
            ResultInfo(5.0, None, None, None, 541.0, None),
            "indeterminate",
        ),
        # NCT00693992: 0% of 92 can only be 0 participants, 6% of 97 only 6: significant either way
        (ResultInfo(0.0, None, None, None, 92.0, None), ResultInfo(6.0, None, None, None, 97.0, None), "higher"),
        # NCT00556712: 87.1% of 451 vs 82.0% of 438, posted to 0.1% (a parsed "82.0" shows no digit)
        (ResultInfo(87.1, None, None, None, 451.0, None), ResultInfo(82.0, None, None, None, 438.0, None), "lower"),
    ],
)
def test_a_rounded_percentage_is_significant_only_if_its_rounding_cannot_undo_it(f, c, direction) -> None:
    stat = Statistic("number", None, "percentage of participants")
    assert compute_label(f, c, stat).direction == direction


@pytest.mark.parametrize(
    ("unit", "kind"),
    [
        # every NUMBER unit of the 685 records that counts participants by what they had or did, or
        # gives a percentage of them with its word misspelt
        ("Participants", "proportion"),
        ("Number of patients with an OS event", "proportion"),  # NCT01544179
        ("Patients with a progression event", "proportion"),  # NCT01544179
        ("Number of participants improving", "proportion"),  # NCT01544179
        ("participants with yes response", "proportion"),  # NCT00855582
        ("Treated Participants", "proportion"),  # NCT00606502: grade 4 AEs in 0 of 101 vs 5 of 97
        ("Count of participants", "proportion"),  # NCT05775289
        ("Participants who easily located pumpbulb", "proportion"),
        # not counts out of n
        ("percentage of participants", "percentage"),
        ("Percentage of paricipants", "percentage"),
        ("percentage of particpants", "percentage"),
        ("Percentage of partcipants", "percentage"),
        ("percentage of partners answering Yes", "percentage"),
        ("cumulative percentage of participants", "mean"),  # a cumulative incidence: not x/n
        ("participants with events per 100 patient-years", "mean"),
        ("Number of events", "mean"),
    ],
)
def test_a_number_in_participants_is_a_count_of_them(unit: str, kind: str) -> None:
    assert Statistic("number", None, unit).kind == kind


@pytest.mark.parametrize(
    ("value", "n", "is_count"),
    [
        (80.0, 8.0, False),  # NCT02604342: questionnaire compliance, out of the forms expected, not of 8
        (22.6, 36.0, False),  # NCT00783705: stable disease, out of those evaluable (7 of 31), not of 36
        (27.2, 196.0, True),  # NCT01040780: 53 of the 195 analysed, one fewer than n
        (16.66, 6.0, True),  # NCT03217071: 1 of 6, posted truncated
        (88.9, 11.0, False),  # 8 of 9: a denominator 18% under n, outside DENOMINATOR_TOLERANCE
        (90.0, 11.0, True),  # 9 of 10: within it
        (89.0, 11.0, False),  # NCT01229150: 8 of 9 (its exact CI, 51.8-99.7); 9 of 10 is 90.0, not 89 truncated
        (89.9, 10.0, False),  # nor is 9 of 10 a truncated 89.9
        (0.0, 92.0, True),
    ],
)
def test_a_percentage_is_tested_only_as_a_count_out_of_about_its_n(value, n, is_count) -> None:
    """A percentage that no count out of about the row's n can give has another denominator (or is
    an estimate), so a test of x/n would test something else: no test, no direction."""
    stat = Statistic("number", None, "percentage of participants")
    other = ResultInfo(50.0, None, None, None, 40.0, None)
    label = compute_label(ResultInfo(value, None, None, None, n, None), other, stat)
    assert (label.test_method is not None) == is_count


def test_analyses_that_contradict_their_own_ci_against_hand_labels() -> None:
    """Every superiority analysis of the shared records whose p-value and own 95% CI disagree at all
    (26, tests/data/gold/analysis_ci.json), read by hand: 16 are postings wrong somewhere (NCT01367860
    posts "<0.05" for 14 differences whose CIs centre near 0), 10 are two methods that differ near the
    boundary or log-scale ratios posted on the natural scale. The rule refuses 15 of the 16 and none
    of the 10 (precision 1.000, recall 15/16): it keeps NCT01367860's "<0.05" for leg pain at week
    1, 1.67 [-0.12, 3.46], whose CI misses 0 too narrowly to tell from two methods that differ."""
    gold = json.loads((DATA / "gold" / "analysis_ci.json").read_text())
    assert len(gold) == 26
    trials: dict[str, Trial] = {}
    refused = set()
    for row in gold:
        trial = trials.setdefault(row["nct_id"], parse_trial(real_record(row["nct_id"])))
        analysis = next(a for m in trial.results.outcome_measures for a in m.analyses if a.pointer == row["pointer"])
        significant = analysis.p_value < 0.05 or analysis.p_value_qualifier == "<"
        if contradicts_its_ci(analysis, significant):
            assert analysis_evidence(analysis) is None
            refused.add(row["pointer"])
    inconsistent = {row["pointer"] for row in gold if row["verdict"] == "inconsistent"}
    assert refused <= inconsistent
    assert (len(refused), len(inconsistent)) == (15, 16)


def test_one_sided_p_values_against_hand_labels(trials: dict[str, Trial]) -> None:
    """Every analysis of the shared records whose comments mention a sided test, read by hand
    (tests/data/gold/one_sided_p.json): 58 say the p-value they post is one-sided, 80 two-sided,
    and 35 state only a design's sidedness. Telling a one-sided p has precision 56/56 and recall
    56/58: NCT02855125 says only "1-sided stratified log-rank test" in a comment, whose method is
    "Log Rank". Four analyses whose comments state only a one-sided boundary were relabelled
    one-sided when the statistical method was read too ("1-sided Log Rank Test")."""
    gold = json.loads((DATA / "gold" / "one_sided_p.json").read_text())["analyses"]
    labelled = [g for g in gold if g["one_sided"] is not None]
    assert (len(gold), sum(g["one_sided"] for g in labelled), len(labelled)) == (173, 58, 138)
    said = {
        i
        for i, g in enumerate(labelled)
        if posts_one_sided_p(trials[g["nct_id"]].results.outcome_measures[g["measure"]].analyses[g["analysis"]])
    }
    one_sided = {i for i, g in enumerate(labelled) if g["one_sided"]}
    assert said <= one_sided and (len(said), len(one_sided)) == (56, 58)


def test_one_sided_p_values_stated_where_the_analysis_says_what_it_compares(trials: dict[str, Trial]) -> None:
    """Every analysis of the shared records whose description of what it compares mentions a sided
    test (tests/data/gold/one_sided_descriptions.json, 31), read by hand: 7 one-sided ("P-value is
    1-sided", "analyzed by 1-sided log rank test", and NCT01639001 by its method), 15 two-sided
    ("applying the two-sided stratified log-rank test"), 9 a design's sidedness only ("one-sided
    type I error of 10%", "2-sided alpha level"). Every one is told right: precision and recall 7/7."""
    gold = json.loads((DATA / "gold" / "one_sided_descriptions.json").read_text())["analyses"]
    assert (len(gold), sum(bool(g["one_sided"]) for g in gold)) == (31, 7)
    for g in gold:
        analysis = trials[g["nct_id"]].results.outcome_measures[g["measure"]].analyses[g["analysis"]]
        assert posts_one_sided_p(analysis) is bool(g["one_sided"]), g


def test_one_sided_tests_named_by_the_statistical_method(trials: dict[str, Trial]) -> None:
    """Every analysis of the shared records whose statistical method names a sided test
    (tests/data/gold/one_sided_methods.json, 146): 64 call the test one-sided ("1-sided stratified
    log-rank test", "t-test, 1 sided", "MMRM analysis; 1-sided"), 82 two-sided, and no comment
    says otherwise. The method's word is the label here, so what this checks is the reading: all
    146 are told right. NCT05546476 posts one-sided p-values of 0.0349 and 0.0437, which were
    labelled differences at 0.05 before; two-sided they are 0.070 and 0.087."""
    gold = json.loads((DATA / "gold" / "one_sided_methods.json").read_text())["analyses"]
    assert (len(gold), sum(g["one_sided"] for g in gold)) == (146, 64)
    for g in gold:
        analysis = trials[g["nct_id"]].results.outcome_measures[g["measure"]].analyses[g["analysis"]]
        assert posts_one_sided_p(analysis) is g["one_sided"], g
    by_p = {a.p_value_text: a for m in trials["NCT05546476"].results.outcome_measures for a in m.analyses}
    assert analysis_evidence(by_p["=0.0349"]) == (pytest.approx(0.0698), False)
    assert analysis_evidence(by_p["=0.0090"]) == (pytest.approx(0.018), True)


def test_a_one_sided_p_is_made_two_sided(trials: dict[str, Trial]) -> None:
    """KEYNOTE-042 (NCT02220894) posts one-sided p-values: 0.0260 for progression-free survival
    (HR 0.83 [0.69, 1.00]) is 0.052 two-sided, no difference at 0.05, as its CI says; 0.0013 for
    overall survival stays one. A one-sided 0.7964 (HR 1.05) is 0.4072 two-sided."""
    analyses = [a for m in trials["NCT02220894"].results.outcome_measures for a in m.analyses]
    by_p = {a.p_value_text: a for a in analyses}
    assert analysis_evidence(by_p["0.0260"]) == (pytest.approx(0.052), False)
    assert analysis_evidence(by_p["0.0013"]) == (pytest.approx(0.0026), True)
    assert analysis_evidence(by_p["0.7964"]) == (pytest.approx(0.4072), False)


def test_an_analysis_without_a_p_value_decides_by_its_ci(trials: dict[str, Trial], built) -> None:
    """PALLAS (NCT02513394) posts 4-year overall survival as 93.8% of 2,884 against 95.2% of 2,877
    and a hazard ratio of 1.32 [0.98, 1.78] with no p-value. Tested as x/n the rates were "lower"
    at p = 0.02; the trial's own CI says no difference, a hazard ratio of 1.32 is not close either,
    and 4-year survival rates are no counts out of n: the label is indeterminate. NCT02477826's overall survival (HR 0.91 [0.78, 1.05], no
    p-value) is similar on the trial's CI, and the label points at that analysis."""
    (analysis,) = trials["NCT02513394"].results.outcome_measures[3].analyses
    assert analysis.p_value is None
    p, significant = ci_evidence(analysis)
    z = math.log(1.32) / ((math.log(1.78) - math.log(0.98)) / (2 * 1.959964))
    assert not significant and p == pytest.approx(math.erfc(abs(z) / math.sqrt(2)), rel=1e-6)
    assert analysis_evidence(analysis) == (p, False)
    (row,) = [
        r
        for r in built["arm"]
        if r["nct_id"] == "NCT02513394" and r["factual"]["outcome"]["title"] == "Overall Survival (OS)"
    ]
    label = row["label"]
    # nor are the rates x/n: 4-year survival estimates under censoring (endpoints.is_kaplan_meier_rate)
    assert (label["direction"], label["test_method"], label["test_p_value"]) == ("indeterminate", None, None)
    (row,) = [
        r
        for r in built["arm"]
        if r["nct_id"] == "NCT02477826"
        and r["label"]["method"] == "trial_analysis"
        and any(s["pointer"].endswith("outcomeMeasures/1/analyses/1") for s in r["provenance"]["sources"])
    ]
    assert row["label"]["direction"] == "similar"
    ref = next(s for s in row["provenance"]["sources"] if s["field"] == "label.p_value")
    posted = resolve_pointer(real_record("NCT02477826"), ref["pointer"])
    assert (posted["ciUpperLimit"], posted.get("pValue")) == ("1.05", None)
    overall_survival = trials["NCT02477826"].results.outcome_measures[1].analyses[1]
    assert row["label"]["p_value"] == pytest.approx(ci_evidence(overall_survival)[0])  # type: ignore[index]
    # a bound at "no difference" as rounded decides nothing
    assert ci_evidence(replace(analysis, param_value=0.75, ci_lower=0.56, ci_upper=1.0)) is None
    assert ci_evidence(replace(analysis, param_value=0.75, ci_lower=0.56, ci_upper=0.99))[1] is True


def test_a_ci_decides_as_the_p_value_does(trials: dict[str, Trial]) -> None:
    """Over every superiority analysis of the shared records that posts a p-value the labels use and
    a CI that :func:`ci_evidence` reads, the CI decides as the p-value does in 1,069 of 1,074. The
    five that differ sit at the edge (p = 0.0444 with [-34.8, 0.3]; 0.0622 with [0.613, 0.976]) or
    post a wrong p ("<0.05" with [-0.12, 3.46])."""
    agree = differ = 0
    for trial in trials.values():
        for measure in trial.results.outcome_measures if trial.results else ():
            for analysis in measure.analyses:
                if analysis.non_inferiority_type not in SUPERIORITY_TYPES or analysis.p_value is None:
                    continue
                by_p, by_ci = analysis_evidence(analysis), ci_evidence(analysis)
                if by_p is not None and by_ci is not None:
                    agree, differ = agree + (by_p[1] == by_ci[1]), differ + (by_p[1] != by_ci[1])
    assert (agree, differ) == (1069, 5)


def test_an_ls_means_standard_deviation_is_its_standard_error(trials: dict[str, Trial], built) -> None:
    """Five measures of the shared records post least-squares means with a "Standard Deviation":
    a change in IIEF erectile function of 4.5 "SD 0.64" in 125 men (a sample SD of that scale's
    change is about 6). Each is the LS mean's standard error: the three groups' values are alike
    (0.64, 0.64, 0.66), and where the trial's analysis posts the SE of the difference (0.2, 0.26,
    0.3) it is sqrt(SE1² + SE2²) of them, ten times what two SDs over sqrt(n) give. The test reads
    them as SEs: avanafil 100 -> 200 mg (4.5 -> 5.4) was "higher" at p = 5e-23; it is not
    significant (p = 0.32), and with d = 0.12 not similar either."""
    found = {}
    for nct_id, trial in trials.items():
        for measure in trial.results.outcome_measures if trial.results else ():
            if (measure.param_type, measure.dispersion_type) == ("least_squares_mean", "standard_deviation"):
                found[(nct_id, measure.index)] = measure
    assert set(found) == {
        ("NCT00809471", 2),
        ("NCT00855582", 7),
        ("NCT00855582", 17),
        ("NCT00855582", 18),
        ("NCT00895011", 1),
    }
    checked = 0
    for measure in found.values():
        spread = {m.group_id: m.spread for c in measure.classes for cat in c.categories for m in cat.measurements}
        for analysis in measure.analyses:
            if analysis.dispersion_type == "standard_error_of_mean" and analysis.dispersion_value:
                a, b = (spread[g] for g in analysis.group_ids)
                assert math.hypot(a, b) == pytest.approx(analysis.dispersion_value, rel=0.2)
                checked += 1
    assert checked >= 3
    (row,) = [
        r
        for r in built["dose"]
        if r["nct_id"] == "NCT00809471"
        and r["factual"]["result"]["value"] == 4.5
        and r["counterfactual"]["result"]["value"] == 5.4
    ]
    assert row["label"]["direction"] == "indeterminate" and row["label"]["test_method"] == "welch_t"
    sd = [x["spread"] * math.sqrt(x["n"]) for x in (row["factual"]["result"], row["counterfactual"]["result"])]
    expected = sig.welch_t(4.5, sd[0], 125, 5.4, sd[1], 125)
    assert row["label"]["test_p_value"] == pytest.approx(expected) and expected > 0.05
    assert sig.standardized_difference(4.5, sd[0], 5.4, sd[1]) == pytest.approx(0.124, abs=1e-3)


def _by_slot(built: dict[str, list[dict]]) -> dict[tuple, dict]:
    """Every built pair by what a hand-labelled gold item names of it: axis, trial, measure, the
    two groups and the two rows."""
    return {_slot(r): r for axis in NATURAL for r in built[axis]}


def _slot(r: dict) -> tuple:
    return (
        r["axis"],
        r["nct_id"],
        r["factual"]["outcome"]["title"],
        r["factual"]["group_title"],
        r["counterfactual"]["group_title"],
        r["factual"]["result"]["category"],
        r["counterfactual"]["result"]["category"],
    )


def _gold_slot(g: dict) -> tuple:
    return (
        g["axis"],
        g["nct_id"],
        g["measure"],
        g["factual_group"],
        g["counterfactual_group"],
        g["factual_row"],
        g["counterfactual_row"],
    )


NO_LONGER_PAIRED = {
    ("NCT00982111", "Percentage of Participants With EGFR Measured by IHC"),
    (
        "NCT02409342",
        "Change From Baseline in Patient-reported Lung Cancer Symptoms Score as Assessed by the SILC Scale Symptom "
        "Score in the TC3 or IC3-WT Populations",
    ),
    (
        "NCT01130532",
        "Change From 12 Weeks to 16 Weeks in Participant's International Index of Erectile Function - Erectile "
        "Function (IIEF-EF) Domain Score",
    ),
}
"""Measures of hand-labelled pairs that a later pair rule refuses; the figures below leave them out.
NCT00982111's EGFR staining of the arms was measured only at baseline
(:func:`ctpairs.timepoints.is_pretreatment`). NCT01130532's "Placebo (Period IV)" and "5 mg
Tadalafil (Period IV)" share the description of an open-label extension on tadalafil
(:func:`ctpairs.builders.arm.same_stated_treatment`): the rule refuses the group pair whole, so
the week-12 row read by hand, correctly labelled, goes with the week-16 rows that compare
tadalafil with tadalafil. NCT02409342's arms at week 21 (18 of 287 on chemotherapy, 36 of 285 on
atezolizumab still assessed) are groups of different survivors
(:func:`ctpairs.pairing.differential_attrition`)."""


def test_directional_labels_of_our_tests_against_hand_labels(built) -> None:
    """40 random ``higher``/``lower`` labels that rest on our tests, not on a trial's analysis (15
    arm, 12 dose, 13 outcome, drawn after this session's rules), each read by hand against its
    record (tests/data/gold/directional_labels.json): do the posted numbers support the direction
    by the test named, on two sides that differ in the named thing? All 40 do: adverse events of
    23 vs 50 of 71, a DLT in 0 of 16 vs 3 of 9, AUCs of 1,506 vs 12,030 h*ng/mL at 50 and 400 mg in
    3 and 3, Kaplan-Meier rates with CIs at 3 and 5 years. Precision 40/40 (the 95% interval of a
    40/40 proportion reaches down to 91%; one of them, NCT01130532's week-12 row of its open-label
    period, is no longer paired: :data:`NO_LONGER_PAIRED`); the one doubt the record cannot settle is whether
    JAVELIN Lung 100's weekly avelumab arm, added by amendment, ran beside all of its chemotherapy
    arm. Earlier reads of this session's draws found the two kinds of error fixed since: a
    placeholder change of 0 (0), and survival rates tested as x/n."""
    gold = json.loads((DATA / "gold" / "directional_labels.json").read_text())
    assert len(gold) == 40 and all(g["supported"] for g in gold)
    by_key = _by_slot(built)
    gone = [g for g in gold if _gold_slot(g) not in by_key]
    assert {(g["nct_id"], g["measure"]) for g in gone} <= NO_LONGER_PAIRED and len(gone) <= 1
    for g in gold:
        if g in gone:
            continue
        label = by_key[_gold_slot(g)]["label"]
        assert (label["direction"], label["method"]) == (g["direction"], g["method"])


def test_directional_labels_of_trial_analyses_against_hand_labels(built) -> None:
    """30 random ``higher``/``lower`` labels that rest on a trial's own analysis (all arm pairs: no
    other axis has such a label on these records), each read by hand against its analysis
    (tests/data/gold/trial_analysis_labels.json): does the analysis compare exactly these two groups,
    on this measure and row, and do the posted values move the way the label says? All 30 do,
    among them analyses that name their row only in their text (one EORTC scale of many, "applies
    to the total population" beside age classes), p-values read from a difference's CI, and hazard
    ratios where our own median test cannot tell. Precision 30/30 (the 95% interval of 30/30 reaches
    down to 88%)."""
    gold = json.loads((DATA / "gold" / "trial_analysis_labels.json").read_text())
    assert len(gold) == 30 and all(g["supported"] for g in gold)

    def analyses(row: dict) -> set[str]:
        pointers = [s["pointer"] for s in row["provenance"]["sources"] if s["field"] == "label.p_value"]
        return {re.match(r".*/analyses/\d+", p).group(0) for p in pointers}  # type: ignore[union-attr]

    for g in gold:
        # a trial may post two measures of one title (PGI-I at weeks 4 and 8): the analysis tells them apart
        rows = [r for r in built[g["axis"]] if _slot(r) == _gold_slot(g) and g["analysis"] in analyses(r)]
        assert len(rows) == 1, g
        label = rows[0]["label"]
        assert (label["direction"], label["method"], label["p_value"]) == (
            g["direction"],
            "trial_analysis",
            g["p_value"],
        )


def test_similar_labels_of_trial_analyses_against_hand_labels(built) -> None:
    """20 random ``similar`` labels that rest on a trial's own analysis (drawn before the rule that
    the trial's difference of means must be small too), each read by hand against the analysis
    (tests/data/gold/trial_analysis_similar.json): does the trial find no difference between exactly
    these two groups on this row, and are its estimate and the posted values close? 19 are: hazard
    ratios of 0.87-1.08 with medians 4-11% apart, LS means and shares within a few hundredths of an
    SD. One is not: NCT00855582's nocturia LS means of -0.5 and -0.6 are rounded, and the trial
    estimates the difference at -0.2 (d of 0.19, p 0.075). Now precision 19/19, recall 19/19."""
    gold = json.loads((DATA / "gold" / "trial_analysis_similar.json").read_text())
    assert len(gold) == 20 and sum(g["similar"] for g in gold) == 19
    by_key = _by_slot(built)
    for g in gold:
        label = by_key[_gold_slot(g)]["label"]
        assert (label["direction"] == "similar") == g["similar"], g
        if g["similar"]:
            assert (label["method"], label["p_value"]) == ("trial_analysis", g["p_value"])


@pytest.mark.parametrize(
    ("gold_file", "sizes", "scores"),
    [
        ("similar_labels.json", (58, 36), (24, 24, 36)),
        ("similar_labels_second_draw.json", (42, 31), (24, 24, 31)),
    ],
)
def test_similar_needs_close_values_against_hand_labels(
    built, gold_file: str, sizes: tuple[int, int], scores: tuple[int, int, int]
) -> None:
    """Random ``similar`` labels from our tests on the shared records, each read by hand
    (tests/data/gold/): are the two values about the same, or do they differ while the test, on few
    participants or wide spreads, finds nothing (1 of 12 vs 5 of 18 participants with raised liver
    enzymes; median survival 13.7 vs 11.1 months)?

    The first draw (60, before any closeness rule) chose Cohen's 0.2 as the limit: precision 32/37.
    The second draw (42 labels kept at 0.2, drawn afterwards) found 10 not alike, with effects of
    0.1-0.2 (18.6% vs 13.9% with QTcB > 450 ms; 2 of 6 vs 3 of 7) or ratios of 1.2-1.3 that only
    the medians showed, so the limit is now 0.1 on every reading (SIMILAR_EFFECT_LIMIT) and shares
    under one point apart are close (SIMILAR_SHARE_DIFFERENCE). One hand label of the second draw
    was revised after reading the trial's analysis (equal medians under a hazard ratio of 0.77).
    Together: precision 51/52, recall 51/69. The one kept wrongly, median survival 20.1 vs 17.7
    months (a ratio of 1.14), went with the rule that a median test from CIs never gives
    ``similar`` (labels.MEDIAN_FROM_CI), as did two labels read as alike (time to deterioration of
    11.0 vs 9.7 months, time to intracranial progression of 226 vs 224 days): precision 49/49,
    recall 49/69. Refused wrongly: those two, differences of 2-3 points on 0-100 symptom scales
    with SDs of 15-25 (d of 0.1-0.2), close values of few participants with wide spreads
    (half-lives of 13.6 and 12.6 h in 7 and 4), rare events 0 vs 6 of 140 and 298. One pair of the
    first draw, alike and kept, is no longer made (:data:`NO_LONGER_PAIRED`): 48/48, recall 48/68;
    nor is one alike and refused (NCT02409342 at week 21): 48/48, recall 48/67."""
    gold = json.loads((DATA / "gold" / gold_file).read_text())
    by_key = _by_slot(built)
    gone = [g for g in gold if _gold_slot(g) not in by_key]
    assert {(g["nct_id"], g["measure"]) for g in gone} <= NO_LONGER_PAIRED
    gold = [g for g in gold if g not in gone]
    kept = set()
    for i, g in enumerate(gold):
        row = by_key[_gold_slot(g)]
        assert row["label"]["test_method"] == g["test_method"]
        if row["label"]["direction"] == "similar":
            kept.add(i)
    alike = {i for i, g in enumerate(gold) if g["similar"]}
    assert (len(gold), len(alike)) == sizes
    assert (len(kept & alike), len(kept), len(alike)) == scores


def test_similar_from_our_tests_against_the_trials_own_analyses(built) -> None:
    """Where a trial posts its own analysis of a pair, would our test alone have called the pair
    ``similar`` while the trial finds a difference? Measured on every such pair of the 685 records.
    Before :data:`ctpairs.labels.MEDIAN_FROM_CI`, a median test from CIs did so 7 times in 71
    (NCT02477826's median PFS of 5.78 vs 5.49 months, p = 0.006); now it never gives ``similar``,
    and every other test does so at most once in 50: Welch from CIs once in 67 (NCT01351415's
    disease control in 77.0% vs 80.2%, p = 0.02 by the trial's stratified test)."""
    from ctpairs.labels import _statistic

    ours_alike: Counter[tuple[str, bool]] = Counter()
    for axis in NATURAL:
        for row in built[axis]:
            label = row["label"]
            if label["method"] != "trial_analysis" or label["test_p_value"] is None:
                continue
            o = row["factual"]["outcome"]
            # no measure of the shared records that gives a pair is analysed in other units
            stat = _statistic(o["param_type"], o["dispersion_type"], o["unit"], o["title"], o["description"], False)
            f, c = ResultInfo(**row["factual"]["result"]), ResultInfo(**row["counterfactual"]["result"])
            ours = compute_label(f, c, stat, None, same_group=axis == "outcome")
            if ours.direction == "similar":
                ours_alike[(ours.test_method, label["significant"])] += 1
    assert not any(MEDIAN_FROM_CI in method for method, _ in ours_alike)
    assert sum(ours_alike.values()) > 150
    for method in {m for m, _ in ours_alike}:
        wrong, right = ours_alike[(method, True)], ours_alike[(method, False)]
        assert wrong <= (wrong + right) / 50, (method, wrong, right)


def test_similar_needs_the_trials_own_difference_to_be_small_too(built) -> None:
    """NCT00855582 posts LS means of -0.5 and -0.6 (SEs 0.08, 0.07) for nocturia on placebo and 5 mg
    tadalafil, rounded: d of 0.09. Its analysis estimates the difference at -0.2 (p = 0.075): d of
    0.19 in the same SDs, not negligible, so the pair is not ``similar``."""
    (row,) = [
        r
        for r in built["arm"]
        if r["nct_id"] == "NCT00855582"
        and "Nocturia" in r["factual"]["outcome"]["title"]
        and r["counterfactual"]["group_title"] == "Tadalafil 5 mg"
    ]
    assert (row["factual"]["result"]["value"], row["counterfactual"]["result"]["value"]) == (-0.5, -0.6)
    assert row["label"]["test_p_value"] > 0.05 and row["label"]["direction"] == "indeterminate"


def test_similar_needs_close_values(trials: dict[str, Trial]) -> None:
    """1 of 12 vs 5 of 18 (h = 0.52) is not significant, and not similar either; 40% vs 42% of 200
    is. So too when the trial's own analysis finds no difference, if its ratio estimate is close
    (0.91), not when it is 1.32; and 0 vs 1 of about 150 is close whatever h says (0.16)."""
    count = Statistic("count_of_participants", None, "Participants")
    one, five = ResultInfo(1.0, None, None, None, 12.0, None), ResultInfo(5.0, None, None, None, 18.0, None)
    far = compute_label(one, five, count)
    assert far.test_p_value > 0.05 and far.direction == "indeterminate" and not far.verifiable
    (no_difference,) = trials["NCT02513394"].results.outcome_measures[3].analyses
    by_trial = compute_label(one, five, count, no_difference)
    assert by_trial.direction == "indeterminate" and by_trial.test_p_value > 0.05
    assert sig.cohens_h(1 / 12, 5 / 18) == pytest.approx(0.5246, abs=1e-4)
    near_f, near_c = ResultInfo(80.0, None, None, None, 200.0, None), ResultInfo(84.0, None, None, None, 200.0, None)
    near = compute_label(near_f, near_c, count)
    assert near.direction == "similar" and near.verifiable
    assert compute_label(near_f, near_c, count, no_difference).direction == "indeterminate"  # its HR is 1.32
    close_ratio = trials["NCT02477826"].results.outcome_measures[1].analyses[1]  # HR 0.91 [0.78, 1.05]
    by_trial = compute_label(near_f, near_c, count, close_ratio)
    assert (by_trial.direction, by_trial.method) == ("similar", "trial_analysis")
    mean = Statistic("mean", "standard_deviation", "points")
    wide = compute_label(
        ResultInfo(19.6, 33.5, None, None, 17.0, None), ResultInfo(10.0, 26.7, None, None, 20.0, None), mean
    )
    assert wide.direction == "indeterminate" and wide.test_method == "welch_t"
    assert sig.standardized_difference(19.6, 33.5, 10.0, 26.7) == pytest.approx(-0.3169, abs=1e-4)
    rare = compute_label(
        ResultInfo(1.0, None, None, None, 158.0, None), ResultInfo(0.0, None, None, None, 149.0, None), count
    )
    assert rare.direction == "similar" and sig.cohens_h(1 / 158, 0) == pytest.approx(-0.159, abs=1e-3)
    # the trial finds nothing, but negative medians of a skewed change give no reading of closeness
    median_iqr = Statistic("median", "interquartile_range", "ng/mL")
    mpo = (ResultInfo(-1.15, None, -8.43, 1.21, 36.0, None), ResultInfo(-3.46, None, -8.17, 2.77, 38.0, None))
    p_only = replace(close_ratio, param_type=None, param_value=None, ci_lower=None, ci_upper=None, p_value=0.06)
    assert analysis_evidence(p_only) == (0.06, False)
    unread = compute_label(*mpo, median_iqr, p_only)
    assert unread.test_method is None and unread.direction == "indeterminate"
    twice = compute_label(
        ResultInfo(5.0, None, None, None, 342.0, None), ResultInfo(13.0, None, None, None, 353.0, None), count
    )
    assert twice.direction == "indeterminate" and twice.test_p_value > 0.05  # 1.5% vs 3.7%: h = 0.14
    # a rare event doubled is no small change, though h says so (NCT00257608: h = 0.098, odds ratio 2.0)
    doubled = compute_label(
        ResultInfo(5.0, None, None, None, 373.0, None), ResultInfo(10.0, None, None, None, 370.0, None), count
    )
    assert sig.cohens_h(5 / 373, 10 / 370) == pytest.approx(0.098, abs=1e-3) and doubled.test_p_value > 0.05
    assert doubled.direction == "indeterminate"
    # ... a common one is read as it is: 96 and 95 of 100 are close
    common = compute_label(
        ResultInfo(96.0, None, None, None, 100.0, None), ResultInfo(95.0, None, None, None, 100.0, None), count
    )
    assert common.direction == "similar"
    # a count of participants is a whole number: "15.5 participants" is no count out of n to test
    fractional = compute_label(
        ResultInfo(15.5, None, None, None, 50.0, None), ResultInfo(30.2, None, None, None, 50.0, None), count
    )
    assert fractional.test_method is None and fractional.direction == "indeterminate"


@given(
    st.floats(-1e6, 1e6),
    st.floats(0, 1e6),
    st.floats(0, 1e6),
    st.integers(3, 5000),
    st.booleans(),
)
def test_skewness_test_is_blind_to_direction_and_scale(low, below, above, n, quartiles):
    """Shi et al.'s statistic depends on the summary's shape only: mirroring the data or scaling it
    (by a power of two, exact in floating point) never changes the verdict, and a median at the
    centre is never skewed."""
    median, high = low + below, low + below + above
    got = sig.skewed_summary(low, median, high, n, quartiles=quartiles)
    assert got == sig.skewed_summary(-high, -median, -low, n, quartiles=quartiles)
    if got is not None:
        assert got == sig.skewed_summary(4 * low, 4 * median, 4 * high, n, quartiles=quartiles)
    if high > low:
        assert sig.skewed_summary(low, (low + high) / 2, high, n, quartiles=quartiles) is False


@given(st.floats(0, 1), st.floats(0, 1), _finite_values, _spreads, _finite_values, _spreads)
def test_effect_sizes_turn_sign_with_the_direction(p1, p2, m1, sd1, m2, sd2):
    """Cohen's h and d of the move from one side to the other are the negatives of the move back,
    and zero for equal sides: ``similar`` treats a pair and its reverse alike."""
    assert sig.cohens_h(p1, p2) == pytest.approx(-sig.cohens_h(p2, p1))
    assert sig.cohens_h(p1, p1) == 0
    d = sig.standardized_difference(m1, sd1, m2, sd2)
    if d is not None:
        assert d == pytest.approx(-sig.standardized_difference(m2, sd2, m1, sd1))


def test_a_trials_ratio_stands_in_when_our_test_cannot_read_the_values(built) -> None:
    """NCT02574078 posts median overall survival with CIs our test cannot read. Group C's 15.8 vs 3.9
    months has a hazard ratio of 1.59 [0.85, 2.95], p = 0.14: not significant, and not similar
    either (Chinn's d of the ratio is 0.26). Cohort A's 18.1 vs 30.8 months is far apart by the
    medians' own ratio, whatever the trial's hazard ratio; its 20.0 vs 18.1 stays ``similar``."""
    assert sig.d_from_log_ratio(1.59) == pytest.approx(math.log(1.59) * math.sqrt(3) / math.pi)
    assert sig.d_from_log_ratio(0) is None and sig.d_from_log_ratio(1.0) == 0
    labels = {
        (r["factual"]["result"]["value"], r["counterfactual"]["result"]["value"]): r["label"]
        for r in built["arm"]
        if r["nct_id"] == "NCT02574078"
        and r["factual"]["outcome"]["title"].startswith("Overall Survival (OS), Groups A-C")
    }
    assert all(labels[key]["test_method"] is None for key in ((15.8, 3.9), (18.1, 30.8), (20.0, 18.1)))
    assert labels[(15.8, 3.9)]["direction"] == labels[(18.1, 30.8)]["direction"] == "indeterminate"
    assert labels[(20.0, 18.1)]["direction"] == "similar"


def test_a_p_value_posted_as_a_bound_says_so(built) -> None:
    """Every label that rests on a trial's analysis of the shared records: its `p_value_bound` is the
    qualifier of the posted p its pointer leads to ("<0.0001" gives "<"), and null for an exact p;
    the evidence sentence then reads the bound as posted. No other label has one."""
    records = {r["protocolSection"]["identificationModule"]["nctId"]: r for r in real_records()}
    bounds = Counter()
    for row in (r for axis in NATURAL for r in built[axis]):
        label = row["label"]
        source = next((s for s in row["provenance"]["sources"] if s["field"] == "label.p_value"), None)
        if label["method"] != "trial_analysis":
            # our test's p, or none: no bound, and no pointer into a trial's analysis
            assert label["p_value_bound"] is None and source is None
            continue
        posted = resolve_pointer(records[source["nct_id"]], source["pointer"])
        if not isinstance(posted, str):  # the analysis itself: a p read from its CI
            assert label["p_value_bound"] is None
            continue
        posted = posted.strip()
        qualifier = re.match(r"[<>]=?|≤|≥", posted)
        assert label["p_value_bound"] == (qualifier and {"≤": "<=", "≥": ">="}.get(qualifier[0], qualifier[0])), posted
        bounds[label["p_value_bound"]] += 1
    assert bounds["<"] > 200 and bounds[None] > 400  # 259 and 492 on the shared records
    row = next(r for r in built["arm"] if r["label"]["p_value_bound"] == "<" and r["label"]["p_value"] == 0.0001)
    assert "gives p < 0.0001, a significant difference" in answer_fields(row)["evidence"]
    exact = next(
        r for r in built["arm"] if r["label"]["method"] == "trial_analysis" and not r["label"]["p_value_bound"]
    )
    assert f"p = {format_number(round(exact['label']['p_value'], 4))}" in answer_fields(exact)["evidence"]


def test_registry_style_trial_analyses_labelled_by_hand() -> None:
    """60 placebo-controlled measures posting the trial's own analyses as the registry writes them,
    labelled by hand (field ``why``) before the rules saw them. The posted means (10 against 13, SD
    20, 30 a group) show nothing by our test, so a pair is ``higher`` only when an analysis of
    exactly placebo and Drug X on this row shows a difference: 25 do (p "<0.001", "0.049", a CI
    alone, a one-sided 0.004, the row named among several, a three-group trial's own pairwise
    analysis), 35 do not (another pair or all three groups, non-inferiority or equivalence, a
    one-sided 0.04, p "0.06" or ">0.05", the other row, no row named among several, a 95% CI with 0,
    a 90% CI alone, a p its CI contradicts, two analyses that disagree). 59 were as labelled; the
    miss, a non-inferiority analysis beside the superiority test that followed it, read the two as
    disagreeing, and a non-inferiority test is now no candidate at all."""
    assert _analyses_wrong(Path(__file__).parent / "data" / "analyses_registry_style.jsonl") == []


def test_registry_style_trial_analyses_second_draw() -> None:
    """A second draw of 60, on how registries name the row an analysis is about ("Comparison at 24
    weeks", "Wk 24: Drug X vs Placebo", "Weeks 12 and 24", subscales) and write p-values and CIs
    ("0.03 (two-sided)", "NS", "0.050", ratios, one-sided 97.5% CIs, 90% CIs, adjusted p-values).
    53 were as labelled. Mended: a row that is a time point is named by the one time an analysis
    names ("24 weeks" names "Week 24"; NCT00855582's "P-value is for change from Baseline at Week
    8" names its "Week 8 Change" row); an analysis naming two rows ("Weeks 12 and 24", NCT00391274's
    "complete response + partial response") is about neither, where the longer label had won; a
    note after the p-value ("0.03 (two-sided)") is read apart, and a one-sided note there counts. One
    known miss (field ``known_miss``): a p its CI contradicts within the margin allowed."""
    wrong = _analyses_wrong(Path(__file__).parent / "data" / "analyses_registry_style_second_draw.jsonl")
    assert wrong == []


def _analyses_wrong(path: Path) -> list[str]:
    """The cases of ``path`` whose placebo -> Drug X pair is labelled otherwise than by hand."""
    wrong = []
    for case in (json.loads(line) for line in path.read_text().splitlines()):
        if "known_miss" in case:
            continue
        pairs = [
            p
            for p in ArmBuilder().build(parse_trial(analysis_record(case)))
            if isinstance(p, Pair)
            and {p.factual.group_title, p.counterfactual.group_title} == {"Placebo", "Drug X"}
            and p.factual.result.category in (case.get("row"), None)
        ]
        assert len(pairs) == 1, case["why"]
        if (pairs[0].label.direction == "higher") != (case["expected"] == "higher"):
            wrong.append(case["why"])
    return wrong


@pytest.mark.parametrize(
    "text,expected",
    [("0.03 (two-sided)", (0.03, None)), ("0.049*", (0.049, None)), ("<.001", (0.001, "<")), ("= 0.03", (0.03, None))],
)
def test_a_note_after_a_p_value_is_read_apart(text: str, expected: tuple) -> None:
    assert parse_qualified_number(text) == expected


def test_a_one_sided_note_in_the_p_value_counts() -> None:
    one_sided = Analysis(["OG000", "OG001"], 0.03, "0.03 (one-sided)", *[None] * 11, "/x")
    assert posts_one_sided_p(one_sided)
    assert analysis_evidence(one_sided) == (0.06, False)
