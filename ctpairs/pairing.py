"""Pieces every builder uses to turn parts of a :class:`Trial` into a :class:`Pair`.

Builders decide *which* two observations differ in one controlled attribute; this module
turns them into rows with the same context, sides, label and provenance everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cached_property

from ctpairs.builder import Builder, Skip
from ctpairs.endpoints import is_missing_data, is_placeholder_change, names_change
from ctpairs.labels import METHOD_TRIAL, SUPERIORITY_TYPES, Statistic, analysis_evidence, compute_label
from ctpairs.model.numbers import stated_group_ns
from ctpairs.model.trial import Analysis, Category, Measure, MeasureClass, Measurement, ResultGroup, RowN, Trial
from ctpairs.schema import (
    Change,
    DoseInfo,
    OutcomeInfo,
    Pair,
    Provenance,
    ResultInfo,
    Side,
    SourceRef,
    TrialContext,
)
from ctpairs.timepoints import TimeReading, cycle_length_days, is_baseline, is_pretreatment, read_time

_POOLED = re.compile(
    r"^\s*(total|overall|all (participants|subjects|patients|randomi[sz]ed|treated|groups?|arms?|cohorts?))\b", re.I
)


def is_pooled_group(group: ResultGroup) -> bool:
    """True for a group that pools the others ("Total", "All participants", "Overall")."""
    return bool(_POOLED.match(group.title))


def trial_context(trial: Trial) -> TrialContext:
    """What a model may be shown about the trial; made once per trial (pairs of a trial share it)."""
    if _last_context[0] is not trial:
        _last_context[:] = [trial, _context(trial)]
    return _last_context[1]


_last_context: list = [None, None]  # [trial, its context]: builders make all pairs of one trial in a row


def _context(trial: Trial) -> TrialContext:
    return TrialContext(
        title=trial.brief_title,
        phases=list(trial.design.phases),
        conditions=list(trial.conditions),
        interventions=sorted({f"{iv.type}: {iv.name}" if iv.type else iv.name for iv in trial.interventions}),
        enrollment=trial.design.enrollment,
        allocation=trial.design.allocation,
        masking=trial.design.masking,
        primary_purpose=trial.design.primary_purpose,
        countries=list(trial.countries),
        start_date=trial.start_date,
        completion_date=trial.completion_date,
        results_first_posted=trial.results_first_posted,
    )


@dataclass(frozen=True)
class Observation:
    """One posted value: a group's measurement in one class/category of a measure."""

    measure: Measure
    group: ResultGroup
    cls: MeasureClass
    category: Category
    measurement: Measurement

    @property
    def category_label(self) -> str | None:
        parts = [p for p in (self.cls.title, self.category.title) if p]
        return " / ".join(parts) or None

    @cached_property
    def row_n(self) -> RowN:
        """The n behind this value and where it was read (:meth:`Measure.row_n`), worked out once."""
        return self.measure.row_n(self.group.id, self.cls, self.category)

    @property
    def slot(self) -> tuple[str | None, str | None]:
        """(class title, category title): the cell two groups must share to be compared."""
        return self.cls.title, self.category.title


def observations(measure: Measure) -> list[Observation]:
    """Every numeric value of a measure, one per (group, class, category); a value posted for a
    group whose row states that no participant was analysed (a denominator of 0) is none, nor is
    a count of participants without data (a class or category "Missing", "Unknown", "Not
    evaluable": :func:`ctpairs.endpoints.is_missing_data`), nor a placeholder change of 0 (0)
    (:func:`ctpairs.endpoints.is_placeholder_change`). Bounds that are not the values' own
    (:func:`bounds_describe_another_quantity`) and SDs that are not spreads between people
    (:func:`spreads_are_not_standard_deviations`) are left out of the observations' measurements.

    Worked out once per measure while the builders of a build read it in turn (the last
    :data:`OBSERVED_MEASURES` measures asked for are kept) and shared: callers must not change the
    list."""
    key = id(measure)
    hit = _observed.get(key)
    if hit is None or hit[0] is not measure:
        hit = _observed[key] = (measure, _observe(measure))
        if len(_observed) > OBSERVED_MEASURES:
            del _observed[next(iter(_observed))]
    return hit[1]


OBSERVED_MEASURES = 256
_observed: dict[int, tuple[Measure, list[Observation]]] = {}  # id -> (the measure, kept alive; its observations)


