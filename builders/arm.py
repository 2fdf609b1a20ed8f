"""Arm pairs: two result groups of one trial on the same outcome, whose arms differ.

Active versus placebo, drug A versus drug B, experimental versus standard of care. Both sides
share the measure and the class/category slot. The factual side is the more control-like group
(:func:`order_groups`): placebo, sham or no intervention first, then an active comparator or
standard of care, read from the linked arm's type and from the group's own title; between equals,
the add-on design's control ("X + placebo" against "X + Y"), then a group whose description alone
speaks of a placebo, then the smaller group id.

Left out, each with a declared skip reason:

* pooled groups and groups that are not the same population at the same time
  (:func:`ctpairs.cohorts.concurrency_skip`: parts, stages, crossover periods, regional or
  non-randomized cohorts, subgroups defined by a participant characteristic;
  :func:`ctpairs.cohorts.cohort_skip` and :func:`ctpairs.cohorts.stratum_skip`: differently named
  cohorts or strata; :func:`ctpairs.cohorts.condition_skip`: titles naming different conditions of
  the trial's own list);
* groups with identical titles;
* two groups that give the same drugs and differ in one drug's amount (:data:`SKIP_SAME_DRUGS`,
  read with the dose builder's regimens): a dose contrast belongs to the ``dose`` axis (the same
  drugs on other schedules, routes or bases, or with several doses changed, are regimens the dose
  axis cannot order: arm contrasts);
* two groups of a trial that was not randomized when neither is a control naming no drug of the
  trial (cohorts of a basket or single-arm trial differ in their population, not only in their arm).
  A trial counts as randomized only when it registers randomized allocation and not a single arm,
  and two groups whose titles both call them non-randomized,
  escalation, expansion or safety cohorts are treated as not randomized against each other;
* two groups whose descriptions are one text giving a drug with an amount, under titles that name
  no control nor other drugs, or in a text that names a stage such as an open-label extension
  (:data:`SKIP_SAME_TREATMENT`): the same stated treatment, so the titles differ in who was
  enrolled or in what they had before;
* every pair of an observational study (:data:`SKIP_OBSERVATIONAL`): its groups were not assigned;
* measures of responders only (duration of, time to response): each arm's responders are not a
  randomized population; and groups that are the baseline, measured before any treatment (a shift
  table's on-treatment rows by baseline state are not). Baseline rows and measures whose time frame
  is only the baseline are left out by :func:`ctpairs.pairing.group_contrast`
  (:data:`~ctpairs.pairing.SKIP_BASELINE`).

When the trial posted an analysis of exactly these two groups, it labels the pair (``trial_analysis``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import combinations

from ctpairs.builders.dose import SKIP_DISAGREE, SKIP_UNSURE, Regimens, dose_difference, without_amounts

from ctpairs.builder import PerMeasureBuilder, Skip
from ctpairs.cohorts import (
    SKIP_POOLED,
    cohort_skip,
    concurrency_skip,
    condition_skip,
    group_context,
    is_pooled,
    qualifier_skip,
    responders_only,
    stages,
    strata,
    stratum_skip,
)
from ctpairs.dose import is_placebo, parse_dose, parse_regimen, route_codes, schedule_codes
from ctpairs.model.trial import Measure, ResultGroup, Trial
from ctpairs.pairing import SKIP_BASELINE, group_contrast, observations_by_group
from ctpairs.schema import Change, Pair
from ctpairs.timepoints import is_baseline, words

CONTROL_ARM_TYPES = frozenset({"PLACEBO_COMPARATOR", "SHAM_COMPARATOR", "NO_INTERVENTION", "ACTIVE_COMPARATOR"})
_RANK_BY_TYPE = {"PLACEBO_COMPARATOR": 2, "SHAM_COMPARATOR": 2, "NO_INTERVENTION": 2, "ACTIVE_COMPARATOR": 1}
_COMPARATOR = re.compile(
    r"(?<!with )(?<!plus )(?<!\+ )(?<!adjunctive )(?<!and )"
    r"\b(?:control|comparator|standard[\s-]+(?:of[\s-]+)?care|usual\s+care|SoC|best\s+supportive\s+care|"
    r"observation|treatment\s+as\s+usual|(?:investigator|physician)'?s\s+choice|no\s+(?:treatment|intervention)|"
    r"wait[\s-]*list(?:ed)?|watchful\s+waiting)\b",
    re.I,
)

SKIP_FEWER = "fewer than two groups"
SKIP_IDENTICAL = "identical group titles"
SKIP_SAME_DRUGS = "same drugs at different doses"
SKIP_NO_CONTROL = "non-randomized groups without a control"
SKIP_RESPONDERS = "responders-only measure"
SKIP_OBSERVATIONAL = "observational study (groups not assigned)"
SKIP_SAME_TREATMENT = "the same stated treatment (the groups differ in who was enrolled or when)"


def is_randomized(trial: Trial) -> bool:
    """Whether the trial's groups were randomized against each other: randomized allocation and not
    a single registered arm (the registry holds "randomized" single-arm trials)."""
    design = trial.design
    return design.allocation == "RANDOMIZED" and len(trial.arm_groups) != 1


def _text_rank(text: str | None) -> int:
    if not text:
        return 0
    if is_placebo(text):
        return 2
    return 1 if _COMPARATOR.search(text) else 0


def control_rank(trial: Trial, group: ResultGroup) -> int:
    """How control-like a group is: 2 placebo, sham, vehicle or no intervention; 1 an active
    comparator, control or standard of care; 0 a treatment. From the linked arm's type and the
    group's own title."""
    arm = trial.arm(group.arm.arm_label) if group.arm else None
    return max(_RANK_BY_TYPE.get(arm.type or "", 0) if arm else 0, _text_rank(group.title))


