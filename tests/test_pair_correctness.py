"""Every pair differs in exactly the one thing it names: measured on hand-labelled real trials.

The gold sets (tests/data/gold, see tests/_gold.py) were labelled by reading the records before
the rules were written: every group pair of 39 multi-dose trials (add-on combinations, cohort
expansions, pooled groups, crossover and food-effect cohorts, regional and phase parts), every
group pair the arm builder made on the 685 shared records before the participant-characteristic
rules (617, of which 186 contrast subgroups, strata, cohorts, baselines, groups with nobody analysed or
non-randomized groups), 60 arm and 60 outcome pairs sampled from the builders' output, and every
related-outcome (primary vs secondary) measure pair the outcome builder made on the 685 shared
records before the construct, drug and same-numbers rules (49, of which 10 invalid). The figures
are computed on every run.
"""

from __future__ import annotations

from collections import Counter

import pytest
from ctpairs.builders import arm as arm_builder
from ctpairs.builders import dose as dose_builder
from ctpairs.builders import outcome as outcome_builder
from ctpairs.builders.arm import ArmBuilder
from ctpairs.builders.dose import DoseBuilder
from ctpairs.builders.outcome import OutcomeBuilder

from ctpairs import cohorts
from ctpairs.builder import SKIP_NO_RESULTS, SKIP_REPEATED, Skip
from ctpairs.pairing import SKIP_BASELINE, SKIP_DIFFERENTIAL_ATTRITION, SKIP_NO_SHARED_VALUE, observations, started
from ctpairs.schema import Pair
from tests._gold import built, load, score_dose, score_groups, trial, validity


@pytest.fixture(scope="module")
def dose_gold() -> list[dict]:
    return load("dose_pairs.json")


@pytest.fixture(scope="module")
def dose_score(dose_gold: list[dict]):
    return score_dose(built(DoseBuilder(), [g["nct_id"] for g in dose_gold]), dose_gold)


def test_dose_gold_set_is_what_the_issue_asks(dose_gold: list[dict]) -> None:
    trials = {g["nct_id"] for g in dose_gold}
    valid = [g for g in dose_gold if g["verdict"] == "valid"]
    assert len(trials) >= 30
    assert len(valid) >= 100 and len(dose_gold) - len(valid) >= 400
    # the kinds the issue names are all in it
    reasons = {g["reason"] for g in dose_gold}
    assert {"pooled", "populations differ", "titration", "drugs differ", "schedule, route or basis differs"} <= reasons
    assert any(len(g["labels"][0].split(";")) > 1 and g["verdict"] == "valid" for g in dose_gold)  # add-on regimens


def test_dose_precision(dose_score) -> None:
    """Goal >= 0.98: every pair made is a hand-checked valid dose contrast."""
    assert dose_score.precision >= 0.98, dose_score.false_pos


def test_dose_recall(dose_score) -> None:
    """Goal >= 0.90 of the hand-checked valid dose contrasts are made."""
    assert dose_score.recall >= 0.90, sorted(dose_score.false_neg)


@pytest.fixture(scope="module")
def arm_gold() -> list[dict]:
    return load("arm_groups.json")


@pytest.fixture(scope="module")
def arm_score(arm_gold: list[dict]):
    return score_groups(built(ArmBuilder(), [g["nct_id"] for g in arm_gold]), arm_gold)


def test_arm_gold_set_covers_the_subgroup_kinds(arm_gold: list[dict]) -> None:
    assert len(arm_gold) >= 600 and len({g["nct_id"] for g in arm_gold}) >= 200
    invalid = [g for g in arm_gold if g["verdict"] == "invalid"]
    assert len(invalid) >= 150
    reasons = " ".join(g["reason"] for g in invalid)
    for kind in ("biomarker", "histology", "smok", "response", "observational", "single-arm", "non-randomized"):
        assert kind in reasons, kind


