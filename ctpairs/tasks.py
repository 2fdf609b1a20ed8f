"""Training tasks rendered from pairs: the prompt, the target completion and the verifiable answer.

Every prompt template lives here, versioned by :data:`TEMPLATE_VERSION`. :func:`task_columns`
turns one pair row (as read from the pairs Parquet, see :mod:`ctpairs.schema`) into the columns
that TRL trainers read:

``prompt``
    the system text and the question, one string (SFT prompt-completion format);
``completion``
    a short reasoning from what the prompt shows, ending with the line ``Answer: <direction>``;
``messages``
    the same as a conversation: system, user and assistant messages (conversational format);
``answer``
    the label direction, ``higher``, ``lower`` or ``similar``: what GRPO rewards check
    (:func:`ctpairs.rewards.direction_reward`).

The question states the trial, the factual group with its dose, outcome and result, and the one
change that makes the counterfactual side; it never shows the counterfactual result, nor the label.

Named templates (:data:`TEMPLATES`):

``reasoning`` (the default, :data:`DEFAULT_TEMPLATE`, version ``v2``)
    the completion reasons from what the prompt shows: the change and its size, the outcome and
    what it measures (and its polarity where known), whether the two sides share a trial, then the
    expected direction from the factual result and the answer line. It never states a
    counterfactual value; the packager checks every completion with
    :func:`ctpairs.peeking.check_no_peek`.
``restating`` (:data:`RESTATING_TEMPLATE`, version ``v1``)
    the completion restates the counterfactual group's posted result, the difference and the
    evidence behind the label. It *does* state counterfactual values the prompt does not show: a
    model fine-tuned on it learns to produce exact figures it cannot know. Kept for comparison with
    datasets packaged before v2 and for analysis, not as an SFT target.

Templates are :meth:`str.format` strings (write ``{{`` and ``}}`` for literal braces). The system
and user templates may use the *prompt placeholders*:

=========================  ============================================================================
``{trial}``                 the trial context block: title, phase, conditions, interventions, design,
                            enrollment, countries (lines without data are left out)
``{trial_title}``           the trial title
``{nct_id}``                the factual trial's NCT id
``{cf_nct_id}``             the counterfactual trial's NCT id (the same for within-trial axes)
``{axis}``, ``{kind}``      the pair's axis (``dose``, ``outcome``, ...) and kind (``natural``/``approximate``)
``{factual}``               the factual block: group, description, dose, outcome, time frame, result
``{factual_group}``         the factual group title
``{factual_dose}``          the factual dose as posted, or ``not stated``
``{outcome}``               the factual outcome title
``{measure}``               what the result is, e.g. ``geometric mean`` or ``count of participants``
``{unit}``                  the factual outcome's unit, or ``no unit``
``{factual_result}``        the factual result with unit, spread and n, e.g. ``2.54 hour (hr) (n=17)``
``{factual_value}``         the factual value alone
``{change}``                the change as one line, e.g. ``dose: 75 mg -> 150 mg (ratio 2)``
``{change_attribute}``      the attribute that differs, e.g. ``dose``, ``time frame``, ``country``
``{change_from}``           its factual value
``{change_to}``             its counterfactual value
``{counterfactual}``        the counterfactual setting: group, dose, outcome and trial, without its result
``{counterfactual_group}``  the counterfactual group title
``{held_equal}``            the attributes held equal (approximate pairs), or ``not stated``
``{change_size}``           the size of the change where the prompt states it, e.g. ``, a 2-fold increase``, else empty
``{comparison}``            one sentence on what the two sides share: the same trial, or the matched attributes
``{polarity}``              which direction of the outcome is better (:mod:`ctpairs.polarity`), where known, else empty (also for a category of a count whose own words do not give that direction)
``{choices}``               ``higher, lower or similar``
``{similar_rule}``          what ``similar`` means for these labels
=========================  ============================================================================

The assistant template may use all of those, plus the *answer placeholders*:
``{counterfactual_result}``, ``{counterfactual_value}``, ``{delta}`` (signed difference),
``{relative_delta}`` (signed percentage, or ``n/a``), ``{evidence}`` (one sentence on the test or
threshold behind the label), ``{expectation}`` (the expected direction from the factual result, in
words, without a counterfactual value) and ``{answer}``. A system or user template that names an answer
placeholder is refused: it would leak the label into the prompt.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from string import Formatter
from typing import Any

import pyarrow as pa

from ctpairs.labels import ALPHA, METHOD_TRIAL, SIMILAR_EFFECT_LIMIT, Statistic
from ctpairs.polarity import UNKNOWN, better_direction, outcome_polarity
from ctpairs.schema import DIRECTIONS
from ctpairs.timepoints import without_times

TEMPLATE_VERSION = "v2"

SYSTEM_V1 = (
    "You are a clinical trial analyst. You reason about how a trial result changes when one thing "
    "about the treated group changes, using only the information given."
)

USER_V1 = """\
{trial}