def bounds_describe_another_quantity(measure: Measure) -> bool:
    """Whether the bounds a measure posts without a dispersion type belong to another quantity:
    some value of the measure lies outside its own bounds. NCT01544179's "Progression-Free
    Survival" posts the number of events (98) with the median's CI (4.5 to 5.7 months), its
    response rates (31.6%) with an odds ratio's CI (0.55 to 1.55); NCT03003962's response rate of
    37.4% comes with 0.322 to 0.429. One such row shows what the measure's bounds are, so every
    row loses them. No test reads bounds without a dispersion type; a pair would only show them."""
    if measure.dispersion_type is not None:
        return False
    return any(
        m.value is not None and m.lower is not None and m.upper is not None and not m.lower <= m.value <= m.upper
        for cls in measure.classes
        for cat in cls.categories
        for m in cat.measurements
    )


IMPLAUSIBLE_RESPONSE = 5.0
"""A mean change further than this many of its posted SDs from zero (a standardized response mean
above 5) would have nearly every participant move by the same amount, which no rating scale or
lab value does across people: the "SD" is a standard error, or in other units."""
SPREAD_CHECK_MIN_N = 20
"""Rows of fewer participants say nothing to :func:`spreads_are_not_standard_deviations`: two or
three patients can move alike."""


def spreads_are_not_standard_deviations(measure: Measure) -> bool:
    """Whether the standard deviations a change measure posts cannot be spreads between people:
    of its rows after baseline with at least :data:`SPREAD_CHECK_MIN_N` participants (two or more),
    at least half sit further than :data:`IMPLAUSIBLE_RESPONSE` SDs from zero. NCT05064397 posts
    changes of 13 to 18 points on the Sleep Impact Scale with "SDs" of 2 to 2.6 for about 100
    patients (standard errors); NCT03064438 a percent change of -29 with 0.17 (a fraction's SD).
    A test would then find every difference significant, so every row loses its spread. Measures
    that post levels under a change title (NCT00512707's scores at each week, SD 18 beside 65)
    keep theirs: fewer than half of their rows are that far from zero.
    Only plain means: what an LS mean posts as an SD is already read as its standard error."""
    if measure.param_type != "mean" or measure.dispersion_type != "standard_deviation":
        return False
    if not (names_change(measure.title) or names_change(measure.unit)):
        return False
    responses = [
        abs(m.value) / m.spread
        for cls in measure.classes
        if not is_baseline(cls.title)
        for cat in cls.categories
        if not is_baseline(cat.title)
        for m in cat.measurements
        if m.value is not None and m.spread and (measure.row_n(m.group_id, cls, cat).n or 0) >= SPREAD_CHECK_MIN_N
    ]
    return len(responses) >= 2 and 2 * sum(r > IMPLAUSIBLE_RESPONSE for r in responses) >= len(responses)


def _observe(measure: Measure) -> list[Observation]:
    groups = {g.id: g for g in measure.groups}
    unbound = bounds_describe_another_quantity(measure)
    unspread = spreads_are_not_standard_deviations(measure)

    def kept(m: Measurement) -> Measurement:
        if not (unbound or unspread):
            return m
        return replace(
            m,
            lower=None if unbound else m.lower,
            upper=None if unbound else m.upper,
            spread=None if unspread else m.spread,
        )

    found = (
        Observation(measure, groups[m.group_id], cls, cat, kept(m))
        for cls in measure.classes
        for cat in cls.categories
        for m in cat.measurements
        if m.value is not None and m.group_id in groups
    )
    return [
        o
        for o in found
        if not (
            is_missing_data(o.cls.title)
            or is_missing_data(o.category.title)
            or o.row_n.nobody
            or is_placeholder_change(
                measure.param_type, measure.title, measure.unit, o.measurement.value, o.measurement.spread
            )
        )
    ]


def observations_by_group(measure: Measure) -> dict[str, dict[tuple[str | None, str | None], Observation]]:
    """The measure's values as group id -> slot (class, category) -> observation."""
    by_group: dict[str, dict[tuple[str | None, str | None], Observation]] = {}
    for obs in observations(measure):
        by_group.setdefault(obs.group.id, {})[obs.slot] = obs
    return by_group


SKIP_BASELINE = "baseline value (before treatment)"
SKIP_NO_SHARED_VALUE = "no value posted for both groups"
SKIP_DIFFERENTIAL_ATTRITION = (
    "groups of different populations at a later visit (one keeps under half the share the other does)"
)
DIFFERENTIAL_RETENTION = 0.5
"""At a visit after baseline, two groups are still comparable only while the share of its
participants one group still has analysed is at least this share of the other's: past that, the
rows compare who is left in each arm (survivors, responders still on treatment), not the arms."""


