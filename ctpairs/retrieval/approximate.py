"""What the approximate (cross-trial) builders share: neighbours, matching rules, pair making.

An approximate builder pairs an *anchor* (see :mod:`ctpairs.retrieval.texts`) with an anchor
of ANOTHER trial that differs from it in exactly one attribute, the builder's axis. For each
anchor the :data:`DEFAULT_K` nearest anchors of other trials with cosine similarity
>= :data:`MIN_SIMILARITY` are candidates; a candidate is kept only when

* **intervention**: the arms share a drug (casefolded names of non-placebo drug/biological
  interventions intersect) and give the same set of such drugs (``regimen``);
* **outcome**: titles match (rapidfuzz ``token_sort_ratio`` >= :data:`OUTCOME_TITLE_MATCH`,
  casefolded), name the same endpoints (:func:`ctpairs.endpoints.constructs`: Cmax is not
  Cmin) and state the same specifics (:func:`ctpairs.endpoints.specifics`: numbers such as an item
  or a threshold, the named domain of an instrument, a change or a score), same unit, same
  parameter type, and time frames equal after normalization
  (:func:`normalize_time_frame`);
* **the axis attribute differs** and **every other attribute is held equal**:

  ============  ===============================================  ==============================
  attribute     value                                            equal when
  ============  ===============================================  ==============================
  geography     the trial's set of countries                     the same set
  population    (minimum age, maximum age, sex, subgroup)        ages within
                                                                 :data:`AGE_TOLERANCE_YEARS`,
                                                                 same sex, same subgroup
  phase         the trial's set of phases                        the same set
  comparator    what the other groups of the measure get         the same set
                ("placebo", the drugs of an active arm, "none")
  dose          the single dose the group states                 comparable units, same amount
  ============  ===============================================  ==============================

  A held attribute that neither side states (no countries, no parsed dose) does not block a
  pair but is left out of ``matched_on``; one stated on one side only blocks it.

  Beyond age and sex, whom a trial enrolled is only in its criteria text: the two trials'
  inclusion criteria must be the same criteria (:func:`ctpairs.eligibility.same_inclusion`), or
  the candidate stops at :data:`OTHER_CRITERIA` (avanafil in diabetic and in post-prostatectomy
  erectile dysfunction, with the same structured condition, sex and ages).

  The *subgroup* is what the anchor's group is defined by (:func:`subgroup`): the participant
  characteristics its title names (biomarker status, histology, best response, ...) and its
  disease, from the group's title when it names one (a basket trial's "Part E Abemaciclib:
  Melanoma"), else from the trial's conditions. A subgroup stated on one side only makes the
  population unknown: such a pair is never made.

Each pair's factual side is the anchor, the counterfactual side the neighbour; ``similarity``
is their cosine similarity and ``matched_on`` lists what was held equal. Passing candidates
are taken best first (highest similarity): an anchor is paired with at most one outcome
measure of each partner group, and a couple of groups is paired once per outcome, from one
side only, unless ``allow_reverse``. An anchor without a partner gives one
:class:`~ctpairs.builder.Skip` whose reason is the furthest matching stage any of its candidates
reached (see :data:`STAGES`).
"""

from __future__ import annotations

import logging
import re
from collections import OrderedDict, defaultdict
from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from ctpairs.builder import Skip
from ctpairs.characteristics import Token, characteristics, diseases
from ctpairs.dose import comparable, dose_ratio, is_placebo
from ctpairs.eligibility import inclusion_criteria, same_inclusion
from ctpairs.endpoints import title_facts
from ctpairs.model.numbers import normalize_unit
from ctpairs.model.trial import Trial
from ctpairs.pairing import is_pooled_group, make_pair
from ctpairs.retrieval import IndexedCorpus, collect_anchors, index_anchors
from ctpairs.retrieval.texts import Anchor, arm_drugs, iter_anchors
from ctpairs.schema import Change, DoseInfo, Pair
from ctpairs.shelf import TrialShelf

