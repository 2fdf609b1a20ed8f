"""Participant characteristics a result group is defined by, read from its own texts.

Trials post result groups that are not arms but subgroups of participants: "Participants With
Positive ALK FISH Status", "Squamous Cell Histology", "KRAS Mut 1" / "WT KRAS 1", "Phase 2:
MLN8237 50 mg- Breast Cancer", "Stable Disease", "Non-smoking Asthmatic Treated With ...". Two such
groups differ in who the participants are, not (only) in what they were given, so no natural pair
may contrast them. :func:`characteristics` names what a group's texts say about its participants,
as ``(kind, value)`` tokens; two groups are the same population only when their tokens are equal.

Kinds:

* ``status``: a biomarker result (positive / negative, mutant / wild-type, high / low, MSI-H / MSS,
  dMMR / pMMR, a threshold such as "PD-L1 >= 50%"), from the title; a positive or negative result
  also from the description, and only where a marker names it or a word of status follows
  ("Participants with PD-L1 positive status ...");
* ``histology``: squamous, non-squamous, adenocarcinoma (title);
* ``disease``: a tumour type or disease named in the title ("Breast Cancer", "NSCLC", "DLBCL");
* ``response``: a best-response category (complete or partial response, stable or progressive
  disease, responders, non-responders) (title);
* ``smoking``: smokers, non-smokers, former smokers (title);
* ``sex`` and ``age``: "Female", "Men", "Aged >= 65 years", "18-64 years", "65 years and older" (title);
* ``covariate``: a body-size, performance-status or renal-function class, "Body weight < 60 kg",
  "BMI >= 30", "ECOG 0", "eGFR 30-60", "CrCl < 30", or a threshold on another measurement,
  "HbA1c > 8%", "CD4 < 200" (not an amount, "Drug X >= 10 mg") (title);
* clinical classes (title): ``severity`` ("Moderate", "Severe", not "Moderate Dose"),
  ``child-pugh``, ``menopause``, ``genotype``, ``metabolizer`` ("Poor Metabolizers", "CYP2D6 PM"),
  ``cirrhosis``, ``serostatus`` (also "HIV-uninfected"), ``risk`` ("High Risk"), ``setting``
  ("Outpatients"), ``age-group`` ("Infants", "Toddlers"), ``diabetes`` (its type), ``dialysis``,
  ``course`` (relapsing-remitting, progressive, newly diagnosed, recurrent), ``chronicity``
  ("Acute", "Chronic Migraine", "Episodic"; not "Chronic Dosing"), disease ``stage`` ("Early
  Stage", "Metastatic Disease"), ``race`` ("Hispanic", "Black", "White", not "White Petrolatum"),
  ``pregnancy`` (pregnant, lactating), ``obesity``, ``inadequate`` responders to a prior therapy
  ("TNF-IR"), the ``eye`` a result is of ("Study Eye" / "Fellow Eye": one participant's two
  eyes), ``prior`` ("No Prior Drug Y" / "Prior Drug Y") and ``analysis-set`` ("Intent-to-treat", "Per-protocol", "mITT", "Completers", "Evaluable
  Population": the participants a group's results count), disease ``activity`` ("Latent TB" /
  "Active TB", "Inactive Disease"; not "Active Comparator"), Fitzpatrick ``skin-type`` ("I-III"
  / "IV-VI"), the ``nyha`` class, a tumour's ``tumour-stage`` ("Stage IIIB" is III), the
  ``oxygen`` support needed (mechanical ventilation, ECMO, high- or low-flow, none), a ``carrier``
  of an allele (homozygous, heterozygous, carriers, non-carriers) and the number of ``prior-lines``
  of therapy;
* ``choice``: the participants' own choice ("Participants who preferred tadalafil over
  sildenafil", "who chose to undergo an implant") (description): a group that chose its treatment
  or is defined by a preference was not assigned it.

A pure module: strings in, tokens out, no trial or builder state.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ctpairs.timepoints import words

_STATUS_TITLE = re.compile(
    r"\b(?P<mut>mut(?:ant|ation|ated)?s?|(?-i:(?<=[A-Z0-9][\s-])MT|MT(?=\s+[A-Z]{2})))\b|\b(?P<wt>wild[\s-]*type|(?-i:WT))\b"
    r"|\b(?P<high>high|low)[\s-]+(?:expression|expressors?|expressers?|tmb|score)\b"
    r"|\b(?:pd-?l1|tmb|msi|tps|cps|expression)[\s-]+(?P<level>high|low)\b"
    r"|(?P<msi>(?-i:\bMSI-H\b|\bMSI-L\b|\bMSS\b|\bdMMR\b|\bpMMR\b))"
    r"|\b(?P<marker>pd-?l1|tps|cps|h[\s-]?score|expression)\)?\s*(?P<op>[<>≤≥]=?|=)\s*(?P<cut>\d+(?:\.\d+)?\s*%?)"
    # a gene written mutated with an "m": "BRCAm", "gBRCAm", "EGFRm" ("non-BRCAm" is wild-type)
    r"|(?-i:(?P<nonm>\bnon[\s-]*)?\b[gst]?(?:BRCA[12]?|EGFR|KRAS|BRAF|IDH[12]?|HRR|ATM|PALB2|FGFR[1-4]?)(?P<m>m)\b)"
    r"|(?-i:\b(?:HER-?2|ER|PR|HR|EGFR|ALK|ROS-?1|KRAS|NRAS|BRAF|PD-?L1|CD\d+|BRCA[12]?|MET|RET|NTRK\d?|FGFR\d?|IDH[12]?"
    r"|HPV|EBV|p16|AR|TROP-?2))(?:(?P<plus>\+)(?![\w(+])|(?P<minus>-|−)(?=$|[\s/,;:)\]])"
    r"(?!\s*(?:fusion|mutat|amplif|rearrang|alteration|positive|negative)))",
    re.I,
)
"""A marker in capitals with its sign ("HER2+", "PD-L1- Status", "HR+/HER2-") is a positive or
negative result; "RET- Fusion Positive" is a hyphen, and "AB+CD" a combination."""
# A positive or negative result, in a title or a description, only where a marker in capitals names
# it ("PD-L1 positive", "HER2-negative", "TTF-1 Positive") or a word of status follows ("Positive
# ALK FISH Status", "negative for EGFR"): "Positive Psychology", "Negative Pressure Wound Therapy",
# a "negative pregnancy test" or a "Positive Control" are not subgroups.
_POLARITY = re.compile(
    r"(?-i:\b[A-Z][A-Za-z0-9]*[A-Z0-9](?:-[A-Za-z0-9]+)*)[\s-]+(?P<p>positive|negative|pos|neg)\b"
    r"(?!\s+(?:control|pregnancy))"
    r"|\b(?P<q>positive|negative)\s+(?:[\w-]+\s+){0,3}?(?:status|results?|for|patients|participants|subjects|"
    r"cohorts?|tumou?rs?|cancer|carcinoma|disease|expression)\b"
    r"|\b(?P<tn>triple)[\s-]*negative\b",
    re.I,
)
_POLARITY_NAMES = {"positive": "positive", "pos": "positive", "negative": "negative", "neg": "negative"}
_HISTOLOGY = re.compile(r"\b(?P<non>non[\s-]*)?squamous\b|\b(?P<adeno>adenocarcinoma)\b", re.I)
_DISEASES = {
    "breast": r"breast",
    "gastric": r"gastric|stomach|gastro-?esophageal",
    "pancreatic": r"pancrea(?:s|tic)",
    "colorectal": r"colorectal|colon|rectal|(?-i:CRC)",
    "nsclc": r"(?-i:NSCLC)|non[\s-]*small[\s-]*cell",
    "sclc": r"(?-i:SCLC)|(?<!non-)(?<!non )small[\s-]*cell\s+lung",
    "head and neck": r"head\s+and\s+neck|(?-i:HNSCC|SCCHN)",
    "ovarian": r"ovar(?:y|ian)",
    "prostate": r"prostat(?:e|ic)",
    "bladder": r"bladder|urothelial",
    "renal": r"renal|kidney|(?-i:RCC)",
    "liver": r"hepatocellular|liver|(?-i:HCC)",
    "cervical": r"cervical|cervix",
    "endometrial": r"endometrial|uterine",
    "esophageal": r"o?esophageal",
    "melanoma": r"melanoma",
    "glioma": r"glioblastoma|glioma",
    "lymphoma": r"lymphoma|(?-i:DLBCL)",
    "leukemia": r"leuka?emia|(?-i:AML|CLL)",
    "myeloma": r"myeloma",
    "sarcoma": r"sarcoma",
    "mesothelioma": r"mesothelioma",
    "thyroid": r"thyroid",
}


def named_alternatives(patterns: dict[str, str]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One case-insensitive pattern of whole-word alternatives, a named group for each name of
    ``patterns`` (name -> regex), and the name behind each group, to read from ``match.lastgroup``
    (names may hold spaces and hyphens, which group names may not)."""
    groups = {re.sub(r"[^a-z]", "_", name): name for name in patterns}
    alternatives = (rf"(?P<{group}>\b(?:{patterns[name]})\b)" for group, name in groups.items())
    return re.compile("|".join(alternatives), re.I), groups


