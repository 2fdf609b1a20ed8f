"""Dose parser: read stated drug amounts out of group / arm / intervention text.

Pure functions, standard library only.  The dose pair builder uses this module to
decide whether two result groups of one trial get the same drug at different,
orderable amounts.  The parser is deliberately conservative: whenever the text
states more than one amount, a range, a titration or a multiplied amount, it
refuses to name a single dose (``DoseParse.single is None``) and says why in
``DoseParse.reason``.

Public API
----------
``Dose``          one stated amount (value, unit, per-basis, frequency, route, text)
``DoseParse``     everything found in one text (``doses``, ``titration``, ``reason``, ``single``)
``parse_dose``    text -> DoseParse
``comparable``    can two doses be ordered against each other?
``dose_ratio``    b / a in base units (ValueError when not comparable)
``is_placebo``    does the text describe a placebo / sham / vehicle / dummy?
``DrugDose``      one drug of a regimen: its name, its one dose (or why none), the amounts stated
``Regimen``       every drug a text names, each with its dose
``parse_regimen`` text + the trial's drug names -> Regimen (a dose per drug: combinations, add-ons)
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

__all__ = [
    "Dose",
    "DoseParse",
    "parse_dose",
    "comparable",
    "dose_ratio",
    "is_placebo",
    "REASON_NO_DOSE",
    "REASON_MULTIPLE",
    "REASON_TITRATION",
    "REASON_RANGE",
    "REASON_EXPOSURE",
    "REASON_AMBIGUOUS",
    "DrugDose",
    "Regimen",
    "parse_regimen",
    "trailing_code",
]

REASON_NO_DOSE = "no dose"
REASON_MULTIPLE = "multiple doses"
REASON_TITRATION = "titration"
REASON_RANGE = "range"
REASON_EXPOSURE = "exposure target"  # "a target Cmax of 20 ug/mL": a concentration aimed at, not a dose
REASON_AMBIGUOUS = "ambiguous number"  # "1.200 mg", "2 500 mg": a thousands separator or not

# ---------------------------------------------------------------------------
# data classes
# ---------------------------------------------------------------------------

# unit -> (base unit, factor to base)
_BASE = {
    "mg": ("mg", 1.0),
    "g": ("mg", 1000.0),
    "ug": ("mg", 1e-3),
    "ng": ("mg", 1e-6),
    "mL": ("mL", 1.0),
    "L": ("mL", 1000.0),
    "uL": ("mL", 1e-3),
    "IU": ("IU", 1.0),
    "MIU": ("IU", 1e6),
    "units": ("units", 1.0),
    "MU": ("units", 1e6),
    "mmol": ("mmol", 1.0),
    "umol": ("mmol", 1e-3),
    "mEq": ("mEq", 1.0),
    "%": ("%", 1.0),
    "Gy": ("Gy", 1.0),
    "cGy": ("Gy", 0.01),
    "AUC": ("AUC", 1.0),
}


def _split_unit(unit: str) -> tuple[str, str]:
    """'ug/mL' -> ('ug', '/mL'); 'mg' -> ('mg', '')."""
    if "/" in unit and unit != "%":
        head, _, tail = unit.partition("/")
        return head, "/" + tail
    return unit, ""


@dataclass(frozen=True)
class Dose:
    value: float
    unit: str
    per: str | None = None
    frequency: str | None = None
    route: str | None = None
    text: str = ""

    def base_amount(self) -> tuple[float, str]:
        """Value in a comparable base unit; the unit string carries the per-basis.

        mass -> mg, volume -> mL, MIU -> IU; other units unchanged.  A concentration
        ('ug/mL') or rate ('mg/h') keeps its denominator: (0.02, 'mg/mL').
        """
        head, tail = _split_unit(self.unit)
        base, factor = _BASE.get(head, (head, 1.0))
        value = self.value * factor
        unit = base
        if self.per:
            unit += "/" + self.per
        unit += tail
        return value, unit


@dataclass(frozen=True)
class DoseParse:
    doses: tuple[Dose, ...]
    titration: bool
    reason: str | None
    _single: Dose | None = field(default=None, repr=False, compare=False)

    @property
    def single(self) -> Dose | None:
        """The one dose when the text states exactly one orderable amount, else None."""
        return self._single if self.reason is None else None


# ---------------------------------------------------------------------------
# regular expressions
# ---------------------------------------------------------------------------

_WORDNUM = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}

_NUM = r"(?:\d{1,3}(?:,\d{3})+(?![\d.])|(?<![\d,.])\d{1,3},\d{1,2}(?![\d,])|\d+(?:\.\d+)?|\.\d+)"
"""A number: digit-grouped ("1,000"), with a decimal comma ("1,5", "12,5": a group has three
digits, so one or two after a comma are decimals) or a decimal point."""
_DECIMAL_COMMA = re.compile(r"\d{1,3},\d{1,2}")
_POINT_THOUSANDS = re.compile(r"[1-9]\d{0,2}\.\d{3}")
"""1.200: a decimal to three places, or 1,200 written with a point (as much of Europe writes it)."""
_GROUP_BEFORE = re.compile(r"(?<![\w.,\-])(?P<head>[1-9]\d{0,2})[ \u202f]$")
"""A number of up to three digits and one space just before an amount of three: "1 000 mg"."""
_SCI = (
    r"(?:\s*[x×\*]\s*10\s*(?:\\?\^\s*|(?-i:E|e))(?P<exp>\d+)|(?-i:E|e)\+?(?P<exp2>\d{1,2})(?![\d.])"
    r"|\s*\\?\^\s*(?P<exp3>\d+)|\s+(?P<large>thousand|million|billion))?"
)  # "1 x 10^6", "1.5 x 10e6" (10 to the 6th, as often written), "1e8", "10^10", "10 billion"
_LARGE = {"thousand": 1e3, "million": 1e6, "billion": 1e9}

# unit alternatives -> canonical unit.  Order matters (longest first).
_UNIT_TABLE: list[tuple[str, str]] = [
    (r"milligrams?|mgs|mg", "mg"),
    (r"micrograms?|mcg|µg|μg|ug", "ug"),
    (r"nanograms?|ng", "ng"),
    (r"grams?|gm|(?-i:g)", "g"),
    (r"milli-?lit(?:er|re)s?|ml|cc", "mL"),
    (r"micro-?lit(?:er|re)s?|µl|μl|ul", "uL"),
    (r"lit(?:er|re)s?|(?-i:L)", "L"),
    (r"million international units|(?-i:MIU)", "MIU"),
    (r"international units?|(?-i:IU)|iu", "IU"),
    (r"million units|(?-i:MU)", "MU"),
    # cell and gene therapies: cells (not a count per volume, "200 cells/mm3"), viral particles,
    # vector genomes or genome copies, plaque- or colony-forming units, infectious doses
    (
        r"(?:(?:viable|CAR[\s+-]*T|T|NK|CD\d+\+?)[\s-]+){0,2}(?:cells?|MSCs?)(?!\s*(?:/|per)\s*(?:mm|µ|μ|u|micro|m?l\b|dl))",
        "cells",
    ),
    (r"viral\s+particles|(?-i:vp|VP)", "vp"),
    (r"vector\s+genomes|genome\s+copies|(?-i:vg|VG|GC)", "vg"),
    (r"plaque[\s-]+forming\s+units?|(?-i:PFU|pfu)", "PFU"),
    (r"colony[\s-]+forming\s+units?|(?-i:CFU|cfu)", "CFU"),
    (r"(?-i:TCID50|TCID 50|CCID50)", "TCID50"),
    (r"(?:(?:Allergan|Speywood|Botox|Dysport|mouse)\s+)?units?|(?-i:U)", "units"),
    (r"mmol|millimoles?", "mmol"),
    (r"µmol|μmol|umol|micromoles?", "umol"),
    (r"meq|milliequivalents?", "mEq"),
    (r"cgy|centigrays?", "cGy"),
    (r"gy|grays?", "Gy"),
    (r"%|percent", "%"),
]
# after a power of ten, any few words may qualify the cells: "1 x 10^6 allogeneic bone marrow-derived
# mesenchymal stromal cells per kg", "2 x 10^6 CAR-positive viable T cells/kg"
_CELLS_AFTER_POWER = r"(?(exp)(?:(?!(?:of|in|per|and|or|with|to)\b)[a-z][\w+-]*[\s-]+){0,5}?)"
_UNIT_RE = "|".join(
    f"(?P<u{i}>{_CELLS_AFTER_POWER if unit == 'cells' else ''}{pat})" for i, (pat, unit) in enumerate(_UNIT_TABLE)
)
AMOUNT_UNITS = "|".join(pat for pat, _ in _UNIT_TABLE)
"""Every unit an amount may be written in, as one regular-expression alternation without groups
(for callers that take amounts out of a text, such as the dose builder's title comparison)."""

# number (optionally "x 10^n"), optional space or hyphen, unit, no letter after
_AMOUNT = re.compile(
    rf"(?:(?<![\w.^])|(?<=[a-z]{{3}}))(?<![A-Za-z]-)(?P<num>{_NUM}){_SCI}\s*-?\s*(?:{_UNIT_RE})(?:(?![A-Za-z0-9µμ])|(?=2\s*/\s*m\b))",
    re.I,
)

# after the unit: per-basis, concentration, per-day, rate
_PER_KG = re.compile(r"\s*(?:/|per)\s*(?:kg|kilograms?)\b(?:\s*(?:of\s+)?(?:total\s+)?body[\s-]?weight)?", re.I)
_PER_M2 = re.compile(
    r"\s*(?:/|per)\s*(?:m\s*\\?\^?\s*2|m²|sq\.?\s*m|square\s+met(?:er|re)s?|met(?:er|re)s?\s+squared?|m\b(?![\w/]))"
    r"(?:\s*(?:of\s+)?(?:BSA|body\s+surface\s+area))?",
    re.I,
)
_M2_TYPO = re.compile(r"2\s*/\s*m\b", re.I)  # "500mg2/m"
# a radiation amount given per fraction ("2 Gy per fraction", "1.8 Gy/fx", "9 Gy x 5 fractions", "2 Gy
# daily"), not the total ("60 Gy in 30 fractions", "42.5 Gy/16 fractions", "a total dose of 60 Gy")
_PER_FRACTION = re.compile(
    r"\s*(?:(?:/|per|a|each)\s*(?:fractions?|fx|sessions?)\b|/\s*day\b|per\s+day\b|daily\b"
    r"|[x×*]\s*\d+\b(?!\s*(?:minutes?|hours?|days?|weeks?|months?|cycles?)\b))",
    re.I,
)
_CONC = re.compile(r"\s*(?:/|per)\s*(?P<den>ml|dl|l|millilit(?:er|re)|decilit(?:er|re)|lit(?:er|re))\b", re.I)
_PER_TIME = re.compile(
    r"\s*(?:/|per|a)\s*(?P<t>day|d|24\s*h(?:ours?)?|week|wk|month|dose|min(?:ute)?|h|hr|hour)\b", re.I
)
_AUC_TAIL = (
    r"(?:mg\s*(?:\\?\*|×|x|·|\.)?\s*min\s*/\s*ml|mg\s*/\s*ml\s*(?:\\?\*|×|x|·|/)?\s*min|"
    r"mg/ml/min)"
)
_AUC = re.compile(
    r"\b(?:AUC|area under the curve)(?:\s*\((?:AUC|area under the curve)[^)]{0,20}\))?\)?\s*"
    r"(?:=|:|\bof\b|\bat\b)?\s*(?:of\s+)?"
    r"(?P<num>\d+(?:\.\d+)?)(?P<alt>(?:\s*(?:or|-|–|to|/)\s*\d+(?:\.\d+)?)*)"
    rf"(?:\s*{_AUC_TAIL})?"
    r"|(?<![\w.])(?P<num2>\d+(?:\.\d+)?)\s*AUCs?\b"
    rf"|(?<![\w.])(?P<num3>\d+(?:\.\d+)?)\s*{_AUC_TAIL}",
    re.I,
)

# bare numbers immediately before an amount: "20/56 mg/m2", "175-225 mg", "20, 40 and 80 mg"
_LIST_BEFORE = re.compile(
    rf"(?<![\w.,/\-])((?:{_NUM}\s*(?:,\s*(?:and|or)?|\bor\b|\band\b|&|\\&|/|-|–|\bto\b)\s*)+)$", re.I
)
_LIST_SPLIT = re.compile(rf"{_NUM}")
_LABEL_WORDS = re.compile(
    r"\b(?:cohorts?|parts?|days?|arms?|phases?|levels?|groups?|weeks?|cycles?|periods?|stages?|"
    r"modules?|steps?|visits?|grades?|lines?|types?|fractions?|hours?|months?|years?)\s*$",
    re.I,
)

_MULTIPLIER_X = re.compile(r"(?<![\w.])(?P<n>\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s*[x×\*]\s*$", re.I)
_MULTIPLIER_W = re.compile(r"(?<![\w.])(?P<n>\d+|two|three|four|five|six|seven|eight|nine|ten)\s+$", re.I)
_DOSAGE_FORM_AFTER = re.compile(
    r"^\s*(?:[\w\-®]+\s+){0,2}?(?:tablets|capsules|caps|injections|vials|puffs|sachets|patches|pills|"
    r"ampoules|syringes|doses)\b",
    re.I,
)

_UNIT_FORMS = r"(?:tablets?|capsules?|caps|tabs?|pills?|sachets?|puffs?|inhalations?|sprays?|patch(?:es)?)"
_COUNT = r"(?P<n>\d+|two|three|four|five|six|seven|eight|nine|ten)"
_UNITS_OF_BEFORE = re.compile(rf"(?<![\w.]){_COUNT}\s+{_UNIT_FORMS}\s+(?:each\s+)?(?:of|containing)\s*$", re.I)
_UNITS_TIMES_AFTER = re.compile(  # a dosage form before the count, else after it
    rf"^\s*(?:(?P<form>{_UNIT_FORMS})\s*)?[x×\*]\s*{_COUNT}\b"
    rf"(?(form)(?!\s*(?:minutes?|hours?|days?|weeks?|months?|years?|cycles?|times|doses)\b)|\s+{_UNIT_FORMS}\b)",
    re.I,
)
"""An amount given as several units: "2 tablets of 50 mg" (before it), "50 mg x 2 tablets" or "50 mg
tablet x 2" (after it). Each unit is not the dose, as with "2 x 50 mg"; "50 mg x 5 days" is a length."""

_TOTAL_BEFORE = re.compile(
    r"(?:\btotal(?P<daily>\s+daily)?(?:\s+(?:dose|amount))?(?:\s+of)?|\b(?P<tdd>(?-i:TDD))\s*[:=]?)\s*$", re.I
)
_TOTAL_AFTER = re.compile(r"^\s*\)?\s*(?:in\s+)?total\b(?P<daily>\s+daily\b)?", re.I)
_CUMULATIVE = re.compile(r"\bcumulative(?:\s+dose)?(?:\s+of)?\s*$", re.I)

_DILUENT_BEFORE = re.compile(
    r"(?:\b(?:diluted|dissolved|reconstituted|prepared|mixed|suspended)\s+(?:in|with)|\bin|\bwith)\s*(?:a\s+)?$",
    re.I,
)
_SALINE_AFTER = re.compile(
    r"^\s*(?:\\?\[)?\s*(?:normal\s+)?(?:saline|nacl|sodium\s+chloride|dextrose|glucose|d5w|aqueous|w/v\s+saline)",
    re.I,
)
_SALINE_BEFORE = re.compile(r"(?:saline|nacl|sodium\s+chloride|\(nacl\)|dextrose|glucose)\s*(?:solution)?\s*$", re.I)

_THRESHOLD_BEFORE = re.compile(r"(?:≥|≤|>|<|=|\\>|\\<|\bTPS|\bCPS|\bTC|\bIC|PD-L1\+?)\s*\(?\s*$", re.I)
_BOUND_BEFORE = re.compile(
    r"(?:≥|≤|>|<|\\>|\\<|\bmax(?:imum)?(?:\s+(?:dose|of))*|\bat\s+most|\bno\s+more\s+than|"
    r"\bat\s+least|\bminimum(?:\s+of)?|\bless\s+than|\bgreater\s+than)\s*$",
    re.I,
)
_UP_TO_BEFORE = re.compile(r"\bup\s+to(?:\s+a\s+maximum\s+of)?\s*$", re.I)
_PCT_NOT_DOSE_AFTER = re.compile(
    r"^\s*(?:of\b|or\s+(?:more|greater|higher|less)|reduction|decrease|increase|improvement|response|"
    r"CI\b|confidence|PD-L1|TPS|tumou?r|expression|per\s+tumou?r|=|\\?<|\\?>|≤|≥)",
    re.I,
)
_BETWEEN_BEFORE = re.compile(r"\bbetween\s*$", re.I)

_TITRATION = re.compile(
    r"\btitrat\w*|\bescalating\b|\bescalated\b|\bde-?escalat\w*|\bup-?titrat\w*|"
    r"\b(?:increased|increasing|reduced|decreased)\s+(?:up\s+)?to\s+(?=[\d.])|"
    r"\bstarting\s+dose\b|\bdose[- ]finding\b|\btaper\w*",
    re.I,
)

_PLACEBO = re.compile(r"\b(?:placebos?|sham|vehicle|dummy)\b", re.I)

# a concentration or exposure aimed at ("target Cmax", "to achieve trough levels of"); not a carboplatin AUC
_EXPOSURE = re.compile(
    r"\b(?:target(?:ed|ing)?|to\s+achieve|achieving|aim(?:ed|ing)?\s+(?:at|for))\b[^.;]{0,60}?"
    r"\b(?:C\s?max|C\s?min|C\s?trough|trough|concentrations?|exposures?|(?:plasma|serum|blood)\s+levels?)\b"
    r"|\b(?:C\s?max|C\s?min|C\s?trough)\b",
    re.I,
)

# clause boundaries for placebo attribution
_CLAUSE_SPLIT = re.compile(
    r"\s\+\s|\+|\bplus\b|\band\b|\bor\b|\bwith\b|;|,|\.\s|\bfollowed\s+by\b|\bthen\b|\bversus\b|\bvs\.?\b|"
    r"(?<=[A-Za-z)])\s*/\s*(?=[A-Za-z])",
    re.I,
)
# boundaries that stop frequency / route search windows (other drug starts)
_WINDOW_STOP = re.compile(
    r"\+|\bplus\b|\bin\s+combination\s+with\b|\bcombined\s+with\b|\btogether\s+with\b|"
    r"\bfollowed\s+by\b|\bthen\b|;|\.\s+(?=(?-i:[A-Z*]))|\.$|\n|\*\s|\bversus\b|\bvs\.?\s",
    re.I,
)
# connectors that separate two drugs: identical amounts across them are NOT merged
_COMBO = re.compile(
    r"\+|\bplus\b|\band\b|\bor\b|\bwith\b|\bcombination\b|&|,|\bthen\b|\bfollowed\b|\bversus\b|\bvs\b",
    re.I,
)

_FREQ_PATTERNS: list[tuple[str, str]] = [
    # longer / more specific first is not needed: earliest-longest match wins
    (r"every\s+other\s+day|every\s+(?:2|two|second)\s+days|alternate\s+days|\bq\.?o\.?d\.?\b|\bq\s*48\s*h", "QOD"),
    (
        r"(?:once\s+)?(?:every|each)\s+other\s+week|(?:once\s+)?every\s+(?:2|two)\s+weeks|\bbi-?weekly\b|"
        r"\bq\s*2\s*w(?:(?:ee)?ks?)?\b|\bq\s*14\s*d(?:ays?)?\b|every\s+14\s+days|fortnightly|\bq2w\b",
        "Q2W",
    ),
    (
        r"(?:once\s+)?every\s+(?:3|three)\s+weeks|\b3-?weekly\b|three-?weekly|\bq\s*3\s*w(?:(?:ee)?ks?)?\b|"
        r"\bq\s*21\s*d(?:ays?)?\b|(?:once\s+)?every\s+21\s+days",
        "Q3W",
    ),
    (
        r"(?:once\s+)?every\s+(?:4|four)\s+weeks|\b4-?weekly\b|\bq\s*4\s*w(?:(?:ee)?ks?)?\b|\bq\s*28\s*d(?:ays?)?\b|"
        r"(?:once\s+)?every\s+28\s+days",
        "Q4W",
    ),
    (r"(?:once\s+)?every\s+(?P<nw>\d+|five|six|eight|twelve)\s+weeks|\bq\s*(?P<nq>\d+)\s*w(?:(?:ee)?ks?)?\b", "QnW"),
    (
        r"(?:once\s+)?(?:every|each)\s+(?:1\s+)?week\b|once[\s-]+(?:a|per|every)\s+week|once[\s-]+weekly|\bweekly\b|"
        r"\bq\.?\s*w(?:k|eek)?\.?\b|\bq\s*1\s*w(?:(?:ee)?ks?)?\b|every\s+7\s+days|\bq\s*7\s*d(?:ays?)?\b|/\s*week\b|per\s+week\b",
        "QW",
    ),
    (r"twice[\s-]+(?:a|per)\s+week|twice[\s-]+weekly|two\s+times\s+(?:a|per)\s+week|\bbiw\b", "BIW"),
    (r"(?:three|3)\s+times\s+(?:a|per)\s+week|thrice\s+weekly|\btiw\b", "TIW"),
    (
        r"(?:once\s+)?(?:a|per|every|each)\s+month\b|once[\s-]+monthly|\bmonthly\b|\bq\.?\s*m(?:o|onth)?\.?\b|"
        r"\bq\s*1\s*m(?:o|onth)\b",
        "QM",
    ),
    (
        r"twice[\s-]+(?:a|per)?\s*day|twice[\s-]+daily|two\s+times\s+(?:a|per)?\s*(?:day|daily)|"
        r"2\s*(?:times|x)\s*/?\s*(?:a|per)?\s*(?:day|daily)|\bb\.?i\.?d\.?\b|(?-i:\bBD\b)|\bb\.d\b\.?|\bq\s*12\s*h(?:ours?|rs?)?\b|"
        r"every\s+12\s+hours|12-?hourly",
        "BID",
    ),
    (
        r"(?:three|3)\s+times\s+(?:a|per)?\s*(?:day|daily)|thrice\s+daily|\bt\.?i\.?d\.?\b|"
        r"\bq\s*8\s*h(?:ours?|rs?)?\b|every\s+8\s+hours",
        "TID",
    ),
    (
        r"(?:four|4)\s+times\s+(?:a|per)?\s*(?:day|daily)|\bq\.?i\.?d\.?\b|\bq\s*6\s*h(?:ours?|rs?)?\b|"
        r"every\s+6\s+hours",
        "QID",
    ),
    (
        r"once[\s-]+(?:a|per)\s+day|once[\s-]+daily|single\s+daily|(?:every|each|per)\s+day\b|\bdaily\b|"
        r"\bq\.?\s*d\.?\b|\bq\s+daily|\bqday\b|(?-i:\bOD\b)|\bq\.?\s*24\s*h(?:ours?|rs?)?\b|every\s+24\s+hours|"
        r"/\s*day\b|\bnightly\b|\bnocte\b|at\s+bedtime|\bq\.?h\.?s\.?\b|every\s+(?:night|morning|evening)|"
        r"each\s+(?:night|morning|evening)|\bq\.?a\.?m\.?\b|\bq\.?p\.?m\.?\b|1\s*x\s*/?\s*day|once\s+a\s+night",
        "QD",
    ),
    (
        r"\bsingle(?:[\s-]+(?:oral|iv|intravenous|subcutaneous|sc|im|intramuscular|intravitreal))?[\s-]+"
        r"(?:dose|injection|infusion|administration)\b|\bone[\s-]+time\b(?!\s+titration)|\bonce\s+only\b|"
        r"\bsingle[\s-]+dose\b",
        "ONCE",
    ),
    (
        r"as[\s-]+needed|on[\s-]+demand|\bp\.?r\.?n\.?\b|(?:prior\s+to|before)\s+(?:the\s+)?(?:initiation\s+of\s+)?"
        r"(?:sexual\s+activity|intercourse)",
        "PRN",
    ),
]
_CYCLE_FREQ = re.compile(
    r"\b(?:on\s+)?(?:day\s*1|the\s+first\s+day|d1)\s+(?:of|in)\s+(?:each|every|a|the)?\s*"
    r"(?P<n>\d+)[\s-]*(?P<u>days?|weeks?|wk)[\s-]*(?:treatment\s+)?cycles?\b",
    re.I,
)
_FREQ_RES = [(re.compile(p, re.I), code) for p, code in _FREQ_PATTERNS]

_ROUTE_PATTERNS: list[tuple[str, str]] = [
    (r"\bintravitreal(?:ly)?\b|(?-i:\bIVT\b)", "intravitreal"),
    (
        r"\bintravenous(?:ly)?\b|(?<!stage\s)(?<!grade\s)(?<!phase\s)(?<!class\s)(?<!type\s)\bi\.?v\.?(?![\w.])|"
        r"\bintravenous\s+push\b|\bIVPB\b",
        "iv",
    ),
    (r"\bsub-?cutaneous(?:ly)?\b|\bs\.?c\.?(?![\w.])|\bsq\b|\bsubq\b", "sc"),
    (r"\bintra-?muscular(?:ly)?\b|(?-i:\bIM\b)|\bi\.m\.", "im"),
    (r"\bintradermal(?:ly)?\b", "intradermal"),
    (r"\bintrathecal(?:ly)?\b", "intrathecal"),
    (r"\bintravesical(?:ly)?\b", "intravesical"),
    (r"\bintra-?cavernous(?:ly)?\b|\bintracavernosal(?:ly)?\b|corpus\s+cavernosum", "intracavernosal"),
    (r"\bintra-?articular(?:ly)?\b", "intra-articular"),
    (r"\bepidural(?:ly)?\b", "epidural"),
    (r"\bintracoronary\b", "intracoronary"),
    (r"\bsublingual(?:ly)?\b", "sublingual"),
    (r"\btransdermal(?:ly)?\b|\bpatch(?:es)?\b", "transdermal"),
    (r"\bophthalmic\b|\beye[\s-]?drops?\b", "ophthalmic"),
    (r"\bintra-?nasal(?:ly)?\b|\bnasal\s+spray\b|\bnasally\b", "intranasal"),
    (r"\binhaled\b|\binhalation\b|\binhaler\b|\bnebuli[sz]ed\b|(?-i:\bDPI\b)|(?-i:\bMDI\b)|\bpuffs?\b", "inhaled"),
    (
        r"\btopical(?:ly)?\b|\bcreams?\b|\bointments?\b|(?<!soft-)(?<!soft\s)\bgel\b|\blotion\b|\bfoam\b|"
        r"applied\s+to\s+the\s+skin",
        "topical",
    ),
    (r"\brectal(?:ly)?\b|\bsuppositor(?:y|ies)\b", "rectal"),
    (r"\bvaginal(?:ly)?\b", "vaginal"),
    (
        r"\boral(?:ly)?\b|\bp\.?o\.?(?![\w.])|by\s+mouth|\bper\s+os\b|\btablets?\b|\bcapsules?\b|\bcaps?\b|"
        r"\bingested\b|\bsoft[\s-]?gels?\b|\bsofgels?\b|\bpills?\b|\bswallowed\b|\boral\s+solution\b",
        "oral",
    ),
]
_ROUTE_RES = [(re.compile(p, re.I), code) for p, code in _ROUTE_PATTERNS]
# generic words that imply a route only when nothing more specific is said nearby
_ROUTE_WEAK_RES = [(re.compile(r"\binfusions?\b|\binfused\b|\bbolus\b|\bdrip\b", re.I), "iv")]


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def is_placebo(text: str) -> bool:
    """True when the text mentions a placebo, sham, vehicle or dummy."""
    return bool(text) and bool(_PLACEBO.search(text))


def _to_float(num: str) -> float:
    if _DECIMAL_COMMA.fullmatch(num):
        return float(num.replace(",", "."))
    return float(num.replace(",", ""))


def _freq_code(m: re.Match, code: str) -> str:
    if code != "QnW":
        return code
    n = m.group("nw") or m.group("nq")
    n = {"five": "5", "six": "6", "eight": "8", "twelve": "12"}.get(n.lower(), n)
    return _weeks_code(int(n))


def _weeks_code(weeks: int) -> str:
    """The code of once every ``weeks`` weeks: QW, Q2W, Q3W..."""
    return "QW" if weeks == 1 else f"Q{weeks}W"


def _first_match(window: str, table, want_pos: bool = False):
    """The earliest (then longest) match in the window: code, or (start, code) with want_pos."""
    best = None  # ((start, -length), code)
    for rx, code in table:
        m = rx.search(window)
        if m:
            key = (m.start(), -(m.end() - m.start()))
            if best is None or key < best[0]:
                best = (key, _freq_code(m, code) if table is _FREQ_RES else code)
    if table is _FREQ_RES:
        m = _CYCLE_FREQ.search(window)
        if m and _cycle_code(m):
            key = (m.start(), -(m.end() - m.start()))
            if best is None or key < best[0]:
                best = (key, _cycle_code(m))
    if best is None:
        return None
    return (best[0][0], best[1]) if want_pos else best[1]


def trailing_code(text: str) -> tuple[int, str] | None:
    """The frequency or route code ("Q3W", "BID", "oral", "iv") of the longest phrase ``text``
    ends with, and where that phrase starts ("... every three weeks" -> Q3W, "... orally" ->
    oral), or ``None``: the one reading of schedules and routes for texts that spell them out."""
    text = text.rstrip()
    best: tuple[int, str] | None = None
    for table in (_FREQ_RES, _ROUTE_RES):
        for rx, code in table:
            for m in rx.finditer(text):
                if m.end() == len(text) and (best is None or m.start() < best[0]):
                    best = (m.start(), _freq_code(m, code) if table is _FREQ_RES else code)
    return best


# a regimen named by its cycle's length: "Eribulin Plus Erlotinib, 21 Day Regimen" (every 3 weeks)
_REGIMEN_DAYS = re.compile(r"\b(?P<n>\d+)[\s-]*(?P<u>days?|weeks?)[\s-]+(?:regimen|schedule|cycle)s?\b", re.I)


@lru_cache(maxsize=16384)
def schedule_codes(text: str) -> frozenset[str]:
    """The frequency codes ("QD", "Q3W", "PRN") of every schedule a text names, with or without an
    amount ("PRN Sildenafil" -> PRN, "Cetuximab Weekly" -> QW, "21 Day Regimen" -> Q3W): the longest
    phrase wins where two overlap ("twice daily" is BID, not also QD). Cached."""
    found = [(m.start(), m.end(), _freq_code(m, code)) for rx, code in _FREQ_RES for m in rx.finditer(text)]
    found += [(m.start(), m.end(), c) for m in _CYCLE_FREQ.finditer(text) if (c := _cycle_code(m))]
    found += [(m.start(), m.end(), c) for m in _REGIMEN_DAYS.finditer(text) if (c := _cycle_code(m))]
    found.sort(key=lambda f: (f[0], f[0] - f[1]))
    codes: set[str] = set()
    end = -1
    for start, stop, code in found:
        if start >= end:
            codes.add(code)
            end = stop
    return frozenset(codes)


@lru_cache(maxsize=16384)
def route_codes(text: str) -> frozenset[str]:
    """The route codes ("iv", "sc", "oral") a text names, with or without an amount ("Trastuzumab
    SC" -> sc). Cached."""
    return frozenset(code for rx, code in _ROUTE_RES if rx.search(text))


def _closest(fwd: str, back: str, table) -> str | None:
    """The match nearest to the amount: forward window (after it) or backward window (before it)."""
    f = _first_match(fwd, table, want_pos=True)
    b = _last_match(back, table)
    if f is None and b is None:
        return None
    if b is None:
        return f[1]
    if f is None:
        return b[1]
    return f[1] if f[0] <= b[0] else b[1]


def _last_match(window: str, table):
    """(distance from the window's end, code) of the match ending nearest the end."""
    best = None
    for rx, code in table:
        for m in rx.finditer(window):
            dist = len(window) - m.end()
            c = _freq_code(m, code) if table is _FREQ_RES else code
            if best is None or dist < best[0] or (dist == best[0] and m.end() - m.start() > best[2]):
                best = (dist, c, m.end() - m.start())
    if table is _FREQ_RES:
        for m in _CYCLE_FREQ.finditer(window):
            c = _cycle_code(m)
            dist = len(window) - m.end()
            if c and (best is None or dist < best[0]):
                best = (dist, c, m.end() - m.start())
    return (best[0], best[1]) if best else None


def _cycle_code(m: re.Match) -> str | None:
    n = int(m.group("n"))
    if m.group("u").lower().startswith("d"):
        if n % 7:
            return None
        n //= 7
    return _weeks_code(n)


_PLACEBO_NEAR = re.compile(
    r"\b(?:placebos?|sham|vehicle|dummy)\b(?![\s-]*(?:controlled|period|phase|group|arm)\b)", re.I
)
_LABEL = re.compile(r"(?:^|[\s.;])([A-Za-z][\w\-]*(?:\s+[\w\-]+){0,3})\s*:\s")
_WORD = re.compile(r"\S+")


def _is_placebo_amount(text: str, r) -> bool:
    """Is the amount at r attributed to a placebo / sham / vehicle / dummy?

    Yes when the nearest 'label:' before it names a placebo ("placebo: 100 mg tablets"),
    or when a placebo word stands in the same clause within 8 words of the amount
    ("250 mg placebo", "infusion of placebo at a dose of 15 mg/kg").
    """
    labels = list(_LABEL.finditer(text, 0, r.start))
    if labels and _PLACEBO.search(labels[-1].group(1)):
        # the label governs up to the next label
        return True
    left = 0
    for m in _CLAUSE_SPLIT.finditer(text, 0, r.start):
        left = m.end()
    m = _CLAUSE_SPLIT.search(text, r.end)
    right = m.start() if m else len(text)
    for pm in _PLACEBO_NEAR.finditer(text, left, right):
        if pm.end() <= r.start:
            # "placebo at a dose of 15 mg/kg", "Placebo Osimertinib 80mg"
            if len(_WORD.findall(text[pm.end() : r.start])) <= 8:
                return True
        else:
            # "250 mg placebo", "200 mg of Remdesivir placebo"; not "1mg/kg Q6W Placebo Q3W"
            gap = text[r.end : pm.start()]
            if (
                len(_WORD.findall(gap)) <= 3
                and _first_match(gap, _FREQ_RES) is None
                and _first_match(gap, _ROUTE_RES) is None
            ):
                return True
            # "a 100 mg once-daily maintenance dose of Remdesivir placebo"
            if len(_WORD.findall(gap)) <= 8 and re.search(r"\bof\s+(?:the\s+)?[\w\-]+\s*$", gap, re.I):
                return True
    return False


def _without_placebo_clauses(text: str) -> str:
    out = []
    last = 0
    for m in list(_CLAUSE_SPLIT.finditer(text)) + [None]:
        end = m.start() if m else len(text)
        clause = text[last:end]
        if not is_placebo(clause):
            out.append(clause)
        last = m.end() if m else len(text)
    return " | ".join(out)


@dataclass
class _Raw:
    start: int
    end: int
    value: float
    unit: str
    per: str | None
    freq_in_unit: str | None
    text: str
    kind: str = "dose"  # dose | total | daily total | diluent | placebo | threshold | fraction (of a radiation total)
    flags: set = field(default_factory=set)  # range, titration, multiple, bound, ambiguous
    group: int = -1  # list id for "20/56 mg"
    multiplier: float | None = None
    list_values: list | None = None  # "20/56 mg/m2" -> [20.0] (numbers before the amount)
    list_start: int | None = None


_TIME_FREQ = {"day": "QD", "d": "QD", "24h": "QD", "week": "QW", "wk": "QW", "month": "QM"}
_RATE = {"min": "min", "minute": "min", "h": "h", "hr": "h", "hour": "h"}


def _digit_groups(text: str, m: re.Match[str]) -> tuple[float, int, bool]:
    """An amount's value and start once its digit grouping is read, and whether that grouping is
    ambiguous: "1.200 mg" (1.2, or 1,200 written with a point) and "2 500 mg" (2,500, or "Cohort 2"
    and 500) are; "1 000 mg" is 1,000 (no amount is written "000")."""
    num, start = m.group("num"), m.start()
    if _POINT_THOUSANDS.fullmatch(num):
        return _to_float(num), start, True
    if len(num) == 3 and num.isdigit() and (g := _GROUP_BEFORE.search(text, 0, start)) is not None:
        if num.startswith("0"):
            return 1000 * int(g.group("head")) + _to_float(num), g.start(), False
        return _to_float(num), start, True
    return _to_float(num), start, False


def _read_amounts(text: str) -> list[_Raw]:
    raws: list[_Raw] = []
    taken: list[tuple[int, int]] = []

    # AUC-targeted doses (carboplatin)
    for m in _AUC.finditer(text):
        num = m.group("num") or m.group("num2") or m.group("num3")
        r = _Raw(m.start(), m.end(), float(num), "AUC", None, None, m.group(0).strip())
        alt = m.group("alt") if m.group("num") else ""
        raws.append(r)
        if alt:
            gid = len(raws) + 1000
            r.group = gid
            sep = re.sub(r"[\d.\s]", "", alt)
            flag = "titration" if "/" in sep else ("multiple" if "or" in sep.lower() else "range")
            r.flags.add(flag)
            for n in _LIST_SPLIT.findall(alt):
                raws.append(
                    _Raw(m.start(), m.end(), float(n), "AUC", None, None, m.group(0).strip(), flags={flag}, group=gid)
                )
        taken.append((m.start(), m.end()))

    for m in _AMOUNT.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        unit = next(_UNIT_TABLE[i][1] for i in range(len(_UNIT_TABLE)) if m.group(f"u{i}") is not None)
        value, start, ambiguous = _digit_groups(text, m)
        flags = {"ambiguous"} if ambiguous else set()
        if exponent := m.group("exp") or m.group("exp2"):
            value *= 10 ** int(exponent)
        elif exponent := m.group("exp3"):  # "10^10 CFU": ten to a power, no factor before it
            if m.group("num") != "10":
                continue
            value = 10.0 ** int(exponent)
        elif large := m.group("large"):
            value *= _LARGE[large.casefold()]
        end = m.end()
        per = None
        freq = None
        rest = text[end:]
        if unit not in ("%", "Gy", "cGy"):
            pm = _PER_KG.match(rest)
            if pm:
                per = "kg"
            else:
                pm = _PER_M2.match(rest)
                if pm:
                    per = "m2"
                elif unit == "mg" and _M2_TYPO.match(rest):
                    pm = _M2_TYPO.match(rest)
                    per = "m2"
            if pm:
                end += pm.end()
                rest = text[end:]
            cm = _CONC.match(rest)
            if cm:
                den = cm.group("den").lower()
                if not (den == "ml" or den.startswith("milli")):
                    continue  # laboratory concentration (mg/dL, mmol/L): not a dose
                unit = unit + "/mL"
                end += cm.end()
                rest = text[end:]
            tm = _PER_TIME.match(rest)
            if tm:
                t = re.sub(r"\s|ours?", "", tm.group("t").lower())
                if t in _TIME_FREQ:
                    freq = _TIME_FREQ[t]
                elif t in _RATE:
                    unit = unit + "/" + _RATE[t]
                end += tm.end()
        elif unit in ("Gy", "cGy"):
            fm = _PER_FRACTION.match(rest)
            if fm:
                per = "fraction"
                end += fm.end()
        else:
            # "% w/w", "% w/v"
            wm = re.match(r"\s*w/[wv]\b", text[end:], re.I)
            if wm:
                end += wm.end()
        raws.append(_Raw(start, end, value, unit, per, freq, text[start:end].strip(), flags=flags))
    raws.sort(key=lambda r: (r.start, r.group))
    return raws


def _classify(text: str, raws: list[_Raw]) -> None:
    """Mark each amount's kind (dose, total, daily total, diluent, placebo, threshold, fraction) and flags in place."""
    gid = 0
    for i, r in enumerate(raws):
        before = text[: r.start]
        after = text[r.end :]
        if r.unit == "AUC":
            pass
        elif r.unit == "%" and (_THRESHOLD_BEFORE.search(before) or _PCT_NOT_DOSE_AFTER.match(after)):
            r.kind = "threshold"
            continue
        elif r.unit.endswith("/mL") and _THRESHOLD_BEFORE.search(before):
            r.kind = "threshold"
            continue
        if r.unit == "%" and (_SALINE_AFTER.match(after) or _SALINE_BEFORE.search(before)):
            r.kind = "diluent"
            continue
        if (
            r.unit in ("mL", "L", "%")
            and (
                _SALINE_AFTER.match(after)
                or _SALINE_BEFORE.search(before)
                or re.match(r"^\s*of\s+(?:normal\s+)?(?:saline|nacl|sodium\s+chloride|dextrose|water|d5w)", after, re.I)
            )
            and i > 0
            and raws[i - 1].unit not in ("mL", "L", "%")
        ):
            r.kind = "diluent"
            continue
        if (
            r.unit in ("mL", "L")
            and _DILUENT_BEFORE.search(before)
            and any(o.unit not in ("mL", "L", "%") for o in raws)
        ):
            r.kind = "diluent"
            continue
        radiation = r.unit in ("Gy", "cGy")  # its total is the dose, read beside any per-fraction amount
        total = None if radiation else (_TOTAL_BEFORE.search(before) or _TOTAL_AFTER.match(after))
        if total or (not radiation and _CUMULATIVE.search(before)):
            daily = total and (total.group("daily") or total.groupdict().get("tdd"))
            r.kind = "daily total" if daily else "total"
            continue
        if _is_placebo_amount(text, r):
            r.kind = "placebo"
            continue
        if r.unit == "AUC":
            continue
        if _BOUND_BEFORE.search(before):
            r.flags.add("range")
        if _UP_TO_BEFORE.search(before):
            r.flags.add("titration")
        # bare-number list before the amount
        lm = _LIST_BEFORE.search(before)
        if lm and not _LABEL_WORDS.search(before[: lm.start()]):
            seg = lm.group(1)
            seps = re.sub(rf"{_NUM}|\s", " ", seg).lower().split()
            nums = _LIST_SPLIT.findall(seg)
            if "/" in seps:
                flag = "titration"
            elif _BETWEEN_BEFORE.search(before[: lm.start()]):
                flag = "range"
            elif any(s in ("-", "–", "to") for s in seps):
                flag = "range"
            else:
                flag = "multiple"
            gid += 1
            r.group = gid
            r.flags.add(flag)
            r.list_values = [_to_float(n) for n in nums]
            r.list_start = lm.start()
        # multiplier "2 x 150 mg", "two 0.25 mg tablets"
        mm = _MULTIPLIER_X.search(before)
        if not mm:
            mm = _MULTIPLIER_W.search(before)
            if mm and not _DOSAGE_FORM_AFTER.match(after):
                mm = None
        if mm and (lm or _LABEL_WORDS.search(before[: mm.start()])):
            mm = None
        mm = mm or _UNITS_OF_BEFORE.search(before) or _UNITS_TIMES_AFTER.match(after)
        if mm:
            word = mm.group("n").lower()
            n = _WORDNUM.get(word) or int(word)
            if n != 1:
                r.multiplier = float(n)
    # "Total daily dose of 40 mg" stated alone is the daily dose; beside "20 mg BID" a restatement
    daily_totals = [r for r in raws if r.kind == "daily total"]
    if len(daily_totals) == 1 and not any(r.kind == "dose" for r in raws):
        daily_totals[0].kind = "dose"
        daily_totals[0].freq_in_unit = "QD"
    # a radiation total stated beside its per-fraction amount is the dose; the fraction a detail
    radiation = [r for r in raws if r.kind == "dose" and r.unit in ("Gy", "cGy")]
    if any(r.per is None for r in radiation):
        for r in radiation:
            if r.per == "fraction":
                r.kind = "fraction"
    _mark_strengths(text, raws)
    _mark_volumes(text, raws)


_OPENING = re.compile(r"\s*[(\[]\s*")
_CLOSING = re.compile(r"\s*[)\]]")
_SLASH = re.compile(r"\s*/\s*")


def _mark_volumes(text: str, raws: list[_Raw]) -> None:
    """A volume or strength that carries the amount stated beside it is no dose of its own: "1.0
    mL (20 mcg)" (a vaccine's antigen in its volume), "2 mg (0.05 mL)", "6 mg/0.05 mL" (an injection
    under a millilitre), "bupivacaine 0.5% 7.5 mg" (the solution's strength, then the amount)."""
    doses = sorted((r for r in raws if r.kind == "dose"), key=lambda r: r.start)
    for first, second in zip(doses, doses[1:]):
        bracketed = _OPENING.fullmatch(text, first.end, second.start) and _CLOSING.match(text, second.end)
        if first.unit in _VOLUMES and second.unit not in (*_VOLUMES, "%") and bracketed:
            first.kind = "volume"
        elif first.unit == "%" and second.unit in _MASSES and text[first.end : second.start].isspace():
            first.kind = "strength"
        elif first.unit in _CONCENTRATIONS and any(r.unit in _MASSES for r in doses if r is not first):
            first.kind = "strength"  # "10 mg/mL oral suspension, 5 mL (50 mg)": the suspension's strength
        elif second.unit in _VOLUMES and first.unit not in (*_VOLUMES, "%"):
            if bracketed or (second.value < 1 and _SLASH.fullmatch(text, first.end, second.start)):
                second.kind = "volume"


_ANOTHER_ITEM = re.compile(r"\b(?:and|or|either|plus|with|followed|then|vs|versus)\b|[+;&]", re.I)
_STRENGTH_WORDS = re.compile(
    r"(?:[\s,;/+&]|\bx\b|×|\b(?:and|plus|one|two|three|four)\b|\b(?:capsules?|tablets?|caps|tabs|strengths?|each)\b)*",
    re.I,
)


def _bracket(text: str, r: _Raw) -> tuple[int, int] | None:
    """The span inside the brackets that hold amount ``r`` (from its list's start), if any."""
    start = _amount_start(r)
    opening = text.rfind("(", 0, start)
    closing = text.find(")", r.end)
    if opening < 0 or closing < 0 or ")" in text[opening:start] or "(" in text[r.end : closing]:
        return None
    return opening + 1, closing


def _mark_strengths(text: str, raws: list[_Raw]) -> None:
    """Unit strengths in brackets beside the one dose outside them: "Alectinib 600 mg (Fed): Phase I
    (20/40 mg)", "900 mg (150 mg capsules)" give 600 and 900 mg, not a titration or two doses. A
    bracket of only smaller amounts of the dose's unit (and capsule or tablet words), with no other
    drug named between the dose and it, is a strength."""
    doses = [r for r in raws if r.kind == "dose"]
    brackets: dict[tuple[int, int], list[_Raw]] = {}
    outside = []
    for r in doses:
        span = _bracket(text, r)
        if span is None:
            outside.append(r)
        else:
            brackets.setdefault(span, []).append(r)
    if len(outside) != 1 or outside[0].flags:
        return
    main = outside[0]
    for (start, end), inside in brackets.items():
        same = [r for r in inside if (r.unit, r.per) == (main.unit, main.per)]
        if start < main.end or not same or any(r.unit not in _VOLUMES for r in inside if r not in same):
            continue  # a strength may give its volume ("(225 mg/1.5 mL)"), no other amount
        if _ANOTHER_ITEM.search(text, main.end, start - 1):
            continue  # "gemcitabine 1250 mg/m^2 ... and either cisplatin (75 mg/m^2)": another drug's dose
        values = [v for r in same for v in (*(r.list_values or ()), r.value)]
        left, last = [], start
        for r in inside:  # the bracket's text without its amounts
            left.append(text[last : _amount_start(r)])
            last = r.end
        left.append(text[last:end])
        if all(0 < v < main.value for v in values) and _STRENGTH_WORDS.fullmatch("".join(left)):
            for r in inside:
                r.kind = "strength"


_VOLUMES = frozenset({"mL", "L"})
_MASSES = frozenset({"g", "mg", "ug", "ng"})
_CONCENTRATIONS = frozenset(f"{mass}/mL" for mass in _MASSES)


def _amount_start(r: _Raw) -> int:
    """Where amount ``r`` starts, with the list of numbers before it ("20/" of "20/40 mg")."""
    return r.list_start if r.list_start is not None else r.start


def _window_forward(text: str, r: _Raw, next_start: int) -> str:
    seg = text[r.end : next_start]
    m = _WINDOW_STOP.search(seg)
    return seg[: m.start()] if m else seg


# ---------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def parse_dose(text: str) -> DoseParse:
    """Read every stated amount in ``text`` and decide whether it states exactly one dose.

    ``doses`` lists the dose amounts found in order (placebo amounts, diluent volumes,
    biomarker thresholds and "total"/"N x" restatements are left out).  ``reason`` is
    None when exactly one orderable amount is stated; else 'no dose', 'exposure target',
    'ambiguous number' ("1.200 mg", "2 500 mg": a thousands separator or not), 'titration',
    'range' or 'multiple doses'.
    """
    if not text or not text.strip():
        return DoseParse((), False, REASON_NO_DOSE)
    text = text.replace("\u00a0", " ")
    raws = _read_amounts(text)
    _classify(text, raws)

    titration_kw = bool(_TITRATION.search(text))

    # expand lists into separate doses, compute windows on the kept amounts
    kept = [r for r in raws if r.kind == "dose"]
    boundaries = sorted(kept, key=lambda r: r.start)
    doses: list[Dose] = []
    dose_flags: list[tuple[_Raw, Dose]] = []
    for idx, r in enumerate(boundaries):
        next_start = boundaries[idx + 1].start if idx + 1 < len(boundaries) else len(text)
        if idx + 1 < len(boundaries) and boundaries[idx + 1].list_start is not None:
            next_start = min(next_start, boundaries[idx + 1].list_start)
        prev_end = boundaries[idx - 1].end if idx > 0 else 0
        start_for_back = r.list_start if r.list_start is not None else r.start
        fwd = _window_forward(text, r, next_start)
        back = text[prev_end:start_for_back]
        stops = list(_WINDOW_STOP.finditer(back))
        back = back[stops[-1].end() :] if stops else back
        freq = r.freq_in_unit or _closest(fwd, back, _FREQ_RES)
        route = _closest(fwd, back, _ROUTE_RES) or _closest(fwd, back, _ROUTE_WEAK_RES)
        if route is None and len(boundaries) == 1:
            # one amount only: a route stated elsewhere in the text (not for a placebo) applies to it
            rest = _without_placebo_clauses(text)
            route = _first_match(rest, _ROUTE_RES) or _first_match(rest, _ROUTE_WEAK_RES)
        values = r.list_values
        if values and r.unit != "AUC":
            exp_text = text[r.list_start : r.end].strip()
            for v in values:
                d = Dose(v, r.unit, r.per, freq, route, exp_text)
                doses.append(d)
                dose_flags.append((r, d))
            d = Dose(r.value, r.unit, r.per, freq, route, exp_text)
        else:
            d = Dose(r.value, r.unit, r.per, freq, route, r.text)
        doses.append(d)
        dose_flags.append((r, d))

    # "300 mg (2 x 150 mg)": a multiplied amount equal to another stated amount is a restatement
    final: list[tuple[_Raw, Dose]] = []
    multiplied = False
    for r, d in dose_flags:
        if r.multiplier is not None:
            prod = d.base_amount()[0] * r.multiplier
            same = [
                o
                for o_r, o in dose_flags
                if o_r is not r
                and o.base_amount()[1] == d.base_amount()[1]
                and abs(o.base_amount()[0] - prod) <= 1e-9 * max(1.0, prod)
            ]
            if same:
                continue
            multiplied = True
        final.append((r, d))
    final = _without_daily_restatements(final)
    doses = [d for _, d in final]

    for (pr, _), (r, _) in zip(final, final[1:]):
        if pr is r:
            continue
        between = text[pr.end : r.list_start if r.list_start is not None else r.start]
        if re.fullmatch(r"\s*(?:to|-|–|through|\\?~)\s*", between, re.I):
            r.flags.add("range")
        elif re.fullmatch(r"\s*/\s*", between) and pr.unit == r.unit and pr.per == r.per:
            r.flags.add("titration")

    flags = set()
    for r, _ in final:
        flags |= r.flags
    titration = titration_kw or "titration" in flags or "range" in flags

    if not doses:
        return DoseParse((), titration, REASON_NO_DOSE)
    if _EXPOSURE.search(text):
        return DoseParse(tuple(doses), titration, REASON_EXPOSURE)
    if "ambiguous" in flags:
        return DoseParse(tuple(doses), titration, REASON_AMBIGUOUS)
    if titration_kw or "titration" in flags:
        return DoseParse(tuple(doses), True, REASON_TITRATION)
    if "range" in flags:
        return DoseParse(tuple(doses), True, REASON_RANGE)
    if multiplied or "multiple" in flags:
        return DoseParse(tuple(doses), titration, REASON_MULTIPLE)

    # merge restatements of the same amount ("Osimertinib 80mg QD ... Osimertinib 80mg")
    merged = final[0][1]
    for (pr, _), (r, d) in zip(final, final[1:]):
        if d.base_amount() != merged.base_amount():
            return DoseParse(tuple(doses), titration, REASON_MULTIPLE)
        between = text[pr.end : r.start]
        if _COMBO.search(between):
            return DoseParse(tuple(doses), titration, REASON_MULTIPLE)
        for attr in ("frequency", "route"):
            a, b = getattr(merged, attr), getattr(d, attr)
            if a and b and a != b:
                return DoseParse(tuple(doses), titration, REASON_MULTIPLE)
        merged = Dose(
            merged.value, merged.unit, merged.per, merged.frequency or d.frequency, merged.route or d.route, merged.text
        )
    return DoseParse(tuple(doses), titration, None, merged)


_TIMES_A_DAY = {"BID": 2, "TID": 3, "QID": 4}


def _without_daily_restatements(doses: list[tuple[_Raw, Dose]]) -> list[tuple[_Raw, Dose]]:
    """``doses`` without the amounts per day ("900 mg/day") that restate a dose given several times
    a day ("300 mg three times daily (900 mg/day) by mouth"); the dose takes the route said of its
    restatement."""
    restating = {i: j for i, (r, d) in enumerate(doses) if (j := _restated(r, d, doses)) is not None}
    routes = {j: doses[i][1].route for i, j in restating.items() if doses[i][1].route}
    return [(r, replace(d, route=d.route or routes.get(i))) for i, (r, d) in enumerate(doses) if i not in restating]


def _restated(r: _Raw, d: Dose, doses: list[tuple[_Raw, Dose]]) -> int | None:
    """The index of the dose of ``doses`` that ``d``, an amount per day, restates, if any."""
    if r.freq_in_unit != "QD":
        return None
    return next((i for i, (o_r, other) in enumerate(doses) if o_r is not r and _day_of(d, other)), None)


def _day_of(total: Dose, dose: Dose) -> bool:
    """Whether ``total`` is a day's amount of ``dose`` given several times a day."""
    times = _TIMES_A_DAY.get(dose.frequency or "")
    amount, unit = total.base_amount()
    return bool(times) and dose.base_amount()[1] == unit and math.isclose(dose.base_amount()[0] * times, amount)


_PER_DAY = re.compile(r"(?:/\s*|\bper\s+)(?:day|d)\b", re.I)


def is_daily_total_of(total: Dose, dose: Dose) -> bool:
    """Whether ``total``, written as an amount per day ("150 mg/day"), is the day's amount of
    ``dose`` given several times a day ("75 mg twice daily"): one regimen said two ways, as a
    group's title and description often say it ("150 mg once daily" is another regimen)."""
    return total.frequency == "QD" and _PER_DAY.search(total.text) is not None and _day_of(total, dose)


def comparable(a: Dose, b: Dose) -> bool:
    """Can ``a`` and ``b`` be ordered by amount?

    Same base unit (mass vs mass, ...), same per-basis (mg/kg never against mg),
    same frequency and same route, where an unstated value only matches an unstated one.
    """
    if a is None or b is None:
        return False
    if a.base_amount()[1] != b.base_amount()[1]:
        return False
    if a.frequency != b.frequency:
        return False
    if a.route != b.route:
        return False
    return True


def dose_ratio(a: Dose, b: Dose) -> float:
    """``b`` over ``a`` in base units; ValueError when they are not comparable or ``a`` is zero."""
    if not comparable(a, b):
        raise ValueError(
            f"doses are not comparable: {a.text!r} ({a.base_amount()[1]}, "
            f"{a.frequency}, {a.route}) vs {b.text!r} ({b.base_amount()[1]}, "
            f"{b.frequency}, {b.route})"
        )
    va, vb = a.base_amount()[0], b.base_amount()[0]
    if va == 0:
        raise ValueError(f"dose {a.text!r} is zero; no ratio can be formed")
    return vb / va


# ---------------------------------------------------------------------------
# regimens: a dose per drug
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DrugDose:
    """One drug of a regimen as a text states it.

    ``drug`` is the drug's canonical name (the first of its names given to :func:`parse_regimen`),
    ``""`` for amounts the text gives without naming a drug. ``dose`` is its one orderable dose,
    ``None`` when the text names the drug without an amount or states it unsurely; then ``reason``
    says why (``titration``, ``range``, ``multiple doses``, ``exposure target``). ``amounts`` are
    the base amounts stated for it, so that two unsure readings can still be told equal.
    """

    drug: str
    dose: Dose | None
    reason: str | None
    amounts: tuple[tuple[float, str], ...] = ()
    text: str = ""  # the part of the text that is about this drug


@dataclass(frozen=True)
class Regimen:
    """Every drug a text names, each with its dose; sorted by drug name."""

    drugs: tuple[DrugDose, ...]

    def get(self, drug: str) -> DrugDose | None:
        return next((d for d in self.drugs if d.drug == drug), None)

    @property
    def names(self) -> frozenset[str]:
        """The named drugs (not the unnamed amounts)."""
        return frozenset(d.drug for d in self.drugs if d.drug)

    @property
    def dosed(self) -> tuple[DrugDose, ...]:
        """The drugs with an amount stated (sure or not)."""
        return tuple(d for d in self.drugs if d.amounts)


# between a bare amount and the drug named right after it: "750 mg Emibetuzumab", "6 mg/kg of X"
_AMOUNT_THEN_DRUG = re.compile(r"^\s*(?:of\s+)?(?:the\s+)?$", re.I)
# what separates one drug's statement from the next drug's
_DRUG_SEPARATOR = re.compile(
    r"\+|\bplus\b|\band\b|\bwith\b|\bfollowed\s+by\b|\bthen\b|[,;]|\.\s|\n|\bor\b|\bvs\.?\b|\bversus\b", re.I
)
# "erlotinib 150 mg placebo", "dacomitinib placebo"; not "erlotinib + placebo" or "X and placebo"
_PLACEBO_MENTION_AFTER = re.compile(r"^[\s,()\[\]-]{0,3}(?:(?!(?:and|plus|with|or)\b)[\w.]+\s+){0,3}placebo\b", re.I)
_PLACEBO_MENTION_BEFORE = re.compile(r"\bplacebo\s+(?:\w+\s+){0,2}$|\bmatching\s+$", re.I)
# a drug named as not given ("Selumetinib: NOT GIVEN Pemetrexed: 500mg/m^2", NCT02337530's control)
_NOT_GIVEN_AFTER = re.compile(r"^\s*[:=-]?\s*(?:not\s+(?:given|administered|received)|omitted)\b", re.I)


_BRACKETED = re.compile(r"\s*[\[(][^\])]*[\])]")
_SALT = re.compile(
    r"\s+(?:hydrochloride|hcl|maleate|mesylate|diphosphate|phosphate|sodium|potassium|citrate|tartrate|"
    r"sulfate|succinate|acetate|besylate|dimaleate|tosylate|malate|fumarate|bromide|dihydrochloride|injection|"
    r"tablets?|capsules?|for\s+injection)\b.*$",
    re.I,
)


INN_STEMS = (
    "mab|nib|lisib|ciclib|parib|platin|taxel|rubicin|mycin|stat|statin|vir|prazole|sartan|pril|olol|afil"
    "|gliptin|gliflozin|glutide|xaban|cept|tide|tecan|trexate|citabine|limus|sertib|degib|rafenib|cillin"
    "|azole|dronate|parin|zomib|mustine|fosfamide|semide|thiazide|dipine|lukast|terol|olone|cycline"
    "|oxacin|vudine|tidine|setron|triptan|azepam|zolam|oxetine|pramine|triptyline|peridone|apine"
    "|piprazole|caine|fentanil|orphine|codone|profen|fenac|coxib|steride|lutamide|trozole|oxifen"
    "|estradiol|gestrel|sterone|formin|glitazone"
)
"""Endings of international nonproprietary names, as one alternation without groups: a word ending
so names a drug (the dose parser's name forms, :mod:`ctpairs.qualifiers`)."""

# the first word of a registered name when it has an international nonproprietary name's stem
# ("Poziotinib Once Daily Dosing" -> "Poziotinib")
_INN_WORD = re.compile(rf"^[A-Za-z][a-z-]{{2,}}(?:{INN_STEMS})\b")


def _name_forms(names: tuple[str, ...]) -> list[tuple[str, int]]:
    """The ways a text may name a drug, with a rank (0 before 1 where two drugs' forms tie): each
    name, without brackets and salt or form words ("Motesanib diphosphate" -> "Motesanib",
    "bevacizumab [Avastin]" -> "bevacizumab"); then its first word when that is a drug's name
    ("Poziotinib Once Daily Dosing" -> "Poziotinib") or a product code ("C213 Microneedle System" ->
    "C213")."""
    forms: dict[str, int] = {}
    for name in names:
        for form in (name, _BRACKETED.sub("", name).strip()):
            for full in (form, _SALT.sub("", form).strip()):
                forms[full] = 0
    for name in list(forms):
        if (m := _INN_WORD.match(name) or _CODE_WORD.match(name)) and m.group(0) not in forms:
            forms[m.group(0)] = 1
    return [(f, rank) for f, rank in forms.items() if len(f) >= 2]


_CODE_WORD = re.compile(r"(?=[\w-]*[A-Za-z])(?=[\w-]*\d{2})[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*(?=\s)")
"""A name's first word when it is a product code ("C213 Microneedle System" -> "C213")."""


_LONG_WORD = re.compile(r"(?<![\w-])[A-Za-z][A-Za-z-]{7,}(?![\w-])")
MISSPELT_NAME_LENGTH = 8
"""A word this long or longer one edit away from a one-word drug name names that drug
("iIpilimumab" in NCT02039674's cohort D1 is ipilimumab); shorter names are too near each other."""


def _mentions(text: str, drugs: Sequence[tuple[str, ...]]) -> list[tuple[int, int, str]]:
    """(start, end, canonical name) of each drug named in ``text`` (not as its placebo, nor as not
    given), in order; a name misspelt by one edit counts (:data:`MISSPELT_NAME_LENGTH`)."""
    found: list[tuple[int, int, int, str]] = []
    for names in drugs:
        for name, rank in _name_forms(names):
            for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text, re.I):
                found.append((m.start(), m.end(), rank, names[0]))
    found += _misspelt(text, drugs, [(f[0], f[1]) for f in found])
    found = [
        f
        for f in found
        if not (
            _PLACEBO_MENTION_AFTER.match(text[f[1] :])
            or _PLACEBO_MENTION_BEFORE.search(text[: f[0]])
            or _NOT_GIVEN_AFTER.match(text[f[1] :])
        )
    ]
    found.sort(key=lambda f: (f[0], -(f[1] - f[0]), f[2]))
    kept: list[tuple[int, int, str]] = []
    for start, end, _, drug in found:
        if not kept or start >= kept[-1][1]:
            kept.append((start, end, drug))
    return kept


