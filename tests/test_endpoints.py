"""The endpoint parser (ctpairs.endpoints) on real measure titles of the shared records, and the
approximate builders' outcome match that uses it."""

from __future__ import annotations

import json
from dataclasses import replace
from types import SimpleNamespace

import pytest
from rapidfuzz import fuzz

from ctpairs.endpoints import (
    analytes,
    constructs,
    endpoint_core,
    is_kaplan_meier_rate,
    is_missing_data,
    is_placeholder_change,
    is_score_scale,
    is_time_to_event,
    mixes_peak_and_trough,
    names_change,
    score_ranges,
    specifics,
)
from ctpairs.model.parse import parse_trial
from ctpairs.retrieval.approximate import OUTCOME_TITLE_MATCH, outcome_key, outcome_matches
from tests._data import DATA
from tests._gold import trial


@pytest.mark.parametrize(
    "title,expected",
    [
        ("Percentage of Participants With a Complete Response (CR) or Partial Response (PR)", {"response"}),
        (
            "Percentage of Participants Who Achieved a Best Response of Complete Response (CR), Partial Response (PR) "
            "or Stable Disease (SD)",
            {"response", "disease control"},
        ),
        ("Central Nervous System (CNS) Disease Control Rate (Cohort A and C)", {"disease control"}),
        ("Percentage of Participants With Local-regional Progression", {"progression"}),
        (
            "Percentage of Participants Alive Without Progression (Progression-free Survival)",
            {"progression-free survival"},
        ),
        ("Time to Objective Progression of Brain Metastases", {"time to progression"}),
        ("Overall Survival (OS); D + SoC Compared With SoC Alone", {"overall survival"}),
        ("Pharmacokinetics: Maximum Plasma Concentration (Cmax) of LY2452473", {"maximum concentration"}),
        ("Pharmacokinetics (PK): Minimum Concentration (Cmin) of Necitumumab", {"trough concentration"}),
        ("Phase 1: Terminal Elimination Half-Life (t½)", {"half-life"}),
        ("Change From Baseline in Total International Prostate Symptom Score (IPSS) at Week 12", set()),
    ],
)
def test_constructs_of_real_titles(title: str, expected: set[str]) -> None:
    assert constructs(title) == expected


def test_approximate_outcomes_name_the_same_endpoints() -> None:
    """Two trials' measures match only when they name the same endpoints: a real Cmin measure
    (NCT00982111) against the same measure titled as Cmax (titles alike enough to match: ratio 94)
    is no match; reworded, it still is."""
    measure = next(m for m in trial("NCT00982111").results.outcome_measures if "(Cmin)" in m.title)

    def key(title: str):
        return outcome_key(SimpleNamespace(measure=replace(measure, title=title)))  # type: ignore[arg-type]

    cmin, cmax = key(measure.title), key("Pharmacokinetics (PK): Maximum Concentration (Cmax) of Necitumumab")
    assert fuzz.token_sort_ratio(cmin[-1][1], cmax[-1][1]) >= OUTCOME_TITLE_MATCH  # the titles alone would match
    assert not outcome_matches(cmin, cmax)
    assert outcome_matches(cmin, key("Pharmacokinetics (PK): Minimum Concentration (Cmin) of necitumumab"))
    assert outcome_matches(cmin, key("Pharmacokinetics: Minimum Concentration (Cmin) of Necitumumab"))


