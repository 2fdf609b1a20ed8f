"""``ctpairs eval ctopen``: answer a CT Open benchmark file with a predictor and score it as CT
Open's scorer does.

:func:`evaluate_ctopen` reads the file with the class-refusing reader
(:func:`ctpairs.ctopen.load_benchmark`), renders every question (:func:`ctpairs.ctopen.render_prompt`),
asks the predictor ``runs`` times and writes, each file to a temporary name renamed into place:

``eval_ret.pickle``
    the dict CT Open's ``evaluations/evaluation.py`` takes, ``(nct_id, endpoint_key,
    question_index)`` -> the output text (ending in its ``DECISION`` line), of run 1; runs 2..N
    are ``eval_ret_run2.pickle``...;
``predictions.jsonl``
    one line per question and run: key, run, category, prompt, output, parsed choice and
    probabilities, true answer;
``metrics.json``
    :func:`ctpairs.ctscore.score_runs` (both scorer versions, named), with the predictor, the
    benchmark file's name and SHA-256, and the prompt version.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ctpairs.atomic import atomic_path
from ctpairs.ctopen import PROMPT_VERSION, benchmark_questions, load_benchmark, render_prompt
from ctpairs.ctscore import decide, score_runs
from ctpairs.predictors import EvalError, Predictor, training_questions

CACHE_NAME = "answers.sqlite"


@dataclass
class EvalResult:
    """What :func:`evaluate_ctopen` wrote and the metrics."""

    out_dir: Path
    metrics: dict[str, Any]
    files: list[Path]


def _write_pickle(path: Path, value: Any) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(pickle.dumps(value, protocol=4))


def _write_text(path: Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _manifest_version(dataset_dir: Path) -> dict[str, Any]:
    from ctpairs.package import read_manifest

    manifest = read_manifest(dataset_dir) or {}
    return {"version": manifest.get("version")}


def evaluate_ctopen(
    benchmark_path: str | Path,
    predictor: Predictor,
    out_dir: str | Path,
    *,
    runs: int = 1,
    limit: int | None = None,
    split: str = "test",
) -> EvalResult:
    """Answer every question of the CT Open file ``benchmark_path`` with ``predictor`` ``runs``
    times (the first ``limit`` questions only, when given), write the files listed in the module
    docstring into ``out_dir`` and return the metrics (averaged over runs).

    ``benchmark_path`` may also be a packaged dataset folder: then the questions are the
    ``split`` of its benchmark-format configs (:func:`ctpairs.predictors.training_questions`),
    scored the same way: a held-out measure on ctpairs' own data.
    """
    if runs < 1:
        raise EvalError("--runs must be at least 1")
    benchmark_path, out_dir = Path(benchmark_path), Path(out_dir)
    if benchmark_path.is_dir():
        questions = training_questions(benchmark_path, split)[:limit]
        source = {"dataset": str(benchmark_path), "split": split, **_manifest_version(benchmark_path)}
    else:
        questions = list(benchmark_questions(load_benchmark(benchmark_path)))[:limit]
        source = {"file": benchmark_path.name, "sha256": hashlib.sha256(benchmark_path.read_bytes()).hexdigest()}
    prompts = [render_prompt(q) for q in questions]
    eval_rets, lines = [], []
    for run in range(runs):
        outputs = predictor.predict(questions, prompts, run)
        if len(outputs) != len(questions):
            raise EvalError(f"predictor {predictor.name} gave {len(outputs)} answers for {len(questions)} questions")
        eval_rets.append({q.key: str(o or "") for q, o in zip(questions, outputs)})
        for q, prompt, output in zip(questions, prompts, outputs):
            choice, probs = decide(output, len(q.options))
            lines.append(
                {
                    "key": list(q.key),
                    "run": run + 1,
                    "category": q.category,
                    "prompt": prompt,
                    "output": output,
                    "choice": None if probs is None else choice,
                    "probabilities": probs,
                    "answer": q.answer,
                }
            )
    metrics = score_runs(eval_rets, questions)
    metrics.update(
        predictor=predictor.name,
        benchmark=source,
        prompt_version=PROMPT_VERSION,
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    files = [out_dir / "eval_ret.pickle"] + [out_dir / f"eval_ret_run{i + 1}.pickle" for i in range(1, runs)]
    for path, ret in zip(files, eval_rets):
        _write_pickle(path, ret)
    files.append(out_dir / "predictions.jsonl")
    _write_text(files[-1], "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))
    files.append(out_dir / "metrics.json")
    _write_text(files[-1], json.dumps(metrics, indent=2, sort_keys=True, default=str) + "\n")
    return EvalResult(out_dir, metrics, files)