def _misspelt(
    text: str, drugs: Sequence[tuple[str, ...]], named: list[tuple[int, int]]
) -> list[tuple[int, int, int, str]]:
    """Words of ``text`` outside the ``named`` spans that are one edit from a drug's one-word name."""
    from rapidfuzz.distance import Levenshtein

    forms = _long_names(tuple(drugs))
    found = []
    for m in _LONG_WORD.finditer(text) if forms else ():
        if any(s < m.end() and m.start() < e for s, e in named):
            continue
        word = m.group(0).casefold()
        near = {drug for form, drug in forms if Levenshtein.distance(word, form, score_cutoff=1) <= 1}
        if len(near) == 1:
            found.append((m.start(), m.end(), 2, near.pop()))
    return found


@lru_cache(maxsize=4096)
def _long_names(drugs: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, str], ...]:
    """(casefolded one-word name, canonical name) of the drugs' names a typo may stand for."""
    return tuple(
        (form.casefold(), names[0])
        for names in drugs
        for form, _ in _name_forms(names)
        if len(form) >= MISSPELT_NAME_LENGTH and form.isalpha()
    )


def _cuts(text: str, mentions: list[tuple[int, int, str]]) -> list[tuple[int, str]]:
    """Where each drug's statement starts: at its name, or at the clause of an amount written just
    before it, or around it, when that amount cannot belong to the drug named before ("then 750 mg
    Emibetuzumab", "1 x 10^6 allogeneic mesenchymal stromal cells per kg")."""
    amounts = [(r.start, r.end) for r in _read_amounts(text)]
    cuts: list[tuple[int, str]] = []
    prev_end = 0
    for start, end, drug in mentions:
        cut = start
        before = [
            a
            for a in amounts
            if prev_end <= a[0] < start
            and (a[1] > start or (a[1] <= start and _AMOUNT_THEN_DRUG.match(text[a[1] : start])))
        ]
        if before:
            a_start = before[-1][0]
            owned = any(prev_end <= s and e <= a_start for s, e in amounts)
            separators = list(_DRUG_SEPARATOR.finditer(text, prev_end, a_start))
            if not cuts or owned or separators:
                # from the start of the amount's clause, so that "a target Cmax of" stays with it
                cut = separators[-1].end() if separators else prev_end
        cuts.append((cut, drug))
        prev_end = end
    return cuts