# an organ's name before a procedure or a route names no disease: "Renal Denervation", "Breast
# Reconstruction", "Liver Resection", "Bladder Instillation", "Rectal Suppository"
_ORGAN_PROCEDURE = (
    r"(?![\s-]+(?:denervation|resection|reconstruction|arter(?:y|ies|ial)|infusion|instillation|cerclage|lavage|"
    r"block|biopsy|surgery|dialysis|replacement|hormone|stent\w*|emboli[sz]ation|ablation|irrigation|"
    r"cleansing|catheter\w*|nerves?|suppositor\w*|administration|route|tube|enema|massage|augmentation|"
    r"reduction|implants?|sparing|protection|function|bypass|band(?:ing)?|sleeve|balloon|pacing)\b)"
)
_DISEASE, _DISEASE_NAMES = named_alternatives({name: f"(?:{p}){_ORGAN_PROCEDURE}" for name, p in _DISEASES.items()})
_RESPONSE = re.compile(
    r"\b(?P<cr>complete|partial|objective)\s+(?:or\s+partial\s+)?respon(?:se|ders?)\b|\b(?P<sd>stable\s+disease)\b"
    r"|\b(?P<pd>progressive\s+disease)\b|\b(?P<nr>non-?\s*responders?)\b|(?<!non-)(?<!non)\b(?P<r>responders?)\b",
    re.I,
)
_RESPONSES = {
    "cr": "response",
    "sd": "stable disease",
    "pd": "progressive disease",
    "nr": "non-responders",
    "r": "responders",
}
_SMOKING = re.compile(r"\b(?P<pre>non|never|ex|former|current)?[\s-]*smok(?:er|ers|ing)\b", re.I)
_SEX = re.compile(r"\b(?P<m>males?|men|boys)\b|\b(?P<f>females?|women|girls)\b", re.I)
_AGE = re.compile(
    r"(?:\bage[ds]?\s*)?(?P<op>[<>≤≥]=?|\bunder|\bover|\bolder\s+than|\byounger\s+than)\s*(?P<n>\d+)\s*(?:years|yrs|y)\b"
    r"|\b(?P<lo>\d+)\s*(?:-|–|to)\s*<?\s*(?P<hi>\d+)\s*(?:years|yrs)\b"
    r"|\bages?\s*(?P<lo2>\d+)\s*(?:-|–|to)\s*<?\s*(?P<hi2>\d+)\b"
    r"|\b(?P<n2>\d+)\s*(?:years|yrs)(?:\s+of\s+age)?\s+(?:and|or)\s+(?:(?P<up>older|over|above)|younger|under)\b",
    re.I,
)
# a body-size or performance-status class: "Body weight < 60 kg", "(>= 40 kg)", "BMI >= 30", "ECOG 0", "ECOG PS 0-1"
_COVARIATE = re.compile(
    r"\b(?P<what>(?:body\s*)?weight|(?-i:BMI))\s*(?P<op>[<>≤≥]=?)\s*(?P<n>\d+(?:\.\d+)?)"
    r"|(?P<kgop>[<>≤≥]=?)\s*(?P<kg>\d+(?:\.\d+)?)\s*kg\b(?!\s*/)"
    r"|\b(?-i:ECOG)(?:\s*(?-i:PS)|\s+performance\s+status(?:\s+of)?)?\s*[:=]?\s*(?P<ecog>\d(?:\s*(?:-|–|or|to)\s*\d)?)\b"
    r"|\b(?P<kidney>e?(?-i:GFR)|(?-i:CrCl|CLcr)|creatinine\s+clearance)\s*[:=]?\s*"
    r"(?P<band>(?:[<>≤≥]=?\s*)?\d+(?:\s*(?:-|–|to)\s*<?\s*\d+)?)"
    # a threshold on a measurement ("HbA1c > 8%", "CD4 < 200"), not an amount, an age or a marker's
    r"|(?<![\w-])(?<!\bh\s)(?!(?:pd-?l1|tps|cps|h[\s-]?score|expression)\b)"
    r"(?P<lab>[a-z][\w-]*(?:\s+[a-z][\w-]*)?)(?<!\bage)(?<!aged)(?<!\bto)"
    r"\s*(?P<labop>[<>≤≥]=?)\s*(?P<labn>\d[\d,]*(?:\.\d+)?)(?![\d.,])"
    r"(?!\s*(?:mg|µg|mcg|ug|g|iu|units?|ml|kg|years?|yrs|months?|weeks?|days?)\b)",
    re.I,
)
# "Chronic Dosing", "Recurrent Infusions", "Acute Phase": how a drug is given, not who gets it
_NOT_DOSING = r"(?![\s-]+(?:dos|administ|infusion|injection|treatment|therapy|use|phase))"
# the clinical classes of the module docstring, named in a title; each pattern's named group is its
# kind (a second spelling of it ends in "2")
_CLASSES = (
    r"\b(?P<severity>mild|moderate|severe)(?:ly)?\b(?![\s-]+(?:to|or|dose|doses|dosing|intensity|exercise|sedation)\b)",
    r"\bchild[\s-]*pugh\s*(?:class\s*)?(?P<child_pugh>[abc])\b",
    r"\b(?P<menopause>pre|peri|post)[\s-]*menopaus(?:al|e)\b",
    r"\bgenotypes?\s*(?P<genotype>\d+[a-z]?)\b|(?-i:\bGT\s?(?P<genotype2>\d[a-z]?)\b)",
    r"\b(?P<metabolizer>poor|intermediate|normal|extensive|ultra[\s-]*rapid|rapid)\s+metaboli[sz]ers?\b"
    r"|\bCYP\w+\s+(?-i:(?P<metabolizer2>PM|IM|EM|NM|UM))s?\b",
    r"\b(?P<cirrhosis>(?:non[\s-]*)?cirrho(?:tic|sis))\b",
    r"\bsero[\s-]*(?P<serostatus>positive|negative)\b|\b(?P<serostatus2>(?:un|non[\s-]*)?infected)\b",
    r"\b(?P<risk>high|low|intermediate|standard|average)[\s-]+risk\b",
    r"\b(?P<setting>hospitali[sz]ed|inpatients?|outpatients?|ambulatory)\b",
    r"\b(?P<age_group>neonates?|newborns?|infants?|toddlers?|pre-?term)\b",
    r"\btype\s*(?P<diabetes>1|2|i|ii)\s+(?:diabet|dm\b)|(?-i:\bT(?P<diabetes2>[12])DM?\b)",
    r"(?-i:\b(?P<inadequate>[A-Za-z][A-Za-z0-9]*)[\s-]IR\b(?!\s*(?:\d|tablets?|capsules?|formulation)))|\binadequate(?:ly)?\s+respon\w*\s+to\s+(?P<inadequate2>[\w-]+)",
    r"\b(?P<dialysis>(?:non[\s-]*)?(?:ha?emo|peritoneal\s+)?dialysis)\b",
    r"\b(?P<course>relapsing[\s-]+remitting|(?:primary|secondary)[\s-]+progressive|relapsing|newly[\s-]+diagnosed"
    r"|recurrent)\b" + _NOT_DOSING,
    r"\b(?P<chronicity>acute|sub-?acute|chronic|episodic)\b" + _NOT_DOSING,
    r"\b(?P<stage>early|advanced|locally[\s-]+advanced|metastatic|limited|extensive)[\s-]+(?:stage|disease)\b",
    r"\b(?P<race>(?:non[\s-]*)?hispanic|latin[oax]s?|black|white|caucasian|african[\s-]+american)\b"
    r"(?![\s-]+(?:blood|cells?|matter|coat|petrolatum|soft|paraffin|cohosh|seeds?|tea|rice|light|noise|box))",
    r"\b(?P<pregnancy>(?:non[\s-]*)?(?:pregnant|lactating|breast[\s-]*feeding|postpartum))\b"
    r"|\b(?:first|second|third|1st|2nd|3rd)\s+(?P<pregnancy2>trimester)\b",
    r"\b(?P<obesity>(?:non[\s-]*)?obese)\b",
    r"\b(?P<activity>latent|active|inactive|quiescent)\s+(?:tb\b|tuberculosis|infection|disease|lupus|sle\b"
    r"|crohn|uc\b|ulcerative|colitis|hepatitis|hbv\b|hcv\b|uveitis|arthritis|ra\b)",
    r"\bfitzpatrick\s+(?:skin\s+)?(?:(?:photo)?types?\s+)?(?P<skin_type>[ivx]+(?:\s*(?:-|–|to)\s*[ivx]+)?)\b"
    r"|\bskin\s+(?:photo)?types?\s+(?P<skin_type2>[ivx]+(?:\s*(?:-|–|to)\s*[ivx]+)?)\b",
    r"\b(?P<eye>left|right|study|fellow|treated|untreated|contralateral|non[\s-]*study)\s+eyes?\b",
    r"\bNYHA\s+(?:functional\s+)?(?:class(?:es)?\s+)?(?P<nyha>(?:iv|i{1,3})(?:\s*(?:or|-|–|to|and|/)\s*(?:iv|i{1,3}))?)\b",
    r"\bstage\s+(?P<tumour_stage>iv|i{1,3})[a-c]?\b",
    # the oxygen support a participant needs: a severity class of respiratory illness
    r"\b(?P<oxygen>(?:invasive\s+)?mechanical(?:ly)?\s+ventilat\w*|ecmo|extracorporeal\s+membrane\s+oxygenation"
    r"|high[\s-]*flow|low[\s-]*flow|non[\s-]*invasive\s+ventilation|no\s+supplemental\s+oxygen)\b",
    r"\b(?P<carrier>homozygous|heterozygous|non[\s-]*carriers?|carriers?)\b",
    r"\b(?P<prior_lines>(?:at\s+least\s+|exactly\s+|only\s+)?(?:one|two|three|four|\d)(?:\s+or\s+more)?)\s+prior\s+"
    r"(?:lines?|regimens?)\b",
    r"\b(?P<prior>(?:no|without)\s+prior|prior)\s+(?!to\b)\w",
    r"\b(?P<analysis_set>intent(?:ion)?[\s-]*to[\s-]*treat|per[\s-]*protocol|full\s+analysis|safety\s+(?:set|population)"
    r"|efficacy\s+(?:set|population)|(?:non[\s-]*)?completers?|all\s+randomi[sz]ed|as[\s-]+treated"
    r"|evaluable(?=\s*(?:population|set|analysis|participants|patients|subjects|\)|$)))\b"
    r"|(?-i:\b(?P<analysis_set2>m?ITT|FAS)\b)",  # not "PP": a regimen's initials (pemetrexed, platinum)
)
_CLASS = re.compile("|".join(f"(?:{pattern})" for pattern in _CLASSES), re.I)
_SPACE = re.compile(r"\s+")
# a group of the participants who made a choice: "Participants who preferred tadalafil over sildenafil.",
# "Participants in this arm chose to continue treatment with atezolizumab IV"
_CHOICE = re.compile(
    r"\b(?:who|(?:participants|patients|subjects)\s+in\s+this\s+(?:arm|group|cohort))\s+(?:(?:had|have|were)\s+)?"
    r"(?P<verb>preferred|prefer|chose|choose|elected|opted)\b(?P<what>[^.;\n]{0,80})",
    re.I,
)

