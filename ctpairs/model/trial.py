"""Typed, normalized view of one ClinicalTrials.gov v2 study record.

Every result value keeps a ``pointer``: the JSON pointer (RFC 6901) of the
field it was read from in the raw record, so anything built from a
:class:`Trial` can say exactly where each number came from.
Numbers are floats (``None`` when the record says "NA" or nothing);
the text as posted is kept beside them.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from ctpairs.model.numbers import stated_group_ns


@dataclass(frozen=True)
class Intervention:
    """An intervention as registered (drug, device, behavioural...), joined to arms by label."""

    type: str | None
    name: str
    description: str | None
    arm_labels: list[str]
    other_names: list[str]


@dataclass(frozen=True)
class ArmGroup:
    """A registered arm with the interventions whose ``armGroupLabels`` name it."""

    label: str
    type: str | None
    description: str | None
    intervention_names: list[str]
    interventions: list[Intervention]


@dataclass(frozen=True)
class Location:
    facility: str | None
    city: str | None
    state: str | None
    country: str | None


@dataclass(frozen=True)
class Eligibility:
    sex: str | None
    minimum_age_years: float | None
    maximum_age_years: float | None
    minimum_age: str | None
    maximum_age: str | None
    healthy_volunteers: bool | None
    std_ages: list[str]
    criteria: str | None = None  # the eligibility criteria text (inclusion and exclusion)


@dataclass(frozen=True)
class Design:
    study_type: str | None
    phases: list[str]
    allocation: str | None
    intervention_model: str | None
    primary_purpose: str | None
    masking: str | None
    enrollment: int | None
    enrollment_type: str | None


@dataclass(frozen=True)
class ArmLink:
    """How a result group was matched to a registered arm."""

    arm_label: str
    method: str  # "exact" (case-insensitive title == label) or "fuzzy" (rapidfuzz)
    confidence: float  # 1.0 for exact; the rapidfuzz score / 100 for fuzzy


@dataclass(frozen=True)
class ResultGroup:
    """A group as posted in a results module (e.g. ``OG001``), linked to its arm when one matches."""

    id: str
    title: str
    description: str | None
    arm: ArmLink | None
    pointer: str


@dataclass(frozen=True)
class Measurement:
    group_id: str
    value: float | None
    value_text: str | None
    spread: float | None
    lower: float | None
    upper: float | None
    comment: str | None
    pointer: str  # JSON pointer of the measurement object; fields are ``pointer + "/value"`` etc.


@dataclass(frozen=True)
class Category:
    title: str | None
    measurements: list[Measurement]


@dataclass(frozen=True)
class MeasureClass:
    title: str | None
    categories: list[Category]
    denoms: dict[str, float]  # group id -> participants analysed in this class, when stated per class


@dataclass(frozen=True)
class Analysis:
    """A statistical analysis the trial posted for an outcome measure."""

    group_ids: list[str]
    p_value: float | None
    p_value_text: str | None
    p_value_qualifier: str | None  # "<", ">", "<=", ">=" or None for an exact value
    method: str | None
    param_type: str | None
    param_value: float | None
    ci_pct: float | None
    ci_sides: str | None
    ci_lower: float | None
    ci_upper: float | None
    non_inferiority_type: str | None
    dispersion_type: str | None
    dispersion_value: float | None
    pointer: str
    group_description: str | None = None  # what the analysis compares, in the trial's words
    comment: str | None = None  # statistical, estimate, p-value and non-inferiority comments, joined


@dataclass(frozen=True)
class Measure:
    """An outcome measure or baseline characteristic with its groups and values."""

    index: int
    kind: str  # "outcome" or "baseline"
    type: str | None  # PRIMARY / SECONDARY / OTHER_PRE_SPECIFIED / POST_HOC (outcomes)
    title: str
    description: str | None
    population: str | None
    time_frame: str | None
    param_type: str | None  # normalized lower-case, e.g. "mean", "least_squares_mean", "count_of_participants"
    dispersion_type: str | None  # normalized, e.g. "standard_error", "confidence_interval_95", "full_range"
    unit: str | None
    reporting_status: str | None
    groups: list[ResultGroup]
    denoms: dict[str, float]  # group id -> participants analysed (first denominator, usually "Participants")
    analysis_units: str | None  # the units analysed when they are not participants ("Eyes", "Lesions"), else None
    classes: list[MeasureClass]
    analyses: list[Analysis]
    pointer: str

    def group(self, group_id: str) -> ResultGroup | None:
        return next((g for g in self.groups if g.id == group_id), None)

    def measurements_for(self, group_id: str) -> list[tuple[MeasureClass, Category, Measurement]]:
        return [
            (cls, cat, m)
            for cls in self.classes
            for cat in cls.categories
            for m in cat.measurements
            if m.group_id == group_id
        ]

    def row_n(self, group_id: str, cls: MeasureClass | None = None, category: Category | None = None) -> RowN:
        """Participants behind one group's value on one row: the class's own denominator, else the
        n the row's title states for this group ("Week 8 (n=172, 187)", in group order), else the
        measure's denominator for the group. A count of 0 or a stated n that cannot be assigned to
        the group gives ``None``, never 0."""
        if cls is not None and group_id in cls.denoms:
            return RowN.of(cls.denoms[group_id], "class_denoms")
        for title in (cls.title if cls else None, category.title if category else None):
            stated = stated_group_ns(title)
            if stated:
                ids = [g.id for g in self.groups]
                if len(stated) == len(ids) and group_id in ids:
                    return RowN.of(stated[ids.index(group_id)], "row_title")
                return RowN(None, "row_title_ambiguous")
        n = self.denoms.get(group_id)
        return RowN.of(n, "denoms") if n is not None else RowN(None, "none")


@dataclass(frozen=True)
class RowN:
    """A row's n and where it came from: ``class_denoms``, ``row_title``, ``denoms``, ``none`` or
    ``row_title_ambiguous`` (a title states an n that cannot be assigned to the group). ``nobody``:
    the source states that no participant was analysed (n is then ``None``, never 0)."""

    n: float | None
    source: str
    nobody: bool = False

    @classmethod
    def of(cls, count: float | None, source: str) -> RowN:
        """The n a source states: ``None`` when it states none or 0 (then ``nobody``)."""
        return cls(count or None, source, count == 0)


@dataclass(frozen=True)
class FlowPeriod:
    title: str | None
    milestones: dict[str, dict[str, float | None]]  # milestone type -> group id -> participants
    drop_reasons: dict[str, dict[str, float | None]]  # reason -> group id -> participants


@dataclass(frozen=True)
class ParticipantFlow:
    groups: list[ResultGroup]
    periods: list[FlowPeriod]


@dataclass(frozen=True)
class AdverseEventGroup:
    group: ResultGroup
    serious_affected: float | None
    serious_at_risk: float | None
    other_affected: float | None
    other_at_risk: float | None
    deaths_affected: float | None
    deaths_at_risk: float | None


@dataclass(frozen=True)
class AdverseEvent:
    term: str
    organ_system: str | None
    serious: bool
    affected: dict[str, float | None]  # group id -> participants affected
    at_risk: dict[str, float | None]


@dataclass(frozen=True)
class AdverseEvents:
    time_frame: str | None
    frequency_threshold: float | None
    groups: list[AdverseEventGroup]
    events: list[AdverseEvent]


@dataclass(frozen=True)
class Results:
    """The results section; empty (no measures, no flow, no events) for a study without results.

    :attr:`adverse_events` is parsed from the raw module kept here on its first read (no pair
    builder reads it, so a build never pays for it)."""

    outcome_measures: list[Measure] = field(default_factory=list)
    baseline: list[Measure] = field(default_factory=list)
    baseline_groups: list[ResultGroup] = field(default_factory=list)
    participant_flow: ParticipantFlow | None = None
    _adverse_events_module: Any = field(default=None, repr=False)  # the record's, its types unchecked
    _arm_labels: list[str] = field(default_factory=list, repr=False)  # the trial's, to link event groups
    _nct_id: str = field(default="", repr=False, compare=False)  # for the error message

    @property
    def empty(self) -> bool:
        return not (self.outcome_measures or self.baseline or self.participant_flow or self._adverse_events_module)

    @cached_property
    def adverse_events(self) -> AdverseEvents | None:
        """The adverse events module, parsed on first read. Raises
        :class:`~ctpairs.errors.BadRecordError` naming the JSON pointer if a field it reads has
        the wrong JSON type (see :data:`ctpairs.model.shape.ADVERSE_EVENTS_SHAPE`)."""
        from ctpairs.model.parse import parse_adverse_events  # parse imports this module

        return parse_adverse_events(self._nct_id, self._adverse_events_module, self._arm_labels)


@dataclass(frozen=True)
class Trial:
    """One study, normalized. Build it with :func:`ctpairs.model.parse.parse_trial`."""

    nct_id: str
    brief_title: str | None
    official_title: str | None
    acronym: str | None
    overall_status: str | None
    start_date: str | None
    primary_completion_date: str | None
    completion_date: str | None
    results_first_posted: str | None
    last_update_posted: str | None
    conditions: list[str]
    keywords: list[str]
    design: Design
    arm_groups: list[ArmGroup]
    interventions: list[Intervention]
    locations: list[Location]
    countries: list[str]
    eligibility: Eligibility
    sponsor: str | None
    results: Results
    data_timestamp: str | None

    @property
    def has_results(self) -> bool:
        return not self.results.empty

    def arm(self, label: str) -> ArmGroup | None:
        return self._arms_by_label.get(label)

    def with_outcome_measures(self, indices: Collection[int]) -> Trial:
        """This trial with only the outcome measures whose :attr:`Measure.index` is in ``indices``,
        and no adverse events: a small stand-in where only those measures will be read (JSON
        pointers and measure indices stay those of the whole record)."""
        kept = [m for m in self.results.outcome_measures if m.index in indices]
        return replace(self, results=replace(self.results, outcome_measures=kept, _adverse_events_module=None))

    @cached_property
    def _arms_by_label(self) -> dict[str, ArmGroup]:
        arms: dict[str, ArmGroup] = {}
        for arm in self.arm_groups:
            arms.setdefault(arm.label, arm)
        return arms