def test_specifics_of_real_titles() -> None:
    assert specifics("Time to True Deterioration (TTD) in EORTC QLQ-LC13 Cough (Item 31) Scale Score") == {
        "n:13",
        "n:31",
    }
    # trial-part labels, drug amounts and time phrases are not the outcome's numbers, nor an
    # acronym that repeats the time (NCT02352948)
    assert specifics("Phase 2: Progression-free Survival (PFS)") == specifics("Progression-free Survival (PFS)")
    assert specifics("Progression Free Survival Rate (PFSR) at 1 Year - Parts 2 and 3") == frozenset()
    assert (
        specifics("Percentage of Participants Alive and Progression Free at 6 Months (APF6)")
        == specifics("Percentage of Participants Alive and Progression Free at 12 Months (APF12)")
        == frozenset()
    )
    # a number that is not the time stays, whatever time the title states (NCT00094835)
    assert specifics("Estimated Terminal-phase Half-life (t1/2,z) of Motesanib in Cycle 1") == {"n:1", "n:2"}
    assert specifics("Estimated Terminal-phase Half-life (t1/2,z) of Motesanib in Cycle 2") == {"n:1", "n:2"}
    assert specifics(
        "Change From Baseline in Total International Prostate Symptom Score (IPSS) at Week 12 Endpoint (2.5 mg)"
    ) == {"change"}
    assert "part:orgasmic function" in specifics(
        "Change in Orgasmic Function Domain Score Assessed by IIEF, Baseline to Week 12/Final Visit, mITT, LOCF"
    )
    assert "part:overall satisfaction" in specifics(
        "Change From Baseline to 12-Week Endpoint in the International Index of Erectile Function - Overall "
        "Satisfaction (IIEF-OS) Domain Score"
    )
    # an acronym that repeats a time written in words (NCT01951157)
    assert specifics("Progression-free Survival Rate at Four Months (PFS4)") == frozenset()
    assert specifics("Progression-free Survival Rate at Six Months (PFS6)") == frozenset()
    # which dose a title counts from (NCT02945046: the weeks after the third dose are not those after the first)
    third, first = (
        specifics(
            f"Mean Change From Baseline in Weekly Average Number of CH Attacks During the {w}-Week Period "
            f"After Administration of the {n} Dose of the IMP"
        )
        for w, n in (("4", "Third"), ("12", "First"))
    )
    assert "after:third dose" in third and "after:first dose" in first
    assert specifics("GMT 28 Days After the Second Vaccination") == {"after:second vaccination"}
    # "IIEF-OS" is the overall satisfaction domain, not overall survival
    assert constructs("International Index of Erectile Function - Overall Satisfaction (IIEF-OS) Domain Score") == set()


def test_cross_trial_outcome_match_against_hand_labelled_title_pairs() -> None:
    """Every pair of outcome measures of two shared records with the same unit, parameter type and
    time frame whose titles the fuzzy match alone takes for one (token_sort_ratio >= 85): 38,
    labelled by hand (tests/data/gold/outcome_title_pairs.json). The title ratio alone had
    precision 24/38; with the endpoints and specifics the match gets every one right."""
    gold = json.loads((DATA / "gold" / "outcome_title_pairs.json").read_text())
    assert len(gold) == 38 and sum(g["verdict"] == "different" for g in gold) == 14

    def key(side: dict):
        measure = SimpleNamespace(
            unit=side["unit"], param_type=side["param_type"], time_frame=side["time_frame"], title=side["title"]
        )
        return outcome_key(SimpleNamespace(measure=measure))  # type: ignore[arg-type]

    wrong = []
    for g in gold:
        a, b = key(g["a"]), key(g["b"])
        assert fuzz.token_sort_ratio(a[-1][1], b[-1][1]) >= OUTCOME_TITLE_MATCH  # the title ratio alone: a match
        if outcome_matches(a, b) != (g["verdict"] == "same"):
            wrong.append((g["a"]["title"], g["b"]["title"], g["reason"]))
    assert wrong == []


@pytest.mark.parametrize(
    "title,qualifiers",
    [
        (
            "Number of Participants With Treatment-emergent Adverse Events as a Measure of Safety and Tolerability",
            {"emergent"},
        ),
        ("Number of Patients With a Treatment-Related Adverse Event as a Measure of Safety.", {"related"}),
        ("Percentage of Participants With Grade 3 or Higher Immune-related AEs", {"immune"}),
        ("Participants With Severe Non-hematologic Adverse Events", {"severe"}),
        (
            "Number of Participants With Any Treatment-emergent Adverse Events (AEs), Serious Adverse Events (SAEs), "
            "Deaths, and AEs Leading to Discontinuation of at Least One Study Drug, - Treated Population",
            {"emergent", "serious", "fatal", "discontinuation"},
        ),
        ("Number of Subjects With Normal and Abnormal Hematological Parameters", set()),
    ],
)
def test_qualifiers_of_real_titles(title: str, qualifiers: set[str]) -> None:
    """Words that narrow an endpoint to other events (real titles of the shared records): adverse
    events that emerged on treatment are not those related to it, nor serious or severe ones."""
    assert {t.removeprefix("q:") for t in specifics(title) if t.startswith("q:")} == qualifiers


