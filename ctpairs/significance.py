"""Two-sample tests from posted summary statistics: every formula the labels use, in one place.

Each function takes what a results table posts (a value, a spread, an n) and returns a two-sided
p-value from :mod:`scipy.stats`; none of them decides *which* test fits a measure (that is
:mod:`ctpairs.labels`). ``None`` means the numbers cannot support the test (a zero spread, an n
below two, a count above its denominator...): callers treat that as "no test", never as p = 1.

References
----------
- Welch, B. L. (1947). The generalization of "Student's" problem when several different population
  variances are involved. *Biometrika* 34, 28-35. (:func:`welch_t`)
- Altman, D. G. & Bland, J. M. (2011). How to obtain the confidence interval from a P value / the P
  value from a confidence interval. *BMJ* 343, d2090 and d2304. (:func:`se_from_ci`, :func:`wald_z`)
- Wan, X., Wang, W., Liu, J. & Tong, T. (2014). Estimating the sample mean and standard deviation from
  the sample size, median, range and/or interquartile range. *BMC Med Res Methodol* 14, 135.
  (:func:`mean_sd_from_iqr`, :func:`mean_sd_from_range`)
- Kirkwood, T. B. L. (1979). Geometric means and measures of dispersion. *Biometrics* 35, 908-909:
  the geometric CV is ``sqrt(exp(s²) - 1)`` for a log-scale SD ``s``. (:func:`log_sd_from_geometric_cv`)
- Fisher, R. A. (1935). The logic of inductive inference. *J R Stat Soc* 98, 39-82; and the pooled
  two-proportion z-test (Agresti, *Categorical Data Analysis*, 3rd ed., 2013, §3.1; identical to
  Pearson's chi-squared test of a 2x2 table without continuity correction). (:func:`two_proportions`)
"""

from __future__ import annotations

import math
from functools import lru_cache

MIN_EXPECTED_FOR_Z = 5.0
"""Below this expected count in any cell of the 2x2 table, proportions get Fisher's exact test."""


def _finite(*values: float | None) -> bool:
    return all(v is not None and math.isfinite(v) for v in values)


def welch_t(m1: float, sd1: float, n1: float, m2: float, sd2: float, n2: float) -> float | None:
    """Two-sided p of Welch's unequal-variance t-test from two means, SDs and ns (Welch 1947)."""
    from scipy import stats

    if not _finite(m1, sd1, n1, m2, sd2, n2) or n1 < 2 or n2 < 2 or sd1 < 0 or sd2 < 0:
        return None
    if sd1 == 0 and sd2 == 0:
        return None
    result = stats.ttest_ind_from_stats(m1, sd1, n1, m2, sd2, n2, equal_var=False)
    p = float(result.pvalue)
    return p if math.isfinite(p) else None


def wald_z(difference: float, se1: float, se2: float) -> float | None:
    """Two-sided p of a Wald z-test of a difference of two independent estimates with known SEs."""
    from scipy import stats

    if not _finite(difference, se1, se2) or se1 < 0 or se2 < 0 or (se1 == 0 and se2 == 0):
        return None
    z = difference / math.hypot(se1, se2)
    return float(2 * stats.norm.sf(abs(z)))


@lru_cache(maxsize=4096)
def critical_value(level_pct: float, n: float | None = None) -> float | None:
    """The two-sided quantile of a ``level_pct`` % interval: Student's t on ``n - 1`` degrees of
    freedom when ``n`` is known (n ≥ 2), else the standard normal."""
    from scipy import stats

    if not _finite(level_pct) or not 0 < level_pct < 100:
        return None
    upper_tail = 1 - (1 - level_pct / 100) / 2
    if n is not None and math.isfinite(n) and n >= 2:
        return float(stats.t.ppf(upper_tail, n - 1))
    return float(stats.norm.ppf(upper_tail))


def se_from_ci(lower: float, upper: float, level_pct: float, n: float | None = None) -> float | None:
    """Standard error from a symmetric two-sided confidence interval: half its width over the critical
    value (Altman & Bland 2011)."""
    q = critical_value(level_pct, n)
    if q is None or not _finite(lower, upper) or upper < lower:
        return None
    return (upper - lower) / (2 * q)


def log_sd_from_geometric_cv(cv_pct: float) -> float | None:
    """Log-scale SD from a geometric coefficient of variation in percent: ``sqrt(ln(1 + CV²))``
    (Kirkwood 1979)."""
    if not _finite(cv_pct) or cv_pct < 0:
        return None
    return math.sqrt(math.log1p((cv_pct / 100) ** 2))


def mean_sd_from_iqr(q1: float, median: float, q3: float, n: float) -> tuple[float, float] | None:
    """Approximate mean and SD from the median and interquartile range (Wan et al. 2014, eqs. 14-16):
    mean ≈ (q1 + m + q3) / 3, SD ≈ (q3 - q1) / (2 Φ⁻¹((0.75n - 0.125) / (n + 0.25)))."""
    from scipy import stats

    if not _finite(q1, median, q3, n) or n < 2 or q3 < q1:
        return None
    denominator = 2 * stats.norm.ppf((0.75 * n - 0.125) / (n + 0.25))
    return (q1 + median + q3) / 3, (q3 - q1) / denominator


def mean_sd_from_range(low: float, median: float, high: float, n: float) -> tuple[float, float] | None:
    """Approximate mean and SD from the median and full range (Wan et al. 2014, eqs. 7 and 9):
    mean ≈ (a + 2m + b) / 4, SD ≈ (b - a) / (2 Φ⁻¹((n - 0.375) / (n + 0.25)))."""
    from scipy import stats

    if not _finite(low, median, high, n) or n < 2 or high < low:
        return None
    denominator = 2 * stats.norm.ppf((n - 0.375) / (n + 0.25))
    return (low + 2 * median + high) / 4, (high - low) / denominator


def two_proportions(x1: float, n1: float, x2: float, n2: float) -> tuple[float, str] | None:
    """Two-sided p comparing x1/n1 with x2/n2, and the test used: Fisher's exact test when any expected
    cell count is under :data:`MIN_EXPECTED_FOR_Z`, else the pooled two-proportion z-test."""
    from scipy import stats

    if not _finite(x1, n1, x2, n2) or n1 < 1 or n2 < 1 or not (0 <= x1 <= n1 and 0 <= x2 <= n2):
        return None
    a, b = round(x1), round(x2)
    table = [[a, round(n1) - a], [b, round(n2) - b]]
    total = n1 + n2
    successes = a + b
    expected = [n * s / total for n in (n1, n2) for s in (successes, total - successes)]
    if min(expected) < MIN_EXPECTED_FOR_Z:
        return float(stats.fisher_exact(table).pvalue), "fisher_exact"
    p_pool = successes / total
    se = math.sqrt(p_pool * (1 - p_pool) * (1 / n1 + 1 / n2))
    z = (a / n1 - b / n2) / se
    return float(2 * stats.norm.sf(abs(z))), "two_proportion_z"
