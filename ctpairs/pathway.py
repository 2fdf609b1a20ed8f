"""Stepwise imagination pathways: from similar historical trials to a target, one factor at a time.

For a target trial (a v2 record: from the store, a file, or a CT Open item through
:func:`ctopen_record`), :func:`find_pathways`
asks the retrieval index (:mod:`ctpairs.retrieval`) for the anchors (drug-arm result groups x
outcome measures) most similar to the target's drug arms x protocol outcomes, keeps those of other
trials whose results were **first posted before the cutoff** (default: the target's start date),
takes the ``k`` best trials and, for each, lists the factors in which the anchor differs from the
target, in a set order, each step naming the two values as posted in the two records (with their
JSON pointers). When one of the anchor group's outcome measures matches the target outcome, its
posted result is attached.

Factors and their fields, in :data:`DEFAULT_ORDER` (override with ``order``):

==============  ===========================================================================
factor          fields (compared casefolded; lists as sets)
==============  ===========================================================================
population      ``conditions``, ``sex``, ``minimum_age``, ``maximum_age``, ``healthy_volunteers``
intervention    ``drugs`` (the arm's drug/biological interventions, placebos left out; names
                compared without the amounts they state),
                ``dose`` (the single dose the arm's label, else description, states)
outcome         ``outcome`` (measure title), ``time_frame``
setting         ``countries`` (of the locations), ``phases``, ``start_date``, ``completion_date``
==============  ===========================================================================

Each pathway is one JSON object (see :meth:`Pathway.as_dict`); ``ctpairs pathway`` writes one per
line, best anchor first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ctpairs.dose import is_placebo, parse_dose
from ctpairs.errors import PathwayError
from ctpairs.model.parse import parse_trial
from ctpairs.model.trial import Trial
from ctpairs.retrieval.texts import DRUG_TYPES, arm_drugs, compose_text, outcome_text

FACTORS: dict[str, tuple[str, ...]] = {
    "population": ("conditions", "sex", "minimum_age", "maximum_age", "healthy_volunteers"),
    "intervention": ("drugs", "dose"),
    "outcome": ("outcome", "time_frame"),
    "setting": ("countries", "phases", "start_date", "completion_date"),
}
DEFAULT_ORDER = ("population", "intervention", "outcome", "setting")
"""The order of the steps: the population first, the setting last."""
DEFAULT_K = 5
SEARCH_WIDTH = 20  # anchors asked of the index per wanted trial (many anchors share a trial)

_PROTOCOL = "/protocolSection"
_ELIGIBILITY = f"{_PROTOCOL}/eligibilityModule"
_STATUS = f"{_PROTOCOL}/statusModule"


@dataclass(frozen=True)
class Fact:
    """One field's value as posted (a string, a bool, a sorted list or None) and its JSON pointers."""

    value: Any
    pointers: tuple[str, ...]


@dataclass(frozen=True)
class Step:
    """One factor field in which the anchor differs from the target."""

    factor: str
    field: str
    anchor: Fact
    target: Fact

    def as_dict(self) -> dict[str, Any]:
        return {
            "factor": self.factor,
            "field": self.field,
            "from": self.anchor.value,
            "to": self.target.value,
            "from_pointers": list(self.anchor.pointers),
            "to_pointers": list(self.target.pointers),
        }


@dataclass
class Pathway:
    """An anchor of a historical trial and the ordered steps from it to the target."""

    target: str
    target_arm: str
    target_outcome: str
    anchor: str
    anchor_arm: str
    anchor_group: str
    anchor_measure: str
    similarity: float
    results_first_posted: str
    cutoff: str
    steps: list[Step] = field(default_factory=list)
    anchor_result: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        """The JSON object of one pathway (``steps`` go from the anchor's value to the target's)."""
        return {
            "target": self.target,
            "target_arm": self.target_arm,
            "target_outcome": self.target_outcome,
            "anchor": self.anchor,
            "anchor_arm": self.anchor_arm,
            "anchor_group": self.anchor_group,
            "anchor_measure": self.anchor_measure,
            "similarity": round(self.similarity, 4),
            "results_first_posted": self.results_first_posted,
            "cutoff": self.cutoff,
            "steps": [s.as_dict() for s in self.steps],
            "anchor_result": self.anchor_result,
        }