def test_arm_precision(arm_score) -> None:
    """Measured 0.998 (0.699 before the participant-characteristic rules, 0.964 before "(ESC)" was
    read as an escalation cohort, 0.986 before groups given the same stated treatment were refused,
    0.993 before a group's own eligibility criteria set it apart: NCT01928576 arm F). The pair
    still made wrongly: NCT02658890's "Exp ML BRAF-MT" against "Exp ML BRAF-MT- NIVO" (expansion
    cohorts named only by abbreviations, with different descriptions): see the CHANGELOG."""
    assert arm_score.precision >= 0.98, sorted(arm_score.false_pos.items())


def test_arm_recall(arm_score) -> None:
    """Measured 0.998. The one valid group pair not made, NCT02584686's "(BTX) A" against "Saline
    Group", is named so only on a measure taken before treatment (time frame "Baseline"), which is no
    contrast; the same groups as "(BTX) A Group" are paired on every measure after treatment."""
    assert arm_score.recall >= 0.99, sorted(arm_score.false_neg)


def test_arm_refuses_subgroups_strata_and_unassigned_groups() -> None:
    """NCT01639001: ALK FISH positive vs negative; NCT02574078: "Group B, Nivo" vs "Group C, ICC";
    NCT01150903: an observational cohort; NCT01045421: a "randomized" trial with one arm."""
    assert cohorts.SKIP_SUBGROUPS in _skips(ArmBuilder(), "NCT01639001")
    fish = [
        p for p in ArmBuilder().build(trial("NCT01639001")) if isinstance(p, Pair) and "FISH" in p.factual.group_title
    ]
    assert fish == []
    assert cohorts.SKIP_COHORTS in _skips(ArmBuilder(), "NCT02574078")
    assert _skips(ArmBuilder(), "NCT01150903") == {arm_builder.SKIP_OBSERVATIONAL}
    assert not [p for p in ArmBuilder().build(trial("NCT01045421")) if isinstance(p, Pair)]
    assert not arm_builder.is_randomized(trial("NCT01045421"))
    assert arm_builder.is_randomized(trial("NCT01639001"))


def test_arm_refuses_groups_with_their_own_eligibility() -> None:
    """NCT01928576's arm F ("Patients must have had recurrent ... disease during or after anti-PD-1")
    and NCT00828841's arm C ("Patients with non-squamous histology are not eligible for this arm")
    enrol other participants than the arms beside them."""
    for nct_id, title in (("NCT01928576", "Arm F"), ("NCT00828841", "Platinum, Pemetrexed, Cetuximab (Arm C)")):
        made = [p for p in ArmBuilder().build(trial(nct_id)) if isinstance(p, Pair)]
        assert made  # the other arms are still contrasted
        assert not [p for p in made if title in (p.factual.group_title, p.counterfactual.group_title)]


def test_arm_refuses_escalation_cohorts_named_by_abbreviation() -> None:
    """NCT02658890 is randomized in part, but its "Part 1: BMS50 (ESC)" and "Part 1: BMS50+NIV240(ESC)"
    are dose-escalation cohorts, enrolled one after another: no arm pair joins two of them."""
    made = [p for p in ArmBuilder().build(trial("NCT02658890")) if isinstance(p, Pair)]
    assert made  # the trial still gives arm pairs
    assert not [p for p in made if "(ESC)" in p.factual.group_title and "(ESC)" in p.counterfactual.group_title]
    assert arm_builder.SKIP_NO_CONTROL in _skips(ArmBuilder(), "NCT02658890")


def test_arm_refuses_groups_that_are_the_baseline() -> None:
    """NCT01063855 posts its arms at baseline and at week 12 as separate groups: only the week-12
    groups are contrasted."""
    made = {
        frozenset((p.factual.group_title, p.counterfactual.group_title))
        for p in ArmBuilder().build(trial("NCT01063855"))
        if isinstance(p, Pair)
    }
    assert frozenset(("PDE5I + Placebo (Week 12)", "PDE5I + Dapoxetine (Week 12)")) in made
    assert not [pair for pair in made if any("(Baseline)" in t for t in pair)]
    assert arm_builder.SKIP_BASELINE in _skips(ArmBuilder(), "NCT01063855")