def is_control(trial: Trial, group: ResultGroup) -> bool:
    """A placebo/sham/vehicle group, a comparator or standard of care (:func:`control_rank` > 0)."""
    return control_rank(trial, group) > 0


def order_groups(regimens: Regimens, a: ResultGroup, b: ResultGroup) -> tuple[ResultGroup, ResultGroup]:
    """(factual, counterfactual): the more control-like group first (:func:`control_rank`); between
    equals, the group whose drugs are a strict part of the other's (the add-on design's control,
    "X + placebo" against "X + Y"), then the one whose description alone speaks of a placebo, then
    the smaller group id."""
    trial = regimens.trial
    ra, rb = control_rank(trial, a), control_rank(trial, b)
    if ra != rb:
        return (a, b) if ra > rb else (b, a)
    na, nb = regimens.names(a), regimens.names(b)
    if na != nb and (na < nb or nb < na):
        return (a, b) if na < nb else (b, a)
    pa, pb = (bool(g.description) and is_placebo(g.description or "") for g in (a, b))
    if pa != pb:
        return (a, b) if pa else (b, a)
    return (a, b) if a.id <= b.id else (b, a)


_DOSE_WORDS = re.compile(r"\b(?:low|lower|medium|mid|middle|intermediate|high|higher|reduced)[\s-]*dose\b", re.I)


def same_drug_doses(regimens: Regimens, a: ResultGroup, b: ResultGroup) -> bool:
    """True when two groups give the same drugs and differ in one drug's amount: a dose contrast
    (the ``dose`` axis's, or none when the dose builder refuses it), never an arm contrast. Read with
    the dose builder's regimens; groups named "low dose" / "high dose" count too. Two regimens of
    the same drugs on other schedules or routes (also when only the titles name them: "PRN
    Sildenafil" / "Nightly Sildenafil Arm", "Trastuzumab SC" / "Trastuzumab IV") or bases, or with
    several doses changed, are arm contrasts."""
    if _DOSE_WORDS.search(a.title) and _DOSE_WORDS.search(b.title):
        return True
    if _titrated_strengths(a, b):
        return False  # "Insulin Glargine 300 U/mL" / "100 U/mL", each titrated: two formulations
    doses_a, doses_b = ({d.base_amount() for d in parse_dose(g.title).doses} for g in (a, b))
    if doses_a and doses_b and doses_a != doses_b and without_amounts(a.title) == without_amounts(b.title):
        return True  # "C213 1.9 mg" / "C213 3.8mg": the same title but for the amount
    for codes in (schedule_codes, route_codes):
        codes_a, codes_b = codes(a.title), codes(b.title)
        if codes_a and codes_b and codes_a != codes_b:
            return False  # "PRN Sildenafil" / "Nightly Sildenafil", "Trastuzumab SC" / "Trastuzumab IV"
    routes_a, routes_b = route_codes(a.description or ""), route_codes(b.description or "")
    if routes_a and routes_b and routes_a.isdisjoint(routes_b):
        return False  # descriptions giving the drug by other routes: "... intravenous ..." / "... subcutaneous ..."
    ra, rb = regimens.of(a), regimens.of(b)
    if isinstance(ra, Skip) or isinstance(rb, Skip):
        unsure = {SKIP_DISAGREE} >= {r.reason for r in (ra, rb) if isinstance(r, Skip)}
        return unsure and regimens.names(a) == regimens.names(b) != frozenset()
    drugs_a, drugs_b = ({d.drug for d in r.regimen.drugs} for r in (ra, rb))
    if not ra.regimen.names or drugs_a != drugs_b:
        return False  # amounts of drugs no text names cannot tell the same drug
    # one drug's amount differs (a dose pair), or one differing dose is not sure (a titration, an
    # unstated amount); not two drugs' doses, nor one drug on two schedules, routes or bases
    # ("Cetuximab 250 mg/m^2 Weekly" / "500 mg/m^2 Every 2 Weeks", IV / SC): those are regimens,
    # which the dose axis cannot order, so they are arm contrasts
    difference = dose_difference(ra.regimen, rb.regimen)
    return not isinstance(difference, str) or difference == SKIP_UNSURE