# -- reading the records ------------------------------------------------------------------------


def _get(record: Mapping[str, Any], pointer: str) -> Any:
    node: Any = record
    for token in pointer.split("/")[1:]:
        if isinstance(node, list):
            index = int(token)
            node = node[index] if index < len(node) else None
        elif isinstance(node, Mapping):
            node = node.get(token)
        else:
            return None
        if node is None:
            return None
    return node


def _scalar(record: Mapping[str, Any], pointer: str) -> Fact:
    value = _get(record, pointer)
    return Fact(value, (pointer,) if value is not None else ())


def _listed(items: Iterable[tuple[str, str]]) -> Fact:
    """A set-valued fact from (value, pointer) items: values sorted casefolded, first pointer of each."""
    seen: dict[str, tuple[str, str]] = {}
    for value, pointer in items:
        seen.setdefault(value.strip().casefold(), (value.strip(), pointer))
    chosen = [seen[k] for k in sorted(seen)]
    return Fact([v for v, _ in chosen] or None, tuple(p for _, p in chosen))


def _arm_index(record: Mapping[str, Any], label: str) -> int | None:
    arms = _get(record, f"{_PROTOCOL}/armsInterventionsModule/armGroups") or []
    return next((i for i, arm in enumerate(arms) if arm.get("label") == label), None)


def arm_facts(record: Mapping[str, Any], label: str) -> dict[str, Fact]:
    """``drugs`` and ``dose`` of the arm with this label, read from the record."""
    i = _arm_index(record, label)
    if i is None:
        return {"drugs": Fact(None, ()), "dose": Fact(None, ())}
    base = f"{_PROTOCOL}/armsInterventionsModule/armGroups/{i}"
    names = _get(record, f"{base}/interventionNames") or []
    drugs = _listed(
        (name.split(":", 1)[1], f"{base}/interventionNames/{j}")
        for j, name in enumerate(names)
        if ":" in name and name.split(":", 1)[0].strip().upper() in DRUG_TYPES and not is_placebo(name)
    )
    dose = Fact(None, ())
    for part in ("label", "description"):
        text = _get(record, f"{base}/{part}")
        single = parse_dose(text).single if text else None
        if single is not None:
            dose = Fact(single.text, (f"{base}/{part}",))
            break
    return {"drugs": drugs, "dose": dose}


def trial_facts(record: Mapping[str, Any]) -> dict[str, Fact]:
    """The population and setting fields of a record (see the module docstring)."""
    conditions = _get(record, f"{_PROTOCOL}/conditionsModule/conditions") or []
    locations = _get(record, f"{_PROTOCOL}/contactsLocationsModule/locations") or []
    phases = _get(record, f"{_PROTOCOL}/designModule/phases") or []
    return {
        "conditions": _listed((c, f"{_PROTOCOL}/conditionsModule/conditions/{i}") for i, c in enumerate(conditions)),
        "sex": _scalar(record, f"{_ELIGIBILITY}/sex"),
        "minimum_age": _scalar(record, f"{_ELIGIBILITY}/minimumAge"),
        "maximum_age": _scalar(record, f"{_ELIGIBILITY}/maximumAge"),
        "healthy_volunteers": _scalar(record, f"{_ELIGIBILITY}/healthyVolunteers"),
        "countries": _listed(
            (loc["country"], f"{_PROTOCOL}/contactsLocationsModule/locations/{i}/country")
            for i, loc in enumerate(locations)
            if loc.get("country")
        ),
        "phases": _listed((p, f"{_PROTOCOL}/designModule/phases/{i}") for i, p in enumerate(phases)),
        "start_date": _scalar(record, f"{_STATUS}/startDateStruct/date"),
        "completion_date": _scalar(record, f"{_STATUS}/completionDateStruct/date"),
    }


