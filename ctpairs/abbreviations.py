"""Abbreviations a text defines in place: "Area Under the Curve [AUC]", "intravenous (IV)".

One cohort's description often spells out what the next one abbreviates ("carboplatin (C Area
Under the Curve [AUC] 6)" beside "carboplatin (C AUC 6)"). :func:`without_definitions` keeps the
short form only, so two such texts compare equal. A pure function on the text.

The long form is found the way Schwartz and Hearst (2003, "A simple algorithm for identifying
abbreviation definitions in biomedical text") find it: every letter and digit of the short form,
from its last to its first, is matched in order leftwards through the words before the
parenthesis, its first character at the start of a word, within ``min(len + 5, 2 len)`` words.
Conventional abbreviations whose letters their words do not spell (PO, Q3W, BID) are read with the
dose parser's schedules and routes.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ctpairs.dose import trailing_code

_DEFINED = re.compile(r"\\?[(\[]\s*(?P<short>[A-Za-z][A-Za-z0-9\-]{1,9})\s*\\?[)\]]")


def long_form(before: str, short: str) -> str | None:
    """The end of ``before`` that ``short`` abbreviates (Schwartz and Hearst), or ``None``."""
    chars = [c.lower() for c in short if c.isalnum()]
    window = " ".join(before.split()[-min(len(chars) + 5, 2 * len(chars)) :])
    if not window:
        return None
    text = window.lower()
    at = len(text)
    for i in range(len(chars) - 1, -1, -1):
        c = chars[i]
        at -= 1
        while at >= 0 and (text[at] != c or (i == 0 and at > 0 and text[at - 1].isalnum())):
            at -= 1
        if at < 0:
            return None
    found = window[at:]  # the first character starts a word
    if len(found) <= len(short) or short.lower() in found.lower().split():
        return None
    return found


_PHRASE_REACH = 60


def _conventional_form(before: str, short: str) -> str | None:
    """The end of ``before`` that a conventional abbreviation stands for, read with the dose
    parser's schedules and routes (:func:`ctpairs.dose.trailing_code`): "orally" for PO, "every
    three weeks" for Q3W, "twice daily" for BID; ``None`` when the two codes differ or either has
    none."""
    tail = before.rstrip()[-_PHRASE_REACH:]  # a schedule or route is a few words, not a paragraph
    ending, own = trailing_code(tail), trailing_code(short)
    if ending is None or own is None or own[0] != 0 or own[1] != ending[1]:
        return None
    return tail[ending[0] :]


@lru_cache(maxsize=4096)
def without_definitions(text: str) -> str:
    """``text`` with every in-place definition reduced to its short form: "paclitaxel (Pa 200
    mg/m2) via intravenous (IV) infusion" -> "paclitaxel (Pa 200 mg/m2) via IV infusion", "every
    three weeks (Q3W) ... orally (PO)" -> "Q3W ... PO". A parenthesis that abbreviates nothing
    before it stays as it is."""
    out, last = [], 0
    for m in _DEFINED.finditer(text):
        before = text[last : m.start()].rstrip()
        found = long_form(before, m["short"]) or _conventional_form(before, m["short"])
        if found is None:
            continue
        out.append(before[: len(before) - len(found)])
        out.append(m["short"])
        last = m.end()
    out.append(text[last:])
    return "".join(out)
