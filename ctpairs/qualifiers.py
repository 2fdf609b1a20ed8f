"""What a group title adds to its arm: the qualifier, and whether it describes a treatment.

Trials post a grid of groups, each arm once per population, site or body part: "Placebo
(Caregivers)" / "Drug X (Patients)", "Drug X - Site A" / "Drug X - Site B", "Placebo, Knee" /
"Drug X, Hip". Rules for the known kinds of participants live in :mod:`ctpairs.characteristics`
and :mod:`ctpairs.cohorts`; this module catches the rest by what they are not. A title's
*qualifiers* are the text in its closing brackets, after its last separator (" - ", ", ", ": ")
and before its first (:func:`qualifiers`); a qualifier *describes a treatment*
(:func:`describes_treatment`) when it shares a word with the trial's interventions, with either
title's main part, or with the vocabulary of treatments (placebo, dose, tablet, therapy, early,
weekly...), or holds an amount, an initialism ("GC", "T-P", "IMRT") or an arm label ("Arm A").
Two titles whose main parts differ, and whose qualifiers of one kind differ and describe no
treatment or are the two sides of a background drug ("(With Metformin)" / "(Without
Metformin)"), differ in two things; two titles of one main part differ only in the qualifier,
which is then the arm's own attribute ("(Autoinjector)" / "(Vial)", "(Abdomen)" / "(Thigh)")
unless it names who or where (a site, a participant's role, a specimen: "(Caregivers)" /
"(Patients)") (:func:`unknown_qualifiers`).

A pure module: strings in, answers out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from ctpairs.dose import AMOUNT_UNITS, INN_STEMS
from ctpairs.model.numbers import without_counts
from ctpairs.timepoints import words

_BRACKETED = re.compile(r"^(?P<main>.*?\S)\s*[(\[](?P<q>[^()\[\]]+)[)\]]\s*$")
_SEPARATOR = re.compile(r"\s+[-–]\s+|,\s+|:\s+")
_AMOUNT = re.compile(rf"\d\s*(?:{AMOUNT_UNITS})(?![a-z])", re.I)
_INITIALISM = re.compile(r"(?-i:\b[A-Z][A-Z0-9]*[A-Z0-9](?:[-+/][A-Z0-9]+)*\b)|(?-i:\b[A-Z](?:[-+/][A-Z0-9]+)+\b)")
_ID = r"(?:[a-z]?\d+[a-z]?|[a-z]|[ivx]+)"
_ARM_LABEL = re.compile(
    rf"\b(?:arms?|groups?|treatments?|trts?|regimens?)\s*[:\-]?\s*{_ID}\b|\b{_ID}\s+(?:arm|group)\b|^\s*{_ID}\s*$", re.I
)
"""An arm's label ("Arm A", "TRT B", "Group 2", "K Group"), or a bare one ("A: Erlotinib Group")."""
_DRUG_NAME = re.compile(rf"(?:{INN_STEMS})$")  # a drug the trial did not register by name
_ROMAN = re.compile(r"[ivxl]+")
_NO_LETTERS = re.compile(r"^[^a-z]*$", re.I)
_PLURAL = re.compile(r"(?<=[a-z]{3})s$")


def _stem(word: str) -> str:
    return _PLURAL.sub("", word)


