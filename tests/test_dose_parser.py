"""Tests of ctpairs.dose on real ClinicalTrials.gov strings.

Every string in REAL_CASES was copied literally from a record in
/work/shared/ctgov/studies.jsonl.gz (group titles / descriptions, arm labels /
descriptions, intervention descriptions); the NCT id is next to it.  The expected
parse was written by hand after reading each string; the test never reads /work/shared.

Expectation helpers:
    S(value, unit, per, freq, route)   the text states exactly one orderable dose
    R(reason, values=None)             no single dose; why ('no dose', 'multiple doses',
                                       'titration', 'range'); optionally the amounts found
"""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import pytest

from ctpairs.dose import (
    REASON_AMBIGUOUS,
    REASON_EXPOSURE,
    REASON_TITRATION,
    Dose,
    DoseParse,
    comparable,
    dose_ratio,
    is_daily_total_of,
    is_placebo,
    parse_dose,
    parse_regimen,
    schedule_codes,
    trailing_code,
)


def S(value, unit, per=None, freq=None, route=None):
    return ("single", float(value), unit, per, freq, route)


def R(reason, values=None):
    return ("reason", reason, values)


NO = "no dose"
MULTI = "multiple doses"
TITR = "titration"
RANGE = "range"

REAL_CASES = [
    # ---- multi-dose trials: one amount per group (titles / labels) ----
    ("NCT00790751", r"Avanafil 50 mg", S(50, "mg")),
    ("NCT00790751", r"Avanafil 100 mg", S(100, "mg")),
    ("NCT00790751", r"Avanafil 200 mg", S(200, "mg")),
    ("NCT00790751", r"avanafil 200 mg", S(200, "mg")),
    (
        "NCT00790751",
        r"avanafil 50 mg 30 minutes orally prior to initiation of sexual activity",
        S(50, "mg", None, "PRN", "oral"),
    ),
    (
        "NCT00809471",
        r"avanafil 100 mg 30 minutes orally prior to initiation of sexual activity",
        S(100, "mg", None, "PRN", "oral"),
    ),
    ("NCT00790751", r"placebo 30 minutes orally prior to initiation of sexual activity", R(NO)),
    ("NCT00790751", r"30 minutes orally prior to initiation of sexual activity", R(NO)),
    ("NCT00413283", r"Romiplostim 250 µg", S(250, "ug")),
    ("NCT00413283", r"Romiplostim 500 µg", S(500, "ug")),
    ("NCT00413283", r"Romiplostim 750 μg", S(750, "ug")),
    ("NCT00413283", r"Placebo subcutaneous injection.", R(NO)),
    ("NCT01037218", r"Udenafil 150mg", S(150, "mg")),
    ("NCT01037218", r"Udenafil 100 mg tablets", S(100, "mg", None, None, "oral")),
    ("NCT01037218", r"100 mg Udenafil tablet plus 50 \& 150 mg placebo tablets", S(100, "mg", None, None, "oral")),
    ("NCT01037218", r"50, 100 \& 150 mg placebo tablets", R(NO)),
    ("NCT01037218", r"Placebo tablets", R(NO)),
    ("NCT00094835", r"Paclitaxel/Carboplatin + Motesanib 50 mg QD", S(50, "mg", None, "QD")),
    ("NCT00094835", r"Panitumumab + Motesanib 75 mg BID", S(75, "mg", None, "BID")),
    ("NCT00094835", r"Panitumumab + Paclitaxel/Carboplatin + Motesanib 125 mg QD", S(125, "mg", None, "QD")),
    ("NCT00531284", r"MM: CFZ 20 mg/m²", S(20, "mg", "m2")),
    ("NCT00531284", r"P1B ST: CFZ 20 mg/m² Bolus", S(20, "mg", "m2", None, "iv")),
    ("NCT00191191", r"Pemetrexed 1000 mg/m2", S(1000, "mg", "m2")),
    ("NCT00191191", r"Pemetrexed 500 mg/m2", S(500, "mg", "m2")),
    ("NCT00820755", r"Cetuximab 500 mg/m^2 Every 2 Weeks", S(500, "mg", "m2", "Q2W")),
    ("NCT00820755", r"Cetuximab 250 mg/m^2 Weekly", S(250, "mg", "m2", "QW")),
    ("NCT01610336", r"INC280 200 mg Cap QD Phase Ib", S(200, "mg", None, "QD", "oral")),
    ("NCT01610336", r"INC280 400 mg Cap BID Phase II", S(400, "mg", None, "BID", "oral")),
    ("NCT02082210", r"Part A - 2000 mg Emibetuzumab", S(2000, "mg")),
    ("NCT04068896", r"Part 2 NGM120 30mg", S(30, "mg")),
    ("NCT04068896", r"NGM120 100 mg Subcutaneous Injection", S(100, "mg", None, None, "sc")),
    ("NCT01211483", r"Phase 1b: U3127 18mg/kg + Erlotinib", S(18, "mg", "kg")),
    ("NCT01871805", r"Alectinib 600 mg (Fed): Phase II", S(600, "mg")),
    # the capsules' strength in brackets (alectinib came as 20 and 40 mg capsules, then 150 mg)
    ("NCT01871805", r"Alectinib 900 mg (Fed): Phase I (150 mg)", S(900, "mg")),
    ("NCT01871805", r"Alectinib 600 mg (Fed): Phase I (20/40 mg)", S(600, "mg")),
    ("NCT02438826", r"Galcanezumab 300 mg", S(300, "mg")),
    ("NCT03831932", r"Phase 1b 600mg Telaglenastat HCl Cohort", S(600, "mg")),
    ("NCT02308020", r"Part D 200 mg Abemaciclib: NSCLC", S(200, "mg")),
    ("NCT02094261", r"AZD9291 80mg", S(80, "mg")),
    ("NCT03239340", r"Exon19del 80 mg", S(80, "mg")),
    ("NCT01130532", r"5 mg Tadalafil Open-Label Extension", S(5, "mg")),
    ("NCT02648724", r"Part 1: 6 mg/kg", S(6, "mg", "kg")),
    ("NCT02039674", r"Part 1 Cohort B10 (Pembro 10 mg/kg+Pa+C+B)", S(10, "mg", "kg")),
    ("NCT02039674", r"Part 2 Cohorts D4 & H (Pembro 2mg/kg+I)", S(2, "mg", "kg")),
    ("NCT04484142", r"DS-1062a 6.0 mg/kg", S(6.0, "mg", "kg")),
    ("NCT04619004", r"Patritumab Deruxtecan 5.6 mg/kg", S(5.6, "mg", "kg")),
    ("NCT02108964", r"EGF816 150 mg (Phase II Part)", S(150, "mg")),
    ("NCT01355497", r"GTx-024 3mg Once Daily", S(3, "mg", None, "QD")),
    ("NCT00556712", r"Erlotinib, 150 mg/Day", S(150, "mg", None, "QD")),
    ("NCT02544633", r"Soft Gel 1050 mg BID C1D1", S(1050, "mg", None, "BID", "oral")),
    ("NCT01419236", r"Testosterone Solution 2%", S(2, "%")),
    # the solution's strength, then the amount given of it (dose parser 2.8.0)
    ("NCT01419236", r"Testosterone Solution 2% 60 milligrams (mg)", S(60, "mg")),
    ("NCT00890825", r"Placebo + Docetaxel 75 mg/m\^2", S(75, "mg", "m2")),
    ("NCT01401543", r"5 mg LY2452473 and 5 mg Tadalafil", R(MULTI, [5, 5])),
    ("NCT03334617", r"Module 4 Cohort A.4.RIC: Durvalumab 1500 mg + Vistusertib 125 mg", R(MULTI, [1500, 125])),
    ("NCT01259089", r"Phase II- 70 mg/m2 AUY922+150 mg Daily Erlotinib", R(MULTI, [70, 150])),
    # crossover / sequence titles: the placebo period does not own the amount
    ("NCT02438826", r"Placebo/Galcanezumab (GMB) 300 mg", S(300, "mg")),
    ("NCT05546476", r"Part A: Placebo/ Part B: Ponsegromab 400 mg", S(400, "mg")),
    ("NCT02945046", r"Fremanezumab 675 mg/Placebo/Placebo", S(675, "mg")),
    # amount glued to a drug name
    ("NCT02039674", r"Part1 Cohort A10 (Pembro10mg/kg+Pa+C)", S(10, "mg", "kg")),
    (
        "NCT01211483",
        r"Placebo matching U3-1287 IV Q3W + Erlotinib150 mg/day PO until cancer gets worse, side effects become unacceptable or participant withdraws consent",
        S(150, "mg", None, "QD", "oral"),
    ),
    # spelled-out units
    (
        "NCT00316225",
        r"500 milligrams per meter squared (mg/m\^2) IV every 21 days for 6 cycles",
        S(500, "mg", "m2", "Q3W", "iv"),
    ),
    (
        "NCT02352948",
        r"Participants received durvalumab (MEDI4736) 10 milligrams per kilogram (mg/kg) intravenous (IV) infusion every 2 weeks (Q2W) for 12 months (up to 26 doses).",
        S(10, "mg", "kg", "Q2W", "iv"),
    ),
    (
        "NCT01657799",
        r"30.0 grays (Gy) of WBRT given in 10 daily fractions of 3.0 Gy each, excluding weekends and holidays",
        R(MULTI, [30, 3]),
    ),
    ("NCT03917459", r"Enalapril 10 mg bid", S(10, "mg", None, "BID")),
    ("NCT03917459", r"Placebo to Enalapril 10 mg film-coated tablets", R(NO)),
    (
        "NCT00693992",
        r"Patients receive placebo 37.5 mg PO once daily on days 1-21. Courses repeat every 21 days in the absence of disease progression or unacceptable toxicity.",
        R(NO),
    ),
    (
        "NCT00655629",
        r"Vardenafil 10 mg orodispersible tablet (ODT) taken on demand (PRN), approximately one hour before start of sexual activity, no more than one dose per day.",
        S(10, "mg", None, "PRN", "oral"),
    ),
    ("NCT01858389", r"Dacomitinib, 45/60 mg", R(TITR, [45, 60])),
    (
        "NCT00308750",
        r"1125-1200 milligrams (mg) loading dose then 500 mg, oral, daily, until disease progression",
        R(RANGE),
    ),
    ("NCT03377023", r"Nintedanib 100-200 mg capsules by mouth twice daily for two-week cycles.", R(RANGE, [100, 200])),
    ("NCT01459497", r"Conventional radiation 60-66 Gy in 30-33 fractions in 6-7 weeks", R(RANGE, [60, 66])),
    # ---- titration / loading-maintenance written with slashes ----
    ("NCT00531284", r"P1B WM: CFZ 20/56 mg/m²", R(TITR, [20, 56])),
    ("NCT00531284", r"Phase 1b Multiple Myeloma: Carfilzomib 20/70 mg/m²", R(TITR, [20, 70])),
    ("NCT01941316", r"Phase Ib Cohort 1: 20/27 mg/m^2 Carfilzomib, 125 mg/m^2 Irinotecan", R(TITR)),
    ("NCT02945046", r"Fremanezumab 900/225/225 mg", R(TITR, [900, 225, 225])),
    ("NCT03037385", r"Phase I: Pralsetinib 200/100 mg", R(TITR, [200, 100])),
    ("NCT02224846", r"2.5 mg/5 mg Tadalafil", R(TITR, [2.5, 5])),
    ("NCT02424617", r"Phase 1 - Run in Arm (Bemcentinib 600 mg/200 mg)", R(TITR, [600, 200])),
    (
        "NCT00738400",
        r"Vardenafil 10 mg tablets PRN (pro re nata) for 4 weeks, Vardenafil 5 mg/10 mg/20 mg tablets PRN for consecutive 4 weeks",
        R(TITR),
    ),
    (
        "NCT00095199",
        r"Cetuximab 400/250 mg/m\^2 (initial/weekly) administered intravenously on Days 1, 8, and 15 (3-week) cycles until disease progression or unacceptable toxicity.",
        R(TITR, [400, 250]),
    ),
    # ---- titration in words ----
    (
        "NCT00094835",
        r"Dose-finding with an initial dose of 50 mg once daily and up to 125 mg once daily. 75 mg twice daily was also to be tested.",
        R(TITR),
    ),
    (
        "NCT00606502",
        r"190 or 230 mg/m2 starting dose with increases or decreases to 150 to 270 mg/m2 per protocol, administered as an IV push over 3-5 minutes on days 1 and 15 of a 4-week cycle (ie, every 2 weeks)",
        R(TITR),
    ),
    (
        "NCT01419236",
        r"Testosterone solution 2% \[60 mg applied topically once daily with a potential 1-time titration to 30 mg/day or 90 mg/day\] for 16 weeks.",
        R(TITR),
    ),
    (
        "NCT01419236",
        r"Testosterone Solution 2% 60 mg applied topically once daily with possible 1-time titration to 30 milligrams per day (mg/day) or 90 mg/day for 16 weeks",
        R(TITR),
    ),
    (
        "NCT00301262",
        r"Subjects started double-blind phase on 50 mg Viagra. After 2 weeks, subjects were allowed to titrate the dose (up or down) depending on efficacy and tolerability and remained on that dose until the end of the double-blind phase (after 8 weeks)",
        R(TITR, [50]),
    ),
    (
        "NCT02648724",
        r"Sym015 was tested in four dose titration cohorts. Patients in this cohort received 6 mg/kg. A substitute or an additional dose level could potentially be evaluated.",
        R(TITR, [6]),
    ),
    (
        "NCT03521154",
        r"The initial dose of Osimertinib 80mg once daily can be reduced to 40mg once daily. Treatment can continue until disease progression, unacceptable toxicity or other discontinuation criteria are met.",
        R(TITR, [80, 40]),
    ),
    (
        "NCT00085839",
        r"Erlotinib tablets administered orally, 150 mg/day (starting dose) or 100 mg/day (reduced dose), continuous therapy",
        R(TITR, [150, 100]),
    ),
    (
        "NCT00826449",
        r"Dasatinib orally starting dose 70 mg/day \& Erlotinib 150 mg orally/day every 21 day cycle.",
        R(TITR),
    ),
    ("NCT00826449", r"Starting dose of 70 mg by mouth daily for 21 day cycle.", R(TITR, [70])),
    (
        "NCT00600821",
        r"Paclitaxel is available in multidose vials (30 mg/5ml;100mg/16.7 ml;300 mg/50ml)- The starting dose is 200 mg/m2, every 3 weeks",
        R(TITR),
    ),
    (
        "NCT00093756",
        r"PHASE I: Cohorts of 3-6 patients receive escalating doses of study medications until the maximum tolerated dose (MTD) is determined. 3-dimensional conformal radiation therapy, bortezomib: Given IV, paclitaxel: Given IV, carboplatin: Given IV.",
        R(NO),
    ),
    # ---- ranges and bounds ----
    ("NCT02916693", r"Mirabegron 25 mg to 50 mg Treatment", R(RANGE, [25, 50])),
    (
        "NCT00113516",
        r"175-225 mg/m2 via IV infusion every 21 days for 4 cycles as per institutional practices.",
        R(RANGE, [175, 225]),
    ),
    (
        "NCT00606502",
        r"1-1.25 mg orally  Administered daily for at least 7 days prior to randomization, throughout the study and for at least 30 days after last dose of study treatment.",
        R(RANGE, [1, 1.25]),
    ),
    (
        "NCT00227019",
        r"350 to 1000 micrograms 1 week prior to treatment and 3 weeks after last pemetrexed dose",
        R(RANGE, [350, 1000]),
    ),
    (
        "NCT00609518",
        r"350-1000 micrograms taken orally for at least 5 daily doses during the 7-day period prior to the first dose of pemetrexed then continues daily throughout treatment until 3 weeks after the last dose of pemetrexed.",
        R(RANGE, [350, 1000]),
    ),
    ("NCT03037385", r"Pralsetinib ≤ 300 mg QD", R(RANGE, [300])),
    (
        "NCT00257608",
        r"Participants received IV dose of Cisplatin 80 mg/m\^2 on Day 1 of each 21-day cycle and Gemcitabine 1000-1250 mg/m\^2 on Day 1 and Day 8 followed by Bevacizumab of each 21-day cycle up to 4 cycles.",
        R(RANGE),
    ),
    # ---- lists of alternative amounts ----
    (
        "NCT01802632",
        r"Pre-treated patient cohort in doses 20, 40, 80, 160 and 240mg AZD9291 capsule.",
        R(MULTI, [20, 40, 80, 160, 240]),
    ),
    (
        "NCT03123783",
        r"Participants received intravenous infusions of APX005M starting at DL 0.03, .1 or .3 mg/kg administered every 21 days in combination with nivolumab 360 mg IV",
        R(MULTI, [0.03, 0.1, 0.3, 360]),
    ),
    ("NCT01122264", r"10 milligrams (mg) or 20 mg on demand", R(MULTI, [10, 20])),
    ("NCT01122264", r"5 mg or 2.5 mg once a day", R(MULTI, [5, 2.5])),
    ("NCT01122264", r"50 mg, 100 mg, or 25 mg on demand", R(MULTI, [50, 100, 25])),
    (
        "NCT01122264",
        r"Participants were instructed to take a 10-milligram (mg) or 20-mg tablet of tadalafil orally on demand, with a maximum of 4 tablets per week (and no more than 1 tablet per day) for 24 weeks.",
        R(MULTI, [10, 20]),
    ),
    (
        "NCT01122264",
        r"Participants were instructed to take a 5-mg or 2.5-mg tadalafil tablet orally, once a day.",
        R(MULTI, [5, 2.5]),
    ),
    (
        "NCT00915005",
        r"All patients on this trial will receive concurrent weekly carboplatin and paclitaxel chemotherapy with radiation therapy 74 or 66 Gy(RBE).",
        R(MULTI, [74, 66]),
    ),
    # ---- combinations and sequences: several amounts ----
    (
        "NCT03123783",
        r"Participants received 0.03mg/kg of APX005M administered every 21 days in combination with nivolumab 360 mg",
        R(MULTI, [0.03, 360]),
    ),
    (
        "NCT04068896",
        r"NGM120 30 mg Subcutaneous Injection together with gemcitabine (1000 mg/m2 weekly for first 3 weeks of the 4-week cycle) and Abraxane (125 mg/m2 weekly for first 3 weeks of the 4-week cycle).",
        R(MULTI, [30, 1000, 125]),
    ),
    (
        "NCT04814381",
        r"patients in the experimental group will receive 0.5mg/kg of ketamine over 2 hours, diluted in 50cc of NaCl 0.9% and 3g of magnesium sulfate over 30 minutes diluted in 250cc of NaCl 0.9%.",
        R(MULTI, [0.5, 3]),
    ),
    (
        "NCT00085839",
        r"Paclitaxel 200 mg/m\^2 IV infusion over 3 hours and carboplatin AUC 6 mg/mL x min IV over 15 - 30 minutes, both given on Day 1 every 21 days for 4 cycles",
        R(MULTI, [200, 6]),
    ),
    (
        "NCT03455829",
        r"Part 1: G1T38/Lerociclib at 200 mg once daily (QD) orally + Osimertinib 80 mg once daily (QD) orally",
        R(MULTI, [200, 80]),
    ),
    (
        "NCT03704688",
        r"Dose Level 1: Trametinib 2 mg PO q daily Ponatinib 15mg PO q daily Dose Level 2: Trametinib 2mg, Ponatinib 30mg",
        R(MULTI),
    ),
    (
        "NCT03704688",
        r"Trametinib 2 mg PO q daily Ponatinib 30mg PO q daily  Trametinib 2 mg: 2 mg PO q daily  Ponatinib 30 MG: 30mg PO q daily",
        R(MULTI),
    ),
    (
        "NCT00892710",
        r"Pemetrexed: 500 mg/m2 IV given over 10 minutes every 21 days  Bevacizumab: 15 mg/kg IV every 21 days",
        R(MULTI, [500, 15]),
    ),
    ("NCT02659059", r"Part 1 Nivolumab IV 3 mg/kg Q2W + Ipilimumab IV 1 mg/kg Q6W", R(MULTI, [3, 1])),
    (
        "NCT00148798",
        r"cisplatin 80mg/m\^2 i.v. infusion on day 1 of each 3-week cycle + vinorelbine 25mg/m\^2 i.v. infusion on days 1 and 8 of each 3-week cycle.  Safety population: includes all treated subjects.",
        R(MULTI, [80, 25]),
    ),
    (
        "NCT02544633",
        r"MGCD265 (750 mg BID spray dried dispersion tablet or 1050 mg BID soft-gel capsule) in patients with MET gene amplifications in the blood (circulating tumor DNA).",
        R(MULTI, [750, 1050]),
    ),
    (
        "NCT01005680",
        r"Gemcitabine: 1250 mg/m² administered intravenously on Day 1 and Day 8 of each 21-day cycle, for 6 cycles  Cisplatin: 75 mg/m² administered intravenously on Day 1 of each 21-day cycle, for 6 cycles",
        R(MULTI, [1250, 75]),
    ),
    (
        "NCT05171777",
        r"Participants were administered atezolizumab, SC injections, 1875 mg, Q3W for 3 cycles followed by atezolizumab, IV, 1200 mg, Q3W, for the next 3 cycles (cycle length=21 days) in the Treatment Crossover Period.",
        R(MULTI, [1875, 1200]),
    ),
    (
        "NCT02210780",
        r"Two subcutaneous injections of Dupilumab 300 mg (for a total of 600 mg) as a loading dose on Day 1, followed by a single 300 mg injection qw from Week 1 to Week 15.",
        R(MULTI),
    ),
    (
        "NCT00094835",
        r"Participants with no more than one prior chemotherapy regimen for NSCLC received panitumumab 9.0 mg/kg IV on Day 1 of each 21-day cycle, and motesanib 50 mg QD, orally self-administered on Days 3-21 of Cycle 1 and then on Days 1 to 21 of Cycle 2 and all cycles thereafter.",
        R(MULTI, [9.0, 50]),
    ),
    (
        "NCT02296125",
        r"Randomized participant received Standard of care (SoC) Epidermal growth factor receptor-tyrosine kinase inhibitor (EGFR-TKI). Participants received gefitinib 250 mg orally QD or erlotinib 150 mg orally QD.",
        R(MULTI, [250, 150]),
    ),
    (
        "NCT02039674",
        r"Cohort E participants received pembrolizumab (Pembro 2 mg/kg) via IV infusion on Day 1 of each 3-week cycle PLUS erlotinib (E 150 mg) via oral tablet once a day on every day of each 3-week cycle.",
        R(MULTI, [2, 150]),
    ),
    ("NCT04967417", r"* Pemetrexed 500mg/m2 * Carboplatin AUC 5.0 * Pembrolizumab 200mg", R(MULTI, [500, 5.0, 200])),
    (
        "NCT03663205",
        r"Cisplatin 75 mg/m\^2 or carboplatin AUC 5 once every 3 weeks for 4 to 6 cycles and pemetrexed 500 mg/m\^2 administered IV once every 3 weeks until unacceptable toxicity or disease progression (each cycle is 21 days)",
        R(MULTI, [75, 5, 500]),
    ),
    (
        "NCT02352948",
        r"Gemcitabine by intravenous infusion. Administered at a dose of 1000 mg/m2 iv over 30 minutes on Days 1, 8, and 15 of a 28-day cycle.",
        S(1000, "mg", "m2", None, "iv"),
    ),
    (
        "NCT01130532",
        r"2.5 milligram (mg) Tadalafil for 4 weeks, followed by 5 mg Tadalafil for 8 weeks during double-blind treatment period (Period III).",
        R(MULTI, [2.5, 5]),
    ),
    (
        "NCT02658890",
        r"BMS-986205 400mg + nivolumab 240mg combo therapy. BMS-986205 administered orally in tablet or capsule formulation daily. Nivolumab administered as IV infusion once every 2 weeks.",
        R(MULTI, [400, 240]),
    ),
    (
        "NCT01828112",
        r"Ceritinib was the investigational treatment and was provided as 150 mg hard gelatin capsules for oral use. The dose was 750 mg once daily.",
        R(MULTI, [150, 750]),
    ),
    (
        "NCT03242915",
        r"Pembrolizumab 200 mg with carboplatin at AUC (area under the curve dosing) 5 and pemetrexed at 500 mg/m2 administered intravenously every 3 weeks",
        R(MULTI, [200, 5, 500]),
    ),
    (
        "NCT04035486",
        r"Drug: Pemetrexed (500 mg/m2) plus carboplatin (AUC5) on Day 1 of 21day cycles (every 3 weeks) for 4 cycles, followed by Osimertinib daily with pemetrexed maintenance (500 mg/m2) every 3 weeks.",
        R(MULTI),
    ),
    ("NCT05005273", r"nivolumab 360mg Q3W Ipilimumab 1mg/kg Q6W Placebo Q3W", R(MULTI, [360, 1])),
    (
        "NCT03526900",
        r"* Induction (four or six 21-day cycles) : Atezolizumab 1200 mg / iv + carboplatin 5 AUCs + pemetrexed 500 mg/m2 * Maintenance (21-day cycles): atezolizumab 1200 mg/iv + pemetrexed 500 mg/m2.",
        R(MULTI),
    ),
    (
        "NCT02983045",
        r"Part 1 Dose Escalation Cohort 5: NKTR-214 (0.009 mg/kg) q3w + Nivolumab (360 mg) q3w",
        R(MULTI, [0.009, 360]),
    ),
    (
        "NCT02983045",
        r"In this Part 2 of the study, the patients received a combination of NKTR-214 + nivolumab at the RP2D (NKTR 214 0.006 mg/kg q3w + nivolumab 360 mg q3w) with or without chemotherapy.",
        R(MULTI, [0.006, 360]),
    ),
    (
        "NCT00112294",
        r"Intravenous, 400 mg/m\^2, initial dose followed by 250 mg/m\^2, weekly starting on Week 2",
        R(MULTI, [400, 250]),
    ),
    (
        "NCT00201825",
        r"Capecitabine: 1250 mg/m2/day in 2 oral daily divided doses of 625 mg/m2 on day 5 of every cycle and continued for 14 days.  Docetaxel: 36 mg/m2 IV weekly for 3 weeks every 4 weeks.",
        R(MULTI, [1250, 625, 36]),
    ),
    (
        "NCT00517595",
        r"All subjects received treatment with pemetrexed 500 mg/m\^2, gemcitabine 1500 mg/m\^2, and bevacizumab 10 mg/kg every 2 weeks.",
        R(MULTI, [500, 1500, 10]),
    ),
    (
        "NCT00063154",
        r"Participants received pertuzumab intravenously on Day 1 of every 3 week cycle for up to 1 year (up to 17 treatment cycles). Subjects received pertuzumab at a loading dose of 840 mg in Cycle 1 followed by a dose of 420 mg in Cycles 2 and beyond.",
        R(MULTI, [840, 420]),
    ),
    (
        "NCT00243867",
        r"Paclitaxel 225 mg/m² intravenously followed immediately by carboplatin AUC = 6 mg\*min/mL. Paclitaxel and carboplatin were given up to 6 treatment cycles.",
        R(MULTI, [225, 6]),
    ),
    (
        "NCT00499109",
        r"GCb Group: Area under the curve (AUC) 5 on day 1, every 21 days  DCb Group: AUC 6 on day 1, every 21 days  Control Arm: Patients received up to 6 cycles, and no maintenance therapy was allowed.",
        R(MULTI, [5, 6]),
    ),
    (
        "NCT00529100",
        r"300 mg/m\^2 IV, Days 1 and 22; intermediate dose escalation level of 400 mg/m\^2 IV; then 500 mg/m\^2 IV, repeated every 21 days (q 21 days) x 2 cycles",
        R(MULTI, [300, 400, 500]),
    ),
    (
        "NCT00271505",
        r"Up to 6 cycles of carboplatin (AUC 6), Tocetaxel (75 mg/m2), and Bevacizumab (15 mg/kg) on Day 1 every 21 days",
        R(MULTI, [6, 75, 15]),
    ),
    (
        "NCT00247416",
        r"Patients with stage 4 untreated non-small cell lung cancer received carboplatin (AUC 6, day 1) and gemcitabine (1000 mg/m2 days 1, 8) for up to 6 cycles with no dexamethasone pretreatment.",
        R(MULTI, [6, 1000]),
    ),
    (
        "NCT04431453",
        r"Participants received RDV 5 mg/kg, IV infusion on Day 1 followed by RDV 2.5 mg/kg mg, IV infusion, daily, up to 10 days.",
        R(MULTI, [5, 2.5]),
    ),
    (
        "NCT04280705",
        r"200 mg of Remdesivir administered intravenously on Day 1, followed by a 100 mg once-daily maintenance dose of Remdesivir while hospitalized for up to a 10 days total course. n=286.",
        R(MULTI, [200, 100]),
    ),
    (
        "NCT00415363",
        r"Enzastaurin delivered as 1125 mg loading dose then 500 mg, oral, daily, until disease progression.",
        R(MULTI, [1125, 500]),
    ),
    (
        "NCT02423343",
        r"50 mg Galunisertib administered orally BID on Day 1 through Day 14 of each 4-week cycle in combination with 3 mg/kg nivolumab given IV Q2W on Day 1 and Day 15 for 2 cycles.",
        R(MULTI, [50, 3]),
    ),
    (
        "NCT00778167",
        r"Cohort 3: Patients received oral erlotinib hydrochloride 150 mg once daily with cixutumumab 15 mg/kg IV in 21-day cycles.",
        R(MULTI, [150, 15]),
    ),
    (
        "NCT04383938",
        r"APR-246 4.5 g/d (days 1-4) with pembrolizumab 200 mg IV (day 3) every 21 days in patients with advanced NSCLC.",
        R(MULTI, [4.5, 200]),
    ),
    (
        "NCT04383938",
        r"Patients with advanced gastric cancer. APR 4.5 g/day intravenously (IV) on days 1-4 with pembrolizumab 200 mg IV on day 3 in each 21-day cycle",
        R(MULTI, [4.5, 200]),
    ),
    ("NCT05316428", r"0.5 g/Kg alcohol plus 10 mg TPN171H tablet", R(MULTI, [0.5, 10])),
    (
        "NCT00888511",
        r"Tarceva: Tarceva 150 mg/day  Radiotherapy: 66 Gy/33 F/5 F per week for 5 weeks",
        R(MULTI, [150, 66]),
    ),
    (
        "NCT01967823",
        r"Days -7 and -6: Cyclophosphamide 60 mg/kg/day X 2 days intravenously (IV) in 250 mL dextrose 5% in water (D5W) infused simultaneously with mesna 15 mg/kg/day over 1 hour x 2 days.",
        R(MULTI, [60, 15]),
    ),
    (
        "NCT03830164",
        r"Participants not on any statin and were started on Atorvastatin 10 mg 1 tab daily with addition of receiving Pentoxyfilline 400 mg 1 tab 3 times daily and Vitamin E 1000units 1 tab daily.",
        R(MULTI, [10, 400, 1000]),
    ),
    (
        "NCT02584686",
        r"The treatment group will be injected intracavernously with a trimix solution (20 ug alprostadil + 1 mg phentolamine + 30 mg papaverine) for colour Doppler assessment, followed next day by 50 units of BTX-A.",
        R(MULTI, [20, 1, 30, 50]),
    ),
    (
        "NCT00712335",
        r"Non-smoking asthmatics treated with combination therapy:  Fluticasone propionate dosage - DPI 250 mcg BID for 3 months Salmeterol dosage - DPI 50 mcg BID for 3 months",
        R(MULTI, [250, 50]),
    ),
    (
        "NCT00179517",
        r"Each participant has biweekly intramuscular injections of 300 mg depotestosterone cypionate and takes 1 mg of anastrozole daily for the duration of the study.  Anastrozole 1mg",
        R(MULTI),
    ),
    (
        "NCT00130728",
        r"oral erlotinib HCl 150 mg/day orally + intravenous infusion of bevacizumab at a dose of 15 mg/kg on the first day of each 3-week cycle",
        R(MULTI, [150, 15]),
    ),
    ("NCT00652340", r"apricoxib: 100 mg tablets, 400mg/day  erlotinib: per package insert", R(MULTI, [100, 400])),
    (
        "NCT00356603",
        r"Participants with migraine administered one subcutaneous dose of Sumatriptan Succinate Injection 3 mg kit product (0.5 mL containing 4.2 mg of sumatriptan succinate) by self-injection. The recommended injection site was the thigh.",
        R(MULTI, [3, 0.5, 4.2]),
    ),
    ("NCT03329911", r"100 mg/4 mL", R(MULTI, [100, 4])),
    (
        "NCT03682224",
        r"Liposomal Bupivacaine 1.3% (Exparel), 20 ml vial for injection, administered subcutaneously at port site",
        R(MULTI, [1.3, 20]),
    ),
    (
        "NCT03101033",
        r"steroid injectant consists of 1 ml of Compound Betamethasone Injection (Diprospan® Schering-Plough Labo N.V., Belgium) and 4ml of 0.2% lidocaine will be injected through the epidural catheter after mechanical epidural neuroplasty.",
        R(MULTI),
    ),
    # ---- multiplied amounts ----
    ("NCT01101334", r"CS-7017, Two 0.25mg Tablets administered twice daily", R(MULTI, [0.25])),
    (
        "NCT03334617",
        r"Participants with detectable aberrations in liver kinase B1 (LKB1) received IV infusion of durvalumab 1500 mg Q4W in combination with oral olaparib 300 mg (2 × 150 mg) tablets BD until disease progression is confirmed.",
        R(MULTI, [1500, 300]),
    ),
    # ---- single dose with schedule and route ----
    (
        "NCT00600015",
        r"Placebo twice daily orally plus erlotinib (150 mg orally daily)",
        S(150, "mg", None, "QD", "oral"),
    ),
    (
        "NCT02616393",
        r"All subjects with BM, LM or BM-IP who were administered tesevatinib 300 mg PO QD",
        S(300, "mg", None, "QD", "oral"),
    ),
    (
        "NCT05171777",
        r"Participants in this arm chose to continue treatment with atezolizumab SC, 1875 mg Q3W up to Cycle 16 for participants with early-stage NSCLC or until loss of clinical benefit for participants with advanced NSCLC.",
        S(1875, "mg", None, "Q3W", "sc"),
    ),
    (
        "NCT03974022",
        r"Patients with EGFR or HER2 exon20ins, previously treated with at least one line of systemic therapy.  Patients received sunvozertinib 300 mg once daily dosing in the fasted state continuously.",
        S(300, "mg", None, "QD"),
    ),
    ("NCT00367679", r"Pazopanib 800 mg (tablets) administered orally once a day", S(800, "mg", None, "QD", "oral")),
    ("NCT01998919", r"1250 mg/m2 iv Days 1 and 8 of each 4-week cycle, 6 cycles", S(1250, "mg", "m2", None, "iv")),
    (
        "NCT02296125",
        r"Randomized participants received Osimertinib 80 mg orally once daily (QD)",
        S(80, "mg", None, "QD", "oral"),
    ),
    ("NCT00518011", r"150 mg po daily", S(150, "mg", None, "QD", "oral")),
    (
        "NCT00191139",
        r"As part of induction chemotherapy, cisplatin is given 50 mg/m2, IV, day 1, 8, 29 and 36 (spans 2 cycles)",
        S(50, "mg", "m2", None, "iv"),
    ),
    (
        "NCT00191139",
        r"As part of induction chemotherapy, etoposide is given 50 mg/m2, IV, days 1-5 and 29-33 (spans 2 cycles)",
        S(50, "mg", "m2", None, "iv"),
    ),
    (
        "NCT01631552",
        r"Participants will receive SG 10 mg/kg of body weight via intravenous (IV) infusion on Days 1 and 8 of a 21-day treatment cycle until disease progression or unacceptable toxicity.",
        S(10, "mg", "kg", None, "iv"),
    ),
    ("NCT01966003", r"Administered 15 mg/kg Q3W by IV infusion", S(15, "mg", "kg", "Q3W", "iv")),
    ("NCT03704688", r"15mg PO q daily", S(15, "mg", None, "QD", "oral")),
    (
        "NCT00094835",
        r"9.0 mg/kg on Day 1 of each 21-day cycle administered by intravenous infusion over approximately 60 minutes.",
        S(9.0, "mg", "kg", "Q3W", "iv"),
    ),
    (
        "NCT00094835",
        r"Paclitaxel 200 mg/m\^2 administered by IV infusion over 3 hours.",
        S(200, "mg", "m2", None, "iv"),
    ),
    (
        "NCT00094835",
        r"Carboplatin was administered IV over approximately 30 minutes. Carboplatin was dosed using the glomerular filtration rate (GFR) and Calvert formula to AUC/time curve of 6 mg/mL×min.",
        S(6, "AUC", None, None, "iv"),
    ),
    ("NCT00606502", r"150 mg tablet taken orally daily", S(150, "mg", None, "QD", "oral")),
    (
        "NCT00606502",
        r"150 mg orally in tablet form  Administered daily 1 hour before or 2 hours after ingestion of food until criteria for discontinuation per the protocol are met.",
        S(150, "mg", None, "QD", "oral"),
    ),
    (
        "NCT00606502",
        r"1 mg intramuscular injection  Administered within 10 weeks of randomization, every 8-10 weeks throughout the study and for at least 30 days after last dose of study treatment.",
        S(1, "mg", None, None, "im"),
    ),
    (
        "NCT00227019",
        r"1000 micrograms, IM injection 1-2 weeks prior to treatment and repeated every 9 weeks until last dose of pemetrexed",
        S(1000, "ug", None, "Q9W", "im"),
    ),
    ("NCT00712335", r"DPI 250 mcg BID for 3 weeks", S(250, "ug", None, "BID", "inhaled")),
    ("NCT00712335", r"DPI 50mg BID for 3 weeks", S(50, "mg", None, "BID", "inhaled")),
    (
        "NCT00712335",
        r"Non-smoking asthmatic treated with Montelukast only:  Montelukast dosage: PO 10 mg QHS for 3 months",
        S(10, "mg", None, "QD", "oral"),
    ),
    (
        "NCT00095199",
        r"Docetaxel 75 mg/m\^2 administered intravenously on Day 1 of 3 weeks cycle for up to six (3-week) cycles.",
        S(75, "mg", "m2", "Q3W", "iv"),
    ),
    (
        "NCT03358875",
        r"Participants received docetaxel 75 mg/m² IV once every 3 weeks until disease progression, unacceptable toxicity, or withdrawal of informed consent, whichever occurred first.",
        S(75, "mg", "m2", "Q3W", "iv"),
    ),
    ("NCT00871923", r"150 mg by mouth every day beginning Day 1.", S(150, "mg", None, "QD", "oral")),
    ("NCT00893113", r"Alfuzosin: 10 mg once daily first, then one Placebo tablet daily", S(10, "mg", None, "QD")),
    (
        "NCT00893113",
        r"Participants who received Alfuzosin 10 mg table in either the first or last 12 weeks of the study.",
        S(10, "mg"),
    ),
    (
        "NCT01352507",
        r"20 mg tadalafil taken orally, as needed, for 8 weeks either during Treatment Period 1 or Treatment Period 2.",
        S(20, "mg", None, "PRN", "oral"),
    ),
    (
        "NCT01054001",
        r"men with on- demand sildenafil 100mg dosing from the delayed postoperative period",
        S(100, "mg", None, "PRN"),
    ),
    ("NCT00870870", r"75 mg/m\^2 on Day 1 of each cycle  \[First 6 cycles (18 weeks)\]", S(75, "mg", "m2")),
    (
        "NCT00870870",
        r"10 mg/kg IV infusion, administered once every 2 weeks  (Maintenance therapy)",
        S(10, "mg", "kg", "Q2W", "iv"),
    ),
    (
        "NCT01101334",
        r"Participants who received one 150 mg erlotinib tablet administered once daily.",
        S(150, "mg", None, "QD", "oral"),
    ),
    ("NCT01854034", r"AUY922 administered once weekly via intravenous, 70 mg/m2", S(70, "mg", "m2", "QW", "iv")),
    (
        "NCT02581787",
        r"Patients receive fresolimumab 1 mg/kg IV on days 1, 15, and 36 and undergo SABR in 4 fractions between days 8 and 12.",
        S(1, "mg", "kg", None, "iv"),
    ),
    ("NCT03083808", r"Pembrolizumab 200mg IV every 21 days", S(200, "mg", None, "Q3W", "iv")),
    (
        "NCT00771953",
        r"Oral apricoxib tablets will be provided as white or off-white film-coated tablets available in 100mg strength to be taken every day",
        S(100, "mg", None, "QD", "oral"),
    ),
    (
        "NCT03037385",
        r"Participants received pralsetinib 60 mg orally, QD until discontinuation due to toxicity, disease progression, or other reasons.",
        S(60, "mg", None, "QD", "oral"),
    ),
    (
        "NCT05259696",
        r"Subjects will receive E-602 in combination with cemiplimab.  E-602 dose(s): Will be initiated at dose level(s) that have previously completed dosing and DLT assessments as monotherapy.  Cemiplimab dose: 350 mg.",
        S(350, "mg"),
    ),
    (
        "NCT05259696",
        r"Participants received 20 mg/kg E-602 monotherapy administered weekly via IV infusion.",
        S(20, "mg", "kg", "QW", "iv"),
    ),
    ("NCT01310036", r"Erlotinib 150 mg daily", S(150, "mg", None, "QD")),
    (
        "NCT02352948",
        r"Participants received tremelimumab 10 mg/kg IV infusion Q4W for 24 weeks followed by every 12 weeks (Q12W) for 24 weeks (up to 9 doses).",
        S(10, "mg", "kg", "Q4W", "iv"),
    ),
    (
        "NCT04688775",
        r"Participants who received placebo in the placebo-controlled period received a single IV infusion of eptinezumab 400mg in 100 mL 0.9% saline solution.",
        S(400, "mg", None, "ONCE", "iv"),
    ),
    ("NCT03296163", r"Paclitaxel 200 mg/m2 IV every 3 weeks on Day 1 for 6 cycles", S(200, "mg", "m2", "Q3W", "iv")),
    ("NCT02347917", r"480 mg orally twice daily (960 mg total daily dose)", S(480, "mg", None, "BID", "oral")),
    (
        "NCT01676714",
        r"500 mg of dovitinib (5 capsules) once a day for 5 continuous days and stop for 2 days.",
        S(500, "mg", None, "QD", "oral"),
    ),
    (
        "NCT02658890",
        r"Nivolumab 480mg administered as IV infusion once every 4 weeks.",
        S(480, "mg", None, "Q4W", "iv"),
    ),
    (
        "NCT05226598",
        r"Pembrolizumab 25 mg/mL administered as IV infusion Q3W for up to 35 administrations",
        S(25, "mg/mL", None, "Q3W", "iv"),
    ),
    ("NCT00201825", r"36 mg/m2 IV weekly for 3 weeks every 4 weeks.", S(36, "mg", "m2", "QW", "iv")),
    ("NCT00700180", r"15mg/kg iv on day 1 of each 3 week cycle", S(15, "mg", "kg", "Q3W", "iv")),
    ("NCT02572843", r"fixed dosing 750 mg", S(750, "mg")),
    (
        "NCT04003246",
        r"1500mg every 4 weeks \[Q4W\] intravenous \[IV\], first dose within 3 days of RT initiation",
        S(1500, "mg", None, "Q4W", "iv"),
    ),
    (
        "NCT03743064",
        r"100 mg anamorelin HCl (administered as 100 mg tablets in the fasted condition)",
        S(100, "mg", None, None, "oral"),
    ),
    (
        "NCT01513174",
        r"Gefitinib will be administered once daily, continuously, in 28-day cycles, as a fixed dose of 250 mg/day.",
        S(250, "mg", None, "QD"),
    ),
    (
        "NCT00446225",
        r"150 mg/day Patients will receive treatment until disease progression or unacceptable toxicity.  For all practical effects a treatment cycle will be defined as three weeks of continuous treatment with erlotinib",
        S(150, "mg", None, "QD"),
    ),
    (
        "NCT04035486",
        r"Osimertinib (AZD9291) 80mg QD.  All patients randomized into this will only receive Osimertinib 80mg.  Dose may be reduced to allow for the management of IP related toxicity.",
        S(80, "mg", None, "QD"),
    ),
    (
        "NCT00247416",
        r"Gemcitabine 1000 mg/m\^2 intravenously over 30 minutes on days 5 and 12.",
        S(1000, "mg", "m2", None, "iv"),
    ),
    ("NCT02691897", r"Melatonin 3mg once daily at bedtime", S(3, "mg", None, "QD")),
    (
        "NCT03117049",
        r"360 mg solution intravenously for 30 min in every 3 weeks until RECIST 1.1 defined PD, unacceptable toxicity, or withdrawal of consent.",
        S(360, "mg", None, "Q3W", "iv"),
    ),
    (
        "NCT02308020",
        r"Participants with melanoma received 200 mg abemaciclib given orally once every 12 hours on days 1-21 of a 21-day cycle.",
        S(200, "mg", None, "BID", "oral"),
    ),
    (
        "NCT00100932",
        r"E7389 1.4 mg/m\^2 intravenous bolus on Days 1 and 8 of a 21 day cycle.",
        S(1.4, "mg", "m2", None, "iv"),
    ),
    (
        "NCT03976375",
        r"Participants received lenvatinib at 24 mg, QD via oral capsule. Lenvantinib is administered until progressive disease or unacceptable toxicity.",
        S(24, "mg", None, "QD", "oral"),
    ),
    (
        "NCT02397473",
        r"Participants received Galcanezumab 300mg once a month for two months by subcutaneous (SC) injection.  Participants did not receive any intervention during post treatment follow-up phase.",
        S(300, "mg", None, "QM", "sc"),
    ),
    (
        "NCT01351415",
        r"Pemetrexed 500 mg/m\^2 IV over 10 minutes on Day 1 every 21 days.",
        S(500, "mg", "m2", "Q3W", "iv"),
    ),
    ("NCT01387269", r"Anamorelin HCL 100 mg will be administered daily", S(100, "mg", None, "QD")),
    (
        "NCT03230123",
        r"The intervention group is constituted diet counseling plus 4.5 g of resistant starch from green banana biomass, per day, during six months.",
        S(4.5, "g", None, "QD"),
    ),
    ("NCT03230123", r"Green banana biomass will be suplemented to diet as 4.5 g per day.", S(4.5, "g", None, "QD")),
    ("NCT05316428", r"0.5 g/kg alcohol", S(0.5, "g", "kg")),
    (
        "NCT00870870",
        r"500 mg/m\^2 IV infusion, administered once every 2 weeks  (Maintenance therapy)",
        S(500, "mg", "m2", "Q2W", "iv"),
    ),
    ("NCT00800202", r"150mg/day po", S(150, "mg", None, "QD", "oral")),
    (
        "NCT00373425",
        r"Participants received 150 mg/day erlotinib orally for 2 years or until relapse, death, participant request or investigator decision to discontinue study drug, or intolerable toxicity.",
        S(150, "mg", None, "QD", "oral"),
    ),
    (
        "NCT00098254",
        r"Self administered oral doses at 400 mg twice a day with 250 ml (8 oz.) of water each morning and evening (i.e., 12-hourly) continuously in a 28 day cycle. Tablets may be taken with or without food.",
        S(400, "mg", None, "BID", "oral"),
    ),
    (
        "NCT00172042",
        r"Zoledronic acid 4 mg in 5 mL concentrated solution prepared with 100 mL calcium free infusion solution (0.9 % sodium chloride or 5% glucose solution).",
        S(4, "mg", None, None, "iv"),
    ),
    (
        "NCT00654030",
        r".6ml injection administered intradermally in the thigh at week 0 and week 4",
        S(0.6, "mL", None, None, "intradermal"),
    ),
    (
        "NCT03944876",
        r"Botulinum toxin 25 Allergan units in 0.5 ml Sodium Chloride (NaCl) 0.9 % Braun. One injection in the headache side of the face, targeted at the sphenopalatine ganglion (SPG)",
        S(25, "units"),
    ),
    (
        "NCT03101033",
        r"Hyaluronidase of 1500 IU （Sine®, SPH NO.1 Biochemical and Pharmaceutical Co., LTD）will be injected through the epidural catheter after mechanical epidural neuroplasty and caudal epidural compound betamethasone injection.",
        S(1500, "IU", None, None, "epidural"),
    ),
    (
        "NCT03102762",
        r"The treatment group will be injected with 100 units BTX-A one day following penile colour doppler assessment.",
        S(100, "units"),
    ),
    (
        "NCT01967823",
        r"Aldesleukin 720,000 IU/kg intravenously (IV) (based on total body weight) over 15 minutes every 8 hours beginning within 24 hours of cell infusion and continuing for up to 5 days (maximum 15 doses).",
        S(720000, "IU", "kg", "TID", "iv"),
    ),
    (
        "NCT01967823",
        r"Days -7 to -3: Fludarabine 25 mg /m\^2/day intravenous piggy back (IVPB) daily over 30 minutes for 5 days.",
        S(25, "mg", "m2", "QD", "iv"),
    ),
    (
        "NCT00642473",
        r"Metronidazole actavis 1% topical cream will be applied on the face and chest twice daily for 4 weeks.",
        S(1, "%", None, "BID", "topical"),
    ),
    (
        "NCT01465802",
        r"Topical alclometasone diproprionate cream 0.05% applied to face, hands, feet, neck, back and chest at bedtime for 4 weeks",
        S(0.05, "%", None, "QD", "topical"),
    ),
    # frequency is read only from the amount's own sentence: "prior to intercourse" is in the next one
    (
        "NCT02495467",
        r"Participants who received MED2005 (0.2% glyceryl trinitrate gel). At least 4 applications of MED2005 prior to intercourse in either the first or last 4 weeks of the study.",
        S(0.2, "%", None, None, "topical"),
    ),
    ("NCT00130728", r"oral erlotinib HCl 150 mg/day orally", S(150, "mg", None, "QD", "oral")),
    (
        "NCT00130728",
        r"oral erlotinib HCl 150 mg/day orally + intravenous infusion of placebo at a dose of 15 mg/kg on the first day of each 3-week cycle",
        S(150, "mg", None, "QD", "oral"),
    ),
    (
        "NCT00179517",
        r"Each participant has biweekly intramuscular injections of 300 mg depotestosterone cypionate and takes 1 matching placebo tablet daily for the duration of the study.  Placebo Oral Tablet",
        S(300, "mg", None, "Q2W", "im"),
    ),
    (
        "NCT02364999",
        r"bevacizumab-EU: 15 mg/kg IV on Day 1 of a 21-day cycle for each of at least 4 and no more than six (6) 21-day cycles followed by the assigned blinded bevacizumab monotherapy.",
        S(15, "mg", "kg", "Q3W", "iv"),
    ),
    (
        "NCT01000480",
        r"75 mg/m² intravenous infusion on Day 1 of a 21 day cycle for 2 cycles; with the possibility of 2 additional cycles.",
        S(75, "mg", "m2", "Q3W", "iv"),
    ),
    (
        "NCT03717155",
        r"Participants received gemcitabine intravenous infusions at a dose of 1250 mg/m\^2 body surface area on Day 1 and Day 8 in 3-week cycles up to a maximum of 4 cycles, until disease progression or unacceptable toxicities.",
        S(1250, "mg", "m2", None, "iv"),
    ),
    (
        "NCT05722015",
        r"Cisplatin 75 mg/m² by IV Infusion will be administered for nonsquamous and squamous NSCLC as per the schedule specified in arm.",
        S(75, "mg", "m2", None, "iv"),
    ),
    ("NCT00745875", r"500mg2/m IV infusion", S(500, "mg", "m2", None, "iv")),
    (
        "NCT01229150",
        r"Wild-Type KRAS patients randomized to monotherapy arm  Erlotinib: For Wild-Type KRAS patients randomized to the single agent arm, Erlotinib 150 mg qd",
        S(150, "mg", None, "QD"),
    ),
    (
        "NCT01183858",
        r"Erlotinib 150 mg single daily oral dose until disease progression.",
        S(150, "mg", None, "QD", "oral"),
    ),
    (
        "NCT01017874",
        r"Gefitinib: 250 mg administered orally once a day, every day of 21-day cycle, as a monotherapy",
        S(250, "mg", None, "QD", "oral"),
    ),
    (
        "NCT00111839",
        r"Participants received pemetrexed 50 mg/m\^2 IV infusion every 3 weeks until PD or the occurrence of unacceptable toxicity.",
        S(50, "mg", "m2", "Q3W", "iv"),
    ),
    (
        "NCT00191308",
        r"500 mg/m\^2 IV q 21 days for 3 cycles unless disease progression occurs",
        S(500, "mg", "m2", "Q3W", "iv"),
    ),
    ("NCT05014815", r"900 mg intravenously (IV) once every 3 weeks (Q3W)", S(900, "mg", None, "Q3W", "iv")),
    ("NCT00112294", r"IV, 225 mg/m\^2", S(225, "mg", "m2", None, "iv")),
    (
        "NCT04402008",
        r"Participants received poziotinib 4 mg orally, twice daily (BID) in each 28-day treatment cycle.",
        S(4, "mg", None, "BID", "oral"),
    ),
    (
        "NCT04402008",
        r"Participants received poziotinib 12 mg orally, QD in each 28-day treatment cycle.",
        S(12, "mg", None, "QD", "oral"),
    ),
    ("NCT00387465", r"7mg by mouth (PO) on days 3 and 10 of each cycle", S(7, "mg", None, None, "oral")),
    (
        "NCT00387465",
        r"Patients receive azacitidine 40mg/m2 SC on days 1-6 and 8-10 and entinostat PO on days 3 and 10. Treatment repeats every 28 days in the absence of disease progression or unacceptable toxicity.",
        S(40, "mg", "m2", None, "sc"),
    ),
    ("NCT00499109", r"DV Group: 35 mg/m\^2 on days 1 and 15", S(35, "mg", "m2")),
    ("NCT00085839", r"Erlotinib 150 mg/day continuous therapy", S(150, "mg", None, "QD")),
    (
        "NCT00556322",
        r"Participants received a single oral dose of erlotinib 150 mg/day as a tablet until disease progression, unacceptable toxicity or death.",
        S(150, "mg", None, "QD", "oral"),
    ),
    (
        "NCT01355497",
        r"subjects will be randomized to receive GTx-024 3mg sofgel capsule once daily for the duration of the trial",
        S(3, "mg", None, "QD", "oral"),
    ),
    ("NCT02544633", r"Soft Gel formulation, 1050 mg, BID, Cycle 2 Day 1", S(1050, "mg", None, "BID", "oral")),
    # ---- placebo amounts never give a dose ----
    ("NCT00003869", r"Placebo", R(NO)),
    ("NCT00003869", r"250 mg placebo administered daily", R(NO)),
    ("NCT00003869", r"Patients receive oral placebo daily", R(NO)),
    (
        "NCT00049543",
        r"Patients receive placebo PO QD for 2 years in the absence of disease progression or unacceptable toxicity.",
        R(NO),
    ),
    (
        "NCT00130728",
        r"intravenous infusion of placebo at a dose of 15 mg/kg on the first day of each 3-week cycle",
        R(NO),
    ),
    ("NCT01479426", r"Oral intake placebo(960mg/day) for 12weeks.", R(NO)),
    (
        "NCT04280705",
        r"200 mg of Remdesivir placebo administered intravenously on Day 1, followed by a 100 mg once-daily maintenance dose of Remdesivir placebo while hospitalized for up to a 10 days total course.",
        R(NO),
    ),
    (
        "NCT03521154",
        r"The initial dose of Placebo Osimertinib 80mg once daily can be reduced to 40mg once daily.  Treatment can continue until disease progression, unacceptable toxicity or other discontinuation criteria are met",
        R(NO),
    ),
    ("NCT00652340", r"erlotinib: per package insert  placebo: 100 mg tablets, 400 mg/day", R(NO)),
    (
        "NCT00789373",
        r"Following Induction, received placebo (normal saline \[0.9% sodium chloride\]) administered IV on Day 1 of every 21-day cycle plus Best Supportive Care until PD or treatment discontinuation.",
        R(NO),
    ),
    (
        "NCT00512707",
        r"3 tubes of placebo gel equivalent to the amount of the testosterone gel will be applied during the placebo-controlled testosterone gel intervention for 16 weeks..",
        R(NO),
    ),
    (
        "NCT00960115",
        r"A single dose of saline (sodium chloride, 9 grams per liter \[g/L\]) will be administered intravenously, 3 days prior to the start of placebo.",
        R(NO),
    ),
    # ---- no dose: names, designs, biomarker thresholds, diluents ----
    ("NCT01122264", r"Tadalafil Once a Day", R(NO)),
    ("NCT03830164", r"Given PO", R(NO)),
    ("NCT00050960", r"Bexarotene With Carboplatin and Paclitaxel", R(NO)),
    ("NCT00084552", r"s-IMRT", R(NO)),
    (
        "NCT02151604",
        r"Xenon gas is inhaled immediately before acquisition of an MR image to enable the lung structure to be seen.",
        R(NO),
    ),
    ("NCT02381795", r"Nasal Carbon Dioxide", R(NO)),
    (
        "NCT00642473",
        r"Left side of the face and chest will be treated according to local standard procedures (ie, with non-active moisturizing cream).",
        R(NO),
    ),
    ("NCT00602797", r"Patients \>70 years with advanced NSCLC treated with weekly paclitaxel and vinorelbine", R(NO)),
    ("NCT01935336", r"mRNA in situ hybridization with dot clusters 1%=\<per tumor \<10%", R(NO)),
    ("NCT01935336", r"ISH+(>=1%)", R(NO)),
    ("NCT01935336", r"ISH<20%", R(NO)),
    ("NCT02087423", r"Cohort 1 (EGFR/ALK+) PD-L1+ (>=25%)", R(NO)),
    (
        "NCT02087423",
        r"Consisted of patients who were EGFR/ALK wild type/unknown and prospectively determined to be PD-L1 high (TC\>=90%).",
        R(NO),
    ),
    (
        "NCT00606502",
        r"Intravenous (IV) push administration over 3-5 minutes into a patent IV line containing normal saline (0.9% sodium chloride).",
        R(NO),
    ),
    (
        "NCT01967823",
        r"Day 0: Cells will be infused intravenously (IV) on the Patient Care Unit over 20-30 minutes.",
        R(NO),
    ),
    (
        "NCT00413283",
        r"Romiplostim is a thrombopoiesis recombinant protein that targets the thrombopoietin (TPO) receptor which results in increased platelet production.",
        R(NO),
    ),
]


