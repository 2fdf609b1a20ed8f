"""Same population, concurrent: ctpairs.cohorts on real group titles and descriptions."""

from __future__ import annotations

import pytest

from ctpairs import cohorts
from ctpairs.model.trial import Measure, ResultGroup


def _group(title: str, description: str = "") -> ResultGroup:
    return ResultGroup("OG000", title, description, None, "/resultsSection/x")


@pytest.mark.parametrize(
    "a,b,reason",
    [
        # pooled groups (NCT02082210, NCT02648724, NCT01045421)
        ("All Parts - 750 mg Emibetuzumab", "Part A - 750 mg Emibetuzumab", cohorts.SKIP_POOLED),
        ("Part 1: Dose-Escalation (4 Arms Combined)", "6 mg/kg", cohorts.SKIP_POOLED),
        ("Phase 1: MLN8237 50 mg (Including Pancreatic Cancer)", "Phase 1: MLN8237 40 mg", cohorts.SKIP_POOLED),
        # two cohorts posted together (NCT02031458, NCT02039674)
        ("Cohorts 2 + 3", "Cohort 2: Second Line Atezolizumab", cohorts.SKIP_POOLED),
        ("Part 2 Cohorts D4 & H (Pembro 2mg/kg+I)", "Part 2 Cohort G+ (Pembro 200 mg+Pe+C)", cohorts.SKIP_POOLED),
        # parts and phases (NCT02082210, NCT02108964, NCT00531284)
        ("Part A - 750 mg Emibetuzumab", "Part B - Gastric", cohorts.SKIP_PARTS),
        ("EGF816 75 mg (Phase I Part)", "EGF816 150 mg (Phase II Part)", cohorts.SKIP_PARTS),
        ("P1B ST: CFZ 36 mg/m²", "ST: CFZ 36 mg/m²", cohorts.SKIP_PARTS),
        # stages: lead-in vs double-blind, randomized vs crossover phase (NCT00602030, NCT02737501)
        (
            "Lead-in Phase: Erlotinib + Entinostat 10 mg",
            "Double-blind Phase: Erlotinib + Entinostat 10 mg",
            cohorts.SKIP_STAGES,
        ),
        (
            "Randomized Phase: Crizotinib 250 mg BID",
            "Crossover Phase: Brigatinib 90 mg QD/180 mg QD",
            cohorts.SKIP_STAGES,
        ),
        ("Continuation Atezolizumab IV", "Crossover Atezolizumab SC", cohorts.SKIP_STAGES),
        # crossover periods and time points (NCT05171777, NCT01063855)
        ("Atezolizumab IV/ SC (Cycles 1 to 3)", "Atezolizumab SC/IV (Cycles 4 to 6)", cohorts.SKIP_PERIODS),
        ("PDE5I + Placebo (Baseline)", "PDE5I + Placebo (Week 12)", cohorts.SKIP_PERIODS),
        # populations (NCT03974022)
        (
            "Part A Dose Expansion Cohort 4: Sunvozertinib 300 mg; Dosing With a Low-fat Meal",
            "Part A Dose Expansion Cohort 5: Treatment naïve, Sunvozertinib 300 mg, Dosing With a Low-fat Meal",
            cohorts.SKIP_POPULATIONS,
        ),
        # fed vs fasted (NCT01871805)
        ("Alectinib 300 mg (Fasted): Phase I", "Alectinib 460 mg (Fed): Phase I", cohorts.SKIP_CONDITIONS),
        # subgroups defined by a participant characteristic (NCT01639001, NCT00828841, NCT01229150)
        (
            "Participants With Positive ALK FISH Status",
            "Participants With Negative ALK FISH Status",
            cohorts.SKIP_SUBGROUPS,
        ),
        ("Squamous Cell Histology", "Non-squamous Cell Histology", cohorts.SKIP_SUBGROUPS),
        ("KRAS Mut 1", "WT KRAS 1", cohorts.SKIP_SUBGROUPS),
        ("KRAS Mut 1", "KRAS Mut 2", None),
        # a catch-all group pools the rest (NCT00257608); named sub-studies (NCT02658890)
        ("Carboplatin + Docetaxel", "Other", cohorts.SKIP_POOLED),
        ("Food Effect/ Relative BA (FE BA) Substudy", "QTc Substudy", cohorts.SKIP_PARTS),
        # a safety portion beside the randomized arms (NCT00806286); prior-therapy cohorts
        ("CS7017+Carboplatin+Paclitaxel", "Safety Portion", cohorts.SKIP_NON_RANDOMIZED),
        ("Part 2: Exp NSCLC I-O Naive", "Part 2: Exp NSCLC Anti-PDL1", cohorts.SKIP_POPULATIONS),
        # the same population: dose levels of one part (NCT03455829)
        ("Part 1: Cohort 1 Lerociclib at 200 mg QD", "Part 1: Cohort 2 Lerociclib at 300 mg QD", None),
        ("Avanafil 50 mg", "Avanafil 200 mg", None),
        # registry-style titles none of the shared records uses: a population and its complement,
        # biomarker levels and mismatch-repair status, a two-stage design's stages and disease stages
        ("Drug X - Asian participants", "Drug X - Non-Asian participants", cohorts.SKIP_POPULATIONS),
        ("Drug X (Non-Japanese)", "Drug X (Japanese)", cohorts.SKIP_POPULATIONS),
        ("PD-L1 High: Drug X", "PD-L1 Low: Drug X", cohorts.SKIP_SUBGROUPS),
        ("MSI-H: Drug X", "MSS: Drug X", cohorts.SKIP_SUBGROUPS),
        ("dMMR Cohort", "pMMR Cohort", cohorts.SKIP_SUBGROUPS),
        ("Stage 1: Drug X 100 mg", "Stage 2: Drug X 100 mg", cohorts.SKIP_PARTS),
        ("Stage III NSCLC: Drug X", "Stage IV NSCLC: Drug X", cohorts.SKIP_PARTS),
        # ... and what stays a contrast: two doses, one stage range named by both (NCT00577707)
        ("High Dose", "Low Dose", None),
        (
            "Patients With Stage IB-IIIA NSCLC With EGFR Mutations: Drug X",
            "Patients With Stage IB-IIIA NSCLC With EGFR Mutations: Placebo",
            None,
        ),
        # a pool named after its drug (NCT04249362's "Durvalumab Total" beside its cohorts A and B)
        ("Durvalumab Total", "Durvalumab Cohort A: Standard Radiotherapy (RT)", cohorts.SKIP_POOLED),
        ("Both Arms", "Drug X", cohorts.SKIP_POOLED),
        ("Drug X Combined", "Drug X 10 mg", cohorts.SKIP_POOLED),
        ("Drug X (Overall)", "Drug X (Japan)", cohorts.SKIP_POOLED),
        ("Drug X Combined With Drug Y", "Drug Y", None),  # a combination, not a pool
        # registry-style titles: a control that did not run beside the trial's groups
        ("Historical Control", "Drug X 10 mg", cohorts.SKIP_NOT_CONCURRENT),
        ("Drug X", "External Control Cohort", cohorts.SKIP_NOT_CONCURRENT),
        # ... and what stays a contrast: a concurrent control, a population that is not a pool
        ("Control Group", "Drug X 10 mg", None),
        ("Untreated Brain Metastases From Melanoma", "Untreated Brain Metastases From Melanoma: Drug X", None),
        # crossover sequences spelled out, and the real NCT05171777's "IV/SC" beside "SC/IV"
        ("Drug X Then Placebo", "Placebo Then Drug X", cohorts.SKIP_PERIODS),
        ("Atezolizumab IV/SC", "Atezolizumab SC/IV", cohorts.SKIP_PERIODS),
        ("Drug X: Cycle 1", "Drug X: Cycle 2", cohorts.SKIP_PERIODS),
        ("Drug X: Crossed over from placebo", "Drug X", cohorts.SKIP_STAGES),
        # lines of therapy (NCT02031458's cohorts) and a population's complement
        ("Cohort 1: First Line Atezolizumab", "Cohort 2: Second Line Atezolizumab", cohorts.SKIP_POPULATIONS),
        ("1L Drug X", "2L+ Drug X", cohorts.SKIP_POPULATIONS),
        ("Elderly: Drug X", "Non-elderly: Drug X", cohorts.SKIP_POPULATIONS),
        # body size and performance status classes
        ("Drug X: Body weight < 60 kg", "Drug X: Body weight >= 60 kg", cohorts.SKIP_SUBGROUPS),
        ("Drug X: BMI < 30", "Drug X: BMI >= 30", cohorts.SKIP_SUBGROUPS),
        ("Drug X (ECOG 0)", "Drug X (ECOG 1)", cohorts.SKIP_SUBGROUPS),
        ("Drug X 10 mg (< 40 kg)", "Drug X 20 mg (>= 40 kg)", cohorts.SKIP_SUBGROUPS),  # a weight band
        ("Drug X 10 mg, HER2+", "Drug X 20 mg, HER2-", cohorts.SKIP_SUBGROUPS),  # a marker's sign
        ("Placebo, Moderate", "Drug X, Severe", cohorts.SKIP_SUBGROUPS),  # a clinical class
        ("Placebo (Study 1)", "Drug X (Study 2)", cohorts.SKIP_PARTS),  # two studies pooled in one record
        # ... and what stays a contrast: two combinations, a description's "second line use" (NCT00556322)
        ("Docetaxel/Carboplatin", "Pemetrexed/Carboplatin", None),
        ("Nivolumab 3 mg/kg + Ipilimumab 1 mg/kg", "Nivolumab 1 mg/kg + Ipilimumab 3 mg/kg", None),
        ("Drug X Q3W (21-day cycles)", "Drug X Q2W (14-day cycles)", None),
        ("Drug X 10 mg/kg", "Drug X 20 mg/kg", None),
        ("Drug X + Drug Y", "Drug X", None),
    ],
)
def test_concurrency_skip(a: str, b: str, reason: str | None) -> None:
    assert cohorts.concurrency_skip(_group(a), _group(b)) == reason