_RACES = {
    "latino": "hispanic",
    "latina": "hispanic",
    "latinx": "hispanic",
    "caucasian": "white",
    "africanamerican": "black",
}

_OXYGEN = {"mechanical": "ventilation", "extracorporeal": "ecmo", "noninvasive": "niv", "nosupplemental": "none"}

Token = tuple[str, str]


def _status(text: str) -> set[Token]:
    found: set[Token] = set()
    for m in _STATUS_TITLE.finditer(text):
        if m.group("m"):
            found.add(("status", "wild-type" if m.group("nonm") else "mutant"))
        elif m.group("mut"):
            found.add(("status", "mutant"))
        elif m.group("wt"):
            found.add(("status", "wild-type"))
        elif m.group("high") or m.group("level"):
            found.add(("status", (m.group("high") or m.group("level")).casefold()))
        elif m.group("msi"):
            found.add(("status", m.group("msi")))
        elif m.group("plus") or m.group("minus"):
            found.add(("status", "positive" if m.group("plus") else "negative"))
        else:
            cut = _SPACE.sub("", f"{m.group('marker')}{m.group('op')}{m.group('cut')}".casefold())
            found.add(("status", cut))
    return found | _polarity(text)


def _polarity(text: str) -> set[Token]:
    found: set[Token] = set()
    for m in _POLARITY.finditer(text):
        word = m.group("p") or m.group("q")
        found.add(("status", "triple-negative" if m.group("tn") else _POLARITY_NAMES[word.casefold()]))
    return found


