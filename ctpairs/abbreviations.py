"""Abbreviations a text defines in place: "Area Under the Curve [AUC]", "intravenous (IV)".

One cohort's description often spells out what the next one abbreviates ("carboplatin (C Area
Under the Curve [AUC] 6)" beside "carboplatin (C AUC 6)"). :func:`without_definitions` keeps the
short form only, so two such texts compare equal. A pure function on the text.

The long form is found the way Schwartz and Hearst (2003, "A simple algorithm for identifying
abbreviation definitions in biomedical text") find it: every letter and digit of the short form,
from its last to its first, is matched in order leftwards through the words before the
parenthesis, its first character at the start of a word, within ``min(len + 5, 2 len)`` words.
"""

from __future__ import annotations

import re
from functools import lru_cache

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


@lru_cache(maxsize=4096)
def without_definitions(text: str) -> str:
    """``text`` with every in-place definition reduced to its short form: "paclitaxel (Pa 200
    mg/m2) via intravenous (IV) infusion" -> "paclitaxel (Pa 200 mg/m2) via IV infusion". A
    parenthesis that abbreviates nothing before it stays as it is."""
    out, last = [], 0
    for m in _DEFINED.finditer(text):
        before = text[last : m.start()].rstrip()
        found = long_form(before, m["short"])
        if found is None:
            continue
        out.append(before[: len(before) - len(found)])
        out.append(m["short"])
        last = m.end()
    out.append(text[last:])
    return "".join(out)
