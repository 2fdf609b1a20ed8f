"""Outcome polarity rules measured on 260 real outcome measures hand-labelled before the rules were written."""

import json
from pathlib import Path

import pytest

from ctpairs.polarity import (
    HIGHER_BETTER,
    LOWER_BETTER,
    POLARITIES,
    UNKNOWN,
    better_direction,
    outcome_polarity,
    stated_direction,
)

LABELS = Path(__file__).parent / "data" / "polarity_labels.jsonl"
SECOND_DRAW = Path(__file__).parent / "data" / "polarity_labels_second_draw.jsonl"
THIRD_DRAW = Path(__file__).parent / "data" / "polarity_labels_third_draw.jsonl"
FOURTH_DRAW = Path(__file__).parent / "data" / "polarity_labels_fourth_draw.jsonl"
FIFTH_DRAW = Path(__file__).parent / "data" / "polarity_labels_fifth_draw.jsonl"
SIXTH_DRAW = Path(__file__).parent / "data" / "polarity_labels_sixth_draw.jsonl"


def _labelled():
    return [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines()]


def test_precision_and_coverage_on_hand_labelled_measures():
    rows = _labelled()
    assert len(rows) >= 200 and {r["label"] for r in rows} == set(POLARITIES)
    decidable = [r for r in rows if r["label"] != UNKNOWN]
    predicted = [(r, outcome_polarity(r["title"], r["description"], r["unit"], r["param_type"])) for r in rows]
    called = [(r, p) for r, p in predicted if p != UNKNOWN]
    correct = sum(r["label"] == p for r, p in called)
    precision = correct / len(called)
    coverage = sum(1 for r, p in called if r["label"] != UNKNOWN) / len(decidable)
    wrong = [(r["title"][:80], r["label"], p) for r, p in called if r["label"] != p]
    print(
        f"\npolarity: precision {precision:.3f} ({correct}/{len(called)}), coverage {coverage:.3f} of {len(decidable)}"
    )
    assert precision >= 0.95, wrong
    assert coverage >= 0.70


def test_precision_on_a_second_draw_read_after_the_rules():
    """25 measures of the shared records outside the first set, drawn at random among those the
    rules decided and read by hand afterwards (tests/data/polarity_labels_second_draw.jsonl): 23
    right. The two wrong were titles whose only cue is "quality of life" over an instrument whose
    description names symptom scales: NCT00065182's Lung Cancer Symptom Scale (higher is worse) and
    NCT01945021's whole EORTC QLQ-C30 (functional scales better high, symptom scales worse high).
    Such a measure is now ``unknown``: 23 decided, 23 right."""
    rows = [json.loads(line) for line in SECOND_DRAW.read_text(encoding="utf-8").splitlines()]
    called = {
        r["nct_id"] + r["pointer"]: (r, outcome_polarity(r["title"], r["description"], r["unit"], r["param_type"]))
        for r in rows
    }
    assert len(rows) == 25
    undecided = sorted(r["nct_id"] for r, p in called.values() if p == UNKNOWN)
    assert undecided == ["NCT00065182", "NCT01945021"]
    assert all(p == r["label"] for r, p in called.values() if p != UNKNOWN)


def test_precision_on_a_third_draw_read_after_the_rules():
    """25 more decided measures (one per trial and title), drawn and read by hand after the rules
    above (tests/data/polarity_labels_third_draw.jsonl): 22 right. Wrong: NCT00769067's "Best
    Overall Response" is a tally of participants by response category (its progressive-disease row is
    worse high), NCT01833143's "Participants Evaluated for Toxicity" counts who was evaluated, and
    NCT00531934's "Time Free From Skin Rash ... - Number of Participants With an Event" counts the
    rash. The last is now ``unknown`` (an absence title counting participants "with an event"), and
    so is the second (a count of who was evaluated for something: rule 1), and since the rules of
    the sixth draw the first too (a title that is only "Best Overall Response"): 22/22 of those
    still decided."""
    rows = [json.loads(line) for line in THIRD_DRAW.read_text(encoding="utf-8").splitlines()]
    called = [(r, outcome_polarity(r["title"], r["description"], r["unit"], r["param_type"])) for r in rows]
    assert len(rows) == 25
    assert sorted(r["nct_id"] for r, p in called if p == UNKNOWN) == ["NCT00531934", "NCT00769067", "NCT01833143"]
    assert not [r["nct_id"] for r, p in called if p not in (UNKNOWN, r["label"])]


def test_precision_on_a_fourth_draw_read_before_its_rules():
    """25 decided measures (one per trial), drawn after the third draw's rules and read by hand
    (tests/data/polarity_labels_fourth_draw.jsonl): 21 right when drawn. Wrong: three tallies of
    participants by category read with the measure's direction (by best response, by LCSS change,
    by highest AE grade) and NCT00172042's "Participants With Progression-Free Survival Events" read
    as survival. The rules written after reading them (participants "with" survival events are worse
    high; "highest grade" tallies and participants tallied on an instrument are ``unknown``) leave
    one wrong, the best-response tally, whose title alone names a response: 22/23 decided."""
    rows = [json.loads(line) for line in FOURTH_DRAW.read_text(encoding="utf-8").splitlines()]
    called = [(r, outcome_polarity(r["title"], r["description"], r["unit"], r["param_type"])) for r in rows]
    assert len(rows) == 25 and len({r["nct_id"] for r in rows}) == 25
    assert sorted(r["nct_id"] for r, p in called if p == UNKNOWN) == ["NCT00191139", "NCT03137771"]
    assert [r["nct_id"] for r, p in called if p not in (UNKNOWN, r["label"])] == ["NCT01000480"]


