"""The endpoint parser (ctpairs.endpoints) on real measure titles of the shared records, and the
approximate builders' outcome match that uses it."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import pytest
from rapidfuzz import fuzz

from ctpairs.endpoints import constructs
from ctpairs.retrieval.approximate import OUTCOME_TITLE_MATCH, outcome_key, outcome_matches
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
    assert fuzz.token_sort_ratio(cmin[-1], cmax[-1]) >= OUTCOME_TITLE_MATCH  # the titles alone would match
    assert not outcome_matches(cmin, cmax)
    assert outcome_matches(cmin, key("Pharmacokinetics (PK): Minimum Concentration (Cmin) of necitumumab"))
    assert outcome_matches(cmin, key("Pharmacokinetics: Minimum Concentration (Cmin) of Necitumumab"))
