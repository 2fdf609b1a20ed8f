"""The outcome builder on real records: time series of one group, and primary vs secondary."""

from __future__ import annotations

import pytest
from ctpairs.builders.outcome import SKIP_INSTRUMENT, OutcomeBuilder, cycle_length_days, time_point_days

from ctpairs.builder import Skip
from ctpairs.model.numbers import parse_number
from ctpairs.model.parse import parse_trial
from ctpairs.model.trial import Trial
from ctpairs.schema import Pair
from tests._data import real_record, resolve_pointer


@pytest.fixture(scope="module")
def pairs(trials: dict[str, Trial]) -> dict[str, list[Pair]]:
    builder = OutcomeBuilder()
    return {nct: [p for p in builder.build(t) if isinstance(p, Pair)] for nct, t in trials.items()}


# Class, category and title strings as posted in the real records, with hand-read days.
@pytest.mark.parametrize(
    "text,days",
    [
        ("Week 4", 28),
        ("Day 15", 15),
        ("Month 6", 182.625),
        ("Baseline", 0),
        ("Day 29", 29),
        ("12 months", 365.25),
        ("Year 2", 730.5),
        ("Cough: Week 36", 252),
        ("Fatigue: Week 6", 42),
        ("Week 12 - Bodily Pain", 84),
        ("Change from Baseline to Week 24 (n=140, 116, 81)", 168),
        ("Q4:Change from Baseline to 8 Weeks (n=224,231,229)", 56),
        ("The change from baseline in VC: 57 weeks", 399),
        ("Month 3, Grade 1, n=109, 107", 91.3125),
        ("Baseline, Grade 1, n=230, 228", 0),
        ("Baseline (BL), normal, n=230, 228", 0),
        ("CAL, Normal values at Baseline, Month 12", 365.25),
        ("Week 0 - 0 admissions", 0),
        ("Week 16 - 2 visits", 112),
        ("Week 4 - 2-4 hours", 28),
        ("Day 85-Domain 4", 85),
        ("Free Testosterone at week 0", 0),
        ("Day 14, extremely large effect (n=63,62)", 14),
        ("Overall Survival (OS) at 24 Months", 730.5),
        ("Residual Erectile Function (REF) at Month 10.5", 319.59375),
        ("Slightly improved, Week 1", 7),
        # not one orderable time point
        ("Day 22, 1-hour post-dose", None),
        ("Baseline to 1-month Follow-up at 12 weeks: Past month average standard drinks in a week", None),
        ("Minimum Post-Baseline Value", None),
        ("Dysphagia: Last visit", None),
        ("Change at End of Treatment", None),
        ("Partial Response", None),
        ("Week 8, Week 14", None),
        ("Cycle 2 Day 1", None),  # needs the cycle length
    ],
)
def test_time_point_days(text: str, days: float | None) -> None:
    assert time_point_days(text) == days


@pytest.mark.parametrize(
    "text,cycle_days,days",
    [
        ("Cycle 2 Day 1", 21, 22),
        ("Cycle 1 Day 1", 21, 1),
        ("Cycle 1 Day 15", 28, 15),
        ("Change at Cycle 3 Day 1", 21, 43),
        ("Cycle 11/Day 1 (Answer to Q1: No)", 21, 211),
        ("Day 1 Cycle 42 - A little", 21, 862),
        ("Cy3D1 Before End of Inufsion", 21, 43),
        ("C1 D15 (VEGFR2+) (n=38, 37)", 21, 15),
        ("Cycle 1 Day 1 (6 to 10 hours postdose); N=46", 21, 1),
        ("[MTC Cycle 5] Appetite Loss Symptom Scale (n=51,77)", 21, 85),
        ("Week 4", 21, 28),
    ],
)
def test_cycle_time_points(text: str, cycle_days: float, days: float) -> None:
    assert time_point_days(text, cycle_days) == days


@pytest.mark.parametrize(
    "text,days",
    [("21-day cycles", 21), ("each cycle is 28 days", 28), ("3-week cycle", 21), ("Week 12", None), (None, None)],
)
def test_cycle_length_days(text: str | None, days: float | None) -> None:
    assert cycle_length_days(text) == days


@pytest.mark.parametrize("nct_id", ["NCT01871805", "NCT00390806", "NCT00600821", "NCT02945046"])
def test_time_series_within_a_measure(pairs: dict[str, list[Pair]], nct_id: str) -> None:
    series = [
        p for p in pairs[nct_id] if p.change.attribute == "time_frame" and p.factual.outcome == p.counterfactual.outcome
    ]
    assert series
    for p in series:
        assert p.factual.group_id == p.counterfactual.group_id
        assert p.factual.group_title == p.counterfactual.group_title
        assert p.factual.result.category != p.counterfactual.result.category
        earlier, later = time_point_days(p.change.from_, 21), time_point_days(p.change.to, 21)
        assert earlier is not None and later is not None and earlier < later