_STOP = frozenset({"an", "and", "the", "of", "in", "on", "to", "for", "at", "by", "or", "plus", "vs", "versus"})
_TREATMENT_WORDS = frozenset(
    _stem(word)
    for word in """
    placebo sham vehicle control matching matched dummy standard usual care therapy treatment
    treated chemo chemotherapy chemoradiotherapy chemoradiation radiotherapy radiation
    irradiation surgery surgical operation procedure monotherapy combination combined alone add
    addon adjunct adjunctive regimen dose dosing dosed daily weekly monthly once twice bid tid
    qd qw injection infusion bolus test product particle tablet capsule pill solution suspension
    cream gel ointment patch spray drop inhaler oral topical intravenous subcutaneous
    intramuscular intranasal iv sc im po formulation biosimilar reference generic brand
    originator device app application program programme intervention education exercise
    counseling counselling training diet supplement supplementation vaccine vaccination booster
    drug medication medicine active experimental investigational comparator observation waitlist
    waiting list wait delayed deferred early late immediate blinded open double single high low
    intensive intensified conventional best supportive palliative behavioral behavioural
    cognitive physical rehabilitation morning evening bedtime nightly fasted fed with without no
    none only then followed sequential concurrent continuous intermittent cyclic maintenance
    induction loading taper tapering escalation fixed flexible titrated titration blind label
    led delivered administered guided supported saline sugar starch maltodextrin lactose
    cellulose inert verum real continued continuation withdrawal withdrawn discontinued
    """.split()
)
"""Words that say what was given, how or when: a qualifier with one describes a treatment."""
_NEGATIONS = frozenset({"with", "without", "wo", "not", "no", "non", "off"})
_BACKGROUND_DRUGS = frozenset(
    _stem(word)
    for word in """
    insulin metformin methotrexate mtx statin aspirin steroid corticosteroid ics laba ppi dmard
    sulfonylurea anticoagulant antiplatelet diuretic antiretroviral art
    """.split()
)
"""Drugs trials often stratify by, beside the endings of :data:`_DRUG_NAME`."""
_ALONE = frozenset(_stem(word) for word in "monotherapy alone only mono".split())
"""A qualifier of only these words says the arm is given alone, beside one that adds a drug to it."""
_NOT_TREATMENT_WORDS = frozenset(
    _stem(word)
    for word in """
    site center centre hospital institution trial analysis caregiver carer patient parent child spouse
    partner teacher student nurse physician doctor clinician provider staff donor recipient mother
    father infant family relative dyad sibling plasma serum blood urine csf saliva tissue tumor tumour
    biopsy sample specimen lesion stool sputum
    """.split()
)
"""Words that say who or where, never what was given: two groups of one treatment differing in one
are two populations, sites or specimens."""


@lru_cache(maxsize=65536)
def _tokens(text: str) -> frozenset[str]:
    return frozenset(_stem(w) for w in words(text).split() if w not in _STOP)


@lru_cache(maxsize=16384)
def qualifiers(title: str) -> tuple[tuple[str, str, str], ...]:
    """The ``(kind, main, qualifier)`` readings of a title: ``"bracketed"`` for its closing brackets
    ("Placebo (Caregivers)"), ``"suffix"`` for what follows its last separator ("Placebo - Site
    A"), ``"prefix"`` for what precedes its first ("Site A: Placebo"); none for a title of one
    part. A count of participants ("N=20") is no qualifier."""
    title = " ".join(without_counts(title).replace("()", "").split())
    found = []
    if (m := _BRACKETED.match(title)) is not None:
        found.append(("bracketed", m.group("main"), m.group("q").strip()))
    cuts = list(_SEPARATOR.finditer(title))
    if cuts and not found:
        last, first = cuts[-1], cuts[0]
        found.append(("suffix", title[: last.start()], title[last.end() :]))
        found.append(("prefix", title[first.end() :], title[: first.start()]))
    return tuple((kind, main, q) for kind, main, q in found if _tokens(main) and _tokens(q))


def _names_a_drug(tokens: frozenset[str]) -> bool:
    return any(t in _BACKGROUND_DRUGS or _DRUG_NAME.search(t) for t in tokens)


def _background(qa: str, qb: str) -> bool:
    """True when two qualifiers are the two sides of a drug given in the background ("(With
    Metformin)" / "(Without Metformin)", "(On Insulin)" / "(Not on Insulin)", "(Monotherapy)" /
    "(Add-on to Metformin)"): beside two different arms, a stratum, not the arm. Not "With Water" /
    "Without Water", which is how a drug is taken."""
    ta, tb = _tokens(qa), _tokens(qb)
    if ta == tb:
        return False
    if ta - _NEGATIONS == tb - _NEGATIONS:
        return _names_a_drug(ta)
    # alone beside added to a drug trials stratify by (not "Plus Carboplatin", a drug of the arm)
    return any(one and one <= _ALONE and other & _BACKGROUND_DRUGS for one, other in ((ta, tb), (tb, ta)))


