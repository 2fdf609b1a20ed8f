"""Geography pairs: the same drug and outcome in two trials run in different countries.

An approximate (cross-trial) builder: the anchor's neighbour must come from another trial,
give the same drugs, report the same outcome (title, unit, parameter, time frame) and have
the same population, phases, comparator and dose; only the set of countries differs. The
matching rules and tolerances are in :mod:`ctpairs.retrieval.approximate`.
"""

from __future__ import annotations

from ctpairs.retrieval.approximate import ApproximateBuilder


class GeographyBuilder(ApproximateBuilder):
    """Same drug, outcome, population, phase, comparator and dose; different countries."""

    name = "geography"
    version = "1.3.0"
    attribute = "geography"
    description = "cross-trial: same drug and outcome, different set of countries (embedding neighbours)"