def _ids():
    return [f"{nct}-{i:03d}" for i, (nct, _, _) in enumerate(REAL_CASES)]


def test_enough_real_strings():
    assert len(REAL_CASES) >= 150
    assert len({text for _, text, _ in REAL_CASES}) == len(REAL_CASES), "duplicate strings"
    assert all(nct.startswith("NCT") and len(nct) == 11 for nct, _, _ in REAL_CASES)


@pytest.mark.parametrize("nct,text,expected", REAL_CASES, ids=_ids())
def test_real_string(nct, text, expected):
    _check(parse_dose(text), expected, text, nct)


def _check(p: DoseParse, expected: tuple, text: str, where: str = "") -> None:
    assert isinstance(p, DoseParse)
    if expected[0] == "single":
        _, value, unit, per, freq, route = expected
        assert p.reason is None, f"{where}: {p}"
        d = p.single
        assert d is not None
        assert math.isclose(d.value, value), (d, value)
        assert (d.unit, d.per, d.frequency, d.route) == (unit, per, freq, route), d
        assert d.text and d.text in text, "Dose.text must be a substring of the input"
        assert p.titration is False
    else:
        _, reason, values = expected
        assert p.reason == reason, f"{where}: {p}"
        assert p.single is None
        if reason in (TITR, RANGE):
            assert p.titration is True
        if reason == NO:
            assert p.doses == ()
        if values is not None:
            got = [d.value for d in p.doses]
            assert len(got) == len(values) and all(math.isclose(g, v) for g, v in zip(got, values)), got


