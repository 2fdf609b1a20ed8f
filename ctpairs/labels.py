"""How the counterfactual result moved against the factual one, and what that claim rests on.

Every label carries its evidence:

* ``method`` is what the direction rests on: ``trial_analysis`` (the trial's own posted analysis of
  exactly these two groups on this row, a superiority-type test that its own 95% CI does not
  contradict; significant when p < 0.05, or, when it posts no p-value, when its 95% CI leaves out
  "no difference"), else the
  name of our test of the posted statistic (``test_method``), else ``none``.
* ``test_p_value`` / ``test_method`` are our test from the posted numbers, computed **also** when the
  trial's analysis is used, so the two can be compared on every build (``ctpairs audit``).
* ``verifiable`` is true when ``method`` is not ``none``. ``higher`` / ``lower`` are given only when the
  evidence is significant; ``similar`` when it is not and the two values are also close by every
  reading we have (:data:`SIMILAR_EFFECT_LIMIT`, :func:`_far_apart`); ``indeterminate`` when there is no
  evidence either way (no analysis, no testable statistic, fewer than :data:`MIN_N_PER_SIDE`
  participants on a side, or a difference that is neither significant nor small).

Which test fits which posted statistic (formulas and references in :mod:`ctpairs.significance`):

=========================================== =============================================================
posted statistic                            test
=========================================== =============================================================
count of participants, or a number whose    proportions x/n with the row's denominators: Fisher's exact
unit is a percentage / proportion of        test for small expected counts, else the pooled two-proportion
participants                                z-test; ``delta`` and ``direction`` are about the proportion
                                            (a percentage posted with a CI: Welch from the CI, below; a CI
                                            too asymmetric for that is tested as x/n only when it is no
                                            wider than the exact binomial CI of x/n allows; a
                                            survival rate without a CI is not tested:
                                            :func:`ctpairs.endpoints.is_kaplan_meier_rate`)
mean, least-squares mean, log mean, number  Welch's t-test from SD, SE (SD = SE·√n) or a CI of any stated
                                            level (SE = half-width / t quantile); a CI clearly asymmetric
                                            about the value is read on the log scale (approximate); an
                                            LS mean's "standard deviation" is read as its SE (a model's
                                            estimate has no sample SD)
geometric mean with geometric CV% or a CI   Welch's t-test on the log scale
median with IQR or full range               Wan et al. (2014) mean and SD, then Welch (approximate); not
                                            when either side's summary is skewed by the test of Shi et
                                            al. (2023), nor for a time to an event (Kaplan-Meier
                                            estimates under censoring, not a complete sample)
median with a CI                            SE from the CI, then Welch (approximate); it may give
                                            ``higher``/``lower`` but never ``similar``
                                            (:data:`MEDIAN_FROM_CI`)
=========================================== =============================================================

A measure analysed in units other than participants (eyes, lesions, attacks: a second
denominator, :attr:`Statistic.other_units`) gets no test of ours: one participant may give several
units, which the tests above would take as independent people.

Two observations of the **same group** (the outcome axis) are not independent samples: the same
tests are used, and the method name ends in ``_same_group``. For the positively correlated repeated
measures of one group this is conservative (the variance of a difference of positively correlated
estimates is smaller than the sum of their variances), so a significant result stays significant.
Tests whose name ends in ``_approx`` rest on a distributional approximation.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from ctpairs import significance as sig
from ctpairs.endpoints import DURATION_UNIT, MEAN_PARAM_TYPES, is_kaplan_meier_rate, is_time_to_event
from ctpairs.model.numbers import normalize_unit
from ctpairs.model.trial import Analysis, Measure
from ctpairs.schema import INDETERMINATE, Label, ResultInfo

ALPHA = 0.05
MIN_N_PER_SIDE = 3
"""Our tests need at least this many participants on each side; below it a label is not directional."""
CI_SYMMETRY_TOLERANCE = 0.2
"""A CI is read on a scale (linear, else log) where the value sits within this share of the
interval's width from its centre."""
BINOMIAL_CI_WIDTH_LIMIT = 1.2
"""A percentage's posted CI up to this many times as wide as the exact (Clopper-Pearson) CI of
value x n is a crude proportion's, and the row may be tested as x/n. A wider one is an estimate's
with more uncertainty than n participants give (a Kaplan-Meier rate under censoring, an adjusted
rate), which a test of x/n would overstate."""
DENOMINATOR_TOLERANCE = 0.1
"""A posted percentage is tested as x/n when it is a count out of n, or out of a denominator within
this share of n: rows often count the participants analysed, a few fewer than the n posted."""

