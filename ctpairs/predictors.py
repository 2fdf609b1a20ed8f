"""Predictors for ``ctpairs eval ctopen``: each answers CT Open-format questions with text that
ends in a ``DECISION: (s1, s2[, s3])`` line.

``majority`` and ``prior`` answer from the class frequencies of each question kind in a training
set (one-hot on the most frequent option, or the frequencies themselves); ``logreg`` is a
scikit-learn logistic regression per question kind on trial features (:func:`question_features`).
All three learn from the benchmark-format configs of a packaged dataset
(:func:`training_questions`). The language-model predictors (``hf:``, ``openai:``) are in
:mod:`ctpairs.llm`; :func:`make_predictor` builds any of them from its command-line name.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from ctpairs.ctopen import CATEGORIES, Question
from ctpairs.ctscore import decision_line
from ctpairs.errors import CtpairsError
from ctpairs.polarity import outcome_polarity

N_OPTIONS = {"endpoint": 2, "superiority": 2, "comparative": 3}
_PLACEBO = re.compile(
    r"placebo|sham|vehicle|no intervention|observation|surveillance|standard of care|usual care", re.I
)
_FAMILIES = {
    "survival": re.compile(r"surviv|death|mortality|\bos\b|\bpfs\b", re.I),
    "response": re.compile(r"respon|remission|control rate", re.I),
    "safety": re.compile(r"adverse|toxicit|safety|tolerab", re.I),
    "score": re.compile(r"score|scale|questionnaire|index|quality of life", re.I),
    "change": re.compile(r"change from baseline|change in", re.I),
    "time": re.compile(r"\btime to\b|duration", re.I),
    "pk": re.compile(r"concentration|\bauc|cmax|pharmacokinetic", re.I),
}


class EvalError(CtpairsError):
    """An evaluation cannot run as asked (unknown predictor, no training data, server errors...)."""


class Predictor(Protocol):
    """Answers questions: one output text per question, each ending in a ``DECISION`` line."""

    name: str

    def predict(self, questions: Sequence[Question], prompts: Sequence[str], run: int) -> list[str]: ...


def training_questions(dataset_dir: str | Path, split: str = "train") -> list[Question]:
    """The questions (with answers) of the benchmark-format configs of a packaged dataset folder."""
    import pyarrow.parquet as pq

    from ctpairs.benchmark_tasks import pair_question

    root = Path(dataset_dir)
    questions = []
    for config in CATEGORIES:
        for path in sorted((root / "data" / config).glob(f"{split}-*.parquet")):
            questions += [pair_question(config, row) for row in pq.read_table(path).to_pylist()]
    if not questions:
        raise EvalError(
            f"{root} holds no {split} split of the benchmark-format configs; package it with "
            "`ctpairs package --benchmark-configs`"
        )
    return questions


def _arm(question: Question, name: str | None) -> dict[str, Any]:
    return next((a for a in question.arms if (a.get("label") or "").strip() == (name or "").strip()), {})


def _arm_features(prefix: str, arm: dict[str, Any], name: str | None) -> dict[str, Any]:
    kinds = sorted({(iv.get("type") or "").upper() for iv in arm.get("interventions") or [] if iv.get("type")})
    text = " ".join(
        [name or "", arm.get("description") or ""] + [iv.get("name") or "" for iv in arm.get("interventions") or []]
    )
    features: dict[str, Any] = {
        f"{prefix}_type={arm.get('type') or 'unknown'}": 1,
        f"{prefix}_placebo": float(bool(_PLACEBO.search(text))),
    }
    features.update({f"{prefix}_intervention={k}": 1 for k in kinds or ["unknown"]})
    return features


def question_features(question: Question) -> dict[str, Any]:
    """Trial features of a question, the same for CT Open's questions and ctpairs' configs: arm
    types, intervention types and placebo/control wording of the arms it names (X and Y, or the
    listed arms), the endpoint's type (primary/secondary), family and polarity. Never a result."""
    endpoint = question.endpoint
    measure = str(endpoint.get("measure") or "")
    features: dict[str, Any] = {
        f"endpoint_type={str(endpoint.get('outcome_type') or '').lower()[:7] or 'unknown'}": 1,
        f"polarity={outcome_polarity(measure, endpoint.get('description'))}": 1,
    }
    features.update({f"family={name}": 1 for name, rx in _FAMILIES.items() if rx.search(measure)})
    names = [question.arm_x, question.arm_y] if question.arm_x else question.listed_arms[:1] + [None]
    for prefix, name in zip(("x", "y"), names):
        if name:
            features.update(_arm_features(prefix, _arm(question, name), name))
    return features


