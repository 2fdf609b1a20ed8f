"""Dose pairs: two result groups of one trial whose regimens differ in one drug's amount only.

Each group's regimen is a dose per drug (:func:`ctpairs.dose.parse_regimen`, with the trial's
registered drug interventions and their other names as the drug names), read from the group's
title, then its description, then its linked arm's description and the arm's interventions'
descriptions. The most specific statement wins: a later text that states the same amount of a
drug with more detail ("10 mg/kg" after "10mg", a frequency or route) refines it, one that adds
a drug's dose adds it; a group whose title and description state different amounts of a drug is
refused (:data:`SKIP_DISAGREE`). The arm and its interventions only fill drugs the group's own
texts name without an amount, and only when they state one sure amount.

Two groups are paired only when

* they are the same population at the same time (:func:`ctpairs.cohorts.concurrency_skip`:
  no pooled group, same part/phase/stage/period, same population markers);
* they name the same drugs, and exactly one drug's amount differs, read surely (no titration,
  range, "X or Y", exposure target) in both, with the same unit basis, frequency and route; every
  other drug's reading is the same in both;
* everything else is equal: the titles are the same once amounts, numbering labels ("Cohort 3",
  "Dose level 2", "low dose") and the drugs' names are taken out; the descriptions, if both have
  one, are the same up to the amounts (rapidfuzz ratio >= :data:`DESCRIPTION_MATCH`); the linked
  arms have the same interventions.

The factual side is the lower dose; the ``change`` gives the two doses (prefixed with the drug's
name when the regimen has more than one drug). A placebo group states no dose of a drug (the
parser leaves placebo amounts out): placebo versus active contrasts belong to the ``arm`` axis.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import combinations

from rapidfuzz import fuzz

from ctpairs.abbreviations import without_definitions
from ctpairs.builder import PerMeasureBuilder, Skip
from ctpairs.cohorts import SKIP_POOLED, concurrency_skip, is_pooled
from ctpairs.dose import (
    AMOUNT_UNITS,
    DrugDose,
    Regimen,
    comparable,
    dose_ratio,
    is_daily_total_of,
    is_placebo,
    parse_regimen,
)
from ctpairs.model.numbers import without_counts
from ctpairs.model.trial import Measure, ResultGroup, Trial
from ctpairs.pairing import group_contrast, observations_by_group
from ctpairs.schema import Change, DoseInfo, Pair

DESCRIPTION_MATCH = 90.0

SKIP_PLACEBO = "placebo group"
SKIP_NO_DOSE = "group dose: no dose"
SKIP_DISAGREE = "group dose: title and description state different amounts"
SKIP_FEWER = "fewer than two dosed groups"
SKIP_DRUGS = "different drugs"
SKIP_SAME = "same dose"
SKIP_SEVERAL = "more than one drug's dose differs"
SKIP_UNSURE = "the differing drug's dose is not sure (titration, range, X or Y, exposure target, ambiguous number)"
SKIP_NOT_COMPARABLE = "doses not comparable (unit, basis, frequency or route)"
SKIP_TITLES = "titles differ beyond the dose"
SKIP_DESCRIPTIONS = "descriptions differ beyond the dose"
SKIP_ARMS = "arms have different interventions"

DRUG_TYPES = frozenset({"DRUG", "BIOLOGICAL", "COMBINATION_PRODUCT", "GENETIC", "DIETARY_SUPPLEMENT", "RADIATION"})

_LABEL_WORDS = r"cohort|dose level|level|group|arm|panel|treatment"  # words a group's label number follows
_LABEL = re.compile(
    rf"\b({_LABEL_WORDS})\s*(?:-?\s*[a-z]?\d+[a-z]?|[a-z])\b"
    r"|\bDL\s*-?\s*\d+[a-z]?\b|\b(low|lower|medium|mid|middle|intermediate|high|higher)(\s*-?\s*dose)?\b",
    re.I,
)
_AMOUNT = re.compile(  # the dose parser's units (and AUC), a list of numbers before one ("20/56 mg")
    r"(?:\d+(?:[.,]\d+)?(?:\s*[x×*]\s*10\s*\^?\s*\d+|e\+?\d+)?\s*(?:/\s*)?)+\s*"
    rf"(?:{AMOUNT_UNITS}|auc)\b(?:\s*/\s*(?:kg|m\^?2|m²))?"
    r"|\d+(?:\.\d+)?\s*[x×*]\s*10\s*[\^e]\s*\d+",  # a count to a power of ten, before the words of its cells
    re.I,
)
_WORD = re.compile(r"[a-z0-9]+")


def trial_drugs(trial: Trial) -> tuple[tuple[str, ...], ...]:
    """Each registered drug intervention's names (name first, then other names), placebo left out.

    A dose written into the name ("Azacitidine 30mg/m2") is taken out of it, and interventions
    that are then the same drug are one drug."""
    by_name: dict[str, list[str]] = {}
    for iv in trial.interventions:
        if (iv.type is None or iv.type in DRUG_TYPES) and not is_placebo(iv.name):
            names = [_AMOUNT.sub(" ", n).strip(" ,-") for n in [iv.name, *iv.other_names] if n and n.strip()]
            names = [n for n in names if n]
            if names:
                by_name.setdefault(names[0].casefold(), []).extend(names)
    return tuple(tuple(dict.fromkeys(names)) for names in by_name.values())


@dataclass(frozen=True)
class GroupRegimen:
    """A result group's regimen: each drug's reading, and the JSON pointer of the text each was read from."""

    regimen: Regimen
    pointers: dict[str, str]


def _refine(base: DrugDose, later: DrugDose) -> DrugDose | None:
    """``base`` made more specific by ``later`` (same amount, more detail), ``base`` when ``later``
    adds nothing, ``None`` when they disagree on the amount."""
    if not later.amounts:
        return base
    if not base.amounts:
        return later
    if base.dose is None or later.dose is None:
        return base if base.amounts == later.amounts else None
    b, lt = base.dose, later.dose
    if is_daily_total_of(b, lt) or is_daily_total_of(lt, b):  # "150 mg/day" beside "75 mg twice daily"
        per_dose = lt if is_daily_total_of(b, lt) else b
        return DrugDose(base.drug, per_dose, None, (per_dose.base_amount(),), base.text)
    if b.value != lt.value and b.base_amount() != lt.base_amount():
        return None  # "500 µg" beside "0.5 mg (500 micrograms)" agree
    fraction = "fraction" in (b.per, lt.per) and None in (b.per, lt.per)  # "9 Gy x 5" beside "9 Gy"
    if b.base_amount() != lt.base_amount() and (b.per or not lt.per) and not fraction:
        return None  # "10 mg" vs "10 mL", or a basis the title states and the description contradicts
    dose = lt if lt.per and not b.per else b
    frequency = b.frequency or lt.frequency
    route = b.route or lt.route
    return DrugDose(
        base.drug, type(b)(dose.value, dose.unit, dose.per, frequency, route, dose.text), None, base.amounts, base.text
    )


def _sources(trial: Trial, group: ResultGroup) -> list[tuple[str | None, str, bool]]:
    """(text, JSON pointer, own): the group's title and description, then its arm's texts."""
    out: list[tuple[str | None, str, bool]] = [
        (group.title, f"{group.pointer}/title", True),
        (group.description, f"{group.pointer}/description", True),
    ]
    arm = trial.arm(group.arm.arm_label) if group.arm else None
    if arm is not None:
        base = "/protocolSection/armsInterventionsModule"
        i = next(i for i, a in enumerate(trial.arm_groups) if a is arm)
        out.append((arm.description, f"{base}/armGroups/{i}/description", False))
        for iv in arm.interventions:
            j = next(j for j, other in enumerate(trial.interventions) if other is iv)
            out.append((iv.description, f"{base}/interventions/{j}/description", False))
    return out


class Regimens:
    """The regimens of one trial's result groups, each read once (groups repeat across measures)."""

    def __init__(self, trial: Trial) -> None:
        self.trial = trial
        self._cache: dict[tuple[str, str | None, str | None], GroupRegimen | Skip] = {}

    @cached_property
    def drugs(self) -> tuple[tuple[str, ...], ...]:
        """The trial's drugs (:func:`trial_drugs`), read when a group is first asked about: a trial
        without results never is."""
        return trial_drugs(self.trial)

    def of(self, group: ResultGroup) -> GroupRegimen | Skip:
        key = (group.title, group.description, group.arm.arm_label if group.arm else None)
        if key not in self._cache:
            self._cache[key] = group_regimen(self.trial, group, self.drugs)
        return self._cache[key]

    def aliases(self, names: frozenset[str]) -> frozenset[str]:
        """Every name of the given drugs (a title may use another name)."""
        return frozenset(n for aliases in self.drugs if aliases[0] in names for n in aliases)

    def names(self, group: ResultGroup) -> frozenset[str]:
        """The drugs a group's title and description name (with or without an amount)."""
        return parse_regimen(group.title, self.drugs).names | parse_regimen(group.description, self.drugs).names