def test_missing_data_labels_against_hand_labels() -> None:
    """Every class or category label of the shared records' outcome measures that names missing,
    unknown, not done, not evaluable, not applicable... data anywhere (154), labelled by hand
    (tests/data/gold/missing_data_labels.json, reading the measure where the label alone did not
    tell). Precision 1.000; recall 150/151: "Any Grade Unknown AEs" is missed."""
    from ctpairs.endpoints import is_missing_data

    gold = json.loads((DATA / "gold" / "missing_data_labels.json").read_text())
    assert len(gold) == 154
    said = {g["label"]: is_missing_data(g["label"]) for g in gold}
    true = {g["label"] for g in gold if g["missing_data"]}
    found = {label for label, missing in said.items() if missing}
    assert found <= true  # precision 1.000
    assert true - found == {"Any Grade Unknown AEs"}
    for label in ("Deaths due to unknown causes", "Infection (Unknown: Pneumonia)", "Indeterminate"):
        assert not is_missing_data(label)


def test_values_of_missing_data_rows_are_not_observations() -> None:
    """NCT01026818 posts, per visit, how many participants had no answer ("Missing"): no pair of
    any builder contrasts them; its answered categories still pair."""
    from ctpairs.builders.outcome import OutcomeBuilder

    from ctpairs.schema import Pair

    pairs = [p for p in OutcomeBuilder().build(trial("NCT01026818")) if isinstance(p, Pair)]
    categories = {p.factual.result.category for p in pairs} | {p.counterfactual.result.category for p in pairs}
    assert pairs and not any(c and "Missing" in c for c in categories)
    assert any(c and "A little better" in c for c in categories)


@pytest.mark.parametrize(
    ("unit", "score"),
    [
        ("units on a scale", True),
        ("Score on a scale of 0-63", True),
        ("score on a sclae", True),  # as posted
        ("EQ-5D-5L score", True),
        ("mms on a visual analogue scale", True),
        ("percentage of participants", False),
        ("months", False),
        ("ng*hr/mL", False),
        ("Participants", False),
        (None, False),
    ],
)
def test_score_scale_units_on_real_strings(unit, score) -> None:
    assert is_score_scale(unit) is score


@pytest.mark.parametrize(
    "title,change",
    [
        ("Change From Baseline in EuroQol Instrument (EQ-5D) Visual Analog Scale (VAS)", True),
        ("Mean Change of Questionnaire EQ-5D-3L (Euroqol- 5D-3L) From Baseline to After 2 Weeks Treatment", True),
        ("Change in Participant-reported Outcomes as Assessed by the EORTC: Need to Rest", True),
        ("Percent Change From Baseline in Investigator's Global Assessment (IGA) Score at Weeks 2, 4, 8, and 12", True),
        ("EORTC QLQ-C30 Questionnaire Score: Functional Subscales", False),
        ("Number of Participants Who Perceived Improvement of CH-Associated Pain From Baseline", False),
        ("Residual Erectile Function (REF) at Baseline", False),
        (None, False),
    ],
)
def test_change_titles_on_real_strings(title, change) -> None:
    assert names_change(title) is change


