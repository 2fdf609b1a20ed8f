"""Comparator pairs: the same drug arm and outcome in trials with different comparators.

An approximate (cross-trial) builder: the neighbour comes from another trial with the same
drugs, outcome, countries, population, phases and dose; what the other groups of the
outcome measure get differs (placebo vs an active drug, one active drug vs another, or no
comparator). Rules in :mod:`ctpairs.retrieval.approximate`.
"""

from __future__ import annotations

from ctpairs.retrieval.approximate import ApproximateBuilder


class ComparatorBuilder(ApproximateBuilder):
    """Same drug arm, outcome, countries, population, phase and dose; different comparator arm."""

    name = "comparator"
    version = "1.3.0"
    attribute = "comparator"
    description = "cross-trial: same drug arm and outcome, different comparator (embedding neighbours)"
