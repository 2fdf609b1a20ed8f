"""CT Open benchmark files and questions: a reader that runs nothing, the option sentences, the prompt.

CT Open (ClinicalTrial-OpenChallenge/CT_Open) ships each benchmark as a pickle of builtins: a dict
keyed by ``(nct_id, endpoint_key)`` whose values hold ``brief_title``, ``arms``, ``endpoint`` (the
``str()`` of a dict with ``measure``, ``description``, ``timeFrame``, ``outcome_type``),
``meta_label``, ``listed_arms``, ``question_list_of_lists`` (each question: 2 or 3 option
sentences) and ``answer_list_of_lists`` (the true sentence of each question).

:func:`load_benchmark` reads such a file with an unpickler that refuses every class, so a file
holding anything but builtins is an error and nothing in it runs. :func:`benchmark_questions`
turns it into :class:`Question` objects; :func:`render_prompt` renders any question (from CT
Open or from ctpairs pairs, see :mod:`ctpairs.benchmark_tasks`) with one template, showing the
trial as CT Open shows it (title, arms with interventions, the endpoint's measure, description,
time frame and type) and never a result. The option sentences are CT Open's, verbatim.
"""

from __future__ import annotations

import ast
import io
import pickle
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ctpairs.errors import CtpairsError

PROMPT_VERSION = "ctopen-v1"

#: ctpairs' names of CT Open's three question kinds (configs of the packaged dataset).
ENDPOINT, SUPERIORITY, COMPARATIVE = "endpoint", "superiority", "comparative"
CATEGORIES = (ENDPOINT, SUPERIORITY, COMPARATIVE)
IMPLICIT_META = frozenset({"no_arm", "no_distinguishable_arm"})
EXPLICIT_META = frozenset({"distinguishable_arm", "single_arm"})

ENDPOINT_MET, ENDPOINT_NOT_MET = "This endpoint is met.", "This endpoint is not met."
LISTED_MET, LISTED_NOT_MET = "At least one arm listed here met this endpoint.", "No arm listed here met this endpoint."
_SUPERIOR = "The study arm {x} has achieved statistically significant improvements over the study arm {y} with respect to this specific endpoint."
_NOT_SUPERIOR = (
    "The study arm {x} has not achieved statistically significant improvements over the study arm {y} "
    "with respect to this specific endpoint, either because of no statistical effect or worse effect."
)
_Y_WORSE = "Study Arm {y} is statistically significantly worse than Study Arm {x}."
_X_WORSE = "Study Arm {x} is statistically significantly worse than Study Arm {y}."
_NO_DIFFERENCE = "No statistically significant difference between Study Arm {x} and Study Arm {y}."
_SUPERIOR_RE = re.compile(
    r"^The study arm (?P<x>.+) has achieved statistically significant improvements over the study arm (?P<y>.+) with respect to this specific endpoint\.$"
)
_NO_DIFFERENCE_RE = re.compile(
    r"^No statistically significant difference between Study Arm (?P<x>.+) and Study Arm (?P<y>.+)\.$"
)


class CTOpenError(CtpairsError):
    """A CT Open benchmark file cannot be read: not a pickle, a class inside, or not CT Open's structure."""


def superiority_options(x: str, y: str) -> list[str]:
    """CT Open's two sentences: arm ``x`` did / did not achieve a significant improvement over ``y``."""
    return [_SUPERIOR.format(x=x, y=y), _NOT_SUPERIOR.format(x=x, y=y)]


def comparative_options(x: str, y: str) -> list[str]:
    """CT Open's three sentences: ``y`` significantly worse than ``x``; ``x`` significantly worse than
    ``y``; no significant difference."""
    return [_Y_WORSE.format(x=x, y=y), _X_WORSE.format(x=x, y=y), _NO_DIFFERENCE.format(x=x, y=y)]


def endpoint_options(listed: bool) -> list[str]:
    """CT Open's two endpoint sentences: about the listed arms (``listed``) or about the trial."""
    return [LISTED_MET, LISTED_NOT_MET] if listed else [ENDPOINT_MET, ENDPOINT_NOT_MET]


