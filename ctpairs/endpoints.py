"""Clinical endpoints a measure title names: overall survival, response, Cmax, ...

Two outcome measures whose titles look alike can still measure different things: "Percentage of
Participants With a Complete Response (CR) or Partial Response (PR)" is response and "... CR, PR or
Stable Disease" is disease control; "Maximum Plasma Concentration (Cmax)" and "Minimum Plasma
Concentration (Cmin)" differ in one word. :func:`constructs` names the endpoints a title states, so
the outcome builder (primary vs secondary measures of one trial), the approximate builders and the
pathways (one outcome across trials) refuse to treat different endpoints as one outcome.

Long titles of one instrument also differ in few words: "Change in Orgasmic Function Domain Score
Assessed by IIEF" and "Change in Overall Satisfaction Domain Score Assessed by IIEF", an item
"(Item 31)" and another "(Item 40)", a threshold "(≥0 kg)" and another "(≥1.5 kg)", a score and its
change from baseline, adverse events and serious or treatment-related ones. :func:`specifics`
names what such titles must share to be one outcome.

A category or class of a measure can also name no endpoint at all: "Missing", "Unknown", "Not
Evaluable (NE)", "KRAS Status: Unknown", "Anemia Missing", "Q3= Missing". Such a row counts
participants without data; :func:`is_missing_data` tells it. A row can also hold a placeholder: a
change of 0 with a spread of 0 on a continuous measurement (:func:`is_placeholder_change`).

A title also says what its rows are: a change from baseline (:func:`names_change`), whose baseline row
is often the level itself; peak and trough concentrations in one measure
(:func:`mixes_peak_and_trough`), whose rows must then say which they are; a time to an event that
censoring cuts short (:func:`is_time_to_event`), whose median and spread are Kaplan-Meier estimates.

A pure module: strings in, names out.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from ctpairs.characteristics import named_alternatives
from ctpairs.timepoints import NUMBER_WORDS, without_times, words

_NEXT_LINE = r"(?:on|after)\s+(?:the\s+)?(?:next|subsequent|second)[\s-]*line\b"
# clinical endpoints that are different constructs even when their titles look alike
_CONSTRUCTS = {
    "overall survival": re.compile(
        r"\boverall\s+survival\b|(?-i:(?<!-)\bOS\b)|\bpercentage\s+(?:of\s+participants\s+)?alive\b(?!\s+(?:and|without))",
        re.I,
    ),
    "progression-free survival": re.compile(
        rf"\bprogression[\s-]*free\b(?!\s+survival\s+{_NEXT_LINE})|(?-i:\bPFS\b)"
        r"|\balive\s+(?:and|without)\s+(?:\w+\s+)?progression\b",
        re.I,
    ),
    # progression on the next line of therapy (PFS2) is another event than the first progression
    "second progression": re.compile(
        rf"(?-i:\bPFS\s?2\b)|\bsecond\s+(?:objective\s+)?progression\b|\bprogression[\s-]*free\s+survival\s+{_NEXT_LINE}",
        re.I,
    ),
    "disease-free survival": re.compile(r"\bdisease[\s-]*free\b|(?-i:\bDFS\b)", re.I),
    "event-free survival": re.compile(r"\bevent[\s-]*free\b|(?-i:\bEFS\b)", re.I),
    "time to progression": re.compile(r"\btime\s+to\s+(?:\w+\s+)?progression\b|(?-i:\bTTP\b)", re.I),
    "response": re.compile(
        r"\b(?:objective|overall|best|complete|partial|tumou?r)\s+(?:\w+\s+)?response\b|\bresponse\s+rate\b|(?-i:\bORR\b)",
        re.I,
    ),
    # "CR, PR or stable disease" is disease control, not response
    "disease control": re.compile(
        r"\bdisease\s+control\b|\bclinical\s+benefit\b|\bstable\s+disease\b|(?-i:\bDCR\b|\bCBR\b)", re.I
    ),
    # participants "with (local-regional) progression": the event, not survival free of it
    "progression": re.compile(r"\bwith\s+(?:[\w-]+\s+){0,2}progression\b|\bprogression\s+rate\b", re.I),
    "adverse events": re.compile(
        r"\badverse\s+events?\b|\btoxicit(?:y|ies)\b|\bside\s+effects?\b|(?-i:\bT?E?AEs?\b)", re.I
    ),
    "quality of life": re.compile(r"\bquality\s+of\s+life\b|(?-i:\bQoL\b)", re.I),
    "maximum concentration": re.compile(r"\bmaximum\s+(?:\w+\s+){0,2}concentration\b|\bC\s?max\b", re.I),
    "trough concentration": re.compile(
        r"\btrough\b|\bminimum\s+(?:\w+\s+){0,2}concentration\b|\bC\s?(?:min|trough)\b", re.I
    ),
    "time to maximum": re.compile(r"\bT\s?max\b|\btime\s+to\s+(?:the\s+)?maximum\b", re.I),
    "half-life": re.compile(r"\bhalf[\s-]*life\b|\bt\s?1/2\b", re.I),
}


@lru_cache(maxsize=4096)
def constructs(title: str) -> frozenset[str]:
    """The clinical endpoints a measure title names (overall survival, response, Cmax, ...); empty
    when it names none of them. Cached: titles are compared pair by pair."""
    return frozenset(name for name, pattern in _CONSTRUCTS.items() if pattern.search(title))


_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")
# numbers that label a part of the trial or a dose, not the outcome: "Phase 2:", "Cohort 1", "(2.5 mg)"
_LABEL_NUMBER = re.compile(
    r"\b(?:phase|parts?|cohorts?|arms?|groups?|stages?)\s+(?:\d+[a-z]?|i{1,3}v?|iv)(?:\s+(?:and|to)\s+\d+[a-z]?)?\b"
)
_DOSE_AMOUNT = re.compile(r"\b\d+(?:\s\d+)?\s*(?:mg|mcg|µg|ug)\b(?!\s*/?\s*d?l\b)")  # not "<6 mg/dL", a level
_NUMBER = re.compile(r"\d+")
_TIME_ACRONYM = re.compile(r"\(\s*[A-Za-z]+(\d+)\s*\)")
# the named part of an instrument: the two words before "domain", "subscale", "subscore", "dimension"
_PART = re.compile(r"(?:^|\s)((?:\S+\s+){0,1}\S+)\s+(?:domain|subscale|sub\s?score|dimension)s?\b")
_CHANGE = re.compile(r"\bchanges?\b")
# words that narrow an endpoint to another set of events or participants: adverse events vs
# serious, treatment-related, immune-mediated ones or those leading to discontinuation; a response
# vs a complete or confirmed one; hypoglycaemia vs severe hypoglycaemia
_QUALIFIERS = {
    "serious": r"serious",
    "severe": r"severe|severity",
    "fatal": r"fatal|deaths?|died",
    "life-threatening": r"life[\s-]*threatening",
    "related": r"related|attributable",
    "emergent": r"emergent",
    "immune": r"immune[\s-]*(?:mediated|related)",
    "infusion": r"infusion[\s-]*(?:related|reactions?)",
    "discontinuation": r"discontinu\w*|withdr[ae]w\w*",
    "interruption": r"interrupt\w*",
    "reduction": r"reduc\w*",
    "hospitalization": r"hospitali[sz]\w*",
    "complete": r"complete",
    "partial": r"partial",
    "confirmed": r"confirmed",
    "symptomatic": r"symptomatic",
}
_QUALIFIER, _QUALIFIER_NAMES = named_alternatives(_QUALIFIERS)


def _numbers(text: str) -> list[str]:
    """The numbers of a normalized text but those of trial-part labels and drug amounts."""
    return _NUMBER.findall(_DOSE_AMOUNT.sub(" ", _LABEL_NUMBER.sub(" ", text)))


# which dose or visit a title counts from: "After Administration of the Third Dose" is not "... the First Dose"
_NTH_EVENT = re.compile(
    r"\b(first|second|third|fourth|fifth|sixth|final|last|1st|2nd|3rd|[4-9]th)\s+"
    r"(dose|injection|infusion|vaccination|administration|cycle|course|visit)s?\b",
    re.I,
)


def anchors(text: str | None) -> frozenset[str]:
    """The doses or visits a text counts from, as ``after:`` tokens ("28 Days After the Second
    Vaccination" -> ``after:second vaccination``): one of :func:`specifics`, and what two time frames
    of one title must share to be one clock."""
    return frozenset(f"after:{m.group(1).casefold()} {m.group(2).casefold()}" for m in _NTH_EVENT.finditer(text or ""))


@lru_cache(maxsize=16384)
def specifics(title: str) -> frozenset[str]:
    """What two titles of one outcome must share beyond their wording, as tokens: the numbers they
    state once time phrases, trial-part labels ("Phase 2") and drug amounts are out (``n:31``:
    an item, a threshold, a version, an instrument such as QLQ-C30), the named part of an
    instrument (``part:orgasmic function``: the words before "domain", "subscale", "subscore" or
    "dimension", parentheses out), the qualifiers that narrow an endpoint (``q:serious``,
    ``q:related``, ``q:discontinuation``, ``q:complete``, ...), the dose or visit it counts from
    (``after:third dose``), and whether the title is a change (``change``)."""
    text = without_times(_PARENTHESES.sub(" ", title))
    numbers = Counter(_numbers(without_times(title)))
    # an acronym that repeats a time the title states is a time: "at 6 Months (APF6)", "(PFS12)"
    times = Counter(_numbers(words(title))) - numbers
    times += Counter(str(NUMBER_WORDS[w]) for w in words(title).split() if w in NUMBER_WORDS)  # "at Four Months (PFS4)"
    numbers -= Counter(n for n in _TIME_ACRONYM.findall(title) if n in times)
    tokens = {f"n:{int(n)}" for n in numbers}
    tokens |= {f"part:{m.group(1)}" for m in _PART.finditer(text)}
    tokens |= {f"q:{_QUALIFIER_NAMES[m.lastgroup]}" for m in _QUALIFIER.finditer(text) if m.lastgroup}
    tokens |= anchors(text)
    if _CHANGE.search(text):
        tokens.add("change")
    return frozenset(tokens)


_SCORE_RANGE = re.compile(
    r"\b(?:ranges?|ranging|scale[sd]?|scored?)\b[^.;]{0,40}?(?<![\d.])(-?\d+(?:\.\d+)?)\s*(?:-|–|to)\s*(-?\d+(?:\.\d+)?)(?![\d.])",
    re.I,
)


@lru_cache(maxsize=16384)
def score_ranges(description: str | None) -> frozenset[tuple[float, float]]:
    """The score ranges a measure's description states ("The score range for TSS is 8-40", "scores
    range from 0 to 100"): two measures of one title that state different ones are two instruments
    (NCT01715571's 8-item TSS baseline module, 8-40, and its 13-item treatment module, 13-65)."""
    return frozenset((float(m.group(1)), float(m.group(2))) for m in _SCORE_RANGE.finditer(description or ""))


_CHANGE_TITLE = re.compile(r"\bchanges?\b", re.I)


def names_change(title: str | None) -> bool:
    """Whether a measure title announces a change rather than a level: "Change From Baseline in
    EORTC QLQ-C30 Score", "Mean Change of EQ-5D-3L", "Percent Change in Body Weight". Such a
    measure's rows after baseline are changes, while a row at baseline is often the baseline level
    itself (71.0 on the EQ-5D VAS beside changes of 1.42 at later visits)."""
    return bool(title and _CHANGE_TITLE.search(title))


_PEAK = re.compile(
    r"\bpeak\b|\bc\s?max\b|\bmaximum\b|\bpost[\s-]*(?:dose|infusion)\b|\bend\s+of\s+infusion\b|(?-i:\bEOI\b)", re.I
)
_TROUGH = re.compile(r"\btrough\b|\bc\s?(?:min|trough)\b|\bminimum\b|\bpre[\s-]*(?:dose|infusion)\b", re.I)


def mixes_peak_and_trough(title: str | None, label: str | None) -> bool:
    """Whether a row ``label`` of a measure whose ``title`` names both peak and trough
    concentrations says neither which it is nor when it was sampled: "Peak and Trough Serum
    Concentrations" posted as "Week 0" (the peak after the first infusion) and "Week 3" (the trough
    before the next). Its time points are then different statistics, not one at two times."""
    if not (title and _PEAK.search(title) and _TROUGH.search(title)):
        return False
    return not (label and (_PEAK.search(label) or _TROUGH.search(label)))


# a time to an event that not every participant reaches, estimated with censoring: a survival
# endpoint (misspelt "Survial" too), a time to progression, deterioration, failure, death or
# relapse, a duration of response; "Time to Response" among responders and Tmax are not
_TIME_TO_EVENT_TITLE = re.compile(
    r"\bsurvi(?:v|al\b)|(?-i:\b(?:OS|PFS|DFS|EFS|RFS|TTP|TNP|T?TTF|DOI?R|DoR)\b)"
    r"|\btime\s+to\s+(?:[\w-]+\s+){0,3}?(?:progression|deterioration|worsening|failure|death|relapse|recurrence)\b"
    r"|\bduration\s+of\s+(?:[\w-]+\s+){0,2}?response\b",
    re.I,
)
_CENSORED = re.compile(r"\bcensor|\bkaplan[\s-]*meier\b", re.I)


def is_time_to_event(title: str | None, description: str | None = None) -> bool:
    """Whether a measure is a time to an event that censoring cuts short: its title names a survival
    endpoint, a time to progression, deterioration, worsening, failure, death or relapse, or a
    duration of response, or its description says it was censored or estimated by Kaplan-Meier
    ("Time to Response (TTR)" where "patients who had not achieved a confirmed CR or PR were
    censored"). Its median and quartiles are Kaplan-Meier estimates, its "range" often a confidence
    interval ("Overall Survival" 9.2 months, "full range" 8.3 to 10.5 in 306 patients): neither is
    the complete sample that Wan's mean and SD are drawn from."""
    return bool((title and _TIME_TO_EVENT_TITLE.search(title)) or (description and _CENSORED.search(description)))


_KAPLAN_MEIER = re.compile(r"\bkaplan[\s-]*(?:and\s+)?meier\b|\bproduct[\s-]*limit\b", re.I)
# a count of the participants who had (or had not) the event, whatever estimated the survival curve:
# "With an Event", "With PFS Event", "With Disease Progression or Death", "Without Event (Death)",
# "Who Died"; not "Patients With Stage II-III NSCLC"
_EVENT_COUNT = re.compile(
    r"\b(?:with|without)\s+(?:an?\s+|any\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:events?|pd|progression|progressive\s+disease|deterioration|death|relapse|recurrence|failure)\b"
    r"|\bwho\s+(?:died|progressed|relapsed)\b",
    re.I,
)


def is_kaplan_meier_rate(title: str | None, description: str | None = None) -> bool:
    """Whether a measure's percentages are Kaplan-Meier (censoring-adjusted) estimates rather than
    counts out of the participants analysed: its title or description names the Kaplan-Meier or
    product-limit method ("One-, Two- and Three-year Survival Rate ... calculated as a cumulative
    percentage by Kaplan-Meier survival analysis"), or its title names a time to an event
    (:data:`_TIME_TO_EVENT_TITLE`: "2-Year Survival", "6-month PFS", "Overall Survival (OS)" posted
    in percent). Under censoring such a rate is not x/n, so no test of x/n fits it. A title that
    counts the participants with or without the event is a count, whatever estimated the curve:
    "Overall Survival - Percentage of Participants With an Event", "Percentage of Participants Who
    Died"."""
    if _EVENT_COUNT.search(title or ""):
        return False
    return bool(
        _KAPLAN_MEIER.search(title or "")
        or _KAPLAN_MEIER.search(description or "")
        or _TIME_TO_EVENT_TITLE.search(title or "")
    )


# a word that sets one outcome apart from another of the same kind: "other skin lesions", "new diagnosis"
_SET_APART = re.compile(r"\b(?:other|new|newly)\b", re.I)
# what a measure is of, told by an identifier: "Serotype 19A", "A/H3N2 Strain", "Genotype 1b"
_ANALYTE_ID = re.compile(
    r"\b(?i:serotypes?|serogroups?|strains?|subtypes?|genotypes?|antigens?)\s+(?P<after>[A-Z0-9][\w/-]*)"
    r"|(?P<before>\b(?=[\w/-]*\d)[A-Z0-9][\w/-]*)\s+(?i:serotype|serogroup|strain|subtype|genotype|antigen)(?![\w-])"
    r"|(?P<code>\b[A-Z]{2,5}-(?:[A-Z]|\d)\b)(?!-)",  # "RSV-A" / "RSV-B", "HSV-1", "IL-6"; not "EASI-75"
)
_METABOLITE = re.compile(r"\bmetabolites?\b|\b(?:des|nor|hydroxy|o-desmethyl|n-desmethyl)-?[a-z]*methyl[\w-]*", re.I)


@lru_cache(maxsize=16384)
def analytes(title: str) -> frozenset[str]:
    """The identifiers of what a title measures ("Serotype 19A", "A/H3N2 Strain", "RSV-A"), and "metabolite"
    where it names a metabolite: two titles apart in these measure different things (serotype 1 and
    19A antibodies, a drug and its metabolite) however alike they read."""
    found = {(m.group("after") or m.group("before") or m.group("code")).casefold() for m in _ANALYTE_ID.finditer(title)}
    return frozenset(found | ({"metabolite"} if _METABOLITE.search(title) else set()))


# what a title says around its endpoint: who is counted, a change, and how it was assessed
_COUNTED = re.compile(
    r"^(?:(?:the\s+)?(?:percentage|percent|proportion|number|rate|count)\s+of\s+)?"
    r"(?:participants|patients|subjects|people)?\s*(?:who\s+(?:had|were|achieved|reported)|with|achieving|reporting"
    r"|having)?\s*|\b(?:mean\s+|least\s+squares\s+mean\s+)?(?:percent\s+)?change\s+from\s+baseline\s+(?:in|of)\s+",
    re.I,
)
_ASSESSED = re.compile(
    r"\s(?:per|by|as\s+(?:assessed|determined|measured)\s+by|according\s+to|using|based\s+on)\s.*$", re.I
)


_NOTE = re.compile(r"\([^()]*\s[^()]*\)|\[[^\[\]]*\s[^\[\]]*\]")  # a bracket of words, not an acronym's "(MACE)"


@lru_cache(maxsize=16384)
def endpoint_core(title: str) -> str:
    """What a title measures once times, bracketed notes, who is counted ("Percentage of Participants
    Achieving"), "Change From Baseline in", how it was assessed ("per Modified Mayo Score", "by
    Investigator") and numbers are out: "Percentage of Participants Achieving Clinical Remission Per
    Modified Mayo Score at Week 12 (Non-Responder Imputation)" -> "clinical remission"; two
    definitions of one endpoint share it ("EASI-75" / "EASI-90": "easi"), two endpoints do not
    ("endoscopic improvement")."""
    text = without_times(_NOTE.sub(" ", title))
    text = _ASSESSED.sub("", _COUNTED.sub(" ", text).strip())
    return " ".join(re.sub(r"\d+", " ", text).split())


def sets_apart(title: str) -> bool:
    """Whether a title sets its events apart from others of their kind ("Other Skin Lesions", "New
    Diagnosis of Underlying Condition"): not the same construct as the title without the word."""
    return bool(_SET_APART.search(title))


DURATION_UNIT = re.compile(r"\b(?:years?|months?|weeks?|days?|hours?|minutes?)\b", re.I)
"""A unit that names a length of time ("Months", "days"), in a time or in a rate ("per 100 patient-years")."""

# a unit that is the points of a rating scale or questionnaire ("Units on a Scale", "Score on a
# scale of 0-63", "EQ-5D-5L score", misspelt "score on a sclae"), not a physical quantity or a count
_SCORE_UNIT = re.compile(r"\bsc(?:ale|lae|ore)s?\b|\bsore\b|\bpoints?\b", re.I)


def is_score_scale(unit: str | None) -> bool:
    """Whether a unit of measure is the points of a rating scale or questionnaire. Two parts of one
    instrument (a domain and the total, two items) count on scales of different ranges (IIEF
    erectile function 1-30, overall satisfaction 2-10), so their values are not comparable."""
    return bool(unit and _SCORE_UNIT.search(unit))


MEAN_PARAM_TYPES = ("mean", "least_squares_mean", "log_mean", "number")
"""The parameter types whose values are averages (a ``number`` is read as one unless its unit counts
participants: :attr:`ctpairs.labels.Statistic.kind`)."""


def is_placeholder_change(
    param_type: str | None, title: str | None, unit: str | None, value: float | None, spread: float | None
) -> bool:
    """Whether a row posts a mean change of exactly 0 with a spread of exactly 0 on a measurement
    that is no rating scale: every participant exactly where they started. Where items tie that
    happens (four patients with no change on an EORTC item, :func:`is_score_scale`); on a continuous
    measurement it does not, and such a row is what a sponsor posts for a group without data:
    NCT03037385's percent change in tumour DUSP6 expression is 0 (0) for the cohorts of 2, 5 and 4
    patients at 30, 100 and 600 mg, beside -74.87 (15.707) at 300 mg."""
    return (
        param_type in MEAN_PARAM_TYPES
        and value == 0
        and spread == 0
        and (names_change(title) or names_change(unit))
        and not is_score_scale(unit)
    )


def title_facts(title: str) -> tuple[frozenset[str], frozenset[str]]:
    """(:func:`constructs`, :func:`specifics`) of a title: two titles can be one outcome only when
    these are equal, however alike their words."""
    return constructs(title), specifics(title)


_MISSING_TERMS = (
    r"missing|unknown|not\s+done|not\s+evaluable|not\s+evaluated|non-?\s*evaluable|unevaluable|inevaluable"
    r"|not\s+assessed|not\s+reported|not\s+applicable|unable\s+to\s+(?:be\s+)?(?:determined?|evaluated?|assessed?)"
    r"|(?-i:NE|UTD|NA)"
)
_LABEL_PART = re.compile(r"\s*(?:[,/:;=]|\s-\s)\s*")
_MISSING_EDGE = re.compile(
    rf"^(?:{_MISSING_TERMS})\b|\b(?:{_MISSING_TERMS})$"
    # "No clinical status score reported", "No data": a value not posted, not an outcome of "No AE"
    r"|^no\s+(?:[\w-]+\s+){0,3}(?:score|data|assessment|value|measurement|result|evaluation)s?"
    r"(?:\s+(?:reported|available|recorded|collected|obtained))?$",
    re.I,
)


@lru_cache(maxsize=16384)
def is_missing_data(label: str | None) -> bool:
    """Whether a category or class label counts participants without data rather than an outcome:
    one of its parts (split at ``, / : ; =`` and " - ", parentheses out) begins or ends with
    "missing", "unknown", "not done", "not evaluable", "not assessed", "not applicable", "unable to
    determine", "NE"... ("Baseline score missing, worst post-baseline score 0", "CRC-KRAS Mutation,
    Not Done", "Q3= Missing"); "Deaths due to unknown causes" and "Infection (Unknown: Pneumonia)"
    are outcomes."""
    text = _PARENTHESES.sub(" ", label or "").strip()
    return any(_MISSING_EDGE.search(part.strip()) for part in _LABEL_PART.split(text) if part.strip())
