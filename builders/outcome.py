"""Outcome pairs: one result group of one trial, measured on two different outcomes.

Both sides are the same group; what changes is the outcome. Two kinds:

1. **Time frame** (``Change("time_frame", ...)``): the same measurement at two time points.

   a. Separate outcome measures whose titles are the same once time phrases are taken out
      (rapidfuzz ratio >= :data:`TITLE_MATCH`) and state the same specifics
      (:func:`ctpairs.endpoints.specifics`: a "≥50%" threshold is not "≥75%"), with the same unit and parameter type, at
      different time points: read from the titles ("... at Week 12" / "... at Week 24"), or
      from the time frames when the titles are identical;
   b. one measure whose classes (or categories) are time points ("Week 4", "Cycle 2 Day 1",
      "Fatigue: Week 12"): the slots whose labels are the same once the time is taken out form
      a series.

   Each series is ordered by :func:`ctpairs.timepoints.time_point_days` and consecutive points are paired, the
   earlier one factual, when the fewer analysed at one point are at least two-thirds of those at
   the other (:data:`SERIES_RETENTION`: past that, the later point is the group's survivors, not
   the group). Within a measure, a point pairs with the next point where that holds, so a point
   assessed in a few participants out of schedule is stepped over. A series with two slots at the
   same time, or with cycle-based points that cannot be placed against calendar ones, is skipped,
   as is one of a "peak and trough" measure whose rows do not say which they are
   (:func:`ctpairs.endpoints.mixes_peak_and_trough`), and one of a measure whose values are times
   to an event in units of time (:attr:`ctpairs.labels.Statistic.event_time`: a median overall
   survival "(up to 24 months)" / "(up to 30 months)" is one median at two cut-offs of the analysis). In a change measure
   (:func:`ctpairs.endpoints.names_change`) the baseline row is often the baseline level beside
   later changes; it is paired only when the two read as levels (:class:`_BaselineLevels`).

2. **Related outcome** (``Change("outcome", ...)``): a PRIMARY measure against a SECONDARY
   measure of the same trial that is not a time-series sibling of it (kind 1a), same group and
   same class/category slot, when the two measure the same construct with the same population at
   the same time: same unit and parameter type, and not the points of a rating scale (two domains
   or items of a questionnaire count on scales of different ranges,
   :func:`ctpairs.endpoints.is_score_scale`); titles that share their acronyms
   (IIEF-EF vs FSFI is two instruments), name the same clinical endpoints (:func:`ctpairs.endpoints.constructs`:
   overall vs progression-free survival, response vs disease control, Cmax vs trough are
   different) and are alike once time phrases are out (rapidfuzz
   ``token_set_ratio`` >= :data:`INSTRUMENT_MATCH`), name no different drugs of the trial (Cmax of
   one drug vs of another) and do not set one outcome apart as "other" or "new" events (a rash vs
   "other skin lesions", a condition vs its new diagnosis); the same time frame (and no other time
   point in the titles); the same number of participants analysed in the group; neither a
   responders-only measure; and not the same numbers (value, dispersion and n) on both sides, which
   is one result posted under two measures (a trial posting a group's overall survival once per
   comparison). The primary is factual.

Pooled groups ("Total", "All parts") are never sides, and a time series across measures never
joins measures of different populations (a responders-only measure with a whole-population one,
or different analysis populations). Across measures, groups are matched by identical title,
else by the same linked arm. Labels carry no trial analysis: a trial's analyses compare groups,
not outcomes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import combinations, pairwise

from ctpairs.builders.dose import trial_drugs
from rapidfuzz import fuzz

from ctpairs.abbreviations import long_form
from ctpairs.builder import SKIP_NO_RESULTS, Skip
from ctpairs.cohorts import is_pooled, responders_only
from ctpairs.dose import first_named, parse_regimen
from ctpairs.endpoints import (
    analytes,
    anchors,
    constructs,
    endpoint_core,
    is_score_scale,
    mixes_peak_and_trough,
    names_change,
    score_ranges,
    sets_apart,
    specifics,
)
from ctpairs.labels import Statistic
from ctpairs.model.trial import Measure, ResultGroup, Trial
from ctpairs.pairing import Observation, make_pair, observations, observations_by_group
from ctpairs.schema import Change, Pair
from ctpairs.timepoints import TimeReading, cycle_length_days, read_time, same_visit, without_times, words

TITLE_MATCH = 95.0
SERIES_RETENTION = 2 / 3
"""Two time points of a group are one population only while the fewer analysed at one are at least
this share of those at the other: a later point that has lost more is the participants still on
treatment, alive or assessed (the survivors of a cohort), not the group."""
INSTRUMENT_MATCH = 80.0
POPULATION_MATCH = 90.0

SKIP_UNREADABLE = "measure time point unreadable"
SKIP_NO_GROUP = "no group in both measures"
SKIP_NO_VALUE = "no value posted for both measures"
SKIP_POPULATIONS = "measures of different populations"
SKIP_RESPONDERS = "responders-only measure beside a whole-population one"
SKIP_INSTRUMENT = "different instruments or constructs"
SKIP_DRUGS_MEASURED = "measures of different drugs"
SKIP_SAME_NUMBERS = "the same numbers posted under two measures"
SKIP_TIME_FRAME = "different time frames"
SKIP_MEASURE_KIND = "different unit or parameter type"
SKIP_CYCLE_UNKNOWN = "cycle length unknown"
SKIP_TIES = "time points tie"
SKIP_ATTRITION = "time points of different populations (under two-thirds still analysed)"
SKIP_SCALES = "scores of two parts of an instrument (scales of different ranges)"
SKIP_BASELINE_OF_CHANGE = "the baseline row of a change measure beside a change (a level, not a change)"
SKIP_PEAK_OR_TROUGH = "time points of a peak-and-trough measure that say neither (a peak beside a trough)"
SKIP_ANALYSIS_CUTS = "times to an event at two cut-offs of one analysis (not two time points)"
SKIP_ANCHORS = "time frames counting from different doses or visits (not one clock)"

#: A change measure's baseline row and a later row are taken as the same quantity (both levels) only
#: when the measure posts no negative change after baseline and the two values are within this factor.
LEVEL_RATIO = 2.0


def _measure_cycle_days(measure: Measure) -> float | None:
    for text in (measure.time_frame, measure.description, measure.title):
        if (days := cycle_length_days(text)) is not None:
            return days
    return None


def order_series(readings: list[TimeReading], cycle_days: float | None) -> list[float] | Skip:
    """A sort key per reading (days when known), or why the series cannot be ordered.

    Without a cycle length, cycle-relative points still order by (cycle, day) against each
    other and against baseline or earlier, but not against later calendar times.
    """
    keys: list[float] = []
    for r in readings:
        days = r.to_days(cycle_days)
        if days is None:
            if any(o.cycle is None and (o.days or 0) > 0 for o in readings):
                return Skip(SKIP_CYCLE_UNKNOWN)
            # order-only: no day of a cycle reaches 10,000
            days = (r.cycle[0] - 1) * 10_000 + r.cycle[1] if r.cycle else 0.0
        keys.append(days)
    if len(set(keys)) != len(keys) or any(same_visit(a, b) for a, b in combinations(readings, 2)):
        return Skip(SKIP_TIES)  # two rows of one visit: "Week 4" and "Day 29 (Week 4)"
    return keys


def _norm(text: str | None) -> str:
    return (text or "").strip().casefold()


def match_groups(a: Measure, b: Measure) -> list[tuple[ResultGroup, ResultGroup]]:
    """Groups of two measures that are the same: identical title, else the same linked arm (one-to-one)."""
    matched: list[tuple[ResultGroup, ResultGroup]] = []
    used: set[str] = set()
    for ga in a.groups:
        same = [gb for gb in b.groups if _norm(gb.title) == _norm(ga.title)]
        if not same and ga.arm:
            same = [gb for gb in b.groups if gb.arm and gb.arm.arm_label == ga.arm.arm_label]
        if len(same) == 1 and same[0].id not in used:
            used.add(same[0].id)
            matched.append((ga, same[0]))
    return matched


@dataclass(frozen=True)
class _Family:
    """Outcome measures that are the same measurement once time phrases are taken out."""

    key: str
    unit: str
    param_type: str | None
    specifics: frozenset[str]
    analytes: frozenset[str]  # "Serotype 19A", a metabolite (:func:`ctpairs.endpoints.analytes`)
    ranges: frozenset[tuple[float, float]]  # the score ranges the first member's description states
    members: list[Measure]


def _title_key(measure: Measure) -> str:
    reading = read_time(measure.title)
    return reading.rest if reading else without_times(measure.title)


def _families(measures: list[Measure]) -> list[_Family]:
    families: list[_Family] = []
    for m in measures:
        key, unit, stated, ranges = _title_key(m), _norm(m.unit), specifics(m.title), score_ranges(m.description)
        family = next(
            (
                f
                for f in families
                if (f.unit, f.param_type, f.specifics, f.analytes) == (unit, m.param_type, stated, analytes(m.title))
                and not (f.ranges and ranges and f.ranges != ranges)
                and fuzz.ratio(f.key, key) >= TITLE_MATCH
            ),
            None,
        )
        if family is None:
            families.append(_Family(key, unit, m.param_type, stated, analytes(m.title), ranges, [m]))
        else:
            family.members.append(m)
    return families


def _measure_time(measure: Measure, same_titles: bool) -> TimeReading | None:
    """The time point of a measure in a family: from its title, or, when every member of the
    family has the same title, from its time frame."""
    return read_time(measure.title) or (read_time(measure.time_frame) if same_titles else None)


def _at_two_times(a: Measure, b: Measure) -> bool:
    """Whether two measures of one family are at two readable times (a time series), not one
    measurement at one time posted twice ("... at Week 8 (Central Endoscopy Read)" / "... (Local
    Endoscopy Read)")."""
    same_titles = _norm(a.title) == _norm(b.title)
    ra, rb = _measure_time(a, same_titles), _measure_time(b, same_titles)
    return ra is not None and rb is not None and (ra.days, ra.cycle) != (rb.days, rb.cycle) and not same_visit(ra, rb)


