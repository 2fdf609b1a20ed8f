"""Raw v2 study JSON -> :class:`~ctpairs.model.trial.Trial`. Pure functions, no I/O."""

from __future__ import annotations

import re
from typing import Any

from rapidfuzz import fuzz

from ctpairs.dose import parse_dose
from ctpairs.errors import BadRecordError
from ctpairs.model.numbers import (
    normalize_dispersion,
    normalize_enum,
    parse_age_years,
    parse_number,
    parse_qualified_number,
)
from ctpairs.model.shape import ADVERSE_EVENTS_POINTER, ADVERSE_EVENTS_SHAPE, RECORD_SHAPE, check_shape
from ctpairs.model.trial import (
    AdverseEvent,
    AdverseEventGroup,
    AdverseEvents,
    Analysis,
    ArmGroup,
    ArmLink,
    Category,
    Design,
    Eligibility,
    FlowPeriod,
    Intervention,
    Location,
    Measure,
    MeasureClass,
    Measurement,
    ParticipantFlow,
    ResultGroup,
    Results,
    Trial,
)
from ctpairs.store import record_nct_id, record_version_holder

FUZZY_LINK_CUTOFF = 75.0  # rapidfuzz token_sort_ratio below which a result group stays unlinked


def _date(struct: dict | None) -> str | None:
    return (struct or {}).get("date")


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _check_shape(nct_id: str, value: Any, shape: dict[str, Any], at: str = "") -> None:
    """:func:`~ctpairs.model.shape.check_shape`, with the study's NCT ID in front of the message."""
    try:
        check_shape(value, shape, at=at)
    except BadRecordError as exc:
        raise BadRecordError(f"{nct_id}: {exc}") from None


def parse_trial(record: dict, *, data_timestamp: str | None = None) -> Trial:
    """Parse one v2 study record. Raises :class:`~ctpairs.errors.BadRecordError` if it is not one,
    or if a field the parser reads has the wrong JSON type (see :mod:`ctpairs.model.shape`).

    The adverse events module is parsed (and its types checked) only when
    :attr:`~ctpairs.model.trial.Results.adverse_events` is first read, which raises instead.

    ``data_timestamp`` is the registry data date the record was fetched at (the API's
    ``/version`` dataTimestamp); it defaults to the record's own ``versionHolder``.
    """
    nct_id = record_nct_id(record)
    _check_shape(nct_id, record, RECORD_SHAPE)
    ps = record["protocolSection"]
    ident = ps.get("identificationModule") or {}
    status = ps.get("statusModule") or {}
    design_mod = ps.get("designModule") or {}
    info = design_mod.get("designInfo") or {}
    enrollment = design_mod.get("enrollmentInfo") or {}
    elig = ps.get("eligibilityModule") or {}
    arms_mod = ps.get("armsInterventionsModule") or {}

    interventions = [
        Intervention(
            type=iv.get("type"),
            name=iv.get("name") or "",
            description=iv.get("description"),
            arm_labels=_list(iv.get("armGroupLabels")),
            other_names=_list(iv.get("otherNames")),
        )
        for iv in _list(arms_mod.get("interventions"))
    ]
    arm_groups = [
        ArmGroup(
            label=arm.get("label") or "",
            type=arm.get("type"),
            description=arm.get("description"),
            intervention_names=_list(arm.get("interventionNames")),
            interventions=[iv for iv in interventions if arm.get("label") in iv.arm_labels],
        )
        for arm in _list(arms_mod.get("armGroups"))
    ]
    locations = [
        Location(loc.get("facility"), loc.get("city"), loc.get("state"), loc.get("country"))
        for loc in _list((ps.get("contactsLocationsModule") or {}).get("locations"))
    ]
    countries = sorted({loc.country for loc in locations if loc.country})
    enrollment_count = parse_number(enrollment.get("count"))

    return Trial(
        nct_id=nct_id,
        brief_title=ident.get("briefTitle"),
        official_title=ident.get("officialTitle"),
        acronym=ident.get("acronym"),
        overall_status=status.get("overallStatus"),
        start_date=_date(status.get("startDateStruct")),
        primary_completion_date=_date(status.get("primaryCompletionDateStruct")),
        completion_date=_date(status.get("completionDateStruct")),
        results_first_posted=_date(status.get("resultsFirstPostDateStruct")),
        last_update_posted=_date(status.get("lastUpdatePostDateStruct")),
        conditions=_list((ps.get("conditionsModule") or {}).get("conditions")),
        keywords=_list((ps.get("conditionsModule") or {}).get("keywords")),
        design=Design(
            study_type=design_mod.get("studyType"),
            phases=_list(design_mod.get("phases")),
            allocation=info.get("allocation"),
            intervention_model=info.get("interventionModel"),
            primary_purpose=info.get("primaryPurpose"),
            masking=(info.get("maskingInfo") or {}).get("masking"),
            enrollment=int(enrollment_count) if enrollment_count is not None else None,
            enrollment_type=enrollment.get("type"),
        ),
        arm_groups=arm_groups,
        interventions=interventions,
        locations=locations,
        countries=countries,
        eligibility=Eligibility(
            sex=elig.get("sex"),
            minimum_age_years=parse_age_years(elig.get("minimumAge")),
            maximum_age_years=parse_age_years(elig.get("maximumAge")),
            minimum_age=elig.get("minimumAge"),
            maximum_age=elig.get("maximumAge"),
            healthy_volunteers=elig.get("healthyVolunteers"),
            std_ages=_list(elig.get("stdAges")),
            criteria=elig.get("eligibilityCriteria"),
        ),
        sponsor=((ps.get("sponsorCollaboratorsModule") or {}).get("leadSponsor") or {}).get("name"),
        results=_parse_results(record.get("resultsSection") or {}, [a.label for a in arm_groups], nct_id),
        data_timestamp=data_timestamp or record_version_holder(record),
    )