def test_regional_and_healthy_cohorts() -> None:
    assert cohorts.concurrency_skip(_group("Global Cohort: Drug 10 mg"), _group("China Cohort: Drug 10 mg")) == (
        cohorts.SKIP_POPULATIONS
    )
    healthy = _group("Drug 10 mg", "Healthy participants received a single dose of drug 10 mg.")
    patients = _group("Drug 20 mg", "Participants with hepatic impairment received a single dose of drug 20 mg.")
    assert cohorts.concurrency_skip(healthy, patients) == cohorts.SKIP_POPULATIONS


@pytest.mark.parametrize(
    ("title", "escalation"),
    [
        ("Part 1: BMS50 (ESC)", True),  # NCT02658890
        ("Part 1: BMS100+NIV240(ESC)", True),
        ("Dose Esc Cohort 3: 40 mg", True),
        ("Part A Dose Expansion Cohort 1: Sunvozertinib 200 mg", True),  # NCT03974022
        ("Escitalopram 10 mg", False),
        ("ESCAPE Regimen", False),
        ("Esc. Arm", False),  # lower case alone is not the abbreviation
    ],
)
def test_escalation_cohorts_in_titles(title: str, escalation: bool) -> None:
    assert cohorts.group_context(_group(title)).non_randomized is escalation


