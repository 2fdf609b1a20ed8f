"""The texts that retrieval embeds: one per anchor.

An *anchor* is one (trial, result group, outcome measure) where the result group is linked
to a registered arm that gives a drug (an intervention of type DRUG or BIOLOGICAL that is
not a placebo). Its text names what a reader would match two trials on::

    condition: Non-small Cell Lung Cancer
    intervention: pemetrexed + cisplatin (500 mg/m2)
    population: all sexes, 18 to any years
    outcome: Overall Survival [months; median] at up to 5 years

Countries and phases are left out on purpose: they are what the approximate axes vary, so
they must not push otherwise-equal neighbours apart. Each anchor has a stable key
(``"NCT00000000/<measure index>/<group id>"``) and the SHA-256 of its text, which the
embedding cache and the index use to tell new or changed texts from known ones.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from ctpairs.dose import Dose, is_placebo, parse_dose
from ctpairs.model.trial import ArmGroup, Measure, ResultGroup, Trial
from ctpairs.pairing import Observation, is_pooled_group, observations

DRUG_TYPES = frozenset({"DRUG", "BIOLOGICAL"})
MAX_CONDITIONS = 3  # conditions named in a text (long lists of stages add little and cost time)
MAX_TIME_FRAME_WORDS = 16  # time frames can run to paragraphs; the start says what matters
SKIP_NO_RESULTS = "no posted outcome measures"
SKIP_NO_DRUG_GROUP = "no result group linked to a drug arm"


@dataclass(frozen=True)
class GroupDose:
    """The one dose a result group states, and the JSON pointer of the text it came from."""

    dose: Dose
    pointer: str


@dataclass(frozen=True)
class Anchor:
    """One (trial, drug-arm result group, outcome measure) and the text that stands for it."""

    key: str
    trial: Trial
    measure: Measure
    group: ResultGroup
    arm: ArmGroup
    drugs: frozenset[str]  # casefolded names of the arm's non-placebo drugs and biologicals
    dose: GroupDose | None
    text: str

    @cached_property
    def text_hash(self) -> str:
        """SHA-256 (hex) of :attr:`text`: the embedding cache key together with the model id."""
        return text_hash(self.text)

    @cached_property
    def slots(self) -> dict[tuple[str, str], Observation]:
        """The group's values on the measure by (class title, category title), casefolded: the
        cells two anchors must share to be paired (read once per anchor, which may pair many times)."""
        return {
            ((o.cls.title or "").casefold(), (o.category.title or "").casefold()): o
            for o in observations(self.measure)
            if o.group.id == self.group.id
        }


def text_hash(text: str) -> str:
    """SHA-256 (hex) of a text, UTF-8 encoded."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def arm_drugs(arm: ArmGroup) -> frozenset[str]:
    """Casefolded names of the arm's drug and biological interventions, placebos left out."""
    return frozenset(
        iv.name.strip().casefold() for iv in arm.interventions if iv.type in DRUG_TYPES and not is_placebo(iv.name)
    )


def group_dose(group: ResultGroup) -> GroupDose | None:
    """The single orderable dose stated in the group's title, else its description, else None."""
    for field, text in (("title", group.title), ("description", group.description)):
        if text and (single := parse_dose(text).single) is not None:
            return GroupDose(single, f"{group.pointer}/{field}")
    return None


def _clip(text: str, words: int) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" ..." if len(parts) > words else "")


_SEX = {"ALL": "all sexes", "FEMALE": "female", "MALE": "male"}


def _years(value: float | None) -> str:
    return "any" if value is None else f"{value:g}"


def outcome_text(title: str, unit: str | None, param_type: str | None, time_frame: str | None) -> str:
    """The outcome line of a text: title, [unit; parameter type], at the start of the time frame."""
    outcome = title.strip()
    details = "; ".join(x for x in (unit, param_type) if x)
    if details:
        outcome += f" [{details}]"
    if time_frame:
        outcome += f" at {_clip(time_frame, MAX_TIME_FRAME_WORDS)}"
    return outcome


def compose_text(trial: Trial, drugs: frozenset[str], dose_text: str | None, outcome: str) -> str:
    """A text in the shape of the module docstring: condition, intervention, population, outcome."""
    el = trial.eligibility
    dose_part = f" ({dose_text})" if dose_text else ""
    return "\n".join(
        [
            f"condition: {'; '.join(trial.conditions[:MAX_CONDITIONS]) or 'not stated'}",
            f"intervention: {' + '.join(sorted(drugs))}{dose_part}",
            f"population: {_SEX.get(el.sex or 'ALL', el.sex)}, {_years(el.minimum_age_years)} to {_years(el.maximum_age_years)} years",
            f"outcome: {outcome}",
        ]
    )


def anchor_text(trial: Trial, measure: Measure, drugs: frozenset[str], dose: GroupDose | None) -> str:
    """The text embedded for one anchor (see the module docstring for its shape)."""
    outcome = outcome_text(measure.title, measure.unit, measure.param_type, measure.time_frame)
    return compose_text(trial, drugs, dose.dose.text if dose else None, outcome)


def iter_anchors(trial: Trial) -> Iterator[Anchor | str]:
    """Every anchor of a trial, in a stable order; a trial with none yields one reason string."""
    if not trial.results.outcome_measures:
        yield SKIP_NO_RESULTS
        return
    found = False
    for measure in trial.results.outcome_measures:
        for group in measure.groups:
            if group.arm is None or is_pooled_group(group) or is_placebo(group.title):
                continue
            arm = trial.arm(group.arm.arm_label)
            drugs = arm_drugs(arm) if arm else frozenset()
            if not drugs:
                continue
            assert arm is not None
            dose = group_dose(group)
            found = True
            yield Anchor(
                key=f"{trial.nct_id}/{measure.index}/{group.id}",
                trial=trial,
                measure=measure,
                group=group,
                arm=arm,
                drugs=drugs,
                dose=dose,
                text=anchor_text(trial, measure, drugs, dose),
            )
    if not found:
        yield SKIP_NO_DRUG_GROUP