def category(meta_label: str, n_options: int) -> str:
    """``endpoint`` (2-way implicit), ``superiority`` (2-way explicit) or ``comparative`` (3-way
    explicit), as CT Open's scorer groups questions; :class:`CTOpenError` for any other kind."""
    group = "implicit" if meta_label in IMPLICIT_META else "explicit" if meta_label in EXPLICIT_META else None
    kinds = {("implicit", 2): ENDPOINT, ("explicit", 2): SUPERIORITY, ("explicit", 3): COMPARATIVE}
    kind = kinds.get((group, n_options))
    if kind is None:
        raise CTOpenError(
            f"a question with meta_label {meta_label!r} and {n_options} options is none of CT Open's kinds"
        )
    return kind


@dataclass(frozen=True)
class Question:
    """One multiple-choice question about a trial's endpoint, in CT Open's form.

    ``key`` is CT Open's ``(nct_id, endpoint_key, question_index)`` (for a pair: ``(nct_id,
    "<config>/<pair_id>", 0)``); ``answer`` the index of the true option (``None`` when unknown); ``arm_x``
    and ``arm_y`` the two arms an explicit question names (X: the studied arm, Y: its
    comparator); ``listed_arms`` the labels of the arms an implicit question lists.
    """

    key: tuple[str, str, int]
    category: str
    meta_label: str
    title: str
    arms: list[dict[str, Any]]
    endpoint: dict[str, Any]
    options: list[str]
    answer: int | None = None
    arm_x: str | None = None
    arm_y: str | None = None
    listed_arms: list[str] = field(default_factory=list)

    @property
    def nct_id(self) -> str:
        return self.key[0]


class _NoClassUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        raise CTOpenError(
            f"the file asks to load {module}.{name}; a CT Open benchmark holds builtins only, so it is refused "
            "(nothing in it was run)"
        )


def safe_loads(data: bytes) -> Any:
    """Unpickle ``data`` refusing every class (and so every callable): only builtins come back."""
    try:
        return _NoClassUnpickler(io.BytesIO(data)).load()
    except CTOpenError:
        raise
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, IndexError, KeyError, AttributeError) as exc:
        raise CTOpenError(f"not a readable pickle: {exc}") from None


def load_benchmark(path: str | Path) -> dict[tuple[str, str], dict[str, Any]]:
    """A CT Open benchmark file as its dict, read with :func:`safe_loads`; raises
    :class:`CTOpenError` when the file is missing, holds a class, or is not CT Open's structure."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CTOpenError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        benchmark = safe_loads(data)
    except CTOpenError as exc:
        raise CTOpenError(f"{path}: {exc}") from None
    if not isinstance(benchmark, dict) or not benchmark:
        raise CTOpenError(
            f"{path}: a CT Open benchmark is a non-empty dict keyed by (nct_id, endpoint), got {type(benchmark).__name__}"
        )
    for key, item in benchmark.items():
        if not (isinstance(key, tuple) and len(key) == 2 and all(isinstance(k, str) for k in key)):
            raise CTOpenError(f"{path}: key {key!r} is not (nct_id, endpoint_key)")
        needed = ("brief_title", "endpoint", "meta_label", "question_list_of_lists", "answer_list_of_lists")
        missing = [k for k in needed if not isinstance(item, dict) or k not in item]
        if missing:
            raise CTOpenError(f"{path}: item {key[0]} lacks {', '.join(missing)}")
    return benchmark


def parse_endpoint(endpoint: Any) -> dict[str, Any]:
    """CT Open's endpoint (the ``str()`` of a dict, or the dict) as a dict; literals only."""
    if isinstance(endpoint, dict):
        return endpoint
    try:
        value = ast.literal_eval(endpoint)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return {"measure": str(endpoint)}
    return value if isinstance(value, dict) else {"measure": str(endpoint)}