def _answer_text(name: str, probs: Sequence[float]) -> str:
    return f"Baseline {name}: scores from its training data.\n{decision_line(probs)}"


class ClassPrior:
    """``majority`` (one-hot on the most frequent option of each question kind) or ``prior`` (the
    option frequencies); a kind absent from the training data gets uniform scores."""

    def __init__(self, train: Sequence[Question], one_hot: bool):
        self.name = "majority" if one_hot else "prior"
        self.one_hot = one_hot
        counts: dict[str, Counter] = {}
        for q in train:
            counts.setdefault(q.category, Counter())[q.answer] += 1
        self.counts = counts

    def scores(self, category: str) -> list[float]:
        n = N_OPTIONS[category]
        counts = self.counts.get(category)
        if not counts:
            return [1.0 / n] * n
        freqs = [counts.get(i, 0) / sum(counts.values()) for i in range(n)]
        if self.one_hot:
            best = max(range(n), key=lambda i: (freqs[i], -i))
            return [float(i == best) for i in range(n)]
        return freqs

    def predict(self, questions: Sequence[Question], prompts: Sequence[str], run: int) -> list[str]:
        return [_answer_text(self.name, self.scores(q.category)) for q in questions]


class LogRegPredictor:
    """A logistic regression per question kind on :func:`question_features` (scikit-learn,
    ``DictVectorizer`` + ``LogisticRegression``); kinds with one class in training fall back to
    their class frequencies."""

    name = "logreg"

    def __init__(self, train: Sequence[Question], seed: int = 0):
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        self.fallback = ClassPrior(train, one_hot=False)
        self.models = {}
        for category in CATEGORIES:
            rows = [q for q in train if q.category == category]
            if len({q.answer for q in rows}) < 2:
                continue
            model = make_pipeline(DictVectorizer(), LogisticRegression(max_iter=2000, random_state=seed))
            model.fit([question_features(q) for q in rows], [q.answer for q in rows])
            self.models[category] = model

    def predict(self, questions: Sequence[Question], prompts: Sequence[str], run: int) -> list[str]:
        outputs = []
        for q in questions:
            model = self.models.get(q.category)
            if model is None:
                outputs.append(_answer_text(self.name, self.fallback.scores(q.category)))
                continue
            proba = model.predict_proba([question_features(q)])[0]
            classes = list(model.classes_)
            probs = [float(proba[classes.index(i)]) if i in classes else 0.0 for i in range(N_OPTIONS[q.category])]
            outputs.append(_answer_text(self.name, probs))
        return outputs


def make_predictor(spec: str, *, train: str | Path | None = None, **options: Any) -> Predictor:
    """A predictor from its command-line name: ``majority``, ``prior``, ``logreg`` (need ``train``,
    a packaged dataset folder with the benchmark-format configs), ``hf:MODEL_OR_PATH`` or
    ``openai:BASE_URL`` (``options``: see :class:`ctpairs.llm.HFPredictor` and
    :class:`ctpairs.llm.OpenAIPredictor`)."""
    if spec in ("majority", "prior", "logreg"):
        if train is None:
            raise EvalError(f"--predictor {spec} learns from a packaged dataset: give --train DATASET_DIR")
        questions = training_questions(train)
        return LogRegPredictor(questions) if spec == "logreg" else ClassPrior(questions, one_hot=spec == "majority")
    kind, _, target = spec.partition(":")
    if kind == "hf" and target:
        from ctpairs.llm import HFPredictor

        return HFPredictor(target, **{k: v for k, v in options.items() if k in HFPredictor.OPTIONS})
    if kind == "openai" and target:
        from ctpairs.llm import OpenAIPredictor

        return OpenAIPredictor(target, **{k: v for k, v in options.items() if k in OpenAIPredictor.OPTIONS})
    raise EvalError(f"unknown predictor {spec!r}: majority, prior, logreg, hf:MODEL_OR_PATH or openai:BASE_URL")
