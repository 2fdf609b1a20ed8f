"""Counts over the store: studies, results, outcome measures, groups, phases."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

from ctpairs.store import Store


@dataclass
class StoreStats:
    studies: int = 0
    with_results: int = 0
    outcome_measures: int = 0
    outcome_groups: int = 0
    arm_groups: int = 0
    phases: dict[str, int] = field(default_factory=dict)
    data_timestamp: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def store_stats(store: Store) -> StoreStats:
    """Read every record once (streamed) and count what the pair builders work on."""
    stats = StoreStats()
    phases: Counter[str] = Counter()
    for record in store.iter_records():
        stats.studies += 1
        ps = record["protocolSection"]
        phases.update((ps.get("designModule") or {}).get("phases") or ["NA"])
        stats.arm_groups += len((ps.get("armsInterventionsModule") or {}).get("armGroups") or [])
        results = record.get("resultsSection")
        if not results:
            continue
        stats.with_results += 1
        measures = (results.get("outcomeMeasuresModule") or {}).get("outcomeMeasures") or []
        stats.outcome_measures += len(measures)
        stats.outcome_groups += sum(len(m.get("groups") or []) for m in measures)
    stats.phases = dict(sorted(phases.items()))
    stats.data_timestamp = store.get_meta("data_timestamp") or store.summary().data_timestamp
    return stats