log = logging.getLogger(__name__)

DEFAULT_K = 10
MIN_SIMILARITY = (
    0.6  # cosine (all-MiniLM-L6-v2); pairs made on the sample score > 0.95, so this only drops unrelated texts
)
OUTCOME_TITLE_MATCH = 85.0
AGE_TOLERANCE_YEARS = 1.0
ATTRIBUTES = ("geography", "population", "phase", "comparator", "dose")
CHANGE_ATTRIBUTE = {
    "geography": "countries",
    "population": "population",
    "phase": "phase",
    "comparator": "comparator",
    "dose": "dose",
}

# Why an anchor found no partner: the furthest of these stages any of its candidates reached.
NO_NEIGHBOUR = "no neighbour from another trial within top k above the similarity threshold"
NO_SAME_DRUG = "no neighbour with the same drug"
NO_SAME_REGIMEN = "neighbours with the same drug have other co-interventions"
OUTCOME_MISMATCH = "outcome mismatch (title, unit, parameter or time frame)"
AXIS_UNKNOWN = "axis attribute not stated or not comparable"
AXIS_SAME = "axis attribute the same"
MORE_THAN_ONE = "differs in more than one attribute"
OTHER_CRITERIA = "inclusion criteria differ beyond age and sex"
NO_SHARED_VALUE = "no value posted in a category both report"
MADE_ALREADY = "partner group already matched on this outcome (or paired from the other side)"
STAGES = (
    NO_NEIGHBOUR,
    NO_SAME_DRUG,
    NO_SAME_REGIMEN,
    OUTCOME_MISMATCH,
    AXIS_UNKNOWN,
    AXIS_SAME,
    MORE_THAN_ONE,
    OTHER_CRITERIA,
    NO_SHARED_VALUE,
    MADE_ALREADY,
)
NOT_PREPARED = "trial not in the prepared corpus (call prepare() first)"

SAME, DIFFERS, UNSTATED, UNKNOWN = "same", "differs", "unstated", "unknown"

_TIME_UNITS = re.compile(r"\b(second|minute|hour|day|week|month|year|cycle)s\b")
_NON_WORD = re.compile(r"[^a-z0-9.]+")


def normalize_time_frame(text: str | None) -> str:
    """Casefold, singularize time units, drop punctuation, sort words: "Weeks 12" == "12 week"."""
    words = _NON_WORD.sub(" ", _TIME_UNITS.sub(r"\1", (text or "").casefold())).split()
    return " ".join(sorted(w.strip(".") for w in words if w.strip(".")))


TitleKey = tuple[tuple[frozenset[str], frozenset[str]], str]
OutcomeKey = tuple[str, str | None, str, TitleKey]


def title_key(title: str) -> TitleKey:
    """What :func:`titles_match` compares of an outcome title: its
    :func:`ctpairs.endpoints.title_facts` and the casefolded title (worked out once per anchor)."""
    return title_facts(title), title.casefold()


def titles_match(a: TitleKey, b: TitleKey) -> bool:
    """Two :func:`title_key` values name one outcome: the same endpoints and specifics
    (:func:`ctpairs.endpoints.title_facts`: "Cmax" is not "Cmin", response is not "CR, PR or stable
    disease", one questionnaire item or threshold is not another) and alike words (rapidfuzz
    ``token_sort_ratio`` >= :data:`OUTCOME_TITLE_MATCH`)."""
    return a[0] == b[0] and fuzz.token_sort_ratio(a[1], b[1]) >= OUTCOME_TITLE_MATCH


def outcome_key(anchor: Anchor) -> OutcomeKey:
    """What :func:`outcome_matches` compares of an anchor's outcome: (unit, parameter type,
    normalized time frame, :func:`title_key`), casefolded."""
    m = anchor.measure
    return (normalize_unit(m.unit), m.param_type, normalize_time_frame(m.time_frame), title_key(m.title))


