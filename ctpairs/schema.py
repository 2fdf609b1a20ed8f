"""The pair schema (v2): declared once here, as dataclasses and as an Arrow schema.

A :class:`Pair` is one counterfactual contrast: the *factual* side (a result group on an
outcome) and the *counterfactual* side that differs from it in one controlled attribute
(``change``), with how the result moved (``label``) and where every number came from
(``provenance``). The README's schema table documents every field.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import pyarrow as pa

from ctpairs.columns import objects_table

SCHEMA_VERSION = "2"
AXIS_KINDS = ("natural", "approximate")
DIRECTIONS = ("higher", "lower", "similar")  # the answers a task asks for
INDETERMINATE = "indeterminate"  # no trial analysis and no test: not a directional label
LABEL_DIRECTIONS = (*DIRECTIONS, INDETERMINATE)


@dataclass(frozen=True)
class DoseInfo:
    value: float
    unit: str
    per: str | None
    frequency: str | None
    route: str | None
    text: str


@dataclass(frozen=True)
class OutcomeInfo:
    title: str
    description: str | None
    time_frame: str | None
    type: str | None
    param_type: str | None
    dispersion_type: str | None
    unit: str | None


@dataclass(frozen=True)
class ResultInfo:
    value: float
    spread: float | None
    lower: float | None
    upper: float | None
    n: float | None
    category: str | None  # class and category titles, " / "-joined, when the measure has them


@dataclass(frozen=True)
class Side:
    """One side of a pair: a result group's value on one outcome (and category)."""

    group_id: str
    group_title: str
    group_description: str | None
    arm_label: str | None
    arm_type: str | None
    interventions: list[str]
    dose: DoseInfo | None
    outcome: OutcomeInfo
    result: ResultInfo


@dataclass(frozen=True)
class TrialContext:
    """What a model may be shown about the trial."""

    title: str | None
    phases: list[str]
    conditions: list[str]
    interventions: list[str]
    enrollment: int | None
    allocation: str | None
    masking: str | None
    primary_purpose: str | None
    countries: list[str]
    start_date: str | None
    completion_date: str | None
    results_first_posted: str | None


@dataclass(frozen=True)
class Change:
    attribute: str  # what differs: "dose", "time_frame", "outcome", "arm", "country", ...
    from_: str
    to: str
    ratio: float | None = None  # counterfactual / factual, for doses


@dataclass(frozen=True)
class Label:
    """How the counterfactual result moved against the factual one, and the evidence (see ctpairs.labels)."""

    direction: str  # "higher" | "lower" | "similar" | "indeterminate": the counterfactual versus the factual
    delta: float  # on the compared statistic: the proportion for counts/percentages of participants
    relative_delta: float | None
    significant: bool | None
    p_value: float | None  # the p-value the direction rests on
    method: str  # "trial_analysis" | our test's name | "none"
    test_p_value: float | None = None  # our test from the posted numbers, also when the trial's analysis is used
    test_method: str | None = None
    p_value_bound: str | None = None  # "<", "<=", ">" or ">=" when the trial posted p as a bound ("<0.001")
    statistic: str = "value"  # what was compared: "mean", "proportion", "geometric_mean", "median", "count"...
    verifiable: bool = False  # True when the direction rests on a trial analysis or a test


@dataclass(frozen=True)
class SourceRef:
    field: str  # the pair field, e.g. "factual.result.value"
    pointer: str  # RFC 6901 JSON pointer into the source record (of nct_id or cf_nct_id)
    nct_id: str


@dataclass(frozen=True)
class Provenance:
    data_timestamp: str | None
    sources: list[SourceRef]


@dataclass(frozen=True)
class Pair:
    axis: str
    kind: str
    nct_id: str
    cf_nct_id: str
    builder: str
    builder_version: str
    trial: TrialContext
    factual: Side
    counterfactual: Side
    change: Change
    label: Label
    provenance: Provenance
    similarity: float | None = None  # approximate pairs: embedding similarity of the two sides
    matched_on: list[str] = field(default_factory=list)  # attributes held equal
    pair_id: str = ""

    def __post_init__(self) -> None:
        if not self.pair_id:
            object.__setattr__(self, "pair_id", pair_id(self))