def test_crossed_over_groups_are_another_stage() -> None:
    """NCT01828112: "Chemotherapy/Ceritinib", the participants who crossed over to ceritinib."""
    crossed = _group(
        "Chemotherapy/Ceritinib",
        "Patients randomized to chemotherapy who crossed over to ceritinib at the extension treatment phase",
    )
    assert cohorts.concurrency_skip(_group("Ceritinib", "Ceritinib 750 mg"), crossed) == cohorts.SKIP_STAGES


def test_a_group_with_its_own_eligibility_criteria() -> None:
    """NCT01928576: arm F's description states who could enter it; arm B's states none. Two groups
    stating the same criteria, or none, are one population."""
    arm_b = _group("ARM B", "Every 28 days for 2 cycles. CC-486 300 mg by mouth days 1 - 21.")
    arm_f = _group(
        "Arm F",
        "Patients must have had recurrent (Arm F=more than 24 weeks from first dose of anti-PD1/PD-L1) disease "
        "during or after anti-PD-1 or anti-PD-L1 therapy. Nivolumab 3mg/kg every 2 weeks.",
    )
    assert cohorts.concurrency_skip(arm_b, arm_f) == cohorts.SKIP_POPULATIONS
    # who was analysed is no criterion of entry
    analysed = _group("Arm A", "Participants must have received at least one dose of Drug X.")
    assert cohorts.concurrency_skip(analysed, _group("Arm B", "Placebo daily.")) is None
    naive = _group("Arm C", "Patients must be EGFR TKI-naive. Drug X 10 mg daily.")
    assert cohorts.concurrency_skip(naive, _group("Arm D", "Drug Y daily.")) == cohorts.SKIP_POPULATIONS
    same = "Patients must have had one prior line of therapy. Drug X 10 mg daily."
    assert cohorts.concurrency_skip(_group("Arm A", same), _group("Arm B", same.replace("Drug X", "Drug Y"))) is None


