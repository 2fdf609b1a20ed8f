"""Train/validation/test splits without leakage between trials (pure functions).

Every split is decided per *trial* (NCT id), never per pair, so that no trial's results
appear in two splits:

* ``by="trial"`` (default): a trial's split comes from a stable hash of ``seed`` and its
  NCT id (SHA-256, not Python's salted ``hash``). The same trial therefore lands in the
  same split in every config and in every build, whatever else the build contains.
* ``by="date"``: test = trials whose results were first posted strictly after ``cutoff``
  (``trial.results_first_posted``); validation = a hashed slice of the other trials; the
  rest is train. A trial with no results-posted date has no split (see below).

A pair involves two trials, ``nct_id`` and ``cf_nct_id`` (the same one for natural pairs).
A pair goes to a split only when **both** of its trials are assigned to that split; a
cross-trial (approximate) pair whose two trials fall in different splits, or whose
counterfactual trial has no known date under ``by="date"``, is **dropped** and counted.
Moving it to either side would put one trial's results in two splits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

SPLITS = ("train", "validation", "test")
SPLIT_BY = ("trial", "date")
DEFAULT_FRACTIONS: Mapping[str, float] = MappingProxyType({"train": 0.8, "validation": 0.1, "test": 0.1})
DEFAULT_SEED = 0


def unit_hash(nct_id: str, seed: int = DEFAULT_SEED) -> float:
    """A number in ``[0, 1)`` fixed by ``seed`` and the NCT id alone (same on every machine and run)."""
    digest = hashlib.sha256(f"{seed}:{nct_id.strip().upper()}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def hash_split(nct_id: str, seed: int = DEFAULT_SEED, fractions: Mapping[str, float] = DEFAULT_FRACTIONS) -> str:
    """The split of a trial by hash: ``fractions`` (in :data:`SPLITS` order, summing to 1) cut ``[0, 1)``."""
    u = unit_hash(nct_id, seed)
    edge = 0.0
    for name in SPLITS:
        edge += fractions.get(name, 0.0)
        if u < edge:
            return name
    return SPLITS[-1]


def parse_cutoff(value: str) -> date:
    """``YYYY-MM-DD`` as a date; raises ``ValueError`` with the expected form otherwise."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"a cutoff date must be YYYY-MM-DD, got {value!r}") from None


def _posted_date(value: str | None) -> date | None:
    """ClinicalTrials.gov dates are ``YYYY-MM-DD`` or ``YYYY-MM``; a month counts as its first day."""
    if not value:
        return None
    text = value.strip()
    if len(text) == 7:
        text += "-01"
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


@dataclass(frozen=True)
class SplitPlan:
    """How trials are assigned to splits; :meth:`trial_split` and :meth:`pair_split` apply it.

    ``posted`` maps NCT ids to their ``results_first_posted`` date string; it is needed only
    for ``by="date"`` (see :func:`posted_dates`). ``overrides`` maps NCT ids to the split they go
    to instead of their hashed one (see :func:`balance_overrides`).
    """

    by: str = "trial"
    seed: int = DEFAULT_SEED
    fractions: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_FRACTIONS))
    cutoff: date | None = None
    posted: Mapping[str, str | None] | None = None
    overrides: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.by not in SPLIT_BY:
            raise ValueError(f"split by must be one of {SPLIT_BY}, got {self.by!r}")
        if self.by == "date" and self.cutoff is None:
            raise ValueError("a date split needs a cutoff date (YYYY-MM-DD)")
        if set(self.fractions) - set(SPLITS) or abs(sum(self.fractions.values()) - 1.0) > 1e-9:
            raise ValueError(f"split fractions must name {SPLITS} and sum to 1, got {dict(self.fractions)}")

    def trial_split(self, nct_id: str) -> str | None:
        """The split of one trial, or ``None`` when it cannot be placed (date split, no known date)."""
        if self.by == "trial":
            return self.overrides.get(nct_id) or hash_split(nct_id, self.seed, self.fractions)
        posted = _posted_date((self.posted or {}).get(nct_id))
        if posted is None:
            return None
        assert self.cutoff is not None
        if posted > self.cutoff:
            return "test"
        rest = self.fractions.get("train", 0.0) + self.fractions.get("validation", 0.0)
        share = self.fractions.get("validation", 0.0) / rest if rest else 0.0
        return "validation" if unit_hash(nct_id, self.seed) < share else "train"

    def pair_split(self, nct_id: str, cf_nct_id: str) -> str | None:
        """The split of a pair: that of its trials when both agree, else ``None`` (the pair is dropped)."""
        first = self.trial_split(nct_id)
        if cf_nct_id == nct_id or first is None:
            return first
        return first if self.trial_split(cf_nct_id) == first else None


#: A config needs at least this many trials for every split to get one.
MIN_TRIALS_FOR_ALL_SPLITS = len(SPLITS)


def balance_overrides(plan: SplitPlan, configs: Mapping[str, set[str]], passes: int = 3) -> dict[str, str]:
    """Moves of trials between splits so that every config with at least
    :data:`MIN_TRIALS_FOR_ALL_SPLITS` trials has at least one trial in every split (``by="trial"``).

    With few trials the hash can leave a split empty (all of a config's trials in train and
    validation: no test split). For each empty split, one trial moves there from the config's
    fullest split: among its trials, the one found in the fewest other configs, then by a hash of
    the seed, the split and the NCT id, so the moves are deterministic. A trial moves in every config
    at once (it keeps one split across configs). ``configs`` maps a config to its trials' NCT ids.
    """
    overrides: dict[str, str] = {}
    if plan.by != "trial":
        return overrides
    uses = {nct: sum(nct in ids for ids in configs.values()) for ids in configs.values() for nct in ids}
    for _ in range(passes):
        moved = False
        for name in sorted(configs):
            ids = configs[name]
            if len(ids) < MIN_TRIALS_FOR_ALL_SPLITS:
                continue
            for empty in SPLITS:
                current = SplitPlan(plan.by, plan.seed, plan.fractions, overrides=overrides)
                members: dict[str, list[str]] = {s: [] for s in SPLITS}
                for nct in ids:
                    members[current.trial_split(nct) or SPLITS[0]].append(nct)
                if members[empty]:
                    continue
                fullest = max(SPLITS, key=lambda s: (len(members[s]), -SPLITS.index(s)))
                pick = min(members[fullest], key=lambda n: (uses[n], unit_hash(f"{empty}:{n}", plan.seed), n))
                overrides[pick] = empty
                moved = True
        if not moved:
            break
    return overrides