def pair_id(pair: Pair) -> str:
    """Stable id: a hash of the axis, both trials and the source pointers of both results."""
    key = {
        "axis": pair.axis,
        "nct_id": pair.nct_id,
        "cf_nct_id": pair.cf_nct_id,
        "sources": sorted(
            (s.field, s.nct_id, s.pointer) for s in pair.provenance.sources if s.field.endswith("result.value")
        ),
    }
    return hashlib.sha1(json.dumps(key, sort_keys=True).encode()).hexdigest()[:20]


_S = pa.string()
_F = pa.float64()

DOSE_TYPE = pa.struct([("value", _F), ("unit", _S), ("per", _S), ("frequency", _S), ("route", _S), ("text", _S)])
OUTCOME_TYPE = pa.struct(
    [
        ("title", _S),
        ("description", _S),
        ("time_frame", _S),
        ("type", _S),
        ("param_type", _S),
        ("dispersion_type", _S),
        ("unit", _S),
    ]
)
RESULT_TYPE = pa.struct([("value", _F), ("spread", _F), ("lower", _F), ("upper", _F), ("n", _F), ("category", _S)])
SIDE_TYPE = pa.struct(
    [
        ("group_id", _S),
        ("group_title", _S),
        ("group_description", _S),
        ("arm_label", _S),
        ("arm_type", _S),
        ("interventions", pa.list_(_S)),
        ("dose", DOSE_TYPE),
        ("outcome", OUTCOME_TYPE),
        ("result", RESULT_TYPE),
    ]
)
TRIAL_TYPE = pa.struct(
    [
        ("title", _S),
        ("phases", pa.list_(_S)),
        ("conditions", pa.list_(_S)),
        ("interventions", pa.list_(_S)),
        ("enrollment", pa.int64()),
        ("allocation", _S),
        ("masking", _S),
        ("primary_purpose", _S),
        ("countries", pa.list_(_S)),
        ("start_date", _S),
        ("completion_date", _S),
        ("results_first_posted", _S),
    ]
)

PAIR_SCHEMA = pa.schema(
    [
        ("pair_id", _S),
        ("schema_version", _S),
        ("axis", _S),
        ("kind", _S),
        ("nct_id", _S),
        ("cf_nct_id", _S),
        ("builder", _S),
        ("builder_version", _S),
        ("trial", TRIAL_TYPE),
        ("factual", SIDE_TYPE),
        ("counterfactual", SIDE_TYPE),
        ("change", pa.struct([("attribute", _S), ("from", _S), ("to", _S), ("ratio", _F)])),
        (
            "label",
            pa.struct(
                [
                    ("direction", _S),
                    ("delta", _F),
                    ("relative_delta", _F),
                    ("significant", pa.bool_()),
                    ("p_value", _F),
                    ("p_value_bound", _S),
                    ("method", _S),
                    ("test_p_value", _F),
                    ("test_method", _S),
                    ("statistic", _S),
                    ("verifiable", pa.bool_()),
                ]
            ),
        ),
        (
            "provenance",
            pa.struct(
                [
                    ("data_timestamp", _S),
                    ("sources", pa.list_(pa.struct([("field", _S), ("pointer", _S), ("nct_id", _S)]))),
                ]
            ),
        ),
        ("similarity", _F),
        ("matched_on", pa.list_(_S)),
    ]
)


def pairs_table(pairs: list[Pair]) -> pa.Table:
    """An Arrow table of pairs in :data:`PAIR_SCHEMA`, sorted by ``pair_id`` (deterministic)."""
    return objects_table(sorted(pairs, key=lambda p: p.pair_id), PAIR_SCHEMA, {"schema_version": SCHEMA_VERSION})


def pair_features():
    """The schema as :class:`datasets.Features` (imports ``datasets`` lazily)."""
    from datasets import Features

    return Features.from_arrow_schema(PAIR_SCHEMA)
