import pytest

from ctpairs.errors import BadRecordError
from ctpairs.model.numbers import (
    normalize_dispersion,
    parse_age_years,
    parse_number,
    parse_qualified_number,
    without_counts,
)
from ctpairs.model.parse import link_groups, parse_trial
from tests._data import real_record, real_records, resolve_pointer


def test_every_shared_record_parses():
    trials = [parse_trial(r) for r in real_records()]
    assert len(trials) == 685
    assert sum(t.has_results for t in trials) == 555
    assert len({t.nct_id for t in trials}) == 685


def test_avanafil_primary_outcome_values():
    trial = parse_trial(real_record("NCT00790751"))
    primary = trial.results.outcome_measures[0]
    assert primary.type == "PRIMARY"
    assert [g.title for g in primary.groups] == ["Placebo", "Avanafil 50 mg", "Avanafil 100 mg", "Avanafil 200 mg"]
    values = [m.value for m in (primary.measurements_for(g.id)[0][2] for g in primary.groups)]
    spreads = [m.spread for m in (primary.measurements_for(g.id)[0][2] for g in primary.groups)]
    assert values == [14.1, 27.8, 43.4, 44.2]
    assert spreads == [2.57, 2.58, 2.56, 2.57]
    assert primary.dispersion_type == "standard_error"
    assert primary.param_type == "least_squares_mean"
    assert primary.denoms == {"OG000": 155, "OG001": 154, "OG002": 157, "OG003": 156}
    assert primary.groups[1].arm.arm_label == "avanafil 50 mg" and primary.groups[1].arm.method == "exact"
    m = primary.measurements_for("OG002")[0][2]
    assert m.pointer == "/resultsSection/outcomeMeasuresModule/outcomeMeasures/0/classes/0/categories/0/measurements/2"


def test_interventions_join_arms_by_label():
    trial = parse_trial(real_record("NCT00790751"))
    arm = trial.arm("avanafil 100 mg")
    assert arm is not None and [iv.name for iv in arm.interventions] == ["avanafil"]
    assert trial.arm("placebo").type == "PLACEBO_COMPARATOR"


def test_study_without_results_reads_with_empty_results():
    record = next(r for r in real_records() if not r.get("resultsSection"))
    trial = parse_trial(record)
    assert not trial.has_results
    assert trial.results.outcome_measures == [] and trial.results.participant_flow is None


def test_adverse_events_are_parsed_on_first_read():
    record = real_record("NCT00790751")
    results = parse_trial(record).results
    assert not results.empty and "adverse_events" not in vars(results)  # emptiness does not parse them
    ae = results.adverse_events
    assert results.adverse_events is ae  # parsed once
    assert ae.time_frame.startswith("AE reporting began when the subject provided written informed consent")
    assert ae.frequency_threshold == 2.0
    assert [(g.group.id, g.group.arm.arm_label, g.group.arm.method) for g in ae.groups] == [
        ("EG000", "placebo", "exact"),
        ("EG001", "avanafil 50 mg", "exact"),
        ("EG002", "avanafil 100 mg", "exact"),
        ("EG003", "avanafil 200 mg", "exact"),
    ]
    assert [(g.serious_affected, g.serious_at_risk) for g in ae.groups] == [(2, 161), (1, 160), (3, 161), (3, 162)]
    assert ae.groups[0].other_affected == 7 and ae.groups[0].deaths_affected is None
    assert resolve_pointer(record, ae.groups[2].group.pointer)["id"] == "EG002"
    assert [e.serious for e in ae.events] == [True] * 9 + [False] * 5
    first = ae.events[0]
    assert (first.term, first.organ_system) == ("Acute myocardial infarction", "Cardiac disorders")
    assert first.affected == {"EG000": 0, "EG001": 1, "EG002": 0, "EG003": 0}
    assert first.at_risk == {"EG000": 161, "EG001": 160, "EG002": 161, "EG003": 162}


