"""Population pairs: the same drug and outcome in two trials that enrolled different people.

An approximate (cross-trial) builder: the neighbour comes from another trial with the same
drugs, outcome, countries, phases, comparator and dose; the eligible age range (beyond
:data:`~ctpairs.retrieval.approximate.AGE_TOLERANCE_YEARS`) or sex differs. Rules in
:mod:`ctpairs.retrieval.approximate`.
"""

from __future__ import annotations

from ctpairs.retrieval.approximate import ApproximateBuilder


class PopulationBuilder(ApproximateBuilder):
    """Same drug, outcome, countries, phase, comparator and dose; different age range or sex."""

    name = "population"
    version = "1.3.0"
    attribute = "population"
    description = "cross-trial: same drug and outcome, different eligible ages or sex (embedding neighbours)"
