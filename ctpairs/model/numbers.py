"""Reading the numbers and enumerations the registry posts as text."""

from __future__ import annotations

import math
import re

_STATED_N = re.compile(r"\bn\s*=\s*(\d+(?:\s*[,;]\s*(?:n\s*=\s*)?\d+)*)", re.IGNORECASE)
_COUNTS = re.compile(
    r"\(?\s*\bn\s*=\s*\d+(?:\s*[,;/]\s*(?:n\s*=\s*)?\d+)*\s*\)?|\(\s*\d+\s+(?:participants|patients|subjects)\s*\)",
    re.IGNORECASE,
)
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_QUALIFIED = re.compile(r"^\s*(<=|>=|≤|≥|<|>|=)?\s*(.+?)\s*$")
_P_NOTE = re.compile(r"\s*(?:\([^()]*\)|\*+)\s*$")
_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute)s?\s*$", re.IGNORECASE)
_AGE_IN_YEARS = {
    "year": 1.0,
    "month": 1 / 12,
    "week": 7 / 365.25,
    "day": 1 / 365.25,
    "hour": 1 / 8766,
    "minute": 1 / 525960,
}


def parse_number(text: str | int | float | None) -> float | None:
    """Parse a posted number: "14.1", ".0003", "26,300", "1e-5"; "NA" and blanks give ``None``.

    Thousands separators are removed only where they sit between groups of three digits,
    so "1,5" (a decimal comma, which the registry does not use) is refused rather than misread.
    """
    if text is None:
        return None
    if isinstance(text, (int, float)):
        return float(text)
    s = text.strip()
    if "," in s:
        if not _THOUSANDS.fullmatch(s):
            return None
        s = s.replace(",", "")
    try:
        value = float(s)
    except ValueError:
        return None
    # float() also reads "nan", "inf" and "1_000", none of which is a posted number
    return value if math.isfinite(value) and "_" not in s else None


def parse_qualified_number(text: str | None) -> tuple[float | None, str | None]:
    """Parse a p-value-like text such as "<0.001", "= 0.03", ">.05": (number, qualifier or None)."""
    if text is None:
        return None, None
    m = _QUALIFIED.match(_P_NOTE.sub("", text))  # "0.03 (two-sided)", "0.049*": the note is read apart
    if not m:
        return None, None
    qualifier = {"≤": "<=", "≥": ">=", "=": None}.get(m.group(1) or "", m.group(1) or None)
    return parse_number(m.group(2)), qualifier


def parse_age_years(text: str | None) -> float | None:
    """ "18 Years" -> 18.0, "6 Months" -> 0.5; ``None`` when absent or unreadable."""
    if not text:
        return None
    m = _AGE.match(text)
    if not m:
        return None
    return round(float(m.group(1)) * _AGE_IN_YEARS[m.group(2).lower()], 4)


def normalize_enum(text: str | None) -> str | None:
    """ "LEAST_SQUARES_MEAN" / "Least Squares Mean" -> "least_squares_mean"."""
    if not text:
        return None
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_") or None


def normalize_unit(text: str | None) -> str:
    """A unit of measure as two postings of it compare: stripped and casefolded ("Units on a Scale"
    and "units on a scale" are one unit); "" for none."""
    return (text or "").strip().casefold()


def normalize_dispersion(text: str | None) -> str | None:
    """Normalize a dispersion type: "95% Confidence Interval" -> "confidence_interval_95",
    "Standard Error" -> "standard_error", "Inter-Quartile Range" -> "interquartile_range"."""
    if not text:
        return None
    m = re.match(r"^\s*(\d+(?:\.\d+)?)\s*%\s*confidence interval", text, re.IGNORECASE)
    if m:
        return "confidence_interval_" + m.group(1).replace(".", "_")
    norm = normalize_enum(text)
    return {
        "inter_quartile_range": "interquartile_range",
        "geometric_coefficient_of_variation": "geometric_cv",
    }.get(norm or "", norm)


def without_counts(text: str) -> str:
    """``text`` with its statements of how many were analysed taken out ("Week 8 (n=172, 187)",
    "Drug X 100 mg (N=20)", "Placebo (21 participants)"): a count says how many, not who or when."""
    return _COUNTS.sub(" ", text)


def stated_group_ns(title: str | None) -> list[float]:
    """The participant counts a row title states for its groups, in group order:
    "Week 8 Change (n=172, 187, 171)" -> [172, 187, 171]; "Hemoptysis: C2D1(n= 336, 359)" -> [336, 359];
    "<=day12 (TNA: n=827; n=730; n=711)" -> [827, 730, 711]; no statement -> []. Two separate
    statements in one title ("n=30 ... n=12, 14") are ambiguous and give []."""
    if not title:
        return []
    found = _STATED_N.findall(title)
    if len(found) != 1:
        return []
    return [float(x) for x in re.findall(r"\d+", found[0])]