def _drug_name(name: str) -> str:
    """A drug name without the amounts it states: ``Avanafil 200 mg`` -> ``avanafil``."""
    for dose in parse_dose(name).doses:
        name = name.replace(dose.text, " ")
    return " ".join(name.casefold().split())


def _same(name: str, a: Any, b: Any) -> bool:
    """Whether two values of field ``name`` are the same (casefolded; lists as sets; drug names
    without their amounts, which the ``dose`` field compares)."""

    def norm(v: Any) -> Any:
        if isinstance(v, list):
            return sorted({_drug_name(x) if name == "drugs" else str(x).strip().casefold() for x in v})
        return v.strip().casefold() if isinstance(v, str) else v

    return norm(a) == norm(b)


@dataclass(frozen=True)
class TargetQuery:
    """One (drug arm, protocol outcome) of the target, the text searched for it, and its facts."""

    arm: str
    outcome: str
    time_frame: str | None
    outcome_pointer: str
    text: str
    arm_facts: dict[str, Fact]


def target_queries(record: Mapping[str, Any], trial: Trial) -> list[TargetQuery]:
    """The target's drug arms x primary outcomes (else secondary) from its protocol section."""
    outcomes: list[tuple[dict, str]] = []
    for kind in ("primaryOutcomes", "secondaryOutcomes"):
        items = _get(record, f"{_PROTOCOL}/outcomesModule/{kind}") or []
        outcomes = [(o, f"{_PROTOCOL}/outcomesModule/{kind}/{i}") for i, o in enumerate(items) if o.get("measure")]
        if outcomes:
            break
    if not outcomes:
        raise PathwayError(f"{trial.nct_id} lists no primary or secondary outcome in its protocol")
    queries = []
    for arm in trial.arm_groups:
        drugs = arm_drugs(arm)
        if not drugs:
            continue
        facts = arm_facts(record, arm.label)
        for outcome, pointer in outcomes:
            text = compose_text(
                trial,
                drugs,
                facts["dose"].value,
                outcome_text(outcome["measure"], None, None, outcome.get("timeFrame")),
            )
            queries.append(TargetQuery(arm.label, outcome["measure"], outcome.get("timeFrame"), pointer, text, facts))
    if not queries:
        raise PathwayError(f"{trial.nct_id} has no arm with a drug or biological (other than placebo) to start from")
    return queries


def _date(text: str | None) -> dt.date | None:
    """A ClinicalTrials.gov date (``YYYY-MM-DD`` or ``YYYY-MM``, read as the 1st) or None."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text if len(text) > 7 else f"{text}-01")
    except ValueError:
        return None


def resolve_cutoff(cutoff: str | dt.date | None, target: Trial) -> dt.date:
    """The cutoff as a date: the one given, else the target's start date."""
    if isinstance(cutoff, dt.date):
        return cutoff
    value = _date(cutoff) if cutoff else _date(target.start_date)
    if value is None:
        if cutoff:
            raise PathwayError(f"--cutoff takes YYYY-MM-DD or YYYY-MM, got {cutoff!r}")
        raise PathwayError(f"{target.nct_id} states no start date; give --cutoff YYYY-MM-DD")
    return value


def check_order(order: Sequence[str]) -> tuple[str, ...]:
    """``order`` as a tuple, refusing unknown factors and repeats; factors left out are not listed."""
    unknown = [f for f in order if f not in FACTORS]
    if unknown or len(set(order)) != len(order):
        raise PathwayError(
            f"a factor order names each of {', '.join(FACTORS)} at most once, got {', '.join(order) or 'nothing'}"
        )
    return tuple(order)


