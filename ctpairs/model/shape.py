"""The JSON types :func:`ctpairs.model.parse.parse_trial` relies on, declared once and checked before parsing.

The parser reads a few hundred fields of a v2 study record. A record where one of them has the
wrong JSON type (a list where the API gives text, text where it gives an object...) is not a v2
record: :func:`check_shape` refuses it with a :class:`~ctpairs.errors.BadRecordError` that names
the JSON pointer, instead of letting the parser fail somewhere inside. Only the fields the parser
reads are checked, so fields it ignores (and fields the API adds later) never cost a record; a
``null`` is accepted anywhere (the parser reads it as absent).

A spec is a Python type (``str``, ``bool``), :data:`NUM` (a number or numeric text, as the API
gives counts and values), a one-item list ``[spec]`` (a list of such items) or a dict of specs by
key; a key ending in ``!`` must be present.

The adverse events module is declared apart (:data:`ADVERSE_EVENTS_SHAPE`): no pair builder reads
it, so the parser checks it when it parses it, on the first read of
:attr:`ctpairs.model.trial.Results.adverse_events`, not with the rest of the record.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ctpairs.errors import BadRecordError

NUM = "number"
"""A JSON number, or text (``"12.5"``): what the parser's ``parse_number`` reads."""

_GROUP = {"id": str, "title": str, "description": str}
_DENOM = {"units": str, "counts": [{"groupId": str, "value": NUM}]}
_MEASUREMENT = {"groupId": str, "value": NUM, "spread": NUM, "lowerLimit": NUM, "upperLimit": NUM, "comment": str}
_ANALYSIS = {
    "groupIds": [str],
    "pValue": str,
    "statisticalMethod": str,
    "paramType": str,
    "paramValue": NUM,
    "ciPctValue": NUM,
    "ciNumSides": str,
    "ciLowerLimit": NUM,
    "ciUpperLimit": NUM,
    "nonInferiorityType": str,
    "dispersionType": str,
    "dispersionValue": NUM,
}
_MEASURE = {
    **{k: str for k in ("type", "title", "description", "populationDescription", "timeFrame", "paramType")},
    **{k: str for k in ("dispersionType", "unitOfMeasure", "reportingStatus")},
    "groups": [_GROUP],
    "denoms": [_DENOM],
    "classes": [{"title": str, "denoms": [_DENOM], "categories": [{"title": str, "measurements": [_MEASUREMENT]}]}],
    "analyses": [_ANALYSIS],
}
_FLOW_COUNT = {"groupId!": str, "numSubjects": NUM}
_EVENT = {"term": str, "organSystem": str, "stats": [{"groupId": str, "numAffected": NUM, "numAtRisk": NUM}]}
_AE_GROUP_COUNTS = ("seriousNumAffected", "seriousNumAtRisk", "otherNumAffected", "otherNumAtRisk")
_DATES = (
    "startDateStruct",
    "primaryCompletionDateStruct",
    "completionDateStruct",
    "resultsFirstPostDateStruct",
    "lastUpdatePostDateStruct",
)

RECORD_SHAPE: dict[str, Any] = {
    "protocolSection!": {
        "identificationModule": {"nctId": str, "briefTitle": str, "officialTitle": str, "acronym": str},
        "statusModule": {"overallStatus": str, **{k: {"date": str} for k in _DATES}},
        "conditionsModule": {"conditions": [str], "keywords": [str]},
        "designModule": {
            "studyType": str,
            "phases": [str],
            "designInfo": {
                "allocation": str,
                "interventionModel": str,
                "primaryPurpose": str,
                "maskingInfo": {"masking": str},
            },
            "enrollmentInfo": {"count": NUM, "type": str},
        },
        "eligibilityModule": {
            "sex": str,
            "minimumAge": str,
            "maximumAge": str,
            "healthyVolunteers": bool,
            "stdAges": [str],
            "eligibilityCriteria": str,
        },
        "armsInterventionsModule": {
            "interventions": [
                {"type": str, "name": str, "description": str, "armGroupLabels": [str], "otherNames": [str]}
            ],
            "armGroups": [{"label": str, "type": str, "description": str, "interventionNames": [str]}],
        },
        "contactsLocationsModule": {"locations": [{"facility": str, "city": str, "state": str, "country": str}]},
        "sponsorCollaboratorsModule": {"leadSponsor": {"name": str}},
    },
    "resultsSection": {
        "outcomeMeasuresModule": {"outcomeMeasures": [_MEASURE]},
        "baselineCharacteristicsModule": {"groups": [_GROUP], "measures": [_MEASURE]},
        "participantFlowModule": {
            "groups": [_GROUP],
            "periods": [
                {
                    "title": str,
                    "milestones": [{"type": str, "achievements": [_FLOW_COUNT]}],
                    "dropWithdraws": [{"type": str, "reasons": [_FLOW_COUNT]}],
                }
            ],
        },
    },
    "derivedSection": {"miscInfoModule": {"versionHolder": str}},
}
"""A v2 study record, less its adverse events module (:data:`ADVERSE_EVENTS_SHAPE`)."""