SIMILAR_EFFECT_LIMIT = 0.1
"""``similar`` needs the two values closer than this standardized effect by every reading of it we
have (Cohen's d of the tested scale, h of two proportions, a trial's ratio estimate or the ratio of
two medians or geometric means as Chinn's d; 0.1 is half Cohen's "small" effect of 0.2, a
negligible one). A difference that neither the trial's analysis nor our test finds significant but
that is larger (1 of 12 vs 5 of 18 participants; 18.6% vs 13.9% with a prolonged QTc; a median
survival of 13.7 vs 11.1 months; equal medians under a trial hazard ratio of 0.77, p = 0.056) is
absence of evidence, not evidence of no change: the label is ``indeterminate``. Hand labels of 102
random ``similar`` labels chose it over 0.2 (precision 64/79 at 0.2, see the CHANGELOG)."""
SIMILAR_SHARE_DIFFERENCE = 0.01
"""Two proportions closer than this (one percentage point) are close whatever h says: h stretches
the scale near 0% and 100%, where 0 of 149 vs 1 of 158 participants is h = 0.16."""

RARE_SHARE = 0.1
"""Two proportions both under this are also read by their odds ratio, as Chinn's d: near 0% Cohen's
h reads a doubling of a rare event as a small change (NCT00257608's 5 against 10 of 370
discontinuations, h = 0.098, odds ratio 2.0, d = 0.39). Near 100% the event is common and the
shares are read as they are (97.1% and 95.8% of participants with disease control are close)."""

SIMILAR_SPREAD_RATIO = 4.0
"""Past this ratio of the two sides' SDs no one SD describes both, and so uneven a pair of spreads
usually betrays an outlier or mixed units (NCT04280705 posts a change of white cells of -34.7 with
SD 574 beside 2.0 with SD 16 x 10^9/L, "similar" by Cohen's d of 0.09). Welch's test of such sides
still stands, but their closeness is read in the smaller SD (2.3 SDs apart here)."""

MEDIAN_FROM_CI = "_median_approx"
"""The ending of our test's name for two medians read from their CIs. Such a test can show that two
medians differ (on the 685 shared records, each of the 26 times it did, the trial's own analysis
agreed) but not that they are alike: of the 71 pairs where it found nothing and the medians were
close, the trial's own analysis, a log-rank test or a hazard ratio over the whole survival curve,
found a difference in 7 (NCT02477826's median PFS of 5.78 vs 5.49 months, p = 0.006). So without
the trial's analysis such a pair is ``indeterminate``, not ``similar``."""

METHOD_TRIAL = "trial_analysis"
METHOD_NONE = "none"
ANALYSIS_CI_MARGIN = 0.2
"""A trial's analysis contradicts its own 95% CI when "no difference" lies inside the CI (p < 0.05)
or outside it (p >= 0.05) by more than this share of the CI's half-width."""
SUPERIORITY_TYPES = frozenset({None, "SUPERIORITY", "SUPERIORITY_OR_OTHER", "SUPERIORITY_OR_OTHER_LEGACY", "OTHER"})
"""Analysis hypothesis types whose p-value tests a difference; non-inferiority and equivalence
p-values test another hypothesis and are never read as a difference."""

# a trial's own word that the p-value it posts is one-sided ("One-sided p-value based on log-rank
# test", "1-sided p-value", "P-value is 1-sided", "analyzed by 1-sided log rank test"), not a design's
# one-sided boundary, level or type I error, and not where it also says the p-value or the test is
# two-sided ("tested at a 1-sided level; the 2-sided p-value is reported")
_SIDED_P = (
    r"\b{side}[\s-]*sided\s+p[\s-]*values?\b(?!\s+boundary)"
    r"|\bp[\s-]*values?\s+(?:is|are|was|were)\s+{side}[\s-]*sided\b"
    r"|\b(?:analy[sz]ed|calculated|computed|obtained|derived|compared|tested|applying|based\s+on)\s+"
    r"(?:(?:by|using|with|from|in)\s+)?(?:an?\s+|the\s+)?(?:\w+\s+)?{side}[\s-]*sided,?\s+(?:[\w-]+\s+){{0,3}}?test\b"
)
_ONE_SIDED_P = re.compile(_SIDED_P.format(side="(?:one|1)"), re.IGNORECASE)
_TWO_SIDED_P = re.compile(_SIDED_P.format(side="(?:two|2)"), re.IGNORECASE)
# a test the trial's statistical method calls one-sided ("1-sided stratified log-rank test", "t-test, 1
# sided", "MMRM analysis; 1-sided"): the p-value it gives is one-sided
_ONE_SIDED_TEST = re.compile(r"\b(?:one|1)[\s-]*sided\b", re.IGNORECASE)
_TWO_SIDED_TEST = re.compile(r"\b(?:two|2)[\s-]*sided\b", re.IGNORECASE)
# a percentage of people (participants misspelt as "particpants", "paricipants", "partcipants" too)
_PROPORTION_UNIT = re.compile(
    r"^\s*(?:(?:estimated\s+)?(?:percentage|percent|%|proportion)s?\s+(?:of\s+)?"
    r"(?:\w+\s+){0,2}?(?:part?i?ci?pants?|patients?|subjects?|responders?|partners?|people|persons?|individuals?)\b"
    r"|(?:participants?|patients?|subjects?)\s*\(%\))",
    re.IGNORECASE,
)
# participants counted, plainly ("Participants") or by what they had or did ("Number of patients with
# an OS event", "participants who answered yes", "Number of participants improving"); not a rate
# ("participants with events per 100 patient-years") nor a percentage
_COUNT_UNIT = re.compile(
    r"^\s*(?:(?:number|count)\s+of\s+)?(?:treated\s+)?(?:participants?|patients?|subjects?)"
    r"(?:\s+(?:with|who|experiencing|improving|reporting|having|achieving)\b(?![^%]*\bper\b)[^%]*)?\s*$",
    re.IGNORECASE,
)
_CI = re.compile(r"^confidence_interval_(\d+(?:_\d+)?)$")