LATE_VISIT_DAYS = 84
"""From 12 weeks on, who is still assessed depends on who stopped (progression, toxicity, death),
not on who was sampled: only from then is a group's analysed share of its starters compared
(earlier, a pharmacokinetic or dose-limiting-toxicity set is a subset by design)."""


def started(trial: Trial) -> dict[str, float]:
    """How many participants each group of the participant flow started with, by its title
    (casefolded): what a result group of that title was randomized or enrolled as. Empty where a
    later period starts more participants than the first (periods that are stages enrolling anew,
    "Phase I" then "Phase II", not one cohort's successive periods)."""
    flow = trial.results.participant_flow
    if flow is None or not flow.periods:
        return {}
    first = flow.periods[0].milestones.get("STARTED", {})
    for period in flow.periods[1:]:
        later = period.milestones.get("STARTED", {})
        if any((n or 0) > (first.get(g) or 0) for g, n in later.items()):
            return {}
    return {g.title.strip().casefold(): n for g in flow.groups if (n := first.get(g.id))}


def _late(reading: TimeReading, measure: Measure) -> bool:
    days = reading.to_days(cycle_length_days(measure.time_frame) or cycle_length_days(measure.description))
    return days is not None and days >= LATE_VISIT_DAYS


def differential_attrition(f: Observation, c: Observation, enrolled: dict[str, float] | None = None) -> bool:
    """Whether two groups' rows at a visit after baseline keep too different shares of their groups
    (:data:`DIFFERENTIAL_RETENTION`): each group's share is its row n over its n in the measure
    (NCT00556712 at week 48: 12 of 274 on placebo, 29 of 303 on erlotinib), and over the n it
    started the trial with (``enrolled``, :func:`started`), for a measure whose analysed participants
    are already the few still assessed at a late visit (:data:`LATE_VISIT_DAYS`; NCT02657434's
    symptoms at week 34: 44 of 286 on chemotherapy, 93 of 292 with atezolizumab). The visit is the
    row's, else the measure's time frame's. Rows without a visit (a subgroup defined at baseline, a shift-table
    cell) or without the numbers say nothing."""
    measure = f.measure
    reading = read_time(f.cls.title) or read_time(f.category.title) or read_time(measure.time_frame)
    if reading is None or reading.at_baseline:
        return False
    bases = [lambda obs: obs.measure.denoms.get(obs.group.id)]
    if enrolled and _late(reading, measure):
        bases.append(lambda obs: enrolled.get(obs.group.title.strip().casefold()))
    for base in bases:
        shares = [obs.row_n.n / whole for obs in (f, c) if obs.row_n.n and (whole := base(obs))]
        if len(shares) == 2 and min(shares) < DIFFERENTIAL_RETENTION * max(shares):
            return True
    return False


def group_contrast(
    builder: Builder,
    trial: Trial,
    measure: Measure,
    by_group: dict[str, dict[tuple[str | None, str | None], Observation]],
    factual: ResultGroup,
    counterfactual: ResultGroup,
    change: Change,
    **doses: tuple[DoseInfo, str],
) -> Iterator[Pair | Skip]:
    """A pair for every slot where both groups posted a value, labelled with the trial's own
    analysis of exactly these two groups when there is one; a Skip when they share no slot.
    Values measured before treatment (:data:`SKIP_BASELINE`: a measure whose time frame is only
    the baseline, a row that is the baseline) differ by chance or by who was enrolled, not by the
    groups' treatments, so they are skipped. ``doses`` are ``factual_dose`` / ``counterfactual_dose``
    as for :func:`make_pair`."""
    if is_pretreatment(measure.time_frame):
        yield Skip(SKIP_BASELINE, f"{measure.title}: {measure.time_frame}")
        return
    f_obs, c_obs = by_group.get(factual.id, {}), by_group.get(counterfactual.id, {})
    shared = [slot for slot in f_obs if slot in c_obs]
    if not shared:
        yield Skip(SKIP_NO_SHARED_VALUE, measure.title)
        return
    enrolled = started(trial)
    for slot in shared:
        if is_baseline(f_obs[slot].category_label):
            yield Skip(SKIP_BASELINE, f"{measure.title}: {f_obs[slot].category_label}")
            continue
        if differential_attrition(f_obs[slot], c_obs[slot], enrolled):
            yield Skip(SKIP_DIFFERENTIAL_ATTRITION, f"{measure.title}: {f_obs[slot].category_label}")
            continue
        yield make_pair(
            builder=builder.name,
            builder_version=builder.version,
            axis=builder.name,
            trial=trial,
            factual=f_obs[slot],
            counterfactual=c_obs[slot],
            change=change,
            analysis=analysis_for(measure, factual.id, counterfactual.id, slot),
            **doses,  # type: ignore[arg-type]
        )