@pytest.mark.parametrize(
    "title,label,mixed",
    [
        ("Pharmacokinetics (PK) of Durvalumab; Peak and Trough Serum Concentrations", "Week 0", True),
        ("PK of Tremelimumab; Peak and Trough Serum Concentrations", "Follow-up (3 months)", True),
        (
            "Pharmacokinetics (PK) of Durvalumab; Peak and Trough Serum Concentrations",
            "Week 8: trough concentration",
            False,
        ),
        (
            "Pharmacokinetics (PK): Minimum (Cmin) Maximum Concentration (Cmax) of Necitumumab",
            "Predose Cycle 2 Day 1",
            False,
        ),
        (
            "Pharmacokinetics (PK): Minimum (Cmin) Maximum Concentration (Cmax) of Necitumumab",
            "EOI Cycle 3 Day 1",
            False,
        ),
        (
            "Phase 1 Part: Maximum Observed Concentration (Cmax) and Minimum Observed Concentration (Cmin)",
            "Day 23: Cmin",
            False,
        ),
        ("Pharmacokinetics: Trough Level [Ctrough]", "Cycle 7", False),
        ("Observed Maximum Plasma Concentration (Cmax) of EGF816", "EFG816: C2D1", False),
    ],
)
def test_peak_and_trough_rows_on_real_strings(title, label, mixed) -> None:
    assert mixes_peak_and_trough(title, label) is mixed


@pytest.mark.parametrize(
    ("title", "description", "expected"),
    [
        ("Overall Survial", None, True),
        ("Local Failure Free Survival", None, True),
        ("Efficacy of Atezolizumab in Combination With Bevacizumab - PFS", None, True),
        ("Time to Neurological Progression (TNP)", None, True),
        ("Time to Deterioration of Disease-related Symptoms (TDS) by FACT-L Pulmonary Symptom Index (PSI)", None, True),
        ("Duration of CR or PR: Duration of Intracranial Response (DOIR)", None, True),
        ("DoR; FAS Population", None, True),
        (
            "Time to Response (TTR) by BIRC Assessment",
            "Patients who had not achieved a confirmed CR or PR were censored at the last adequate tumor assessment",
            True,
        ),
        ("Time to Response (TTR) Per BIRC", "TTR was defined as the time from date of randomization", False),
        ("Time to Reach Maximum Observed Plasma Concentration (Tmax)", None, False),
        ("Median Time to Onset of Any Grade Select Adverse Events", None, False),
        ("Duration of Hospitalization", None, False),
        ("Percentage of Participants With a Complete Response (CR) or Partial Response (PR)", None, False),
    ],
)
def test_time_to_event_on_real_strings(title, description, expected) -> None:
    assert is_time_to_event(title, description) is expected


def _told_apart(name: str, truth: str, rule) -> tuple[set[int], set[int]]:
    """(the measures of a hand-labelled gold file that ``rule(title, description)`` marks, those
    the hand labels mark in the field ``truth``), as indices into the file."""
    gold = json.loads((DATA / "gold" / name).read_text())
    said = set()
    for i, g in enumerate(gold):
        measure = trial(g["nct_id"]).results.outcome_measures[g["measure_index"]]
        assert measure.title == g["measure"]
        if rule(measure.title, measure.description):
            said.add(i)
    assert {"time_to_event_measures.json": 242, "kaplan_meier_rates.json": 14, "landmark_rates.json": 34}[name] == len(
        gold
    )
    return said, {i for i, g in enumerate(gold) if g[truth]}


def test_time_to_event_against_hand_labels() -> None:
    """Every measure of the shared records that posts a median with its full range or quartiles
    (the statistic whose test reads them as a complete sample), 242, each read by hand
    (tests/data/gold/time_to_event_measures.json): 78 are times to an event under censoring
    (survival, time to progression or deterioration, duration of response, and a "Time to
    Response" its description says was censored). Telling them has precision 78/78 and recall
    78/78; the 164 others include 32 pharmacokinetic times (Tmax, Tlast), 18 times to response among
    responders and durations of hospital stay."""
    said, events = _told_apart("time_to_event_measures.json", "time_to_event", is_time_to_event)
    assert (len(events), len(said & events), len(said)) == (78, 78, 78)


def test_kaplan_meier_rates_against_hand_labels() -> None:
    """Every measure of the shared records posting percentages without a CI whose title or
    description names the Kaplan-Meier (or product-limit) method, 14, read by hand
    (tests/data/gold/kaplan_meier_rates.json): 9 post Kaplan-Meier rates ("One-, Two- and Three-year
    Survival Rate"), 5 the percentage of participants with the event, a count out of n, whose
    description names the method used for the survival curve. Telling them: 9/9 and 9/9 (the rule
    was written on these 14)."""
    said, rates = _told_apart("kaplan_meier_rates.json", "kaplan_meier", is_kaplan_meier_rate)
    assert len(rates) == 9 and said == rates