def test_arm_refuses_measures_taken_only_before_treatment() -> None:
    """NCT02584686 posts each score twice, "Before Treatment" (time frame "Baseline") and "After
    Treatment": only the second contrasts the arms. NCT04974645's substance use at "Baseline" is who
    was enrolled, not what the arms did."""
    made = {p.factual.outcome.title for p in ArmBuilder().build(trial("NCT02584686")) if isinstance(p, Pair)}
    assert "SHIM Score After Treatment" in made and "EHS After Treatment" in made
    assert not [title for title in made if "Before Treatment" in title]
    skipped = [s for s in ArmBuilder().build(trial("NCT04974645")) if isinstance(s, Skip)]
    assert Skip(SKIP_BASELINE, "Number of Participants Indicating Substance Use: Baseline") in skipped


def test_arm_refuses_groups_given_the_same_stated_treatment() -> None:
    """Every arm pair of the 685 shared records whose two groups share one description, read by hand:
    NCT02658890's expansion cohorts (three pairs of different populations on "BMS-986205 100mg +
    nivolumab 480mg") are not arm contrasts, nor are NCT01130532's "Placebo (Period IV)" and "5 mg
    Tadalafil (Period IV)", whose one description gives both groups tadalafil in the open-label
    extension (its week-16 rows compare tadalafil with tadalafil; the week-12 contrast stays, posted
    under the Period III groups); NCT02511106's placebo against AZD9291 ("Taken once daily"),
    NCT00915005's photon against proton radiotherapy and NCT02591615's arms (their shared
    descriptions give no amount) are arm contrasts."""
    refused = {
        ("NCT02658890", "Part 2: Exp ML Anti-PDL1", "Part 2: Exp ASST"),
        ("NCT02658890", "Part 2: Exp ML Anti-PDL1", "Part 2: Exp ML Anti-PDL1+CTLA4"),
        ("NCT02658890", "Part 2: Exp ML Anti-PDL1+CTLA4", "Part 2: Exp ASST"),
        ("NCT01130532", "Placebo (Period IV)", "5 mg Tadalafil (Period IV)"),
    }
    kept = {
        ("NCT01130532", "Placebo (Period III)", "5 mg Tadalafil (Period III)"),
        ("NCT02511106", "Placebo Tablet", "AZD9291 80mg Tablet"),
        ("NCT00915005", "Intensity-modulated (Photon) Radiotherapy (IMRT)", "Passive Scattering Proton Therapy (PSPT)"),
        ("NCT02591615", "Arm A Squamous Carcinoma", "Arm B Squamous Carcinoma"),
    }
    made = {
        (p.nct_id, p.factual.group_title, p.counterfactual.group_title)
        for nct_id in {n for n, _, _ in refused | kept}
        for p in ArmBuilder().build(trial(nct_id))
        if isinstance(p, Pair)
    }
    assert not refused & made
    assert kept <= made
    assert arm_builder.SKIP_SAME_TREATMENT in _skips(ArmBuilder(), "NCT02658890")
    assert arm_builder.SKIP_SAME_TREATMENT in _skips(ArmBuilder(), "NCT01130532")


def test_values_of_groups_with_nobody_analysed_are_not_observations() -> None:
    """NCT04488068's sham group has a denominator of 0 on "Number of Participants Recruited": its
    posted 0 is no observation, so no pair compares it with the 12 of the other group."""
    measure = next(
        m for m in trial("NCT04488068").results.outcome_measures if m.title == "Number of Participants Recruited"
    )
    posted = {m.group_id for cls in measure.classes for cat in cls.categories for m in cat.measurements}
    kept = {o.group.id for o in observations(measure)}
    nobody = {g for g in posted if measure.row_n(g, measure.classes[0], measure.classes[0].categories[0]).nobody}
    assert nobody and kept == posted - nobody
    assert not [
        p
        for p in ArmBuilder().build(trial("NCT04488068"))
        if isinstance(p, Pair) and p.factual.outcome.title == measure.title
    ]


