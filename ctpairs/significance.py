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
- Shi, J., Luo, D., Wan, X., Liu, Y., Liu, J., Bian, Z. & Tong, T. (2023). Detecting the skewness of
  data from the five-number summary and its application in meta-analysis. *Stat Methods Med Res*
  (arXiv:2010.05749): the tests for the two scenarios Wan's method covers and their
  5% critical values, fitted by simulation in the paper. (:func:`skewed_summary`)
- Kirkwood, T. B. L. (1979). Geometric means and measures of dispersion. *Biometrics* 35, 908-909:
  the geometric CV is ``sqrt(exp(s²) - 1)`` for a log-scale SD ``s``. (:func:`log_sd_from_geometric_cv`)
- Clopper, C. J. & Pearson, E. S. (1934). The use of confidence or fiducial limits illustrated in the
  case of the binomial. *Biometrika* 26, 404-413. (:func:`exact_binomial_ci`)
- Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences*, 2nd ed.: the
  standardized effects d and h and their "small" size, 0.2. (:func:`standardized_difference`,
  :func:`cohens_h`)
- Chinn, S. (2000). A simple method for converting an odds ratio to effect size for use in
  meta-analysis. *Stat Med* 19, 3127-3131. (:func:`d_from_log_ratio`)
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
    """Two-sided p of Welch's unequal-variance t-test from two means, SDs and ns (Welch 1947).

    The arithmetic is :func:`scipy.stats.ttest_ind_from_stats` (``equal_var=False``) step for step,
    on Python floats, with the t distribution's survival function from :mod:`scipy.special`: the same
    p to the last bit (a test checks it) without the array machinery, which cost more than the test.
    """
    from scipy import special

    if not _finite(m1, sd1, n1, m2, sd2, n2) or n1 < 2 or n2 < 2 or sd1 < 0 or sd2 < 0:
        return None
    if sd1 == 0 and sd2 == 0:
        return None
    vn1, vn2 = sd1 * sd1 / n1, sd2 * sd2 / n2  # as numpy squares an array: x * x
    if vn1 + vn2 == 0:  # both spreads underflow
        return None
    weights = vn1**2 / (n1 - 1) + vn2**2 / (n2 - 1)
    df = (vn1 + vn2) ** 2 / weights if weights else math.inf  # Welch-Satterthwaite
    t = (m1 - m2) / math.sqrt(vn1 + vn2)
    p = float(2 * special.stdtr(df, -abs(t)))
    return p if math.isfinite(p) else None


def _normal_two_sided(z: float) -> float:
    """``2 * scipy.stats.norm.sf(|z|)``, through :func:`scipy.special.ndtr` as ``norm.sf`` does."""
    from scipy import special

    return float(2 * special.ndtr(-abs(z)))


def wald_z(difference: float, se1: float, se2: float) -> float | None:
    """Two-sided p of a Wald z-test of a difference of two independent estimates with known SEs."""
    if not _finite(difference, se1, se2) or se1 < 0 or se2 < 0 or (se1 == 0 and se2 == 0):
        return None
    return _normal_two_sided(difference / math.hypot(se1, se2))


@lru_cache(maxsize=4096)
def critical_value(level_pct: float, n: float | None = None) -> float | None:
    """The two-sided quantile of a ``level_pct`` % interval: Student's t on ``n - 1`` degrees of
    freedom when ``n`` is known (n ≥ 2), else the standard normal."""
    from scipy import special

    if not _finite(level_pct) or not 0 < level_pct < 100:
        return None
    upper_tail = 1 - (1 - level_pct / 100) / 2
    # scipy.special's quantiles are what scipy.stats.t.ppf and norm.ppf call, without their overhead
    if n is not None and math.isfinite(n) and n >= 2:
        return float(special.stdtrit(n - 1, upper_tail))
    return float(special.ndtri(upper_tail))


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
    from scipy import special

    if not _finite(q1, median, q3, n) or n < 2 or q3 < q1:
        return None
    denominator = 2 * special.ndtri((0.75 * n - 0.125) / (n + 0.25))
    return (q1 + median + q3) / 3, (q3 - q1) / denominator