def test_landmark_rates_against_hand_labels() -> None:
    """Every measure of the shared records posting percentages without a CI whose title or
    description marks a time to an event and whose text does not name the Kaplan-Meier method, 34,
    read by hand (tests/data/gold/landmark_rates.json): 15 post a survival rate at a landmark or an
    endpoint's rate ("2-Year Survival", "6-month PFS", PALLAS's "Overall Survival (OS)" of 93.8%, a
    4-year estimate), whose follow-up censoring cuts short; 19 the percentage of participants with
    (or without) the event or who died, a count out of n. Telling them: 15/15 and 15/15 (the rule
    was written on these 34)."""
    said, rates = _told_apart("landmark_rates.json", "rate", is_kaplan_meier_rate)
    assert len(rates) == 15 and said == rates


@pytest.mark.parametrize(
    ("title", "description", "expected"),
    [
        ("Progression-free Survival @ 6 Months", "Estimated using the product-limit method of Kaplan and Meier.", True),
        ("Overall Survival Rate Using Kaplan Meier Estimates - Per Investigator Radiological Review", None, True),
        (
            "Overall Survival - Percentage of Participants With an Event",
            "estimated using the Kaplan-Meier method.",
            False,
        ),
        ("Percentage of Participants Who Died", "Kaplan-Meier estimates were used for analysis.", False),
        ("2-Year Survival", "Percentage of participants alive at 2 years.", True),
        (
            "Percentage of Participants With PFS Event of Disease Progression, as Per Investigator Assessment",
            None,
            False,
        ),
        ("Overall Survival : Percentage of Participants Without Event (Death)", None, False),
        (
            "Disease-free Survival of Two Radiotherapy Treatment Regimens in Patients With Stage II-III NSCLC",
            None,
            True,
        ),
        ("Percentage of Participants With a Complete Response (CR) or Partial Response (PR)", None, False),
    ],
)
def test_kaplan_meier_rates_on_real_strings(title, description, expected) -> None:
    assert is_kaplan_meier_rate(title, description) is expected


@pytest.mark.parametrize(
    ("param_type", "title", "unit", "value", "spread", "expected"),
    [
        (
            "mean",
            "Phase 1: Percent Change From Baseline in Dual Specificity Phosphatase 6 (DUSP6)",
            "percent change",
            0.0,
            0.0,
            True,
        ),
        (
            "mean",
            "Phase 1: Percent Change From Baseline in Dual Specificity Phosphatase 6 (DUSP6)",
            "percent change",
            -74.87,
            15.707,
            False,
        ),
        # an EORTC item: four patients with no change on a four-level item is data
        (
            "mean",
            "Change From Baseline in EORTC Quality of Life Questionnaire Lung Cancer 13",
            "units on a scale",
            0.0,
            0.0,
            False,
        ),
        # a level, not a change: a trough before the first dose is 0 in everyone
        ("mean", "Pharmacokinetics: Trough Level [Ctrough]", "ug/mL", 0.0, 0.0, False),
        ("mean", "Change From Baseline in SARS-CoV-2 Viral Load", "log10 copies per mL", 0.0, None, False),
        ("median", "Percent Change From Baseline in Body Weight", "percent change", 0.0, 0.0, False),
    ],
)
def test_placeholder_change_on_real_strings(param_type, title, unit, value, spread, expected) -> None:
    assert is_placeholder_change(param_type, title, unit, value, spread) is expected