def test_arm_keeps_arms_randomized_within_one_subgroup() -> None:
    """NCT02591615: arm A against arm B within squamous and within non-squamous carcinoma, never
    across histologies."""
    made = {
        frozenset((p.factual.group_title, p.counterfactual.group_title))
        for p in ArmBuilder().build(trial("NCT02591615"))
        if isinstance(p, Pair)
    }
    assert frozenset(("Arm A Squamous Carcinoma", "Arm B Squamous Carcinoma")) in made
    assert frozenset(("Arm A Non-squamous Carcinoma", "Arm B Non-squamous Carcinoma")) in made
    assert not [pair for pair in made if len({"Squamous" in t.replace("Non-squamous", "") for t in pair}) > 1]


def test_dose_values_exact(dose_score) -> None:
    """Every true dose pair carries the labelled lower and higher dose (value, unit, basis)."""
    assert dose_score.inexact == {}


@pytest.mark.parametrize(
    "name,builder",
    [("arm", ArmBuilder), ("outcome", OutcomeBuilder)],
)
def test_sampled_pairs_are_valid(name: str, builder) -> None:
    """Of the 60 hand-labelled pairs per axis (sampled before the rules changed), those the builder
    still makes are >= 95% valid contrasts (with the control factual where the label names it),
    and most valid ones are still made. Three outcome pairs labelled valid then were re-judged when
    the series attrition rule came: their later point has under two-thirds of the participants."""
    labelled = load(f"{name}_pairs.json")
    assert len(labelled) >= 60
    valid, judged, wrong = validity(built(builder(), [r["key"][0] for r in labelled]), labelled)
    assert judged >= 15
    assert valid / judged >= 0.95, wrong
    assert valid >= 0.75 * sum(r["verdict"] == "valid" for r in labelled)


# -- the kinds the rules refuse, each on a real trial ----------------------------------------


def _skips(builder, nct_id: str) -> set[str]:
    return {s.reason for s in builder.build(trial(nct_id)) if isinstance(s, Skip)}


def _dose_pairs(nct_id: str) -> set[tuple[str, str, str, str]]:
    return {
        (p.factual.group_title, p.counterfactual.group_title, p.change.from_, p.change.to)
        for p in DoseBuilder().build(trial(nct_id))
        if isinstance(p, Pair)
    }


def test_add_on_combination_pairs_name_the_drug_that_varies() -> None:
    """Add-on regimen (NCT03455829): lerociclib 200/300/400 mg QD on osimertinib 80 mg QD."""
    pairs = _dose_pairs("NCT03455829")
    assert (
        "Part 1: Cohort 1 Lerociclib at 200 mg QD",
        "Part 1: Cohort 2 Lerociclib at 300 mg QD",
        "Lerociclib 200 mg",
        "Lerociclib 300 mg",
    ) in {(f, c, a.replace("G1T38/", ""), b.replace("G1T38/", "")) for f, c, a, b in pairs} or any(
        f.endswith("200 mg QD") and c.endswith("300 mg QD") and "200 mg" in a and "300 mg" in b for f, c, a, b in pairs
    )
    assert not any("BID" in f and "QD" in c or "QD" in f and "BID" in c for f, c, _, _ in pairs)


def test_dose_only_in_the_description() -> None:
    """'Arm A' / 'Arm B' (NCT00245063): the doses (45 and 30 mg once daily) are in the descriptions."""
    assert {(f, c) for f, c, _, _ in _dose_pairs("NCT00245063")} == {("Arm B", "Arm A")}