@dataclass(frozen=True)
class Statistic:
    """What a measure posts: its normalized parameter type, dispersion type and unit, whether it is a
    time to an event that censoring cuts short (:func:`ctpairs.endpoints.is_time_to_event`), and
    whether its percentages are survival rates (Kaplan-Meier estimates)."""

    param_type: str | None
    dispersion_type: str | None
    unit: str | None
    time_to_event: bool = False
    kaplan_meier: bool = False
    """Its percentages are survival rates, Kaplan-Meier (censoring-adjusted) estimates rather than
    counts out of n (:func:`ctpairs.endpoints.is_kaplan_meier_rate`)."""
    other_units: bool = False
    """It is analysed in units other than participants (:attr:`~ctpairs.model.trial.Measure.analysis_units`:
    eyes, lesions, attacks, questionnaires): its numbers count units that one participant may give
    several of, which no test of ours may take as independent."""

    @staticmethod
    def of(measure: Measure) -> Statistic:
        """What ``measure`` posts, its unit as two postings of it compare
        (:func:`ctpairs.model.numbers.normalize_unit`): computed once per measure of a build."""
        return _statistic(
            measure.param_type,
            measure.dispersion_type,
            measure.unit,
            measure.title,
            measure.description,
            measure.analysis_units is not None,
        )

    @property
    def event_time(self) -> bool:
        """Whether its values are times to an event that censoring cuts short, in units of time (a
        median overall survival in months), not survival rates (a percentage is no time): such a measure has no time points,
        only cut-offs of its analysis ("up to 24 months" / "up to 30 months")."""
        return (
            self.time_to_event
            and self.kind in ("mean", "median", "geometric_mean")
            and bool(DURATION_UNIT.search(self.unit or ""))
        )

    @property
    def kind(self) -> str:
        """``proportion``, ``count``-like measures read as proportions, ``geometric_mean``, ``median``,
        ``mean`` or ``other``."""
        unit = self.unit or ""
        if self.param_type == "count_of_participants" or (self.param_type == "number" and _COUNT_UNIT.match(unit)):
            return "percentage" if _PROPORTION_UNIT.match(unit) else "proportion"
        if self.param_type == "number" and _PROPORTION_UNIT.match(unit):
            return "percentage"
        if self.param_type in MEAN_PARAM_TYPES:
            return "mean"
        if self.param_type in ("geometric_mean", "median"):
            return self.param_type
        return "other"


@lru_cache(maxsize=4096)
def _statistic(
    param_type: str | None,
    dispersion_type: str | None,
    unit: str | None,
    title: str,
    description: str | None,
    other_units: bool,
) -> Statistic:
    return Statistic(
        param_type,
        dispersion_type,
        normalize_unit(unit) or None,
        is_time_to_event(title, description),
        is_kaplan_meier_rate(title, description),
        other_units,
    )


@dataclass(frozen=True)
class TestOutcome:
    p_value: float
    method: str
    effect: float | None = None
    """The observed standardized effect (Cohen's d of the two sides, on the scale tested, or h of
    two proportions): how far apart the values are, whatever the p."""


def posts_one_sided_p(analysis: Analysis) -> bool:
    """Whether the trial says the p-value of this analysis is one-sided: its comments or the
    description of what it compares say so of the p-value or of the test it comes from, or its
    statistical method or a note after the p-value calls it one-sided ("1-sided stratified log-rank
    test", "0.03 (one-sided)"), and none says a two-sided p-value or test is what it posts."""
    text, method = f"{analysis.comment or ''} {analysis.group_description or ''}", analysis.method or ""
    sides = f"{method} {analysis.p_value_text or ''}"  # the test's name, or a note after the p: "0.03 (one-sided)"
    if _TWO_SIDED_P.search(text) or _TWO_SIDED_TEST.search(sides):
        return False
    return bool(_ONE_SIDED_P.search(text) or _ONE_SIDED_TEST.search(sides))