def ctopen_record(benchmark: Mapping[tuple[str, str], Mapping[str, Any]], nct_id: str) -> dict[str, Any]:
    """A CT Open item as a v2-shaped record to use as a target: the title, the arms with their
    interventions, and every endpoint the benchmark asks about for ``nct_id`` as a primary
    outcome. CT Open gives no conditions, eligibility, locations or dates, so those steps name
    ``None`` on the target side and the cutoff must be given. The target's pointers refer to this
    record.
    """
    from ctpairs.ctopen import CTOpenError, parse_endpoint

    items = [item for (nct, _), item in benchmark.items() if nct == nct_id]
    if not items:
        raise CTOpenError(f"{nct_id} is not in the CT Open file")
    arms = [dict(a) for a in items[0].get("arms") or [] if isinstance(a, Mapping)]
    interventions: dict[tuple[str, str], dict[str, Any]] = {}
    for arm in arms:
        for iv in arm.get("interventions") or []:
            entry = interventions.setdefault(
                (iv.get("type") or "OTHER", iv.get("name") or ""),
                {"type": iv.get("type") or "OTHER", "name": iv.get("name") or "", "armGroupLabels": []},
            )
            entry["armGroupLabels"].append(arm.get("label"))
        arm.setdefault(
            "interventionNames",
            [f"{(iv.get('type') or 'other').title()}: {iv.get('name')}" for iv in arm.get("interventions") or []],
        )
        arm.pop("interventions", None)
    endpoints = [parse_endpoint(item["endpoint"]) for item in items]
    return {
        "protocolSection": {
            "identificationModule": {"nctId": nct_id, "briefTitle": items[0].get("brief_title")},
            "armsInterventionsModule": {"armGroups": arms, "interventions": list(interventions.values())},
            "outcomesModule": {
                "primaryOutcomes": [
                    {k: e[k] for k in ("measure", "description", "timeFrame") if e.get(k)} for e in endpoints
                ]
            },
        }
    }


# -- matching outcomes and results ---------------------------------------------------------------


def _outcome_matches(title: str, time_frame: str | None, measure) -> bool:
    """The target outcome ``title`` (and ``time_frame`` when given) is ``measure``'s: titles that
    match as the approximate builders match them (:func:`ctpairs.retrieval.approximate.titles_match`)."""
    from ctpairs.retrieval.approximate import normalize_time_frame, title_key, titles_match

    return titles_match(title_key(title), title_key(measure.title)) and (
        time_frame is None or normalize_time_frame(time_frame) == normalize_time_frame(measure.time_frame)
    )


def anchor_result(trial: Trial, group_id: str, query: TargetQuery, measure_index: int) -> dict[str, Any] | None:
    """The posted result of the anchor's group for the measure that matches the target outcome
    (the retrieved measure first, then the others), or None when none matches."""
    measures = sorted(trial.results.outcome_measures, key=lambda m: m.index != measure_index)
    for measure in measures:
        if not _outcome_matches(query.outcome, query.time_frame, measure):
            continue
        values = [
            {
                "class": cls.title,
                "category": cat.title,
                "value": m.value,
                "value_text": m.value_text,
                "spread": m.spread,
                "lower": m.lower,
                "upper": m.upper,
                "n": measure.row_n(group_id, cls, cat).n,
                "pointer": m.pointer,
            }
            for cls, cat, m in measure.measurements_for(group_id)
        ]
        if values:
            return {
                "measure": measure.title,
                "time_frame": measure.time_frame,
                "unit": measure.unit,
                "param_type": measure.param_type,
                "dispersion_type": measure.dispersion_type,
                "values": values,
                "pointer": measure.pointer,
            }
    return None


# -- the search ---------------------------------------------------------------------------------