def test_a_parts_number_equal_to_a_dose_stays_in_the_title() -> None:
    """NCT02039674's cohorts D1 and D2 ("Part 1 Cohort D1 (Pembro 10mg/kg+Ipilimumab [I])", "Part 1
    Cohort D2 (Pembro 10 mg/kg+I)") differ in ipilimumab, 1 vs 3 mg/kg, from their descriptions.
    The "1" of "Part 1" equals D1's ipilimumab dose; taken out of one title only, it made the titles
    differ. D1 (misspelt "iIpilimumab" in its description) pairs with D2 and with D4."""
    pairs = {(f, c) for f, c, _, _ in _dose_pairs("NCT02039674")}
    d1, d2, d4 = (
        "Part 1 Cohort D1 (Pembro 10mg/kg+Ipilimumab [I])",
        "Part 1 Cohort D2 (Pembro 10 mg/kg+I)",
        "Part 1 Cohort D4 (Pembro 2 mg/kg+I)",
    )
    assert pairs >= {(d1, d2), (d4, d1)}


def test_description_unit_is_more_specific_than_the_title() -> None:
    """'Bevacizumab 7.5 mg' in the title, '7.5 mg/kg' in the description (NCT00700180)."""
    pairs = [p for p in DoseBuilder().build(trial("NCT00700180")) if isinstance(p, Pair)]
    assert pairs
    for p in pairs:
        assert (p.factual.dose.value, p.factual.dose.per) == (7.5, "kg")
        assert (p.counterfactual.dose.value, p.counterfactual.dose.per) == (15.0, "kg")


def test_pooled_groups_and_other_populations_are_refused() -> None:
    """Pooled 'All Parts' groups and per-tumour Part B cohorts (NCT02082210); Phase I dose levels
    vs the Phase II part's treatment-naive participants (NCT02108964)."""
    assert {(f, c) for f, c, _, _ in _dose_pairs("NCT02082210")} == {
        ("Part A - 750 mg Emibetuzumab", "Part A - 2000 mg Emibetuzumab")
    }
    assert dose_builder.SKIP_POOLED in _skips(DoseBuilder(), "NCT02082210")
    assert cohorts.SKIP_PARTS in _skips(DoseBuilder(), "NCT02108964")


def test_sequences_and_conflicting_statements_are_refused() -> None:
    """NCT00833638: '2.5 mg for 14 days, then 5 mg' for everyone; NCT05171777: IV/SC crossover."""
    assert not _dose_pairs("NCT00833638")
    assert dose_builder.SKIP_DISAGREE in _skips(DoseBuilder(), "NCT00833638")
    assert not _dose_pairs("NCT05171777")


def test_arm_refuses_crossover_phases_and_same_drug_doses() -> None:
    """NCT02737501: randomized crizotinib vs the crossover phase; NCT00790751: avanafil doses."""
    assert cohorts.SKIP_STAGES in _skips(ArmBuilder(), "NCT02737501")
    assert arm_builder.SKIP_SAME_DRUGS in _skips(ArmBuilder(), "NCT00790751")
    assert arm_builder.SKIP_RESPONDERS in _skips(ArmBuilder(), "NCT02737501")


def test_arm_orders_placebo_before_an_active_comparator() -> None:
    """NCT00353704: pregabalin (active comparator arm) and placebo."""
    pairs = [p for p in ArmBuilder().build(trial("NCT00353704")) if isinstance(p, Pair)]
    assert pairs and all(p.factual.group_title == "Placebo" for p in pairs)


def test_related_outcome_precision_and_recall() -> None:
    """Primary vs secondary measure pairs of one group, against the 49 hand-labelled measure pairs
    (tests/data/gold/outcome_related.json). Labelled first, 39 of the 49 made were valid (precision
    0.796). Re-judged when the scale rule came, 28 of those 39 compare two parts of a questionnaire
    on scales of different ranges, which leaves 11 valid (precision 0.224 before that rule). Now
    every invalid kind is refused and no valid pair is lost."""
    gold = load("outcome_related.json")
    by_key = {(g["nct_id"], g["from"], g["to"]): g["verdict"] for g in gold}
    assert len(gold) == 49 and sum(v == "invalid" for v in by_key.values()) == 38
    made = {
        (p.nct_id, p.change.from_, p.change.to)
        for p in built(OutcomeBuilder(), [g["nct_id"] for g in gold])
        if p.change.attribute == "outcome"
    }
    valid = {k for k, v in by_key.items() if v == "valid"}
    precision = len(made & valid) / len(made)
    recall = len(made & valid) / len(valid)
    assert precision == 1.0, sorted(made - valid)
    assert recall == 1.0, sorted(valid - made)


