"""Phase pairs: the same drug and outcome in trials of different phases.

An approximate (cross-trial) builder: the neighbour comes from another trial with the same
drugs, outcome, countries, population, comparator and dose; the set of phases differs
(e.g. PHASE2 -> PHASE3). Rules in :mod:`ctpairs.retrieval.approximate`.
"""

from __future__ import annotations

from ctpairs.retrieval.approximate import ApproximateBuilder


class PhaseBuilder(ApproximateBuilder):
    """Same drug, outcome, countries, population, comparator and dose; different phase."""

    name = "phase"
    version = "1.3.0"
    attribute = "phase"
    description = "cross-trial: same drug and outcome, different trial phase (embedding neighbours)"