def _named_amounts(readings) -> set[tuple[float, str]]:
    return {a for d in readings if d.drug for a in d.amounts}


def _placed(regimen: Regimen, merged: dict[str, DrugDose], own: bool) -> list[DrugDose]:
    """A text's readings, its unnamed amounts placed: given to the one drug named so far ("2.5 mg
    tablet once daily" under the title "Tadalafil 2.5 mg"), dropped when they restate a named
    drug's amount or come from the arm's texts, else kept as the unnamed drug ``""``."""
    named = [d for d in regimen.drugs if d.drug]
    unnamed = regimen.get("")
    if unnamed is None or not unnamed.amounts:
        return named
    if not own or set(unnamed.amounts) <= _named_amounts([*named, *merged.values()]):
        return named
    known = [name for name in merged if name]
    if len(known) == 1 and not any(d.amounts for d in named):
        return [*named, DrugDose(known[0], unnamed.dose, unnamed.reason, unnamed.amounts, unnamed.text)]
    return [*named, unnamed]


def group_regimen(trial: Trial, group: ResultGroup, drugs: tuple[tuple[str, ...], ...]) -> GroupRegimen | Skip:
    """The regimen a result group states, or why it has none that can be used."""
    if is_pooled(group):
        return Skip(SKIP_POOLED, group.title)
    merged: dict[str, DrugDose] = {}
    pointers: dict[str, str] = {}
    for text, pointer, own in _sources(trial, group):
        for reading in _placed(parse_regimen(text, drugs), merged, own):
            name = reading.drug
            if not own and (name not in merged or merged[name].amounts or reading.dose is None):
                continue  # the arm's texts only give one sure amount to a drug the group names without one
            if name not in merged:
                merged[name] = reading
                if reading.amounts:
                    pointers[name] = pointer
                continue
            old = merged[name]
            refined = _refine(old, reading)
            if refined is None:
                if own:
                    return Skip(SKIP_DISAGREE, group.title)
                continue
            if refined is not old:
                merged[name] = refined
                if old.dose is None or refined.dose is None or refined.dose.text != old.dose.text:
                    pointers[name] = pointer
    if "" in merged and set(merged[""].amounts) <= _named_amounts(merged.values()):
        del merged[""]  # "Pembro 10 mg/kg" in the title, "pembrolizumab 10 mg/kg" in the description
    if not any(d.amounts for d in merged.values()):
        return Skip(SKIP_PLACEBO if is_placebo(group.title) else SKIP_NO_DOSE, group.title)
    return GroupRegimen(Regimen(tuple(merged[k] for k in sorted(merged))), pointers)