# ---------------------------------------------------------------------------
# focused behaviour (short synthetic strings, not counted as real strings)
# ---------------------------------------------------------------------------

SYNTHETIC = [
    ("5 mg/day", S(5, "mg", None, "QD")),
    ("10 mg every 2 days", S(10, "mg", None, "QOD")),
    ("10 mg every other day", S(10, "mg", None, "QOD")),
    ("0.1% cream", S(0.1, "%", None, None, "topical")),
    ("1,000 mg", S(1000, "mg")),
    (".5 mg", S(0.5, "mg")),
    ("50mg", S(50, "mg")),
    ("a 50-mg tablet", S(50, "mg", None, None, "oral")),
    ("2 milligrams", S(2, "mg")),
    ("200 microgram", S(200, "ug")),
    ("0.5 mg/kg", S(0.5, "mg", "kg")),
    ("100 mg/m²", S(100, "mg", "m2")),
    ("100 mg/m^2", S(100, "mg", "m2")),
    ("5000 U", S(5000, "units")),
    ("40 mEq", S(40, "mEq")),
    ("20 mmol", S(20, "mmol")),
    ("1 g orally b.i.d.", S(1, "g", None, "BID", "oral")),
    ("1 puff of 100 mcg inhaled twice daily", S(100, "ug", None, "BID", "inhaled")),
    ("2 puffs of 100 mcg inhaled twice daily", R(MULTI, [100])),  # 200 mcg a time
    ("one drop of 0.005% eye drops nightly", S(0.005, "%", None, "QD", "ophthalmic")),
    ("2 mg intravitreal injection every 4 weeks", S(2, "mg", None, "Q4W", "intravitreal")),
    ("4 mg transdermal patch daily", S(4, "mg", None, "QD", "transdermal")),
    ("200 IU intranasal", S(200, "IU", None, None, "intranasal")),
    ("10 mg t.i.d.", S(10, "mg", None, "TID")),
    ("10 mg b.d.", S(10, "mg", None, "BID")),
    ("10 mg nocte", S(10, "mg", None, "QD")),
    # a dotted route does not end the sentence: the frequency after it still counts
    ("1 mg s.c. once weekly", S(1, "mg", None, "QW", "sc")),
    ("60 mg p.o. once daily", S(60, "mg", None, "QD", "oral")),
    ("3 mg/kg i.v. every 2 weeks", S(3, "mg", "kg", "Q2W", "iv")),
    ("10 mg i.m. monthly", S(10, "mg", None, "QM", "im")),
    # ... but a full stop before a capital does: the next sentence's "daily" is not this dose's
    ("10 mg. Participants also received aspirin daily", S(10, "mg")),
    ("10 mg QID", S(10, "mg", None, "QID")),
    ("10 mg as needed", S(10, "mg", None, "PRN")),
    ("10 mg monthly", S(10, "mg", None, "QM")),
    ("10 mg once weekly", S(10, "mg", None, "QW")),
    ("10 mg every two weeks", S(10, "mg", None, "Q2W")),
    # cell and gene therapies are dosed in cells, vector genomes, viral particles, forming units
    ("1 x 10^6 cells", S(1e6, "cells")),
    ("1 x 10^6 CAR-T cells/kg", S(1e6, "cells", "kg")),
    ("2 × 10^8 viable T cells", S(2e8, "cells")),
    ("3x10^11 vg/kg", S(3e11, "vg", "kg")),
    ("1e9 viral particles", S(1e9, "vp")),
    ("1 x 10^7 PFU", S(1e7, "PFU")),
    # ... but a count per volume is a threshold, not a dose
    ("CD4 < 200 cells/mm3", R(NO)),
    # radiation: the total is the dose, an amount per fraction is marked so and gives way to a total
    ("Radiotherapy 60 Gy in 30 fractions", S(60, "Gy")),
    ("Total dose of 60 Gy in 30 fractions", S(60, "Gy")),
    ("2 Gy per fraction to a total dose of 60 Gy", S(60, "Gy")),
    ("60 Gy (2 Gy x 30)", S(60, "Gy")),
    ("Hypofractionated RT 42.5 Gy/16 fractions", S(42.5, "Gy")),
    ("2 Gy per fraction", S(2, "Gy", "fraction")),
    ("SBRT 9Gy x 5 Fractions", S(9, "Gy", "fraction")),
    ("2 x 50 mg", R(MULTI, [50])),
    # an amount given as several tablets is not one tablet's amount ...
    ("50 mg x 2 tablets", R(MULTI, [50])),
    ("50 mg tablet x 2 once daily", R(MULTI, [50])),
    ("2 tablets of 50 mg once daily", R(MULTI, [50])),
    ("two capsules each containing 25 mg", R(MULTI, [25])),
    # ... unless the sum is stated beside it, or the count is of days, doses or times
    ("100 mg (50 mg x 2 tablets)", S(100, "mg")),
    ("100 mg (2 tablets of 50 mg)", S(100, "mg", None, None, "oral")),
    ("50 mg tablets x 4 weeks", S(50, "mg", None, None, "oral")),
    ("50 mg x 5 days", S(50, "mg")),
    ("1 tablet of 50 mg", S(50, "mg", None, None, "oral")),
    # a total daily dose stated alone is the daily dose; beside the amount per administration it
    # restates, and a total over the course is no dose
    ("Total daily dose of 40 mg", S(40, "mg", None, "QD")),
    ("40 mg total daily dose", S(40, "mg", None, "QD")),
    ("TDD 200 mg", S(200, "mg", None, "QD")),
    ("Drug X 100 mg BID (TDD 200 mg)", S(100, "mg", None, "BID")),
    ("Drug X 20 mg BID (total daily dose 40 mg)", S(20, "mg", None, "BID")),
    ("a total dose of 40 mg", R(NO)),
    ("cumulative dose of 40 mg", R(NO)),
    ("1-2 mg", R(RANGE, [1, 2])),
    ("5 to 10 mg", R(RANGE, [5, 10])),
    ("up to 300 mg daily", R(TITR, [300])),
    ("titrated from 5 mg", R(TITR, [5])),
    ("Drug A 10 mg + Drug B 20 mg", R(MULTI, [10, 20])),
    ("adults 18 years or older, BMI 30 kg/m2, blood pressure 140 mmHg, Day 1, 12 weeks", R(NO)),
    ("placebo matching 50 mg tablets", R(NO)),
    ("", R(NO)),
]