_COMBINATION = re.compile(
    r"\s\+\s?|\+|\bplus\b|\bin\s+combination\s+with\b|\bcombined\s+with\b|\btogether\s+with\b|\bfollowed\s+by\b"
    r"|;|\n",
    re.I,
)


def _merge(drug: str, parts: list[tuple[str, DoseParse]]) -> DrugDose:
    text = " ".join(t.strip() for t, _ in parts)
    doses = [d for _, p in parts for d in p.doses]
    amounts = tuple(sorted({d.base_amount() for d in doses}))
    reasons = [p.reason for _, p in parts if p.reason not in (None, REASON_NO_DOSE)]
    if reasons:
        return DrugDose(drug, None, reasons[0], amounts, text)
    singles = [p.single for _, p in parts if p.single is not None]
    if not singles:
        return DrugDose(drug, None, None, (), text)
    if len(amounts) > 1:
        return DrugDose(drug, None, REASON_MULTIPLE, amounts, text)
    first = singles[0]
    frequency = next((d.frequency for d in singles if d.frequency), None)
    route = next((d.route for d in singles if d.route), None)
    return DrugDose(drug, replace(first, frequency=frequency, route=route), None, amounts, text)


def parse_regimen(text: str | None, drugs: Sequence[tuple[str, ...]]) -> Regimen:
    """A dose per drug: the regimen ``text`` states, for the drugs named in ``drugs``.

    ``drugs`` holds each drug's names (the first is canonical), e.g. the trial's registered
    interventions with their other names. The text is cut where each drug's statement starts
    (its name, or an amount written just before it), each part is read with :func:`parse_dose`,
    and the parts of one drug are merged: one amount gives its dose (frequency and route from
    whichever part states them), several amounts or an unsure part give a reason instead.
    Amounts stated before any drug is named belong to the unnamed drug ``""``. A drug named as
    its placebo ("placebo matching X") is not named.
    """
    if not text or not text.strip():
        return Regimen(())
    return _parse_regimen(text.replace("\u00a0", " "), tuple(drugs))