# -- results --------------------------------------------------------------------------


def _doses_disagree(title: str, label: str) -> bool:
    """Both texts state amounts, and not the same ones ("1 mg X" against the arm "5 mg X")."""
    a, b = ({d.base_amount() for d in parse_dose(text).doses} for text in (title, label))
    return bool(a and b and a != b)


def link_groups(groups: list[dict], arm_labels: list[str]) -> dict[str, ArmLink]:
    """Link result groups to arm labels: exact (case-insensitive) title match first, then the best
    remaining rapidfuzz ``token_sort_ratio`` match at or above :data:`FUZZY_LINK_CUTOFF`, one arm per
    group, never to an arm whose label states other amounts than the group's title."""
    links: dict[str, ArmLink] = {}
    free = {label.strip().casefold(): label for label in arm_labels}
    for g in groups:
        key = (g.get("title") or "").strip().casefold()
        if key in free:
            links[g["id"]] = ArmLink(free.pop(key), "exact", 1.0)
    candidates = []
    for g in groups:
        if g.get("id") in links:
            continue
        title = (g.get("title") or "").casefold()
        for key, label in free.items():
            score = fuzz.token_sort_ratio(title, key)
            if score >= FUZZY_LINK_CUTOFF and not _doses_disagree(title, key):
                candidates.append((score, g["id"], key, label))
    for score, gid, key, label in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if gid not in links and key in free:
            free.pop(key)
            links[gid] = ArmLink(label, "fuzzy", round(score / 100, 4))
    return links


def _groups(raw_groups: list, arm_labels: list[str], base: str) -> list[ResultGroup]:
    groups = [g for g in raw_groups if isinstance(g, dict) and g.get("id")]
    links = link_groups(groups, arm_labels)
    return [
        ResultGroup(
            id=g["id"],
            title=g.get("title") or "",
            description=g.get("description"),
            arm=links.get(g["id"]),
            pointer=f"{base}/{i}",
        )
        for i, g in enumerate(raw_groups)
        if isinstance(g, dict) and g.get("id")
    ]


_ANALYSIS_COMMENTS = (
    "statisticalComment",
    "estimateComment",
    "pValueComment",
    "otherAnalysisDescription",
    "nonInferiorityComment",
)


def _join_text(raw: dict, keys: tuple[str, ...]) -> str | None:
    parts = [raw[k] for k in keys if isinstance(raw.get(k), str) and raw[k].strip()]
    return "\n".join(parts) or None


