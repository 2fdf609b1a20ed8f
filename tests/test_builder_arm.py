"""The arm builder on real records: control first, no dose pairs, the trial's own analysis as label."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from ctpairs.builders import arm as arm_builder
from ctpairs.builders.arm import CONTROL_ARM_TYPES, SKIP_SAME_DRUGS, ArmBuilder
from ctpairs.builders.dose import DoseBuilder

from ctpairs.builder import Skip
from ctpairs.cohorts import SKIP_SUBGROUPS
from ctpairs.dose import is_placebo
from ctpairs.model.numbers import parse_number, parse_qualified_number
from ctpairs.model.trial import ResultGroup, Trial
from ctpairs.pairing import is_pooled_group
from ctpairs.schema import Pair
from tests._data import resolve_pointer

EXAMPLES = ("NCT00790751", "NCT00003869", "NCT00148798")


@dataclass
class Survey:
    """What the arm builder made over every real record: the examples kept whole, the rest checked
    as it streams by (keeping ~75,000 pairs alive would make the garbage collector the test's cost)."""

    built: dict[str, list[Pair | Skip]] = field(default_factory=dict)  # the EXAMPLES only
    pairs: int = 0
    dose_pairs: int = 0  # dose-axis pairs of the same trials, which must not reappear here
    problems: list[str] = field(default_factory=list)


def _key(p: Pair) -> tuple[str, str | None, frozenset[str]]:
    return (
        p.factual.outcome.title,
        p.factual.result.category,
        frozenset((p.factual.group_id, p.counterfactual.group_id)),
    )


def _control_level(side) -> int:
    """2 placebo-like (by title or arm type), 1 an active comparator arm, 0 otherwise: the factual
    side is never less control-like than the counterfactual one."""
    if is_placebo(side.group_title) or side.arm_type in CONTROL_ARM_TYPES - {"ACTIVE_COMPARATOR"}:
        return 2
    return 1 if side.arm_type == "ACTIVE_COMPARATOR" else 0


def _problems(record: dict, pairs: list[Pair], dose_keys: set[tuple[str, str | None, frozenset[str]]]) -> Iterator[str]:
    """Every way the arm pairs of one trial break the axis rules or their provenance."""
    for p in pairs:
        f, c = p.factual, p.counterfactual
        where = f"{p.nct_id} {f.outcome.title!r} {f.group_title!r} -> {c.group_title!r}"
        if (p.axis, p.change.attribute, p.change.from_, p.change.to) != ("arm", "arm", f.group_title, c.group_title):
            yield f"{where}: axis or change"
        if f.group_title.casefold() == c.group_title.casefold():
            yield f"{where}: identical titles"
        if f.outcome != c.outcome or f.result.category != c.result.category:
            yield f"{where}: not the same outcome slot"
        if any(is_pooled_group(ResultGroup(s.group_id, s.group_title, None, None, "")) for s in (f, c)):
            yield f"{where}: pooled group"
        if _control_level(f) < _control_level(c):
            yield f"{where}: wrong factual side"
        if _key(p) in dose_keys:
            yield f"{where}: a dose pair"
        sources = {s.field: s for s in p.provenance.sources}
        for name, side in (("factual", f), ("counterfactual", c)):
            ref = sources[f"{name}.result.value"]
            if parse_number(resolve_pointer(record, ref.pointer)) != side.result.value:
                yield f"{where}: {name} value differs from {ref.pointer}"


@pytest.fixture(scope="module")
def survey(records: dict[str, dict], trials: dict[str, Trial]) -> Survey:
    out = Survey()
    arm, dose = ArmBuilder(), DoseBuilder()
    for nct_id, trial in trials.items():
        items = list(arm.build(trial))
        pairs = [p for p in items if isinstance(p, Pair)]
        if not pairs:
            continue
        dose_keys = {_key(d) for d in dose.build(trial) if isinstance(d, Pair)}
        out.pairs += len(pairs)
        out.dose_pairs += len(dose_keys)
        out.problems += _problems(records[nct_id], pairs, dose_keys)
        if nct_id in EXAMPLES:
            out.built[nct_id] = items
    return out


def _pairs(survey: Survey, nct_id: str) -> list[Pair]:
    return [p for p in survey.built[nct_id] if isinstance(p, Pair)]


def test_avanafil_placebo_is_factual_and_doses_are_left_to_the_dose_axis(survey: Survey) -> None:
    """NCT00790751: placebo and avanafil 50/100/200 mg."""
    ps = _pairs(survey, "NCT00790751")
    assert {(p.factual.group_title, p.counterfactual.group_title) for p in ps} == {
        ("Placebo", "Avanafil 50 mg"),
        ("Placebo", "Avanafil 100 mg"),
        ("Placebo", "Avanafil 200 mg"),
    }
    for p in ps:
        assert p.factual.arm_type == "PLACEBO_COMPARATOR"
        assert (p.change.attribute, p.change.from_, p.change.to) == ("arm", "Placebo", p.counterfactual.group_title)
    skips = [s for s in survey.built["NCT00790751"] if isinstance(s, Skip)]
    assert any(s.reason == SKIP_SAME_DRUGS and s.detail == "Avanafil 50 mg / Avanafil 100 mg" for s in skips)


@pytest.mark.parametrize(
    "nct_id,factual,counterfactual,significant",
    [
        ("NCT00003869", "Placebo", "Carboxyamidotriazole", False),
        ("NCT00148798", "Chemotherapy Alone", "Cetuximab Plus Chemotherapy", True),
    ],
)
def test_label_from_the_trial_analysis(
    records: dict[str, dict], survey: Survey, nct_id: str, factual: str, counterfactual: str, significant: bool
) -> None:
    """Two-arm trials whose first outcome posts an analysis of exactly these two groups."""
    ps = _pairs(survey, nct_id)
    first = [p for p in ps if p.factual.outcome == ps[0].factual.outcome]
    assert first
    for p in first:
        assert (p.factual.group_title, p.counterfactual.group_title) == (factual, counterfactual)
        assert p.label.method == "trial_analysis"
        ref = next(s for s in p.provenance.sources if s.field == "label.p_value")
        posted, _ = parse_qualified_number(resolve_pointer(records[nct_id], ref.pointer))
        assert p.label.p_value == posted
        assert p.label.significant is significant


def test_every_pair_follows_the_axis_rules_and_its_pointers(survey: Survey) -> None:
    """Over all real records: no pooled, identical-title or dose pair; the factual side is never less
    control-like than the other (placebo over active comparator over treatment; this test used to
    demand the smaller group id between two controls, which made an active comparator factual against
    placebo); both values equal the record's value at their provenance pointer."""
    assert survey.pairs > 9_000
    assert survey.dose_pairs > 100
    assert survey.problems == []


@pytest.mark.parametrize(
    "title,rank",
    [
        ("Placebo", 2),
        ("Standard of Care", 1),
        ("Investigator's Choice Chemotherapy", 1),
        # registry-style control titles none of the shared records uses
        ("Physician's Choice", 1),
        ("Wait-list", 1),
        ("Waitlist Control", 1),
        ("Watchful Waiting", 1),
        # a population word is no control ("Untreated Brain Metastases From Melanoma", NCT02681549)
        ("Untreated Brain Metastases From Melanoma", 0),
        ("Drug X + Standard of Care", 0),
    ],
)
def test_control_words_of_a_group_title(title: str, rank: int) -> None:
    assert arm_builder._text_rank(title) == rank


def test_a_regimens_initials_are_no_crossover_sequence(trials: dict[str, Trial]) -> None:
    """NCT00112294 randomized "Cetuximab+Taxane+Carboplatin (C/T/C)" against "Taxane+Carboplatin
    (T/C)": the letters between slashes spell the titles' own words, so they are the regimens'
    initials, not crossover sequences, and the two arms are paired (control first)."""
    pairs = [p for p in ArmBuilder().build(trials["NCT00112294"]) if isinstance(p, Pair)]
    assert pairs
    assert {(p.factual.group_title, p.counterfactual.group_title) for p in pairs} == {
        ("Taxane+Carboplatin (T/C)", "Cetuximab+Taxane+Carboplatin (C/T/C)")
    }


@pytest.mark.parametrize(
    "nct_id,control,other",
    [
        ("NCT02364999", "Bevacizumab-EU", "PF-06439535"),
        ("NCT03329911", "EU Avastin®", "BAT1706"),
        ("NCT03296163", "EU-approved Avastin®", "MB02 (Bevacizumab Biosimilar Drug)"),
    ],
)
def test_a_products_origin_is_no_region(trials: dict[str, Trial], nct_id: str, control: str, other: str) -> None:
    """Biosimilar trials randomize a biosimilar against the reference product sourced in a region
    ("Bevacizumab-EU", "EU Avastin®"): the region is the product's, not the participants', so the
    two arms are a pair, the reference first."""
    pairs = [p for p in ArmBuilder().build(trials[nct_id]) if isinstance(p, Pair)]
    assert {(p.factual.group_title, p.counterfactual.group_title) for p in pairs} == {(control, other)}


@pytest.mark.parametrize(
    "nct_id,pair",
    [
        (
            "NCT00111839",
            ("Pemetrexed Plus Matuzumab 800 mg Per Week", "Pemetrexed Plus Matuzumab 1600 mg Every 3 Weeks"),
        ),
        # only the titles name the schedules, and the descriptions give each its own amounts
        ("NCT01122264", ("Tadalafil On Demand", "Tadalafil Once a Day")),
        (
            "NCT01104155",
            ("Eribulin Mesylate Plus Erlotinib, 21 Day Regimen", "Eribulin Mesylate Plus Erlotinib, 28 Day Regimen"),
        ),
        (
            "NCT06212752",
            (
                "Arm 2: Pembrolizumab + Platinum Doublet Chemotherapy",
                "Arm 1: Pembrolizumab Formulated With Berahyaluronidase Alfa + Platinum Doublet Chemotherapy",
            ),
        ),
    ],
)
def test_one_drug_on_two_schedules_or_routes_is_an_arm_contrast(
    trials: dict[str, Trial], nct_id: str, pair: tuple[str, str]
) -> None:
    """The same drugs given on other schedules or routes are two regimens the dose axis cannot
    order, so they are arm pairs; the same drugs with one amount changed stay the dose axis's
    (NCT01183858's erlotinib 150 mg / 300 mg gives no arm pair)."""
    pairs = [p for p in ArmBuilder().build(trials[nct_id]) if isinstance(p, Pair)]
    assert pair in {(p.factual.group_title, p.counterfactual.group_title) for p in pairs}
    dose_only = list(ArmBuilder().build(trials["NCT01183858"]))
    assert not [p for p in dose_only if isinstance(p, Pair)]
    assert SKIP_SAME_DRUGS in {s.reason for s in dose_only if isinstance(s, Skip)}


def test_groups_that_chose_their_route_are_no_arm_contrast(trials: dict[str, Trial]) -> None:
    """NCT05171777's continuation groups: "participants were given an option to choose between IV or
    SC administration ... Participants in this arm chose to continue treatment with atezolizumab
    IV" (or SC). The groups chose their route after the crossover; they were not assigned, so they
    are subgroups by choice, not an IV / SC contrast."""
    built = list(ArmBuilder().build(trials["NCT05171777"]))
    pairs = {(p.factual.group_title, p.counterfactual.group_title) for p in built if isinstance(p, Pair)}
    assert ("Continuation Atezolizumab IV", "Continuation Atezolizumab SC") not in pairs
    assert any(
        s.reason == SKIP_SUBGROUPS and s.detail == "Continuation Atezolizumab IV / Continuation Atezolizumab SC"
        for s in built
        if isinstance(s, Skip)
    )


def test_the_control_that_names_a_drug_as_not_given_is_factual(trials: dict[str, Trial]) -> None:
    """NCT02337530's "Pemetrexed and Platinum Alone" says "Selumetinib: NOT GIVEN": it is the
    control of both selumetinib arms, so it is the factual side."""
    pairs = [p for p in ArmBuilder().build(trials["NCT02337530"]) if isinstance(p, Pair)]
    against_control = [p for p in pairs if "Alone" in p.factual.group_title + p.counterfactual.group_title]
    assert against_control and all(p.factual.group_title == "Pemetrexed and Platinum Alone" for p in against_control)