class Searcher:
    """The retrieval index of a folder written by ``ctpairs index`` and the model that embeds
    queries for it, loaded once for many targets."""

    def __init__(self, index_dir: str | Path, *, device: str | None = None):
        from ctpairs.retrieval.embed import DEFAULT_MODEL_ID, Embedder
        from ctpairs.retrieval.index import VectorIndex

        if not VectorIndex.exists(index_dir):
            raise PathwayError(f"no retrieval index in {index_dir}; run `ctpairs index` first")
        self.index = VectorIndex.load(index_dir)
        self.embedder = Embedder(
            None if self.index.model_id == DEFAULT_MODEL_ID else self.index.model_id, device=device
        )

    def search(self, texts: Sequence[str], k: int):
        """(similarities, positions) of the ``k`` nearest anchors of each text."""
        import numpy as np

        return self.index.search(np.asarray(self.embedder.embed(list(texts))), k)


def find_pathways(
    target: Mapping[str, Any],
    load_record: Callable[[str], Mapping[str, Any] | None],
    index_dir: str | Path | Searcher,
    *,
    k: int = DEFAULT_K,
    cutoff: str | dt.date | None = None,
    order: Sequence[str] = DEFAULT_ORDER,
    device: str | None = None,
) -> list[Pathway]:
    """The pathways from the ``k`` most similar trials posted before the cutoff to ``target``.

    Args:
        target: the target's v2 record (it needs no results).
        load_record: gives the v2 record of an NCT id of the index (e.g. ``Store.get``), or None.
        index_dir: a folder written by ``ctpairs index`` (``<store>.index/``), or a :class:`Searcher`
            over one (to search for many targets with one model load).
        k: anchors (one per trial) to return, best first.
        cutoff: only anchors whose results were first posted before it (default: the target's start).
        order: the factor order of the steps (see :data:`DEFAULT_ORDER`).
        device: where the query texts are embedded.
    """
    order = check_order(order)
    if k < 1:
        raise PathwayError("--k must be at least 1")
    searcher = index_dir if isinstance(index_dir, Searcher) else Searcher(index_dir, device=device)
    trial = parse_trial(dict(target))
    limit = resolve_cutoff(cutoff, trial)
    queries = target_queries(target, trial)
    index = searcher.index
    sims, hits = searcher.search([q.text for q in queries], k * SEARCH_WIDTH)

    best: dict[str, tuple[float, int, str]] = {}  # nct id -> (similarity, query, anchor key)
    for qi, (row_sims, row_hits) in enumerate(zip(sims, hits)):
        for sim, hit in zip(row_sims, row_hits):
            if hit < 0:
                continue
            key = index.keys[hit]
            nct_id = key.split("/", 1)[0]
            if nct_id != trial.nct_id and (nct_id not in best or sim > best[nct_id][0]):
                best[nct_id] = (float(sim), qi, key)

    target_trial_facts = trial_facts(target)
    pathways: list[Pathway] = []
    for nct_id, (sim, qi, key) in sorted(best.items(), key=lambda item: (-item[1][0], item[0])):
        record = load_record(nct_id)
        if record is None:
            continue
        anchor_trial = parse_trial(dict(record))
        posted = _date(anchor_trial.results_first_posted)
        if posted is None or posted >= limit:
            continue
        pathway = _pathway(trial, target_trial_facts, queries[qi], record, anchor_trial, key, sim, order)
        if pathway is not None:
            pathway.cutoff = limit.isoformat()
            pathways.append(pathway)
        if len(pathways) == k:
            break
    return pathways


