"""Dose pairs: two result groups of one trial that get the same drug at different stated amounts.

A group's dose is read from its title, else its description (pure parsing in
:mod:`ctpairs.dose`). Two groups are paired only when

* each states exactly one orderable dose (no titration, range or combination);
* the doses are comparable: same base unit and body-size basis, same frequency, same route;
* everything else is equal: the titles are the same once the dose is taken out (a numbering
  label such as "Cohort 3" or "Dose level 2", and a "low/high dose" name, may differ, since they
  follow the dose); the descriptions, if both have one, are the same up to the dose
  (rapidfuzz ratio >= :data:`DESCRIPTION_MATCH`); and the linked arms have the same interventions;
* the amounts differ.

The factual side is the lower dose, the counterfactual side the higher one. Placebo groups
have no dose of the drug: placebo-versus-active contrasts belong to the ``arm`` axis.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import combinations

from rapidfuzz import fuzz

from ctpairs.builder import PerMeasureBuilder, Skip
from ctpairs.dose import Dose, comparable, dose_ratio, is_placebo, parse_dose
from ctpairs.model.trial import Measure, ResultGroup, Trial
from ctpairs.pairing import group_contrast, is_pooled_group, observations_by_group
from ctpairs.schema import Change, DoseInfo, Pair

DESCRIPTION_MATCH = 90.0
_LABEL = re.compile(
    r"\b(cohort|dose level|level|group|arm|panel|treatment)\s*[a-z]?\d+[a-z]?\b|\b(low|lower|medium|mid|middle|intermediate|high|higher)(\s*-?\s*dose)?\b",
    re.I,
)
_SPACE = re.compile(r"[\s:;,()\-–]+")

# Group titles repeat across every outcome measure of a trial; parse each text once.
_parse = lru_cache(maxsize=16384)(parse_dose)


@dataclass(frozen=True)
class GroupDose:
    dose: Dose
    pointer: str  # JSON pointer of the text the dose was read from
    title_rest: str  # the title with the dose (and numbering labels) taken out, normalized
    description_rest: str | None


def _rest(text: str, dose_text: str | None) -> str:
    if dose_text:
        text = text.replace(dose_text, " ", 1)
    return _SPACE.sub(" ", _LABEL.sub(" ", text)).strip().casefold()


def group_dose(group: ResultGroup) -> GroupDose | Skip:
    """The one dose a result group states, or why it has none we can order.

    The title is read first, then the description. When both state the same single amount,
    the schedule and route come from whichever states them, so a frequency written only in
    the description still keeps "10 mg QD" and "10 mg BID" apart.
    """
    if is_pooled_group(group):
        return Skip("pooled group", group.title)
    if is_placebo(group.title):
        return Skip("placebo group", group.title)
    in_title = _parse(group.title)
    in_description = _parse(group.description) if group.description else None
    if in_title.reason == "no dose" and in_description is not None:
        if in_description.single is None:
            return Skip(f"group dose: {in_description.reason}", group.title)
        dose = in_description.single
        return GroupDose(
            dose, f"{group.pointer}/description", _rest(group.title, None), _rest(group.description or "", dose.text)
        )
    if in_title.single is None:
        return Skip(f"group dose: {in_title.reason}", group.title)
    dose = in_title.single
    description_rest = None
    if group.description:
        described = in_description.single if in_description else None
        same_amount = described is not None and described.base_amount() == dose.base_amount()
        if same_amount:
            dose = replace(dose, frequency=dose.frequency or described.frequency, route=dose.route or described.route)
        description_rest = _rest(group.description, described.text if same_amount else None)
    return GroupDose(dose, f"{group.pointer}/title", _rest(group.title, in_title.single.text), description_rest)


def differs_beyond_dose(trial: Trial, a: ResultGroup, b: ResultGroup, da: GroupDose, db: GroupDose) -> str | None:
    if da.title_rest != db.title_rest:
        return "titles differ beyond the dose"
    if (
        da.description_rest
        and db.description_rest
        and fuzz.ratio(da.description_rest, db.description_rest) < DESCRIPTION_MATCH
    ):
        return "descriptions differ beyond the dose"
    if a.arm and b.arm:
        arm_a, arm_b = trial.arm(a.arm.arm_label), trial.arm(b.arm.arm_label)
        names_a = sorted(iv.name.casefold() for iv in arm_a.interventions) if arm_a else []
        names_b = sorted(iv.name.casefold() for iv in arm_b.interventions) if arm_b else []
        if names_a != names_b:
            return "arms have different interventions"
    return None


def _dose_info(gd: GroupDose) -> tuple[DoseInfo, str]:
    d = gd.dose
    return DoseInfo(d.value, d.unit, d.per, d.frequency, d.route, d.text), gd.pointer


class DoseBuilder(PerMeasureBuilder):
    """Same drug, different stated amount, everything else equal."""

    name = "dose"
    version = "1.0.0"
    kind = "natural"
    description = "dose-ranging groups of the same drug inside one trial (lower dose -> higher dose)"

    def build_measure(self, trial: Trial, measure: Measure) -> Iterator[Pair | Skip]:
        dosed: list[tuple[ResultGroup, GroupDose]] = []
        for group in measure.groups:
            gd = group_dose(group)
            if isinstance(gd, Skip):
                yield gd
            else:
                dosed.append((group, gd))
        if len(dosed) < 2:
            yield Skip("fewer than two dosed groups", measure.title)
            return
        by_group = observations_by_group(measure)
        for (ga, da), (gb, db) in combinations(dosed, 2):
            if not comparable(da.dose, db.dose):
                yield Skip("doses not comparable (unit, basis, frequency or route)", f"{da.dose.text} / {db.dose.text}")
                continue
            ratio = dose_ratio(da.dose, db.dose)
            if ratio == 1:
                yield Skip("same dose", f"{ga.title} / {gb.title}")
                continue
            if (why := differs_beyond_dose(trial, ga, gb, da, db)) is not None:
                yield Skip(why, f"{ga.title} / {gb.title}")
                continue
            (lo, dlo), (hi, dhi) = ((ga, da), (gb, db)) if ratio > 1 else ((gb, db), (ga, da))
            change = Change("dose", dlo.dose.text, dhi.dose.text, round(max(ratio, 1 / ratio), 6))
            yield from group_contrast(
                self,
                trial,
                measure,
                by_group,
                lo,
                hi,
                change,
                factual_dose=_dose_info(dlo),
                counterfactual_dose=_dose_info(dhi),
            )