def mean_sd_from_range(low: float, median: float, high: float, n: float) -> tuple[float, float] | None:
    """Approximate mean and SD from the median and full range (Wan et al. 2014, eqs. 7 and 9):
    mean ≈ (a + 2m + b) / 4, SD ≈ (b - a) / (2 Φ⁻¹((n - 0.375) / (n + 0.25)))."""
    from scipy import special

    if not _finite(low, median, high, n) or n < 2 or high < low:
        return None
    denominator = 2 * special.ndtri((n - 0.375) / (n + 0.25))
    return (low + 2 * median + high) / 4, (high - low) / denominator


def skewed_summary(low: float, median: float, high: float, n: float, *, quartiles: bool) -> bool | None:
    """Whether a median posted with its full range (``quartiles=False``) or its quartiles
    (``quartiles=True``) comes from skewed data, by the test of Shi et al. (2023) at the 5% level:
    ``T = (low + high - 2 median) / (high - low)`` against ``1 / ln(n + 9) + 2.5 / (n + 1)`` for a
    range, ``2.65 / sqrt(n) - 6 / n²`` for quartiles. Wan's mean and SD assume normal data, so a
    skewed summary cannot feed them. ``None`` when the numbers cannot be read (n below 3, high below
    low, a median outside its bounds, a zero-width range)."""
    if not _finite(low, median, high, n) or n < 3 or not low <= median <= high or high == low:
        return None
    statistic = abs(low + high - 2 * median) / (high - low)
    critical = 2.65 / math.sqrt(n) - 6 / n**2 if quartiles else 1 / math.log(n + 9) + 2.5 / (n + 1)
    return statistic > critical


def exact_binomial_ci(x: int, n: int, level_pct: float) -> tuple[float, float] | None:
    """The Clopper-Pearson (exact) two-sided ``level_pct`` % interval of a proportion ``x / n``, as
    ``scipy.stats.binomtest(x, n).proportion_ci(level, "exact")`` gives it (a test checks it), from
    the beta quantiles directly."""
    from scipy import special

    if not _finite(level_pct) or not 0 < level_pct < 100 or n < 1 or not 0 <= x <= n:
        return None
    alpha = 1 - level_pct / 100
    lower = float(special.betaincinv(x, n - x + 1, alpha / 2)) if x > 0 else 0.0
    upper = float(special.betaincinv(x + 1, n - x, 1 - alpha / 2)) if x < n else 1.0
    return lower, upper


def standardized_difference(m1: float, sd1: float, m2: float, sd2: float) -> float | None:
    """Cohen's d of ``m2 - m1`` over the root mean square of the two SDs (Cohen 1988, §2.3: 0.2 is
    a small effect); ``None`` when both SDs are zero."""
    if not _finite(m1, sd1, m2, sd2) or sd1 < 0 or sd2 < 0 or (sd1 == 0 and sd2 == 0):
        return None
    return (m2 - m1) / math.sqrt((sd1**2 + sd2**2) / 2)


def cohens_h(p1: float, p2: float) -> float | None:
    """Cohen's h of two proportions, ``2 asin(sqrt(p2)) - 2 asin(sqrt(p1))`` (Cohen 1988, §6.2: 0.2
    is a small effect)."""
    if not _finite(p1, p2) or not (0 <= p1 <= 1 and 0 <= p2 <= 1):
        return None
    return 2 * math.asin(math.sqrt(p2)) - 2 * math.asin(math.sqrt(p1))


def d_from_log_ratio(ratio: float) -> float | None:
    """Cohen's d of a ratio estimate, ``ln(ratio) * sqrt(3) / pi`` (Chinn 2000, for an odds ratio;
    read the same way for a hazard or risk ratio, which it approximates when events are not common);
    ``None`` for a ratio that is not positive."""
    if not _finite(ratio) or ratio <= 0:
        return None
    return math.log(ratio) * math.sqrt(3) / math.pi