def analysis_evidence(analysis: Analysis | None) -> tuple[float, bool] | None:
    """(two-sided p, significant) from the trial's analysis when it decides significance at
    :data:`ALPHA`: a superiority-type hypothesis with a p-value whose qualifier leaves no doubt
    ("< 0.001" yes, "> 0.01" no), and which its own 95% CI does not contradict
    (:func:`contradicts_its_ci`). A p-value the trial says is one-sided (:func:`posts_one_sided_p`)
    is made two-sided, 2 x min(p, 1 - p) (an upper bound "< p" doubles; a lower bound "> p" then
    says nothing): a one-sided 0.04 is no difference at 0.05, and a one-sided 0.97 is one the
    other way. An analysis without a p-value decides by its 95% CI (:func:`ci_evidence`)."""
    if analysis is None or analysis.non_inferiority_type not in SUPERIORITY_TYPES:
        return None
    if analysis.p_value is None:
        return ci_evidence(analysis)
    p, q = analysis.p_value, analysis.p_value_qualifier
    if posts_one_sided_p(analysis):
        if q in (">", ">="):
            return None
        p = min(1.0, 2 * (p if q in ("<", "<=") else min(p, 1 - p)))
    if q in ("<", "<="):
        got = (p, True) if p <= ALPHA else None
    elif q in (">", ">="):
        got = (p, False) if p >= ALPHA else None
    else:
        got = p, p < ALPHA
    if got is None or contradicts_its_ci(analysis, got[1]):
        return None
    return got


def analysis_p_bound(analysis: Analysis | None) -> str | None:
    """The qualifier of the p-value :func:`analysis_evidence` reads from ``analysis`` ("<" for a
    posted "<0.001"), or ``None`` when that p is exact or comes from the CI."""
    if analysis is None or analysis.p_value is None:
        return None
    return analysis.p_value_qualifier


def ci_evidence(analysis: Analysis) -> tuple[float, bool] | None:
    """(two-sided p, significant) from an analysis that posts its estimate and two-sided 95% CI but
    no p-value: significant when "no difference" lies outside the CI, not when inside; p from the
    estimate and the CI (Altman & Bland 2011), on the log scale for a ratio. PALLAS (NCT02513394)
    posts a hazard ratio for death of 1.32 [0.98, 1.78] and no p: no difference. ``None`` when the
    CI's "no difference" is unknown (:func:`_null_value`), a bound is that value itself as rounded
    ("0.75 [0.56, 1.00]"), the estimate lies outside its CI, or p and CI disagree at :data:`ALPHA`.

    Of the 685 shared records' analyses that post both a p-value and a CI this reads, the CI
    decides as the p-value does in 1,069 of 1,074 (a test keeps the figure)."""
    null, lower, upper, estimate = (
        _null_value(analysis.param_type),
        analysis.ci_lower,
        analysis.ci_upper,
        analysis.param_value,
    )
    if null is None or analysis.ci_pct != 95 or analysis.ci_sides not in (None, "TWO_SIDED"):
        return None
    if lower is None or upper is None or estimate is None or not lower < upper or null in (lower, upper):
        return None
    if not lower <= estimate <= upper:
        return None
    if null == 1.0:
        if lower <= 0:
            return None
        lower, upper, estimate, null = math.log(lower), math.log(upper), math.log(estimate), 0.0
    p = sig.wald_z(estimate - null, sig.se_from_ci(lower, upper, 95), 0.0)  # type: ignore[arg-type]
    significant = not lower < null < upper
    if p is None or (p < ALPHA) != significant:
        return None
    return p, significant


def _null_value(param_type: str | None) -> float | None:
    """The value of "no difference" for an analysis's estimate: 1 for a ratio (hazard, odds, risk,
    geometric means), 0 for a difference; ``None`` when the type does not say (a log-scale ratio
    is posted on either scale: NCT00550173's "Hazard Ratio, log" is 0.99 [0.7, 1.4])."""
    text = (param_type or "").lower()
    if "log" in text:
        return None
    if "ratio" in text or "hazard" in text:
        return 1.0
    return 0.0 if "difference" in text else None


def contradicts_its_ci(analysis: Analysis, significant: bool) -> bool:
    """Whether an analysis's own two-sided 95% CI of its estimate clearly says the opposite of its
    p-value: p < 0.05 with "no difference" well inside the CI, or p >= 0.05 with it well outside
    (by more than :data:`ANALYSIS_CI_MARGIN` of the CI's half-width, on the log scale for ratios).
    Such a posting is wrong somewhere (NCT01367860 posts "<0.05" for a mean difference of -0.39
    [-2.21, 1.43]), so it is no evidence; a near miss is two methods that differ (a log-rank p
    beside a Cox CI) and is left alone."""
    null, lower, upper = _null_value(analysis.param_type), analysis.ci_lower, analysis.ci_upper
    if null is None or analysis.ci_pct != 95 or analysis.ci_sides not in (None, "TWO_SIDED"):
        return False
    if lower is None or upper is None or not lower < upper:
        return False
    if null == 1.0:
        if lower <= 0:
            return False
        lower, upper, null = math.log(lower), math.log(upper), 0.0
    margin = ANALYSIS_CI_MARGIN * (upper - lower) / 2
    if significant:
        return lower + margin < null < upper - margin
    return null < lower - margin or null > upper + margin