class OutcomeBuilder:
    """Same group, different outcome: the same measure at two time points, or primary vs secondary."""

    name = "outcome"
    version = "2.7.0"
    kind = "natural"
    description = "one group on two outcomes of its trial (earlier -> later time point; primary -> secondary)"

    def build(self, trial: Trial) -> Iterator[Pair | Skip]:
        measures = trial.results.outcome_measures
        if not measures:
            yield Skip(SKIP_NO_RESULTS)
            return
        for measure in measures:
            yield from self._slot_series(trial, measure)
        families = _families(measures)
        for family in families:
            if len(family.members) > 1:
                yield from self._measure_series(trial, family.members)
        yield from self._related(trial, families)

    def _pair(self, trial: Trial, factual: Observation, counterfactual: Observation, change: Change) -> Pair:
        return make_pair(
            builder=self.name,
            builder_version=self.version,
            axis=self.name,
            trial=trial,
            factual=factual,
            counterfactual=counterfactual,
            change=change,
        )

    def _slot_series(self, trial: Trial, measure: Measure) -> Iterator[Pair | Skip]:
        """Kind 1b: classes or categories of one measure that are time points."""
        slots = list(dict.fromkeys(obs.slot for obs in observations(measure)))
        series: dict[tuple[str, str], list[tuple[tuple[str | None, str | None], TimeReading]]] = defaultdict(list)
        for slot in slots:
            cls, cat = (read_time(slot[0]), read_time(slot[1]))
            if (cls is None) == (cat is None):
                continue  # no time point in the slot, or one in both titles
            if cls is not None:
                series[(cls.rest, _norm(slot[1]))].append((slot, cls))
            elif cat is not None:
                series[(_norm(slot[0]), cat.rest)].append((slot, cat))
        by_group = observations_by_group(measure)
        cycle_days = _measure_cycle_days(measure)
        levels = _BaselineLevels.of(measure, by_group, series.values())
        event_time = Statistic.of(measure).event_time
        for points in series.values():
            if len(points) < 2:
                continue
            if event_time:
                yield Skip(SKIP_ANALYSIS_CUTS, measure.title)
                continue
            if mixes_peak_and_trough(measure.title, " ".join(filter(None, points[0][0]))):
                yield Skip(SKIP_PEAK_OR_TROUGH, measure.title)
                continue
            keys = order_series([r for _, r in points], cycle_days)
            if isinstance(keys, Skip):
                yield Skip(keys.reason, measure.title)
                continue
            ordered = [p for _, p in sorted(zip(keys, points), key=lambda kp: kp[0])]
            for group_id, group_obs in by_group.items():
                group = measure.group(group_id)
                if group is not None and is_pooled(group):
                    continue
                posted = [(group_obs[slot], r) for slot, r in ordered if slot in group_obs]
                for i, (obs_a, ra) in enumerate(posted[:-1]):
                    # the next point where the group is still one population: a point where a few
                    # were assessed out of schedule (1 of 54 at week 15, between weeks 12 and 18)
                    # is stepped over, not a break in the series
                    later = next(
                        (posted[j] for j in range(i + 1, len(posted)) if not _attrited(obs_a, posted[j][0])), None
                    )
                    if later is None:
                        yield Skip(SKIP_ATTRITION, f"{measure.title}: {ra.phrase}")
                        continue
                    obs_b, rb = later
                    if not levels.comparable(obs_a, obs_b):
                        yield Skip(SKIP_BASELINE_OF_CHANGE, f"{measure.title}: {ra.phrase}")
                        continue
                    yield self._pair(trial, obs_a, obs_b, Change("time_frame", ra.phrase, rb.phrase))

    def _measure_series(self, trial: Trial, members: list[Measure]) -> Iterator[Pair | Skip]:
        """Kind 1a: separate measures of one family at different time points."""
        same_titles = len({_norm(m.title) for m in members}) == 1
        readings = [_measure_time(m, same_titles) for m in members]
        timed = [(m, r) for m, r in zip(members, readings) if r is not None]
        if len(timed) < len(members):
            yield Skip(SKIP_UNREADABLE, members[0].title)
        if len(timed) < 2:
            return
        if any(Statistic.of(m).event_time for m, _ in timed):
            yield Skip(SKIP_ANALYSIS_CUTS, members[0].title)
            return
        if same_titles and len({anchors(m.time_frame) for m, _ in timed}) > 1:
            # "Day 7 after the second dose" is not before "Day 28 after the first dose"
            yield Skip(SKIP_ANCHORS, members[0].title)
            return
        keys = order_series([r for _, r in timed], _measure_cycle_days(timed[0][0]))
        if isinstance(keys, Skip):
            yield Skip(keys.reason, members[0].title)
            return
        ordered = [mr for _, mr in sorted(zip(keys, timed), key=lambda kp: kp[0])]
        for (ma, ra), (mb, rb) in pairwise(ordered):
            if (why := population_skip(ma, mb)) is not None:
                yield Skip(why, f"{ma.title} / {mb.title}")
                continue
            yield from self._across(trial, ma, mb, Change("time_frame", ra.phrase, rb.phrase))

    def _across(
        self, trial: Trial, a: Measure, b: Measure, change: Change, related: bool = False
    ) -> Iterator[Pair | Skip]:
        """Pairs of the same group and slot on two measures (``a`` factual); for ``related``
        outcomes, only for groups analysed with the same number of participants in both, and not
        where both post the same numbers."""
        groups = [(ga, gb) for ga, gb in match_groups(a, b) if not (is_pooled(ga) or is_pooled(gb))]
        if not groups:
            yield Skip(SKIP_NO_GROUP, f"{a.title} / {b.title}")
            return
        obs_a, obs_b = observations_by_group(a), observations_by_group(b)
        made = False
        for ga, gb in groups:
            fa, fb = obs_a.get(ga.id, {}), obs_b.get(gb.id, {})
            for slot in fa:
                if slot not in fb:
                    continue
                if related and fa[slot].row_n.n != fb[slot].row_n.n:
                    yield Skip(SKIP_POPULATIONS, f"{a.title} / {b.title}: {ga.title}")
                    continue
                if related and _numbers(fa[slot]) == _numbers(fb[slot]):
                    yield Skip(SKIP_SAME_NUMBERS, f"{a.title} / {b.title}: {ga.title}")
                    continue
                if not related and _attrited(fa[slot], fb[slot]):
                    yield Skip(SKIP_ATTRITION, f"{a.title} / {b.title}: {ga.title}")
                    continue
                made = True
                yield self._pair(trial, fa[slot], fb[slot], change)
        if not made:
            yield Skip(SKIP_NO_VALUE, f"{a.title} / {b.title}")

    def _related(self, trial: Trial, families: list[_Family]) -> Iterator[Pair | Skip]:
        """Kind 2: a primary measure against each secondary of the same instrument, population and time."""
        family_of = {id(m): i for i, f in enumerate(families) for m in f.members}
        measures = trial.results.outcome_measures
        primaries = [m for m in measures if m.type == "PRIMARY"]
        secondaries = [m for m in measures if m.type == "SECONDARY"]
        drugs = trial_drugs(trial)
        for p, s in ((p, s) for p in primaries for s in secondaries):
            if family_of[id(p)] == family_of[id(s)] and _at_two_times(p, s):
                continue  # a time-series sibling, paired as kind 1a
            if (why := related_skip(p, s, drugs)) is not None:
                yield Skip(why, f"{p.title} / {s.title}")
                continue
            yield from self._across(trial, p, s, Change("outcome", p.title, s.title), related=True)