_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_NUMBERING = re.compile(
    rf"\b(?:part|phase|stage|period|module|step|cycle|day|week|month|year|{_LABEL_WORDS})s?\s*$", re.I
)


@lru_cache(maxsize=4096)
def without_amounts(text: str, values: frozenset[float] = frozenset()) -> frozenset[str]:
    """The words of a text once amounts, counts of participants ("(N=20)"), numbering labels
    ("Cohort 3", "low dose") and the given numbers ("BMS100" -> "bms") are taken out. Cached: a
    trial's group titles are compared pair by pair."""
    text = _AMOUNT.sub(" ", without_counts(text))

    def dose_number(m: re.Match) -> str:
        # "BMS100" -> "bms"; not the "1" of "Part 1" when a drug's dose is 1 mg/kg
        dose = float(m.group(0)) in values and not _NUMBERING.search(text, 0, m.start())
        return " " if dose else m.group(0)

    return frozenset(_WORD.findall(_LABEL.sub(" ", _NUMBER.sub(dose_number, text)).casefold()))


def _rest(text: str, names: frozenset[str], values: frozenset[float]) -> set[str]:
    """The words of a text once amounts, numbering labels, the drugs' names, the regimen's
    numbers and the long forms of abbreviations it defines ("Area Under the Curve [AUC]" -> "AUC",
    as the next cohort's text has it) are taken out."""
    words = without_amounts(without_definitions(text), values)
    name_words = {w for n in names for w in _WORD.findall(n.casefold())}
    return {w for w in words if not any(n.startswith(w) for n in name_words)}


def _values(regimen: Regimen) -> frozenset[float]:
    return frozenset(d.dose.value for d in regimen.drugs if d.dose is not None)