def _groups(*titles: str) -> list[ResultGroup]:
    return [ResultGroup(f"OG{i:03d}", t, "", None, f"/g/{i}") for i, t in enumerate(titles)]


def test_strata_are_labels_shared_by_several_groups() -> None:
    """NCT02574078: "Group B, Nivo" and "Group B, BSC" are two arms of the population "Group B";
    NCT01194453's "Group A" and "Group B" are the arms themselves."""
    nivo_b, bsc_b, nivo_c, icc_c, e = _groups(
        "Group B, Nivo", "Group B, BSC", "Group C, Nivo", "Group C, ICC", "Group E"
    )
    layers = cohorts.strata([nivo_b, bsc_b, nivo_c, icc_c, e])
    assert layers == {nivo_b.id: "group b", bsc_b.id: "group b", nivo_c.id: "group c", icc_c.id: "group c"}
    assert cohorts.stratum_skip(layers, bsc_b, nivo_b) is None
    assert cohorts.stratum_skip(layers, bsc_b, icc_c) == cohorts.SKIP_COHORTS
    assert cohorts.stratum_skip(layers, nivo_c, e) == cohorts.SKIP_COHORTS
    a, b = _groups("Group A", "Group B")
    assert cohorts.strata([a, b]) == {}
    assert cohorts.stratum_skip({}, a, b) is None


def _measure(title: str, population: str | None = None) -> Measure:
    return Measure(
        0, "outcome", "SECONDARY", title, None, population, None, None, None, None, None, [], {}, None, [], [], ""
    )


@pytest.mark.parametrize(
    "title,population,expected",
    [
        ("Duration of Response (DOR) Assessed by Investigator Per RECIST Version 1.1", None, True),
        ("Response Duration (RD)", None, True),  # NCT01529112
        ("Remission Duration", None, True),
        ("Time to Response (TTR)", None, True),
        ("Objective Response Rate (ORR)", "All participants who received at least one dose", False),
        ("Progression-free Survival", "Participants with a confirmed objective response", True),
        ("Percentage of Responders", "Full analysis set", False),
    ],
)
def test_responders_only(title: str, population: str | None, expected: bool) -> None:
    assert cohorts.responders_only(_measure(title, population)) is expected


def test_cohort_skip_for_arm_contrasts() -> None:
    """NCT02039674: Part 1 cohorts A2 and F are enrolled side by side, not randomized."""
    a = _group("Part1 Cohort A2 (Pembro 2 mg/kg+Paclitaxel [Pa]+Carboplatin [C])")
    f = _group("Part 1 Cohort F (Pembro 2 mg/kg+Gefitinib)")
    assert cohorts.concurrency_skip(a, f) is None  # same part: a dose contrast may still hold
    assert cohorts.cohort_skip(a, f) == cohorts.SKIP_COHORTS
    assert cohorts.cohort_skip(_group("Arm A: Drug"), _group("Arm B: Placebo")) is None
    # strata are named populations too, even when each holds one group of the measure
    assert cohorts.cohort_skip(_group("Placebo, Stratum A"), _group("Drug X, Stratum B")) == cohorts.SKIP_COHORTS


@pytest.mark.parametrize(
    "text,named",
    [
        # NCT01130532's groups of its open-label period, NCT00602030's lead-in, NCT02737501's crossover
        (
            "5.0 mg Tadalafil for 4 weeks during open-label extension treatment period (Period IV).",
            {"open-label", "extension"},
        ),
        ("Lead-in Phase: Erlotinib + Entinostat 10 mg", {"run-in"}),
        ("Crossover Phase: Brigatinib 90 mg QD/180 mg QD", {"crossover"}),
        # a dosing schedule and an expansion cohort name no stage (NCT02658890)
        ("5.0 mg Tadalafil for 12 weeks during double-blind treatment period (Period III).", {"double-blind"}),
        ("BMS-986205 100mg + nivolumab 480mg", set()),
        ("Extension Cohort 2: nivolumab", set()),
    ],
)
def test_stages_read_from_real_texts(text: str, named: set[str]) -> None:
    assert cohorts.stages(text) == named


def test_a_line_of_therapy_is_read_in_titles_only() -> None:
    """NCT00556322's comparator is described as registered "for second line use"; its erlotinib arm
    is not a different line of therapy."""
    comparator = _group(
        "Comparator",
        "Choice of comparator was left to the discretion of the investigator in countries where both treatments "
        "are registered to use and are commercially available for second line use",
    )
    assert cohorts.concurrency_skip(comparator, _group("Erlotinib")) is None