@dataclass(frozen=True)
class _BaselineLevels:
    """The baseline rows of a change measure ("Change From Baseline in ...") and whether its rows
    after baseline are changes. Such a measure often posts the baseline level on its baseline row
    and changes on the later ones (an EQ-5D VAS of 71.0, then +1.42 at cycle 1): a different
    quantity, so the two are paired only when they read as two levels (:meth:`comparable`)."""

    baseline: frozenset[tuple[str | None, str | None]]  # slots at baseline (empty: not a change measure)
    changes_after: bool  # a negative value after baseline, none at baseline

    @classmethod
    def of(
        cls,
        measure: Measure,
        by_group: dict[str, dict[tuple[str | None, str | None], Observation]],
        series: Iterable[list[tuple[tuple[str | None, str | None], TimeReading]]],
    ) -> _BaselineLevels:
        if not names_change(measure.title):
            return cls(frozenset(), False)
        baseline = frozenset(slot for points in series for slot, r in points if r.at_baseline)
        values = [
            (obs.slot in baseline, obs.measurement.value) for slots in by_group.values() for obs in slots.values()
        ]
        negative = {at_baseline for at_baseline, value in values if value is not None and value < 0}
        return cls(baseline, False in negative and True not in negative)

    def comparable(self, a: Observation, b: Observation) -> bool:
        """Whether two points of a series are the same quantity: always, unless one is a change
        measure's baseline row; then only when the measure posts no negative change after baseline
        and the two values have one sign and are within :data:`LEVEL_RATIO` of each other."""
        if a.slot not in self.baseline and b.slot not in self.baseline:
            return True
        va, vb = a.measurement.value, b.measurement.value
        if self.changes_after or va is None or vb is None or va * vb <= 0:
            return False
        return max(abs(va), abs(vb)) <= LEVEL_RATIO * min(abs(va), abs(vb))