def proportion(result: ResultInfo, stat: Statistic) -> float | None:
    """The share of participants a count or percentage row stands for, from the row's n."""
    kind = stat.kind
    if kind == "proportion":
        if not result.n or result.n <= 0 or not 0 <= result.value <= result.n or not float(result.value).is_integer():
            return None  # no count out of n, nor a count of people at all ("15.5 participants")
        return result.value / result.n
    if kind == "percentage":
        share = result.value / _per_share(result, stat)
        return share if 0 <= share <= 1 else None
    return None


def _per_share(result: ResultInfo, stat: Statistic) -> float:
    """What a percentage row's numbers are per share of 1: 1 when they are shares already (a
    "proportion" unit, or a CI that fits the value only as a share), else 100."""
    if result.value <= 1 and ("proportion" in (stat.unit or "").lower() or _posted_as_share(result, stat)):
        return 1.0
    return 100.0


def _decimals(value: float) -> int:
    """How many decimals a posted number shows once parsed ("40.0" and "40" both 0, "0.44" 2)."""
    text = repr(float(value))
    if "e" in text:
        return 0 if abs(value) >= 1 else 15
    return len(text.partition(".")[2].rstrip("0"))


def _ci_level(stat: Statistic) -> float | None:
    """The level in percent of the CI a statistic is posted with ("confidence_interval_95" -> 95)."""
    ci = _CI.match(stat.dispersion_type or "")
    return float(ci.group(1).replace("_", ".")) if ci else None


def _exact_width(share: float, n: float | None, level: float) -> float | None:
    """The width of the exact binomial CI of ``share`` x ``n`` participants, as a share of 1."""
    if n is None or n < 1 or not 0 <= share <= 1:
        return None
    exact = sig.exact_binomial_ci(round(share * n), round(n), level)
    return exact[1] - exact[0] if exact is not None and exact[1] > exact[0] else None


def _posted_as_share(result: ResultInfo, stat: Statistic) -> bool:
    """A row of a percentage unit whose value and CI are shares of 1: its CI is far narrower than
    any CI of so few participants as a percentage would be, and fits the value as a share (e.g.
    "Percentage of Participants" 0.4 [0.39, 0.5] of 240: 40%, not 0.4%)."""
    level, lo, hi = _ci_level(stat), result.lower, result.upper
    if level is None or lo is None or hi is None or not 0 <= lo <= result.value <= hi <= 1 or hi == lo:
        return False
    as_share = _exact_width(result.value, result.n, level)
    as_percent = _exact_width(result.value / 100, result.n, level)
    if not as_share or not as_percent:
        return False
    share_ratio, percent_ratio = (hi - lo) / as_share, (hi - lo) / 100 / as_percent
    return percent_ratio < 0.5 and abs(math.log(share_ratio)) < abs(math.log(percent_ratio))


def ci_fits_proportion(result: ResultInfo, stat: Statistic) -> bool:
    """Whether a percentage row's posted CI leaves it testable as x/n: no wider than
    :data:`BINOMIAL_CI_WIDTH_LIMIT` times the exact CI, give or take the rounding of its bounds
    (a row without both bounds cannot tell otherwise)."""
    level, lo, hi = _ci_level(stat), result.lower, result.upper
    if level is None or lo is None or hi is None:
        return True
    per = _per_share(result, stat)
    exact = _exact_width(result.value / per, result.n, level)
    if exact is None:
        return True
    rounding = 10.0 ** -min(_decimals(lo), _decimals(hi)) / per
    return (hi - lo) / per <= BINOMIAL_CI_WIDTH_LIMIT * exact + rounding


def _enough(*ns: float | None) -> bool:
    return all(n is not None and n >= MIN_N_PER_SIDE for n in ns)


def _counts(n: float, low: float, high: float) -> tuple[int, int] | None:
    """The lowest and highest counts out of ``n`` whose share is in [low, high], if any."""
    first = max(0, math.ceil(low * n - 1e-9))
    last = min(round(n), math.floor(high * n + 1e-9))
    return (first, last) if first <= last else None


def _rounding_counts(share: float, n: float, digit: float) -> tuple[int, int]:
    """The lowest and highest counts out of ``n`` that round to a share posted to ``digit``
    (the nearest count when none does)."""
    return _counts(n, share - digit / 2, share + digit / 2) or (round(share * n),) * 2  # type: ignore[return-value]


@lru_cache(maxsize=65536)
def _is_share_of_about(share: float, n: float, digit: float) -> bool:
    """Whether a posted share (last digit ``digit``, as a share; rounded or truncated) is a count
    out of n, or out of a denominator within :data:`DENOMINATOR_TOLERANCE` of n (a row may count a
    few participants fewer than its n)."""
    low, high = share - digit / 2, share + digit * (1 - 1e-6)  # truncated: below the next digit
    if _counts(n, low, high):
        return True
    spread = range(max(1, math.ceil(n * (1 - DENOMINATOR_TOLERANCE))), math.floor(n * (1 + DENOMINATOR_TOLERANCE)) + 1)
    return any(_counts(m, low, high) for m in spread)