def outcome_matches(a: OutcomeKey, b: OutcomeKey) -> bool:
    """Same outcome (two :func:`outcome_key` values): same unit, parameter type and normalized time
    frame, and titles that match (:func:`titles_match`)."""
    return a[:3] == b[:3] and titles_match(a[3], b[3])


# -- attributes -----------------------------------------------------------------------------


def _comparators(anchor: Anchor) -> frozenset[str]:
    """What the other groups of the anchor's measure get: "placebo", their drugs, or "none".

    Groups that give the anchor's own drugs (other doses or schedules of the same regimen) are not
    comparators: a group is "placebo" by its arm's type, or by a placebo in its title or arm only
    when its arm gives no drug ("Fremanezumab 675 mg/Placebo/Placebo" is a dose arm, not a placebo).
    """
    found: set[str] = set()
    for group in anchor.measure.groups:
        if group.id == anchor.group.id or is_pooled_group(group):
            continue
        arm = anchor.trial.arm(group.arm.arm_label) if group.arm else None
        if arm is not None and arm.label == anchor.arm.label:
            continue
        drugs = arm_drugs(arm) if arm else frozenset()
        if drugs == anchor.drugs:
            continue
        placebo_named = (
            is_placebo(group.title) or arm is not None and any(is_placebo(iv.name) for iv in arm.interventions)
        )
        if arm is not None and arm.type == "PLACEBO_COMPARATOR" or placebo_named and not drugs:
            found.add("placebo")
        elif drugs:
            found.add(" + ".join(sorted(drugs)))
        else:
            found.add((arm.type or "other").lower().replace("_", " ") if arm else "unlinked group")
    return frozenset(found) or frozenset({"none"})


def subgroup(anchor: Anchor) -> frozenset[Token]:
    """The participant characteristics of the anchor's group (:mod:`ctpairs.characteristics`), and
    its disease from the trial's conditions when the group's title names none."""
    group, trial = anchor.group, anchor.trial
    found = characteristics(group.title, group.description or "")
    if not any(kind == "disease" for kind, _ in found):
        found |= {("disease", name) for name in diseases("\n".join(trial.conditions))}
    return found


def attribute_value(anchor: Anchor, name: str) -> Hashable:
    """The anchor's value of one attribute (None when not stated)."""
    trial, el = anchor.trial, anchor.trial.eligibility
    if name == "geography":
        return frozenset(trial.countries) or None
    if name == "population":
        return (el.minimum_age_years, el.maximum_age_years, el.sex or "ALL", subgroup(anchor))
    if name == "phase":
        return frozenset(p for p in trial.design.phases if p != "NA") or None
    if name == "comparator":
        return _comparators(anchor)
    if name == "dose":
        return anchor.dose.dose if anchor.dose else None
    raise ValueError(f"unknown attribute {name!r}; known: {', '.join(ATTRIBUTES)}")


def _ages_equal(a: float | None, b: float | None) -> bool:
    return a is None and b is None or a is not None and b is not None and abs(a - b) <= AGE_TOLERANCE_YEARS


def compare(name: str, a: Hashable, b: Hashable) -> str:
    """``same``, ``differs``, ``unstated`` (neither side states it) or ``unknown`` (one side, or not comparable)."""
    if a is None and b is None:
        return UNSTATED
    if a is None or b is None:
        return UNKNOWN
    if name == "population":
        (lo_a, hi_a, sex_a, sub_a), (lo_b, hi_b, sex_b, sub_b) = a, b  # type: ignore[misc]
        if sub_a != sub_b and not (sub_a and sub_b):
            return UNKNOWN  # one side's group is a subgroup (or names a disease), the other's is not
        same = _ages_equal(lo_a, lo_b) and _ages_equal(hi_a, hi_b) and sex_a == sex_b and sub_a == sub_b
        return SAME if same else DIFFERS
    if name == "dose":
        if not comparable(a, b):  # type: ignore[arg-type]
            return UNKNOWN
        return SAME if dose_ratio(a, b) == 1 else DIFFERS  # type: ignore[arg-type]
    return SAME if a == b else DIFFERS


