"""The qualifier reader (:mod:`ctpairs.qualifiers`) on real group titles.

The titles that must stay arm contrasts are the shared records' own (pairs the arm builder makes
and the hand-read gold sets call valid) and registry-style ones; those refused are the shared
records' titles the rule refuses, each read against its record, and registry-style grids. The last
test runs the arm builder over all shared records."""

from __future__ import annotations

import pytest
from ctpairs.builders.arm import ArmBuilder

from ctpairs import cohorts
from ctpairs.builder import Skip
from ctpairs.model.parse import parse_trial
from ctpairs.qualifiers import describes_treatment, qualifiers, unknown_qualifiers
from tests._data import real_records


def test_readings_of_a_title():
    assert qualifiers("Placebo (Caregivers)") == (("bracketed", "Placebo", "Caregivers"),)
    assert qualifiers("Site A: Placebo - Week 4") == (
        ("suffix", "Site A: Placebo", "Week 4"),
        ("prefix", "Placebo - Week 4", "Site A"),
    )
    assert qualifiers("Drug X 10 mg (N=20)") == ()  # a count of participants is no qualifier
    assert qualifiers("Placebo") == ()


@pytest.mark.parametrize(
    "a,b,names",
    [
        # the shared records' arm contrasts whose two qualifiers differ
        ("Depotestosterone Plus Placebo (T-P)", "Depotestosterone Plus Anastrozole (T-A)", ()),
        (
            "Cetuximab + Bevacizumab + Paclitaxel + Carboplatin (6/6)",
            "Cetuximab + Bevacizumab + Paclitaxel + Carboplatin (6/3)",
            (),
        ),
        ("A: Erlotinib Group", "B: Standard Chemotherapy Group", ()),
        # a drug given with the arm, not one trials stratify by
        ("Placebo (Alone)", "Drug X (Plus Carboplatin)", ()),
        ("Test 1: 100 mg Chewable, Without Water", "Test 2: 100 mg Chewable, With Water", ()),
        # NCT00904748's main contrast: the chewable tablet without water against the coated
        # reference with water (the gold set's valid pair): how it is taken is part of the arm
        ("Test 1: 100 mg Chewable, Without Water", "Reference: 100 mg Coated, With Water", ()),
        ("LY900010 (Particle Size #1)", "LY900010 (Particle Size #2)", ()),
        ("Group A, Cohort A, Nivo", "Group A, Cohort A, Beva + Nivo", ("Nivolumab", "Bevacizumab")),
        ("Group D, Erlo", "Group D, Nivo + Erlo", ("Nivolumab", "Erlotinib")),
        ("Arm B (P+T+C)", "Arm A (O+T+C)", ()),
        ("Placebo (Late Erlotinib)", "Erlotinib (Early Erlotinib)", ()),
        ("Bevacizumab (Avastin)", "SB8 (A Proposed Bevacizumab Biosimilar)", ()),
        ("Intensity-modulated (Photon) Radiotherapy (IMRT)", "Passive Scattering Proton Therapy (PSPT)", ()),
        ("Arm 2 (Usual Care)", "Arm 1 (Early Palliative Care)", ()),
        ("Treatment B Mobile Application (QuitGuide)", "Treatment A Mobile Application (CT-101-M)", ()),
        # registry-style: an arm label written after its id, drugs the trial registered under
        # another name, what a placebo is made of, a real procedure beside a sham one
        ("Ketamine (K Group)", "Saline (S Group)", ()),
        ("Paclitaxel, Carboplatin", "Pemetrexed, Cisplatin", ("Chemotherapy",)),
        ("Probiotic (Lactobacillus)", "Placebo (Maltodextrin)", ()),
        ("Acupuncture (Verum)", "Acupuncture (Sham)", ()),
        # a treatment's own attributes; with one main part, any qualifier that names no one and no place
        ("Drug X (Tablet)", "Drug X (Capsule)", ()),
        ("Drug X (Autoinjector)", "Drug X (Prefilled Syringe)", ()),
        ("Drug X (Abdomen)", "Drug X (Thigh)", ()),  # injection sites
        ("CBT (Online)", "CBT (In-person)", ()),
        ("Vaccine X (Lot 1)", "Vaccine X (Lot 2)", ()),
        ("Care (Nurse-led)", "Care (Physician-led)", ()),
        ("Drug X (Formulation A)", "Drug X (Formulation B)", ()),
        ("Insulin Glargine (Lantus)", "Insulin Degludec (Tresiba)", ("Lantus", "Tresiba")),
    ],
)
def test_qualifiers_that_describe_the_arm(a: str, b: str, names: tuple[str, ...]):
    assert not unknown_qualifiers(a, b, names)
    assert not unknown_qualifiers(b, a, names)


@pytest.mark.parametrize(
    "a,b",
    [
        # the shared records' refusal: a trial's two kinds of participants (NCT04514523)
        ("Single-Arm Intervention Group - Patients", "Single-Arm Intervention Group - Clinicians"),
        # registry-style grids
        ("Placebo (Caregivers)", "Drug X (Patients)"),
        ("Placebo - Site A", "Drug X - Site B"),
        ("Drug X (Center 1)", "Drug X (Center 2)"),
        ("Drug X (Plasma)", "Drug X (CSF)"),
        ("Drug X (Primary Analysis)", "Drug X (Final Analysis)"),
        ("Placebo, Knee", "Drug X, Hip"),
        ("Placebo (Knee OA)", "Drug X (Hip OA)"),
        ("Placebo (Donors)", "Drug X (Recipients)"),
        ("Placebo (Plasma)", "Drug X (CSF)"),  # a specimen's initials say no treatment
        ("Placebo (With Metformin)", "Drug X (Without Metformin)"),  # a background drug's two sides
        ("Placebo (On Insulin)", "Drug X (Not on Insulin)"),
        ("Placebo (Monotherapy)", "Drug X (Add-on to Metformin)"),  # alone, or on a background drug
        ("Placebo (Alone)", "Drug X (With MTX)"),
    ],
)
def test_qualifiers_of_something_else(a: str, b: str):
    assert unknown_qualifiers(a, b, ("Drug X", "Placebo"))
    assert unknown_qualifiers(b, a, ("Drug X", "Placebo"))


def test_what_describes_a_treatment():
    none: frozenset[str] = frozenset()
    assert describes_treatment("Morning Dosing", "Evening Dosing", none)
    assert describes_treatment("Beva", "Nivo", frozenset({"bevacizumab", "nivolumab"}))  # a name's start
    assert describes_treatment("GC", "PC", none)  # initialisms that differ
    assert not describes_treatment("Knee OA", "Hip OA", none)  # the initialism they share says nothing
    assert not describes_treatment("Caregivers", "Patients", frozenset({"drug", "x", "placebo"}))


def test_what_the_rule_refuses_on_the_shared_records():
    """Over all 685 shared records the arm builder gives the qualifier reason to the group pairs of
    two trials only, each read against its record: NCT02648724's MET-amplified and METex14 expansion
    cohorts and NCT04514523's patients and clinicians (all refused by later rules before). No valid
    arm pair of the records is refused by it."""
    refused = set()
    for record in real_records():
        built = parse_trial(record)
        for item in ArmBuilder().build(built):
            if isinstance(item, Skip) and item.reason == cohorts.SKIP_QUALIFIED:
                refused.add(built.nct_id)
    assert refused == {"NCT02648724", "NCT04514523"}
