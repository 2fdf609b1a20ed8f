"""Same population, concurrent: may two result groups of one trial be contrasted at all?

The natural builders contrast two groups of one trial (``dose``, ``arm``) or one group on two
outcome measures (``outcome``). Either is a controlled contrast only when what is compared comes
from the same population at the same time. This module reads, from each group's own title and
description, what says otherwise, and gives the reason as a declared constant:

* :data:`SKIP_POOLED`: a group that pools others ("Total", "Durvalumab Total", "All parts", "4 arms
  combined", "Both arms", "Cohorts 2 + 3", "pooled", "(including ...)");
* :data:`SKIP_PARTS`: different parts, phases or sub-studies of the trial ("Part A" / "Part B",
  "Phase 1" / "Phase 2", "P1B" / "P2", "Sub-study B", "Study 1" / "Study 2" of a record that pools two
  studies, "Stage 1" / "Stage 2" of a two-stage design or
  "Stage III" / "Stage IV" of a disease), or one named and the other not;
* :data:`SKIP_STAGES`: different stages of a participant's course: run-in or lead-in, double-blind,
  open-label, extension, continuation, switch or crossover phases, maintenance vs induction, or a
  group titled "crossed over" or described as the participants "who crossed over" or "who switched";
* :data:`SKIP_PERIODS`: crossover periods, sequences, cycle windows or time points ("Period 2",
  "Cycles 4 to 6", "Cycle 2", "(Week 12)"), and sequences named by their steps ("Drug X Then
  Placebo" / "Placebo Then Drug X", :func:`reordered`);
* :data:`SKIP_POPULATIONS`: populations that differ: healthy volunteers vs patients, treatment-naive
  vs previously treated, lines of therapy ("First Line" / "2L+"), a population and its complement
  ("Elderly" / "Non-elderly"), regional cohorts ("Global" / "China", "Japanese" / "Non-Japanese"),
  a group whose description states its own eligibility ("Patients must have had recurrent disease");
* :data:`SKIP_NON_RANDOMIZED`: a non-randomized, single-arm, dose-escalation, expansion or safety
  cohort beside randomized ones;
* :data:`SKIP_CONDITIONS`: fed vs fasted, or another meal condition, named in the titles;
* :data:`SKIP_NOT_CONCURRENT`: a historical or external control ("Historical Control", "External
  control cohort"), which did not run beside the trial's groups;
* :data:`SKIP_SUBGROUPS`: subgroups defined by a participant characteristic
  (:mod:`ctpairs.characteristics`: biomarker status, histology, disease, best response, smoking,
  sex, age, the participants' own choice), such as "Positive ALK FISH Status" / "Negative ALK FISH
  Status", or "Participants who preferred tadalafil" / "... who preferred sildenafil", or what both
  descriptions say of the participants with nothing in common ("Participants with EGFR mutation
  received ..." / "... with EGFR wild-type ...", "Japanese participants ..." / "Participants
  enrolled at sites outside Japan ...", "Eligible patients had ECOG performance status 2 ...");
* :data:`SKIP_QUALIFIED` (:func:`qualifier_skip`, for contrasts of arms): titles whose qualifiers
  differ beyond their arms ("Placebo (Caregivers)" / "Drug X (Patients)", "Drug X - Site A" /
  "Drug X - Site B", :mod:`ctpairs.qualifiers`);
* :data:`SKIP_COHORTS` (:func:`cohort_skip` and :func:`stratum_skip`, for contrasts of arms, not of
  dose levels): groups named as different cohorts or strata ("Cohort A2" / "Cohort F", "Stratum A" /
  "Stratum B", or a description opening "Cohort 2 enrolled ..."), or in different
  strata ("Group B, Nivo" / "Group C, ICC" where each label names several groups; titles ending in
  their stratum, "Drug - TNF Failure" / "Drug - Conventional Failure"), which a trial
  enrols side by side, not randomizes against each other.

A description's heading ("Open-label extension: ...", "Part 2 (confirmatory): ...", "Pooled
analysis population: ...") is read for stages, parts, periods, pooling, historical controls and
participant characteristics as a title is.

:func:`responders_only` tells outcome measures whose population is the responders alone
(duration of response, time to response), never comparable with whole-population ones.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from ctpairs.characteristics import Token, characteristics, named_conditions
from ctpairs.dose import parse_dose, route_codes, schedule_codes
from ctpairs.model.trial import Measure, ResultGroup
from ctpairs.pairing import is_pooled_group
from ctpairs.qualifiers import unknown_qualifiers
from ctpairs.timepoints import words

SKIP_POOLED = "pooled group"
SKIP_PARTS = "different parts, phases or sub-studies of the trial"
SKIP_STAGES = "different stages (run-in, blinded, open-label, extension, switch, crossover)"
SKIP_PERIODS = "crossover periods, sequences or cycle windows"
SKIP_POPULATIONS = "different populations (healthy, prior treatment, region)"
SKIP_NON_RANDOMIZED = "non-randomized cohort beside randomized groups"
SKIP_CONDITIONS = "different conditions (fed or fasted)"
SKIP_COHORTS = "different cohorts (not randomized against each other)"
SKIP_SUBGROUPS = "subgroups defined by a participant characteristic (biomarker, histology, disease, response, choice)"
SKIP_NOT_CONCURRENT = "a historical or external control (not concurrent)"
SKIP_QUALIFIED = (
    "titles qualified differently beyond the arm (a site, role, specimen or background therapy; no treatment word)"
)

SKIP_REASONS = (
    SKIP_POOLED,
    SKIP_PARTS,
    SKIP_STAGES,
    SKIP_PERIODS,
    SKIP_POPULATIONS,
    SKIP_NON_RANDOMIZED,
    SKIP_CONDITIONS,
    SKIP_COHORTS,
    SKIP_SUBGROUPS,
    SKIP_NOT_CONCURRENT,
    SKIP_QUALIFIED,
)

_POOLED = re.compile(
    r"^\s*all\s+(?:parts|doses|dose\s+levels|phases|patients|participants|subjects)\b"
    r"|\bpooled\b|\bcombined\s*(?:\)|$)|\b(?:arms|cohorts|groups|doses|parts)\s+combined\b|\bentire\s+study\b"
    r"|\(\s*overall\s*\)"  # "Drug X Combined", "Drug X (Overall)"
    r"|\ball\s+(?:parts|doses|dose\s+levels|cohorts|arms|treated)\b"
    r"|\btotal\s*$|\bboth\s+(?:arms|groups|cohorts|parts)\b|\bentire\s+(?:population|cohort)\b"  # "Durvalumab Total"
    r"|\bincluding\b|\bother\s+than\s+[\d.]+\s*(?:mg|mcg|ug|µg|g)\b|^\s*others?\s*$"
    r"|\b(?:cohorts|arms|groups|parts)\s+[a-z]?\d*[a-z]?\s*(?:\+|&|and)\s*[a-z]?\d*[a-z]?\b",  # "Cohorts 2 + 3"
    re.I,
)
_PART = re.compile(
    r"\b(?:part|stage|sub-?study|module)\s*[:\-]?\s*(?P<p>[0-9]+[a-z]?|[a-z](?![a-z])|i{1,3}v?\b)"
    r"|\bphase\s*(?P<ph>[0-9]+[ab]?|i{1,3}[ab]?\b|iv\b)"
    r"|\bP(?P<pp>[0-9][abAB]?)\b"
    r"|(?P<named>[\w-]+)\)?\s+sub-?study\b|\bstudy\s+(?P<study>\d+)\b"
    r"|\b(?P<main>main|parent)\s+(?:study|protocol)\b|\b(?P<sub>sub-?study)\b",
    re.I,
)
_STAGES = {
    "run-in": re.compile(r"\b(?:run|lead)[\s-]*in\b", re.I),
    "double-blind": re.compile(r"\bdouble[\s-]*blind(?:ed)?\s+(?:phase|period|part|treatment)\b", re.I),
    "open-label": re.compile(r"\bopen[\s-]*label\b", re.I),
    "extension": re.compile(r"\bextension\b(?!\s+cohort\s*\d)|\brollover\b|\bfollow[\s-]*on\b", re.I),
    "continuation": re.compile(r"\bcontinuation\b", re.I),
    # "Placebo to Secukinumab (Extension)": switched from placebo
    "switch": re.compile(r"\bswitch(?:ed|ing)?\b|\bplacebo\s+(?:to|->|→)\s+(?!match)\w", re.I),
    "crossover": re.compile(r"\bcross(?:ed)?[\s-]*over\b", re.I),
    "randomized-phase": re.compile(r"\brandomi[sz]ed\s+(?:phase|period|part)\b", re.I),
    # "Maintenance Phase", or the word alone as a group's qualifier: "Drug X (Maintenance)"
    "maintenance": re.compile(r"\bmaintenance\s+(?:phase|period|therapy)\b|[(:,\-–]\s*maintenance\s*(?:\)|$)", re.I),
    "induction": re.compile(r"\binduction\s+(?:phase|period|therapy)\b|[(:,\-–]\s*induction\s*(?:\)|$)", re.I),
    "unblinded": re.compile(r"\bun-?blinded\b", re.I),
    "re-treatment": re.compile(r"\bre-?treatment\b", re.I),
}
_PERIOD = re.compile(
    r"\bperiod\s*(?P<n>[0-9]+|i{1,3}v?\b)|\b(?P<w>first|second|third)\s+period\b"
    r"|\bcycles?\s*(?P<c>\d+(?:\s*(?:to|-|–|through)\s*\d+)?)\b|\bsequence\s*(?P<s>[a-z0-9/-]+)"
    r"|(?P<seq>(?-i:\b[A-Z]{1,4}(?:\s*/\s*[A-Z]{1,4})+\b))"
    r"|\bbaseline\b|\b(?:week|day|month|year|visit)s?\s*\d+(?:\s*(?:-|–|to|through)\s*\d+)?\b"
    r"|\b(?:before|after|pre|post)[\s-]*(?:the\s+)?(?:switch|cross[\s-]*over)\b"  # "(Before Switch)"
    r"|\b(?:pre|post)[\s-]*(?:treatment|dose)\b(?!\s+with)"  # "(Pre-treatment)", not "Pretreatment With Drug Y"
    r"|\b(?:pre|post)[\s-]*(?:implementation|intervention)\s+(?:period|phase)\b",  # before / after a change of care
    re.I,
)
# the periods a description's heading names: not its times ("Weeks 1-12: 10 mg; Weeks 13-24: 20 mg"
# is a schedule), only crossover periods and the two sides of a change of care
_HEADING_PERIOD = re.compile(
    r"\bperiod\s*(?:[0-9]+|i{1,3}v?\b)|\b(?:first|second|third)\s+period\b"
    r"|\b(?:pre|post)[\s-]*(?:implementation|intervention)\s+(?:period|phase)\b",
    re.I,
)
_POPULATION = {
    "healthy": re.compile(r"\bhealthy\b", re.I),
    "treatment-naive": re.compile(r"\bna[iï]ve\b", re.I),  # treatment-, TKI-, I-O naive
    "previously-treated": re.compile(
        r"\bpreviously\s+treated\b|\bpre-?treated\b|\brefractory\b|\bprior\s+(?:\w+\s+){0,2}(?:therapy|treatment)\b",
        re.I,
    ),
    "elderly": re.compile(r"\belderly\b|\bolder\s+adults\b", re.I),
    "pediatric": re.compile(r"\bp(?:a)?ediatric\b|\bchildren\b|\badolescents?\b", re.I),
    "impairment": re.compile(r"\b(?:renal|hepatic)\s+impairment\b", re.I),
}
_TITLE_ONLY_POPULATIONS = frozenset({"impairment"})
"""Read in titles only: a description mentions renal impairment to adjust a dose ("Dosage was
adjusted for participants with mild or moderate renal impairment", NCT00172042), not to say who
its group is."""
# the line of therapy a cohort is in: "First Line", "2nd-line", "2L+"
_LINE = re.compile(r"\b(?P<word>first|second|third|1st|2nd|3rd)[\s-]*line\b|\b(?P<n>[123])L(?P<later>\+)?(?!\w)", re.I)
# a group's own eligibility criteria, in its description
# ("must have received at least one dose" says who was analysed, not who could enter)
# who a group's description speaks of; the nouns a who-phrase may start with
_SUBJECTS = r"patients|participants|subjects"
_CRITERIA = re.compile(
    rf"\b(?:{_SUBJECTS})\s+(?:must|should)\s+(?:have\s+(?:had|been\s+diagnosed|progressed|failed)"
    r"|be\s+(?:\w+[\s-]+){0,2}(?:naive|na[iï]ve|refractory|resistant|intolerant|eligible))\b"
    r"|\beligible\s+(?:if|for\s+this\s+(?:arm|cohort|group))\b",
    re.I,
)
# "Participants with EGFR mutation received ...", "Patients with severe disease will be given ..."
_WHO = re.compile(
    rf"\b(?P<noun>{_SUBJECTS}|adults|children|adolescents|infants|women|men|girls|boys"
    r"|individuals|people|volunteers|recipients|non[\s-]*carriers|carriers)(?:\s+|(?=\s))"
    r"(?:with\s+)?(?P<who>(?:aged\s+|with\s+)?(?:[^.;:\n]|(?<=\d)\.(?=\d)){0,200}?)"
    r"(?<!\bhad)(?<!\bhave)(?<!\bhas)(?<!\bbeen)"  # "Participants who had received ..., received X"
    r"(?=\s+(?:received|receive|will|were|are|was|randomi[sz]ed|treated|given|took|underwent|continued|started)\b)",
    re.I,
)
_BEFORE_SUBJECT = re.compile(r"(?:[\w+≥≤<>-]+\s+){1,3}$")
# "Eligible patients had ECOG performance status 2 and ...": who a group enrolled
_ELIGIBLE = re.compile(
    rf"\beligible\s+(?P<noun>{_SUBJECTS})\s+(?:had|were|must\s+have(?:\s+had)?)\s+"
    r"(?P<who>(?:[^.;:\n]|(?<=\d)\.(?=\d)){3,200})",
    re.I,
)
# what the participants a description speaks of had before: "Patients with previously untreated
# ... received" / "Patients whose disease progressed after first-line therapy received"
_HISTORY = {
    "untreated": re.compile(r"\bpreviously\s+untreated\b|\btreatment[\s-]+na[iï]ve\b", re.I),
    "treated": re.compile(
        r"\bpreviously\s+treated\b|\bwhose\s+disease\s+(?:progressed|relapsed|recurred)\b|\bwho\s+had\s+(?:progressed|relapsed)\b",
        re.I,
    ),
}
_SENTENCE = re.compile(r"(?<=[.;])\s+|\n+")
_LINE_NUMBER = {"first": "1", "1st": "1", "second": "2", "2nd": "2", "third": "3", "3rd": "3"}
# "Non-elderly", "non-Asian", "outside Japan": the rest of the population
_COMPLEMENT = re.compile(r"\bnon[\s-]*$|\boutside\s+(?:of\s+)?$", re.I)
_REGION = re.compile(
    r"\b(?:global|china|chinese|japan|japanese|korea|korean|taiwan(?:ese)?|asia|asian|india|indian|"
    r"russia|russian|europe|european|north\s+america(?:n)?|latin\s+america(?:n)?"
    r"|(?-i:(?<![\w-])(?:US|EU|ROW)(?![\w-])))\b"
    # a treatment's or a product's origin, not the participants': "Chinese Herbal", "Bevacizumab-EU",
    # "EU Avastin®", "US-licensed Humira", "EU-approved"
    r"(?!\s+(?:herbal|herbs?|medicine|tea|formula|acupuncture|massage|food|diet|cuisine)\b)"
    r"(?![\s-]*(?:licen[sc]ed|approved|sourced|authori[sz]ed|marketed)\b)(?!\s+[\w-]+\s*[®™])",
    re.I,
)
# A control group that did not run beside the trial's own: a historical or external cohort.
_NOT_CONCURRENT = re.compile(
    r"\b(?:historical|historic|external|synthetic|virtual)\s+(?:control|comparator|cohort|data)s?\b"
    r"|\bnatural[\s-]+history\b",
    re.I,
)
_NON_RANDOMIZED = re.compile(
    r"\bnon-?randomi[sz]ed\b|\bnot\s+randomi[sz]ed\b|\bsingle[\s-]*arm\b|\bsentinel\b|\bsafety\s+run[\s-]*in\b"
    r"|\bdeclined\s+(?:to\s+be\s+)?randomi[sz](?:ation|ed)\b|\b(?:observational|registry)\s+(?:registry\s+)?(?:arm|cohort|group)\b"
    r"|\benrolled\s+separately\b|\bscreen(?:ing)?\s+failures?\b",
    re.I,
)
# Read in titles only: a randomized arm's description may allow a "dose escalation".
_NON_RANDOMIZED_TITLE = re.compile(
    r"\bsafety\s+(?:lead[\s-]*in|portion|cohort)\b|\b(?:dose[\s-]+)?(?:escalation|expansion)\b|\bunplanned\b"
    r"|\bdose[\s-]+esc\b|(?-i:\bESC\b)",  # "BMS50 (ESC)": an escalation cohort
    re.I,
)
_RESPONDERS_TITLE = re.compile(
    r"\bduration\s+of\s+(?:\w+\s+){0,3}(?:response|remission)\b|\btime\s+to\s+(?:\w+\s+){0,2}response\b"
    r"|\b(?:response|remission)\s+duration\b"
    r"|(?-i:\b(?:DoR|DOR|TTR)\b)",
    re.I,
)
_RESPONDERS_POPULATION = re.compile(
    r"\bresponders\b|\bwho\s+(?:had|achieved|showed|with)\s+(?:an?\s+)?(?:\w+\s+){0,2}(?:response|CR|PR)\b"
    r"|\bwith\s+(?:an?\s+)?(?:confirmed\s+)?(?:objective\s+)?(?:\w+\s+)?response\b",
    re.I,
)
_CONDITIONS = {
    "fed": re.compile(r"\bfed\b|\bnon-?fasting\b|\bwith\s+(?:a\s+)?(?:\w+[\s-]+)?(?:meal|food)\b", re.I),
    "fasted": re.compile(r"\bfast(?:ed|ing)\b(?!\s*/)", re.I),
}
# the steps of a sequence group's title: "Drug X Then Placebo", "Placebo/Drug X", "Placebo -> Drug X"
_SEQUENCE_STEP = re.compile(r",?\s+(?:then|followed\s+by|to)\s+|\s*(?:->|→|/)\s*", re.I)
# a description's heading, which names its group's stage as a title would: "Open-label extension:
# participants received ...", "Single-blind placebo run-in: all enrolled participants ..."
_HEADING = re.compile(r"\s*(?P<h>[^:.\n]{3,60}):")
_CROSSED = re.compile(r"\bwho\s+(?:crossed\s+over|were\s+switched|switched)\b", re.I)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class GroupContext:
    """What a group's own texts say about its population and timing."""

    pooled: bool
    not_concurrent: bool
    parts: frozenset[str]
    stages: frozenset[str]
    periods: frozenset[str]
    sequences: frozenset[str]  # letter sequences ("A/B", "AB/BA") that spell no words of the title
    populations: frozenset[str]
    regions: frozenset[str]
    non_randomized: bool
    conditions: frozenset[str]
    characteristics: frozenset[Token]
    described: frozenset[Token]  # who the description says the participants are ("Participants with ...")


def _norm(token: str) -> str:
    token = _SPACE.sub("", token.casefold())
    return {"i": "1", "ii": "2", "iii": "3", "iv": "4", "ia": "1a", "ib": "1b", "iia": "2a", "iib": "2b"}.get(
        token, token
    )


def _found(patterns: dict[str, re.Pattern[str]], text: str) -> frozenset[str]:
    return frozenset(name for name, pattern in patterns.items() if pattern.search(text))


def _complemented(name: str, text: str, match: re.Match[str]) -> str:
    """``name`` for what ``match`` found in ``text``, or its complement ("non-elderly", "non-asian")
    when "non" stands right before it."""
    return f"non-{name}" if _COMPLEMENT.search(text, 0, match.start()) else name


_DEMONYMS = {
    "chinese": "china", "japanese": "japan", "korean": "korea", "taiwanese": "taiwan", "asian": "asia",
    "indian": "india", "russian": "russia", "european": "europe",
    "northamerican": "northamerica", "latinamerican": "latinamerica",
}  # fmt: skip


def _region(match: re.Match[str]) -> str:
    """The region a match names, one name for a country and its people ("Japanese" is "japan")."""
    name = _norm(match.group(0))
    return _DEMONYMS.get(name, name)


def _populations(text: str) -> frozenset[str]:
    """The populations a text names (:data:`_POPULATION`), a name right after "non" as its
    complement ("Non-elderly" is not "Elderly")."""
    return frozenset(
        _complemented(name, text, m) for name, pattern in _POPULATION.items() for m in pattern.finditer(text)
    )


def _criteria(description: str) -> frozenset[str]:
    """The eligibility statements of a group's own description ("Patients must have had
    recurrent disease ...", "... are not eligible for this arm"), each as its sentence's words: a
    group with criteria of its own enrols other participants than a group without them."""
    return frozenset(
        "criteria: " + words(sentence) for sentence in _SENTENCE.split(description) if _CRITERIA.search(sentence)
    )


def _described(description: str) -> frozenset[Token]:
    """The participant characteristics (:func:`ctpairs.characteristics.characteristics`, read as
    a title's), region and treatment history of the participants a description says a group is of:
    "Participants with EGFR mutation received Drug X" names the mutant status, "Participants
    enrolled at sites outside Japan received ..." the region, "Patients whose disease progressed
    after first-line therapy received ..." the history; two groups whose descriptions name a kind
    with no value in common are two populations (one that says nothing decides nothing)."""
    tokens: set[Token] = set()
    for m in (*_WHO.finditer(description), *_ELIGIBLE.finditer(description)):
        # with the words before the subject: "Japanese participants", "Kidney transplant recipients"
        before = _BEFORE_SUBJECT.search(description, max(0, m.start() - 60), m.start())
        who = f"{before.group(0) if before else ''}{m.group('noun')} {m.group('who')}"
        tokens |= characteristics(who)  # "Participants enrolled at sites outside Japan received ..."
        tokens |= {("region", _complemented(_region(r), who, r)) for r in _REGION.finditer(who)}
        tokens |= {("treatment history", name) for name, pattern in _HISTORY.items() if pattern.search(who)}
    return frozenset(tokens)


def _lines(title: str) -> frozenset[str]:
    """The line of therapy a title names ("line 2", "line 2+"); read in titles only, as a
    description may speak of a drug's "second line use"."""
    return frozenset(
        f"line {_LINE_NUMBER[m.group('word').casefold()] if m.group('word') else m.group('n')}"
        + ("+" if m.group("later") else "")
        for m in _LINE.finditer(title)
    )


_WORD_INITIAL = re.compile(r"\b[A-Za-z]")
_SEQUENCE_LETTERS = re.compile(r"[A-Z]+")


def _spells_initials(match: re.Match[str], title: str) -> bool:
    """Whether a letter sequence ("C/T/C") spells the initials of the title's own words
    ("Cetuximab+Taxane+Carboplatin (C/T/C)"): a regimen's abbreviation, not crossover sequences."""
    if not match.group("seq"):
        return False
    letters = "".join(_SEQUENCE_LETTERS.findall(match.group("seq"))).casefold()
    initials = iter(
        "".join(w.group(0) for w in _WORD_INITIAL.finditer(title[: match.start()] + title[match.end() :])).casefold()
    )
    return len(letters) > 1 and all(letter in initials for letter in letters)  # in order, as a subsequence


@lru_cache(maxsize=16384)
def _context(title: str, description: str) -> GroupContext:
    both = f"{title}\n{description}"
    heading = _heading(description)
    parts = frozenset(
        _norm(m.group("p") or m.group("ph") or m.group("pp") or m.group("named") or m.group("study") or "")
        or ("main" if m.group("main") else "substudy" if m.group("sub") else "")
        for m in _PART.finditer(f"{title}\n{heading}")
    ) - {""}
    found = [m for m in _PERIOD.finditer(title) if not _spells_initials(m, title)]
    periods = frozenset(_norm(m.group(0)) for m in found if not m.group("seq")) | frozenset(
        _norm(m.group(0)) for m in _HEADING_PERIOD.finditer(heading)
    )
    sequences = frozenset(_norm(m.group("seq")) for m in found if m.group("seq"))
    return GroupContext(
        pooled=bool(_POOLED.search(title) or _POOLED.search(heading)),
        not_concurrent=bool(_NOT_CONCURRENT.search(title) or _NOT_CONCURRENT.search(heading)),
        parts=parts,
        stages=stages(title) | stages(heading) | ({"crossed-over"} if _CROSSED.search(description) else frozenset()),
        periods=periods,
        sequences=sequences,
        populations=_populations(title)
        | (_populations(description) - _TITLE_ONLY_POPULATIONS)
        | _lines(title)
        | _criteria(description),
        regions=frozenset(_complemented(_region(m), title, m) for m in _REGION.finditer(title)),
        non_randomized=bool(_NON_RANDOMIZED.search(both) or _NON_RANDOMIZED_TITLE.search(title)),
        conditions=_found(_CONDITIONS, title),
        characteristics=characteristics(title, description) | characteristics(heading),
        described=_described(description),
    )


def _heading(description: str) -> str:
    """A description's heading: the few words before its first colon ("Open-label extension:")."""
    m = _HEADING.match(description)
    return m.group("h") if m else ""


def stages(text: str) -> frozenset[str]:
    """The stages of a participant's course a text names ("open-label", "extension", "run-in", ...;
    the keys of the stage patterns behind :data:`SKIP_STAGES`)."""
    return _found(_STAGES, text)


_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")


@lru_cache(maxsize=16384)
def _steps(title: str) -> tuple[str, ...]:
    """The steps a title names in order, its bracketed asides ("(P/D)") left out."""
    text = _BRACKETS.sub(" ", title)
    return tuple(_SPACE.sub(" ", step).strip().casefold() for step in _SEQUENCE_STEP.split(text) if step.strip())


def reordered(a: str, b: str) -> bool:
    """Two titles that name the same steps in another order: crossover sequences ("Drug X Then
    Placebo" / "Placebo Then Drug X", "AB/BA" spelled out), or one combination written two ways."""
    sa, sb = _steps(a), _steps(b)
    return len(sa) > 1 and sa != sb and sorted(sa) == sorted(sb)


def group_context(group: ResultGroup) -> GroupContext:
    """The population and timing markers of a result group (title; description for pooling,
    population and randomization)."""
    return _context(group.title or "", group.description or "")


def is_pooled(group: ResultGroup) -> bool:
    """A group that pools others: "Total", "All participants", "All parts", "pooled", "4 arms
    combined", "including", "other than 600 mg"."""
    return is_pooled_group(group) or group_context(group).pooled


def concurrency_skip(a: ResultGroup, b: ResultGroup) -> str | None:
    """Why two result groups of one trial are not the same population at the same time (one of
    :data:`SKIP_REASONS`), or ``None`` when nothing in their texts says so."""
    if is_pooled(a) or is_pooled(b):
        return SKIP_POOLED
    ca, cb = group_context(a), group_context(b)
    if ca.not_concurrent or cb.not_concurrent:
        return SKIP_NOT_CONCURRENT
    if ca.parts != cb.parts:
        return SKIP_PARTS
    if ca.stages != cb.stages:
        return SKIP_STAGES
    # a letter sequence only beside another: "MT/O Arm" (maintenance therapy or observation) beside
    # "LCT Arm" is an abbreviation, "A/B" beside "B/A" two crossover sequences
    sequences_differ = bool(ca.sequences and cb.sequences and ca.sequences != cb.sequences)
    if ca.periods != cb.periods or sequences_differ or reordered(a.title or "", b.title or ""):
        return SKIP_PERIODS
    if ca.populations != cb.populations or ca.regions != cb.regions:
        return SKIP_POPULATIONS
    if ca.non_randomized != cb.non_randomized:
        return SKIP_NON_RANDOMIZED
    if ca.conditions != cb.conditions:
        return SKIP_CONDITIONS
    if ca.characteristics != cb.characteristics or _described_apart(ca.described, cb.described):
        return SKIP_SUBGROUPS
    return None


def _described_apart(a: frozenset[Token], b: frozenset[Token]) -> bool:
    """Whether two descriptions say their participants are of disjoint kinds: some kind both name
    with no value in common ("EGFR mutation" / "EGFR wild-type"; not "squamous or non-squamous" /
    "squamous or NSQ", where one names less)."""
    kinds = {kind for kind, _ in a} & {kind for kind, _ in b}
    return any(
        {value for k, value in a if k == kind}.isdisjoint({value for k, value in b if k == kind}) for kind in kinds
    )


def condition_skip(conditions: Sequence[str], a: ResultGroup, b: ResultGroup) -> str | None:
    """:data:`SKIP_SUBGROUPS` when both titles name some of the trial's ``conditions`` and not the
    same ones ("Drug X (Asthma)" / "Placebo (COPD)"), else ``None``: a trial of several diseases
    may post a group for each."""
    if len(conditions) < 2:
        return None
    key = tuple(conditions)
    na, nb = named_conditions(a.title or "", key), named_conditions(b.title or "", key)
    return SKIP_SUBGROUPS if na and nb and na != nb else None


def qualifier_skip(names: Sequence[str], a: ResultGroup, b: ResultGroup) -> str | None:
    """:data:`SKIP_QUALIFIED` when the two titles carry qualifiers that differ beyond their arms
    (:func:`ctpairs.qualifiers.unknown_qualifiers`, with the trial's intervention ``names``):
    "Placebo (Caregivers)" / "Drug X (Patients)", "Drug X - Site A" / "Drug X - Site B"; else
    ``None``."""
    return SKIP_QUALIFIED if unknown_qualifiers(a.title or "", b.title or "", names) else None


_LABEL_ID = r"\s*[:\-]?\s*(?P<id>[a-z]?\d+[a-z]?|[a-z](?![a-z]))"  # "Cohort A2", "Group: B", "Stratum 3"
_COHORT = re.compile(r"\b(?:cohorts?|strat(?:um|a))" + _LABEL_ID, re.I)


def cohort_skip(a: ResultGroup, b: ResultGroup) -> str | None:
    """:data:`SKIP_COHORTS` when both groups name cohorts (or strata) and not the same ones, else
    ``None`` (dose-escalation cohorts are dose levels: the ``dose`` axis does not use this). A group
    names its cohorts in its title, or, when the title names none ("Group 3"), in the first words of
    its description ("Cohort 2 enrolled patients whose tumours ...")."""
    ca, cb = (_cohorts(g) for g in (a, b))
    return SKIP_COHORTS if ca and cb and ca != cb else None


def _cohorts(group: ResultGroup) -> frozenset[str]:
    named = frozenset(_norm(m.group("id")) for m in _COHORT.finditer(group.title))
    opening = _COHORT.match((group.description or "").lstrip())
    return named or (frozenset({_norm(opening.group("id"))}) if opening else frozenset())


_STRATUM = re.compile(r"\b(?P<kind>group|cohort|stratum)" + _LABEL_ID, re.I)


def strata(groups: Sequence[ResultGroup]) -> dict[str, str]:
    """The stratum of each group whose first label ("Group B", "Cohort 2", "Stratum A") it shares
    with another group of the measure, by group id: "Group B, Nivo" and "Group B, BSC" are two arms
    of the population "Group B", and that label names a population, not an arm. Without such
    labels, the strata a measure's titles end in after a dash, where two or more each end several
    titles ("Ustekinumab 130 mg - TNF Failure", "Placebo - TNF Failure", "Ustekinumab 130 mg -
    Conventional Failure", "Placebo - Conventional Failure"): what is said of a treatment (a
    schedule, a route, an amount) is no stratum."""
    labels = {}
    for group in groups:
        if (m := _STRATUM.search(group.title)) is not None:
            labels[group.id] = f"{m.group('kind').casefold()} {_norm(m.group('id'))}"
    shared = Counter(labels.values())
    layers = {gid: label for gid, label in labels.items() if shared[label] > 1}
    return layers or _ending_strata(groups)


_LABEL_ONLY = re.compile(r"\s*(?:site|cent(?:er|re)|cohort|group|stratum|part|arm)\s*[\w-]{1,3}\s*$", re.I)
_DASH_ENDING = re.compile(r"\s[-–]\s+(?P<ending>[^-–]+?)\s*$")


def _ending_strata(groups: Sequence[ResultGroup]) -> dict[str, str]:
    endings = {}
    for group in groups:
        m = _DASH_ENDING.search(group.title)
        if m and _LABEL_ONLY.match(group.title, 0, m.start()):
            return {}  # "Site A - Chlorhexidine Bathing": the site leads, the treatment ends the title
        if m and not (schedule_codes(m["ending"]) or route_codes(m["ending"]) or parse_dose(m["ending"]).doses):
            endings[group.id] = "ending " + " ".join(m["ending"].casefold().split())
    shared = Counter(endings.values())
    if sum(n > 1 for n in shared.values()) < 2:
        return {}
    return {gid: ending for gid, ending in endings.items() if shared[ending] > 1}


def stratum_skip(layers: dict[str, str], a: ResultGroup, b: ResultGroup) -> str | None:
    """:data:`SKIP_COHORTS` when one of two groups belongs to a stratum (:func:`strata`) and the
    other does not belong to the same one."""
    la, lb = layers.get(a.id), layers.get(b.id)
    return SKIP_COHORTS if (la or lb) and la != lb else None


def responders_only(measure: Measure) -> bool:
    """True for a measure whose population is the responders alone (duration of response, time
    to response, "in participants who responded")."""
    return _responders_only(measure.title, measure.population)


@lru_cache(maxsize=4096)
def _responders_only(title: str, population: str | None) -> bool:
    return bool(_RESPONDERS_TITLE.search(title) or _RESPONDERS_POPULATION.search(population or ""))