@pytest.mark.parametrize(
    "nct_id,reason",
    [
        ("NCT03164616", outcome_builder.SKIP_SAME_NUMBERS),  # OS posted once per comparison
        ("NCT01401543", outcome_builder.SKIP_DRUGS_MEASURED),  # Cmax of LY2452473 vs of tadalafil
        ("NCT01059643", outcome_builder.SKIP_INSTRUMENT),  # CR or PR vs CR, PR or stable disease
        ("NCT00531934", outcome_builder.SKIP_INSTRUMENT),  # a skin rash vs "other skin lesions"
    ],
)
def test_related_outcomes_that_differ_in_more_than_the_outcome_are_refused(nct_id: str, reason: str) -> None:
    items = list(OutcomeBuilder().build(trial(nct_id)))
    assert reason in {s.reason for s in items if isinstance(s, Skip)}
    related = [p for p in items if isinstance(p, Pair) and p.change.attribute == "outcome"]
    gold = {(g["nct_id"], g["from"], g["to"]) for g in load("outcome_related.json") if g["verdict"] == "valid"}
    assert all((p.nct_id, p.change.from_, p.change.to) in gold for p in related)


def test_one_result_posted_under_two_measures_is_paired_once() -> None:
    """NCT03164616 posts overall survival once per comparison: "OS; D + SoC Compared With SoC
    Alone" and "OS; T + D + SoC Compared With SoC Alone and ...", the same numbers for the SoC and
    D + SoC groups in both. The arm builder pairs them once and says why not twice; a small count
    that happens to recur without a dispersion ("2 of 8 against 3 of 5") is still paired."""
    items = list(ArmBuilder().build(trial("NCT03164616")))
    os_pairs = [
        p
        for p in items
        if isinstance(p, Pair)
        and {p.factual.group_title, p.counterfactual.group_title} == {"SoC Alone", "D + SoC"}
        and "OS" in p.factual.outcome.title
        and p.factual.result.category is None
    ]
    assert len(os_pairs) == 1
    assert any(isinstance(s, Skip) and s.reason == SKIP_REPEATED for s in items)
    repeated = [p for p in ArmBuilder().build(trial("NCT04066023")) if isinstance(p, Pair)]
    numbers = Counter(
        (p.factual.group_title, p.counterfactual.group_title, p.factual.result, p.counterfactual.result)
        for p in repeated
    )
    assert max(numbers.values()) > 1  # the same small counts on different measures, all kept


def test_outcome_never_pairs_responders_with_everyone() -> None:
    """NCT05089734: overall survival vs duration of response."""
    pairs = [p for p in OutcomeBuilder().build(trial("NCT05089734")) if isinstance(p, Pair)]
    assert not [p for p in pairs if "Duration of Response" in p.counterfactual.outcome.title]


def test_skip_reasons_are_declared_constants() -> None:
    """Every skip a builder gives on the gold trials is one of its module's declared reasons."""
    declared = {
        "dose": {v for k, v in vars(dose_builder).items() if k.startswith("SKIP_")},
        "arm": {v for k, v in vars(arm_builder).items() if k.startswith("SKIP_")},
        "outcome": {v for k, v in vars(outcome_builder).items() if k.startswith("SKIP_")},
    }
    shared = set(cohorts.SKIP_REASONS) | {
        SKIP_NO_RESULTS,
        SKIP_NO_SHARED_VALUE,
        SKIP_REPEATED,
        SKIP_BASELINE,
        SKIP_DIFFERENTIAL_ATTRITION,
    }
    for name, builder in (("dose", DoseBuilder()), ("arm", ArmBuilder()), ("outcome", OutcomeBuilder())):
        seen = set()
        for nct_id in (
            "NCT02039674",
            "NCT03974022",
            "NCT05171777",
            "NCT00790751",
            "NCT02737501",
            "NCT01639001",
            "NCT02574078",
            "NCT01150903",
        ):
            seen |= _skips(builder, nct_id)
        assert seen <= declared[name] | shared, seen - declared[name] - shared


