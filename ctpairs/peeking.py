"""The no-peeking check: does a completion state a number only the counterfactual side knows?

A completion (a rendered target, or a teacher's reasoning trace) must reason from what the prompt
shows. It *peeks* when it contains a counterfactual-side value that the prompt does not show:

* the counterfactual result (``value``), its ``spread``, interval bounds (``lower``, ``upper``) and
  ``n``, as posted or rounded (``41.88`` as ``41.9`` or ``42``);
* the difference (``label.delta``, on the compared statistic, and the difference of the posted
  values) and the fold change (counterfactual / factual), as posted or rounded;
* for a count of participants (as the labels read one: a count, or a number whose unit is
  participants), the counterfactual proportion as a percentage (``5 of 15`` as ``33%``);
* the percentage change (``label.relative_delta`` x 100), as posted or rounded, when written as a
  percentage (``15.7%``, ``16 percent``).

Numbers are compared by magnitude (``-3.2`` and ``3.2 lower`` are the same peek). A rounded form
counts only when it keeps at least :data:`MIN_ROUNDED_DIGITS` significant digits (``42`` for 41.88,
not ``40``); the exact posted form always counts. A number that is also a number of the prompt, or
a rounding of one by the same rule, is never a peek: the prompt shows it (an enrollment of 42, the
factual 42.3 written as 42).

:func:`find_peeks` lists the peeks of a text; :func:`check_no_peek` raises :class:`PeekError` on the
first. The packager runs it on every default-template completion, the trace filter on every trace.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ctpairs.errors import PeekError
from ctpairs.labels import Statistic

MIN_ROUNDED_DIGITS = 2

_NUMBER = re.compile(
    r"(?<![\w.])(?P<digits>(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?)(?:\s*(?P<pct>%|percent\b|per cent\b))?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Number:
    """A number as written in a text: its magnitude, decimals, significant digits, and whether a
    percent sign (or the word) follows it."""

    text: str
    value: float
    decimals: int
    digits: int
    percent: bool


@dataclass(frozen=True)
class Peek:
    """A number of a completion that gives away a counterfactual-side value."""

    text: str  # as written in the completion
    field: str  # which value: counterfactual.result.value, label.delta, label.relative_delta, ...
    value: float  # the value it gives away


def numbers(text: str) -> list[Number]:
    """Every number written in ``text`` (digits with an optional thousands separator, decimal
    part and following ``%``/``percent``), by magnitude; digits inside words (NCT ids) are not numbers."""
    found = []
    for m in _NUMBER.finditer(text):
        raw = m.group(0)
        digits_text = m.group("digits").replace(",", "")
        decimals = len(digits_text.split(".")[1]) if "." in digits_text else 0
        significant = len(digits_text.replace(".", "").lstrip("0")) or 1
        found.append(Number(raw.strip(), float(digits_text), decimals, significant, m.group("pct") is not None))
    return found


def secrets(row: Mapping[str, Any]) -> list[tuple[str, float, bool]]:
    """The counterfactual-side values of a pair row: (field, magnitude, percent only)."""
    result, label = row["counterfactual"]["result"], row["label"]
    out: list[tuple[str, float, bool]] = [
        (f"counterfactual.result.{name}", abs(result[name]), False)
        for name in ("value", "spread", "lower", "upper", "n")
        if result.get(name) is not None
    ]
    if label.get("delta") is not None:
        out.append(("label.delta", abs(label["delta"]), False))
    factual = row["factual"]["result"]["value"]
    out.append(("counterfactual - factual", abs(result["value"] - factual), False))
    if factual:
        out.append(("counterfactual/factual", abs(result["value"] / factual), False))
    outcome = row["counterfactual"]["outcome"]
    statistic = Statistic(outcome.get("param_type"), outcome.get("dispersion_type"), outcome.get("unit"))
    if statistic.kind == "proportion" and result.get("n"):
        out.append(("counterfactual proportion", 100 * abs(result["value"]) / result["n"], True))
    if label.get("relative_delta") is not None:
        out.append(("label.relative_delta", abs(label["relative_delta"]) * 100, True))
    return [s for s in out if math.isfinite(s[1])]


def _rounds_to(number: Number, value: float) -> bool:
    return math.isclose(round(value, number.decimals), number.value, rel_tol=1e-9, abs_tol=1e-12)


def _exact(number: Number, value: float) -> bool:
    """``number`` writes ``value`` with all its digits (``41.88``, ``41.880``)."""
    return _rounds_to(number, value) and math.isclose(round(value, max(number.decimals, 12)), number.value)


def _magnitudes(text: str) -> list[float]:
    """The magnitudes of the numbers written in ``text``: what :func:`numbers` reads, and no more."""
    return [float(m.group("digits").replace(",", "")) for m in _NUMBER.finditer(text)]


def _shown(number: Number, prompt_values: Iterable[float]) -> bool:
    """The prompt writes ``number``, or a number it rounds (with enough digits to be a rounding)."""
    return any(
        math.isclose(value, number.value) or number.digits >= MIN_ROUNDED_DIGITS and _rounds_to(number, value)
        for value in prompt_values
    )


def find_peeks(text: str, row: Mapping[str, Any], prompt: str) -> list[Peek]:
    """The numbers of ``text`` that give away a counterfactual-side value of ``row`` not shown in
    ``prompt`` (see the module docstring for the rules)."""
    shown: list[float] | None = None  # the prompt's numbers, read only when a number needs them
    hidden = secrets(row)
    peeks = []
    for number in numbers(text):
        for field, value, percent_only in hidden:
            if percent_only and not number.percent:
                continue
            if not (_exact(number, value) or number.digits >= MIN_ROUNDED_DIGITS and _rounds_to(number, value)):
                continue
            if shown is None:
                shown = _magnitudes(prompt)
            if not _shown(number, shown):
                peeks.append(Peek(number.text, field, value))
                break
    return peeks


def check_no_peek(text: str, row: Mapping[str, Any], prompt: str) -> None:
    """Raise :class:`PeekError` when ``text`` gives away a counterfactual-side value of ``row``."""
    peeks = find_peeks(text, row, prompt)
    if peeks:
        first = peeks[0]
        raise PeekError(
            f"pair {row.get('pair_id')}: the completion states {first.text!r}, which gives away "
            f"{first.field} ({first.value:g}) that the prompt does not show"
        )