def test_placeholder_changes_over_the_shared_records() -> None:
    """Every row of the 685 records that the rule calls a placeholder: NCT03037385's 0 (0) for
    three dose cohorts in two tumour biomarkers, beside changes like -74.87 (15.707) of the other
    cohorts (its pairs were "higher" at p = 2e-8 against 0); and two rows of NCT04431453's viral
    load change of 1 and 2 participants, perhaps real (below detection at both visits, a floor where
    values tie) and dropped wrongly, though too few for any test. The pairs lose these rows."""
    from tests._data import real_records

    flagged = []
    for record in real_records():
        t = parse_trial(record)
        for m in t.results.outcome_measures if t.results else ():
            for c in m.classes:
                for cat in c.categories:
                    for x in cat.measurements:
                        if is_placeholder_change(m.param_type, m.title, m.unit, x.value, x.spread):
                            flagged.append(
                                (t.nct_id, m.index, x.group_id, c.denoms.get(x.group_id) or m.denoms.get(x.group_id))
                            )
    assert flagged == [
        ("NCT03037385", 42, "OG000", 2.0),
        ("NCT03037385", 42, "OG002", 5.0),
        ("NCT03037385", 42, "OG006", 4.0),
        ("NCT03037385", 43, "OG000", 2.0),
        ("NCT03037385", 43, "OG002", 5.0),
        ("NCT03037385", 43, "OG006", 4.0),
        ("NCT04431453", 9, "OG002", 1.0),
        ("NCT04431453", 9, "OG007", 2.0),
    ]


@pytest.mark.parametrize(
    "description,ranges",
    [
        # NCT01715571's two TSS modules
        ("The score range for TSS is 8-40 with higher scores indicating greater dissatisfaction.", {(8, 40)}),
        ("The score range for TSS is 13-65 with higher scores indicating greater dissatisfaction.", {(13, 65)}),
        ("Scores range from 0 to 100, higher scores indicate better function.", {(0, 100)}),
        ("IIEF-EF domain score (range 1-30).", {(1, 30)}),
        ("Assessed at 8-12 weeks after surgery.", set()),  # a window, not a score range
        (None, set()),
    ],
)
def test_score_ranges(description: str | None, ranges: set) -> None:
    assert score_ranges(description) == ranges


@pytest.mark.parametrize(
    "title,expected",
    [
        ("IgG Concentration ≥0.35 μg/mL for Serotype 19A", {"19a"}),
        ("Pneumococcal Serotype-Specific IgG for Serotype 1 Only", {"1"}),
        ("Seroconversion Against Influenza A/H3N2 Strain by HI Assay", {"a/h3n2"}),
        ("SVR12 in Hepatitis C Genotype 1b", {"1b"}),
        ("Cmax,ss of Desmethyl-Relvoxetine (M2 Metabolite)", {"metabolite"}),
        ("Number of Participants With Type 2 Diabetes", set()),
        ("Cmax of Relvoxetine", set()),
    ],
)
def test_what_a_title_measures_by_its_identifier(title: str, expected: set[str]) -> None:
    assert analytes(title) == expected


def test_progression_on_the_next_line_is_another_endpoint() -> None:
    assert constructs("Progression-Free Survival (PFS) Per RECIST 1.1") == {"progression-free survival"}
    assert constructs("Progression-Free Survival on Next-Line Therapy (PFS2)") == {"second progression"}
    assert "second progression" in constructs("Time to Second Progression (PFS2)")


@pytest.mark.parametrize(
    "title,core",
    [
        (
            "Percentage of Participants Achieving Clinical Remission Per Modified Mayo Score at Week 12 "
            "(Non-Responder Imputation)",
            "clinical remission",
        ),
        ("Percentage of Participants Achieving Endoscopic Improvement at Week 12", "endoscopic improvement"),
        ("Objective Response Rate by Investigator Assessment", "objective response rate"),
        ("Percentage of Participants Achieving EASI-75 at Week 16", "easi"),
    ],
)
def test_the_endpoint_a_title_measures(title: str, core: str) -> None:
    assert endpoint_core(title) == core


@pytest.mark.parametrize(
    "label,missing",
    [
        ("No clinical status score reported - Hospitalized", True),  # NCT04280705's rows
        ("Censored subjects: No post-baseline evaluation", True),  # NCT03775486
        ("No data", True),
        ("No adverse events reported", False),  # an outcome: participants without an event
        ("No response", False),
    ],
)
def test_a_value_not_posted_is_missing_data(label: str, missing: bool) -> None:
    assert is_missing_data(label) is missing
