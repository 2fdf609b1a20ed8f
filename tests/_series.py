"""A one-group trial built around hand-labelled measures, for the outcome builder's time series."""

from __future__ import annotations

_DISPERSION = {
    "MEAN": "STANDARD_DEVIATION",
    "LEAST_SQUARES_MEAN": "STANDARD_ERROR",
    "GEOMETRIC_MEAN": "CONFIDENCE_INTERVAL_95",
    "MEDIAN": "FULL_RANGE",
}


def _measurement(param_type: str, value: float) -> dict:
    m = {"groupId": "OG000", "value": str(value)}
    dispersion = _DISPERSION.get(param_type)
    if dispersion in ("STANDARD_DEVIATION", "STANDARD_ERROR"):
        m["spread"] = "4"
    elif dispersion:
        m["lowerLimit"], m["upperLimit"] = str(value - 5), str(value + 5)
    return m


def _measure(spec: dict, rows: list[str | None], first_value: float) -> dict:
    param_type = spec["param_type"]
    return {
        "type": "PRIMARY",
        "title": spec["title"],
        "description": spec.get("description", ""),
        "timeFrame": spec["time_frame"],
        "paramType": param_type,
        **({"dispersionType": _DISPERSION[param_type]} if param_type in _DISPERSION else {}),
        "unitOfMeasure": spec["unit"],
        "groups": [{"id": "OG000", "title": "Drug X", "description": ""}],
        "denoms": [{"units": "Participants", "counts": [{"groupId": "OG000", "value": "100"}]}],
        "classes": [
            {
                **({"title": row} if row else {}),
                "categories": [{"measurements": [_measurement(param_type, first_value + 10 * i)]}],
            }
            for i, row in enumerate(rows)
        ],
    }


def series_record(case: dict) -> dict:
    """A single-arm trial posting ``case``: two measures ("shape": "two measures", keys ``a`` and
    ``b``) or one measure whose rows are ``rows`` ("one measure"), each value posted for 100
    participants."""
    if case["shape"] == "two measures":
        measures = [_measure(case["a"], [None], 20), _measure(case["b"], [None], 30)]
    else:
        measures = [_measure(case, case["rows"], 20)]
    return {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT09999998", "briefTitle": "Registry-style measures"},
            "designModule": {
                "studyType": "INTERVENTIONAL",
                "phases": ["PHASE2"],
                "designInfo": {"allocation": "NA", "interventionModel": "SINGLE_GROUP"},
            },
            "armsInterventionsModule": {
                "interventions": [{"type": "DRUG", "name": "Drug X", "armGroupLabels": ["Drug X"]}],
                "armGroups": [{"label": "Drug X", "type": "EXPERIMENTAL"}],
            },
        },
        "resultsSection": {"outcomeMeasuresModule": {"outcomeMeasures": measures}},
    }
