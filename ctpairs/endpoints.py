"""Clinical endpoints a measure title names: overall survival, response, Cmax, ...

Two outcome measures whose titles look alike can still measure different things: "Percentage of
Participants With a Complete Response (CR) or Partial Response (PR)" is response and "... CR, PR or
Stable Disease" is disease control; "Maximum Plasma Concentration (Cmax)" and "Minimum Plasma
Concentration (Cmin)" differ in one word. :func:`constructs` names the endpoints a title states, so
the outcome builder (primary vs secondary measures of one trial) and the approximate builders (one
outcome across trials) refuse to treat different endpoints as one outcome.

A pure module: strings in, names out.
"""

from __future__ import annotations

import re
from functools import lru_cache

# clinical endpoints that are different constructs even when their titles look alike
_CONSTRUCTS = {
    "overall survival": re.compile(
        r"\boverall\s+survival\b|(?-i:\bOS\b)|\bpercentage\s+(?:of\s+participants\s+)?alive\b(?!\s+(?:and|without))",
        re.I,
    ),
    "progression-free survival": re.compile(
        r"\bprogression[\s-]*free\b|(?-i:\bPFS\b)|\balive\s+(?:and|without)\s+(?:\w+\s+)?progression\b", re.I
    ),
    "disease-free survival": re.compile(r"\bdisease[\s-]*free\b|(?-i:\bDFS\b)", re.I),
    "event-free survival": re.compile(r"\bevent[\s-]*free\b|(?-i:\bEFS\b)", re.I),
    "time to progression": re.compile(r"\btime\s+to\s+(?:\w+\s+)?progression\b|(?-i:\bTTP\b)", re.I),
    "response": re.compile(
        r"\b(?:objective|overall|best|complete|partial|tumou?r)\s+(?:\w+\s+)?response\b|\bresponse\s+rate\b|(?-i:\bORR\b)",
        re.I,
    ),
    # "CR, PR or stable disease" is disease control, not response
    "disease control": re.compile(
        r"\bdisease\s+control\b|\bclinical\s+benefit\b|\bstable\s+disease\b|(?-i:\bDCR\b|\bCBR\b)", re.I
    ),
    # participants "with (local-regional) progression": the event, not survival free of it
    "progression": re.compile(r"\bwith\s+(?:[\w-]+\s+){0,2}progression\b|\bprogression\s+rate\b", re.I),
    "adverse events": re.compile(
        r"\badverse\s+events?\b|\btoxicit(?:y|ies)\b|\bside\s+effects?\b|(?-i:\bT?E?AEs?\b)", re.I
    ),
    "quality of life": re.compile(r"\bquality\s+of\s+life\b|(?-i:\bQoL\b)", re.I),
    "maximum concentration": re.compile(r"\bmaximum\s+(?:\w+\s+){0,2}concentration\b|\bC\s?max\b", re.I),
    "trough concentration": re.compile(
        r"\btrough\b|\bminimum\s+(?:\w+\s+){0,2}concentration\b|\bC\s?(?:min|trough)\b", re.I
    ),
    "time to maximum": re.compile(r"\bT\s?max\b|\btime\s+to\s+(?:the\s+)?maximum\b", re.I),
    "half-life": re.compile(r"\bhalf[\s-]*life\b|\bt\s?1/2\b", re.I),
}


@lru_cache(maxsize=4096)
def constructs(title: str) -> frozenset[str]:
    """The clinical endpoints a measure title names (overall survival, response, Cmax, ...); empty
    when it names none of them. Cached: titles are compared pair by pair."""
    return frozenset(name for name, pattern in _CONSTRUCTS.items() if pattern.search(title))