def test_precision_on_a_fifth_draw_read_after_the_rules():
    """25 more decided measures (one per trial, none of the fourth draw's trials), drawn after the
    fourth draw's rules and read by hand (tests/data/polarity_labels_fifth_draw.jsonl): 24 right.
    The one wrong is again a tally of participants by best response (NCT00415363), a measure whose
    rows are its categories: a task row of one category only carries a direction its own words give
    (``ctpairs.tasks``), and the benchmark configs leave category rows out."""
    rows = [json.loads(line) for line in FIFTH_DRAW.read_text(encoding="utf-8").splitlines()]
    called = [(r, outcome_polarity(r["title"], r["description"], r["unit"], r["param_type"])) for r in rows]
    assert len(rows) == 25 and len({r["nct_id"] for r in rows}) == 25
    assert not any(p == UNKNOWN for _, p in called)
    assert [r["nct_id"] for r, p in called if p != r["label"]] == ["NCT00415363"]


def test_precision_on_a_sixth_draw_read_after_the_rules():
    """25 more decided measures (one per trial, none of the earlier draws' trials), drawn after
    the threshold, impression and oncology rules of 2026-12-07 and read by hand
    (tests/data/polarity_labels_sixth_draw.jsonl): 24 right. The one wrong is again a tally of
    participants by response category (NCT02898116: irSD and irPD rows under "Number of Subjects
    With Immune-related Tumor Response")."""
    rows = [json.loads(line) for line in SIXTH_DRAW.read_text(encoding="utf-8").splitlines()]
    called = [(r, outcome_polarity(r["title"], r["description"], r["unit"], r["param_type"])) for r in rows]
    assert len(rows) == 25 and len({r["nct_id"] for r in rows}) == 25
    assert not any(p == UNKNOWN for _, p in called)
    assert [r["nct_id"] for r, p in called if p != r["label"]] == ["NCT02898116"]


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        (
            "Possible total scores range from 5 (all of the time) to 30 (none of the time). Higher scores indicate less impact of ED.",
            HIGHER_BETTER,
        ),
        ("The single item is scored on a scale of 1-4, with higher scores indicating worse outcomes.", LOWER_BETTER),
        ("Possible total scores for IIEF-EF range from 1 (worst) to 30 (best).", HIGHER_BETTER),
        ("Scored range from 0-63, where 0 is no anxiety and 63 is the worst possible anxiety.", LOWER_BETTER),
        ("Summarized using descriptive statistics.", UNKNOWN),
        # a word naming the scale between "higher" and "scores" (NCT01951157, NCT00512707)
        ("Higher LCSS scores indicate more severe problems and the scale range is (0-100)", LOWER_BETTER),
        ("Lower CARES-SF scores correspond with improved marital interaction.", LOWER_BETTER),
        (None, UNKNOWN),
    ],
)
def test_stated_direction_on_real_descriptions(description, expected):
    assert stated_direction(description) == expected


def test_time_to_event_depends_on_the_event():
    assert (
        outcome_polarity(
            "Time to Deterioration (TTD) in Patient-Reported Lung Cancer Symptoms", unit="Months", param_type="MEDIAN"
        )
        == HIGHER_BETTER
    )
    assert outcome_polarity("Time to Response (TTR) as Per BIRC", unit="Months", param_type="MEAN") == LOWER_BETTER
    assert (
        outcome_polarity(
            "Time to Metastatic Disease (TTMD) at 36 Month", unit="Percentage of participants", param_type="NUMBER"
        )
        == UNKNOWN
    )
    assert (
        outcome_polarity("Part 1: Time to Maximum Serum Concentration (Tmax) of Atezolizumab", unit="days") == UNKNOWN
    )


def test_better_direction():
    assert better_direction(HIGHER_BETTER) == "higher"
    assert better_direction(LOWER_BETTER) == "lower"
    assert better_direction(UNKNOWN) is None


@pytest.mark.parametrize(
    ("statement", "is_time", "expected"),
    [
        # real estimate comments of posted analyses (tests/data/studies.jsonl.gz)
        ("A Hazard Ratio less than 1 favoured AZD6244 + Docetaxel", True, HIGHER_BETTER),
        (r"HR\<1 favors Cetuximab arm", True, HIGHER_BETTER),
        (r"A hazard ratio \< 1 favours osimertinib PFS in Ex19Del positive patients", False, UNKNOWN),
        (r"An odds ratio \>1 favours osimertinib", False, HIGHER_BETTER),
        (
            "A response rate ratio \\> 1 favors the albumin-bound paclitaxel/carboplatin arm of the study",
            False,
            HIGHER_BETTER,
        ),
        (
            "A difference in least square means less than 0 favors the Osimertinib (AZD9291) + Chemo treatment arm",
            False,
            LOWER_BETTER,
        ),
        (
            "Power adjustment for 3 primary efficacy variables (3 variables have to be significant in favor of Vardenafil)",
            False,
            UNKNOWN,
        ),
        (None, True, UNKNOWN),
    ],
)
def test_analysis_polarity_on_real_statements(statement, is_time, expected):
    from ctpairs.polarity import analysis_polarity

    assert analysis_polarity(statement, is_time) == expected