@pytest.mark.parametrize(
    "path,value,message",
    [
        (["eventGroups", 0, "title"], 5, "/eventGroups/0/title should be text, got a number"),
        (["seriousEvents", 0, "stats"], "x", "/seriousEvents/0/stats should be a list, got text"),
        (["timeFrame"], ["x"], "/timeFrame should be text, got a list"),
        ([], ["x"], " should be an object, got a list"),
    ],
)
def test_malformed_adverse_events_raise_when_read_not_when_parsed(path, value, message):
    record = real_record("NCT00790751")
    keys = ["resultsSection", "adverseEventsModule", *path]
    parent = resolve_pointer(record, "".join(f"/{k}" for k in keys[:-1]))
    parent[keys[-1]] = value
    trial = parse_trial(record)  # what the builders read is all there
    assert trial.has_results
    assert trial.results.outcome_measures == parse_trial(real_record("NCT00790751")).results.outcome_measures
    with pytest.raises(BadRecordError, match=f"^NCT00790751: /resultsSection/adverseEventsModule{message}$"):
        trial.results.adverse_events  # noqa: B018 - reading them is what raises


def test_analysis_p_values_are_numbers():
    analyses = [
        a
        for r in real_records()
        if r.get("resultsSection")
        for m in parse_trial(r).results.outcome_measures
        for a in m.analyses
    ]
    assert len(analyses) == 2066
    with_p = [a for a in analyses if a.p_value_text]
    assert all(a.p_value is not None for a in with_p if a.p_value_text.strip()[:1] in "0123456789.<>=")
    assert any(a.p_value_qualifier == "<" for a in with_p)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("14.1", 14.1),
        (".0003", 0.0003),
        ("26,300", 26300.0),
        ("NA", None),
        ("", None),
        ("-3.5", -3.5),
        ("1e-5", 1e-5),
        ("1,5", None),
        ("abc", None),
        (None, None),
        ("1,234,567.5", 1234567.5),
    ],
)
def test_parse_number(text, expected):
    assert parse_number(text) == expected


def test_parse_qualified_number():
    assert parse_qualified_number("<0.001") == (0.001, "<")
    assert parse_qualified_number("= 0.03") == (0.03, None)
    assert parse_qualified_number("≤.05") == (0.05, "<=")


def test_ages_and_dispersion():
    assert parse_age_years("18 Years") == 18.0
    assert parse_age_years("6 Months") == 0.5
    assert parse_age_years(None) is None
    assert normalize_dispersion("95% Confidence Interval") == "confidence_interval_95"
    assert normalize_dispersion("Inter-Quartile Range") == "interquartile_range"
    assert normalize_dispersion("Geometric Coefficient of Variation") == "geometric_cv"


def test_fuzzy_link_records_confidence():
    links = link_groups(
        [{"id": "OG000", "title": "Drug X 10mg"}, {"id": "OG001", "title": "Total"}],
        ["Drug X 10 mg", "Placebo"],
    )
    assert links["OG000"].method == "fuzzy" and 0.75 <= links["OG000"].confidence < 1.0
    assert "OG001" not in links


@pytest.mark.parametrize("bad", [[], "text", {"studies": []}, {"protocolSection": {}}])
def test_non_study_objects_are_refused(bad):
    with pytest.raises(BadRecordError):
        parse_trial(bad)


def test_units_analysed_other_than_participants():
    """A measure that also counts eyes, lesions, attacks or questionnaires says so
    (``Measure.analysis_units``); a measure of participants alone does not."""
    units = {
        (t.nct_id, m.title[:40]): m.analysis_units
        for t in (parse_trial(real_record(n)) for n in ("NCT02599194", "NCT04514523", "NCT02381795"))
        for m in t.results.outcome_measures
    }
    assert units[("NCT02381795", "Headache Pain Intensity")] == "Cluster Headaches"
    assert units[("NCT04514523", "Acceptability - Clinicians")] == "Questionnaires after each encounter"
    assert "Lesion locations assessed" in units.values()
    assert sum(u is None for u in units.values()) >= 5


def test_without_counts_takes_out_how_many_were_analysed():
    """Real row titles (NCT02008227, NCT00600821) and a registry-style group title."""
    assert without_counts("Coughing: C13D1(n= 19, 121)").split() == ["Coughing:", "C13D1"]
    assert without_counts("C4 D1 (pPDGFRB+) (n=25, 32)").split() == ["C4", "D1", "(pPDGFRB+)"]
    assert without_counts("Drug X 100 mg (N=20)").split() == ["Drug", "X", "100", "mg"]
    assert without_counts("Placebo (21 participants)").split() == ["Placebo"]
    assert without_counts("20 participants with a response").split()[0] == "20"  # not a bracketed count
    assert without_counts("Week 12 (LOCF)") == "Week 12 (LOCF)"