def show(name: str, value: Hashable) -> str:
    """A value as written in ``change.from`` / ``change.to``."""
    if value is None:
        return "not stated"
    if name == "population":
        lo, hi, sex, sub = value  # type: ignore[misc]
        ages = f"{'any' if lo is None else f'{lo:g}'}-{'any' if hi is None else f'{hi:g}'} years"
        return f"{ages}, {sex.lower()}" + "".join(f"; {kind}: {what}" for kind, what in sorted(sub))
    if name == "dose":
        return value.text  # type: ignore[attr-defined]
    return "; ".join(sorted(value))  # type: ignore[arg-type]


# -- the shared corpus --------------------------------------------------------------------


@dataclass(frozen=True)
class AnchorFacts:
    """What the matching rules read of an anchor, without the parsed trial it came from: a corpus
    keeps these for every anchor, and parses trials again only for the pairs they make."""

    key: str
    nct_id: str
    measure_index: int
    group_id: str
    text: str
    text_hash: str
    drugs: frozenset[str]
    outcome: OutcomeKey
    values: tuple[Hashable, ...]  # attribute_value of each of ATTRIBUTES, in that order
    slots: frozenset[tuple[str, str]]  # (class, category) titles the group posted a value in

    @classmethod
    def of(cls, anchor: Anchor) -> AnchorFacts:
        """The facts of one anchor (its trial can then be let go)."""
        return cls(
            anchor.key,
            anchor.trial.nct_id,
            anchor.measure.index,
            anchor.group.id,
            anchor.text,
            anchor.text_hash,
            anchor.drugs,
            outcome_key(anchor),
            tuple(attribute_value(anchor, name) for name in ATTRIBUTES),
            frozenset(anchor.slots),
        )

    def value(self, name: str) -> Hashable:
        """The anchor's value of one of :data:`ATTRIBUTES` (see :func:`attribute_value`)."""
        return self.values[ATTRIBUTES.index(name)]


@dataclass
class Neighbours:
    """The anchors of a corpus and, per anchor, its top-k other-trial neighbours above the threshold.
    The corpus's trials stay on a :class:`~ctpairs.shelf.TrialShelf`."""

    corpus: IndexedCorpus  # its anchors are AnchorFacts
    trials_without: dict[str, str]  # nct id -> why it has no anchor
    shelf: TrialShelf
    inclusion: dict[str, tuple[str, ...]]  # nct id -> its inclusion criteria (ctpairs.eligibility)
    lists: list[list[tuple[int, float]]] = field(default_factory=list)  # anchor index -> [(anchor index, similarity)]


class Partners:
    """The anchors a builder's plan pairs with, by key.

    Their trials are kept on a shelf of their own, cut down to the outcome measures of those
    anchors (:meth:`~ctpairs.model.trial.Trial.with_outcome_measures`): the pairs of a block of
    trials draw partners from anywhere in the corpus, so each partner is unpickled again and
    again, and a trial cut down to a measure or two unpickles several times faster than a whole
    one. The anchors of the last :data:`CACHED_PARTNER_TRIALS` trials asked for are kept.
    """

    def __init__(self, corpus: TrialShelf, anchors: Iterable[AnchorFacts]):
        measures: dict[str, set[int]] = defaultdict(set)
        for anchor in anchors:
            measures[anchor.nct_id].add(anchor.measure_index)
        self._shelf = TrialShelf(corpus[nct_id].with_outcome_measures(measures[nct_id]) for nct_id in measures)
        self._anchors: OrderedDict[str, dict[str, Anchor]] = OrderedDict()

    def anchor(self, nct_id: str, key: str) -> Anchor:
        """The anchor ``key`` of the trial ``nct_id`` (one of those this was made with)."""
        if nct_id not in self._anchors:
            trial = self._shelf[nct_id]
            self._anchors[nct_id] = {a.key: a for a in iter_anchors(trial) if isinstance(a, Anchor)}
            if len(self._anchors) > CACHED_PARTNER_TRIALS:
                self._anchors.popitem(last=False)
        self._anchors.move_to_end(nct_id)
        return self._anchors[nct_id][key]