def test_series_attrition_against_hand_labels() -> None:
    """Time-series pairs of one group, against 36 hand-labelled ones (tests/data/gold/
    series_attrition.json, sampled from the outcome pairs of the shared records: 14 where fewer
    than half were still analysed at one point, 12 with half to three-quarters, 10 with more), each
    read against its measure: is the later point still the group, or its survivors? Keeping a pair
    has precision 14/15 and recall 14/15: NCT02848651's Kaplan-Meier rates of one cohort post a
    shrinking n (8, then 3) and are dropped; NCT04280705's neutrophils at day 29 (177 of 241, the
    discharged have no labs) are kept."""
    gold = load("series_attrition.json")
    assert len(gold) == 36 and sum(g["same_population"] for g in gold) == 15
    made = {
        (
            p.nct_id,
            p.factual.group_title,
            p.factual.outcome.title,
            p.change.from_,
            p.change.to,
            p.factual.result.category,
        )
        for p in built(OutcomeBuilder(), [g["nct_id"] for g in gold])
        if p.change.attribute == "time_frame"
    }
    keys = {
        (g["nct_id"], g["group"], g["measure"], g["from"], g["to"], g["from_slot"]): g["same_population"] for g in gold
    }
    kept = {k for k in keys if k in made}
    valid = {k for k, ok in keys.items() if ok}
    assert (len(kept & valid), len(kept), len(valid)) == (14, 15, 15), (sorted(kept - valid), sorted(valid - kept))


def test_differential_attrition_against_hand_labels() -> None:
    """Arm pairs at a visit after baseline, against 32 hand-labelled ones (tests/data/gold/
    arm_attrition.json: 20 the rule removes, 12 it keeps with one arm retaining 50-80% of the
    other's share), each read against its measure's denominators: do the two rows still compare the
    arms, or who is left in each? Removing a pair has precision 20/20 and recall 20/22: the two
    misses keep a small remnant of both arms alike (1 of 10 against 1 of 13; 6% against 12%)."""
    gold = load("arm_attrition.json")
    assert len(gold) == 32 and sum(g["comparable"] for g in gold) == 10
    made = {
        (
            p.nct_id,
            p.factual.outcome.title,
            p.factual.result.category,
            p.factual.group_title,
            p.counterfactual.group_title,
        )
        for p in built(ArmBuilder(), [g["nct_id"] for g in gold])
    }
    removed = {
        i
        for i, g in enumerate(gold)
        if (g["nct_id"], g["measure"], g["row"], g["factual"], g["counterfactual"]) not in made
    }
    wrong = {i for i, g in enumerate(gold) if not g["comparable"]}
    assert removed <= wrong and (len(removed), len(wrong)) == (20, 22)