def _class_token(match: re.Match[str]) -> Token:
    """The (kind, value) of a :data:`_CLASSES` match: "Outpatients" -> ("setting", "outpatient"),
    "Cirrhosis" -> ("cirrhosis", "cirrhotic"), "GT 1a" -> ("genotype", "1a")."""
    group = _first(match)
    kind = group.rstrip("2").replace("_", "-")
    value = _SPACE.sub("", match.group(group).casefold()).replace("-", "")
    if kind == "metabolizer":
        value = {"pm": "poor", "im": "intermediate", "em": "extensive", "nm": "normal", "um": "ultrarapid"}.get(
            value, value
        )
    elif kind == "prior":
        value = "no" if value != "prior" else "yes"
    elif kind == "cirrhosis":
        value = "non-cirrhotic" if value.startswith("non") else "cirrhotic"
    elif kind == "analysis-set":  # "Intent-to-treat" and "ITT" are one set
        value = {"intenttotreat": "itt", "intentiontotreat": "itt", "perprotocol": "pp"}.get(value, value)
        value = value.removesuffix("s")
    elif kind == "race":  # one group however it is written
        value = value.removesuffix("s")
        value = _RACES.get(value, value)
    elif kind == "diabetes":  # "Type I" is "Type 1", "T2DM" is "Type 2"
        value = {"i": "1", "ii": "2"}.get(value, value)
    elif kind in ("skin-type", "nyha"):  # "I-III", "I to III", "I – III", "III or IV": one band
        value = re.sub(r"\s*(?:-|–|to|or|and|/)\s*", "-", match.group(group).casefold())
    elif kind == "pregnancy" and value == "trimester":
        value = "pregnant"
    elif kind == "dialysis":  # haemodialysis, peritoneal dialysis
        value = "nondialysis" if value.startswith("non") else "dialysis"
    elif kind == "oxygen":
        value = next((v for k, v in _OXYGEN.items() if k in value), value)
    elif kind == "carrier":
        value = value.replace("carriers", "carrier")
    elif kind in ("setting", "age-group"):
        value = value.removesuffix("s")
    return kind, value