CACHED_PARTNER_TRIALS = 256
_memo: dict[tuple, Neighbours] = {}


def corpus_neighbours(
    trials: Iterable[Trial],
    *,
    index_dir: Path | None,
    model: str | None,
    device: str | None,
    k: int = DEFAULT_K,
    min_similarity: float = MIN_SIMILARITY,
    kind: str = "auto",
) -> Neighbours:
    """Embed and index the anchors of ``trials`` and find each anchor's neighbours.

    ``trials`` is put on a :class:`~ctpairs.shelf.TrialShelf` unless it is one, and the anchors
    are collected as the trials pass (from a shelf, its trials are unpickled once for them). The
    result is kept for the last corpus asked for, so several approximate builders in one build
    embed, index and search once (hand them the same shelf, or trials equal in NCT ids and update
    dates).
    """
    anchors: list[AnchorFacts] = []
    without: dict[str, str] = {}
    inclusion: dict[str, tuple[str, ...]] = {}

    def collecting(stream: Iterable[Trial]) -> Iterator[Trial]:
        for trial in stream:
            found, reasons = collect_anchors([trial], AnchorFacts.of)
            anchors.extend(found)
            without.update(reasons)
            inclusion[trial.nct_id] = inclusion_criteria(trial.eligibility.criteria)
            yield trial

    shelf = trials if isinstance(trials, TrialShelf) else TrialShelf(collecting(trials))
    key = (shelf.fingerprint, str(index_dir), model, device, k, min_similarity, kind)
    if key in _memo:
        return _memo[key]
    if isinstance(trials, TrialShelf):
        for _ in collecting(shelf):
            pass
    corpus = index_anchors(anchors, index_dir, model=model, device=device, kind=kind)
    position = {a.key: i for i, a in enumerate(anchors)}
    by_trial: dict[str, list[int]] = defaultdict(list)
    for i, a in enumerate(anchors):
        by_trial[a.nct_id].append(i)
    lists: list[list[tuple[int, float]]] = [[] for _ in anchors]
    for nct_id, rows in by_trial.items():
        # ask for k beyond the trial's own anchors, so k neighbours from other trials remain
        sims, hits = corpus.index.search(corpus.vectors[rows], k + len(rows))
        for row, row_sims, row_hits in zip(rows, sims, hits):
            for sim, hit in zip(row_sims, row_hits):
                j = position.get(corpus.index.keys[hit]) if hit >= 0 else None
                if j is None or anchors[j].nct_id == nct_id or sim < min_similarity:
                    continue
                lists[row].append((j, float(sim)))
                if len(lists[row]) == k:
                    break
    _memo.clear()
    _memo[key] = Neighbours(corpus, without, shelf, inclusion, lists)
    return _memo[key]


def forget_neighbours() -> None:
    """Let go of the neighbours :func:`corpus_neighbours` keeps for the last corpus (so that the
    approximate builders of one build share them), and with them the corpus's shelf, index and
    vectors. The build calls this when its approximate pass ends."""
    _memo.clear()


# -- the builder base ---------------------------------------------------------------------


def _dose_info(anchor: Anchor) -> tuple[DoseInfo, str] | None:
    if anchor.dose is None:
        return None
    d = anchor.dose.dose
    return DoseInfo(d.value, d.unit, d.per, d.frequency, d.route, d.text), anchor.dose.pointer