ADVERSE_EVENTS_POINTER = "/resultsSection/adverseEventsModule"
ADVERSE_EVENTS_SHAPE: dict[str, Any] = {
    "timeFrame": str,
    "frequencyThreshold": NUM,
    "eventGroups": [{**_GROUP, **{k: NUM for k in _AE_GROUP_COUNTS}, "deathsNumAffected": NUM, "deathsNumAtRisk": NUM}],
    "seriousEvents": [_EVENT],
    "otherEvents": [_EVENT],
}
"""The adverse events module, found at :data:`ADVERSE_EVENTS_POINTER` in a record."""

_NAMES = {str: "text", bool: "true/false", NUM: "a number", list: "a list", dict: "an object"}


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    return _NAMES.get(type(value), type(value).__name__)


Checker = Callable[[Any], "tuple[list, Any] | None"]


def _leaf_kinds(spec: Any) -> tuple[type, ...] | None:
    """The Python types a leaf ``spec`` accepts (a number may be posted as text), None for a container."""
    if isinstance(spec, (dict, list)):
        return None
    return (int, float, str) if spec == NUM else (spec,)


def _compile(spec: Any) -> Checker:
    """A function that returns where a value breaks ``spec`` (the path to the bad value, innermost key
    first, and the spec it breaks) or None; compiled once, so a check costs little next to parsing.
    Leaves are checked in line (a type lookup, no call): a record has thousands of them."""
    if isinstance(spec, dict):
        fields = [(k.rstrip("!"), k.endswith("!"), sub, _leaf_kinds(sub), _compile(sub)) for k, sub in spec.items()]

        def check_dict(value: Any) -> tuple[list, Any] | None:
            if type(value) is not dict:
                return None if value is None else ([], spec)
            for name, required, sub, kinds, check in fields:
                item = value.get(name)
                if item is None:
                    if required and name not in value:
                        return [name], "required"
                    continue
                if kinds is not None:
                    if type(item) in kinds:
                        continue
                    return [name], sub
                found = check(item)
                if found is not None:
                    found[0].append(name)
                    return found
            return None

        return check_dict
    if isinstance(spec, list):
        check_item = _compile(spec[0])

        def check_list(value: Any) -> tuple[list, Any] | None:
            if type(value) is not list:
                return None if value is None else ([], spec)
            for i, item in enumerate(value):
                found = ([], spec[0]) if item is None else check_item(item)  # a null item is no item
                if found is not None:
                    found[0].append(i)
                    return found
            return None

        return check_list
    kinds = _leaf_kinds(spec)

    def check_leaf(value: Any) -> tuple[list, Any] | None:
        if value is None or type(value) in kinds:
            return None
        return [], spec

    return check_leaf


# The shapes declared here, compiled once; found by identity, as a dict cannot be a dict key.
_COMPILED = {id(shape): _compile(shape) for shape in (RECORD_SHAPE, ADVERSE_EVENTS_SHAPE)}


def _value_at(record: Any, path: list) -> Any:
    for key in path:
        record = record.get(key) if isinstance(record, dict) else record[key]
    return record


def check_shape(record: Any, shape: dict[str, Any] = RECORD_SHAPE, *, at: str = "") -> None:
    """Raise :class:`~ctpairs.errors.BadRecordError` naming the JSON pointer of the first field the
    parser reads whose JSON type is wrong (or that is missing though required); return otherwise.

    ``record`` may be a part of a record: ``at`` is its JSON pointer (as :data:`ADVERSE_EVENTS_POINTER`
    for the adverse events module checked against :data:`ADVERSE_EVENTS_SHAPE`), put in front of the
    pointer the message names."""
    found = (_COMPILED.get(id(shape)) or _compile(shape))(record)
    if found is None:
        return
    path, spec = found[0][::-1], found[1]
    pointer = at + "".join(f"/{str(k).replace('~', '~0').replace('/', '~1')}" for k in path) or "/"
    if spec == "required":
        raise BadRecordError(f"{pointer} is missing")
    want = _NAMES[dict if isinstance(spec, dict) else list if isinstance(spec, list) else spec]
    raise BadRecordError(f"{pointer} should be {want}, got {_type_name(_value_at(record, path))}")