def test_a_trial_statement_decides_unless_the_text_says_the_opposite():
    depth = "Depth of Response (Percent Change From Baseline in Tumor Diameter)"
    statement = "A difference in least square means less than 0 favors the Osimertinib + Chemo treatment arm"
    assert outcome_polarity(depth, unit="percent change") == UNKNOWN
    assert outcome_polarity(depth, unit="percent change", analyses=[statement]) == LOWER_BETTER
    survival = ("Overall Survival", None, "months", "MEDIAN")
    assert outcome_polarity(*survival, analyses=["A Hazard Ratio less than 1 favoured AZD6244"]) == HIGHER_BETTER
    assert outcome_polarity(*survival, analyses=["A hazard ratio greater than 1 favours AZD6244"]) == UNKNOWN


def test_real_titles_met_checking_the_configs_by_hand():
    # a real measure title (NCT04066023) met while checking the benchmark configs by hand
    assert outcome_polarity("Percentage of Subjects That Achieve Pain Freedom", unit="Participants") == HIGHER_BETTER
    assert outcome_polarity("VAS for Leg Pain - 3rd Month", unit="units on a scale") == LOWER_BETTER
    # real titles met in the superiority config: relief is good; a FACIT-family symptom subscale is left unknown
    assert (
        outcome_polarity("Percentage of Subjects That Achieve Sustained Pain Relief", unit="Participants")
        == HIGHER_BETTER
    )
    faact = "Part A: Change From Baseline in FAACT- 5-Item Anorexia Symptom Scale (5IASS) at Week 12"
    assert outcome_polarity(faact, unit="Units on a scale") == UNKNOWN


@pytest.mark.parametrize(
    ("title", "unit", "param_type", "expected"),
    [
        # a time to deterioration by its abbreviation: longer is better, whatever symptom it follows
        # (NCT04738487, NCT05226598, NCT03829319, NCT02604342: 31 measures read lower-better before)
        ("TTD in Cough Score (Item 31) on the EORTC QLQ-LC13", None, "MEDIAN", HIGHER_BETTER),
        (
            "Part 2: TTD Based on Change From Baseline in Chest Pain EORTC QLQ-LC13 (Item 40) Score",
            "Months",
            "MEDIAN",
            HIGHER_BETTER,
        ),
        ("Time-to-treatment Failure (TTF)", "Months", "MEDIAN", HIGHER_BETTER),
        # an abbreviation that does not decide leaves the other rules to (NCT00556712)
        (
            "Probable Percentage of Participants Remaining Progression-Free in the TTP Analysis at 6 Months",
            "percentage of participants",
            "NUMBER",
            HIGHER_BETTER,
        ),
        ("Number of Participants With TTP Events", "Participants", "COUNT_OF_PARTICIPANTS", UNKNOWN),
    ],
)
def test_a_time_to_a_bad_event_by_its_abbreviation(title, unit, param_type, expected):
    assert outcome_polarity(title, None, unit, param_type) == expected


@pytest.mark.parametrize(
    ("title", "unit", "expected"),
    [
        # participants with a bad change are worse high, whatever scale it is read on (NCT00556322,
        # whose FACT-L in the title read higher-better; NCT00290355; NCT01801111)
        (
            "Probable Percentage of Participants With Deterioration in the TOI at 6 Months as Assessed by FACT-L",
            "percentage of participants",
            LOWER_BETTER,
        ),
        (
            "Percentage of Participants With Symptomatic Progression Using FACT-L",
            "percentage of participants",
            LOWER_BETTER,
        ),
        ("Percentage of Patients With Disease Recurrence", "Percentage of Patients", LOWER_BETTER),
        (
            "Percentage of Participants With CNS Progression as Assessed by IRC According to RECIST v 1.1",
            "percentage of participants",
            LOWER_BETTER,
        ),
        # ...and those without one better high (NCT00556712's symptom word read lower-better; NCT03164772)
        (
            "Probable Percentage of Participants Remaining Without Symptom Progression at 6 Months (Data Cutoff 17 May 2008)",
            "percentage of participants",
            HIGHER_BETTER,
        ),
        ("Number of Subjects Without Progression at 8 and 24 Weeks by RECIST 1.1", "Participants", HIGHER_BETTER),
        # a count of who was evaluated for something is no outcome with a direction (NCT01833143)
        ("Participants Evaluated for Toxicity", "Participants", UNKNOWN),
        # survival posted as the participants with an event: the events are bad (NCT00700180);
        # event-free survival stays better high
        ("Overall Survival - Percentage of Participants With an Event", "percentage of participants", LOWER_BETTER),
        (
            "Percentage of Participants With PFS Event of Disease Progression",
            "percentage of participants",
            LOWER_BETTER,
        ),
        ("Event-Free Survival (EFS)", "Months", HIGHER_BETTER),
        (
            "Percentage of Participants Estimated to be Event Free at 4 Months",
            "percentage of participants",
            HIGHER_BETTER,
        ),
        # participants tallied by an instrument's categories have no direction; a count of people
        # with a symptom is worse high (NCT00191139, NCT02424617, NCT01473563, NCT00322452)
        ("Lung Cancer Symptom Scale (LCSS) Assessment Post-randomization", "participants", UNKNOWN),
        (
            "Number of Participants With Eastern Cooperative Oncology Group (ECOG) Performance Status at End of Study",
            "Participants",
            UNKNOWN,
        ),
        ("Participant Satisfaction: Chemotherapy at Home", "participants", UNKNOWN),
        ("Number of Participants by Highest Grade Adverse Event Reported", "Participants", UNKNOWN),
        ("Vomiting", "Participants", LOWER_BETTER),
    ],
)
def test_participants_with_or_without_a_bad_change(title, unit, expected):
    assert outcome_polarity(title, None, unit, "NUMBER") == expected