def _pathway(
    trial: Trial,
    target_trial_facts: dict[str, Fact],
    query: TargetQuery,
    record: Mapping[str, Any],
    anchor_trial: Trial,
    key: str,
    similarity: float,
    order: Sequence[str],
) -> Pathway | None:
    _, measure_index, group_id = key.split("/", 2)
    measure = next((m for m in anchor_trial.results.outcome_measures if m.index == int(measure_index)), None)
    group = measure.group(group_id) if measure else None
    if measure is None or group is None or group.arm is None:
        return None  # the index is older than the record: run `ctpairs index` again
    outcome_base = measure.pointer
    anchor_facts = {
        **trial_facts(record),
        **arm_facts(record, group.arm.arm_label),
        "outcome": Fact(measure.title, (f"{outcome_base}/title",)),
        "time_frame": Fact(measure.time_frame, (f"{outcome_base}/timeFrame",) if measure.time_frame else ()),
    }
    target_facts = {
        **target_trial_facts,
        **query.arm_facts,
        "outcome": Fact(query.outcome, (f"{query.outcome_pointer}/measure",)),
        "time_frame": Fact(query.time_frame, (f"{query.outcome_pointer}/timeFrame",) if query.time_frame else ()),
    }
    steps = [
        Step(factor, name, anchor_facts[name], target_facts[name])
        for factor in order
        for name in FACTORS[factor]
        if not _same(name, anchor_facts[name].value, target_facts[name].value)
    ]
    return Pathway(
        target=trial.nct_id,
        target_arm=query.arm,
        target_outcome=query.outcome,
        anchor=anchor_trial.nct_id,
        anchor_arm=group.arm.arm_label,
        anchor_group=group.title,
        anchor_measure=measure.title,
        similarity=similarity,
        results_first_posted=anchor_trial.results_first_posted or "",
        cutoff="",
        steps=steps,
        anchor_result=anchor_result(anchor_trial, group_id, query, measure.index),
    )


# -- pathways in prompts ------------------------------------------------------------------------


def _result_text(result: Mapping[str, Any] | None) -> str:
    if not result or not result["values"]:
        return "no posted result for this outcome"
    parts = []
    for v in result["values"][:3]:
        label = " / ".join(x for x in (v["class"], v["category"]) if x)
        n = f", n={v['n']:g}" if v.get("n") else ""
        parts.append(f"{label + ': ' if label else ''}{v['value_text']} {result['unit'] or ''}".rstrip() + n)
    more = f" (+{len(result['values']) - 3} more)" if len(result["values"]) > 3 else ""
    return f"{result['measure']} [{result['param_type'] or 'value'}]: " + "; ".join(parts) + more


def describe_pathways(pathways: Sequence[Pathway]) -> str:
    """The pathways to one target as a prompt block: each anchor, its posted result for the
    target's outcome where one matched, and the steps from it to the target, in order."""
    if not pathways:
        return "Similar earlier trials with posted results: none found."
    lines = ["Similar earlier trials with posted results (closest first), and how each differs from this trial:"]
    for i, p in enumerate(pathways, 1):
        lines.append(f"{i}. {p.anchor}, arm {p.anchor_arm!r}, outcome {p.anchor_measure!r}")
        lines.append(f"   Posted result: {_result_text(p.anchor_result)}")
        steps = "; ".join(f"{s.field}: {s.anchor.value} -> {s.target.value}" for s in p.steps) or "nothing listed"
        lines.append(f"   Differences (anchor -> this trial): {steps}")
    return "\n".join(lines)


class PathwayBlocks:
    """For evaluation prompts: :func:`describe_pathways` of each target trial, found once per trial.

    ``load_target`` gives a target's v2 record by NCT id (a CT Open item through
    :func:`ctopen_record`, or the store); ``load_record`` the records of the index's trials.
    """

    def __init__(
        self,
        load_target: Callable[[str], Mapping[str, Any] | None],
        load_record: Callable[[str], Mapping[str, Any] | None],
        searcher: Searcher,
        *,
        k: int,
        cutoff: str | dt.date | None,
        order: Sequence[str] = DEFAULT_ORDER,
    ):
        self.load_target, self.load_record, self.searcher = load_target, load_record, searcher
        self.k, self.cutoff, self.order = k, cutoff, order
        self._blocks: dict[str, str] = {}

    def __call__(self, nct_id: str) -> str:
        if nct_id not in self._blocks:
            target = self.load_target(nct_id)
            if target is None:
                raise PathwayError(f"{nct_id}: no record to find pathways for")
            pathways = find_pathways(
                target, self.load_record, self.searcher, k=self.k, cutoff=self.cutoff, order=self.order
            )
            self._blocks[nct_id] = describe_pathways(pathways)
        return self._blocks[nct_id]
