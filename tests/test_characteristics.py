"""Participant characteristics read from real result-group titles and descriptions."""

from __future__ import annotations

import pytest

from ctpairs.characteristics import characteristics, diseases, named_conditions


@pytest.mark.parametrize(
    "title,expected",
    [
        # biomarker status (NCT01639001, NCT01229150, NCT00762034, NCT02658890)
        ("Participants With Positive ALK FISH Status", {("status", "positive")}),
        ("Participants With Negative ALK FISH Status", {("status", "negative")}),
        ("KRAS Mut 1", {("status", "mutant")}),
        ("WT KRAS 2", {("status", "wild-type")}),
        ("KRAS Mut 2 & WT KRAS 2", {("status", "mutant"), ("status", "wild-type")}),
        ("TTF-1 Positive (H Score > 0)", {("status", "positive"), ("status", "hscore>0")}),
        ("Part 2: Exp ML BRAF-MT", {("status", "mutant")}),
        # a marker with its sign (NCT03001882, NCT01631552, NCT03242915, NCT03037385, NCT02658890)
        ("PART 1: PD-L1- Status", {("status", "negative")}),
        ("PART 1: PD-L1+ Status", {("status", "positive")}),
        ("HR+/HER2- mBC Population", {("status", "positive"), ("status", "negative")}),
        ("EGFR+ NSCLC", {("status", "positive"), ("disease", "nsclc")}),
        ("RET- Fusion Positive NSCLC Participants", {("status", "positive"), ("disease", "nsclc")}),  # not negative
        ("Part 2: Exp ML Anti-PDL1+CTLA4", set()),  # a combination
        ("BMS100+NIV240(ESC)", set()),
        # clinical classes of the participants (registry-style titles)
        ("Drug X, Moderate", {("severity", "moderate")}),
        ("Placebo (Severe Hepatic Impairment)", {("severity", "severe")}),
        ("Moderate Dose Drug X", set()),  # a dose level, not a severity
        ("Drug X, Child-Pugh B", {("child-pugh", "b")}),
        ("Placebo (Postmenopausal)", {("menopause", "post")}),
        ("Drug X - Genotype 1a", {("genotype", "1a")}),
        ("Drug X, CYP2D6 Poor Metabolizers", {("metabolizer", "poor")}),
        ("Drug X, CYP2D6 PM", {("metabolizer", "poor")}),
        ("Drug X, Non-cirrhotic", {("cirrhosis", "non-cirrhotic")}),
        ("Placebo, Seronegative", {("serostatus", "negative")}),
        ("Drug X, High Risk", {("risk", "high")}),
        ("Placebo (Outpatients)", {("setting", "outpatient")}),
        ("Placebo in Infants", {("age-group", "infant")}),
        ("Drug X, Type 2 Diabetes", {("diabetes", "2")}),
        ("Drug X, Non-dialysis", {("dialysis", "nondialysis")}),
        # classes read since the fourth registry-style draw of group descriptions
        ("Drug X (Haemodialysis)", {("dialysis", "dialysis")}),
        ("Drug X (NYHA Class III or IV)", {("nyha", "iii-iv")}),
        ("Drug X (ECOG Performance Status 2)", {("covariate", "ecog2")}),
        ("Drug X, Stage IIIB", {("tumour-stage", "iii")}),
        ("Drug X, Third Trimester", {("pregnancy", "pregnant")}),
        ("Drug X (Mechanical Ventilation or ECMO)", {("oxygen", "ventilation"), ("oxygen", "ecmo")}),
        ("Drug X (Low-flow Oxygen)", {("oxygen", "lowflow")}),
        ("Drug X (APOE4 Non-carriers)", {("carrier", "noncarrier")}),
        ("Drug X (Homozygous)", {("carrier", "homozygous")}),
        ("Drug X (At Least Two Prior Lines)", {("prior-lines", "atleasttwo")}),
        ("Drug X (65 Years and Older)", {("age", ">=65")}),
        ("Roux-en-Y Gastric Bypass", set()),  # an organ before a procedure
        ("Placebo, Relapsing-Remitting MS", {("course", "relapsingremitting")}),
        ("Drug X (No Prior Drug Y)", {("prior", "no")}),
        ("Prior to Surgery: Drug X", set()),
        ("Drug X (eGFR 30-60)", {("covariate", "renal30-60")}),
        ("Placebo (CrCl < 30 mL/min)", {("covariate", "renal<30")}),
        # a threshold on a measurement, an age band in brackets, the type of diabetes in initials,
        # inadequate responders to a prior therapy
        ("Placebo (HbA1c > 8%)", {("covariate", "hba1c>8")}),
        ("Drug X (CD4 < 200)", {("covariate", "cd4<200")}),
        ("Drug X (Viral Load > 100,000)", {("covariate", "viralload>100,000")}),
        ("Drug X >= 10 mg", set()),  # an amount, not a threshold on a measurement
        ("Placebo (>=65 years)", {("age", ">=65")}),
        ("Drug X (T2DM)", {("diabetes", "2")}),
        ("Drug X, Type I Diabetes", {("diabetes", "1")}),
        ("Drug X (TNF-IR)", {("inadequate", "tnf")}),
        (
            "Drug X in Inadequate Responders to Methotrexate",
            {("inadequate", "methotrexate"), ("response", "responders")},
        ),
        ("Drug X (Intent-to-treat)", {("analysis-set", "itt")}),
        ("Drug X - ITT Population", {("analysis-set", "itt")}),
        ("Placebo (Per Protocol)", {("analysis-set", "pp")}),
        ("Drug X, mITT", {("analysis-set", "mitt")}),
        ("Drug X (Study Eye)", {("eye", "study")}),
        ("Placebo - Locally Advanced Disease", {("stage", "locallyadvanced")}),
        ("Drug X (Newly Diagnosed)", {("course", "newlydiagnosed")}),
        ("Drug X (Chronic Migraine)", {("chronicity", "chronic")}),
        ("Drug X Chronic Dosing", set()),
        ("Drug X Recurrent Infusions", set()),
        ("Placebo (Latinos)", {("race", "hispanic")}),
        ("Drug X (Caucasian)", {("race", "white")}),
        ("White Petrolatum", set()),
        ("Drug X (Lactating Women)", {("pregnancy", "lactating"), ("sex", "female")}),
        ("Drug X (Non-obese)", {("obesity", "nonobese")}),
        ("Pharmacokinetic Evaluable Population", {("analysis-set", "evaluable")}),
        ("PART 1: Not Evaluable/Indeterminate PD-L1 Status", set()),
        ("Placebo (Age 2-5)", {("age", "2-5")}),
        ("Drug X, 12 to <18 years", {("age", "12-18")}),
        # histology (NCT00828841, NCT02591615)
        ("Squamous Cell Histology", {("histology", "squamous")}),
        ("Non-squamous Cell Histology", {("histology", "non-squamous")}),
        ("Arm B Non-squamous Carcinoma", {("histology", "non-squamous")}),
        # disease (NCT01045421, NCT02658890)
        ("Phase 2: MLN8237 50 mg- Breast Cancer", {("disease", "breast")}),
        ("Phase 2: MLN8237 50 mg- HNSCC", {("disease", "head and neck")}),
        ("Phase 2: MLN8237 50 mg- NSCLC", {("disease", "nsclc")}),
        ("Phase 2: MLN8237 50 mg- SCLC", {("disease", "sclc")}),
        ("Part 2: Exp DLBCL", {("disease", "lymphoma")}),
        # best response (NCT02581943)
        ("Complete or Partial Response", {("response", "response")}),
        ("Stable Disease", {("response", "stable disease")}),
        ("Progressive Disease", {("response", "progressive disease")}),
        # smoking (NCT00712335)
        ("Asthmatic Smokers Treated With Combination Therapy", {("smoking", "current")}),
        ("Non-smoking Asthmatic Treated With Montelukast Only", {("smoking", "non")}),
        # ordinary arms name none (NCT02039674, NCT00353704, NCT03977467)
        ("Part 2 Cohort G- (Placebo+Pe+C)", set()),
        ("Pregabalin", set()),
        ("Sildenafil Citrate On Demand", set()),
        ("Arm A2 (NSCLC Standard of Care Chemo)", {("disease", "nsclc")}),
        # disease activity and skin type (registry style); an active comparator or drug is neither
        ("Placebo (Latent TB)", {("activity", "latent")}),
        ("Drug X (Active TB)", {("activity", "active")}),
        ("Drug X (Inactive Disease)", {("activity", "inactive")}),
        ("Active Comparator", set()),
        ("Active Drug X", set()),
        ("Placebo (Fitzpatrick I-III)", {("skin-type", "i-iii")}),
        ("Drug X (Fitzpatrick Skin Type IV to VI)", {("skin-type", "iv-vi")}),
        ("Drug X IV", set()),
        # "MT" is a mutant only beside a marker ("BRAF-MT", "KRAS MT"), not in "MT/O" (maintenance
        # therapy or observation, NCT01725165)
        ("Part 2: Exp ML BRAF-MT", {("status", "mutant")}),
        ("KRAS MT", {("status", "mutant")}),
        ("MT/O Arm", set()),
    ],
)
def test_titles(title: str, expected: set) -> None:
    assert characteristics(title) == expected