class ApproximateBuilder:
    """Base of the approximate builders: subclasses name the axis and the :attr:`attribute` it varies.

    Args:
        k: neighbours per anchor (from other trials, above ``min_similarity``).
        min_similarity: cosine similarity a neighbour needs.
        allow_reverse: also make (B, A) when (A, B) was made.
        kind: FAISS index kind (``auto``, ``flat``, ``hnsw``, ``ivf``).
    """

    name: str
    version: str
    description: str
    attribute: str
    kind = "approximate"

    def __init__(
        self,
        *,
        k: int = DEFAULT_K,
        min_similarity: float = MIN_SIMILARITY,
        allow_reverse: bool = False,
        kind: str = "auto",
    ):
        self.k = k
        self.min_similarity = min_similarity
        self.allow_reverse = allow_reverse
        self.index_kind = kind
        self._plan: dict[str, list[Skip | tuple[str, list[tuple[str, str, float, list[str]]]]]] | None = None
        self._neighbours: Neighbours | None = None
        self._partners: Partners | None = None
        self._prepared: frozenset[str] = frozenset()
        self.anchor_summary: dict[str, int] = {}

    def prepare(
        self,
        trials: Iterable[Trial],
        *,
        index_dir: Path | None = None,
        model: str | None = None,
        device: str | None = None,
    ) -> None:
        """Embed/load the index over ``trials`` and decide every pair; :meth:`build` then makes the
        pairs of one trial (its partners are unpickled again from a shelf of the partner trials,
        cut down to the measures paired: :class:`Partners`), so no pair is held in memory before
        it is asked for.

        Candidates that pass every rule are taken best first (highest similarity, then keys):
        an anchor gets at most one outcome measure per partner group, and without
        ``allow_reverse`` a couple of groups is paired once per outcome, from one side.
        """
        nb = corpus_neighbours(
            trials,
            index_dir=index_dir,
            model=model,
            device=device,
            k=self.k,
            min_similarity=self.min_similarity,
            kind=self.index_kind,
        )
        anchors: list[AnchorFacts] = nb.corpus.anchors  # type: ignore[assignment]
        furthest = [-1] * len(anchors)
        passing: list[tuple[float, str, str, int, int, list[str]]] = []
        for i, anchor in enumerate(anchors):
            for j, sim in nb.lists[i]:
                stage, matched = self._check(anchor, anchors[j], nb.inclusion)
                if stage:
                    furthest[i] = max(furthest[i], STAGES.index(stage))
                else:
                    passing.append((-sim, anchor.key, anchors[j].key, i, j, matched))
        made: dict[int, list[tuple[str, str, float, list[str]]]] = defaultdict(list)
        used: set[tuple[str, str, str]] = set()
        partners: set[int] = set()
        for neg_sim, _, _, i, j, matched in sorted(passing):
            a, b = anchors[i], anchors[j]
            mine, theirs = (a.key, b.nct_id, b.group_id), (b.key, a.nct_id, a.group_id)
            if mine in used or (theirs in used and not self.allow_reverse):
                furthest[i] = max(furthest[i], STAGES.index(MADE_ALREADY))
                continue
            if not a.slots & b.slots:  # _pairs would make none
                furthest[i] = max(furthest[i], STAGES.index(NO_SHARED_VALUE))
                continue
            made[i].append((b.nct_id, b.key, -neg_sim, matched))
            partners.add(j)
            used.add(mine)
            if not self.allow_reverse:
                used.add(theirs)
        plan: dict[str, list[Skip | tuple[str, list[tuple[str, str, float, list[str]]]]]] = defaultdict(list)
        for nct_id, reason in nb.trials_without.items():
            plan[nct_id].append(Skip(reason))
        for i, anchor in enumerate(anchors):
            plan[anchor.nct_id].append(
                (anchor.key, made[i]) if i in made else Skip(STAGES[max(furthest[i], 0)], anchor.key)
            )
        self._plan = dict(plan)
        self._neighbours = nb
        self._partners = Partners(nb.shelf, (anchors[j] for j in sorted(partners)))
        self._prepared = frozenset(nct_id for nct_id, _ in nb.shelf.fingerprint)
        self.anchor_summary = {"anchors": len(anchors), "with_partner": len(made)}
        log.info("%s: %d of %d anchors found a partner", self.name, len(made), len(anchors))

    @property
    def corpus(self) -> TrialShelf:
        """The trials :meth:`prepare` was given, on their shelf (hand it to the next approximate
        builder of the build, so the corpus is parsed, embedded and searched once)."""
        if self._neighbours is None:
            raise RuntimeError(NOT_PREPARED)
        return self._neighbours.shelf

    def _check(
        self, anchor: AnchorFacts, other: AnchorFacts, inclusion: Mapping[str, tuple[str, ...]]
    ) -> tuple[str, list[str]]:
        """(furthest stage reached, attributes held equal); stage "" when the candidate passes.
        ``inclusion``: each trial's inclusion criteria, which must be the same beyond age and sex
        (:func:`ctpairs.eligibility.same_inclusion`)."""
        if not anchor.drugs & other.drugs:
            return NO_SAME_DRUG, []
        if anchor.drugs != other.drugs:
            return NO_SAME_REGIMEN, []
        if not outcome_matches(anchor.outcome, other.outcome):
            return OUTCOME_MISMATCH, []
        axis = compare(self.attribute, anchor.value(self.attribute), other.value(self.attribute))
        if axis in (UNKNOWN, UNSTATED):
            return AXIS_UNKNOWN, []
        if axis == SAME:
            return AXIS_SAME, []
        matched = ["intervention", "regimen", "outcome"]
        for name, mine, theirs in zip(ATTRIBUTES, anchor.values, other.values):
            if name == self.attribute:
                continue
            verdict = compare(name, mine, theirs)
            if verdict in (DIFFERS, UNKNOWN):
                return MORE_THAN_ONE, []
            if verdict == SAME:
                matched.append(name)
        if not same_inclusion(inclusion[anchor.nct_id], inclusion[other.nct_id]):
            return OTHER_CRITERIA, []
        return "", matched

    def _pairs(self, anchor: Anchor, other: Anchor, sim: float, matched: list[str]) -> list[Pair]:
        """One pair per value both groups posted in the same class/category."""
        mine, theirs = anchor.slots, other.slots
        before, after = attribute_value(anchor, self.attribute), attribute_value(other, self.attribute)
        ratio = round(dose_ratio(before, after), 6) if self.attribute == "dose" else None  # type: ignore[arg-type]
        change = Change(
            CHANGE_ATTRIBUTE[self.attribute], show(self.attribute, before), show(self.attribute, after), ratio
        )
        return [
            make_pair(
                builder=self.name,
                builder_version=self.version,
                axis=self.name,
                trial=anchor.trial,
                cf_trial=other.trial,
                factual=mine[slot],
                counterfactual=theirs[slot],
                change=change,
                kind="approximate",
                factual_dose=_dose_info(anchor),
                counterfactual_dose=_dose_info(other),
                similarity=round(sim, 6),
                matched_on=matched,
            )
            for slot in mine
            if slot in theirs
        ]

    def build(self, trial: Trial) -> Iterator[Pair | Skip]:
        """The pairs (and skips) :meth:`prepare` decided for the anchors of ``trial``, made now."""
        if self._plan is None or self._partners is None or trial.nct_id not in self._prepared:
            yield Skip(NOT_PREPARED)
            return
        mine: dict[str, Anchor] | None = None
        for entry in self._plan.get(trial.nct_id, []):
            if isinstance(entry, Skip):
                yield entry
                continue
            key, partners = entry
            if mine is None:
                mine = {a.key: a for a in iter_anchors(trial) if isinstance(a, Anchor)}
            for nct_id, other_key, sim, matched in partners:
                yield from self._pairs(mine[key], self._partners.anchor(nct_id, other_key), sim, matched)