def test_baseline_rows_against_hand_labels() -> None:
    """Time-series pairs with one point at baseline, against all 589 of the shared records
    (tests/data/gold/baseline_rows.json, built before the rules), each measure read by hand: is
    the baseline row the same quantity as the later one? 84 are not: eight "Change From Baseline"
    measures post the baseline level (an EQ-5D VAS of 71.0) beside later changes (+1.42), and
    NCT03164616's "peak and trough" concentrations are a peak at week 0 and a trough at week 3.
    Refusing a pair has precision 84/85 and recall 84/84. The one wrong refusal: NCT00512707 posts
    levels under a change title, and its free testosterone more than doubles (110 -> 239, past
    LEVEL_RATIO). Outside this set the peak-and-trough rule also drops NCT03164616's trough-to-trough
    pairs (week 3 -> 12): its rows do not say which is which."""
    gold = load("baseline_rows.json")
    assert len(gold) == 589 and sum(not g["same_quantity"] for g in gold) == 84
    made = {
        (p.nct_id, p.factual.group_title, p.factual.result.category, p.counterfactual.result.category)
        for p in built(OutcomeBuilder(), [g["nct_id"] for g in gold])
        if p.change.attribute == "time_frame"
    }
    refused = {i for i, g in enumerate(gold) if (g["nct_id"], g["group"], g["from_slot"], g["to_slot"]) not in made}
    wrong = {i for i, g in enumerate(gold) if not g["same_quantity"]}
    assert (len(refused & wrong), len(refused), len(wrong)) == (84, 85, 84), (
        sorted(gold[i]["nct_id"] for i in refused - wrong),
        sorted(gold[i]["nct_id"] for i in wrong - refused),
    )
    reasons = _skips(OutcomeBuilder(), "NCT00789373") | _skips(OutcomeBuilder(), "NCT03164616")
    assert {outcome_builder.SKIP_BASELINE_OF_CHANGE, outcome_builder.SKIP_PEAK_OR_TROUGH} <= reasons
    kept = [p for p in built(OutcomeBuilder(), ["NCT01788566"]) if "Necitumumab" in p.factual.outcome.title]
    assert {p.factual.result.category for p in kept} >= {"Predose Cycle 1 Day 8", "EOI Cycle 1 Day 1"}


@pytest.mark.parametrize(
    "nct_id,low,high",
    [
        ("NCT00191191", "Pemetrexed 500 mg/m2", "Pemetrexed 1000 mg/m2"),
        ("NCT01698684", "Avanafil 100 mg", "Avanafil 200 mg"),
        ("NCT03704688", "Phase I: Dose Level 1", "Phase I: Dose Level 2"),
        # one description spells out "intravenously (IV) every three weeks (Q3W) ... orally (PO)"
        ("NCT01211483", "Phase 2: U3-1287 9 mg/kg + Erlotinib", "Phase 2: U3-1287 18 mg/kg + Erlotinib"),
    ],
)
def test_dose_contrasts_written_two_ways(nct_id: str, low: str, high: str) -> None:
    """Trials that register each dose as its own intervention ("Pemetrexed 500 mg/m2" / "Pemetrexed
    1000 mg/m2", "Ponatinib 15 MG" / "Ponatinib 30 MG") give their arms intervention lists that
    differ only in the amounts: one intervention at two doses, not two treatments; a description
    that spells out the abbreviations of the other's says the same thing."""
    pairs = [p for p in DoseBuilder().build(trial(nct_id)) if isinstance(p, Pair)]
    assert pairs
    assert {(p.factual.group_title, p.counterfactual.group_title) for p in pairs} == {(low, high)}
    assert all(p.counterfactual.dose.value > p.factual.dose.value for p in pairs)


def test_analysed_shares_of_the_starters_at_a_late_visit() -> None:
    """Where a measure's own denominators are already those still assessed at its visit, the shares
    are read against how many each group started with (the participant flow): NCT02657434's
    symptoms at week 34 keep 44 of 286 on chemotherapy and 93 of 292 with atezolizumab, survivors
    on treatment, not the arms; NCT00540514's time to improvement of grade 3 neuropathy counts 62 of
    531 against 17 of 521. Early sets chosen by design are not read so (NCT00094835's motesanib
    trough on cycle 1 day 3, 3 of 9 against 9 of 11), nor flows whose periods enrol anew
    (NCT01737502's "Phase I" and "Phase II")."""
    assert started(trial("NCT01737502")) == {}
    assert started(trial("NCT02657434"))["arm b (carboplatin or cisplatin + pemetrexed)"] == 286
    arm_pairs = built(ArmBuilder(), ["NCT02657434", "NCT00540514"])
    assert not [p for p in arm_pairs if p.factual.result.category == "Dyspnoea: Week 34"]
    assert not [
        p
        for p in arm_pairs
        if "Peripheral Neuropathy" in p.factual.outcome.title and "Time to" in p.factual.outcome.title
    ]
    trough = [
        p
        for p in built(DoseBuilder(), ["NCT00094835"])
        if p.factual.outcome.title.startswith("Trough Plasma Concentration at 24 Hours")
    ]
    assert trough