def _titrated_strengths(a: ResultGroup, b: ResultGroup) -> bool:
    """Whether two groups' titles state only strengths (amounts per mL) and both descriptions titrate
    the amount given: the strengths are formulations of one drug, not its doses."""
    strengths = [d.unit.endswith("/mL") for g in (a, b) for d in parse_dose(g.title).doses]
    return bool(strengths) and all(strengths) and all(parse_dose(g.description or "").titration for g in (a, b))


def same_stated_treatment(regimens: Regimens, a: ResultGroup, b: ResultGroup) -> bool:
    """True when two groups' descriptions are one text that gives a drug of the trial with an
    amount, and either that text names a stage of the trial or the titles name no different
    treatment (no control, the same drugs): both groups were given the same stated treatment, so
    their titles name who they are or what they had before.

    NCT02658890's expansion cohorts "Exp ML Anti-PDL1" and "Exp ASST" are both "BMS-986205 100mg +
    nivolumab 480mg"; NCT01130532's "Placebo (Period IV)" and "5 mg Tadalafil (Period IV)" are both
    "5.0 mg Tadalafil for 4 weeks during open-label extension treatment period (Period IV)", so at
    week 16 they compare two groups on tadalafil. A shared description without an amount ("Taken
    once daily") says nothing about the groups' treatments, and without a stage, titles that name a
    control or other drugs say what the groups were randomized to."""
    if not a.description or words(a.description) != words(b.description):
        return False
    if not any(d.drug and d.dose is not None for d in parse_regimen(a.description, regimens.drugs).drugs):
        return False
    if stages(a.description):
        return True
    if _text_rank(a.title) or _text_rank(b.title):
        return False
    return parse_regimen(a.title, regimens.drugs).names == parse_regimen(b.title, regimens.drugs).names


def is_pure_control(regimens: Regimens, group: ResultGroup) -> bool:
    """A control that names no drug of the trial in its title (placebo, observation, standard of
    care, or a comparator arm): what a non-randomized trial's groups may be contrasted with."""
    return is_control(regimens.trial, group) and not parse_regimen(group.title, regimens.drugs).names


class ArmBuilder(PerMeasureBuilder):
    """Same outcome, different arm: control -> treatment, or drug A -> drug B."""

    name = "arm"
    version = "2.11.0"
    kind = "natural"
    description = "two arms of one trial on the same outcome (control -> treatment when one is a control)"

    def build(self, trial: Trial) -> Iterator[Pair | Skip]:
        self._regimens = Regimens(trial)
        self._names = tuple(name for i in trial.interventions for name in (i.name, *i.other_names))
        yield from super().build(trial)

    def build_measure(self, trial: Trial, measure: Measure) -> Iterator[Pair | Skip]:
        if trial.design.study_type == "OBSERVATIONAL":
            yield Skip(SKIP_OBSERVATIONAL, measure.title)
            return
        if responders_only(measure):
            yield Skip(SKIP_RESPONDERS, measure.title)
            return
        groups = []
        for group in measure.groups:
            if is_pooled(group):
                yield Skip(SKIP_POOLED, group.title)
            else:
                groups.append(group)
        if len(groups) < 2:
            yield Skip(SKIP_FEWER, measure.title)
            return
        by_group = observations_by_group(measure)
        randomized = is_randomized(trial)
        layers = strata(groups)
        for ga, gb in combinations(groups, 2):
            if ga.title.strip().casefold() == gb.title.strip().casefold():
                yield Skip(SKIP_IDENTICAL, ga.title)
                continue
            why = concurrency_skip(ga, gb) or cohort_skip(ga, gb) or stratum_skip(layers, ga, gb)
            if (why := why or condition_skip(trial.conditions, ga, gb)) is not None:
                yield Skip(why, f"{ga.title} / {gb.title}")
                continue
            if is_baseline(ga.title) or is_baseline(gb.title):
                yield Skip(SKIP_BASELINE, f"{ga.title} / {gb.title}")
                continue
            if same_drug_doses(self._regimens, ga, gb):
                yield Skip(SKIP_SAME_DRUGS, f"{ga.title} / {gb.title}")
                continue
            if same_stated_treatment(self._regimens, ga, gb):
                yield Skip(SKIP_SAME_TREATMENT, f"{ga.title} / {gb.title}")
                continue
            if (why := qualifier_skip(self._names, ga, gb)) is not None:
                yield Skip(why, f"{ga.title} / {gb.title}")
                continue
            assigned = randomized and not (group_context(ga).non_randomized and group_context(gb).non_randomized)
            if not assigned and not (is_pure_control(self._regimens, ga) or is_pure_control(self._regimens, gb)):
                yield Skip(SKIP_NO_CONTROL, f"{ga.title} / {gb.title}")
                continue
            factual, counterfactual = order_groups(self._regimens, ga, gb)
            change = Change("arm", factual.title, counterfactual.title)
            yield from group_contrast(self, trial, measure, by_group, factual, counterfactual, change)