def test_appetite_loss_weeks_are_consecutive(pairs: dict[str, list[Pair]]) -> None:
    """NCT01871805 posts 'Appetite loss: Week N' every 3 weeks: Week 15 pairs with Week 18 only."""
    from_week_15 = [
        p
        for p in pairs["NCT01871805"]
        if p.factual.result.category == "Appetite loss: Week 15" and p.factual.outcome == p.counterfactual.outcome
    ]
    assert from_week_15
    assert {p.counterfactual.result.category for p in from_week_15} == {"Appetite loss: Week 18"}
    assert {p.change.to for p in from_week_15} == {"Week 18"}


def test_time_series_across_measures(pairs: dict[str, list[Pair]]) -> None:
    """NCT00323869 posts 'Overall Survival (OS) at 12 Months' and '... at 24 Months' as two measures."""
    os_pairs = [p for p in pairs["NCT00323869"] if p.change.attribute == "time_frame"]
    assert os_pairs
    for p in os_pairs:
        assert (p.factual.outcome.title, p.counterfactual.outcome.title) == (
            "Overall Survival (OS) at 12 Months",
            "Overall Survival (OS) at 24 Months",
        )
        assert (p.change.from_, p.change.to) == ("12 Months", "24 Months")
        assert p.factual.group_title == p.counterfactual.group_title


def test_primary_versus_secondary_of_the_same_instrument(pairs: dict[str, list[Pair]]) -> None:
    """NCT02495467: the primary IIEF erectile-function domain against the secondary IIEF domains
    (same instrument, same time frame, same participants)."""
    related = [p for p in pairs["NCT02495467"] if p.change.attribute == "outcome"]
    assert related
    for p in related:
        assert p.factual.outcome.title.startswith("Erectile Function (EF) Domain Score")
        assert "International Index of Erectile" in p.counterfactual.outcome.title
        assert (p.factual.outcome.type, p.counterfactual.outcome.type) == ("PRIMARY", "SECONDARY")
        assert p.factual.outcome.time_frame.casefold() == p.counterfactual.outcome.time_frame.casefold()
        assert p.factual.outcome.unit.casefold() == p.counterfactual.outcome.unit.casefold()
        assert p.factual.outcome.param_type == p.counterfactual.outcome.param_type
        assert p.factual.group_title == p.counterfactual.group_title
        assert p.factual.result.n == p.counterfactual.result.n
        assert (p.change.from_, p.change.to) == (p.factual.outcome.title, p.counterfactual.outcome.title)
        assert p.label.method != "trial_analysis"


def test_related_outcomes_of_other_constructs_or_times_are_refused(pairs: dict[str, list[Pair]]) -> None:
    """NCT00887783: 'Local Failure Free Survival' (9 months) and 'Overall Survival' (72 months) share
    a unit, not a construct nor a time frame; the old rule paired them (a wrong expectation, fixed)."""
    trial = parse_trial(real_record("NCT00887783"))
    skips = [s for s in OutcomeBuilder().build(trial) if isinstance(s, Skip)]
    assert Skip(SKIP_INSTRUMENT, "Local Failure Free Survival / Overall Survival") in skips
    assert not [p for p in pairs["NCT00887783"] if p.change.attribute == "outcome"]


def test_every_pair_keeps_one_group_and_orders_time(pairs: dict[str, list[Pair]]) -> None:
    all_pairs = [p for ps in pairs.values() for p in ps]
    assert len(all_pairs) > 1000
    for p in all_pairs:
        assert p.axis == "outcome" and p.builder == "outcome"
        assert (
            p.factual.group_title == p.counterfactual.group_title or p.factual.arm_label == p.counterfactual.arm_label
        )
        assert (
            p.factual.result.category == p.counterfactual.result.category
            or p.factual.outcome == p.counterfactual.outcome
        )
        assert p.label.method != "trial_analysis"
        if p.change.attribute == "time_frame":
            earlier, later = time_point_days(p.change.from_), time_point_days(p.change.to)
            if earlier is not None and later is not None:
                assert earlier < later
        else:
            assert p.change.attribute == "outcome"
            assert (p.factual.outcome.type, p.counterfactual.outcome.type) == ("PRIMARY", "SECONDARY")


def test_values_match_the_record_at_their_pointers(records: dict[str, dict], pairs: dict[str, list[Pair]]) -> None:
    checked = 0
    for ps in pairs.values():
        for p in ps:
            sources = {s.field: s for s in p.provenance.sources}
            for side in ("factual", "counterfactual"):
                ref = sources[f"{side}.result.value"]
                raw = resolve_pointer(records[ref.nct_id], ref.pointer)
                assert parse_number(raw) == getattr(p, side).result.value
                checked += 1
    assert checked > 2000


def test_trial_without_results_is_skipped(trials: dict[str, Trial]) -> None:
    trial = next(t for t in trials.values() if not t.results.outcome_measures)
    assert list(OutcomeBuilder().build(trial)) == [Skip("no posted results")]
