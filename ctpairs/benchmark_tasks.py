"""Benchmark-format configs: pairs asked as CT Open asks its questions.

A pair becomes a question when its two sides are two arms of one trial (``arm`` and ``dose``
pairs; X = the counterfactual side, the treatment or higher dose; Y = the factual side, its
comparator), its label is verifiable (:func:`is_verifiable`) and its outcome's polarity is known
(:mod:`ctpairs.polarity`). Then "X better than Y" means the label moved in the better direction
and was significant. Three configs, CT Open's three kinds, with its option sentences verbatim:

``superiority`` (2 options, explicit arms)
    X has / has not achieved a significant improvement over Y: answer 0 when X is significantly
    better, else 1.
``comparative`` (3 options, explicit arms)
    Y significantly worse than X (0) / X significantly worse than Y (1) / no significant
    difference (2).
``endpoint`` (2 options, the arm listed): only where the trial's own posted analysis tests
    these two groups (a pre-specified comparison): "at least one arm listed here met this
    endpoint" (0) when X is significantly better, else "no arm listed here met" (1).

Each row of a config is the pair row itself with task columns rendered by
:func:`benchmark_task_columns`: ``prompt`` (:func:`ctpairs.ctopen.render_prompt`, which never
shows a result), ``completion`` (the true option and its ``DECISION`` line), ``messages`` and
``answer`` (the true option's index as a string, what :func:`ctpairs.rewards.decision_reward`
checks). :func:`pair_question` gives the :class:`~ctpairs.ctopen.Question` of a row, the same
object CT Open's own questions become, so a predictor trained on these configs reads both alike.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

import pyarrow as pa

from ctpairs.ctopen import (
    COMPARATIVE,
    ENDPOINT,
    SUPERIORITY,
    Question,
    comparative_options,
    endpoint_options,
    render_prompt,
    superiority_options,
)
from ctpairs.ctscore import decision_line
from ctpairs.labels import METHOD_TRIAL
from ctpairs.polarity import better_direction, outcome_polarity

BENCHMARK_CONFIGS = (SUPERIORITY, COMPARATIVE, ENDPOINT)
ARM_AXES = ("arm", "dose")
META_LABELS = {
    SUPERIORITY: "distinguishable_arm",
    COMPARATIVE: "distinguishable_arm",
    ENDPOINT: "no_distinguishable_arm",
}

# Why a pair is not asked in a benchmark config (counted in the package manifest).
SKIP_NOT_ARMS = "not two arms of one trial (axis other than arm/dose, or across trials)"
SKIP_NOT_VERIFIABLE = "label not verifiable (no trial analysis or test)"
SKIP_CATEGORY = "result of one category or class of the measure (polarity is the whole measure's)"
SKIP_UNKNOWN_POLARITY = "outcome polarity unknown"
SKIP_SAME_NAME = "the two arms have the same name"
SKIP_NO_TRIAL_ANALYSIS = "no trial analysis of these groups (endpoint config only)"
SKIP_REASONS = (
    SKIP_NOT_ARMS,
    SKIP_NOT_VERIFIABLE,
    SKIP_CATEGORY,
    SKIP_UNKNOWN_POLARITY,
    SKIP_SAME_NAME,
    SKIP_NO_TRIAL_ANALYSIS,
)


def is_verifiable(label: Mapping[str, Any]) -> bool:
    """Whether a pair label rests on evidence (a trial analysis or a test) and says which way."""
    return bool(label.get("verifiable")) and label.get("direction") in ("higher", "lower", "similar")


def arm_name(side: Mapping[str, Any]) -> str:
    """How a question names one side: its arm's label, else its result group's title."""
    return (side.get("arm_label") or side.get("group_title") or "").strip()


def _arm(side: Mapping[str, Any]) -> dict[str, Any]:
    interventions = []
    for text in side.get("interventions") or []:
        kind, _, name = text.partition(": ")
        interventions.append({"type": kind, "name": name} if name else {"name": text})
    return {
        "label": arm_name(side),
        "type": side.get("arm_type"),
        "description": side.get("group_description"),
        "interventions": interventions,
    }


def _endpoint(outcome: Mapping[str, Any]) -> dict[str, Any]:
    kind = (outcome.get("type") or "").lower()
    return {
        "measure": outcome.get("title"),
        "description": outcome.get("description"),
        "timeFrame": outcome.get("time_frame"),
        "outcome_type": f"{kind}Outcomes" if kind in ("primary", "secondary") else kind or None,
    }


def skip_reason(config: str, row: Mapping[str, Any]) -> str | None:
    """Why ``row`` (a pair row) is not a question of ``config``, or ``None`` when it is."""
    if row["axis"] not in ARM_AXES or row["kind"] != "natural" or row["nct_id"] != row["cf_nct_id"]:
        return SKIP_NOT_ARMS
    label = row["label"]
    if not is_verifiable(label) or label.get("significant") is None:
        return SKIP_NOT_VERIFIABLE
    if config == ENDPOINT and label.get("method") != METHOD_TRIAL:
        return SKIP_NO_TRIAL_ANALYSIS
    if row["factual"]["result"].get("category") is not None:
        return SKIP_CATEGORY
    if pair_polarity(row) is None:
        return SKIP_UNKNOWN_POLARITY
    if not arm_name(row["counterfactual"]) or arm_name(row["counterfactual"]) == arm_name(row["factual"]):
        return SKIP_SAME_NAME
    return None


def pair_polarity(row: Mapping[str, Any]) -> str | None:
    """The label direction that means *better* for the pair's outcome, or ``None`` when unknown."""
    outcome = row["factual"]["outcome"]
    polarity = outcome_polarity(
        outcome.get("title"), outcome.get("description"), outcome.get("unit"), outcome.get("param_type")
    )
    return better_direction(polarity)