def _attrited(a: Observation, b: Observation) -> bool:
    """Whether two time points of a group analysed too different numbers to be one population
    (:data:`SERIES_RETENTION`); unknown numbers say nothing."""
    na, nb = a.row_n.n, b.row_n.n
    return bool(na and nb) and min(na, nb) < SERIES_RETENTION * max(na, nb)  # type: ignore[operator, type-var]


def _numbers(obs: Observation) -> tuple[float | None, ...]:
    """What an observation posts: value, spread, limits and its row's n."""
    m = obs.measurement
    return (m.value, m.spread, m.lower, m.upper, obs.row_n.n)


_ACRONYM = re.compile(r"[A-Z]{2,}")
_NOT_ACRONYMS = frozenset({"II", "III", "IV", "VI", "CI", "NA", "OR", "AND", "OF", "IN"})


def _acronyms(title: str) -> set[str]:
    return set(_ACRONYM.findall(title)) - _NOT_ACRONYMS


def population_skip(a: Measure, b: Measure) -> str | None:
    """Why two measures are not of the same population (a skip reason), or ``None``."""
    if responders_only(a) != responders_only(b):
        return SKIP_RESPONDERS
    pa, pb = (without_times(m.population, drop_counts=False) if m.population else "" for m in (a, b))
    if pa and pb and fuzz.token_set_ratio(pa, pb) < POPULATION_MATCH:
        return SKIP_POPULATIONS
    return None