def _norm(text: str | None) -> str:
    return " ".join(re.sub(r"[^\w%<>=.]+", " ", (text or "").casefold()).split())


def _row_labels(measure: Measure) -> dict[tuple[str | None, str | None], str]:
    """Each row (class, category) of a measure by the part of its title that tells it from the other
    rows: the class title when classes differ, else the category title."""
    slots = [(cls.title, cat.title) for cls in measure.classes for cat in cls.categories]
    classes_differ = len({c for c, _ in slots}) > 1
    categories_differ = len({k for _, k in slots}) > 1
    labels = {}
    for cls_title, cat_title in slots:
        parts = [cls_title if classes_differ else None, cat_title if categories_differ else None]
        labels[(cls_title, cat_title)] = " ".join(_norm(p) for p in parts if p)
    return labels


def _names_row(text: str, label: str) -> bool:
    return bool(label) and re.search(rf"(?<![\w.]){re.escape(label)}(?![\w])", text) is not None


def _rows_named(analysis: Analysis, labels: dict[tuple[str | None, str | None], str]) -> set:
    """The rows an analysis's group description and comments name: by their labels, a label inside
    a longer named one left out ("week 12" in "week 12 ldl"), or, for rows that are time points, by
    the one time the text names ("Comparison at 24 weeks", "Wk 24: Drug X vs Placebo" name "Week
    24"; "Weeks 12 and 24" names no one time)."""
    raw = f"{analysis.group_description or ''} {analysis.comment or ''}"
    text = _norm(raw)
    named = {s for s, label in labels.items() if _names_row(text, label)}
    named = {s for s in named if not any(o != s and labels[s] in labels[o] for o in named)}
    if named:
        return named
    said = read_time(raw)
    if said is None or said.at_baseline:
        return set()
    return {
        s for s, label in labels.items() if (r := read_time(label)) and (r.days, r.cycle) == (said.days, said.cycle)
    }


def analysis_for(
    measure: Measure, group_a: str, group_b: str, slot: tuple[str | None, str | None] | None = None
) -> Analysis | None:
    """The trial's analysis of exactly these two groups **on this row** (``slot``: class and
    category titles), with a p-value or a 95% CI that decides (:func:`ctpairs.labels.ci_evidence`);
    ``None`` when there is none or it cannot be told which row an analysis is about.

    * A measure with one row: its analyses of the two groups; when there are several (a primary and
      a sensitivity analysis), the first, provided all agree on significance at 0.05.
    * A measure with several rows: the analyses whose group description or comments name this row
      (and no other row); when no analysis names any row, only a two-category count (whose one test
      covers both rows) keeps its analysis.
    """
    wanted = {group_a, group_b}
    candidates = [
        a
        for a in measure.analyses
        if set(a.group_ids) == wanted
        and a.non_inferiority_type in SUPERIORITY_TYPES  # a non-inferiority test neither shows nor denies a difference
        and (a.p_value is not None or analysis_evidence(a) is not None)
    ]
    if not candidates:
        return None
    labels = _row_labels(measure)
    if len(labels) > 1:
        if slot is None:
            return None
        naming = {id(a): _rows_named(a, labels) for a in candidates}
        if any(naming.values()):
            # about this row alone: a longer row label that contains a shorter one ("week 12" in
            # "week 12 ldl") is the one named; an analysis naming two rows is about neither
            candidates = [a for a in candidates if naming[id(a)] == {slot}]
        elif not (measure.param_type == "count_of_participants" and len(labels) == 2):
            return None
    if not candidates:
        return None
    decisions = {(ev[1] if (ev := analysis_evidence(a)) else None) for a in candidates}
    return candidates[0] if len(decisions) == 1 else None


def make_side(trial: Trial, obs: Observation, dose: DoseInfo | None = None) -> Side:
    arm = trial.arm(obs.group.arm.arm_label) if obs.group.arm else None
    m = obs.measure
    return Side(
        group_id=obs.group.id,
        group_title=obs.group.title,
        group_description=obs.group.description,
        arm_label=arm.label if arm else None,
        arm_type=arm.type if arm else None,
        interventions=[f"{iv.type}: {iv.name}" if iv.type else iv.name for iv in arm.interventions] if arm else [],
        dose=dose,
        outcome=OutcomeInfo(m.title, m.description, m.time_frame, m.type, m.param_type, m.dispersion_type, m.unit),
        result=ResultInfo(
            value=obs.measurement.value,  # type: ignore[arg-type]  # observations() keeps numeric values only
            spread=obs.measurement.spread,
            lower=obs.measurement.lower,
            upper=obs.measurement.upper,
            n=obs.row_n.n,
            category=obs.category_label,
        ),
    )