@pytest.mark.parametrize("text,expected", SYNTHETIC, ids=[t or "<empty>" for t, _ in SYNTHETIC])
def test_synthetic(text, expected):
    test_real_string("synthetic", text, expected)


def test_is_placebo():
    assert is_placebo("Placebo")
    assert is_placebo("Sham procedure")
    assert is_placebo("Vehicle cream")
    assert is_placebo("matching dummy tablets")
    assert is_placebo("Erlotinib HCl + Placebo")
    assert not is_placebo("Avanafil 50 mg")
    assert not is_placebo("")


def _single(text):
    d = parse_dose(text).single
    assert d is not None, text
    return d


def test_base_amount():
    assert _single("2 g").base_amount() == (2000.0, "mg")
    assert _single("250 mcg").base_amount()[1] == "mg"
    assert math.isclose(_single("250 mcg").base_amount()[0], 0.25)
    assert math.isclose(_single("5 ng").base_amount()[0], 5e-6)
    assert _single("0.5 mg/kg").base_amount() == (0.5, "mg/kg")
    assert _single("0.5 g/kg").base_amount() == (500.0, "mg/kg")
    assert _single("1.5 L").base_amount() == (1500.0, "mL")
    assert _single("100 IU").base_amount() == (100.0, "IU")
    assert _single("0.1%").base_amount() == (0.1, "%")
    assert _single("20 ug/mL").base_amount()[1] == "mg/mL"


