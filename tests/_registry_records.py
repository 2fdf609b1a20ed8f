"""Trials built around hand-labelled registry-style cases: one group's measures (the outcome
builder's time series) and a placebo-controlled measure with the trial's own analyses (labels)."""

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


def _measure(spec: dict, rows: list[str | None], first_value: float, kind: str = "PRIMARY") -> dict:
    param_type = spec["param_type"]
    return {
        "type": kind,
        "title": spec["title"],
        "description": spec.get("description", ""),
        "populationDescription": spec.get("population", ""),
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


def _trial(nct_id: str, allocation: str, arms: list[str], measures: list[dict], drugs: list[str] = ()) -> dict:
    return {
        "protocolSection": {
            "identificationModule": {"nctId": nct_id, "briefTitle": "Registry-style measures"},
            "designModule": {
                "studyType": "INTERVENTIONAL",
                "phases": ["PHASE2"],
                "designInfo": {"allocation": allocation, "interventionModel": "PARALLEL"},
            },
            "armsInterventionsModule": {
                "interventions": [{"type": "DRUG", "name": arm, "armGroupLabels": [arm]} for arm in arms]
                + [{"type": "DRUG", "name": drug, "armGroupLabels": arms} for drug in drugs],
                "armGroups": [{"label": arm, "type": "EXPERIMENTAL"} for arm in arms],
            },
        },
        "resultsSection": {"outcomeMeasuresModule": {"outcomeMeasures": measures}},
    }


def series_record(case: dict) -> dict:
    """A single-arm trial posting ``case``: two measures ("shape": "two measures", keys ``a`` and
    ``b``) or one measure whose rows are ``rows`` ("one measure"), each value posted for 100
    participants."""
    if case["shape"] == "two measures":
        measures = [_measure(case["a"], [None], 20), _measure(case["b"], [None], 30)]
    else:
        measures = [_measure(case, case["rows"], 20)]
    return _trial("NCT09999998", "NA", ["Drug X"], measures)


def rows_record(case: dict) -> dict:
    """A single-arm trial posting one measure whose rows are ``case["rows"]``, as registries post a
    change from baseline (the baseline row the level, 50; the later rows changes, -2, -4, ...) or
    levels (20, 30, 40, ...)."""
    change = "change" in case["title"].casefold()
    values = [
        (50.0 if "baseline" in row.casefold() else -2.0 * i) if change else 20.0 + 10 * i
        for i, row in enumerate(case["rows"], start=1)
    ]
    measure = _measure(case, case["rows"], 0)
    for cls, value in zip(measure["classes"], values, strict=True):
        cls["categories"][0]["measurements"] = [_measurement(case["param_type"], value)]
    return _trial("NCT09999995", "NA", ["Drug X"], [measure])


def measures_record(case: dict) -> dict:
    """A single-arm trial posting the case's ``measures`` (each its own ``type``), one value each
    (20, 30, 40, ...) for the same 100 participants."""
    measures = [_measure(m, [None], 20 + 10 * i, m["type"]) for i, m in enumerate(case["measures"])]
    return _trial("NCT09999994", "NA", ["Drug X"], measures)


def related_record(case: dict) -> dict:
    """A single-arm trial of Drug X and the case's ``drugs``, posting its ``primary`` and
    ``secondary`` measures, one value each (20 and 22) for the same 100 participants."""
    measures = [_measure(case["primary"], [None], 20), _measure(case["secondary"], [None], 22, "SECONDARY")]
    return _trial("NCT09999996", "NA", ["Drug X"], measures, case.get("drugs", []))


ANALYSED_GROUPS = (("OG000", "Placebo", 10.0), ("OG001", "Drug X", 13.0), ("OG002", "Drug Y", 16.0))
"""The groups of :func:`analysis_record` and their means (SD 20, 30 participants each): 10 against
13 is neither significant by Welch's test nor close, so a label rests on the trial's analysis."""


def analysis_record(case: dict) -> dict:
    """A randomized trial of placebo, Drug X and, with ``three_groups``, Drug Y, posting one mean per
    group on each of ``rows`` (or one row) and the case's ``analyses`` as the registry writes them."""
    groups = ANALYSED_GROUPS if case.get("three_groups") else ANALYSED_GROUPS[:2]
    measure = {
        "type": "PRIMARY",
        "title": case["title"],
        "timeFrame": case["time_frame"],
        "paramType": "MEAN",
        "dispersionType": "STANDARD_DEVIATION",
        "unitOfMeasure": "units on a scale",
        "groups": [{"id": gid, "title": title, "description": ""} for gid, title, _ in groups],
        "denoms": [{"units": "Participants", "counts": [{"groupId": gid, "value": "30"} for gid, _, _ in groups]}],
        "classes": [
            {
                **({"title": row} if row else {}),
                "categories": [
                    {"measurements": [{"groupId": gid, "value": str(v), "spread": "20"} for gid, _, v in groups]}
                ],
            }
            for row in (case.get("rows") or [None])
        ],
        "analyses": case["analyses"],
    }
    return _trial("NCT09999997", "RANDOMIZED", [title for _, title, _ in groups], [measure])