def _n_pointer(obs: Observation) -> str | None:
    """Where the row's n was read: the class's denominators, the row title, or the measure's."""
    source = obs.row_n.source
    class_pointer = obs.measurement.pointer.split("/categories/")[0]
    if source == "class_denoms":
        return f"{class_pointer}/denoms"
    if source == "row_title":
        return (
            f"{class_pointer}/title"
            if stated_group_ns(obs.cls.title)
            else f"{obs.measurement.pointer.rsplit('/measurements/', 1)[0]}/title"
        )
    if source == "denoms":
        return f"{obs.measure.pointer}/denoms"
    return None


def _side_sources(prefix: str, nct_id: str, obs: Observation, dose_pointer: str | None) -> list[SourceRef]:
    mp = obs.measurement.pointer
    refs = [SourceRef(f"{prefix}.result.value", f"{mp}/value", nct_id)]
    if obs.measurement.spread is not None:
        refs.append(SourceRef(f"{prefix}.result.spread", f"{mp}/spread", nct_id))
    if obs.measurement.lower is not None:
        refs.append(SourceRef(f"{prefix}.result.lower", f"{mp}/lowerLimit", nct_id))
    if obs.measurement.upper is not None:
        refs.append(SourceRef(f"{prefix}.result.upper", f"{mp}/upperLimit", nct_id))
    refs.append(SourceRef(f"{prefix}.group_title", f"{obs.group.pointer}/title", nct_id))
    n_pointer = _n_pointer(obs)
    if n_pointer:
        refs.append(SourceRef(f"{prefix}.result.n", n_pointer, nct_id))
    refs.append(SourceRef(f"{prefix}.outcome.title", f"{obs.measure.pointer}/title", nct_id))
    if dose_pointer:
        refs.append(SourceRef(f"{prefix}.dose.text", dose_pointer, nct_id))
    return refs


def make_pair(
    *,
    builder: str,
    builder_version: str,
    axis: str,
    trial: Trial,
    factual: Observation,
    counterfactual: Observation,
    change: Change,
    kind: str = "natural",
    cf_trial: Trial | None = None,
    factual_dose: tuple[DoseInfo, str] | None = None,
    counterfactual_dose: tuple[DoseInfo, str] | None = None,
    analysis: Analysis | None = None,
    similarity: float | None = None,
    matched_on: list[str] | None = None,
) -> Pair:
    """Assemble a pair. Doses come with the JSON pointer of the text they were read from.

    ``analysis`` is the trial's own comparison of exactly these two groups (natural pairs only).
    """
    cf_trial = cf_trial or trial
    f_side = make_side(trial, factual, factual_dose[0] if factual_dose else None)
    c_side = make_side(cf_trial, counterfactual, counterfactual_dose[0] if counterfactual_dose else None)
    sources = _side_sources("factual", trial.nct_id, factual, factual_dose[1] if factual_dose else None)
    sources += _side_sources(
        "counterfactual", cf_trial.nct_id, counterfactual, counterfactual_dose[1] if counterfactual_dose else None
    )
    stat_f, stat_c = Statistic.of(factual.measure), Statistic.of(counterfactual.measure)
    same_group = cf_trial is trial and factual.group.title.casefold() == counterfactual.group.title.casefold()
    label = compute_label(
        f_side.result, c_side.result, stat_f if stat_f == stat_c else None, analysis, same_group=same_group
    )
    if analysis is not None and label.method == METHOD_TRIAL:
        # only a p-value the label rests on points at the analysis; one read from the CI points at
        # the analysis itself (its estimate and bounds)
        pointer = f"{analysis.pointer}/pValue" if analysis.p_value is not None else analysis.pointer
        sources.append(SourceRef("label.p_value", pointer, trial.nct_id))
    return Pair(
        axis=axis,
        kind=kind,
        nct_id=trial.nct_id,
        cf_nct_id=cf_trial.nct_id,
        builder=builder,
        builder_version=builder_version,
        trial=trial_context(trial),
        factual=f_side,
        counterfactual=c_side,
        change=change,
        label=label,
        provenance=Provenance(trial.data_timestamp, sources),
        similarity=similarity,
        matched_on=matched_on or [],
    )
