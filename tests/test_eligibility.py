"""Inclusion criteria (ctpairs.eligibility) on real criteria texts of the shared records, against
hand-labelled couples of trials."""

from __future__ import annotations

from ctpairs.eligibility import inclusion_criteria, same_inclusion, unmatched, words
from tests._data import real_record
from tests._gold import load


def _criteria(nct_id: str) -> tuple[str, ...]:
    return inclusion_criteria(real_record(nct_id)["protocolSection"]["eligibilityModule"].get("eligibilityCriteria"))


def test_inclusion_lines_leave_out_age_sex_and_consent() -> None:
    """NCT00809471 (REVIVE-D): men of 18 and over, diabetic, in a relationship, willing to consent."""
    lines = _criteria("NCT00809471")
    assert "have documented diabetes (type 1 or type 2);" in lines
    assert not any("age" in words(line) or "consent" in words(line) for line in lines)
    assert not any(line.startswith("*") for line in lines)
    assert all("exclusion" not in line for line in lines)  # the exclusion section is not read
    assert inclusion_criteria(None) == () and inclusion_criteria("") == ()


def test_a_line_may_add_detail_but_not_swap_a_word() -> None:
    """A line that spells out a unit or an acronym is the same criterion; "a history of ECH" and "a
    history of CCH" (NCT02945046 and NCT02964338: episodic vs chronic cluster headache) are not."""
    weight = ("the participant has a total body weight of ≥45 kg (99 lbs.)",)
    spelled = ("the participant has a total body weight of ≥45 kilograms (kg) (99 pounds \\[lbs\\]).",)
    assert unmatched(weight, spelled) == () and unmatched(spelled, weight) == ()
    ech = ("the participant has a history of ech according to the international classification",)
    cch = ("the participant has a history of cch according to the international classification",)
    assert unmatched(ech, cch) == ech and not same_inclusion(ech, cch)
    assert same_inclusion((), ()) and not same_inclusion(ech, ())


def test_couples_against_hand_labels() -> None:
    """Every couple of the shared records an approximate builder may pair (same drugs, matching
    outcome, embedding neighbours), read by hand (tests/data/gold/inclusion_couples.json): 5 enrol
    different people (general, diabetic and post-prostatectomy erectile dysfunction; episodic and
    chronic cluster headache; with or without BPH), 4 the same. The rule tells all 9."""
    couples = load("inclusion_couples.json")["couples"]
    assert len(couples) == 9 and sum(not c["same_population"] for c in couples) == 5
    for c in couples:
        assert same_inclusion(_criteria(c["a"]), _criteria(c["b"])) is c["same_population"], c
