"""CT Open's metrics, computed as its scorer (``evaluations/evaluation.py`` of
ClinicalTrial-OpenChallenge/CT_Open) computes them.

**Parsing** (:func:`parse_decision`): the output loses every ``*``, ``#``, ```` ```python ```` and
```` ``` ````; the text after the last ``DECISION:`` up to its first line break and first ``)``
is read as a Python literal of scores, one per option. **Probabilities**
(:func:`probabilities`): scores divided by their sum, clipped to [1e-12, 1], renormalized; the
prediction is their argmax (the first on ties).

**Metrics**, per category (2-way implicit = ``endpoint``, 2-way explicit = ``superiority``,
3-way explicit = ``comparative``) and per run:

* weighted accuracy: the mean over the true classes present of each class's accuracy;
* macro-F1: scikit-learn's ``f1_score(average="macro", zero_division=0)``;
* cross-entropy: the mean of ``-log(max(p_true, 1e-12))``.

The scorer's two published versions differ on the 3-way category, and both are reported, named:
``binary_mapped`` (categories ``2-way_implicit``, ``2-way_explicit``, ``3-way_explicit``; the 3-way
answers and predictions are mapped to "a significant difference" (options 1, 2) versus "none"
(option 3) before accuracy and F1) and ``three_class`` (categories ``Endpoint``,
``Superiority``, ``ComparativeEffect``; the 3-way category is scored over its three classes like
the others). Cross-entropy is the same in both. ``overall`` is the plain mean over the categories
present; with several runs each metric is the mean over runs.

**Malformed outputs**: the scorer raises on an output it cannot parse; here such an output counts
as wrong (its prediction is no option, so it misses its true class; mapped to the wrong side in
``binary_mapped``) with probability 0 for the true option, and their number is reported.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping, Sequence
from typing import Any

from ctpairs.ctopen import COMPARATIVE, ENDPOINT, SUPERIORITY, Question

EPS = 1e-12
_STRIP = ("*", "#", "```python", "```")
#: The scorer's category names in each of its versions.
VERSIONS: dict[str, dict[str, str]] = {
    "binary_mapped": {ENDPOINT: "2-way_implicit", SUPERIORITY: "2-way_explicit", COMPARATIVE: "3-way_explicit"},
    "three_class": {ENDPOINT: "Endpoint", SUPERIORITY: "Superiority", COMPARATIVE: "ComparativeEffect"},
}
MALFORMED = -1


def parse_decision(text: Any, n_options: int | None = None) -> list[float] | None:
    """The scores of a ``DECISION: (s1, s2[, s3])`` line, or ``None`` when the output has none
    that reads as ``n_options`` (when given) finite, non-negative numbers with a positive sum."""
    if not isinstance(text, str) or "DECISION:" not in text:
        return None
    for token in _STRIP:
        text = text.replace(token, "")
    line = text.split("DECISION:")[-1].strip().split("\n")[0].strip()
    try:
        value = ast.literal_eval(line.split(")")[0] + ")")
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    if not isinstance(value, (tuple, list)) or not value:
        return None
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        return None
    scores = [float(v) for v in value]
    if any(not math.isfinite(v) or v < 0 for v in scores) or sum(scores) <= 0:
        return None
    if n_options is not None and len(scores) != n_options:
        return None
    return scores


def probabilities(scores: Sequence[float]) -> list[float]:
    """Scores normalized to sum 1, clipped to [1e-12, 1] and renormalized (as the scorer does)."""
    total = sum(scores)
    clipped = [min(max(s / total, EPS), 1.0) for s in scores]
    norm = sum(clipped)
    return [c / norm for c in clipped]


def decide(text: Any, n_options: int | None) -> tuple[int, list[float] | None]:
    """(predicted option index, probabilities) of one output; ``(MALFORMED, None)`` when unreadable
    (or, when ``n_options`` is given, holding another number of scores)."""
    scores = parse_decision(text, n_options)
    if scores is None:
        return MALFORMED, None
    probs = probabilities(scores)
    return max(range(len(probs)), key=lambda i: (probs[i], -i)), probs


def decision_line(probs: Sequence[float]) -> str:
    """``DECISION: (p1, p2[, p3])`` with each probability rounded to 4 places."""
    return "DECISION: (" + ", ".join(f"{round(p, 4):g}" for p in probs) + ")"


def _weighted_accuracy(y_true: list[int], y_pred: list[int]) -> float:
    accs = [sum(p == c for t, p in zip(y_true, y_pred) if t == c) / y_true.count(c) for c in sorted(set(y_true))]
    return sum(accs) / len(accs) if accs else 0.0


def _macro_f1(y_true: list[int], y_pred: list[int]) -> float:
    from sklearn.metrics import f1_score

    labels = sorted(set(y_true) | {p for p in y_pred if p != MALFORMED})
    return float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0))


def _category_metrics(y_true: list[int], y_pred: list[int], p_true: list[float], mapped: bool) -> dict[str, float]:
    if mapped:
        y_true_m = [1 if t in (0, 1) else 0 for t in y_true]
        y_pred_m = [(1 - t) if p == MALFORMED else (1 if p in (0, 1) else 0) for t, p in zip(y_true_m, y_pred)]
        y_true, y_pred = y_true_m, y_pred_m
    return {
        "Weighted_Accuracy": _weighted_accuracy(y_true, y_pred),
        "Macro-F1": _macro_f1(y_true, y_pred),
        "Cross_Entropy": sum(-math.log(max(p, EPS)) for p in p_true) / len(p_true),
    }


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def score_runs(runs: Sequence[Mapping[tuple[str, str, int], str]], questions: Sequence[Question]) -> dict[str, Any]:
    """CT Open's metrics of one or more runs (each: question key -> output text) over ``questions``
    (with answers). Returns ``{"binary_mapped": {category: metrics, "overall": metrics},
    "three_class": {...}, "per_class": {category: {answer: {"count", "acc", "ce"}}}, "runs",
    "questions", "malformed"}``; each figure is the mean over runs. A run must answer every
    question it is scored on; keys it lacks raise ``KeyError``."""
    by_key = {q.key: q for q in questions}
    per_run: list[dict[str, Any]] = []
    malformed = 0
    for run in runs:
        data: dict[str, dict[str, list]] = {}
        for key, output in run.items():
            q = by_key[key]
            if q.answer is None:
                raise ValueError(f"question {key[0]}/{key[2]} has no answer to score against")
            pred, probs = decide(output, len(q.options))
            malformed += pred == MALFORMED
            d = data.setdefault(q.category, {"t": [], "p": [], "prob": []})
            d["t"].append(q.answer)
            d["p"].append(pred)
            d["prob"].append(probs[q.answer] if probs else 0.0)
        metrics: dict[str, Any] = {}
        for version, names in VERSIONS.items():
            metrics[version] = {
                names[c]: _category_metrics(d["t"], d["p"], d["prob"], version == "binary_mapped" and c == COMPARATIVE)
                for c, d in data.items()
            }
        metrics["per_class"] = {
            c: {
                cls: {
                    "count": d["t"].count(cls),
                    "acc": _mean([p == cls for t, p in zip(d["t"], d["p"]) if t == cls]),
                    "ce": _mean([-math.log(max(pr, EPS)) for t, pr in zip(d["t"], d["prob"]) if t == cls]),
                }
                for cls in sorted(set(d["t"]))
            }
            for c, d in data.items()
        }
        per_run.append(metrics)
    if not per_run:
        raise ValueError("no runs to score")
    out: dict[str, Any] = {"runs": len(per_run), "questions": len(runs[0]), "malformed": malformed / len(per_run)}
    for version, names in VERSIONS.items():
        cats = [names[c] for c in (ENDPOINT, SUPERIORITY, COMPARATIVE) if any(names[c] in r[version] for r in per_run)]
        final = {
            cat: {m: _mean([r[version][cat][m] for r in per_run if cat in r[version]]) for m in _METRICS}
            for cat in cats
        }
        if cats:
            final["overall"] = {m: _mean([final[cat][m] for cat in cats]) for m in _METRICS}
        out[version] = final
    out["per_class"] = {
        c: {
            cls: {
                m: _mean([r["per_class"][c][cls][m] for r in per_run if cls in r["per_class"].get(c, {})])
                for m in ("count", "acc", "ce")
            }
            for cls in sorted({k for r in per_run for k in r["per_class"].get(c, {})})
        }
        for c in sorted({c for r in per_run for c in r["per_class"]})
    }
    return out


_METRICS = ("Weighted_Accuracy", "Macro-F1", "Cross_Entropy")
