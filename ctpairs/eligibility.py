"""Whom two trials enrolled, read from their inclusion criteria.

An approximate pair contrasts two trials that differ in one attribute (countries, age range or sex,
phase, comparator, dose) with every other one held equal. The registry's structured fields hold
the age range and sex, but who else a trial took is only in its criteria text: avanafil's three
phase 3 trials all list "Erectile Dysfunction" and men of 18 and over, while one enrols men with
documented diabetes and another men after a radical prostatectomy. Paired on dose or age, such
trials differ in their population too.

:func:`inclusion_criteria` reads the lines of a criteria text's inclusion section, leaving out
those about age, sex and consent (the structured fields and the population axis speak for age
and sex; consent is no trait of the participants); :func:`same_inclusion` tells whether every
line of one trial has a counterpart in the other's and the other way round. Two lines are one
criterion when the words of one (:func:`words`: no function words) are all in the other: a line
may add detail ("RECIST 1.1" spelled out, "45 kg (99 lbs)" as "45 kilograms (kg) (99 pounds
[lbs])"), but a word of one that the other lacks on both sides is a different criterion ("a
history of ECH" is not "a history of CCH": episodic and chronic cluster headache), however alike
the two read.

A pure module: strings in, lines and verdicts out.
"""

from __future__ import annotations

import re
from functools import lru_cache

_INCLUSION = re.compile(r"inclusion\s+criteria\s*:?(?P<body>.*?)(?=exclusion\s+criteria|$)", re.I | re.S)
_BULLET = re.compile(r"^\s*(?:[*\-•·]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+", re.I)
# a line about age, sex or consent: "Male, at least 19 years of age", "Adult males >= 18 years and
# <= 70 years", "Subject is willing and able to provide informed consent"
_AGE_SEX_CONSENT = re.compile(
    r"\b(?:aged?|males?|females?|men|women|adults?|years?\s+old)\b|\byears\s+of\s+age\b"
    r"|\bconsent\b|\bwilling\b|\bable\s+to\s+(?:provide|give|sign|understand|comply)\b",
    re.I,
)
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[a-z0-9]+")
_FUNCTION_WORDS = frozenset(
    "a an the of or and to in into on at by for with as is are be been was were has have had it its "
    "that this which who whom should must may can will per".split()
)
_SHORT = 8  # characters: shorter lines are headings or debris ("Part A:", "1.")


@lru_cache(maxsize=16384)
def inclusion_criteria(text: str | None) -> tuple[str, ...]:
    """The lines of the inclusion section of a criteria text (the whole text when it names no
    section), casefolded, without their bullets, and without the lines about age, sex or consent."""
    if not text:
        return ()
    m = _INCLUSION.search(text)
    body = m.group("body") if m else text
    lines = (_SPACE.sub(" ", _BULLET.sub("", line)).strip().casefold() for line in body.splitlines())
    return tuple(line for line in lines if len(line) >= _SHORT and not _AGE_SEX_CONSENT.search(line))


@lru_cache(maxsize=65536)
def words(line: str) -> frozenset[str]:
    """The words of a criteria line, casefolded, without function words ("a", "of", "has", ...)."""
    return frozenset(_WORD.findall(line.casefold())) - _FUNCTION_WORDS


def unmatched(lines: tuple[str, ...], others: tuple[str, ...]) -> tuple[str, ...]:
    """The lines of ``lines`` that no line of ``others`` states: none has all its words, nor has
    all of its own words in it."""
    return tuple(
        line
        for line in lines
        if not any(words(line) <= words(other) or words(other) <= words(line) for other in others)
    )


@lru_cache(maxsize=65536)
def same_inclusion(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether two trials' inclusion criteria (:func:`inclusion_criteria`) are the same criteria:
    every line of each has a counterpart in the other. As for the other held attributes, criteria
    that neither trial states do not tell the trials apart, and criteria stated by one only do."""
    if not a or not b:
        return not a and not b
    return not unmatched(a, b) and not unmatched(b, a)