def _proportion_test(f: ResultInfo, c: ResultInfo, stat: Statistic) -> TestOutcome | None:
    """Proportions x/n. A percentage is tested only when it is a count out of about the row's n
    (else n is not its denominator: a subgroup's, the participants with a form, an estimate), and it
    is posted rounded, so a difference is significant only when it stays so for the nearest counts
    the two posted values may stand for."""
    pf, pc = proportion(f, stat), proportion(c, stat)
    if pf is None or pc is None or not _enough(f.n, c.n):
        return None
    got = sig.two_proportions(pf * f.n, f.n, pc * c.n, c.n)  # type: ignore[operator]
    effect = sig.cohens_h(pf, pc)
    if got is None or stat.kind != "percentage":
        return TestOutcome(*got, effect) if got else None
    # the finer of the two values' last digits (a parsed "82.0" shows none); a CI may be posted
    # finer than its value ("0.4" [0.31, 0.41]), so the bounds do not count
    digit = 10.0 ** -max(_decimals(f.value), _decimals(c.value)) / _per_share(f, stat)
    if not (_is_share_of_about(pf, f.n, digit) and _is_share_of_about(pc, c.n, digit)):  # type: ignore[arg-type]
        return None
    if got[0] < ALPHA:
        f_counts, c_counts = _rounding_counts(pf, f.n, digit), _rounding_counts(pc, c.n, digit)  # type: ignore[arg-type]
        xf, xc = (f_counts[1], c_counts[0]) if pc > pf else (f_counts[0], c_counts[1])
        if (xc / c.n - xf / f.n) * (pc - pf) <= 0:  # type: ignore[operator]
            return None
        worst = sig.two_proportions(xf, f.n, xc, c.n)  # type: ignore[arg-type]
        if worst is None or worst[0] >= ALPHA:
            return None
    return TestOutcome(*got, effect)


def _welch(f: tuple[float, float, float], c: tuple[float, float, float], method: str) -> TestOutcome | None:
    """Welch's t-test of two sides given as (mean, SD, n), with how far apart they are
    (:func:`_standardized`)."""
    p = sig.welch_t(*f, *c)
    if p is None:
        return None
    return TestOutcome(p, method, _standardized(f, c))


def _standardized(f: tuple[float, float, float], c: tuple[float, float, float]) -> float | None:
    """Cohen's d of two sides given as (mean, SD, n); when one SD is over
    :data:`SIMILAR_SPREAD_RATIO` times the other, the difference in the smaller SD instead, so
    uneven spreads can only set the sides further apart (``None`` when that SD is 0 and the means
    differ: no reading)."""
    low, high = sorted((f[1], c[1]))
    if high <= SIMILAR_SPREAD_RATIO * low:
        return sig.standardized_difference(f[0], f[1], c[0], c[1])
    delta = c[0] - f[0]
    if delta == 0:
        return 0.0
    return delta / low if low > 0 else None


def _ci_scales(value: float, lower: float, upper: float) -> set[str]:
    """The scales on which the value sits near the CI's centre: ``linear``, ``log`` (positive CIs)."""
    scales: set[str] = set()
    if not lower <= value <= upper or upper <= lower:
        return scales
    if abs((upper - value) - (value - lower)) <= CI_SYMMETRY_TOLERANCE * (upper - lower):
        scales.add("linear")
    if lower > 0:
        lv, ll, lu = math.log(value), math.log(lower), math.log(upper)
        if abs((lu - lv) - (lv - ll)) <= CI_SYMMETRY_TOLERANCE * (lu - ll):
            scales.add("log")
    return scales


def _welch_from_ci(f: ResultInfo, c: ResultInfo, level: float, *, log_only: bool) -> TestOutcome | None:
    """Welch's t-test with each side's SD recovered from its CI, on the linear scale when both CIs
    are symmetric about their values, else on the log scale when both are there (or ``log_only``)."""
    if any(r.lower is None or r.upper is None or r.n is None for r in (f, c)):
        return None
    fits = _ci_scales(f.value, f.lower, f.upper) & _ci_scales(c.value, c.lower, c.upper)  # type: ignore[arg-type]
    log = log_only or "linear" not in fits
    if log and (not all(r.lower > 0 and r.value > 0 for r in (f, c)) or (not log_only and "log" not in fits)):  # type: ignore[operator]
        return None
    sides = []
    for r in (f, c):
        lo, hi, v = (math.log(r.lower), math.log(r.upper), math.log(r.value)) if log else (r.lower, r.upper, r.value)  # type: ignore[arg-type]
        se = sig.se_from_ci(lo, hi, level, r.n)  # type: ignore[arg-type]
        if se is None:
            return None
        sides.append((v, se * math.sqrt(r.n), r.n))  # type: ignore[operator]
    return _welch(sides[0], sides[1], "welch_t_log_from_ci" if log else "welch_t_from_ci")


