"""`ctpairs eval ctopen` end to end on the real 18-item CT Open sample (a fixture, never a score):
baselines trained on a packaged dataset of real pairs, the tiny random model via transformers and
via a loopback OpenAI-compatible server, including a killed run that resumes from its cache."""

import json
import math
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ctpairs.cli import main
from ctpairs.ctopen import benchmark_questions, load_benchmark, render_prompt, safe_loads
from ctpairs.ctscore import parse_decision
from ctpairs.evaluate import CACHE_NAME, evaluate_ctopen
from ctpairs.predictors import ClassPrior, EvalError, LogRegPredictor, question_features, training_questions
from tests._pairs import build_small_pairs

SAMPLE = Path(__file__).parent / "data" / "ctopen_winter_2025_sample.pickle"
N_QUESTIONS = 24


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    from ctpairs.package import package_pairs

    root = tmp_path_factory.mktemp("eval-data")
    pairs = build_small_pairs(root / "pairs")
    package_pairs(pairs, root / "repo", "1.0.0", benchmark_configs=True)
    return root / "repo"


@pytest.fixture(scope="module")
def questions():
    return list(benchmark_questions(load_benchmark(SAMPLE)))


@pytest.fixture(scope="module")
def tiny_model(questions, tmp_path_factory):
    pytest.importorskip("transformers")
    from ctpairs.tiny import build_tiny_model

    texts = [render_prompt(q) for q in questions] + ["DECISION: (0.6, 0.4)", "DECISION: (0.2, 0.3, 0.5)"]
    return build_tiny_model(texts, tmp_path_factory.mktemp("tiny-model"))


def _read_outputs(out: Path, questions):
    ret = safe_loads((out / "eval_ret.pickle").read_bytes())  # builtins only: what CT Open's scorer loads
    assert set(ret) == {q.key for q in questions}
    lines = [json.loads(line) for line in (out / "predictions.jsonl").read_text().splitlines()]
    metrics = json.loads((out / "metrics.json").read_text())
    return ret, lines, metrics


def test_majority_end_to_end(dataset, questions, tmp_path, capsys):
    out = tmp_path / "majority"
    assert (
        main(["eval", "ctopen", str(SAMPLE), "--predictor", "majority", "--train", str(dataset), "--out", str(out)])
        == 0
    )
    ret, lines, metrics = _read_outputs(out, questions)
    train = training_questions(dataset)
    majority = ClassPrior(train, one_hot=True)
    for q in questions:
        scores = parse_decision(ret[q.key], len(q.options))
        assert scores == majority.scores(q.category)
    assert len(lines) == N_QUESTIONS and all(
        line["prompt"] == render_prompt_by_key(questions, line["key"]) for line in lines
    )
    assert metrics["malformed"] == 0 and metrics["predictor"] == "majority"
    assert set(metrics["binary_mapped"]) == {"2-way_implicit", "2-way_explicit", "3-way_explicit", "overall"}
    assert set(metrics["three_class"]) == {"Endpoint", "Superiority", "ComparativeEffect", "overall"}
    assert "w_acc" in capsys.readouterr().out


def render_prompt_by_key(questions, key):
    return render_prompt(next(q for q in questions if list(q.key) == key))


def test_logreg_learns_from_the_benchmark_configs(dataset, questions, tmp_path):
    train = training_questions(dataset)
    model = LogRegPredictor(train)
    assert set(model.models) >= {"superiority", "comparative"}
    # a fitted model reproduces most of its own training answers (it learned something)
    outs = model.predict(train, [""] * len(train), 0)
    hits = sum(
        max(range(len(s)), key=s.__getitem__) == q.answer
        for q, s in ((q, parse_decision(o)) for q, o in zip(train, outs))
    )
    assert hits / len(train) > 0.6
    assert question_features(questions[0]) and question_features(train[0])
    result = evaluate_ctopen(SAMPLE, model, tmp_path / "logreg", runs=2)
    ret, lines, metrics = _read_outputs(tmp_path / "logreg", questions)
    assert metrics["runs"] == 2 and len(lines) == 2 * N_QUESTIONS
    assert (tmp_path / "logreg" / "eval_ret_run2.pickle").is_file()
    assert result.metrics["three_class"]["overall"]["Weighted_Accuracy"] >= 0


def test_baselines_need_training_data(tmp_path, capsys):
    assert main(["eval", "ctopen", str(SAMPLE), "--predictor", "logreg", "--out", str(tmp_path)]) == 2
    assert "--train" in capsys.readouterr().err
    assert (
        main(["eval", "ctopen", str(SAMPLE), "--predictor", "magic", "--train", str(tmp_path), "--out", str(tmp_path)])
        == 2
    )
    assert (
        main(["eval", "ctopen", str(SAMPLE), "--predictor", "prior", "--train", str(tmp_path), "--out", str(tmp_path)])
        == 2
    )
    assert "--benchmark-configs" in capsys.readouterr().err