def test_comparable_and_ratio_mass_units():
    a, b = _single("500 mg"), _single("1 g")
    assert comparable(a, b)
    assert dose_ratio(a, b) == pytest.approx(2.0)
    assert dose_ratio(b, a) == pytest.approx(0.5)


def test_ug_vs_mg_ordering():
    a, b = _single("Romiplostim 750 µg"), _single("1 mg")
    assert comparable(a, b)
    assert dose_ratio(a, b) == pytest.approx(1 / 0.75)
    assert dose_ratio(a, b) > 1  # 1 mg is more than 750 ug


def test_real_avanafil_pair():
    lo = _single("avanafil 50 mg 30 minutes orally prior to initiation of sexual activity")
    hi = _single("avanafil 100 mg 30 minutes orally prior to initiation of sexual activity")
    assert comparable(lo, hi)
    assert dose_ratio(lo, hi) == pytest.approx(2.0)
    assert comparable(_single("Avanafil 50 mg"), _single("Avanafil 200 mg"))


def test_per_kg_not_comparable_with_flat():
    a, b = _single("0.5 mg/kg"), _single("50 mg")
    assert not comparable(a, b)
    with pytest.raises(ValueError):
        dose_ratio(a, b)
    assert not comparable(_single("100 mg/m2"), _single("2 mg/kg"))