def _positive(*results: ResultInfo) -> bool:
    return all(r.value > 0 for r in results)


def _summary_test(f: ResultInfo, c: ResultInfo, stat: Statistic) -> TestOutcome | None:
    """Welch's t-test for means, geometric means and medians from their posted spread."""
    if not _enough(f.n, c.n):
        return None
    kind, disp, level = stat.kind, stat.dispersion_type, _ci_level(stat)
    if stat.param_type == "least_squares_mean" and disp == "standard_deviation":
        # a model's estimate has no sample SD: what an LS mean posts as one is its standard error
        disp = "standard_error"
    if kind == "mean":
        if disp in ("standard_deviation", "standard_error") and f.spread is not None and c.spread is not None:
            sd_f, sd_c = (
                (f.spread, c.spread)
                if disp == "standard_deviation"
                else (f.spread * math.sqrt(f.n), c.spread * math.sqrt(c.n))  # type: ignore[arg-type]
            )
            return _welch((f.value, sd_f, f.n), (c.value, sd_c, c.n), "welch_t")  # type: ignore[arg-type]
        if level is not None:
            got = _welch_from_ci(f, c, level, log_only=False)
            return replace(got, method=got.method + ("_approx" if "log" in got.method else "")) if got else None
        return None
    if kind == "geometric_mean":
        if not _positive(f, c):
            return None
        if disp == "geometric_cv" and f.spread is not None and c.spread is not None:
            sd_f, sd_c = sig.log_sd_from_geometric_cv(f.spread), sig.log_sd_from_geometric_cv(c.spread)
            if sd_f is None or sd_c is None:
                return None
            return _welch((math.log(f.value), sd_f, f.n), (math.log(c.value), sd_c, c.n), "welch_t_log")  # type: ignore[arg-type]
        if level is not None:
            return _welch_from_ci(f, c, level, log_only=True)
        return None
    if kind == "median":
        if disp in ("interquartile_range", "full_range") and None not in (f.lower, f.upper, c.lower, c.upper):
            quartiles = disp == "interquartile_range"
            if stat.time_to_event or any(
                sig.skewed_summary(r.lower, r.value, r.upper, r.n, quartiles=quartiles) is not False  # type: ignore[arg-type]
                for r in (f, c)
            ):
                return None
            estimate = sig.mean_sd_from_iqr if quartiles else sig.mean_sd_from_range
            ef = estimate(f.lower, f.value, f.upper, f.n)  # type: ignore[arg-type]
            ec = estimate(c.lower, c.value, c.upper, c.n)  # type: ignore[arg-type]
            if ef is None or ec is None:
                return None
            tag = "iqr" if quartiles else "range"
            return _welch((*ef, f.n), (*ec, c.n), f"welch_t_wan2014_{tag}_approx")  # type: ignore[arg-type]
        if level is not None:
            got = _welch_from_ci(f, c, level, log_only=False)
            return replace(got, method=got.method + MEDIAN_FROM_CI) if got else None
    return None


def our_test(f: ResultInfo, c: ResultInfo, stat: Statistic | None) -> TestOutcome | None:
    """Our test of the posted statistic (see the module docstring), or ``None`` when none applies
    (also to a measure analysed in units other than participants, :attr:`Statistic.other_units`)."""
    if stat is None or stat.other_units:
        return None
    if stat.kind == "percentage" and _ci_level(stat) is not None:
        # a posted CI carries the estimate's own uncertainty (a Kaplan-Meier rate, an adjusted
        # rate), which a binomial test of value x n would understate; a CI too asymmetric to read
        # (e.g. an exact interval at 0%) falls back to the proportions only when it is no wider
        # than x/n's own
        from_ci = _summary_test(f, c, replace(stat, param_type="number", unit=None))
        if from_ci is not None:
            return from_ci
        if not (ci_fits_proportion(f, stat) and ci_fits_proportion(c, stat)):
            return None
    if stat.kind == "percentage" and stat.kaplan_meier:
        return None  # a Kaplan-Meier rate under censoring is no count out of n (a count still is)
    if stat.kind in ("proportion", "percentage"):
        return _proportion_test(f, c, stat)
    return _summary_test(f, c, stat)