def test_a_scales_stated_direction_wins_over_its_titles_words():
    """NCT00762034's FACT/GOG-Neurotoxicity (a bad word in its title) says "higher scores indicate
    better QOL"; NCT00668707's "Pain Levels" (a biomarker word) runs from 0, no pain, to 10, the
    worst; NCT03743051's anorexia symptom subscale says higher scores mean less symptom burden."""
    ntx = (
        "Change From Baseline in Participant Reported Outcomes as Assessed by the Functional Assessment of Cancer "
        "Therapy/Gynecologic Oncology Group- Neurotoxicity (FACT/GOG-Ntx)"
    )
    assert (
        outcome_polarity(ntx, "For all FACT scales, higher scores indicate better QOL.", "units on a scale")
        == HIGHER_BETTER
    )
    pain = "Each scale ranges from 0-10, where 0 is no pain and 10 is the worst possible pain."
    assert outcome_polarity("Pain Levels", pain, "Score on a scale of 0-10") == LOWER_BETTER
    iass = "The range of possible scores is 0-20. Higher scores indicate lower levels of symptom burden."
    assert stated_direction(iass) == HIGHER_BETTER
    assert (
        outcome_polarity("Mean Change From Baseline in 5-item Anorexia Symptom Subscale", iass, "score on a scale")
        == HIGHER_BETTER
    )
    # "a high level of symptomatology" is worse (NCT01828099's QLQ-LC13, NCT01639001's symptom scores)
    lc13 = "Scores range from 0 to 100, where a high score indicated a high level of symptomatology."
    assert (
        outcome_polarity("Least Squares Mean Scores on the EORTC QLQ- LC13", lc13, "Score on a scale") == LOWER_BETTER
    )
    # a count of participants is no scale: its title's words still decide
    assert (
        outcome_polarity(
            "Number of Participants With Neurotoxicity", "Higher scores indicate better QOL.", "Participants"
        )
        == LOWER_BETTER
    )