def test_per_day_vs_every_two_days_not_comparable():
    a, b = _single("5 mg/day"), _single("10 mg every 2 days")
    assert a.frequency == "QD" and b.frequency == "QOD"
    assert not comparable(a, b)
    with pytest.raises(ValueError):
        dose_ratio(a, b)


def test_frequency_and_route_must_match():
    assert not comparable(_single("10 mg daily"), _single("20 mg"))  # stated vs unstated
    assert comparable(_single("10 mg daily"), _single("20 mg once daily"))
    assert not comparable(_single("10 mg orally"), _single("20 mg IV"))
    assert not comparable(_single("10 mg orally"), _single("20 mg"))
    assert comparable(_single("10 mg"), _single("20 mg"))  # None == None
    assert not comparable(_single("10 mg"), _single("20 mL"))
    assert not comparable(_single("1%"), _single("10 mg"))


def test_dose_dataclass_and_parse_shape():
    d = Dose(2.0, "g", None, None, None, "2 g")
    assert d.base_amount() == (2000.0, "mg")
    p = parse_dose("Avanafil 50 mg")
    assert p.doses == (p.single,)
    assert p.single.text == "50 mg"
    with pytest.raises(ValueError):
        dose_ratio(Dose(0.0, "mg", text="0 mg"), Dose(1.0, "mg", text="1 mg"))