def two_proportions(x1: float, n1: float, x2: float, n2: float) -> tuple[float, str] | None:
    """Two-sided p comparing x1/n1 with x2/n2, and the test used: Fisher's exact test when any expected
    cell count is under :data:`MIN_EXPECTED_FOR_Z`, else the pooled two-proportion z-test."""
    if not _finite(x1, n1, x2, n2) or n1 < 1 or n2 < 1 or not (0 <= x1 <= n1 and 0 <= x2 <= n2):
        return None
    a, b = round(x1), round(x2)
    total = n1 + n2
    successes = a + b
    expected = [n * s / total for n in (n1, n2) for s in (successes, total - successes)]
    if min(expected) < MIN_EXPECTED_FOR_Z:
        return fisher_exact(a, round(n1) - a, b, round(n2) - b), "fisher_exact"
    p_pool = successes / total
    se = math.sqrt(p_pool * (1 - p_pool) * (1 / n1 + 1 / n2))
    return _normal_two_sided((a / n1 - b / n2) / se), "two_proportion_z"


@lru_cache(maxsize=65536)
def fisher_exact(a: int, b: int, c: int, d: int) -> float:
    """Two-sided p of Fisher's exact test of the 2x2 table ``[[a, b], [c, d]]``, cached: small tables
    recur across a registry's rows of adverse events and responders.

    The arithmetic is :func:`scipy.stats.fisher_exact`'s (scipy 1.17) step for step: the same
    hypergeometric pmf, cdf and sf and the same search for the other tail, but with the pmf
    evaluated once over the whole support instead of once per step of the search, and through the
    distribution's own ``_pmf``/``_cdf``/``_sf`` (the hooks ``rv_discrete`` subclasses define; the
    public methods add argument checks and broadcasting that cost 20 times the arithmetic on these
    valid integer tables). The same p to the last bit (a property test checks it against scipy)."""
    import numpy as np
    from scipy.stats import hypergeom

    n1, n2, n = a + b, c + d, a + c
    total = n1 + n2
    if 0 in (n1, n2, n, b + d):  # a row or a column of zeros
        return 1.0
    low, high = max(n - n2, 0), min(n1, n)  # the support; rv_discrete's methods are 0 or 1 outside it

    def cdf(k: int) -> float:
        return 0.0 if k < low else 1.0 if k >= high else np.clip(hypergeom._cdf(k, total, n1, n), 0, 1)

    def sf(k: int) -> float:
        return 1.0 if k < low else 0.0 if k >= high else np.clip(hypergeom._sf(k, total, n1, n), 0, 1)

    pmf = np.zeros(n + 1)  # over 0..n, as scipy's search indexes it
    pmf[low : high + 1] = np.clip(hypergeom._pmf(np.arange(low, high + 1), total, n1, n), 0, 1)
    mode = int((n + 1) * (n1 + 1) / (total + 2))
    exact, at_mode = pmf[a], pmf[mode]
    gamma = 1 + 1e-14
    if abs(exact - at_mode) / max(exact, at_mode) <= 1e-14:
        return 1.0
    if a < mode:
        lower = cdf(a)
        if pmf[n] > exact * gamma:
            return float(min(lower, 1.0))
        other = _search(-pmf, -exact * gamma, mode, n)
        p = lower + sf(other)
    else:
        upper = sf(a - 1)
        if pmf[0] > exact * gamma:
            return float(min(upper, 1.0))
        other = _search(pmf, exact * gamma, 0, mode)
        p = upper + cdf(other)
    return float(min(p, 1.0))


def _search(values, target: float, lo: int, hi: int) -> int:
    """scipy's binary search for the other tail of a two-sided test, on precomputed ``values``
    ascending from ``lo`` to ``hi``: the index i with ``values[i] <= target < values[i + 1]``."""
    while lo < hi:
        mid = lo + (hi - lo) // 2
        if values[mid] < target:
            lo = mid + 1
        elif values[mid] > target:
            hi = mid - 1
        else:
            return mid
    return lo if values[lo] <= target else lo - 1
