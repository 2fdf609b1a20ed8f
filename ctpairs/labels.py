"""How the counterfactual result moved against the factual one: the pair's verifiable label.

Significance is decided, in order of preference, by
1. ``trial_analysis``: the trial's own posted analysis of exactly these two groups (p < 0.05);
2. ``z_test_from_spread``: a two-sided Wald z-test from each side's spread and n, when the spread
   is a standard deviation, a standard error or a 95% confidence interval;
3. ``relative_threshold``: otherwise ``similar`` when the relative change is under
   :data:`SIMILAR_RELATIVE_THRESHOLD` (significance unknown, ``None``).
A difference that is not significant is labelled ``similar``.
"""

from __future__ import annotations

import math

from ctpairs.model.trial import Analysis
from ctpairs.schema import Label, ResultInfo

ALPHA = 0.05
SIMILAR_RELATIVE_THRESHOLD = 0.05
_Z95 = 1.959963984540054


def standard_error(result: ResultInfo, dispersion_type: str | None) -> float | None:
    """Standard error of a result from its posted spread, or ``None`` when it cannot be derived."""
    if dispersion_type == "standard_error" and result.spread is not None:
        return result.spread
    if dispersion_type == "standard_deviation" and result.spread is not None and result.n and result.n > 0:
        return result.spread / math.sqrt(result.n)
    if dispersion_type == "confidence_interval_95" and result.lower is not None and result.upper is not None:
        return (result.upper - result.lower) / (2 * _Z95)
    return None


def analysis_p_value(analysis: Analysis) -> tuple[float, bool | None] | None:
    """(p, significant) from a posted analysis; significant is ``None`` when the qualifier leaves it open
    (e.g. "> 0.01"), and the whole is ``None`` when the analysis has no p-value."""
    if analysis.p_value is None:
        return None
    p, q = analysis.p_value, analysis.p_value_qualifier
    if q in ("<", "<="):
        return p, p <= ALPHA
    if q in (">", ">="):
        return p, False if p >= ALPHA else None
    return p, p < ALPHA


def compute_label(
    factual: ResultInfo,
    counterfactual: ResultInfo,
    dispersion_type: str | None,
    analysis: Analysis | None = None,
) -> Label:
    """Label the move from ``factual`` to ``counterfactual`` (see the module docstring)."""
    delta = counterfactual.value - factual.value
    relative = delta / abs(factual.value) if factual.value else None
    significant: bool | None = None
    p_value: float | None = None
    method = "relative_threshold"

    posted = analysis_p_value(analysis) if analysis else None
    if posted is not None and posted[1] is not None:
        p_value, significant = posted
        method = "trial_analysis"
    else:
        se_f = standard_error(factual, dispersion_type)
        se_c = standard_error(counterfactual, dispersion_type)
        if se_f is not None and se_c is not None and (se_f > 0 or se_c > 0):
            z = delta / math.sqrt(se_f**2 + se_c**2)
            p_value = math.erfc(abs(z) / math.sqrt(2))
            significant = p_value < ALPHA
            method = "z_test_from_spread"

    if delta == 0:
        direction = "similar"
    elif significant is None:
        small = relative is not None and abs(relative) < SIMILAR_RELATIVE_THRESHOLD
        direction = "similar" if small else ("higher" if delta > 0 else "lower")
    else:
        direction = ("higher" if delta > 0 else "lower") if significant else "similar"
    return Label(direction, delta, relative, significant, p_value, method)
