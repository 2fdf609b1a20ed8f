"""Outcome polarity: whether a higher value of an outcome measure is better, worse, or unknown.

Pure functions on the measure's own strings (title, description, unit, parameter type). The rules
are tried in this order and the first that decides wins; ``unknown`` whenever unsure (precision
before coverage):

1. **Not an efficacy scale** (``unknown``): pharmacokinetics (AUC, Cmax, Ctrough, Tmax, half-life,
   concentrations, residence time), maximum tolerated dose, vital signs, correlations, preferences,
   categorical tallies ("number of participants by their ...", "with the indicated ...", shifts,
   worst grade), counts of who was evaluated ("Participants Evaluated for Toxicity"), hazard,
   odds, risk or rate ratios (a comparison of arms, not a group's own outcome).
2. **Time to an event**: time to a bad event (progression, deterioration, worsening, relapse,
   death, metastasis, treatment failure, exacerbation, toxicity, castration resistance...; also by
   the abbreviations TTD, TTP and TTF) -> higher is better; time to a good event (response,
   improvement, recovery, remission, relief, onset of action or effect, discharge, wound
   closure, extubation, analgesia (not rescue analgesia), ambulation, flatus, return of bowel
   function...) -> lower is better; "onset" alone decides nothing (the onset of action is good, of
   neutropenia bad); a time-to measure posted as a share or count of participants, or to an event
   of neither kind -> ``unknown`` (an abbreviation that does not decide leaves it to the rules
   below).
   A measure in the points of a scale whose description states its direction takes that direction
   here, before the words of its title (FACT/GOG-Neurotoxicity: "higher scores indicate better
   QOL"; "Pain Levels" from 0, no pain, to 10, the worst).
3. **Survival and control**: overall/progression-free/disease-free/event-free survival, survival
   rates, local or disease control, duration of response or of stable disease -> higher is better;
   posted as a count of participants or events (not a rate or a time) -> ``unknown``; as the share
   of participants "with" an event ("Overall Survival - Percentage of Participants With an Event")
   -> lower.
4. **A reduction of something** ("Percentage of Participants With >=30% Reduction in Pain",
   "Percentage Reduction in Seizure Frequency") takes the opposite of that something's polarity
   (``unknown`` when it has none); **responders** ("50% Responder Rate") -> higher is better. These
   come before the survival rules, so "reduction in" decides over the words after it.
5. **Absence of a bad event** ("no ... attacks", "free of", "pain-free", "pain freedom",
   "remission", "without (symptom) progression / deterioration") -> higher is better, unless the
   title counts the participants "with an event"; participants "with no" something ("With No
   Pain", "With No Dose Interruption") take the opposite of that something's polarity.
   **Impressions of improvement** (CGI-I, PGI-I: 1 very much improved to 7 very much worse) ->
   lower is better as a score; a share of participants is better high only when they are the
   improved ones ("Much or Very Much Improved", "a Score of 1 or 2"), else a tally -> ``unknown``.
6. **Bad events** counted or rated: adverse events, toxicity, deaths, mortality, laboratory
   abnormalities, dose interruptions, rash, hospital or emergency visits, length of hospital stay,
   anti-drug antibodies, relapses, exacerbations, hypoglycaemia, suicidal ideation or behaviour,
   migraine days, seizure frequency, MACE, fractures (not their healing), rescue medication,
   opioid or morphine consumption, hot flashes, incontinence and urgency episodes, micturitions,
   nocturia, headache days, virologic, clinical or treatment failure, injection-site or solicited
   reactions, stroke (not stroke volume), embolism and thrombosis, graft failure and rejection,
   target lesion revascularization, needing mechanical ventilation and its duration, blood loss, a
   hospital or ICU length of stay (not a stay on hospice), recurrence rates, GVHD, transfusions
   needed, readmissions, cigarettes smoked per day, delirium, preterm birth, a clinically
   meaningful decrease or deterioration, participants "with (symptomatic)
   progression, deterioration, worsening, relapse or recurrence" -> lower is better.
7. **Biomarkers** (expression, levels, ratios to baseline, mutational status) -> ``unknown``; so
   is a title that is only the best overall response: a tally of participants by its categories.
8. **Good events**: response rates (objective, complete, partial, pathologic, disease control,
   cytogenetic, molecular, haematologic), ACR20/50/70, PASI and EASI 50-100, IGA 0 or 1, sustained
   virologic response or suppression ("RNA < 50 copies", "Viral Load < 50"), wound closure or
   healing, improvement, relief, successful intercourse, sustained or continuous abstinence, days
   abstinent, quitting smoking, clinical cure, microbiological eradication, treatment success,
   live birth and clinical pregnancy, clinical benefit rate, MRD negativity, transfusion
   independence, spleen volume reduction, breast conservation, complete (R0) resection, PSA
   response or decline, participants alive, seroprotection (not seroconversion, which to HIV is an
   infection), endoscopic or mucosal healing -> higher is better.
   **A share of participants on a score**: responders on a rating scale ("HAM-D Response") ->
   higher is better; past a threshold on a score, the scale's direction at its high end ("Pain
   Score >= 4" -> lower) and the opposite at its low end ("PHQ-9 Score < 5", "DAS28-CRP < 2.6",
   "Pain Score of 0" -> higher); at one value of a score ("Pain Score of 5") -> ``unknown``; a
   threshold on a change ("Improvement of >= 3 Points") is left to the change's words.
9. **Scales**: a direction the description states ("higher scores indicate better ...", "from 0
   (worst) to 100 (best)") wins; else the title's scale: quality of life, functioning, function
   domains, global health, satisfaction, EQ-5D, FACT/FACIT/FAACT, lung function (FEV1), sleep
   efficiency, total sleep time, six-minute walk, MMSE, ALSFRS-R, SF-36/SF-12 summaries, peak
   urinary flow, peak expiratory flow, bone mineral density, KCCQ, Quality of Recovery -> higher is
   better; visual acuity by its unit (letters
   higher, logMAR lower, anything else ``unknown``); symptom scales, pain, pruritus, anxiety,
   depression (HAM-D, MADRS, PHQ-9, GAD-7), fatigue, nasal congestion, nausea, diarrhoea, sleepiness, sleep latency,
   insomnia severity, distress, EDSS, PANSS, Y-BOCS, DAS28, ACQ, SGRQ, CDR-SB, UPDRS, HAQ-DI,
   BASDAI, Mayo score, CDAI, IPSS, DLQI, EASI/PASI/SCORAD scores, CGI-S, Harvey-Bradshaw, CAT,
   SALT, BPRS, the Neuropsychiatric Inventory, heavy drinking days -> lower is better; both kinds
   named, or "quality of life" alone
   over an instrument whose description names symptom scales (the Lung Cancer Symptom Scale, the
   whole EORTC QLQ-C30) -> ``unknown``. Posted as a count of participants, a scale is a tally of
   its categories (improved, stable, worse; each grade; "yes") -> ``unknown``, unless the title
   names no instrument and the word is a symptom ("Vomiting": people with it) -> lower.

Anything else is ``unknown``.

A trial's own analysis may state the direction (:func:`analysis_polarity`): "a difference less
than 0 favors X" (lower is better), "an odds ratio > 1 favours X" (higher is better), "a hazard
ratio < 1 favours X" (the event is bad: a *time* to it is better higher; a count of events is left
``unknown``). :func:`outcome_polarity` takes such statements (``analyses``): when they agree with
each other they win over the text rules, unless the text rules say the opposite, which gives
``unknown``. :func:`better_direction` maps a polarity to the label direction that means better.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from ctpairs.endpoints import DURATION_UNIT, is_score_scale

HIGHER_BETTER = "higher_better"
LOWER_BETTER = "lower_better"
UNKNOWN = "unknown"
POLARITIES = (HIGHER_BETTER, LOWER_BETTER, UNKNOWN)


def _rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(alternatives), re.IGNORECASE)


_NOT_EFFICACY = _rx(
    r"\bauc",
    r"\bc ?max\b",
    r"\bc ?min\b",
    r"\bc ?trough\b",
    r"\bceoi\b",
    r"\bt ?max\b",
    r"half[- ]life",
    r"\bconcentrations?\b",
    r"area under the",
    r"pharmacokinetic",
    r"\bpk\b",
    r"residence time",
    r"clearance",
    r"volume of distribution",
    r"maximum tolera",
    r"\bmtd\b",
    r"vital sign",
    r"correlat",
    r"prefer",
    r"\bby (?:their|the) (?:level|response)",
    r"with the indicated",
    r"\bshifts?\b",
    r"(?:worst|highest) grade",
    r"\b(?:participants|patients|subjects)\s+(?:evaluated|evaluable|assessed|analy[sz]ed)\s+for\b",
    r"\b(?:hazard|odds|risk|rate)\s+ratio\b",  # a comparison of arms, not a group's own outcome
)
_TIME_TO = re.compile(r"\btime (?:to|until)\b(?P<rest>.*)", re.IGNORECASE)
# times to a bad event by their usual abbreviations (not TTR: recurrence or response)
_TIME_TO_ABBREVIATED = {"ttd": "deterioration", "ttp": "progression", "ttf": "treatment failure"}
_TIME_TO_ABBREVIATION = re.compile(r"\b(ttd|ttp|ttf)\b", re.IGNORECASE)
_BAD_EVENT_AFTER_TIME = _rx(
    r"progression",
    r"deterioration",
    r"worsening",
    r"relapse",
    r"recurrence",
    r"death",
    r"metasta",
    r"treatment failure",
    r"failure",
    r"next treatment",
    r"subsequent",
    r"discontinuation",
    r"exacerbation",
    r"toxicit",
    r"adverse",
    r"side effects?",
    r"neutropeni",
    r"infection",
    r"rescue",
    r"castration[- ]resist",
)
_OF = re.compile(r"\w*\s+(?:of|from|in)\b", re.IGNORECASE)  # after an event word: what it is of
_GOOD_EVENT_AFTER_TIME = _rx(
    r"response",
    r"improvement",
    r"recovery",
    r"resolution",
    r"remission",
    r"healing",
    r"relief",
    r"\baction\b",
    r"(?<!side )\beffect\b",
    r"erection",
    r"discharge",
    r"normali[sz]ation",
    r"engraftment",
    r"closure",
    r"extubation",
    r"(?<!rescue )analgesia",
    r"ambulation",
    r"\bflatus\b",
    r"(?:return|recovery) of (?:bowel|gastrointestinal|gi) function",
)
_SURVIVAL = _rx(
    r"surviv",
    r"\b(?:os|pfs2?|dfs|efs|rfs)\b",
    r"event[- ]free",
    r"control time",
    r"local(?: and regional)? control",
    r"duration of (?:overall )?response",
    r"\bdu?o?r\b",
    r"response duration",
    r"duration of (?:disease control|remission|clinical benefit|stable disease)",
)
_ABSENCE = _rx(
    r"\bno\b.{0,40}\battacks?\b",
    r"\bfree(?:dom)? (?:of|from)\b",
    r"\w[- ]free(?:dom)?\b",
    r"\bremission\b",
    r"\bconversion from\b",
    r"\bwithout (?:\w+ ){0,2}(?:deterioration|worsening|progression|relapse|recurrence)",
)
# a reduction of something ("Percentage of Participants With >=30% Reduction in Pain", "Percentage
# Reduction in Seizure Frequency"), and responders by a reduction ("50% Responder Rate")
_REDUCTION = re.compile(
    r"(?<!dose )\b(?:reduction|decrease|decline|drop)s?\s+(?:from\s+baseline\s+)?(?:of|in)\s+(?:the\s+)?(?P<what>.+)",
    re.IGNORECASE,
)
_RESPONDER = re.compile(r"\bresponders?\b(?!\s+only)", re.IGNORECASE)
_WITH_AN_EVENT = re.compile(r"\bwith (?:an? )?events?\b", re.IGNORECASE)
_INSTRUMENT = re.compile(
    r"\b(?:scales?|scores?|questionnaires?|assessments?|index|inventory|profile|status)\b", re.IGNORECASE
)
_WITH_SURVIVAL_EVENTS = re.compile(r"\bwith\b[^,;:]{0,40}?\bevents?\b(?![- ]free)", re.IGNORECASE)
_BAD_EVENT = _rx(
    r"adverse event",
    r"\baes?\b",
    r"\bteaes?\b",
    r"\bsaes?\b",
    r"toxicit",
    r"\bdeaths?\b",
    r"\bdied\b",
    r"mortality",
    r"laboratory abnormalit",
    r"dose (?:interruption|reduction|delay)",
    r"discontinu",
    r"thrombocytopenia",
    r"neutropenia",
    r"\brash\b",
    r"emergency department",
    r"hospitali[sz]ation",
    r"anti-?drug antibod",
    r"\badas?\b",
    r"(?:significant|meaningful|\d+-point)\)? (?:decrease|decline|deterioration|worsening)",
    r"\bwith (?:an? )?(?:\w+ ){0,2}(?:deterioration|worsening|progression|relapse|recurrence)\b",
    r"\binfections?\b",
    r"\bbleeding\b",
    r"\brelapses?\b",
    r"\bexacerbations?\b",
    r"hypoglyc(?:a)?emi",
    r"suicidal (?:ideation|behaviou?r)",
    r"migraine days",
    r"seizure frequency",
    r"length of hospital stay|hospital length of stay",
    r"\bmace\b|major adverse cardi",
    r"\bfractures?\b(?!\s+(?:heal|union))",
    r"rescue (?:medication|therapy|analgesi)",
    r"opioid (?:consumption|use|requirements?)",
    r"hot (?:flash|flush)",
    r"incontinence episodes?",
    r"virolog\w* failure",
    r"treatment failure|clinical failure",
    r"(?:solicited|injection[- ]site) (?:local |systemic )?(?:reactions?|adverse events?|symptoms?)",
    r"\bstrokes?\b(?!\s+(?:volume|index|work))",
    r"embolism|\bthrombo(?:sis|ses|tic events?)\b|\bvte\b|\bdvt\b",
    r"graft (?:failure|loss)|(?:acute|graft) rejection",
    r"target (?:lesion|vessel) revasculari[sz]ation",
    r"headache days",
    r"urgency episodes|\bmicturitions?\b|nocturnal voids|\bnocturia\b",
    r"(?:requiring|need for|required) (?:invasive )?(?:mechanical )?ventilation|duration of (?:mechanical )?ventilation",
    r"(?:morphine|analgesic) (?:consumption|use|requirements?)",
    r"\blength of (?:hospital |icu |intensive care unit )?stay\b(?!\s+(?:on|in|at)\s+hospice)",
    r"\bblood loss\b",
    r"recurrence rates?|rate of (?:\w+ )?recurrence|\b(?:local|distant|loco-?regional) recurrence",
    r"\bgvhd\b|graft[- ]versus[- ]host disease",
    r"(?:number of|requiring|required|need for) (?:\w+ ){0,3}transfusions?",
    r"\breadmissions?\b",
    r"cigarettes (?:smoked )?(?:per|a|each) day|cigarettes smoked|cigarettes per day",
    r"\bdelirium\b",
    r"preterm (?:birth|delivery|labou?r)",
)
# a tally of participants by their best response (CR, PR, SD, PD rows), not the rate of one
_BEST_RESPONSE_TALLY = re.compile(
    r"^\s*(?:(?:number|percentage) of (?:participants|patients|subjects) (?:with|by) (?:their )?)?"
    r"best overall (?:tumou?r )?response(?:\s*\(bor\))?\s*$",
    re.IGNORECASE,
)
_BIOMARKER = _rx(
    r"expression", r"\blevels?\b", r"ratio to baseline", r"mutation(?:al)? status", r"biomarker", r"detectab"
)
_GOOD_EVENT = _rx(
    r"response rate",
    r"\b(?:orr|dcr|crr|bor|trr|mpr|pcr)\b",
    r"objective (?:tumou?r )?response",
    r"overall response",
    r"complete response",
    r"partial response",
    r"pathologic(?:al)? (?:complete )?response",
    r"best (?:overall )?response",
    r"tumou?r response",
    r"disease control",
    r"\bimprovement\b",
    r"\brelief\b",
    r"successful intercourse",
    r"\bacr ?(?:20|50|70)\b",
    r"\bpasi ?(?:50|75|90|100)\b",
    r"sustained virolog\w* response",
    r"\bsvr ?\d*\b",
    r"(?:cytogenetic|molecular|hematologic(?:al)?) response",
    r"\beasi[- ]?(?:50|75|90|100)\b",
    r"\biga (?:score )?(?:of )?0\b",
    r"wound (?:closure|healing)",
    r"virolog\w* (?:suppression|success)",
    r"\b(?:rna|viral load)\s*(?:<|less than|below)\s*\d",
    r"clinical cure|\bcure rates?\b|(?:microbiological|bacteriological) (?:eradication|response)",
    r"treatment success",
    r"clinical benefit rate|\bcbr\b",
    r"\bmrd[- ]negativ|minimal residual disease[- ]negativ",
    r"transfusion[- ]independen",
    r"spleen volume reduction",
    r"breast[- ]conserv",
    r"\br0 resection|complete resection|resectability",
    r"\b(?:participants|patients|subjects) (?:who (?:are|were) )?alive\b",
    r"\bpsa[- ]?(?:50|90)\b|\bpsa (?:decline|response)",
    r"live births?\b|(?:clinical|ongoing) pregnanc(?:y|ies)",
    r"\b(?:sustained|continuous|prolonged|point[- ]prevalence)\s+abstinence\b|\bdays abstinent\b|\babstinence rates?\b",
    r"\bquit (?:rates?|smoking)\b|\bwho quit\b",
    r"\bsero-?protect",
    r"(?:endoscopic|mucosal) healing",  # a protective antibody level (not seroconversion: to HIV, an infection)
)
_GOOD_SCALE = _rx(
    r"quality of life",
    r"\bh?r?qol\b",
    r"global health",
    r"function(?:ing|al)?\b(?! test)",
    r"satisfaction",
    r"euroqol",
    r"eq-?5d",
    r"\bfact-|\bfacit|\bfaact\b",
    r"functional assessment",
    r"\b(?:pp)?fev1\b",
    r"forced expiratory",
    r"sleep efficiency",
    r"sexual encounter profile",
    r"\bsep\b",
    r"(?:six|6)[- ]minute walk",
    r"\b6mw[dt]\b",
    r"\bmmse\b",
    r"mini[- ]mental",
    r"\balsfrs",
    r"\bsf-?(?:36|12)\b|(?:physical|mental) component summary",
    r"total sleep time",
    r"\bqmax\b|maximum (?:urinary )?flow rate",
    r"bone mineral density|\bbmd\b",
    r"\bkccq\b|kansas city cardiomyopathy",
    r"\bkoos\b|\bikdc\b|\bbarthel\b|fugl[- ]meyer|berg balance|\bmoca\b|montreal cognitive",
    r"glasgow (?:coma|outcome)|\bgos-?e\b|symbol digit",
    r"peak (?:expiratory |urinary )?flow\b|\bpefr?\b",  # peak flow of breath or of urine (Qmax)
    r"quality of recovery|\bqor-?\d*\b",
)
_BAD_SCALE = _rx(
    r"symptom",
    r"\bcongestion\b",
    r"\bpain\b",
    r"anxiety",
    r"depressi",
    r"fatigue",
    r"nausea",
    r"vomiting",
    r"diarrho?ea",
    r"sleepiness",
    r"distress",
    r"need to rest",
    r"dyspn",
    r"\bcough",
    r"\bedss\b",
    r"expanded disability",
    r"\bham-?d\b",
    r"\bmadrs\b",
    r"\bpanss\b",
    r"\by-?bocs\b",
    r"\bdas ?28\b",
    r"disease activity score",
    r"\bacq\b",
    r"asthma control questionnaire",
    r"\bsgrq\b",
    r"st\.? george'?s respiratory",
    r"\bphq-?9\b",
    r"\bgad-?7\b",
    r"\bcdr-?sb\b",
    r"\b(?:mds-)?updrs\b",
    r"\bhaq(?:-di)?\b",
    r"\bbasdai\b",
    r"\bmayo (?:clinic )?score",
    r"\bcdai\b",
    r"\bipss\b|international prostate symptom",
    r"\bdlqi\b|dermatology life quality",
    r"prurit|\bitch",
    r"insomnia severity",
    r"sleep (?:onset )?latency|wake after sleep onset|\bwaso\b",
    r"\b(?:easi|pasi)\b(?![- ]?\d)|\bscorad\b",
    r"\bcgi-?s\b|clinical global impressions?[- ]+(?:of )?severity",
    r"harvey[- ]bradshaw",
    r"copd assessment test|\bcat (?:total )?score",
    r"\bsalt score|severity of alopecia tool",
    r"heavy drinking days",
    r"\bbprs\b|brief psychiatric rating",
    r"neuropsychiatric inventory",
    r"\bymrs\b|young mania",
    r"\bham-?a\b",
    r"\bisi\b(?! score of)",
    r"\bcaps-?5\b|clinician[- ]administered ptsd|\bpcl-?5\b|ptsd checklist",
    r"\bbdi(?:-ii)?\b|\bhads\b",
    r"\bpsqi\b|pittsburgh sleep quality",
    r"\bodi\b|oswestry|neck disability index",
    r"\bsledai|\buas7\b|urticaria activity|\bpoem\b|patient[- ]oriented eczema",
    r"\bnihss\b|\bmodified rankin\b|\bwomac\b|\badhd-?rs|\bcdrs-?r\b|abnormal involuntary movement",
)
# impressions of improvement rate from 1 (very much improved) to 7 (very much worse): CGI-I, PGI-I
_IMPROVEMENT_SCALE = _rx(r"global impressions?\s*(?:of\s*|-\s*)?improvement", r"\b[cp]gi-?i\b")
_IMPROVED = _rx(r"\bimproved\b", r"\brespon(?:se|ders?)\b", r"\bscores?\s+of\s+1\s*(?:or|,|-|to)\s*2\b")
# visual acuity is better high in letters read (ETDRS) and better low in logMAR
_VISUAL_ACUITY = re.compile(r"visual\s+acuity|\bbcva\b", re.IGNORECASE)
_ACUITY_UNITS = (
    (re.compile(r"logmar", re.IGNORECASE), LOWER_BETTER),
    (re.compile(r"\bletters?\b", re.IGNORECASE), HIGHER_BETTER),
)
_SYMPTOM_SCALES = re.compile(r"\bsymptom (?:scales?|scores?|subscales?|items?)\b", re.IGNORECASE)
_QUALITY_OF_LIFE = re.compile(r"quality of life|\bh?r?qol\b", re.IGNORECASE)
# one word may name the scale: "higher total scores", "higher LCSS scores"
_HIGHER = r"(?:higher|greater|increas\w*|high)(?: [\w-]+)? (?:scores?|values?|numbers?)"
_LOWER = r"(?:lower|smaller|decreas\w*|low)(?: [\w-]+)? (?:scores?|values?|numbers?)"
_VERB = r"(?:\s*\w+){0,2}?\s*(?:indicat\w*|represent\w*|mean\w*|reflect\w*|denot\w*|correspond\w*|=|signif\w*)"
_GOOD_WORDS = (
    r"(?:better|improv\w*|less\b|fewer|best|greater (?:function|quality|well)|higher (?:function|quality)|healthier|"
    r"more (?:favou?rable|function)|lower (?:levels? of )?(?:symptom|burden|severity|impairment|distress|disability))"
)
_BAD_WORDS = (
    r"(?:worse|worst|more severe|greater (?:severity|symptom|impairment|burden|distress|disability)|"
    r"more (?:symptoms|problems|impairment|severe|disability)|higher (?:severity|symptom|level of (?:symptom|impairment))|"
    r"high level of (?:symptom|problem))"
)
_STATED = [
    (re.compile(rf"{_HIGHER}{_VERB}[^.;]{{0,60}}?{_GOOD_WORDS}", re.IGNORECASE), HIGHER_BETTER),
    (re.compile(rf"{_HIGHER}{_VERB}[^.;]{{0,60}}?{_BAD_WORDS}", re.IGNORECASE), LOWER_BETTER),
    (re.compile(rf"{_LOWER}{_VERB}[^.;]{{0,60}}?{_GOOD_WORDS}", re.IGNORECASE), LOWER_BETTER),
    (re.compile(rf"{_LOWER}{_VERB}[^.;]{{0,60}}?{_BAD_WORDS}", re.IGNORECASE), HIGHER_BETTER),
    (
        re.compile(
            r"\d\s*\((?:worst|very poor|poor|no \w+ function)\)[^.;]{0,40}?\d\s*\((?:best|excellent|very good)\)",
            re.IGNORECASE,
        ),
        HIGHER_BETTER,
    ),
    (
        re.compile(
            r"\d\s*\((?:best|none|no \w+|not at all)\)[^.;]{0,40}?\d\s*\((?:worst|severe|extreme|very severe)\b",
            re.IGNORECASE,
        ),
        LOWER_BETTER,
    ),
    (re.compile(r"\d (?:is|=) no \w+[^.;]{0,30}?\d+ (?:is|=) (?:the )?worst", re.IGNORECASE), LOWER_BETTER),
]
_FAVOURS = re.compile(
    r"(?P<what>hazard ratio|\bhr\b|odds ratio|\bor\b|(?:risk|rate) ratio|ratio|difference|\bchange)"
    r"[^.;]{0,80}?(?P<cmp><|less than|lower than|below|smaller than|>|greater than|higher than|above|more than)"
    r"\s*(?:0|1|zero|one)\b[^.;]{0,30}?\b(?:favou?r|in favou?r)",
    re.IGNORECASE,
)
# participants with none of something: "Percentage of Participants With No Pain" (the opposite of pain)
_WITH_NONE = re.compile(
    r"\b(?:participants|patients|subjects|people)\s+(?:with|having|reporting|who\s+had)\s+no\s+(?P<what>[^,;:()]+)",
    re.IGNORECASE,
)
# a response on a rating scale: "Percentage of Participants With HAM-D Response"
_RESPONSE = re.compile(r"\bresponse\b", re.IGNORECASE)
# a threshold on a score: "PHQ-9 Score < 5", "DAS28-CRP < 2.6", "Pain Score of 0", "Pain Score >= 4"
_THRESHOLD = re.compile(
    r"(?P<low><=?|≤|\b(?:less|lower|fewer)\s+than\b|\bbelow\b|\bunder\b)"
    r"|(?P<high>>=?|≥|\b(?:greater|higher|more)\s+than\b|\babove\b)"
    r"|\bscores?\s+(?P<of>of)(?=\s*0\b)"  # "of 0", "of 0 or 1": the low end
    r"|\bscores?\s+(?P<at>of|=)(?=\s*[1-9]\d*\b(?!\s*(?:%|or\s+(?:more|higher|greater|less|lower|above|below))))",
    re.IGNORECASE,
)
_THRESHOLD_VALUE = re.compile(r"\s*(?:of\s+|or\s+equal\s+to\s+)?\d", re.IGNORECASE)
# words of a change, whose threshold is on the change, not on the score ("Improvement of >= 3 Points")
_CHANGE_WORDS = _rx(r"improv", r"reduc", r"decreas", r"increas", r"\bchange", r"worsen", r"deteriorat", r"\bpoints?\b")
_PARTICIPANT_UNIT = re.compile(r"participants?|patients?|subjects?|events?|people", re.IGNORECASE)
_SHARE_UNIT = re.compile(r"percent|proportion|%|rate|probabilit", re.IGNORECASE)


def stated_direction(description: str | None) -> str:
    """The polarity a measure's description states ("higher scores indicate better ...",
    "from 0 (worst) to 100 (best)"), or ``unknown`` when it states none or contradicts itself."""
    found = {polarity for pattern, polarity in _STATED if pattern.search(description or "")}
    return found.pop() if len(found) == 1 else UNKNOWN


def _is_count(unit: str, param_type: str) -> bool:
    """A count of participants or events, not a rate, a share or a time."""
    return bool(_PARTICIPANT_UNIT.search(unit)) and not _SHARE_UNIT.search(unit) or "count" in param_type


def _either(higher: object, lower: object) -> str:
    """The polarity when exactly one kind of cue was found, else ``unknown``."""
    if bool(higher) == bool(lower):
        return UNKNOWN
    return HIGHER_BETTER if higher else LOWER_BETTER


def _time_to(rest: str, unit: str, param_type: str) -> str:
    if _is_count(unit, param_type) or _SHARE_UNIT.search(unit):
        return UNKNOWN
    # time to a bad event: longer is better; time to a good event: shorter is better
    bad, good = _BAD_EVENT_AFTER_TIME.search(rest), _GOOD_EVENT_AFTER_TIME.search(rest)
    if bad and good:
        # the event that heads the phrase decides: "resolution of adverse events" is good,
        # "worsening of function" bad; "progression or response" stays unknown
        first = min(bad, good, key=lambda m: m.start())
        if _OF.match(rest, first.end()):
            return HIGHER_BETTER if first is bad else LOWER_BETTER
    return _either(bad, good)


def _scale(title: str, description: str) -> str:
    stated = stated_direction(description)
    if stated != UNKNOWN:
        return stated
    good, bad = _GOOD_SCALE.search(title), _BAD_SCALE.search(title)
    if (
        good
        and not bad
        and not _GOOD_SCALE.search(_QUALITY_OF_LIFE.sub(" ", title))
        and _SYMPTOM_SCALES.search(description)
    ):
        # only "quality of life", over an instrument whose description names symptom scales (the Lung
        # Cancer Symptom Scale; the EORTC QLQ-C30's symptom scales beside its functional ones): mixed
        return UNKNOWN
    return _either(good, bad)


def _opposite(polarity: str) -> str:
    """The other direction (``unknown`` stays unknown): of a reduction, of "no" pain, of a scale's low end."""
    return {HIGHER_BETTER: LOWER_BETTER, LOWER_BETTER: HIGHER_BETTER}.get(polarity, UNKNOWN)