def _denoms(raw_denoms: list) -> dict[str, float]:
    """The first denominator's counts by group id (the participants analysed)."""
    for denom in _list(raw_denoms):
        counts = {c["groupId"]: parse_number(c.get("value")) for c in _list(denom.get("counts")) if c.get("groupId")}
        return {k: v for k, v in counts.items() if v is not None}
    return {}


_PARTICIPANTS = re.compile(r"(?:participants?|patients?|subjects?|persons?|people)", re.I)


def _analysis_units(raw: dict) -> str | None:
    """The units a measure is analysed in when they are not participants: the units of a
    denominator of the measure or of a class that counts something else ("Eyes", "Lesion locations
    assessed", "Cluster Headaches", "Questionnaires after each encounter"), else None."""
    denoms = [*_list(raw.get("denoms")), *(d for c in _list(raw.get("classes")) for d in _list(c.get("denoms")))]
    return next(
        (units.strip() for d in denoms if (units := d.get("units")) and not _PARTICIPANTS.fullmatch(units.strip())),
        None,
    )


def _measure(raw: dict, index: int, kind: str, groups: list[ResultGroup], base: str) -> Measure:
    denoms = _denoms(_list(raw.get("denoms")))
    classes = []
    for ci, cls in enumerate(_list(raw.get("classes"))):
        categories = []
        for ki, cat in enumerate(_list(cls.get("categories"))):
            measurements = [
                Measurement(
                    group_id=m.get("groupId", ""),
                    value=parse_number(m.get("value")),
                    value_text=m.get("value"),
                    spread=parse_number(m.get("spread")),
                    lower=parse_number(m.get("lowerLimit")),
                    upper=parse_number(m.get("upperLimit")),
                    comment=m.get("comment"),
                    pointer=f"{base}/classes/{ci}/categories/{ki}/measurements/{mi}",
                )
                for mi, m in enumerate(_list(cat.get("measurements")))
            ]
            categories.append(Category(cat.get("title"), measurements))
        classes.append(MeasureClass(cls.get("title"), categories, _denoms(_list(cls.get("denoms")))))
    analyses = []
    for ai, a in enumerate(_list(raw.get("analyses"))):
        p_value, qualifier = parse_qualified_number(a.get("pValue"))
        analyses.append(
            Analysis(
                group_ids=_list(a.get("groupIds")),
                p_value=p_value,
                p_value_text=a.get("pValue"),
                p_value_qualifier=qualifier,
                method=a.get("statisticalMethod"),
                param_type=a.get("paramType"),
                param_value=parse_number(a.get("paramValue")),
                ci_pct=parse_number(a.get("ciPctValue")),
                ci_sides=a.get("ciNumSides"),
                ci_lower=parse_number(a.get("ciLowerLimit")),
                ci_upper=parse_number(a.get("ciUpperLimit")),
                non_inferiority_type=a.get("nonInferiorityType"),
                dispersion_type=normalize_dispersion(a.get("dispersionType")),
                dispersion_value=parse_number(a.get("dispersionValue")),
                pointer=f"{base}/analyses/{ai}",
                group_description=a.get("groupDescription"),
                comment=_join_text(a, _ANALYSIS_COMMENTS),
            )
        )
    return Measure(
        index=index,
        kind=kind,
        type=raw.get("type"),
        title=raw.get("title") or "",
        description=raw.get("description"),
        population=raw.get("populationDescription"),
        time_frame=raw.get("timeFrame"),
        param_type=normalize_enum(raw.get("paramType")),
        dispersion_type=normalize_dispersion(raw.get("dispersionType")),
        unit=raw.get("unitOfMeasure"),
        reporting_status=raw.get("reportingStatus"),
        groups=groups,
        denoms=denoms,
        analysis_units=_analysis_units(raw),
        classes=classes,
        analyses=analyses,
        pointer=base,
    )