def first_named(text: str | None, drugs: Sequence[tuple[str, ...]]) -> str | None:
    """The drug of ``drugs`` that ``text`` names first ("AUC of Midazolam When Coadministered With
    Itraconazole" -> midazolam: what a pharmacokinetic title measures), or ``None``."""
    mentions = _mentions(text or "", tuple(drugs))
    return mentions[0][2] if mentions else None


# the amounts of a fixed-dose combination after its names: "Sitagliptin/Metformin 50/500 mg BID"
_COMBINED_AMOUNTS = re.compile(
    r"\s*\(?\s*(?P<amounts>\d+(?:\.\d+)?(?:\s*/\s*\d+(?:\.\d+)?)+)\s*(?P<unit>mg|mcg|µg|ug|g)\b", re.I
)
_NAME_JOIN = re.compile(r"\s*/\s*")


def _fixed_combination(text: str, mentions: list[tuple[int, int, str]]) -> str | None:
    """``text`` with a fixed-dose combination written out drug by drug ("Sitagliptin/Metformin
    50/500 mg BID" -> "Sitagliptin 50 mg BID + Metformin 500 mg BID"), or ``None`` when it has none:
    two or more drugs named one after another, joined by "/", followed by as many amounts joined by
    "/" and one unit. One drug before "20/56 mg" is a step-up, not a combination."""
    for first in range(len(mentions) - 1):
        last = first
        while last + 1 < len(mentions) and _NAME_JOIN.fullmatch(text[mentions[last][1] : mentions[last + 1][0]]):
            last += 1
        named = mentions[first : last + 1]
        m = _COMBINED_AMOUNTS.match(text, named[-1][1])
        if len(named) < 2 or not m:
            continue
        amounts = _NAME_JOIN.split(m.group("amounts"))
        if len(amounts) != len(named):
            continue
        rest = text[m.end() :]
        written = " + ".join(
            f"{text[start:end]} {amount} {m.group('unit')}{rest}" for (start, end, _), amount in zip(named, amounts)
        )
        return text[: named[0][0]] + written
    return None