def _share_of_participants(title: str, unit: str, param_type: str) -> bool:
    """A measure that counts participants, or gives their share ("Percentage of Participants With ...")."""
    counted = _is_count(unit, param_type) or bool(_SHARE_UNIT.search(unit))
    return counted and bool(_PARTICIPANT_UNIT.search(f"{unit} {title}"))


def _beyond_threshold(title: str, description: str) -> str | None:
    """The polarity of a share of participants past a threshold on a score ("PHQ-9 Score < 5":
    the low end of a scale better low, so better high); ``unknown`` at one value of a score ("Pain
    Score of 5") or on a scale of no known direction; ``None`` when the title sets no threshold on
    a score, or sets it on a change ("Improvement of >= 3 Points"), left to the other rules."""
    if _CHANGE_WORDS.search(title):
        return None
    for m in _THRESHOLD.finditer(title):
        if m.group("at"):
            return UNKNOWN  # the participants at one point of a scale: a tally of its categories
        if not m.group("of") and not _THRESHOLD_VALUE.match(title, m.end()):
            continue
        scale = _scale(title, description)
        if scale == UNKNOWN or m.group("high"):
            return scale
        return _opposite(scale)  # its low end
    return None


def analysis_polarity(statement: str | None, measure_is_time: bool) -> str:
    """The polarity a trial's analysis states about the measure, e.g. "A hazard ratio < 1 favours
    X" or "a difference in least square means less than 0 favors X"; ``unknown`` when it states
    none. A hazard ratio speaks of the event, so it decides only for a time to that event
    (``measure_is_time``)."""
    found = set()
    for m in _FAVOURS.finditer(statement or ""):
        low = m["cmp"].lower() in ("<", "less than", "lower than", "below", "smaller than")
        if m["what"].lower() in ("hazard ratio", "hr"):
            if measure_is_time:
                found.add(HIGHER_BETTER if low else LOWER_BETTER)
        else:
            found.add(LOWER_BETTER if low else HIGHER_BETTER)
    return found.pop() if len(found) == 1 else UNKNOWN