# -- a dose per drug (parse_regimen), on real group titles and descriptions ------------------


def _doses(text: str, drugs: list[tuple[str, ...]]) -> dict[str, tuple | str | None]:
    out: dict[str, tuple | str | None] = {}
    for d in parse_regimen(text, drugs).drugs:
        out[d.drug] = (d.dose.value, d.dose.unit, d.dose.per) if d.dose else d.reason
    return out


@pytest.mark.parametrize(
    "text,drugs,expected",
    [
        # add-on: one drug's dose in the title, the backbone named without an amount
        (
            "Paclitaxel/Carboplatin + Motesanib 50 mg QD",
            [("Motesanib diphosphate", "AMG 706"), ("Paclitaxel",), ("Carboplatin",)],
            {"Motesanib diphosphate": (50.0, "mg", None), "Paclitaxel": None, "Carboplatin": None},
        ),
        # amounts written before each drug's name
        (
            "Participants received 8 mg/kg Ramucirumab followed by 750 mg Emibetuzumab given as intravenous (IV) "
            "infusion on days 1 and 15 of 28 days cycle.",
            [("Ramucirumab",), ("Emibetuzumab",)],
            {"Ramucirumab": (8.0, "mg", "kg"), "Emibetuzumab": (750.0, "mg", None)},
        ),
        # three drugs, each with its own amount, abbreviations in brackets
        (
            "Cohort A2 participants received pembrolizumab (Pembro 2 mg/kg) via intravenous (IV) infusion on Day 1 "
            "of each 3-week cycle PLUS paclitaxel (Pa 200 mg/m\\^2) via IV infusion on Day 1 of each 3-week cycle",
            [("Pembrolizumab", "MK-3475"), ("Paclitaxel",)],
            {"Pembrolizumab": (2.0, "mg", "kg"), "Paclitaxel": (200.0, "mg", "m2")},
        ),
        # "5 mg or 10 mg" of one drug: not sure; the other drug's dose still read
        (
            "Participants received erlotinib 150 mg, tablets, orally, daily plus entinostat 5 mg or 10 mg, tablets, "
            "orally, on Days 1 and 15 of each 28-day cycle",
            [("Erlotinib",), ("Entinostat",)],
            {"Erlotinib": (150.0, "mg", None), "Entinostat": "multiple doses"},
        ),
        # a drug named as its placebo is not named
        (
            "Participants randomized to Arm A received dacomitinib 45 mg orally once daily and erlotinib 150 mg "
            "placebo orally once daily.",
            [("Dacomitinib",), ("Erlotinib",)],
            {"Dacomitinib": (45.0, "mg", None)},
        ),
        # no drug named: the amount is the unnamed drug's
        ("2.5 mg tablet once daily by mouth for 12 weeks.", [("Tadalafil",)], {"": (2.5, "mg", None)}),
        # a registered name with a dosing schedule in it: its first word names the drug
        (
            "Participants received poziotinib 8 mg orally, QD in each 28-day treatment cycle.",
            [("Poziotinib Once Daily Dosing",)],
            {"Poziotinib Once Daily Dosing": (8.0, "mg", None)},
        ),
        # a fixed-dose combination, registry-style (none in the shared records): its amounts in the
        # order of its names; one drug before "20/56 mg/m2" is a step-up (NCT00531284), not a combination
        (
            "Sitagliptin/Metformin 50/1000 mg twice daily",
            [("Sitagliptin",), ("Metformin",)],
            {"Sitagliptin": (50.0, "mg", None), "Metformin": (1000.0, "mg", None)},
        ),
        (
            "Emtricitabine/Tenofovir (200/300 mg) once daily",
            [("Emtricitabine",), ("Tenofovir",)],
            {"Emtricitabine": (200.0, "mg", None), "Tenofovir": (300.0, "mg", None)},
        ),
        ("P1B MM: CFZ 20/56 mg/m²", [("Carfilzomib", "CFZ")], {"Carfilzomib": "titration"}),
        (
            "Sitagliptin/Metformin 50/500/850 mg",
            [("Sitagliptin",), ("Metformin",)],
            {"Sitagliptin": None, "Metformin": "titration"},
        ),
    ],
)
def test_regimen_reads_a_dose_per_drug(text: str, drugs: list[tuple[str, ...]], expected: dict) -> None:
    assert _doses(text, drugs) == expected


@pytest.mark.parametrize(
    "text,drugs,expected",
    [
        # NCT02039674's cohort D1: "iIpilimumab", one edit from ipilimumab, still names it
        (
            "Cohort D1 participants received pembrolizumab (Pembro 10 mg/kg) via IV infusion on Day 1 of each 3-week "
            "cycle PLUS iIpilimumab (I 1 mg/kg) via IV infusion on Day 1 of each 3-week cycle.",
            [("Pembrolizumab", "MK-3475"), ("Ipilimumab",)],
            {"Pembrolizumab": (10.0, "mg", "kg"), "Ipilimumab": (1.0, "mg", "kg")},
        ),
        # a word two edits away is not a drug's name; nor is a misspelt name as its placebo
        (
            "Participants received pembrolizumab 2 mg/kg plus ipilimunub 1 mg/kg.",
            [("Pembrolizumab",), ("Ipilimumab",)],
            {"Pembrolizumab": (2.0, "mg", "kg"), "": (1.0, "mg", "kg")},
        ),
        (
            "Participants received dacomitinib 45 mg and erlotinbi placebo.",
            [("Dacomitinib",), ("Erlotinib",)],
            {"Dacomitinib": (45.0, "mg", None)},
        ),
    ],
)
def test_a_drug_name_misspelt_by_one_edit_still_names_it(
    text: str, drugs: list[tuple[str, ...]], expected: dict
) -> None:
    assert _doses(text, drugs) == expected


def test_regimen_frequency_and_route_per_drug() -> None:
    text = (
        "Participants with no more than one prior chemotherapy regimen for NSCLC received panitumumab 9.0 mg/kg IV "
        "on Day 1 of each 21-day cycle, and motesanib 125 mg QD, orally self-administered on Days 3-21 of Cycle 1"
    )
    regimen = parse_regimen(text, [("Panitumumab",), ("Motesanib",)])
    pan, mot = regimen.get("Panitumumab").dose, regimen.get("Motesanib").dose
    assert (pan.value, pan.per, pan.frequency, pan.route) == (9.0, "kg", "Q3W", "iv")
    assert (mot.value, mot.frequency, mot.route) == (125.0, "QD", "oral")


def test_exposure_target_is_not_a_dose() -> None:
    """A concentration aimed at is refused; a carboplatin AUC is a dose."""
    assert parse_dose("dosed to a target Cmax of 20 µg/mL").reason == REASON_EXPOSURE
    assert parse_dose("titrated to achieve trough plasma concentrations of 5 ng/mL").reason in (
        REASON_EXPOSURE,
        REASON_TITRATION,
    )
    assert parse_dose("carboplatin at a dose required to achieve an AUC of 6 mg/mL IV").single is not None


@pytest.mark.parametrize(
    "text,expected",
    [
        # ten to a power with no factor before it
        ("Lactobacillus rhamnosus GG 10^10 CFU daily", S(1e10, "CFU", None, "QD")),
        ("Probiotic 10^9 CFU", S(1e9, "CFU")),
        ("Drug X 10 ^ 8 cells/kg", S(1e8, "cells", "kg")),
        ("Drug X 110^9 CFU", R(NO, [])),  # no power of ten: no amount
        # a tapered dose is no one amount, as a starting dose is not
        ("Prednisone 40 mg/day tapered over 2 weeks", R(TITR, [40])),
        ("Prednisone 60 mg daily with taper", R(TITR, [60])),
    ],
)
def test_powers_of_ten_and_tapers(text: str, expected: tuple) -> None:
    _check(parse_dose(text), expected, text)


@pytest.mark.parametrize(
    "text,expected",
    [
        # a point before three digits: 1.2 mg, or 1,200 mg written as much of Europe writes it
        ("Metformin 1.200 mg twice daily", R(REASON_AMBIGUOUS, [1.2])),
        ("Drug X 1.000 mg", R(REASON_AMBIGUOUS, [1.0])),
        ("Vitamin D 12.500 IU weekly", R(REASON_AMBIGUOUS, [12.5])),
        ("Drug X 0.125 mg", S(0.125, "mg")),  # a leading zero: a decimal
        ("Drug X 2.5 mg", S(2.5, "mg")),
        ("Drug X 1,000 mg", S(1000, "mg")),
        # a decimal comma: a group of thousands has three digits, so one or two after a comma are decimals
        ("Bisoprolol 2,5 mg twice daily", S(2.5, "mg", None, "BID")),
        ("Morphine 0,1 mg/kg IV", S(0.1, "mg", "kg", None, "iv")),
        ("Carvedilol 12,5 mg", S(12.5, "mg")),
        ("Drug X 1,5 mg", S(1.5, "mg")),
        ("Drug X 1,5,10 mg", R(MULTI, [1, 5, 10])),  # a list, not 1.5 and 10
        ("Drug X 0,5 and 1 mg", R(MULTI, [0.5, 1])),
        ("Drug X 2,5-5 mg", R(RANGE, [2.5, 5])),
        # digit groups apart: no amount is written "000", so "1 000 mg" is 1,000 mg; "Cohort 2 500 mg" is
        # 2,500 mg or cohort 2's 500 mg
        ("Drug X 1 000 mg", S(1000, "mg")),
        ("Drug X 1\u202f050 mg daily", S(1050, "mg", None, "QD")),
        ("Cohort 2 500 mg", R(REASON_AMBIGUOUS, [500])),
        ("Cohort 2: 500 mg", S(500, "mg")),
        ("CC-486 300 mg by mouth", S(300, "mg", None, None, "oral")),  # a drug code's number
        ("APR-246 4.5 g/d (days 1-4)", S(4.5, "g", None, "QD")),
    ],
)
def test_numbers_whose_digit_grouping_is_ambiguous(text: str, expected: tuple) -> None:
    """An amount that may be a thousand times what it reads is no single dose: read as 1.2 mg, a
    "1.200 mg" group would sit below a "600 mg" one. A comma before one or two digits is a decimal
    comma ("2,5 mg"), which no thousands separator can be."""
    _check(parse_dose(text), expected, text)