Factual group:
{factual}

Counterfactual: the same as the factual group, except {change}.
{counterfactual}

Question: compared with the factual result ({factual_value}), would the counterfactual group's result be {choices}? {similar_rule}
Reason briefly, then end with one line: "Answer: higher", "Answer: lower" or "Answer: similar".
"""

ASSISTANT_V2 = """\
What changes: {change_attribute}, from {change_from} to {change_to}{change_size}. {comparison}
The outcome is {outcome}, reported as {measure} ({unit}). {polarity}
The factual group ({factual_group}) had {factual_result}. {expectation}
Answer: {answer}"""

ASSISTANT_V1 = """\
The factual group ({factual_group}) had {factual_result}. With {change_attribute} {change_to} instead of {change_from}, \
the counterfactual group ({counterfactual_group}) had {counterfactual_result}: a difference of {delta} ({relative_delta}). \
{evidence}
Answer: {answer}"""

PROMPT_PLACEHOLDERS = (
    "trial",
    "trial_title",
    "nct_id",
    "cf_nct_id",
    "axis",
    "kind",
    "factual",
    "factual_group",
    "factual_dose",
    "outcome",
    "measure",
    "unit",
    "factual_result",
    "factual_value",
    "change",
    "change_attribute",
    "change_from",
    "change_to",
    "counterfactual",
    "counterfactual_group",
    "held_equal",
    "change_size",
    "comparison",
    "polarity",
    "choices",
    "similar_rule",
)
ANSWER_PLACEHOLDERS = (
    "counterfactual_result",
    "counterfactual_value",
    "delta",
    "relative_delta",
    "evidence",
    "expectation",
    "answer",
)

TASK_COLUMNS: dict[str, pa.DataType] = {
    "prompt": pa.string(),
    "completion": pa.string(),
    "messages": pa.list_(pa.struct([("role", pa.string()), ("content", pa.string())])),
    "answer": pa.string(),
}
"""The task columns and their Arrow types (``datasets``: ``Value("string")`` and a list of
``{"role", "content"}`` structs)."""

_MAX_TEXT = 400  # characters kept of free-text descriptions
_MAX_COUNTRIES = 8


@dataclass(frozen=True)
class TaskTemplate:
    """A prompt template: :meth:`str.format` strings for the system, user and assistant messages.

    ``system`` and ``user`` may use :data:`PROMPT_PLACEHOLDERS`; ``assistant`` may also use
    :data:`ANSWER_PLACEHOLDERS` (see the module docstring). ``system`` may be empty.
    """

    system: str
    user: str
    assistant: str
    version: str = "custom"

    def __post_init__(self) -> None:
        for part in ("system", "user", "assistant"):
            allowed = set(PROMPT_PLACEHOLDERS) | (set(ANSWER_PLACEHOLDERS) if part == "assistant" else set())
            for name in _placeholders(getattr(self, part)):
                if name in ANSWER_PLACEHOLDERS and name not in allowed:
                    raise ValueError(
                        f"the {part} template uses {{{name}}}, which would reveal the answer in the prompt"
                    )
                if name not in allowed:
                    raise ValueError(
                        f"the {part} template uses unknown placeholder {{{name}}}; "
                        f"known: {', '.join(PROMPT_PLACEHOLDERS + ANSWER_PLACEHOLDERS)}"
                    )


def _placeholders(template: str) -> set[str]:
    names: set[str] = set()
    for _, field_name, _, _ in Formatter().parse(template):
        if field_name is not None:
            names.add(field_name.split(".")[0].split("[")[0])
    return names


DEFAULT_TEMPLATE = TaskTemplate(system=SYSTEM_V1, user=USER_V1, assistant=ASSISTANT_V2, version=TEMPLATE_VERSION)
"""The ``reasoning`` template: a completion that never states a counterfactual value."""
RESTATING_TEMPLATE = TaskTemplate(system=SYSTEM_V1, user=USER_V1, assistant=ASSISTANT_V1, version="v1")
"""The ``restating`` template (v1): the completion restates the counterfactual result (it peeks)."""
TEMPLATES: dict[str, TaskTemplate] = {"reasoning": DEFAULT_TEMPLATE, "restating": RESTATING_TEMPLATE}
"""The named templates; :func:`template_peeks` tells which may state counterfactual values."""


def template_peeks(template: TaskTemplate) -> bool:
    """Whether ``template``'s assistant part names a counterfactual value (result, difference or
    percentage change), so that its completions state what the prompt does not show."""
    return bool(
        _placeholders(template.assistant) & {"counterfactual_result", "counterfactual_value", "delta", "relative_delta"}
    )


# -- formatting helpers -------------------------------------------------------------------------


def format_number(x: float) -> str:
    """A posted number as a short, plain decimal: ``75``, ``2.54``, ``0.000123`` (no exponent)."""
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    text = f"{x:.6g}"
    if "e" in text:
        text = f"{x:.12f}".rstrip("0").rstrip(".")
    return text


def _signed(x: float) -> str:
    return ("+" if x > 0 else "") + format_number(x)


def _human(value: str | None) -> str | None:
    """``NON_RANDOMIZED`` -> ``non randomized``; ``PHASE2`` -> ``phase 2``."""
    if not value:
        return None
    return value.replace("_", " ").lower().replace("phase", "phase ").replace("  ", " ").strip()


def _clip(text: str | None, limit: int = _MAX_TEXT) -> str | None:
    if not text:
        return None
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _lines(pairs: list[tuple[str, str | None]]) -> str:
    return "\n".join(f"{name}: {value}" for name, value in pairs if value)


def _trial_block(trial: Mapping[str, Any]) -> str:
    countries = list(trial.get("countries") or [])
    if len(countries) > _MAX_COUNTRIES:
        countries = countries[:_MAX_COUNTRIES] + [f"and {len(countries) - _MAX_COUNTRIES} more"]
    design = [_human(trial.get(k)) for k in ("allocation", "masking", "primary_purpose")]
    design_text = ", ".join(
        f"{label} {value}" if label else value
        for label, value in zip(("allocation", "masking", "purpose"), design)
        if value
    )
    enrollment = trial.get("enrollment")
    return _lines(
        [
            ("Trial", trial.get("title")),
            ("Phase", ", ".join(filter(None, map(_human, trial.get("phases") or []))) or None),
            ("Conditions", "; ".join(trial.get("conditions") or []) or None),
            ("Interventions", "; ".join(trial.get("interventions") or []) or None),
            ("Design", design_text or None),
            ("Enrollment", str(enrollment) if enrollment is not None else None),
            ("Countries", ", ".join(countries) or None),
        ]
    )


def _result_text(side: Mapping[str, Any]) -> str:
    """The result of one side with its unit, spread, interval and n."""
    outcome, result = side["outcome"], side["result"]
    text = format_number(result["value"])
    if outcome.get("unit"):
        text += f" {outcome['unit']}"
    extras = []
    if result.get("spread") is not None:
        extras.append(f"{_human(outcome.get('dispersion_type')) or 'spread'} {format_number(result['spread'])}")
    if result.get("lower") is not None and result.get("upper") is not None:
        extras.append(f"interval {format_number(result['lower'])} to {format_number(result['upper'])}")
    if result.get("n") is not None:
        extras.append(f"n={format_number(result['n'])}")
    return f"{text} ({', '.join(extras)})" if extras else text


def _dose_text(side: Mapping[str, Any]) -> str | None:
    dose = side.get("dose")
    if not dose:
        return None
    parts = [dose.get("text") or f"{format_number(dose['value'])} {dose['unit']}"]
    parts += [p for p in (dose.get("frequency"), dose.get("route")) if p and p not in parts[0]]
    return ", ".join(parts)


def _side_setting(side: Mapping[str, Any]) -> list[tuple[str, str | None]]:
    """What describes a side apart from its result (safe to show for the counterfactual side)."""
    outcome = side["outcome"]
    return [
        ("Group", side.get("group_title")),
        ("Description", _clip(side.get("group_description"))),
        ("Arm", ", ".join(filter(None, (side.get("arm_label"), _human(side.get("arm_type"))))) or None),
        ("Dose", _dose_text(side)),
        ("Outcome", outcome.get("title")),
        ("Outcome description", _clip(outcome.get("description"))),
        ("Time frame", _clip(outcome.get("time_frame"), 200)),
        ("Category", side["result"].get("category")),
        ("Measure", _human(outcome.get("param_type"))),
    ]


def _counterfactual_block(row: Mapping[str, Any]) -> str:
    """The counterfactual setting: only what differs from the factual side, never its result."""
    factual, cf = dict(_side_setting(row["factual"])), _side_setting(row["counterfactual"])
    lines = [(name, value) for name, value in cf if value and value != factual.get(name)]
    if row["cf_nct_id"] != row["nct_id"]:
        lines.append(("Trial", f"{row['cf_nct_id']} (a different trial, matched to {row['nct_id']})"))
        if row.get("matched_on"):
            lines.append(("Held equal", ", ".join(row["matched_on"])))
    return _lines(lines) or "Nothing else differs."


def _evidence(label: Mapping[str, Any]) -> str:
    """One sentence on why the label is what it is (every task row has a verifiable label)."""
    if label["delta"] == 0:
        return "The two values are equal."
    method, p, significant = label["method"], label.get("p_value"), label.get("significant")
    if p is None or significant is None:
        return "No analysis or test supports a direction."
    source = (
        "The trial's own analysis of these groups"
        if method == METHOD_TRIAL
        else f"A test of the posted numbers ({method.replace('_', ' ')})"
    )
    verdict = "a significant difference" if significant else "no significant difference"
    bound = label.get("p_value_bound")
    if bound:
        p_text = f"p {bound} {format_number(p)}"  # as the trial posted it: "p < 0.0001"
    else:
        p_text = "p < 0.0001" if p < 1e-4 else f"p = {format_number(round(p, 4))}"
    return f"{source} gives {p_text}, {verdict} at the {format_number(ALPHA)} level."


def _change_size(change: Mapping[str, Any]) -> str:
    ratio = change.get("ratio")
    if ratio is None or ratio <= 0 or ratio == 1:
        return ""
    if ratio > 1:
        return f", a {format_number(round(ratio, 2))}-fold increase"
    return f", a {format_number(round(1 / ratio, 2))}-fold decrease"


def _comparison(row: Mapping[str, Any]) -> str:
    if row["cf_nct_id"] == row["nct_id"]:
        return "Both groups come from the same trial, so its design, setting and period are shared."
    held = ", ".join(row.get("matched_on") or [])
    matched = f", matched on {held}" if held else ""
    return f"The counterfactual group comes from another trial ({row['cf_nct_id']}){matched}."


def _polarity(side: Mapping[str, Any]) -> str:
    """One sentence on which direction of the side's result is better (:mod:`ctpairs.polarity`, from
    the outcome's title, description, unit and parameter as the prompt shows them), or empty when
    unknown. A row that is one category of a count says who is counted ("PD" of a best overall
    response, "Slightly worse, Week 8" of a perceived change, "Grade 0" of a laboratory shift), so
    the measure's direction holds for it only when the category's own words give the same one ("Any
    AE" of adverse events); a category of another statistic ("Cough, Week 24") keeps the measure's
    direction unless its own words give the opposite. Time points and "n=" counts are no words."""
    outcome = side["outcome"]
    unit, param_type = outcome.get("unit"), outcome.get("param_type")
    polarity = outcome_polarity(outcome.get("title"), outcome.get("description"), unit, param_type)
    words = without_times(side["result"].get("category") or "")
    if words:
        own = outcome_polarity(words, None, unit, param_type)
        counted = Statistic(param_type, outcome.get("dispersion_type"), unit).kind in ("proportion", "percentage")
        if own != polarity and (counted or own != UNKNOWN):
            polarity = UNKNOWN
    better = better_direction(polarity)
    return f"For this outcome, {better} values are better." if better else ""


def _expectation(direction: str, factual_value: str) -> str:
    if direction == "similar":
        return (
            f"I expect no significant difference from {factual_value}: "
            "this change should not move the outcome beyond what chance explains."
        )
    return f"With this change I expect the counterfactual result to be {direction} than {factual_value}."


def _similar_rule() -> str:
    return (
        f'"Similar" means no significant difference (p >= {format_number(ALPHA)}) by the trial\'s own analysis, '
        f"or by a test of the posted numbers, with the two results also close (a standardized difference, "
        f"or a ratio read as one, below {format_number(SIMILAR_EFFECT_LIMIT)}; shares under one point apart)."
    )


def prompt_fields(row: Mapping[str, Any]) -> dict[str, str]:
    """The prompt placeholders of one pair row (see the module docstring); none depends on the
    counterfactual result or the label."""
    factual, cf, change = row["factual"], row["counterfactual"], row["change"]
    attribute = change["attribute"].replace("_", " ")
    ratio = f" (ratio {format_number(round(change['ratio'], 4))})" if change.get("ratio") is not None else ""
    return {
        "trial": _trial_block(row["trial"]),
        "trial_title": row["trial"].get("title") or "not stated",
        "nct_id": row["nct_id"],
        "cf_nct_id": row["cf_nct_id"],
        "axis": row["axis"],
        "kind": row["kind"],
        "factual": _lines(_side_setting(factual) + [("Result", _result_text(factual))]),
        "factual_group": factual["group_title"],
        "factual_dose": _dose_text(factual) or "not stated",
        "outcome": factual["outcome"]["title"],
        "measure": _human(factual["outcome"].get("param_type")) or "value",
        "unit": factual["outcome"].get("unit") or "no unit",
        "factual_result": _result_text(factual),
        "factual_value": format_number(factual["result"]["value"]),
        "change": f"{attribute}: {change['from']} -> {change['to']}{ratio}",
        "change_attribute": attribute,
        "change_from": change["from"],
        "change_to": change["to"],
        "counterfactual": _counterfactual_block(row),
        "counterfactual_group": cf["group_title"],
        "held_equal": ", ".join(row.get("matched_on") or []) or "not stated",
        "change_size": _change_size(change),
        "comparison": _comparison(row),
        "polarity": _polarity(factual),
        "choices": ", ".join(DIRECTIONS[:-1]) + f" or {DIRECTIONS[-1]}",
        "similar_rule": _similar_rule(),
    }


def answer_fields(row: Mapping[str, Any]) -> dict[str, str]:
    """The answer placeholders of one pair row: the counterfactual result and the label."""
    cf, label = row["counterfactual"], row["label"]
    relative = label.get("relative_delta")
    return {
        "counterfactual_result": _result_text(cf),
        "counterfactual_value": format_number(cf["result"]["value"]),
        "delta": _signed(round(label["delta"], 6)),
        "relative_delta": f"{_signed(round(relative * 100, 1))}%" if relative is not None else "n/a",
        "evidence": _evidence(label),
        "expectation": _expectation(label["direction"], format_number(row["factual"]["result"]["value"])),
        "answer": label["direction"],
    }


def task_columns(row: Mapping[str, Any], template: TaskTemplate | None = None) -> dict[str, Any]:
    """The task columns (:data:`TASK_COLUMNS`) of one pair row, rendered with ``template``
    (default :data:`DEFAULT_TEMPLATE`).

    ``prompt`` is the system text and the user question joined by a blank line, ending with a
    newline so the completion starts on a token boundary; ``messages`` holds them as separate
    system and user messages (no system message when the template's is empty), then the
    assistant's completion.
    """
    template = template or DEFAULT_TEMPLATE
    direction = row["label"]["direction"]
    if direction not in DIRECTIONS:
        raise ValueError(f"pair {row.get('pair_id')!r} has label direction {direction!r}, not one of {DIRECTIONS}")
    fields = prompt_fields(row)
    system = template.system.format_map(fields).strip()
    user = template.user.format_map(fields).strip()
    completion = "\n".join(
        line.strip() for line in template.assistant.format_map({**fields, **answer_fields(row)}).strip().splitlines()
    )
    messages = ([{"role": "system", "content": system}] if system else []) + [
        {"role": "user", "content": user},
        {"role": "assistant", "content": completion},
    ]
    prompt = "\n\n".join(filter(None, (system, user))) + "\n"
    return {"prompt": prompt, "completion": completion, "messages": messages, "answer": direction}


def task_features():
    """:data:`TASK_COLUMNS` as :class:`datasets.Features` (imports ``datasets`` lazily)."""
    from datasets import Features

    return Features.from_arrow_schema(pa.schema(list(TASK_COLUMNS.items())))