_TIMING = re.compile(
    r"(?:[<>≤≥]=?|\bwithin|\bafter|\bbefore)\s*\d+\s*(?:h|hrs?|hours?|days?|d|weeks?|wks?|min(?:utes)?)\b", re.I
)


def describes_treatment(qa: str, qb: str, known: frozenset[str]) -> bool:
    """True when two differing qualifiers say something about a treatment: a word of either is in
    the vocabulary of treatments ("Formulation A" / "Formulation B") or ``known`` (the words of the
    trial's intervention names and of the two titles' main parts), starts one of them ("Beva", "Nivo")
    or ends as a drug's name does ("Carboplatin"); either is a combination ("+"), an amount, an arm
    label or a schedule without letters ("6/3"), or both say when it was given ("<24 h" / ">72 h");
    or a word that differs is written as an initialism ("GC" / "PC", "P+T+C")."""
    if any("+" in q or _AMOUNT.search(q) or _ARM_LABEL.search(q) or _NO_LETTERS.match(q) for q in (qa, qb)):
        return True
    if _TIMING.search(qa) and _TIMING.search(qb):
        return True  # "Early Surgery (<24 h)" / "Late Surgery (>72 h)": when the treatment is given
    ta, tb = _tokens(qa), _tokens(qb)
    if (ta | tb) & (_TREATMENT_WORDS | known):
        return True
    if any(len(t) >= 4 and any(k.startswith(t) for k in known) for t in ta | tb):
        return True
    if any(_DRUG_NAME.search(t) for t in ta | tb):
        return True  # "Carboplatin" / "Cisplatin" where the trial registered "Chemotherapy"
    initialisms = frozenset().union(*(_tokens(m.group(0)) for q in (qa, qb) for m in _INITIALISM.finditer(q)))
    # not a class's numeral ("NYHA II" / "NYHA III") nor a specimen's initials ("Plasma" / "CSF")
    initialisms = frozenset(t for t in initialisms if not _ROMAN.fullmatch(t) and t not in _NOT_TREATMENT_WORDS)
    return bool(initialisms & (ta ^ tb))


def unknown_qualifiers(a: str, b: str, names: Iterable[str]) -> bool:
    """True when titles ``a`` and ``b`` carry qualifiers of one kind that differ beyond their arms,
    given the trial's intervention ``names``: beside different main parts, qualifiers that say
    nothing about a treatment (:func:`describes_treatment`: "Placebo (Caregivers)" / "Drug X
    (Patients)", "Placebo (Knee OA)" / "Drug X (Hip OA)"); beside one main part, qualifiers that
    name who or where ("Drug X - Site A" / "Drug X - Site B"). Not "Arm A (Erlotinib)" / "Arm B
    (Cabozantinib)", "Drug X (Tablet)" / "Drug X (Capsule)" or "Placebo (T-P)" / "Drug X (T-A)"."""
    by_kind = {kind: (main, q) for kind, main, q in qualifiers(b)}
    named = _tokens(" ".join(names))  # one string per trial: cached
    for kind, main_a, qa in qualifiers(a):
        if kind not in by_kind:
            continue
        main_b, qb = by_kind[kind]
        if _tokens(qa) == _tokens(qb) or _ARM_LABEL.search(main_a) or _ARM_LABEL.search(main_b):
            continue
        if _tokens(main_a) == _tokens(main_b):
            # the qualifier is the only difference: the arm's own attribute ("(Autoinjector)" /
            # "(Vial)", "(Abdomen)" / "(Thigh)") unless it names who or where
            said = _tokens(qa) | _tokens(qb)
            if said & _NOT_TREATMENT_WORDS and not said & _TREATMENT_WORDS:
                return True
        elif not describes_treatment(qa, qb, named | _tokens(main_a) | _tokens(main_b)) or _background(qa, qb):
            return True
    return False