def outcome_polarity(
    title: str | None,
    description: str | None = None,
    unit: str | None = None,
    param_type: str | None = None,
    analyses: Sequence[str] = (),
) -> str:
    """``higher_better``, ``lower_better`` or ``unknown`` for one outcome measure (rules in the
    module docstring). ``param_type`` takes the registry's form (``COUNT_OF_PARTICIPANTS``) or
    ctpairs' normalized one (``count_of_participants``). ``analyses``: the statements of the
    trial's own analyses of this measure (estimate comments, group descriptions...)."""
    text = _text_polarity(title, description, unit, param_type)
    is_time = bool(DURATION_UNIT.search(unit or "")) and not _is_count(unit or "", (param_type or "").lower())
    stated = {p for p in (analysis_polarity(a, is_time) for a in analyses) if p != UNKNOWN}
    if len(stated) > 1:
        return UNKNOWN
    if stated:
        (trial,) = stated
        return trial if text in (UNKNOWN, trial) else UNKNOWN
    return text


@lru_cache(maxsize=65536)  # a measure's pairs, and its task rows, ask about the same outcome again and again
def _text_polarity(title: str | None, description: str | None, unit: str | None, param_type: str | None) -> str:
    title, description = title or "", description or ""
    unit, param_type = unit or "", (param_type or "").lower()
    if not title.strip() or _NOT_EFFICACY.search(title):
        return UNKNOWN
    time_to = _TIME_TO.search(title)
    if time_to:
        return _time_to(time_to.group("rest"), unit, param_type)
    abbreviated = _TIME_TO_ABBREVIATION.search(title)
    if (
        abbreviated
        and (timed := _time_to(_TIME_TO_ABBREVIATED[abbreviated.group(1).lower()], unit, param_type)) != UNKNOWN
    ):
        return timed  # a share "remaining progression-free in the TTP analysis" goes on to the rules below
    if is_score_scale(unit) and (stated := stated_direction(description)) != UNKNOWN:
        return stated  # a scale's own stated direction wins over its title's words ("FACT/GOG-Neurotoxicity")
    if reduced := _REDUCTION.search(title):
        # a reduction of a bad thing is good, of a good thing bad; of anything else, unknown
        return _opposite(_text_polarity(reduced.group("what"), description, "", ""))
    if _RESPONDER.search(title) and not _BIOMARKER.search(title):
        return HIGHER_BETTER
    if _SURVIVAL.search(title):
        if _is_count(unit, param_type):
            return UNKNOWN
        # "Percentage of Participants With Progression-Free Survival Events": the events are bad
        return LOWER_BETTER if _WITH_SURVIVAL_EVENTS.search(title) else HIGHER_BETTER
    if _ABSENCE.search(title):
        # "Time Free From Skin Rash ... - Number of Participants With an Event" counts the event
        return UNKNOWN if _WITH_AN_EVENT.search(title) else HIGHER_BETTER
    if none := _WITH_NONE.search(title):
        return _opposite(_text_polarity(none.group("what"), description, "", ""))
    if _IMPROVEMENT_SCALE.search(title):
        # its score is better low; a share of participants is better high only when they improved
        if _share_of_participants(title, unit, param_type):
            return HIGHER_BETTER if _IMPROVED.search(title) else UNKNOWN
        return LOWER_BETTER
    if _BAD_EVENT.search(title):
        return LOWER_BETTER
    if _BIOMARKER.search(title) or _BEST_RESPONSE_TALLY.match(title):
        return UNKNOWN
    if _GOOD_EVENT.search(title):
        return HIGHER_BETTER
    if _share_of_participants(title, unit, param_type):
        if _RESPONSE.search(title) and (_GOOD_SCALE.search(title) or _BAD_SCALE.search(title)):
            return HIGHER_BETTER  # responders on a rating scale
        if (past := _beyond_threshold(title, description)) is not None:
            return past
    if _VISUAL_ACUITY.search(title):
        if _is_count(unit, param_type) or _SHARE_UNIT.search(unit):
            return UNKNOWN  # participants gaining or losing letters: the words decide, not the scale
        return next((polarity for pattern, polarity in _ACUITY_UNITS if pattern.search(unit)), UNKNOWN)
    scale = _scale(title, description)
    if _is_count(unit, param_type) and (scale != LOWER_BETTER or _INSTRUMENT.search(title)):
        # participants tallied by an instrument's categories (improved, stable, worse; each ECOG
        # grade; "yes" and "no"): only a count of people with a symptom ("Vomiting") is worse high
        return UNKNOWN
    return scale


def better_direction(polarity: str) -> str | None:
    """The label direction (``higher``/``lower``) that means *better* under ``polarity``;
    ``None`` when the polarity is unknown."""
    return {HIGHER_BETTER: "higher", LOWER_BETTER: "lower"}.get(polarity)