def _outcome_of_x(row: Mapping[str, Any]) -> str:
    """``better``, ``worse`` or ``similar``: the counterfactual arm (X) against the factual (Y)."""
    direction, better = row["label"]["direction"], pair_polarity(row)
    if direction == "similar" or not row["label"].get("significant"):
        return "similar"
    return "better" if direction == better else "worse"


def pair_question(config: str, row: Mapping[str, Any]) -> Question:
    """The question of ``config`` that ``row`` asks (check :func:`skip_reason` first), with its answer."""
    x, y = arm_name(row["counterfactual"]), arm_name(row["factual"])
    verdict = _outcome_of_x(row)
    if config == SUPERIORITY:
        options, answer, listed = superiority_options(x, y), 0 if verdict == "better" else 1, []
    elif config == COMPARATIVE:
        options, answer, listed = comparative_options(x, y), {"better": 0, "worse": 1, "similar": 2}[verdict], []
    elif config == ENDPOINT:
        options, answer, listed = endpoint_options(listed=True), 0 if verdict == "better" else 1, [x]
    else:
        raise ValueError(f"unknown benchmark config {config!r}; one of {BENCHMARK_CONFIGS}")
    return Question(
        key=(row["nct_id"], f"{config}/{row['pair_id']}", 0),
        category=config,
        meta_label=META_LABELS[config],
        title=row["trial"].get("title") or "",
        arms=[_arm(row["counterfactual"]), _arm(row["factual"])],
        endpoint=_endpoint(row["factual"]["outcome"]),
        options=options,
        answer=answer,
        arm_x=x,
        arm_y=y,
        listed_arms=listed,
    )


def benchmark_task_columns(config: str) -> Callable[[Mapping[str, Any]], dict[str, Any]]:
    """A renderer of the task columns of one pair row as a question of ``config`` (it pickles, so
    worker processes can render)."""
    return partial(_task_columns, config)


def _task_columns(config: str, row: Mapping[str, Any]) -> dict[str, Any]:
    q = pair_question(config, row)
    prompt = render_prompt(q)
    completion = f"{q.options[q.answer]}\n" + decision_line([float(i == q.answer) for i in range(len(q.options))])
    messages = [{"role": "user", "content": prompt.strip()}, {"role": "assistant", "content": completion}]
    return {"prompt": prompt, "completion": completion, "messages": messages, "answer": str(q.answer)}


def benchmark_tables(tables: Mapping[str, pa.Table]) -> tuple[dict[str, pa.Table], dict[str, dict[str, int]]]:
    """The rows of each benchmark config taken from the pair tables of ``tables`` (by config name),
    and per config the number of pairs skipped per reason."""
    rows = [row for axis in ARM_AXES if axis in tables for row in tables[axis].to_pylist()]
    schema = next((tables[a].schema for a in ARM_AXES if a in tables), None)
    out, skips = {}, {}
    for config in BENCHMARK_CONFIGS:
        reasons = [skip_reason(config, row) for row in rows]
        kept = [row for row, reason in zip(rows, reasons) if reason is None]
        skips[config] = dict(sorted(Counter(r for r in reasons if r is not None).items()))
        if kept and schema is not None:
            out[config] = pa.Table.from_pylist(kept, schema=schema)
    return out, skips
