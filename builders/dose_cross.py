"""Cross-trial dose pairs: the same drug and outcome at different doses in two trials.

An approximate (cross-trial) builder, the counterpart of the natural ``dose`` axis: each
group states one dose (parsed by :mod:`ctpairs.dose`), the doses are comparable (same base
unit, basis, frequency, route) and differ; drugs, outcome, countries, population, phases and
comparator are the same. ``change.ratio`` is counterfactual / factual. Rules in
:mod:`ctpairs.retrieval.approximate`.
"""

from __future__ import annotations

from ctpairs.retrieval.approximate import ApproximateBuilder


class DoseCrossBuilder(ApproximateBuilder):
    """Same drug, outcome, countries, population, phase and comparator; different stated dose."""

    name = "dose-cross"
    version = "1.3.0"
    attribute = "dose"
    description = "cross-trial: same drug and outcome, different stated dose (embedding neighbours)"