def _far_apart(
    test: TestOutcome | None,
    analysis: Analysis | None,
    stat: Statistic | None,
    values: tuple[float, float],
    shares: tuple[float, float] | None,
) -> bool:
    """Whether the two sides are not shown to be close: they lie at least :data:`SIMILAR_EFFECT_LIMIT`
    apart by any reading we have, or we have none. The readings: our test's effect (Cohen's d or h);
    the ratio the trial's analysis estimates; the difference of means it estimates, in the SDs of
    our test (NCT00855582 posts LS means of -0.5 and -0.6 on a nocturia item, rounded, beside an
    estimated difference of -0.2: d of 0.09 and 0.19); for two positive medians or geometric means, their own
    ratio (under exponential survival, the hazard ratio two medians imply), each ratio as Chinn's d
    (:func:`ctpairs.significance.d_from_log_ratio`: outside about 0.83-1.20); and Cohen's h of two
    proportions (``shares``, a Kaplan-Meier rate too), with their odds ratio as Chinn's d when both
    are under :data:`RARE_SHARE`, unless the two shares are under
    :data:`SIMILAR_SHARE_DIFFERENCE` apart. NCT02352948's median PFS of 3.5 and 3.5 months is far
    apart under the trial's hazard ratio of 0.77; NCT00783705's median changes in MPO of -1.15 and
    -3.46 ng/mL (skewed, so untested, and no ratio) are not shown close by anything, whatever the
    trial's p of 0.06."""
    if shares is not None and abs(shares[1] - shares[0]) < SIMILAR_SHARE_DIFFERENCE:
        return False
    effects = [test.effect if test is not None else None]
    if analysis is not None and analysis.param_value is not None:
        null, estimate = _null_value(analysis.param_type), analysis.param_value
        if null == 1.0:
            effects.append(sig.d_from_log_ratio(estimate))
        elif null == 0.0 and test is not None and test.effect and stat is not None and stat.kind == "mean":
            # the trial's difference in our test's SD units (test.effect is d of the posted difference)
            effects.append(test.effect * estimate / (values[1] - values[0]))
    if stat is not None and stat.kind in ("median", "geometric_mean") and min(values) > 0:
        effects.append(sig.d_from_log_ratio(values[1] / values[0]))
    if shares is not None:
        effects.append(sig.cohens_h(*shares))
        if all(0 < p < RARE_SHARE for p in shares):  # near 0% h reads a doubling as small
            effects.append(sig.d_from_log_ratio(shares[1] * (1 - shares[0]) / (shares[0] * (1 - shares[1]))))
    readings = [abs(e) for e in effects if e is not None]
    return not readings or max(readings) >= SIMILAR_EFFECT_LIMIT


def compute_label(
    factual: ResultInfo,
    counterfactual: ResultInfo,
    stat: Statistic | None,
    analysis: Analysis | None = None,
    *,
    same_group: bool = False,
) -> Label:
    """Label the move from ``factual`` to ``counterfactual``.

    ``stat`` is the posted statistic when both sides post the same one (else ``None``: no test);
    ``analysis`` the trial's own analysis of exactly these two groups on this row, if any;
    ``same_group`` marks two observations of one group (see the module docstring).
    """
    compared = "proportion" if stat is not None and stat.kind in ("proportion", "percentage") else "value"
    if compared == "proportion":
        pf, pc = proportion(factual, stat), proportion(counterfactual, stat)  # type: ignore[arg-type]
        if pf is None or pc is None:
            compared, delta, base = "count", counterfactual.value - factual.value, factual.value
        else:
            delta, base = pc - pf, pf
    else:
        delta, base = counterfactual.value - factual.value, factual.value
    relative = delta / abs(base) if base else None

    test = our_test(factual, counterfactual, stat) if compared != "count" else None
    test_method = None
    if test is not None:
        test_method = test.method + ("_same_group" if same_group else "")
    trial = analysis_evidence(analysis)
    if trial is not None:
        method, (p_value, significant) = METHOD_TRIAL, trial
    elif test is not None:
        method, p_value, significant = test_method, test.p_value, test.p_value < ALPHA  # type: ignore[assignment]
    else:
        method, p_value, significant = METHOD_NONE, None, None

    if compared == "count" or significant is None or (significant and delta == 0):
        direction = INDETERMINATE
    elif significant:
        direction = "higher" if delta > 0 else "lower"
    elif method != METHOD_TRIAL and test is not None and test.method.endswith(MEDIAN_FROM_CI):
        direction = INDETERMINATE  # a median test that finds nothing does not show the curves alike
    elif _far_apart(
        test,
        analysis if method == METHOD_TRIAL else None,
        stat,
        (factual.value, counterfactual.value),
        (pf, pc) if compared == "proportion" else None,
    ):
        direction = INDETERMINATE  # not shown to differ, but not alike either
    else:
        direction = "similar"
    verifiable = direction != INDETERMINATE
    if not verifiable:
        method, significant, p_value = METHOD_NONE, None, None
    return Label(
        direction=direction,
        delta=delta,
        relative_delta=relative,
        significant=significant,
        p_value=p_value,
        method=method,  # type: ignore[arg-type]
        test_p_value=test.p_value if test else None,
        test_method=test_method,
        p_value_bound=analysis_p_bound(analysis) if method == METHOD_TRIAL else None,
        statistic=compared if compared != "value" else (stat.kind if stat else "value"),
        verifiable=verifiable,
    )