@pytest.mark.parametrize(
    ("title", "unit", "param_type", "expected"),
    [
        # real measures of the shared records the rules left unknown before (read by hand)
        (
            "Changes in Seizure Frequency in Subjects Taking Anastrozole (T-A) and Subjects Taking Letrozole",
            "seizures",
            "MEAN",
            LOWER_BETTER,
        ),
        (
            "Percentage of Participants With Suicidal Ideation Assessed by Columbia - Suicide Severity Rating Scale",
            "percentage of participants",
            "NUMBER",
            LOWER_BETTER,
        ),
        (
            "Change From Baseline in Total Positive and Negative Syndrome Scale (PANSS) Score",
            "units on a scale",
            "MEAN",
            LOWER_BETTER,
        ),
        (
            "Change From Baseline to Week 6 in the MADRS Total Score",
            "units on a scale",
            "LEAST_SQUARES_MEAN",
            LOWER_BETTER,
        ),
        # registry-style endpoints of other fields (none in the shared records)
        ("Annualized Relapse Rate", "relapses per participant-year", "NUMBER", LOWER_BETTER),
        ("Rate of Moderate or Severe Exacerbations", "exacerbations per year", "NUMBER", LOWER_BETTER),
        ("Time to First Exacerbation", "days", "MEDIAN", HIGHER_BETTER),
        ("Change From Baseline in Monthly Migraine Days", "days", "LEAST_SQUARES_MEAN", LOWER_BETTER),
        ("Percentage of Participants Achieving ACR20", "percentage of participants", "NUMBER", HIGHER_BETTER),
        ("PASI 75 Response at Week 16", "percentage of participants", "NUMBER", HIGHER_BETTER),
        (
            "Sustained Virologic Response 12 Weeks After Treatment (SVR12)",
            "percentage of participants",
            "NUMBER",
            HIGHER_BETTER,
        ),
        ("Change From Baseline in Six-Minute Walk Distance", "meters", "MEAN", HIGHER_BETTER),
        ("Change From Baseline in Expanded Disability Status Scale (EDSS)", "units on a scale", "MEAN", LOWER_BETTER),
        ("Change From Baseline in DAS28-CRP", "units on a scale", "MEAN", LOWER_BETTER),
        # more of other fields: instruments, events and measures whose direction does not depend
        # on the trial (a second probe, 2026-12-07)
        ("Change From Baseline in PHQ-9 Total Score", "units on a scale", "MEAN", LOWER_BETTER),
        ("Change From Baseline in MDS-UPDRS Part III", "units on a scale", "MEAN", LOWER_BETTER),
        ("Change From Baseline in ALSFRS-R", "units on a scale", "MEAN", HIGHER_BETTER),
        ("Change From Baseline in HAQ-DI", "units on a scale", "MEAN", LOWER_BETTER),
        ("Percentage of Participants Achieving EASI-75", "percentage of participants", "NUMBER", HIGHER_BETTER),
        ("Percent Change From Baseline in PASI Score", "percent change", "MEAN", LOWER_BETTER),
        ("Percentage of Participants With IGA 0 or 1", "percentage of participants", "NUMBER", HIGHER_BETTER),
        ("Number of Participants With MACE", "Participants", "COUNT_OF_PARTICIPANTS", LOWER_BETTER),
        ("Incidence of New Vertebral Fractures", "percentage of participants", "NUMBER", LOWER_BETTER),
        ("Time to Fracture Healing", "days", "MEDIAN", LOWER_BETTER),
        (
            "Percentage of Participants With HIV-1 RNA < 50 Copies/mL",
            "percentage of participants",
            "NUMBER",
            HIGHER_BETTER,
        ),
        ("Time to First Rescue Medication", "hours", "MEDIAN", HIGHER_BETTER),
        ("Total Opioid Consumption Over 48 Hours", "mg morphine equivalents", "MEAN", LOWER_BETTER),
        (
            "Percentage of Participants With Complete Wound Closure",
            "percentage of participants",
            "NUMBER",
            HIGHER_BETTER,
        ),
        ("Percent Change From Baseline in Lumbar Spine BMD", "percent change", "MEAN", HIGHER_BETTER),
        ("Change From Baseline in Sleep Onset Latency", "minutes", "MEAN", LOWER_BETTER),
        ("Change in Total Sleep Time", "minutes", "MEAN", HIGHER_BETTER),
        ("Change From Baseline in Maximum Urinary Flow Rate (Qmax)", "mL/s", "MEAN", HIGHER_BETTER),
        ("Change From Baseline in SF-36 Physical Component Summary", "units on a scale", "MEAN", HIGHER_BETTER),
        ("Change From Baseline in Peak Pruritus NRS", "units on a scale", "MEAN", LOWER_BETTER),
        # a classification of quality-of-life impact by an instrument worse high, and two cues that
        # disagree (NCT00531934's DLQI classes, NCT01937871's IPSS QoL index): unknown
        (
            "Percentage of Participants by DLQI Global Score Classification of Disease Effect on Quality of Life",
            "percentage of participants",
            "NUMBER",
            UNKNOWN,
        ),
        ("Change From Baseline in IPSS Quality of Life (QoL) Index at Week 12", "units on a scale", "MEAN", UNKNOWN),
        # biomarkers whose better direction depends on the trial stay unknown
        ("Change From Baseline in Body Weight", "kg", "MEAN", UNKNOWN),
        ("Change From Baseline in HbA1c at Week 24", "percentage of HbA1c", "MEAN", UNKNOWN),
        ("Seroconversion Rate", "percentage of participants", "NUMBER", UNKNOWN),
        # ... and what stays unknown: a tally of statuses, a stay whose direction depends on where
        (
            "Number of Participants With Change From Baseline in the Use of Mechanical Ventilation or ECMO",
            "Participants",
            "COUNT_OF_PARTICIPANTS",
            UNKNOWN,
        ),
        ("Rate of Referral, Enrollment and Length of Stay on Hospice", "days", "MEAN", UNKNOWN),
        # visual acuity is better high in letters, low in logMAR; in "lines of improvement"
        # (NCT03608150) the unit names neither, so it stays unknown
        ("Change From Baseline in Best Corrected Visual Acuity (BCVA)", "logMAR", "MEAN", LOWER_BETTER),
        ("Change From Baseline in Best Corrected Visual Acuity (BCVA)", "ETDRS letters", "MEAN", HIGHER_BETTER),
        ("Best-Corrected Visual Acuity of Amblyopic Eye", "Lines of visual acuity improvement", "MEAN", UNKNOWN),
        # real measures of the shared records, read by hand: a reduction of a bad thing is good
        ("Reduction in Headache Pain", "units on a scale", "MEAN", HIGHER_BETTER),
        (
            "Percentage of Participants With Reduction in Grade 3/4 Neutropenia",
            "percentage of participants",
            "NUMBER",
            HIGHER_BETTER,
        ),
        (
            "Percentage of Participants Reporting ≥50% Reduction in Index Numeric Rating Scale (NRS) Arm Pain Score",
            "percentage of participants",
            "NUMBER",
            HIGHER_BETTER,
        ),
        (
            "Percentage of Participants Who Were Treatment Responders at Week 12",
            "percentage of participants",
            "NUMBER",
            HIGHER_BETTER,
        ),
        # ... a dose reduction is still a bad event
        (
            "Phase Ib and II: Number of Patients With Dose Reductions of INC280 by Dose Level",
            "Participants",
            "COUNT_OF_PARTICIPANTS",
            LOWER_BETTER,
        ),
        # registry-style: a decrease of a good thing is bad, of a thing of no known polarity unknown
        (
            "Number of Participants With a 10-point Decrease in Global Health Status",
            "Participants",
            "COUNT_OF_PARTICIPANTS",
            LOWER_BETTER,
        ),
        ("Percentage Reduction in Seizure Frequency", "percent reduction", "MEAN", HIGHER_BETTER),
        ("50% Responder Rate in Seizure Frequency", "percentage of participants", "NUMBER", HIGHER_BETTER),
        ("Reduction in Tumor Size", "percent", "MEAN", UNKNOWN),
        # real times to a good event of the shared records, read by hand
        ("The Time to Return of Spontaneous Functional Erections.", "days", "MEDIAN", LOWER_BETTER),
        (
            "Time to Discharge or to a NEWS of 2 or Less and Maintained for 24 Hours, Whichever Occurs First",
            "days",
            "MEDIAN",
            LOWER_BETTER,
        ),
        ("Median Time to Resolution of Any Grade Select Adverse Events", "weeks", "MEDIAN", LOWER_BETTER),
        (
            "Sexual Encounter Profile Diary Question 3, the Overall Distribution of Time to Onset by Yes Responses",
            "days",
            "MEDIAN",
            LOWER_BETTER,
        ),
        # the onset of action is good, of a toxicity bad (registry-style); an event that heads the
        # phrase decides, two events side by side do not
        ("Time to Onset of Action", "minutes", "MEDIAN", LOWER_BETTER),
        ("Time to Onset of Pain Relief", "minutes", "MEDIAN", LOWER_BETTER),
        ("Time to Onset of Neutropenia", "days", "MEDIAN", HIGHER_BETTER),
        ("Time to Onset of Side Effects", "days", "MEDIAN", HIGHER_BETTER),
        ("Time to Recovery From Neutropenia", "days", "MEDIAN", LOWER_BETTER),
        ("Time to Worsening of Physical Function", "months", "MEDIAN", HIGHER_BETTER),
        ("Time to Progression or Response", "months", "MEDIAN", UNKNOWN),
        ("Time to Complete Wound Closure", "days", "MEDIAN", LOWER_BETTER),
        # a share of participants past a threshold on a score: the low end of a scale better low is
        # good, its high end bad; one value of a score is a category; a threshold on a change is
        # left to the change's words
        ("Percentage of Participants With PHQ-9 Score < 5", "percentage of participants", "NUMBER", HIGHER_BETTER),
        ("Percentage of Participants With DAS28-CRP < 2.6", "percentage of participants", "NUMBER", HIGHER_BETTER),
        ("Percentage of Participants With Pain Score of 0 or 1", "percentage of participants", "NUMBER", HIGHER_BETTER),
        ("Proportion of Participants With a Pain Score >= 4", "proportion of participants", "NUMBER", LOWER_BETTER),
        ("Percentage of Participants With Pain Score of 5", "percentage of participants", "NUMBER", UNKNOWN),
        ("Percentage of Participants With Quality of Life Score Below 50", "percentage", "NUMBER", LOWER_BETTER),
        ("Percentage of Participants With IPSS Score Improvement of >= 3 Points", "percent", "NUMBER", HIGHER_BETTER),
        (
            "Percentage of Participants With a Score of Greater Than or Equal to 22 in the Erectile Function Domain",
            "percentage of participants",
            "NUMBER",
            HIGHER_BETTER,
        ),
        (
            "Percentage of Participants Achieving an Eczema Area and Severity Index-75 (EASI-75) (≥75% Improvement)",
            "percentage of participants",
            "NUMBER",
            HIGHER_BETTER,
        ),
        ("Mean Pain Score in Participants With Baseline Score > 4", "units on a scale", "MEAN", LOWER_BETTER),
        # participants with none of something, and responders on a rating scale
        ("Percentage of Participants With No Pain", "percentage of participants", "NUMBER", HIGHER_BETTER),
        ("Number of Participants With No Dose Interruption", "Participants", "COUNT_OF_PARTICIPANTS", HIGHER_BETTER),
        (
            "Number of Participants With Adverse Events (No Deaths)",
            "Participants",
            "COUNT_OF_PARTICIPANTS",
            LOWER_BETTER,
        ),
        ("Percentage of Participants With HAM-D Response", "percentage of participants", "NUMBER", HIGHER_BETTER),
        # impressions of improvement score 1 (very much improved) to 7 (very much worse): better low
        # as a score (NCT05551195); a tally of participants by its categories decides nothing
        # (NCT00855582, NCT01937871), unless the participants are the improved ones (NCT02397473)
        ("Clinical Global Impressions Scale - Global Improvement (CGI-I)", "score on a scale", "MEAN", LOWER_BETTER),
        ("Patient Global Impression of Improvement (PGI-I) at Week 12 Endpoint", "participants", "NUMBER", UNKNOWN),
        (
            "Percentage of Participants Reporting a Score of 1 or 2 on the Patient Global Impression of Improvement (PGI-I)",
            "percentage of participants",
            "NUMBER",
            HIGHER_BETTER,
        ),
        ("Patient Global Impression of Change (PGIC)", "units on a scale", "MEAN", UNKNOWN),
        # more scales and endpoints (registry-style; CGI-S from NCT04770285, abstinence from NCT03694327)
        ("Clinical Global Impressions Scale - Severity of Illness (CGI-S)", "score on a scale", "MEAN", LOWER_BETTER),
        ("Change From Baseline in Harvey-Bradshaw Index", "units on a scale", "MEAN", LOWER_BETTER),
        ("Change From Baseline in COPD Assessment Test (CAT) Score", "units on a scale", "MEAN", LOWER_BETTER),
        ("Change From Baseline in SALT Score", "units on a scale", "MEAN", LOWER_BETTER),
        ("Change From Baseline in BPRS Total Score", "units on a scale", "MEAN", LOWER_BETTER),
        ("Change From Baseline in KCCQ Clinical Summary Score", "units on a scale", "MEAN", HIGHER_BETTER),
        # rating scales named by their initials (registry-style; ODI from NCT01367860, POEM from NCT02210780)
        ("Change From Baseline in YMRS Total Score", "units on a scale", "MEAN", LOWER_BETTER),
        ("Change From Baseline in HAM-A Total Score", "units on a scale", "MEAN", LOWER_BETTER),
        ("Change From Baseline in Insomnia Severity Index (ISI)", "units on a scale", "MEAN", LOWER_BETTER),
        ("Change From Baseline in CAPS-5 Total Severity Score", "units on a scale", "MEAN", LOWER_BETTER),
        ("Oswestry Disability Index (ODI) - 1st Month", "units on a scale", "MEAN", LOWER_BETTER),
        (
            "Change in Patient Oriented Eczema Measure (POEM) Score From Baseline to Week 16",
            "units on a scale",
            "MEAN",
            LOWER_BETTER,
        ),
        ("Change From Baseline in NIHSS", "units on a scale", "MEAN", LOWER_BETTER),
        ("Change From Baseline in KOOS Score", "units on a scale", "MEAN", HIGHER_BETTER),
        ("Change From Baseline in KOOS Pain", "units on a scale", "MEAN", UNKNOWN),  # 100 = no pain: the words disagree
        ("Change From Baseline in Barthel Index", "units on a scale", "MEAN", HIGHER_BETTER),
        ("Change From Baseline in MoCA Total Score", "units on a scale", "MEAN", HIGHER_BETTER),
        ("Number of Heavy Drinking Days", "days", "MEAN", LOWER_BETTER),
        ("30-Day Sustained Abstinence From Smoking", "Participants", "COUNT_OF_PARTICIPANTS", HIGHER_BETTER),
        ("Percent Days Abstinent", "percentage of days", "MEAN", HIGHER_BETTER),
        ("Thoughts About Abstinence (TAA)", "score on a scale", "MEAN", UNKNOWN),
        (
            "Percentage of Participants With Viral Load < 50 copies/mL",
            "percentage of participants",
            "NUMBER",
            HIGHER_BETTER,
        ),
        # endpoints of infection, surgery, critical care, transplant, cardiology, urology and
        # fertility trials (registry-style; the shared records' own in the comments)
        ("Clinical Cure Rate", "percentage of participants", "NUMBER", HIGHER_BETTER),
        (
            "Percentage of Participants With Microbiological Eradication",
            "percentage of participants",
            "NUMBER",
            HIGHER_BETTER,
        ),
        # NCT01792817
        (
            "Sustained Treatment Success at 1 Hour Post-Treatment",
            "Participants",
            "COUNT_OF_PARTICIPANTS",
            HIGHER_BETTER,
        ),
        ("Percentage of Participants With Treatment Failure", "percentage of participants", "NUMBER", LOWER_BETTER),
        ("Live Birth Rate", "percentage of participants", "NUMBER", HIGHER_BETTER),
        # NCT02945046: every row an injection-site reaction
        ("Number of Participants With Injection Site Reactions", "Participants", "COUNT_OF_PARTICIPANTS", LOWER_BETTER),
        (
            "Percentage of Participants With Solicited Local Reactions",
            "percentage of participants",
            "NUMBER",
            LOWER_BETTER,
        ),
        ("Total Morphine Consumption in 48 Hours", "mg", "MEAN", LOWER_BETTER),
        ("Length of Stay", None, None, LOWER_BETTER),  # NCT01406860: in the emergency department
        ("ICU Length of Stay", "days", "MEDIAN", LOWER_BETTER),
        ("Rate of Referral, Enrollment and Length of Stay on Hospice", None, None, UNKNOWN),  # NCT02349412
        ("Duration of Mechanical Ventilation", "days", "MEDIAN", LOWER_BETTER),
        (
            "Percentage of Participants Requiring Mechanical Ventilation",
            "percentage of participants",
            "NUMBER",
            LOWER_BETTER,
        ),
        ("Stroke or Systemic Embolism", "percentage of participants", "NUMBER", LOWER_BETTER),
        ("Stroke Volume", "mL", "MEAN", UNKNOWN),
        ("Stroke Rate", "percentage of participants", "NUMBER", LOWER_BETTER),
        (
            "Percentage of Participants With Venous Thromboembolism",
            "percentage of participants",
            "NUMBER",
            LOWER_BETTER,
        ),
        (
            "Percentage of Participants With Biopsy-proven Acute Rejection",
            "percentage of participants",
            "NUMBER",
            LOWER_BETTER,
        ),
        ("Percentage of Participants With Target Lesion Revascularization", "percent", "NUMBER", LOWER_BETTER),
        ("Blood Loss", "mL", "MEAN", LOWER_BETTER),
        ("Change From Baseline in ppFEV1", "percentage points", "MEAN", HIGHER_BETTER),
        ("Change From Baseline in Number of Headache Days", "days", "MEAN", LOWER_BETTER),
        ("Change From Baseline in Number of Urgency Episodes", "episodes", "MEAN", LOWER_BETTER),
        # oncology and haematology endpoints (the shared records' own in the comments)
        ("Clinical Benefit Rate (CBR)", "Participants", "COUNT_OF_PARTICIPANTS", HIGHER_BETTER),  # NCT01827267
        ("Percentage of Participants Alive at 12 Months (OS12)", "percentage of participants", "NUMBER", HIGHER_BETTER),
        ("Duration of Stable Disease Following U3-1287", "weeks", "MEDIAN", HIGHER_BETTER),  # NCT01211483
        ("Phase II Only: Regional Nodal Recurrence Rate", "percentage of participants", "NUMBER", LOWER_BETTER),
        ("Number of Participants With Platelet Transfusions", "Participants", "NUMBER", LOWER_BETTER),  # NCT00413283
        ("Complete Resection Rate", "percentage of patients", "NUMBER", HIGHER_BETTER),  # NCT00906282
        ("Minimal Residual Disease Negativity Rate", "percentage of participants", "NUMBER", HIGHER_BETTER),
        ("Transfusion Independence Rate", "percentage of participants", "NUMBER", HIGHER_BETTER),
        ("Incidence of Acute GVHD", "percentage of participants", "NUMBER", LOWER_BETTER),
        ("Graft-versus-host Disease-free, Relapse-free Survival (GRFS)", "percent", "NUMBER", HIGHER_BETTER),
        ("Percentage of Participants With PSA Decline >= 50%", "percentage of participants", "NUMBER", HIGHER_BETTER),
        ("Time to Castration Resistance", "months", "MEDIAN", HIGHER_BETTER),
        ("Breast Conservation Rate", "percentage of participants", "NUMBER", HIGHER_BETTER),
        # a title that is only the best overall response tallies its categories (NCT00191191's CR,
        # PR, SD and PD rows); its rate, or the rate of CR or PR, is better high
        ("Best Overall Response", "participants", "NUMBER", UNKNOWN),
        ("Percentage of Participants by Best Overall Response", "percentage of participants", "NUMBER", UNKNOWN),
        ("Best Overall Response Rate", "percentage of participants", "NUMBER", HIGHER_BETTER),
        (
            "Percentage of Participants With Best Overall Response (BOR) of Complete Response (CR) or Partial Response (PR)",
            "percentage of participants",
            "NUMBER",
            HIGHER_BETTER,
        ),
        # a ratio of two arms' hazards or odds is no group's own outcome
        ("Hazard Ratio for Overall Survival", "ratio", "NUMBER", UNKNOWN),
        ("Odds Ratio of Response", "ratio", "NUMBER", UNKNOWN),
    ],
)
def test_endpoints_beyond_the_hand_labelled_draws(title, unit, param_type, expected):
    assert outcome_polarity(title, None, unit, param_type) == expected