def _first(match: re.Match[str]) -> str:
    return next(name for name, value in match.groupdict().items() if value)


@lru_cache(maxsize=16384)
def diseases(text: str) -> frozenset[str]:
    """The diseases (tumour types) a text names, such as a trial's conditions: "Non-small Cell Lung
    Cancer" -> ``{"nsclc"}``; empty when it names none of the known ones."""
    return frozenset(_DISEASE_NAMES[m.lastgroup] for m in _DISEASE.finditer(text) if m.lastgroup)


@lru_cache(maxsize=16384)
def characteristics(title: str, description: str = "") -> frozenset[Token]:
    """The participant characteristics a result group's title (and, for biomarker status and the
    participants' own choice, its description) names, as ``(kind, value)`` tokens; empty for an
    ordinary arm."""
    tokens = _status(title) | _polarity(description)
    tokens |= {
        ("choice", _SPACE.sub(" ", f"{m.group('verb')}{m.group('what')}".casefold()).strip())
        for m in _CHOICE.finditer(description)
    }
    for m in _HISTOLOGY.finditer(title):
        tokens.add(
            ("histology", "adenocarcinoma" if m.group("adeno") else "non-squamous" if m.group("non") else "squamous")
        )
    tokens |= {("disease", name) for name in diseases(title)}
    tokens |= {("response", _RESPONSES[_first(m)]) for m in _RESPONSE.finditer(title)}
    tokens |= {
        ("smoking", (m.group("pre") or "current").casefold().replace("never", "non")) for m in _SMOKING.finditer(title)
    }
    tokens |= {("sex", "male" if m.group("m") else "female") for m in _SEX.finditer(title)}
    for m in _COVARIATE.finditer(title):
        if m.group("ecog"):
            value = f"ecog {m.group('ecog')}"
        elif m.group("kidney"):  # "eGFR 30-60", "CrCl < 30": a band of renal function
            value = f"renal {m.group('band')}"
        elif m.group("lab"):
            value = f"{m.group('lab')}{m.group('labop')}{m.group('labn')}"
        elif m.group("what") and m.group("what").upper() == "BMI":
            value = f"bmi{m.group('op')}{m.group('n')}"
        else:  # "Body weight < 60 kg" and "(< 60 kg)" are one band
            value = f"weight{m.group('op') or m.group('kgop')}{m.group('n') or m.group('kg')}"
        tokens.add(("covariate", _SPACE.sub("", value.casefold())))
    tokens |= {_class_token(m) for m in _CLASS.finditer(title)}
    for m in _AGE.finditer(title):
        low, high = m.group("lo") or m.group("lo2"), m.group("hi") or m.group("hi2")
        if m.group("n2"):  # "18 years and older"
            value = f"{'>=' if m.group('up') else '<='}{m.group('n2')}"
        else:
            value = f"{m.group('op')}{m.group('n')}" if m.group("n") else f"{low}-{high}"
        tokens.add(("age", _SPACE.sub("", value.casefold())))
    return frozenset(tokens)


@lru_cache(maxsize=16384)
def named_conditions(title: str, conditions: tuple[str, ...]) -> frozenset[str]:
    """Which of a trial's ``conditions`` a group title names, whole words ignoring case, or by the
    initials of a condition of two or more words, in capitals ("COPD" for "Chronic Obstructive
    Pulmonary Disease"): "Drug X (Psoriatic Arthritis)" names "Psoriatic Arthritis" and not
    "Psoriasis"."""
    padded = f" {words(title)} "
    found = set()
    for condition in conditions:
        spelled = words(condition)
        initials = "".join(word[0] for word in spelled.split()).upper()
        if (spelled and f" {spelled} " in padded) or (
            len(initials) >= 2 and re.search(rf"(?<![\w-]){re.escape(initials)}(?![\w-])", title)
        ):
            found.add(condition)
    return frozenset(found)
