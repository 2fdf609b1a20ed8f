"""Reasoning traces (ctpairs.traces, ctpairs.teacher): the keep/reject rules on real text cases, real
generation with the tiny random Qwen2 through a loopback OpenAI-compatible HTTP server and through
hf:, kill and resume, and the API key kept out of logs, cache, report and manifest."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import subprocess
import sys
import time

import pytest

pytest.importorskip("transformers")

from ctpairs.cli import main  # noqa: E402
from ctpairs.teacher import GeneratorError, HFGenerator, Sampling, open_generator, redact_url  # noqa: E402
from ctpairs.tiny import build_tiny_model  # noqa: E402
from ctpairs.traces import (  # noqa: E402
    KEPT,
    REJECT_NO_ANSWER,
    REJECT_PEEK,
    REJECT_REASONS,
    REJECT_TOO_LONG,
    REJECT_TOO_SHORT,
    REJECT_WRONG_ANSWER,
    TRACE_TEMPLATE_VERSION,
    TraceCache,
    TraceError,
    clean_trace,
    generate_traces,
    judge_trace,
    read_pair_rows,
    select_run,
    teacher_messages,
)
from tests._pairs import axes_only, build_small_pairs  # noqa: E402
from tests.llm_server import ChatServer  # noqa: E402

pytestmark = pytest.mark.usefixtures("one_torch_thread")

KEY = "sk-ctpairs-test-7f3a9c2e51"
MODEL_NAME = "tiny-qwen2"
BEVACIZUMAB = "0a68ed86f0a212ddb8f2"  # NCT00700180, bevacizumab 7.5 -> 15 mg/kg: response 42.86% -> 47.69%, similar
GOOD = (
    "Bevacizumab binds VEGF-A, and 7.5 mg/kg every 3 weeks already keeps free VEGF-A suppressed, so "
    "doubling to 15 mg/kg adds exposure but little extra target inhibition. In non-squamous NSCLC treated "
    "with carboplatin doublets the response rate is driven mostly by the chemotherapy, and in the low-bFGF "
    "subgroup of a few dozen participants per group a small gain from the higher dose would not stand out "
    "from chance. I expect the response rate at 15 mg/kg to stay close to the 42.86% seen at 7.5 mg/kg."
    "\nAnswer: similar"
)
CASES = [
    (GOOD, None),
    (GOOD.replace("Answer: similar", "Answer: higher"), REJECT_WRONG_ANSWER),
    (GOOD.replace("close to the 42.86%", "near 47.7%, against the 42.86%"), REJECT_PEEK),
    (GOOD.replace("a small gain from", "a gain of about 11% from"), REJECT_PEEK),
    (GOOD.replace("\nAnswer: similar", " " + "Exposure rises with dose. " * 60 + "\nAnswer: similar"), REJECT_TOO_LONG),
    ("Blockade is already saturated.\nAnswer: similar", REJECT_TOO_SHORT),
    (GOOD.replace("\nAnswer: similar", ""), REJECT_NO_ANSWER),
]


@pytest.fixture(scope="module")
def pairs_dir(tmp_path_factory):
    return build_small_pairs(tmp_path_factory.mktemp("pairs"))


@pytest.fixture(scope="module")
def rows(pairs_dir):
    return read_pair_rows(pairs_dir, ["dose"], limit=4)


@pytest.fixture(scope="module")
def bevacizumab(pairs_dir):
    return next(r for r in read_pair_rows(pairs_dir, ["dose"]) if r["pair_id"] == BEVACIZUMAB)


@pytest.fixture(scope="module")
def tiny_model(rows, tmp_path_factory):
    texts = [m["content"] for row in rows for m in teacher_messages(row)] + [GOOD]
    return build_tiny_model(texts, tmp_path_factory.mktemp("tiny-teacher"))


@pytest.fixture(scope="module")
def server(tiny_model):
    with ChatServer(tiny_model, api_key=KEY, model_name=MODEL_NAME, max_new_tokens=256) as s:
        yield s


@pytest.mark.parametrize(("text", "reason"), CASES)
def test_keep_and_reject_rules_on_real_text(bevacizumab, text, reason):
    assert judge_trace(clean_trace(text), bevacizumab, min_words=20, max_words=200) == reason


def test_the_trace_case_is_the_pair_described(bevacizumab):
    assert bevacizumab["factual"]["result"]["value"] == 42.86
    assert bevacizumab["counterfactual"]["result"]["value"] == 47.69
    assert bevacizumab["label"]["direction"] == "similar"
    assert set(REJECT_REASONS) > {r for _, r in CASES if r}


def test_clean_trace_drops_thinking_and_trims():
    assert (
        clean_trace("<think>47.69 is the value</think>\n  Because.  \nAnswer: higher \n") == "Because.\nAnswer: higher"
    )


def test_teacher_sees_both_sides_and_the_label_and_is_told_not_to_quote(bevacizumab):
    system, user = teacher_messages(bevacizumab)
    assert system["role"] == "system" and user["role"] == "user"
    text = user["content"]
    assert "47.69 percentage of participants (n=65)" in text and 'verified answer is "similar"' in text
    assert "Result: 42.86 percentage of participants (n=77)" in text
    assert "Never state the counterfactual result" in text and text.endswith("Answer: similar")
    question = text.split("--- question shown to the student ---")[1].split("--- end of question ---")[0]
    assert "47.69" not in question


def _traces_args(pairs_dir, cache, generator, *extra):
    return [
        "traces",
        "--pairs",
        str(pairs_dir),
        "--axis",
        "dose",
        "--limit",
        "4",
        "--generator",
        generator,
        "--cache",
        str(cache),
        "--samples",
        "2",
        "--temperature",
        "0",
        "--max-tokens",
        "24",
        *extra,
    ]


def _dump(path):
    with TraceCache(path) as cache:
        return cache.dump()


def test_openai_generation_over_http_reports_tokens_and_never_leaks_the_key(
    server, pairs_dir, tmp_path, monkeypatch, capsys, caplog
):
    monkeypatch.setenv("CTPAIRS_TEST_KEY", KEY)
    cache, report = tmp_path / "traces.sqlite", tmp_path / "report.json"
    generator = f"openai:{server.base_url}"
    args = _traces_args(pairs_dir, cache, generator, "--model", server.model_name, "--api-key-env", "CTPAIRS_TEST_KEY")
    before, headers_before = len(server.requests), len(server.headers)
    with caplog.at_level(logging.DEBUG):
        assert main(["-v", *args, "--report", str(report), "--concurrency", "2"]) == 0
    summary = json.loads(report.read_text())
    sent = server.requests[before:]
    assert server.unauthorized == 0 and all(
        h["authorization"] == f"Bearer {KEY}" for h in server.headers[headers_before:]
    )
    assert summary["pairs"] == 4 and summary["attempts"] == len(sent) == 8
    # a random 2-layer model never writes a correct answer line: every try is rejected, and counted by reason
    assert summary["kept"] == 0 and summary["without_trace"] == 4
    assert sum(summary["rejected"].values()) == 8 and set(summary["rejected"]) <= set(REJECT_REASONS)
    assert summary["prompt_tokens"] > 8 * 500 and 8 <= summary["completion_tokens"] <= 8 * 24
    assert {r["temperature"] for r in sent} == {0.0} and {r["max_tokens"] for r in sent} == {24}
    assert summary["generator"] == generator and summary["template_version"] == TRACE_TEMPLATE_VERSION
    with TraceCache(cache) as c:
        (run,) = c.runs()
        texts = [a.text for tries in c.attempts(run).values() for a in tries]
    assert len(texts) == 8 and all(texts)  # the model's real (random) text is kept for inspection
    out = capsys.readouterr()
    logged = caplog.text
    files = [p.read_bytes() for p in tmp_path.iterdir() if p.is_file()]
    assert KEY not in out.out + out.err + logged and all(KEY.encode() not in data for data in files)
    assert "0 of 4 pairs have a trace (8 tries, 0 from the cache)" in out.err

    # a second run asks nothing: every pair has used its tries
    assert main([*args, "--json", "-q"]) == 0
    assert json.loads(capsys.readouterr().out)["cached_attempts"] == 8 and len(server.requests) == before + 8


def test_hf_generator_on_the_same_model_writes_what_the_server_wrote(server, tiny_model, rows, tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    sampling = Sampling(temperature=0, max_tokens=24)
    with TraceCache(tmp_path / "hf.sqlite") as hf_cache, TraceCache(tmp_path / "http.sqlite") as http_cache:
        hf = open_generator(f"hf:{tiny_model}", None, sampling)
        assert isinstance(hf, HFGenerator) and hf.name == f"hf:{tiny_model}"
        report = generate_traces(rows, hf, hf_cache, samples=1, concurrency=2, progress=False)
        http = open_generator(f"openai:{server.base_url}", server.model_name, sampling)
        generate_traces(rows, http, http_cache, samples=1, progress=False)
        hf_texts = [a.text for t in hf_cache.attempts(select_run(hf_cache)).values() for a in t]
        http_texts = [a.text for t in http_cache.attempts(select_run(http_cache)).values() for a in t]
    assert report.attempts == 4 and report.prompt_tokens > 4 * 500 and report.completion_tokens > 0
    assert hf_texts == http_texts and len(hf_texts) == 4  # greedy decoding of one model, two ways


def test_kill_and_resume_gives_the_cache_of_an_uninterrupted_run(server, pairs_dir, tmp_path):
    env = {**os.environ, "OPENAI_API_KEY": KEY}
    generator = f"openai:{server.base_url}"
    whole, resumed = tmp_path / "whole.sqlite", tmp_path / "resumed.sqlite"
    base = ["--model", server.model_name, "--concurrency", "1", "-q"]
    command = [sys.executable, "-m", "ctpairs", *_traces_args(pairs_dir, resumed, generator, *base)]
    command[command.index("24")] = "64"  # longer replies, so the kill lands mid-run
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stored = 0
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        if resumed.exists():
            try:
                with sqlite3.connect(resumed) as db:
                    stored = db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0]
            except sqlite3.OperationalError:
                stored = 0
        if stored >= 2:
            proc.kill()
            break
        time.sleep(0.02)
    proc.wait()
    assert proc.returncode == -9, proc.stderr.read().decode()[-2000:] if proc.stderr else ""
    assert 2 <= len(_dump(resumed)) < 8  # stopped part-way, with whole pairs committed
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OPENAI_API_KEY", KEY)
        resume_args = _traces_args(pairs_dir, resumed, generator, *base)
        resume_args[resume_args.index("24")] = "64"
        assert main(resume_args) == 0
        whole_args = _traces_args(pairs_dir, whole, generator, *base)
        whole_args[whole_args.index("24")] = "64"
        assert main(whole_args) == 0
    assert _dump(resumed) == _dump(whole) and len(_dump(whole)) == 8


def test_bad_key_stops_the_run_with_one_line_and_no_key(server, pairs_dir, tmp_path, monkeypatch, capsys):
    wrong = "sk-wrong-0123456789"
    monkeypatch.setenv("OPENAI_API_KEY", wrong)
    args = _traces_args(pairs_dir, tmp_path / "t.sqlite", f"openai:{server.base_url}", "--model", server.model_name)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1].startswith("error: ") and "AuthenticationError" in err and wrong not in err


@pytest.mark.parametrize(
    ("spec", "model", "message"),
    [
        ("openai", "m", "openai:BASE_URL or hf:"),
        ("openai:localhost:8000", "m", "http"),
        ("openai:http://127.0.0.1:1/v1", None, "--model"),
        ("vllm:http://x", "m", "unknown generator kind"),
    ],
)
def test_bad_generator_specs(spec, model, message):
    with pytest.raises(GeneratorError, match=message):
        open_generator(spec, model, Sampling())


def test_credentials_in_a_base_url_never_reach_the_name():
    assert redact_url("https://user:secret@api.example.org:8443/v1") == "https://api.example.org:8443/v1"
    assert redact_url("http://127.0.0.1:8000/v1") == "http://127.0.0.1:8000/v1"


def test_select_run_needs_one_match(tmp_path, bevacizumab):
    from ctpairs.traces import Attempt, TraceRun

    with TraceCache(tmp_path / "c.sqlite") as cache:
        with pytest.raises(TraceError, match="0 trace runs match"):
            select_run(cache)
        for model in ("a", "b"):
            run = TraceRun("openai:http://h/v1", model, TRACE_TEMPLATE_VERSION, {"temperature": 0.7})
            cache.save_run(run)
            cache.add(run, [Attempt(BEVACIZUMAB, 0, GOOD, KEPT, 10, 5)])
        with pytest.raises(TraceError, match="2 trace runs match"):
            select_run(cache)
        assert select_run(cache, model="b").model == "b"
        assert cache.kept(select_run(cache, model="a")) == {BEVACIZUMAB: GOOD}


def test_kept_traces_become_a_traces_config_with_the_run_in_manifest_and_card(
    server, pairs_dir, bevacizumab, tmp_path, monkeypatch
):
    from datasets import load_dataset

    from ctpairs.package import package_pairs
    from ctpairs.traces import Attempt

    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    cache_path = tmp_path / "traces.sqlite"
    generator = open_generator(f"openai:{server.base_url}", server.model_name, Sampling(temperature=0, max_tokens=16))
    rows = read_pair_rows(pairs_dir, ["dose"], limit=3)
    with TraceCache(cache_path) as cache:
        report = generate_traces(rows, generator, cache, samples=1, progress=False)
        assert report.kept == 0
        # the teacher's good reply for one pair, judged by the same rule as a generated one
        assert judge_trace(GOOD, bevacizumab) is None
        cache.add(select_run(cache), [Attempt(BEVACIZUMAB, 0, GOOD, KEPT, 900, 80)])
    repo = tmp_path / "repo"
    package_pairs(axes_only(pairs_dir, tmp_path / "dose-pairs"), repo, "1.0.0", traces=cache_path)
    manifest = json.loads((repo / "ctpairs-manifest.json").read_text())
    assert sorted(manifest["configs"]) == ["dose", "dose-all", "dose-traces"]  # none for the uncurated config

    (row,) = load_dataset(str(repo), "dose-traces", split=_split_of(repo))
    assert row["pair_id"] == BEVACIZUMAB and row["reasoning"] == row["completion"] == GOOD
    assert row["messages"][-1] == {"role": "assistant", "content": GOOD}
    assert (
        row["prompt"]
        == load_dataset(str(repo), "dose", split=_split_of(repo)).filter(lambda r: r["pair_id"] == BEVACIZUMAB)[0][
            "prompt"
        ]
    )
    traces = manifest["traces"]
    assert traces["generator"] == f"openai:{server.base_url}" and traces["model"] == server.model_name
    assert traces["template_version"] == TRACE_TEMPLATE_VERSION and traces["configs"] == {"dose-traces": 1}
    assert traces["sampling"] == {
        "temperature": 0,
        "top_p": 0.95,
        "max_tokens": 16,
        "samples": 1,
        "min_words": 20,
        "max_words": 300,
    }
    card = (repo / "README.md").read_text()
    assert "`dose-traces` (1 pairs)" in card and f"`{server.model_name}`" in card and "temperature 0" in card
    assert "config_name: dose-traces" in card and "| `reasoning` | string |" in card
    for path in repo.rglob("*"):
        assert not path.is_file() or KEY.encode() not in path.read_bytes(), path


def _split_of(repo):
    manifest = json.loads((repo / "ctpairs-manifest.json").read_text())
    return next(s for s, info in manifest["configs"]["dose-traces"]["splits"].items() if info["pairs"])


def _teach(model_dir, row, trace, out_dir):
    """A copy of the tiny model fitted to answer the teacher prompt of ``row`` with ``trace``
    (a plain torch loop on the completion tokens; a few dozen steps)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForCausalLM.from_pretrained(model_dir)
    prompt = tokenizer.apply_chat_template(teacher_messages(row), add_generation_prompt=True, return_tensors="pt")
    prompt = prompt if isinstance(prompt, torch.Tensor) else prompt["input_ids"]
    reply = tokenizer(trace + "<|im_end|>", return_tensors="pt", add_special_tokens=False)["input_ids"]
    ids = torch.cat([prompt, reply], 1)
    labels = ids.clone()
    labels[:, : prompt.shape[1]] = -100
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
    model.train()
    for _ in range(150):
        loss = model(input_ids=ids, labels=labels).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        if loss.item() < 0.02:
            break
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return out_dir


@pytest.mark.slow
def test_a_teacher_that_writes_a_good_trace_over_http_gets_it_kept(tiny_model, bevacizumab, tmp_path, monkeypatch):
    """Real generation end to end, kept: the tiny model fitted to one real good trace, served over HTTP."""
    taught = _teach(tiny_model, bevacizumab, GOOD, tmp_path / "taught")
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    with (
        ChatServer(taught, api_key=KEY, model_name=MODEL_NAME, max_new_tokens=256) as taught_server,
        TraceCache(tmp_path / "t.sqlite") as cache,
    ):
        generator = open_generator(
            f"openai:{taught_server.base_url}", taught_server.model_name, Sampling(temperature=0, max_tokens=160)
        )
        report = generate_traces([bevacizumab], generator, cache, samples=2, progress=False)
        kept = cache.kept(select_run(cache))
    assert report.kept == 1 and report.attempts == 1 and report.rejected == {}
    assert kept[BEVACIZUMAB].endswith("Answer: similar") and judge_trace(kept[BEVACIZUMAB], bevacizumab) is None