REGISTRY_STYLE = Path(__file__).parent / "data" / "polarity_registry_style.jsonl"


def test_registry_style_endpoints_labelled_by_hand():
    """100 endpoints written the way registry records of many fields write them (diabetes,
    respiratory, rheumatology, dermatology, oncology, neurology, psychiatry, anaesthesia, urology,
    infection, vaccines, ophthalmology), each labelled by hand with the direction a clinician would
    call better, or unknown where the field decides (body weight, blood pressure, haemoglobin,
    seroconversion, exposure, QTc, ferritin, testosterone, platelets). Measured: every one of the 69
    decided is right (precision 1.000), covering 69 of the 90 with a direction (0.767). Three of the
    21 left unknown were then given rules (peak expiratory flow, time to extubation, cigarettes per
    day): 72 of 90 now, all right. The 18 left are biomarker and laboratory values, unknown on
    purpose, and the shares of participants past a target on them (HbA1c and HbA1c < 7%, LDL-C,
    eGFR, UACR, CD4, uric acid and urate < 6, glucose, triglycerides, HDL-C, intraocular pressure,
    retinal thickness, tear tests, tumour size and target lesions), and antibody titres."""
    rows = [json.loads(line) for line in REGISTRY_STYLE.read_text().splitlines()]
    called = [(row, outcome_polarity(row["title"], None, row["unit"], row["param_type"])) for row in rows]
    decided = [(row, got) for row, got in called if got != UNKNOWN]
    assert [(row["title"], got) for row, got in decided if got != row["label"]] == []
    directional = [row for row in rows if row["label"] != UNKNOWN]
    assert (len(rows), len(directional)) == (100, 90)
    assert len(decided) >= 72


def test_registry_style_endpoints_second_draw():
    """A second draw of 70 registry-style endpoints (allergy, asthma, IBD, obesity, cardiology,
    hepatitis C and HIV, psychiatry, neurology, rheumatology, dermatology, oncology, haematology,
    anaesthesia, urology, ophthalmology, fertility, bone, addiction, sleep), labelled by hand before
    the rules saw them: 54 of the 60 with a direction were decided, all right. The six missed were
    then given rules (a nasal congestion score, endoscopic healing, time to rescue analgesia, which
    the new "analgesia" of a good event had made ambiguous, Quality of Recovery-15, delirium,
    preterm birth), so all 60 are decided now; the 10 labelled unknown (weight, blood pressure,
    ejection fraction, NT-proBNP, haemoglobin, oocytes, retinal thickness, phosphorus, time to viral
    clearance, a weight-loss target) stay unknown."""
    path = Path(__file__).parent / "data" / "polarity_registry_style_second_draw.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    called = [(row, outcome_polarity(row["title"], None, row["unit"], row["param_type"])) for row in rows]
    assert [(row["title"], got) for row, got in called if got != row["label"]] == []
    assert (len(rows), sum(row["label"] != UNKNOWN for row in rows)) == (70, 60)