def test_hf_predictor_with_the_tiny_model(tiny_model, questions, tmp_path):
    out = tmp_path / "hf"
    args = ["eval", "ctopen", str(SAMPLE), "--predictor", f"hf:{tiny_model}", "--out", str(out)]
    assert main([*args, "--batch-size", "5", "--max-new-tokens", "6", "--device", "cpu", "-q"]) == 0
    ret, lines, metrics = _read_outputs(out, questions)
    assert all(isinstance(v, str) and v for v in ret.values())  # the random model's text, whatever it is
    assert metrics["predictor"] == f"hf:{tiny_model}"
    assert metrics["malformed"] == sum(line["choice"] is None for line in lines)


def _cache_count(path: Path) -> int:
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(path) as db:
            return db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def test_openai_predictor_is_killed_and_resumes(tiny_model, questions, tmp_path):
    from tests.llm_server import ChatServer

    out = tmp_path / "openai"
    with ChatServer(tiny_model, delay=0.25) as server:
        cmd = [
            sys.executable,
            "-m",
            "ctpairs",
            "eval",
            "ctopen",
            str(SAMPLE),
            "--predictor",
            f"openai:{server.base_url}",
        ]
        cmd += ["--model", "tiny", "--concurrency", "2", "--max-new-tokens", "6", "--out", str(out), "-q"]
        env = {**os.environ, "OPENAI_API_KEY": "test"}
        proc = subprocess.Popen(cmd, env=env)
        deadline = time.monotonic() + 60
        while _cache_count(out / CACHE_NAME) < 4 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        cached = _cache_count(out / CACHE_NAME)
        assert 4 <= cached < N_QUESTIONS
        assert not (out / "metrics.json").exists()
        time.sleep(1.0)  # requests in flight at the kill reach the server's count, unanswered
        asked_before = len(server.requests)
        server.delay = 0.0
        assert subprocess.run(cmd, env=env).returncode == 0
        asked_again = len(server.requests) - asked_before
    # the rerun asked only for what the cache lacked (plus at most the requests in flight at the kill)
    assert asked_again == N_QUESTIONS - cached
    ret, lines, metrics = _read_outputs(out, questions)
    assert metrics["predictor"] == "openai:tiny" and len(lines) == N_QUESTIONS
    sent = server.requests[0]
    assert sent["model"] == "tiny" and sent["messages"][0] == {
        "role": "system",
        "content": "You are a helpful assistant",
    }
    assert sent["messages"][1]["content"] in {render_prompt(q) for q in questions}


def test_openai_needs_a_model_and_a_server(tmp_path, capsys):
    assert (
        main(["eval", "ctopen", str(SAMPLE), "--predictor", "openai:http://127.0.0.1:9/v1", "--out", str(tmp_path)])
        == 2
    )
    assert "--model" in capsys.readouterr().err
    with pytest.raises(EvalError, match="failed"):
        from ctpairs.llm import OpenAIPredictor

        OpenAIPredictor("http://127.0.0.1:9/v1", model="m", timeout=2, retries=0).predict([], ["hello"], 0)


def test_a_packaged_split_is_scored_the_same_way(dataset, tmp_path):
    out = tmp_path / "own"
    assert (
        main(
            [
                "eval",
                "ctopen",
                str(dataset),
                "--split",
                "train",
                "--predictor",
                "prior",
                "--train",
                str(dataset),
                "--out",
                str(out),
                "-q",
            ]
        )
        == 0
    )
    metrics = json.loads((out / "metrics.json").read_text())
    train = training_questions(dataset)
    assert metrics["questions"] == len(train) and metrics["benchmark"]["split"] == "train"
    prior = ClassPrior(train, one_hot=False)
    comparative = [q for q in train if q.category == "comparative"]
    # the prior's cross-entropy on its own training data is the entropy of the class frequencies
    expected = -sum(math.log(prior.scores("comparative")[q.answer]) for q in comparative) / len(comparative)
    assert metrics["three_class"]["ComparativeEffect"]["Cross_Entropy"] == pytest.approx(expected, rel=1e-3)


def test_grpo_on_a_benchmark_config_rewards_the_decision_line(dataset, tiny_model, tmp_path):
    pytest.importorskip("trl")
    from ctpairs.train import train_grpo

    out = train_grpo(
        dataset,
        tiny_model,
        config="comparative",
        output_dir=tmp_path / "grpo",
        max_steps=1,
        per_device_train_batch_size=2,
        num_generations=2,
        max_completion_length=6,
        use_cpu=True,
        bf16=False,
        max_samples=4,
        report_to="none",
        logging_steps=1,
    )
    (state,) = Path(out).glob("checkpoint-*/trainer_state.json")
    logged = json.loads(state.read_text())["log_history"][0]
    assert "rewards/decision_reward/mean" in logged and "rewards/direction_reward/mean" not in logged