def _named_arms(options: Sequence[str]) -> tuple[str | None, str | None]:
    """The arms X and Y an explicit question names, read from its option sentences (never from
    CT Open's answer tuples, which hold the result)."""
    for option in options:
        m = _SUPERIOR_RE.match(option) or _NO_DIFFERENCE_RE.match(option)
        if m:
            return m["x"], m["y"]
    return None, None


def benchmark_questions(benchmark: Mapping[tuple[str, str], Mapping[str, Any]]) -> Iterator[Question]:
    """Every question of a loaded benchmark, in file order; ``answer`` is the true option's index."""
    for (nct_id, endpoint_key), item in benchmark.items():
        arms = list(item.get("arms") or [])
        listed = [a.get("label", "") for a in item.get("listed_arms") or [] if isinstance(a, dict)]
        for i, (options, answer) in enumerate(zip(item["question_list_of_lists"], item["answer_list_of_lists"])):
            options = list(options)
            if answer not in options:
                raise CTOpenError(f"{nct_id}: the answer of question {i} is not one of its options")
            x, y = _named_arms(options)
            yield Question(
                key=(nct_id, endpoint_key, i),
                category=category(item["meta_label"], len(options)),
                meta_label=item["meta_label"],
                title=item.get("brief_title") or "",
                arms=arms,
                endpoint=parse_endpoint(item["endpoint"]),
                options=options,
                answer=options.index(answer),
                arm_x=x,
                arm_y=y,
                listed_arms=listed if options[0] == LISTED_MET else [],
            )


def _human(value: Any) -> str:
    return str(value).replace("_", " ").lower() if value else ""


def _arm_lines(arm: Mapping[str, Any]) -> list[str]:
    head = f"- {arm.get('label') or 'unnamed arm'}"
    if arm.get("type"):
        head += f" ({_human(arm['type'])})"
    if arm.get("description"):
        head += f": {' '.join(str(arm['description']).split())}"
    lines = [head]
    for iv in arm.get("interventions") or []:
        text = f"{_human(iv.get('type')) or 'intervention'}: {iv.get('name') or ''}".rstrip()
        if iv.get("description"):
            text += f" ({' '.join(str(iv['description']).split())})"
        lines.append(f"  Intervention: {text}")
    if not arm.get("interventions"):
        lines += [f"  Intervention: {name}" for name in arm.get("interventionNames") or []]
    return lines


def _endpoint_type(outcome_type: Any) -> str:
    text = str(outcome_type or "").lower()
    return "primary" if text.startswith("primary") else "secondary" if text.startswith("secondary") else _human(text)


def render_prompt(question: Question) -> str:
    """The prompt of one question: the trial (title, arms with interventions), the endpoint
    (measure, description, time frame, type), the listed arms of an implicit question, the
    options numbered in order, and the answer format (a final ``DECISION: (s1, s2[, s3])`` line).
    Never shows a result."""
    endpoint = question.endpoint
    lines = [
        "Predict the outcome of a clinical trial on one endpoint from its design, before its results are known.",
        "",
        f"Trial: {question.title}",
        "Arms:",
    ]
    lines += [line for arm in question.arms for line in _arm_lines(arm)] or ["- not stated"]
    lines += [
        "",
        f"Endpoint: {' '.join(str(endpoint.get('measure') or 'not stated').split())}",
        f"Description: {' '.join(str(endpoint.get('description') or 'not stated').split())}",
        f"Time frame: {endpoint.get('timeFrame') or 'not stated'}",
        f"Type: {_endpoint_type(endpoint.get('outcome_type')) or 'not stated'}",
    ]
    if question.listed_arms:
        lines.append(f"Arms listed here: {'; '.join(question.listed_arms)}")
    lines += ["", "Which statement is true?"]
    lines += [f"Option {i + 1}: {option}" for i, option in enumerate(question.options)]
    example = ", ".join(["0.x"] * len(question.options))
    lines += [
        "",
        "Reason briefly, then end with one line `DECISION: (" + example + ")` giving your probability "
        "for each option, in the order above.",
    ]
    return "\n".join(lines) + "\n"