def differs_beyond_dose(
    trial: Trial, a: ResultGroup, b: ResultGroup, ra: Regimen, rb: Regimen, names: frozenset[str]
) -> str | None:
    """Why two groups differ in more than their doses (a skip reason), or ``None``."""
    va, vb = _values(ra), _values(rb)
    if _rest(a.title, names, va) != _rest(b.title, names, vb):
        return SKIP_TITLES
    if a.description and b.description:
        da, db = (" ".join(sorted(_rest(d, names, v))) for d, v in ((a.description, va), (b.description, vb)))
        if fuzz.ratio(da, db) < DESCRIPTION_MATCH:
            return SKIP_DESCRIPTIONS
        na, nb = ({w for w in _rest(d, names, va | vb) if w.isdigit()} for d in (a.description, b.description))
        if na != nb:
            return SKIP_DESCRIPTIONS  # "for 12 weeks" / "for 24 weeks": close words, another number
    if a.arm and b.arm:
        values = va | vb
        if _interventions(trial, a.arm.arm_label, values) != _interventions(trial, b.arm.arm_label, values):
            return SKIP_ARMS
    return None


def _interventions(trial: Trial, arm_label: str, values: frozenset[float]) -> tuple[tuple[str, ...], ...]:
    """The words of an arm's interventions' names without their amounts: "Pemetrexed 500 mg/m2" and
    "Pemetrexed 1000 mg/m2" are one intervention at two doses (NCT00191191)."""
    arm = trial.arm(arm_label)
    return tuple(sorted(tuple(sorted(without_amounts(iv.name, values))) for iv in arm.interventions)) if arm else ()


def _signature(d: DrugDose) -> tuple:
    if d.dose is not None:
        return (d.dose.base_amount(), d.dose.frequency, d.dose.route)
    return (d.reason, d.amounts)


def dose_difference(ra: Regimen, rb: Regimen) -> str | tuple[DrugDose, DrugDose]:
    """The one drug whose dose differs between two regimens (its two readings), or the skip reason."""
    if ra.names != rb.names or {d.drug for d in ra.dosed} != {d.drug for d in rb.dosed}:
        return SKIP_DRUGS
    differing = [(da, rb.get(da.drug)) for da in ra.drugs if _signature(da) != _signature(rb.get(da.drug))]
    if not differing:
        return SKIP_SAME
    if len(differing) > 1:
        return SKIP_SEVERAL
    da, db = differing[0]
    if da.dose is None or db.dose is None:
        return SKIP_UNSURE
    if not comparable(da.dose, db.dose):
        return SKIP_NOT_COMPARABLE
    if dose_ratio(da.dose, db.dose) == 1:
        return SKIP_SAME
    return da, db


def _dose_info(d: DrugDose, pointer: str) -> tuple[DoseInfo, str]:
    dose = d.dose
    return DoseInfo(dose.value, dose.unit, dose.per, dose.frequency, dose.route, dose.text), pointer


class DoseBuilder(PerMeasureBuilder):
    """One drug's amount differs, everything else equal."""

    name = "dose"
    version = "2.8.0"
    kind = "natural"
    description = "groups of one trial whose regimens differ in one drug's amount (lower dose -> higher dose)"

    def build(self, trial: Trial) -> Iterator[Pair | Skip]:
        self._regimens = Regimens(trial)
        yield from super().build(trial)

    def build_measure(self, trial: Trial, measure: Measure) -> Iterator[Pair | Skip]:
        dosed: list[tuple[ResultGroup, GroupRegimen]] = []
        for group in measure.groups:
            gr = self._regimens.of(group)
            if isinstance(gr, Skip):
                yield gr
            else:
                dosed.append((group, gr))
        if len(dosed) < 2:
            yield Skip(SKIP_FEWER, measure.title)
            return
        by_group = observations_by_group(measure)
        for (ga, ra), (gb, rb) in combinations(dosed, 2):
            why = concurrency_skip(ga, gb)
            diff = dose_difference(ra.regimen, rb.regimen) if why is None else why
            if isinstance(diff, str):
                yield Skip(diff, f"{ga.title} / {gb.title}")
                continue
            da, db = diff
            names = self._regimens.aliases(ra.regimen.names)
            if (why := differs_beyond_dose(trial, ga, gb, ra.regimen, rb.regimen, names)) is not None:
                yield Skip(why, f"{ga.title} / {gb.title}")
                continue
            ratio = dose_ratio(da.dose, db.dose)
            (lo, dlo, plo), (hi, dhi, phi) = (
                ((ga, da, ra.pointers[da.drug]), (gb, db, rb.pointers[db.drug]))
                if ratio > 1
                else ((gb, db, rb.pointers[db.drug]), (ga, da, ra.pointers[da.drug]))
            )
            prefix = f"{da.drug} " if len(ra.regimen.drugs) > 1 and da.drug else ""
            change = Change("dose", prefix + dlo.dose.text, prefix + dhi.dose.text, round(max(ratio, 1 / ratio), 6))
            yield from group_contrast(
                self,
                trial,
                measure,
                by_group,
                lo,
                hi,
                change,
                factual_dose=_dose_info(dlo, plo),
                counterfactual_dose=_dose_info(dhi, phi),
            )