@lru_cache(maxsize=65536)
def _parse_regimen(text: str, drugs: tuple[tuple[str, ...], ...]) -> Regimen:
    mentions = _mentions(text, drugs)
    if (written := _fixed_combination(text, mentions)) is not None:
        text, mentions = written, _mentions(written, drugs)
    cuts = _cuts(text, mentions)
    starts = [c for c, _ in cuts] + [len(text)]
    parts: dict[str, list[tuple[str, DoseParse]]] = {}
    head = text[: starts[0]]
    if (parsed := parse_dose(head)).doses or parsed.reason not in (REASON_NO_DOSE, None):
        parts[""] = [(head, parsed)]
    for (start, drug), end in zip(cuts, starts[1:]):
        segment = text[start:end]
        # "Panitumumab + Drug-X 125 mg": past a combination word, an amount is another drug's
        split = _COMBINATION.search(segment, len(segment) - len(segment.lstrip()) + 1)
        if split is not None and parse_dose(segment[split.end() :]).doses:
            rest = segment[split.end() :]
            parts.setdefault("", []).append((rest, parse_dose(rest)))
            segment = segment[: split.start()]
        parts.setdefault(drug, []).append((segment, parse_dose(segment)))
    return Regimen(tuple(_merge(drug, parts[drug]) for drug in sorted(parts)))