def test_sex_age_and_thresholds() -> None:
    assert characteristics("Women Aged >= 65 Years") == {("sex", "female"), ("age", ">=65")}
    assert characteristics("Men 18-64 years") == {("sex", "male"), ("age", "18-64")}
    assert characteristics("Pembrolizumab (PD-L1 TPS >= 50%)") == {("status", "tps>=50%")}
    # one weight band, written with or without the word
    assert characteristics("Drug X: Body weight < 60 kg") == characteristics("Drug X (< 60 kg)")
    assert characteristics("Drug X: BMI >= 30") == {("covariate", "bmi>=30")}


def test_controls_and_interventions_are_not_a_status() -> None:
    """Positive or negative is a status only where a marker names it or a word of status follows:
    controls and interventions named with the words are arms."""
    for title in (
        "Negative Control",
        "Positive Control (Moxifloxacin)",
        "Positive Psychology Intervention",
        "Negative Pressure Wound Therapy",
    ):
        assert characteristics(title) == frozenset(), title
    assert characteristics("HER2-negative, HR-positive") == {("status", "negative"), ("status", "positive")}
    assert characteristics("Triple Negative Breast Cancer") == {("status", "triple-negative"), ("disease", "breast")}


def test_description_status_needs_a_named_marker() -> None:
    """NCT02477826 describes its PD-L1 strata only in the groups' descriptions; a description's
    "negative pregnancy test" is not a subgroup."""
    positive = "Participants with PD-L1 positive status Non Small Cell Lung Cancer received nivolumab 240 mg"
    negative = "Participants with PD-L1 negative status Non Small Cell Lung Cancer received nivolumab 3 mg/kg"
    assert characteristics("Part 1-Arm A: Nivolumab", positive) == {("status", "positive")}
    assert characteristics("Part 1-Arm D: Nivo + Ipi", negative) == {("status", "negative")}
    assert characteristics("Drug X", "Women with a negative pregnancy test received drug X.") == frozenset()
    # the disease and histology of a description are not read: arms describe their eligibility
    assert characteristics("Arm C", "For participants with NSQ or squamous histology, pemetrexed") == frozenset()


