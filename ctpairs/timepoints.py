"""Time points named in outcome titles, time frames and category labels: a pure parser.

:func:`read_time` finds the one time point a text names ("Week 12", "Month 6", "Cycle 2 Day 1",
"Baseline") and what the text says once time phrases are out, so that "HbA1c at Week 12" and
"HbA1c at Week 24" are seen as the same measurement at two times. Ranges and lists ("Weeks 0-12",
"Days 1, 28", "3, 6, and 12 months") and frequencies ("every 4 weeks") are not time points; a
visit window or a gloss from another event beside a point ("Day 15 (±2 days)", "Day 57 (28 days
after second vaccination)") is no second one, and a visit's number labels it ("Visit 3 (Week 4)").
An hour of a day is that day, the hour kept among the text's other words ("Cycle 1 Day 1 2 h
Post-dose"). :func:`cycle_length_days` reads a treatment-cycle length ("21-day cycles"; not the
length of several, "First 6 cycles (18 weeks)"), which places cycle-relative points in days;
:func:`same_visit` tells one visit said in two units ("Week 4" / "Day 29").
Readings are cached: outcome titles repeat across a trial's measures and groups.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ctpairs.dose import AMOUNT_UNITS
from ctpairs.model.numbers import without_counts

DAYS_PER_UNIT = {"minute": 1 / 1440, "hour": 1 / 24, "day": 1.0, "week": 7.0, "month": 30.4375, "year": 365.25}

_UNIT_NAMES = {
    "min": "minute",
    "mins": "minute",
    "minute": "minute",
    "minutes": "minute",
    "h": "hour",
    "hr": "hour",
    "hrs": "hour",
    "hour": "hour",
    "hours": "hour",
    "d": "day",
    "day": "day",
    "days": "day",
    "w": "week",  # "W12", upper case and joined to its number only (_UNIT_NUM)
    "wk": "week",
    "wks": "week",
    "week": "week",
    "weeks": "week",
    "month": "month",
    "months": "month",
    "mo": "month",
    "mos": "month",
    "year": "year",
    "years": "year",
    "yr": "year",
    "yrs": "year",
}
_NUM = r"\d+(?:\.\d+)?"
_CYCLE_DAY = re.compile(
    r"\bcycle\s*(?P<c>\d+)\s*[,/]?\s*(?:day|d)\s*(?P<d>-?\d+)\b"
    r"|\b(?:day|d)\s*(?P<d2>-?\d+)\s*,?\s*(?:of\s+)?cycle\s*(?P<c2>\d+)\b"
    r"|\b(?-i:C|Cy)(?P<c3>\d+)\s?(?-i:D)(?P<d3>\d+)\b",
    re.I,
)
_CYCLE = re.compile(r"\bcycle\s*(?P<c>\d+)\b", re.I)
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "eighteen": 18, "twenty-four": 24, "thirty": 30, "thirty-six": 36, "forty-eight": 48,
}  # fmt: skip
"""Numbers written as words before a unit of time ("Four Months", "One-year", "Twelve months")."""
_WORD_NUM = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_UNIT_NUM = re.compile(
    rf"\b(?:study\s+)?(?P<u>day|week|wk|month|mo|year|yr|hour|hr|minute|(?-i:W)(?=\d))s?(?P<gap>\s*)"
    rf"(?P<n>[-+]?{_NUM}|{_WORD_NUM})\b",
    re.I,
)  # "Day +100": a transplant's day 100; "Week Twelve"; "Mo 6"
# "Week-12" is week 12: a hyphen joined to a week, month or year is a separator ("Week -2" with a
# space is a run-in week); "Day-1" stays day -1, as pretreatment days are written both ways.
_CYCLES_COUNTED = re.compile(rf"\b(?:\d+|{_WORD_NUM})\s+(?:[a-z]+\s+)?cycles\b", re.I)
_JOINED_HYPHEN_UNITS = frozenset({"week", "month", "year"})
_WITHIN_DAY = frozenset({"hour", "minute"})
_NUM_UNIT = re.compile(
    rf"(?<![\w.])(?P<n>{_NUM}|{_WORD_NUM})\s*-?\s*"
    r"(?P<u>minutes?|mins?|hours?|hrs?|h|days?|d|weeks?|wks?|months?|mos?|years?|yrs?)\b",
    re.I,
)
# an age, not a time: "Age 65 years and older", "<65 years", "aged 65 years", "65 years of age", "65 years old"
_AGE_BEFORE = re.compile(r"(?:\bage[ds]?\s*(?:of\s*|:\s*)?(?:[<>≤≥]=?\s*)?|[<>≤≥]=?\s*)$", re.I)
_AGE_AFTER = re.compile(r"\s*(?:of\s+age\b|old\b|\+|(?:and|or)\s+(?:older|over|above|younger|under|less|more)\b)", re.I)
_BASELINE = re.compile(r"(?<![\w-])(?:baseline|BL)(?![\w-])", re.I)
# the second number of a range or list ("Weeks 0-12", "Days 1, 28"), not an amount after a dash
# ("Week 2 - 50 mg", "Week 4 - 10 mg/kg")
_NEXT_NUMBER = re.compile(
    rf"^\s*(?:-|–|to|through|and|or|,)\s*(?P<m>{_NUM})(?![\d.])"
    rf"(?!\s*(?:{AMOUNT_UNITS}|mmhg|mm|cm|points?|copies|hours?|hrs?|h|minutes?|mins?)(?![a-z]))",
    re.I,
)
_PREV_NUMBER = re.compile(rf"(?P<m>{_NUM}|{_WORD_NUM})-?\s*(?:-|–|to|,?\s*(?:and|or)|,)\s*$", re.I)
# a statistic of the participants' times, not a time point: "Through study completion, an average of 1 year"
_STATISTIC_BEFORE = re.compile(r"\b(?:average|mean|median)\s+(?:of\s+)?(?:approximately\s+|about\s+)?$", re.I)
# a gloss counting from another event after a time point: "Day 57 (28 days after second vaccination)"
_GLOSS_OPEN = re.compile(r"\s*\(\s*")
# what labels a visit beside its time, out of what a row says besides its times: a visit's number
# ("Visit 3 (Week 4)"), a baseline visit's note ("Day 1 (pre-vaccination)"); not "follow-up", whose
# "30-Day Follow Up" counts from the end of treatment (NCT01703091)
_VISIT_LABEL = re.compile(
    r"\bvisit\s*\d+\b|\(\s*(?:pre[\s-]*(?:vaccination|treatment|randomi[sz]ation|infusion)|screening)\s*\)", re.I
)
_GLOSS_EVENT = re.compile(r"\s*(?:after|post|following|from)\b[^()]*\)", re.I)
_REACH = 40  # how far before a time the words that qualify it are looked for
_UNIT_WORD_BEFORE = re.compile(r"\b(?:day|week|month|year|cycle|visit|d|w)\s*$", re.I)
_FREQUENCY_BEFORE = re.compile(r"\b(?:every|each|per|q)\s*$", re.I)
_PREPOSITION_BEFORE = re.compile(
    r"\b(?:at|by|to|through|until|after|over|in|on|during|for|from|of|up to|within)\s*$", re.I
)
_NON_WORD = re.compile(r"[\W_]+")
# a visit window beside a time point: "Day 15 (±2 days)", "Week 12 +/- 3 days", "28-day (±3 days) cycles"
_WINDOW = re.compile(
    rf"\s*\(?\s*(?:window\s+(?:of\s+)?)?(?:±|\+\s*/\s*[-−]|\+[-−])\s*(?:{_NUM}|{_WORD_NUM})\s*"
    r"(?:minutes?|mins?|hours?|hrs?|h|days?|d|weeks?|wks?|months?)?\b\s*(?:window\s*)?\)?",
    re.I,
)


def without_windows(text: str) -> str:
    """``text`` without the visit windows beside its time points ("Day 15 (±2 days)" -> "Day 15")."""
    return _WINDOW.sub("", text) if "±" in text or "+" in text else text


_CYCLE_LENGTH = re.compile(
    rf"(?P<n>{_NUM})[\s-]*(?P<u>days?|weeks?)[\s-]*(?:treatment\s+)?cycles?\b"
    rf"|\bcycles?(?:\s+(?:length|duration))?\s*(?P<by>\(|=|:|is|are|of|lasting|lasts)\s*(?:\w+\s+){{0,2}}?"
    rf"(?P<n2>{_NUM})[\s-]*(?P<u2>days?|weeks?)\b",
    re.I,
)

# the length of all the cycles counted before it: "First 6 cycles (18 weeks)", "4 cycles lasting 12
# weeks" ("6 cycles of 28 days" is each cycle's)
_CYCLE_COUNT = re.compile(rf"\b(?!1\b|one\b)(?:\d+|{_WORD_NUM})\s+(?:[a-z]+\s+)?$", re.I)
_TOTAL_BY = frozenset({"(", "=", "lasting", "lasts"})
_EACH = re.compile(r"\s*(?:each|per\s+cycle)\b", re.I)

# a second length stated for other groups right after the first ("Cycle length = 21 days for cohorts
# 1 and 3 and 14 days for cohort 2"): the measure's groups do not share one cycle length
_OTHER_LENGTH = re.compile(rf"[^.;)]*?\b(?:and|or|but)\s+{_NUM}[\s-]*(?:days?|weeks?)\s+for\b", re.I)


@dataclass(frozen=True)
class _Hit:
    """One time phrase found in a text: a calendar time, a cycle-relative time, or baseline."""

    start: int
    end: int
    days: float | None  # calendar days; None for a cycle-relative time
    cycle: tuple[int, float] | None  # (cycle number, day in cycle)
    baseline: bool
    unit: str | None = None  # a calendar time's unit ("day", "week"...)
    several: bool = False  # a range's or list's bound ("Weeks 0-12", "3, 6, and 12 months"): no one point
    label: bool = False  # what labels a time, not a time: a gloss, a visit's number ("Visit 3 (Week 4)")


@dataclass(frozen=True)
class TimeReading:
    """The one time point a text names, before any cycle length is applied."""

    days: float | None  # calendar days (baseline is 0); None when cycle-relative
    cycle: tuple[int, float] | None
    phrase: str  # the time phrase as written, e.g. "Week 12" or "Cycle 2 Day 1"
    rest: str  # the text with every time phrase (and "n=" counts) taken out, normalized
    units: frozenset[str] = frozenset()  # the calendar units it is said in ("Day 29 (Week 4)": day, week)

    @property
    def at_baseline(self) -> bool:
        """Whether the time point is the start itself (baseline, day 0), not a later visit."""
        return self.days == 0 and self.cycle is None

    def to_days(self, cycle_days: float | None) -> float | None:
        """Days from the start; a cycle-relative point needs the cycle length."""
        if self.cycle is None:
            return self.days
        if cycle_days is None:
            return None
        return (self.cycle[0] - 1) * cycle_days + self.cycle[1]


def _following_is_larger(text: str, end: int, value: float) -> bool:
    """True when a larger number follows as a range or list ("Weeks 0-12", "Days 1, 28")."""
    m = _NEXT_NUMBER.match(text[end:])
    return bool(m) and float(m.group("m")) > value


def _number(text: str) -> float:
    """A number of a time phrase, in digits or words ("4", "+100", "Four")."""
    return float(NUMBER_WORDS.get(text.casefold(), text))  # type: ignore[arg-type]


# two events within some time of each other: "Concurrent ALT or AST > 3X ULN with total bilirubin > 2X
# ULN within 1 day" / "... within 30 days" is one measure's definition twice, not two time points
_CONCURRENT = re.compile(r"\b(?:concurrent|concomitant|simultaneous|of\s+(?:each\s+other|one\s+another))\b", re.I)
_WITHIN_BEFORE = re.compile(r"\bwithin\s*$", re.I)


def _is_age(text: str, start: int, end: int) -> bool:
    """Whether a number (or range) of years from ``start`` to ``end`` is an age ("<65 years", "Age 65
    years and older", "aged 18 to 64 years"), not a time."""
    return bool(_AGE_BEFORE.search(text, 0, start) or _AGE_AFTER.match(text, end))


def _hits(text: str) -> list[_Hit]:
    hits: list[_Hit] = []
    taken: list[tuple[int, int]] = []

    def free(m: re.Match[str]) -> bool:
        return not any(s < m.end() and m.start() < e for s, e in taken)

    def add(m: re.Match[str], hit: _Hit) -> None:
        hits.append(hit)
        taken.append((m.start(), m.end()))

    for m in _CYCLE_LENGTH.finditer(text):
        taken.append((m.start(), m.end()))  # "(each cycle is 28 days)" states a length, not a time
    for m in _CYCLE_DAY.finditer(text):
        cycle = int(m.group("c") or m.group("c2") or m.group("c3"))
        day = float(m.group("d") or m.group("d2") or m.group("d3"))
        add(m, _Hit(m.start(), m.end(), None, (cycle, day), False))
    for m in _CYCLE.finditer(text):
        if free(m):
            add(m, _Hit(m.start(), m.end(), None, (int(m.group("c")), 1.0), False))
    for m in _CYCLES_COUNTED.finditer(text):
        if free(m):  # "up to 2 cycles of treatment": an end no calendar places
            add(m, _Hit(m.start(), m.end(), None, None, False, several=True))
    concurrent = _CONCURRENT.search(text) is not None
    for pattern in (_UNIT_NUM, _NUM_UNIT):
        for m in pattern.finditer(text):
            value = _number(m.group("n"))
            if not free(m) or _FREQUENCY_BEFORE.search(text[: m.start()]):
                continue
            if concurrent and _WITHIN_BEFORE.search(text, 0, m.start()):
                continue  # the time between two events, not a time point
            if _STATISTIC_BEFORE.search(text, max(0, m.start() - _REACH), m.start()):
                continue
            unit = _UNIT_NAMES[m.group("u").casefold()]
            prev = _PREV_NUMBER.search(text[: m.start()]) if pattern is _NUM_UNIT else None
            if prev and _UNIT_WORD_BEFORE.search(text, max(0, prev.start() - _REACH), prev.start()):
                prev = None  # "Day 1, 2 hours post-dose": the day's number, then the hour
            if unit == "year" and _is_age(text, prev.start() if prev else m.start(), m.end()):
                continue
            if (pattern is _UNIT_NUM and _following_is_larger(text, m.end(), value)) or (
                prev and _number(prev.group("m")) < value
            ):
                # "Weeks 0-12", "3, 6, and 12 months": several points; hours of one day ("Week 4 -
                # 2-4 hours", "0.5, 1, 2, 4 hours post-dose on Day 1") are the samples of one visit
                if unit not in _WITHIN_DAY:
                    add(m, _Hit(m.start(), m.end(), None, None, False, several=True))
                continue
            if pattern is _UNIT_NUM and value < 0 and not m.group("gap") and unit in _JOINED_HYPHEN_UNITS:
                value = -value
            add(m, _Hit(m.start(), m.end(), value * DAYS_PER_UNIT[unit], None, False, unit))
    for m in _BASELINE.finditer(text):
        if free(m):
            add(m, _Hit(m.start(), m.end(), 0.0, None, True))
    for m in _VISIT_LABEL.finditer(text):
        if free(m):
            add(m, _Hit(m.start(), m.end(), None, None, False, label=True))
    hits.sort(key=lambda h: h.start)
    return [_as_gloss(text, h) if _is_gloss(text, before, h) else h for before, h in zip([None, *hits], hits)]


def _as_gloss(text: str, hit: _Hit) -> _Hit:
    """A gloss's hit as a label spanning its brackets: out of what the text says besides its times."""
    start = text.rfind("(", 0, hit.start)
    closing = text.find(")", hit.end)
    return _Hit(start, closing + 1 if closing >= 0 else hit.end, None, None, False, label=True)


def _is_gloss(text: str, before: _Hit | None, hit: _Hit) -> bool:
    """Whether ``hit``, in brackets right after a time point, restates it from another event ("Day 57
    (28 days after second vaccination)") or is its visit window ("Week 12 (Days 78-90)")."""
    return (
        before is not None
        and before.days is not None
        and not hit.label
        and _GLOSS_OPEN.fullmatch(text, before.end, hit.start) is not None
        and (hit.several or _GLOSS_EVENT.match(text, hit.end) is not None)
    )


def _rest(text: str, hits: list[_Hit]) -> str:
    parts, last = [], 0
    for h in hits:
        if h.several:
            continue  # a range's numbers stay in what the text says besides its times
        before = text[last : h.start]
        parts.append(_PREPOSITION_BEFORE.sub(" ", before))
        last = h.end
    parts.append(text[last:])
    return _NON_WORD.sub(" ", " ".join(parts)).strip().casefold()


RESTATED_TOLERANCE = 0.1
"""Two calendar times in two units of one label, within this share (or a day) of each other, are one
time point said two ways: "Week 4 (Day 29)", "Week 1 (Day 8)", "Month 3 (Day 90)"."""


def _one_point(days: list[float | None], units: set[str | None]) -> bool:
    """Whether calendar times of days or longer, said in two units or more, are one point said
    several ways (:data:`RESTATED_TOLERANCE`)."""
    if any(d is None or d <= 0 for d in days) or len(units) < 2 or units & {None, "hour", "minute"}:
        return False  # "Day 1, Hour 2" is an hour of a day, not a day said in hours
    low, high = min(days), max(days)  # type: ignore[type-var]
    return high - low <= max(RESTATED_TOLERANCE * low, 1.0)  # type: ignore[operator]


def _restated(hits: list[_Hit]) -> bool:
    """Whether ``hits`` are one point said in two units ("Week 4 (Day 29)"); "Week 2, Day 3" is two
    points."""
    return _one_point([h.days for h in hits], {h.unit for h in hits})


def same_visit(a: TimeReading, b: TimeReading) -> bool:
    """Whether two readings are one visit said in other units ("Week 4" and "Day 29 (Week 4)",
    "Month 1" and "Week 4"): two rows of one visit, not two times."""
    return _one_point([a.days, b.days], set(a.units | b.units))


@lru_cache(maxsize=65536)
def read_time(text: str | None) -> TimeReading | None:
    """The one time point ``text`` names, or ``None`` when it names none or several.

    Baseline counts only when nothing else is named ("Change from Baseline to Week 24" is
    Week 24); one point said in two units counts once ("Week 4 (Day 29)" is Week 4:
    :data:`RESTATED_TOLERANCE`). An hour of a day is that day, the hour kept in what the text says
    besides its time ("Day 15, Hour 2" is day 15 of the "hour 2" samples, a series apart from the
    "hour 0" ones). Ranges and lists ("Weeks 0-12", "Days 1, 28") and frequencies ("every 4
    weeks") are not time points.
    """
    if not text:
        return None
    text = without_windows(without_counts(text))
    hits = _hits(text)
    times = [h for h in hits if not h.label]
    timed = [h for h in times if not h.baseline] or times
    if any(h.several for h in times):
        return None
    hours = [h for h in timed if h.unit in _WITHIN_DAY]
    days = [h for h in timed if h.unit not in _WITHIN_DAY]
    if hours and days:  # "Cycle 1 Day 1 2 h Post-dose": the day's samples at 2 h
        timed, hits = days, [h for h in hits if h not in hours]
    if not timed or (len({(h.days, h.cycle) for h in timed}) != 1 and not _restated(timed)):
        return None
    first = timed[0]
    if first.days is not None and first.days <= 1 and any(h.baseline for h in times):
        first = next(h for h in times if h.baseline)  # "Baseline (Day 1)": the baseline, on its day
    units = frozenset(h.unit for h in timed if h.unit and not first.baseline)
    return TimeReading(first.days, first.cycle, text[first.start : first.end], _rest(text, hits), units)


_FROM_BASELINE = re.compile(
    r"\b(?:from|since|over|vs\.?|versus|relative\s+to|compared\s+(?:to|with))\s+baseline\b", re.I
)
_NAMED_BASELINE = re.compile(r"\s*baseline\b\s*(?:[:,(]|$)", re.I)
# A shift table's row: an on-treatment result of the participants in one baseline state.
_AFTER_BASELINE = re.compile(
    r"\bon[\s-]*treatment\b|\bpost[\s-]*baseline\b|\bchanges?\b|\bworst\b|\bshift\b|\bwith\b.*\bat\s+baseline\b",
    re.I,
)


def is_baseline(label: str | None) -> bool:
    """A slot or group that is the baseline itself ("Physical: Baseline", "PDE5I + Placebo
    (Baseline)"), not a change from it nor an on-treatment result by baseline state ("TSH > ULN with
    TSH ≤ ULN at baseline", "Baseline temp. <37°C, on treatment change <1°C")."""
    text = label or ""
    if _FROM_BASELINE.search(text) or _AFTER_BASELINE.search(text):
        return False
    if _NAMED_BASELINE.match(text):  # "Baseline: Cycle 1/Day 1 (Answer to Q1: No)"
        return True
    reading = read_time(text)
    return reading is not None and reading.at_baseline


# "21 days prior to Day 1", "less than or equal to 28 days prior to dosing": still before treatment
# ("prior to dosing" only on a first day or a count of days: a bare one may be a later trough).
_WITHIN = r"(?:(?:less\s+than\s+or\s+equal\s+to|up\s+to|within)\s+)?"
_BEFORE_START = re.compile(
    rf"{_WITHIN}(?:\d+\s+days?\s+)?(?:prior\s+to|before)\s+(?:the\s+)?(?:study\s+)?"
    r"(?:day\s+[01]\b|(?:the\s+)?first\s+dose|treatment|enrol?lment|randomi[sz]ation)"
    rf"|{_WITHIN}(?:\d+\s+days?|day\s+[01])\s+(?:prior\s+to|before)\s+dosing"
    r"|(?:cycle\s+1\s*,?\s*)?day\s+[01]\s*[,:]?\s*\(?pre-?dose\)?"  # "Day 1 pre-dose", "Cycle 1 Day 1 (predose)"
    r"|pre-?dose\s+(?:on\s+)?(?:cycle\s+1\s*,?\s*)?day\s+[01]\b",
    re.I,
)
# "Pre-dose" alone is often a trough after earlier doses, so it is not one of these.
_PRETREATMENT = re.compile(
    r"\b(?:baseline|screening|pre-?(?:enrol?lment|treatment)|before\s+treatment|at\s+enrol?lment)\b",
    re.I,
)
_WORD = re.compile(r"[a-z0-9]+")
# What else a time frame may say and still name no time after treatment starts.
_PRETREATMENT_WORDS = frozenset(
    "baseline screening pretreatment predose pre dose dosing treatment enrollment enrolment at the during visit "
    "assessed measured collected obtained tumor tumour sample samples biopsy single timepoint time point only "
    "day 0 1 of cycle".split()
)


@lru_cache(maxsize=16384)
def is_pretreatment(time_frame: str | None) -> bool:
    """Whether a measure's time frame names only a time before treatment ("Baseline", "At
    enrollment", "Screening (21 days prior to Day 1)", "Baseline (Day 1 of Cycle 1)", "Day 1 prior
    to dosing", "Day 1 pre-dose", not "Day 15 pre-dose"): a difference between arms there is not an
    effect of the arms. A frame that also names a later time ("Baseline, Week 12", "Pre-dose up to
    96 hours postdose") or anything else ("Baseline [Post Clinical Encounter]") is not (cached: a
    trial's measures repeat frames)."""
    text = _BEFORE_START.sub(" pretreatment ", time_frame or "")
    if not _PRETREATMENT.search(text):
        return False
    return all(word in _PRETREATMENT_WORDS for word in _WORD.findall(text.casefold()))


def time_point_days(text: str | None, cycle_days: float | None = None) -> float | None:
    """Days from the start of the time point ``text`` names (baseline is 0), or ``None``.

    "Week 4" -> 28, "Month 6" -> 182.6, "Cycle 2 Day 1" -> cycle_days + 1 (``None`` when the
    cycle length is unknown). See :func:`read_time` for what counts as a time point.
    """
    reading = read_time(text)
    return reading.to_days(cycle_days) if reading else None


@lru_cache(maxsize=65536)
def cycle_length_days(text: str | None) -> float | None:
    """The treatment-cycle length a text states ("21-day cycles", "cycle = 4 weeks", "cycle length: 3
    weeks"), in days, or ``None`` when it states none or one per group of the measure (cached)."""
    text = without_windows(text or "")
    m = _CYCLE_LENGTH.search(text)
    while m and _is_total(text, m):  # a total may overlap the length after it: "35 cycles (21-day cycles)"
        m = _CYCLE_LENGTH.search(text, m.start() + 1)
    if not m or _OTHER_LENGTH.match(text, m.end()):
        return None
    value, unit = (m.group("n"), m.group("u")) if m.group("n") else (m.group("n2"), m.group("u2"))
    return float(value) * (7.0 if unit.casefold().startswith("week") else 1.0)


def _is_total(text: str, m: re.Match[str]) -> bool:
    """Whether a cycle-length match states the length of several cycles counted before it."""
    return (
        (m.group("by") or "").casefold() in _TOTAL_BY
        and _CYCLE_COUNT.search(text, 0, m.start()) is not None
        and _EACH.match(text, m.end()) is None  # "Four cycles (21 days each)"
    )


def without_times(text: str, *, drop_counts: bool = True) -> str:
    """``text`` with every time phrase (and, with ``drop_counts``, "n=" counts) taken out,
    normalized: what :attr:`TimeReading.rest` holds, also for a text naming no single time point."""
    clean = without_windows(without_counts(text) if drop_counts else text)
    return _rest(clean, _hits(clean))


def words(text: str | None) -> str:
    """``text`` casefolded, its runs of punctuation and spaces made one space."""
    return _NON_WORD.sub(" ", text or "").strip().casefold()