def _parse_results(rs: dict, arm_labels: list[str], nct_id: str) -> Results:
    if not rs:
        return Results()
    om_base = "/resultsSection/outcomeMeasuresModule/outcomeMeasures"
    outcomes = [
        _measure(
            raw, i, "outcome", _groups(_list(raw.get("groups")), arm_labels, f"{om_base}/{i}/groups"), f"{om_base}/{i}"
        )
        for i, raw in enumerate(_list((rs.get("outcomeMeasuresModule") or {}).get("outcomeMeasures")))
    ]
    bl = rs.get("baselineCharacteristicsModule") or {}
    bl_base = "/resultsSection/baselineCharacteristicsModule"
    bl_groups = _groups(_list(bl.get("groups")), arm_labels, f"{bl_base}/groups")
    baseline = [
        _measure(raw, i, "baseline", bl_groups, f"{bl_base}/measures/{i}")
        for i, raw in enumerate(_list(bl.get("measures")))
    ]
    return Results(
        outcome_measures=outcomes,
        baseline=baseline,
        baseline_groups=bl_groups,
        participant_flow=_participant_flow(rs.get("participantFlowModule"), arm_labels),
        _adverse_events_module=rs.get("adverseEventsModule"),
        _arm_labels=arm_labels,
        _nct_id=nct_id,
    )


def _participant_flow(pf: dict | None, arm_labels: list[str]) -> ParticipantFlow | None:
    if not pf:
        return None
    base = "/resultsSection/participantFlowModule"
    periods = []
    for period in _list(pf.get("periods")):
        milestones = {
            ms.get("type") or "": {
                a["groupId"]: parse_number(a.get("numSubjects")) for a in _list(ms.get("achievements"))
            }
            for ms in _list(period.get("milestones"))
        }
        drops = {
            dw.get("type") or "": {r["groupId"]: parse_number(r.get("numSubjects")) for r in _list(dw.get("reasons"))}
            for dw in _list(period.get("dropWithdraws"))
        }
        periods.append(FlowPeriod(period.get("title"), milestones, drops))
    return ParticipantFlow(_groups(_list(pf.get("groups")), arm_labels, f"{base}/groups"), periods)


def parse_adverse_events(nct_id: str, ae: Any, arm_labels: list[str]) -> AdverseEvents | None:
    """Parse study ``nct_id``'s adverse events module (``ae``, None when there is none), linking
    its event groups to ``arm_labels``; :attr:`~ctpairs.model.trial.Results.adverse_events` calls
    this on first read. Raises :class:`~ctpairs.errors.BadRecordError` naming the JSON pointer if a
    field it reads has the wrong JSON type."""
    _check_shape(nct_id, ae, ADVERSE_EVENTS_SHAPE, ADVERSE_EVENTS_POINTER)
    if not ae:
        return None
    raw_groups = _list(ae.get("eventGroups"))
    groups = _groups(raw_groups, arm_labels, f"{ADVERSE_EVENTS_POINTER}/eventGroups")
    by_id = {g.get("id"): g for g in raw_groups if isinstance(g, dict)}
    ae_groups = [
        AdverseEventGroup(
            group=g,
            serious_affected=parse_number(by_id[g.id].get("seriousNumAffected")),
            serious_at_risk=parse_number(by_id[g.id].get("seriousNumAtRisk")),
            other_affected=parse_number(by_id[g.id].get("otherNumAffected")),
            other_at_risk=parse_number(by_id[g.id].get("otherNumAtRisk")),
            deaths_affected=parse_number(by_id[g.id].get("deathsNumAffected")),
            deaths_at_risk=parse_number(by_id[g.id].get("deathsNumAtRisk")),
        )
        for g in groups
    ]
    events = [
        AdverseEvent(
            term=ev.get("term") or "",
            organ_system=ev.get("organSystem"),
            serious=serious,
            affected={
                s["groupId"]: parse_number(s.get("numAffected")) for s in _list(ev.get("stats")) if s.get("groupId")
            },
            at_risk={
                s["groupId"]: parse_number(s.get("numAtRisk")) for s in _list(ev.get("stats")) if s.get("groupId")
            },
        )
        for key, serious in (("seriousEvents", True), ("otherEvents", False))
        for ev in _list(ae.get(key))
    ]
    return AdverseEvents(
        time_frame=ae.get("timeFrame"),
        frequency_threshold=parse_number(ae.get("frequencyThreshold")),
        groups=ae_groups,
        events=events,
    )