@pytest.mark.parametrize(
    "conditions,expected",
    [
        # trials' conditions (NCT02152631, NCT02450539, NCT02423343, NCT02308020, NCT00790751)
        ("Non Small Cell Lung Cancer", {"nsclc"}),
        ("Non-Small Cell Lung Cancer Stage IV", {"nsclc"}),
        ("Small Cell Lung Cancer", {"sclc"}),
        ("Solid Tumor\nNon-Small Cell Lung Cancer Recurrent\nHepatocellular Carcinoma Recurrent", {"nsclc", "liver"}),
        ("Breast Cancer\nNon-small Cell Lung Cancer\nMelanoma\nBrain Metastases", {"breast", "nsclc", "melanoma"}),
        ("Erectile Dysfunction", set()),
        # an organ before a procedure or a route names no disease; transplant recipients are a population
        ("Renal Denervation", set()),
        ("Breast Reconstruction", set()),
        ("Rectal Suppository", set()),
        ("Part 2: Exp Renal", {"renal"}),
        ("Kidney Transplant Recipients", {"renal"}),
    ],
)
def test_diseases_of_conditions(conditions: str, expected: set) -> None:
    assert diseases(conditions) == expected


def test_groups_defined_by_the_participants_choice() -> None:
    """NCT01352507 (a randomized crossover) posts its drug-attribute questionnaire by the drug each
    participant preferred: the groups chose, they were not assigned. An investigator's choice of
    chemotherapy within an arm is no such group (NCT03003962)."""
    tadalafil = characteristics("Tadalafil", "Participants who preferred tadalafil over sildenafil.")
    sildenafil = characteristics("Sildenafil", "Participants who preferred sildenafil over tadalafil.")
    assert tadalafil == {("choice", "preferred tadalafil over sildenafil")} and tadalafil != sildenafil
    implant = (
        "Male subjects 21 years of age and older who choose to undergo an IPP implantation for erectile dysfunction"
    )
    assert characteristics("AMS 700 IPP 2005 Implant Group at 4-8 Weeks", implant) == {
        ("choice", "choose to undergo an ipp implantation for erectile dysfunction")
    }
    chose = "Participants in this arm chose to continue treatment with atezolizumab IV, 1200 mg Q3W"  # NCT05171777
    assert characteristics("Continuation Atezolizumab IV", chose) == {
        ("choice", "chose to continue treatment with atezolizumab iv, 1200 mg q3w")
    }
    soc = "Treatment combination platinum-based SoC as per Investigator's choice on Day 1 of each 21-day cycle"
    assert characteristics("Platinum-based SoC", soc) == frozenset()


@pytest.mark.parametrize(
    "title,conditions,expected",
    [
        (
            "Drug X (COPD)",
            ("Asthma", "Chronic Obstructive Pulmonary Disease"),
            {"Chronic Obstructive Pulmonary Disease"},
        ),
        ("Placebo - asthma", ("Asthma", "Chronic Obstructive Pulmonary Disease"), {"Asthma"}),
        ("Drug X (Psoriatic Arthritis)", ("Psoriasis", "Psoriatic Arthritis"), {"Psoriatic Arthritis"}),
        ("Drug X", ("Psoriasis", "Psoriatic Arthritis"), set()),
        ("Drug X (copd)", ("Chronic Obstructive Pulmonary Disease",), set()),  # initials in capitals only
        ("Asthmatic Smokers Treated With Combination Therapy", ("Asthma", "Smoking"), set()),  # whole words
    ],
)
def test_named_conditions(title: str, conditions: tuple[str, ...], expected: set) -> None:
    assert named_conditions(title, conditions) == expected
