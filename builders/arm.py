"""Arm pairs: two result groups of one trial on the same outcome, whose arms differ.

Active versus placebo, drug A versus drug B, experimental versus standard of care. Both sides
share the measure and the class/category slot. The factual side is the control when exactly
one of the two groups is a control: a placebo/sham/vehicle group (by its title) or a group
whose arm is a PLACEBO_COMPARATOR, SHAM_COMPARATOR, NO_INTERVENTION or ACTIVE_COMPARATOR.
Otherwise the group with the smaller id is factual.

Left out: pooled groups ("Total"), groups with identical titles, two groups of a trial that
was not randomized when neither is a control (cohorts of a basket or single-arm trial differ in
their population, not only in their arm), and pairs that belong to the
``dose`` axis or differ by nothing at all: the same drug whose doses
:mod:`ctpairs.builders.dose` reads as comparable and which differ in nothing but the dose
(the dose builder's own test), including the same dose twice. When the trial posted an
analysis of exactly these two groups, it labels the pair (``trial_analysis``).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations

from ctpairs.builders.dose import differs_beyond_dose, group_dose

from ctpairs.builder import PerMeasureBuilder, Skip
from ctpairs.dose import comparable, is_placebo
from ctpairs.model.trial import Measure, ResultGroup, Trial
from ctpairs.pairing import group_contrast, is_pooled_group, observations_by_group
from ctpairs.schema import Change, Pair

CONTROL_ARM_TYPES = frozenset({"PLACEBO_COMPARATOR", "SHAM_COMPARATOR", "NO_INTERVENTION", "ACTIVE_COMPARATOR"})


def is_control(trial: Trial, group: ResultGroup) -> bool:
    """A placebo/sham/vehicle group, or one linked to a comparator or no-intervention arm."""
    if is_placebo(group.title):
        return True
    arm = trial.arm(group.arm.arm_label) if group.arm else None
    return arm is not None and arm.type in CONTROL_ARM_TYPES


def same_drug(trial: Trial, a: ResultGroup, b: ResultGroup) -> bool:
    """True when the two groups are the same drug differing at most in dose (the dose axis's pairs).

    Uses the dose builder's own reading: each group states one dose, the doses are comparable,
    and titles, descriptions and arm interventions agree once the dose is taken out.
    """
    da, db = group_dose(a), group_dose(b)
    if isinstance(da, Skip) or isinstance(db, Skip) or not comparable(da.dose, db.dose):
        return False
    return differs_beyond_dose(trial, a, b, da, db) is None


def order_groups(trial: Trial, a: ResultGroup, b: ResultGroup) -> tuple[ResultGroup, ResultGroup]:
    """(factual, counterfactual): the control first when exactly one is a control, else by group id."""
    ca, cb = is_control(trial, a), is_control(trial, b)
    if ca != cb:
        return (a, b) if ca else (b, a)
    return (a, b) if a.id <= b.id else (b, a)


class ArmBuilder(PerMeasureBuilder):
    """Same outcome, different arm: control -> treatment, or drug A -> drug B."""

    name = "arm"
    version = "1.1.0"
    kind = "natural"
    description = "two arms of one trial on the same outcome (control -> treatment when one is a control)"

    def build_measure(self, trial: Trial, measure: Measure) -> Iterator[Pair | Skip]:
        groups = []
        for group in measure.groups:
            if is_pooled_group(group):
                yield Skip("pooled group", group.title)
            else:
                groups.append(group)
        if len(groups) < 2:
            yield Skip("fewer than two groups", measure.title)
            return
        by_group = observations_by_group(measure)
        randomized = trial.design.allocation == "RANDOMIZED"
        for ga, gb in combinations(groups, 2):
            if ga.title.strip().casefold() == gb.title.strip().casefold():
                yield Skip("identical group titles", ga.title)
                continue
            if same_drug(trial, ga, gb):
                yield Skip("same drug, differing at most in dose", f"{ga.title} / {gb.title}")
                continue
            if not randomized and not (is_control(trial, ga) or is_control(trial, gb)):
                yield Skip("non-randomized groups without a control", f"{ga.title} / {gb.title}")
                continue
            factual, counterfactual = order_groups(trial, ga, gb)
            yield from group_contrast(
                self,
                trial,
                measure,
                by_group,
                factual,
                counterfactual,
                Change("arm", factual.title, counterfactual.title),
            )