def _cores_apart(a: str, b: str) -> bool:
    """Whether two titles' endpoints (:func:`ctpairs.endpoints.endpoint_core`) read apart, beyond
    the wording the titles share ("clinical remission" / "endoscopic improvement"), an initialism
    of one spelled out at the end of the other ("pcr" / "pathological complete response") read as
    one."""
    if not (a and b) or fuzz.token_set_ratio(a, b) >= INSTRUMENT_MATCH:
        return False
    for short, spelled in ((a, b), (b, a)):
        for token in short.split():
            found = long_form(spelled, token) if len(token) > 1 else None
            if found and fuzz.token_set_ratio(short, spelled.replace(found, token)) >= INSTRUMENT_MATCH:
                return False
    return True


def related_skip(p: Measure, s: Measure, drugs: tuple[tuple[str, ...], ...] = ()) -> str | None:
    """Why a primary and a secondary measure are not the same instrument, population and time;
    ``drugs`` are the trial's drugs (:func:`~ctpairs.builders.dose.trial_drugs`), so that measures
    of different drugs are told apart."""
    if not _norm(p.unit) or _norm(p.unit) != _norm(s.unit) or p.param_type != s.param_type:
        return SKIP_MEASURE_KIND
    if is_score_scale(p.unit):
        return SKIP_SCALES
    if responders_only(p) or responders_only(s):
        return SKIP_RESPONDERS
    ap, as_ = _acronyms(p.title), _acronyms(s.title)
    cp, cs = constructs(p.title), constructs(s.title)
    if (
        (ap and as_ and not ap & as_)
        or (cp and cs and cp != cs)
        or fuzz.token_set_ratio(_title_key(p), _title_key(s)) < INSTRUMENT_MATCH
        or sets_apart(p.title) != sets_apart(s.title)
        or analytes(p.title) != analytes(s.title)
        or _cores_apart(endpoint_core(p.title), endpoint_core(s.title))
    ):
        return SKIP_INSTRUMENT
    named_p, named_s = parse_regimen(p.title, drugs).names, parse_regimen(s.title, drugs).names
    if named_p and named_s and (named_p != named_s or first_named(p.title, drugs) != first_named(s.title, drugs)):
        return SKIP_DRUGS_MEASURED  # "Cmax of A" / "Cmax of B"; "AUC of A With B" / "AUC of B With A"
    tp, ts = read_time(p.title), read_time(s.title)
    if words(p.time_frame) != words(s.time_frame) or (tp and ts and (tp.days, tp.cycle) != (ts.days, ts.cycle)):
        return SKIP_TIME_FRAME
    return population_skip(p, s)