@pytest.mark.parametrize(
    "a,b,reason",
    [
        # a description's heading names its group's stage, as a title would
        (
            ("Placebo", "Double-blind period: participants received placebo infusions every 24 weeks."),
            ("Ocrelizumab", "Open-label extension: participants received ocrelizumab 600 mg IV every 24 weeks."),
            cohorts.SKIP_STAGES,
        ),
        # who a description speaks of: an age band, a renal band with decimals, a region, a history
        (
            ("Placebo", "Participants aged 12 to 17 years with atopic dermatitis received placebo."),
            ("Dupilumab", "Participants aged 18 years and older with atopic dermatitis received dupilumab."),
            cohorts.SKIP_SUBGROUPS,
        ),
        (
            ("Placebo", "Participants with eGFR 20 to <45 mL/min/1.73 m² received placebo once daily."),
            ("Empagliflozin", "Participants with eGFR ≥45 mL/min/1.73 m² received empagliflozin 10 mg once daily."),
            cohorts.SKIP_SUBGROUPS,
        ),
        (
            ("Placebo", "Participants enrolled at sites in Japan received placebo IV every 4 weeks."),
            ("Mirikizumab", "Participants enrolled at sites outside Japan received mirikizumab 300 mg IV."),
            cohorts.SKIP_SUBGROUPS,
        ),
        (
            ("Arm 1", "Patients with previously untreated metastatic colorectal cancer received FOLFOX."),
            ("Arm 2", "Patients whose disease progressed after first-line therapy received FOLFIRI."),
            cohorts.SKIP_SUBGROUPS,
        ),
        # ... and not what a description says of a later step (NCT02041533: "Participants who
        # progressed on or after chemotherapy could be eligible to receive optional crossover")
        (
            ("Nivolumab", "Nivolumab 3mg/kg IV infusion, every 2 weeks until disease progression"),
            (
                "Chemotherapy",
                "Administered in 3-week cycles for up to 6 cycles: Participants who progressed on or"
                " after chemotherapy could be eligible to receive optional crossover nivolumab.",
            ),
            None,
        ),
        (
            ("Placebo", "Participants in Japan received placebo."),
            ("Drug X", "Participants in Japan received Drug X."),
            None,
        ),
        # a country and its people are one region
        (
            ("Drug X", "Japanese participants received Drug X."),
            ("Placebo", "Participants in Japan received placebo."),
            None,
        ),
        # a heading that is a schedule names no period of the trial ...
        (("Drug X", "Weeks 1-12: drug X 10 mg; Weeks 13-24: 20 mg"), ("Placebo", "Weeks 1-24: placebo"), None),
        # ... one that names the two sides of a change of care does
        (
            ("Usual Care", "Pre-implementation period (2016 to 2017): usual care."),
            ("Sepsis Bundle", "Post-implementation period (2017 to 2018): the hour-1 bundle."),
            cohorts.SKIP_PERIODS,
        ),
    ],
)
def test_what_descriptions_say_of_the_participants(a: tuple[str, str], b: tuple[str, str], reason: str | None) -> None:
    assert cohorts.concurrency_skip(_group(*a), _group(*b)) == reason


def test_strata_named_by_the_end_of_titles() -> None:
    """Titles ending in their stratum after a dash, two or more strata of several groups each."""
    titles = [
        "Ustekinumab 130 mg - TNF Failure",
        "Placebo - TNF Failure",
        "Ustekinumab 130 mg - Conventional Failure",
        "Placebo - Conventional Failure",
    ]
    groups = [ResultGroup(f"OG{i:03d}", t, "", None, f"/g/{i}") for i, t in enumerate(titles)]
    layers = cohorts.strata(groups)
    assert layers["OG000"] == layers["OG001"] != layers["OG002"] == layers["OG003"]
    assert cohorts.stratum_skip(layers, groups[0], groups[3]) == cohorts.SKIP_COHORTS
    assert cohorts.stratum_skip(layers, groups[0], groups[1]) is None
    # what is said of a treatment (a schedule, a route, an amount) is no stratum
    schedules = ["Drug X - Once Daily", "Placebo - Once Daily", "Drug X - Twice Daily", "Placebo - Twice Daily"]
    assert cohorts.strata([ResultGroup(f"OG{i:03d}", t, "", None, "/g") for i, t in enumerate(schedules)]) == {}