def _registry_style(name: str) -> list[dict]:
    path = Path(__file__).parent / "data" / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize(
    "name,counts",
    [
        ("dose_registry_style.jsonl", {"single": 79, "refused": 26, "single or refused": 9}),
        ("dose_registry_style_second_draw.jsonl", {"single": 62, "refused": 11, "single or refused": 2}),
        ("dose_registry_style_third_draw.jsonl", {"single": 53, "refused": 19, "single or refused": 8}),
    ],
)
def test_registry_style_dose_strings_labelled_by_hand(name: str, counts: dict) -> None:
    """114 dose statements written the way registry records of many fields write them (insulin
    units, eye drops, inhalers, vaccines, radiotherapy, probiotics, loading doses, tapers), each
    labelled by hand before it was run: the one dose (value, unit, basis and, where the text
    states it, frequency), ``refused`` where no single amount is the dose, or ``single or refused``
    where either is fair ("0.9 mg/kg (maximum 90 mg)"). Before the fixes it measured, 81 of the 84
    doses named were right (the misses: a taper, "10^10 CFU", saline); now every one is. A second
    draw of 75 (anaesthesia, oncology, biologics, supplements, eye drops, vaccines, gene and cell
    therapy, obstetrics), labelled before the parser saw it after those fixes: 63 of the 64 named
    as labelled, none of the 62 single missed; the other, oxygen at "2 L/min", had been labelled
    refused but a flow is a fair dose, so it is labelled either way.

    A third draw of 80 (field ``why``: combination strengths, carboplatin AUC, per-dose beside daily
    totals, insulin, heparin, vitamin D, inhalers, nebulisers, patches, intravitreal volumes, cell
    and CFU counts in words or as "10e6", radiotherapy fractions, numbers that are no doses),
    labelled before the parser saw it: 68 of 80 as labelled. Six misses are mended (a daily total
    restating a dose given several times a day, "10 billion CFU", "1.5 x 10e6 cells/kg" read as
    10^7, a vaccine's "1.0 mL (20 mcg)", an injection's "6 mg/0.05 mL", "bupivacaine 0.5% 7.5 mg");
    four were relabelled to the earlier draws' conventions (field ``relabelled``); two are known
    misses (field ``known_miss``: "2.5 mg/3 mL" may be a vial's presentation, "od" the right eye)."""
    rows = _registry_style(name)
    wrong = []
    for row in rows:
        if "known_miss" in row:
            continue
        d = parse_dose(row["text"]).single
        if d is None:
            ok = row["expected"] != "single"
        elif row["expected"] == "refused":
            ok = False
        else:
            ok = (
                math.isclose(d.value, row["value"])
                and (d.unit, d.per) == (row["unit"], row["per"])
                and row.get("frequency", d.frequency) == d.frequency
            )
        if not ok:
            wrong.append((row["text"], d))
    assert not wrong
    assert Counter(row["expected"] for row in rows) == counts


@pytest.mark.parametrize(
    "text,drugs,expected",
    [
        # a product registered under a longer name is named by its code (NCT04066023)
        ("C213 1.9 mg patch", [("C213 Microneedle System",)], {"C213 Microneedle System": 1.9}),
        ("MK-3475 200 mg IV Q3W", [("MK-3475 Injection",), ("Placebo",)], {"MK-3475 Injection": 200.0}),
    ],
)
def test_a_product_is_named_by_its_code(text: str, drugs: list[tuple[str, ...]], expected: dict) -> None:
    regimen = parse_regimen(text, drugs)
    assert {d.drug: d.dose.value for d in regimen.drugs if d.dose is not None} == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("U3-1287 18 mg/kg every three weeks", (17, "Q3W")),
        ("erlotinib 150 mg/day orally", (21, "oral")),
        ("given twice daily", (6, "BID")),
        ("Q3W", (0, "Q3W")),
        ("PO", (0, "oral")),
        ("Tumor", None),
    ],
)
def test_trailing_code(text: str, expected: tuple[int, str] | None) -> None:
    """The schedule or route a text ends with, as the dose parser reads it: what an abbreviation in
    brackets after it (ctpairs.abbreviations) must stand for."""
    assert trailing_code(text) == expected


@pytest.mark.parametrize(
    "text,codes",
    [
        ("PRN Sildenafil", {"PRN"}),  # NCT00955929's arms
        ("Nightly Sildenafil Arm", {"QD"}),
        ("Tadalafil On Demand", {"PRN"}),  # NCT01122264's arms
        ("Tadalafil Once a Day", {"QD"}),
        ("Cetuximab 250 mg/m^2 Weekly", {"QW"}),
        ("Pemetrexed Plus Matuzumab 1600 mg Every 3 Weeks", {"Q3W"}),
        ("Drug X 10 mg twice daily", {"BID"}),  # the longer phrase, not also "daily"
        ("Gemcitabine on Day 1 of each 21-day cycle", {"Q3W"}),
        ("Arm A: 5 mg QD, then 10 mg BID", {"QD", "BID"}),
        ("Placebo", set()),
        ("Eribulin Mesylate Plus Erlotinib, 21 Day Regimen", {"Q3W"}),  # NCT01104155: a cycle's length
        ("Eribulin Mesylate Plus Erlotinib, 28 Day Regimen", {"Q4W"}),
        ("Drug X, 10-day regimen", set()),  # no whole number of weeks
    ],
)
def test_schedule_codes(text: str, codes: set[str]) -> None:
    """Every schedule a text names, with or without an amount: how the arm builder tells two
    regimens of the same drug from two doses."""
    assert schedule_codes(text) == codes


def test_a_drug_named_as_not_given_is_no_mention() -> None:
    """NCT02337530's control: "Selumetinib: NOT GIVEN Pemetrexed: 500mg/m^2 & Cisplatin: 75mg/m^2"
    gives pemetrexed and cisplatin, not selumetinib, so its arm is the add-on design's control."""
    drugs = [("Selumetinib",), ("Pemetrexed",), ("Cisplatin",)]
    text = "Selumetinib: NOT GIVEN Pemetrexed: 500mg/m\\^2 \\& Cisplatin\\*: 75mg/m\\^2 given on day 1"
    assert parse_regimen(text, drugs).names == {"Pemetrexed", "Cisplatin"}
    assert parse_regimen("Selumetinib: 75mg/ bid PO " + text[22:], drugs).names == {
        "Selumetinib",
        "Pemetrexed",
        "Cisplatin",
    }


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Drug X 600 mg (150 mg capsules)", S(600, "mg", None, None, "oral")),
        ("Drug X 300 mg (3 x 100 mg tablets)", S(300, "mg")),
        ("Drug X 5 mg (2.5 mg + 2.5 mg)", S(5, "mg")),
        ("Drug X 675 mg as 3 injections (225 mg/1.5 mL)", S(675, "mg")),  # a strength with its volume
        # not strengths: a larger amount, another basis, a schedule, another drug's dose
        ("Drug X 10 mg (20 mg)", R(MULTI, [10, 20])),
        ("Drug X 100 mg (50 mg/m2)", R(MULTI, [100, 50])),
        ("Drug X 1000 mg (500 mg BID)", R(MULTI, [1000, 500])),
        ("gemcitabine 1250 mg/m2 on Days 1 and 8 and either cisplatin (75 mg/m2)", R(MULTI, [1250, 75])),
    ],
)
def test_unit_strengths_in_brackets(text: str, expected: tuple) -> None:
    """Smaller amounts of the dose's own unit alone in brackets after the one dose outside them are
    the strengths of the capsules or tablets it is made of, not more doses."""
    _check(parse_dose(text), expected, text)


@pytest.mark.parametrize(
    "text,expected",
    [
        # a daily total restating a dose given several times a day (NCT01040780, NCT02264210); the
        # route said of the total is the dose's
        ("Icotinib 125 mg three times daily (375 mg per day) by mouth", (125, "mg", None, "TID", "oral")),
        ("Mycophenolate mofetil 1 g twice daily (2 g/day)", (1, "g", None, "BID", None)),
        ("Drug X 20 mg BID (60 mg/day)", None),  # not a restatement: two amounts
        # counts in words and "10e6" for ten to the sixth
        ("Multi-strain probiotic 10 billion CFU daily", (1e10, "CFU", None, "QD", None)),
        ("Cohort 3: 1.5 x 10e6 cells/kg", (1.5e6, "cells", "kg", None, None)),
        # words between a power of ten and its cells
        ("1 × 10^6 allogeneic bone marrow-derived mesenchymal stromal cells per kg", (1e6, "cells", "kg", None, None)),
        ("2 x 10^6 CAR-positive viable T cells/kg", (2e6, "cells", "kg", None, None)),
        ("1 x 10^6 copies of something in 100 cells", (100, "cells", None, None, None)),
        # a volume that carries the amount beside it; a solution's strength before its amount
        ("Engerix-B 1.0 mL (20 mcg) IM", (20, "ug", None, None, "im")),
        ("Aflibercept 2 mg (0.05 mL) intravitreal", (2, "mg", None, None, "intravitreal")),
        ("Brolucizumab 6 mg/0.05 mL intravitreal injection", (6, "mg", None, None, "intravitreal")),
        ("100 mg/4 mL", None),  # NCT03329911: a vial's presentation, not the dose
        ("intrathecal hyperbaric bupivacaine 0.5% 7.5 mg", (7.5, "mg", None, None, "intrathecal")),
        ("Lidocaine 2% 5 mL", None),
    ],
)
def test_amounts_read_since_the_third_draw(text: str, expected: tuple | None) -> None:
    single = parse_dose(text).single
    got = single and (single.value, single.unit, single.per, single.frequency, single.route)
    assert got == expected


@pytest.mark.parametrize(
    "total,dose,expected",
    [
        ("Pregabalin 150 mg/day", "pregabalin 75 mg orally twice daily", True),
        ("Drug X 900 mg per day", "Drug X 300 mg three times daily", True),
        ("Drug X 150 mg once daily", "Drug X 75 mg twice daily", False),  # two regimens of one daily amount
        ("Drug X 200 mg/day", "Drug X 75 mg twice daily", False),
    ],
)
def test_a_days_amount_of_a_dose_given_several_times_a_day(total: str, dose: str, expected: bool) -> None:
    assert is_daily_total_of(parse_dose(total).single, parse_dose(dose).single) is expected
