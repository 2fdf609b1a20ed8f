"""The in-place abbreviation reader (ctpairs.abbreviations) on real strings of the shared records."""

from __future__ import annotations

import pytest

from ctpairs.abbreviations import long_form, without_definitions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # NCT02039674's cohort A2 beside A10's "carboplatin (C AUC 6 \[6 mg/mL/min\])"
        (
            r"carboplatin (C Area Under the Curve \[AUC\] 6 \[6 mg/mL/min\]) via intravenous (IV) infusion",
            r"carboplatin (C AUC 6 \[6 mg/mL/min\]) via IV infusion",
        ),
        (
            "Part1 Cohort A2 (Pembro 2 mg/kg+Paclitaxel [Pa]+Carboplatin [C])",
            "Part1 Cohort A2 (Pembro 2 mg/kg+Pa+Carboplatin [C])",
        ),
        ("Eastern Cooperative Oncology Group (ECOG) performance status", "ECOG performance status"),
        ("Programmed death-ligand 1 (PD-L1) positive", "PD-L1 positive"),
        ("non-small cell lung cancer (NSCLC)", "NSCLC"),
        # conventional abbreviations whose letters their words do not spell, from a table
        # (NCT01211483's 18 mg/kg cohort beside its 9 mg/kg one's "IV Q3W ... PO")
        ("twice daily (BID)", "BID"),
        ("every 3 weeks (Q3W)", "Q3W"),
        (
            "U3-1287 18 mg/kg intravenously (IV) every three weeks (Q3W) and Erlotinib 150 mg/day orally (PO).",
            "U3-1287 18 mg/kg IV Q3W and Erlotinib 150 mg/day PO.",
        ),
        ("every 2 weeks (Q3W)", "every 2 weeks (Q3W)"),  # another number: no definition
        # nothing before the parenthesis spells it out: the text stays
        ("Tumor (PO)", "Tumor (PO)"),
        ("Part 1 (Dose Escalation)", "Part 1 (Dose Escalation)"),
        ("pembrolizumab (Pembro 2 mg/kg)", "pembrolizumab (Pembro 2 mg/kg)"),
        ("Cohort B (Expansion)", "Cohort B (Expansion)"),
        # a code name with its short name is a definition too
        ("LY2181308 (LY) 750 mg", "LY 750 mg"),
    ],
)
def test_definitions_reduce_to_their_short_form(text: str, expected: str) -> None:
    assert without_definitions(text) == expected


def test_long_form_starts_at_a_word_and_takes_every_character_in_order() -> None:
    assert long_form("received study drug via intravenous", "IV") == "intravenous"
    assert long_form("C Area Under the Curve", "AUC") == "Area Under the Curve"
    assert long_form("Overall Survival", "OS") == "Overall Survival"
    # the first character must start a word: "dose" has no word starting with "o" before "s"
    assert long_form("high dose", "OS") is None
    # a short form that is itself one of the words is no definition
    assert long_form("give IV fluids", "IV") is None
