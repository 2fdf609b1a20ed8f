"""CT Open reader, prompt and scorer on the real 18-item Winter 2025 sample (a fixture, never a score)."""

import ast
import math
import pickle
import random
from pathlib import Path

import pytest

from ctpairs.ctopen import (
    COMPARATIVE,
    ENDPOINT,
    SUPERIORITY,
    CTOpenError,
    benchmark_questions,
    comparative_options,
    load_benchmark,
    render_prompt,
    safe_loads,
    superiority_options,
)
from ctpairs.ctscore import decide, decision_line, parse_decision, score_runs
from ctpairs.rewards import decision_reward

SAMPLE = Path(__file__).parent / "data" / "ctopen_winter_2025_sample.pickle"


@pytest.fixture(scope="module")
def benchmark():
    return load_benchmark(SAMPLE)


@pytest.fixture(scope="module")
def questions(benchmark):
    return list(benchmark_questions(benchmark))


class _Payload:
    def __reduce__(self):
        return (Path.touch, (Path(_Payload.target),))


def test_a_pickle_holding_a_class_is_refused_and_nothing_runs(tmp_path):
    _Payload.target = str(tmp_path / "ran")
    bad = tmp_path / "bad.pickle"
    bad.write_bytes(pickle.dumps({("NCT1", "e"): _Payload()}))
    with pytest.raises(CTOpenError, match="pathlib"):
        load_benchmark(bad)
    assert not (tmp_path / "ran").exists()
    with pytest.raises(CTOpenError, match="builtins"):
        safe_loads(pickle.dumps(print))  # even a builtin function is a global: refused


def test_bad_files_are_typed_errors(tmp_path):
    (tmp_path / "text.pickle").write_text("not a pickle")
    with pytest.raises(CTOpenError, match="not a readable pickle"):
        load_benchmark(tmp_path / "text.pickle")
    (tmp_path / "list.pickle").write_bytes(pickle.dumps([1, 2]))
    with pytest.raises(CTOpenError, match="non-empty dict"):
        load_benchmark(tmp_path / "list.pickle")
    with pytest.raises(CTOpenError, match="cannot read"):
        load_benchmark(tmp_path / "missing.pickle")


def test_questions_of_every_kind(benchmark, questions):
    assert len(benchmark) == 18
    assert len(questions) == sum(len(v["question_list_of_lists"]) for v in benchmark.values())
    kinds = {q.category for q in questions}
    assert kinds == {ENDPOINT, SUPERIORITY, COMPARATIVE}
    for q in questions:
        item = benchmark[q.key[:2]]
        assert q.options[q.answer] == item["answer_list_of_lists"][q.key[2]]
        if q.category == SUPERIORITY:
            assert q.options == superiority_options(q.arm_x, q.arm_y)  # CT Open's sentences, verbatim
        if q.category == COMPARATIVE:
            assert q.options == comparative_options(q.arm_x, q.arm_y)


def test_prompt_shows_the_trial_and_never_the_results(benchmark, questions):
    for q in questions:
        prompt = render_prompt(q)
        item = benchmark[q.key[:2]]
        assert item["brief_title"] in prompt
        assert all(f"Option {i + 1}: {o}" in prompt for i, o in enumerate(q.options))
        assert q.endpoint["timeFrame"] in prompt
        for arm in item["arms"]:
            assert arm["label"] in prompt
        for snippets in item["reported_results"].values():
            for text in snippets["results"]:
                assert text not in prompt
        assert "MET" not in prompt.replace("met this", "")


def _random_output(rng, n):
    scores = [round(rng.random(), 3) + 0.001 for _ in range(n)]
    style = rng.randrange(3)
    if style == 0:
        return f"Reasoning.\nDECISION: ({', '.join(map(str, scores))})"
    if style == 1:
        return f"**DECISION:** ({', '.join(map(str, scores))}) and more\nignored"
    return "```python\nDECISION: (" + ", ".join(map(str, scores)) + ")\n```"


def _reference(runs, benchmark, three_way_mapped):
    """An independent reading of CT Open's evaluation.py rules (no ctpairs code)."""
    cats = {}
    per_run = []
    for run in runs:
        data = {}
        for (nct, ep, i), out in run.items():
            item = benchmark[(nct, ep)]
            question, answer = item["question_list_of_lists"][i], item["answer_list_of_lists"][i]
            implicit = item["meta_label"] in ("no_arm", "no_distinguishable_arm")
            cat = f"{len(question)}-way_{'implicit' if implicit else 'explicit'}"
            for t in ("*", "#", "```python", "```"):
                out = out.replace(t, "")
            raw = ast.literal_eval(out.split("DECISION:")[-1].strip().split("\n")[0].strip().split(")")[0] + ")")
            probs = [x / sum(raw) for x in raw]
            probs = [min(max(p, 1e-12), 1.0) for p in probs]
            probs = [p / sum(probs) for p in probs]
            pred = probs.index(max(probs))
            truth = question.index(answer)
            data.setdefault(cat, []).append((truth, pred, probs[truth]))
        result = {}
        for cat, rows in data.items():
            t = [r[0] for r in rows]
            p = [r[1] for r in rows]
            if cat == "3-way_explicit" and three_way_mapped:
                t = [1 if x < 2 else 0 for x in t]
                p = [1 if x < 2 else 0 for x in p]
            classes = sorted(set(t))
            w_acc = sum(sum(pp == c for tt, pp in zip(t, p) if tt == c) / t.count(c) for c in classes) / len(classes)
            f1s = []
            for c in sorted(set(t) | set(p)):
                tp = sum(tt == c and pp == c for tt, pp in zip(t, p))
                fp = sum(tt != c and pp == c for tt, pp in zip(t, p))
                fn = sum(tt == c and pp != c for tt, pp in zip(t, p))
                f1s.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
            ce = sum(-math.log(max(r[2], 1e-12)) for r in rows) / len(rows)
            result[cat] = (w_acc, sum(f1s) / len(f1s), ce)
            cats[cat] = True
        per_run.append(result)
    final = {c: tuple(sum(r[c][k] for r in per_run) / len(per_run) for k in range(3)) for c in cats}
    final["overall"] = tuple(sum(final[c][k] for c in cats) / len(cats) for k in range(3))
    return final


@pytest.mark.parametrize("n_runs", [1, 3])
def test_metrics_equal_an_independent_reimplementation(benchmark, questions, n_runs):
    rng = random.Random(n_runs)
    runs = [{q.key: _random_output(rng, len(q.options)) for q in questions} for _ in range(n_runs)]
    ours = score_runs(runs, questions)
    assert ours["malformed"] == 0 and ours["runs"] == n_runs and ours["questions"] == len(questions)
    names = {"binary_mapped": ("2-way_implicit", "2-way_explicit", "3-way_explicit")}
    names["three_class"] = ("Endpoint", "Superiority", "ComparativeEffect")
    for version, mapped in (("binary_mapped", True), ("three_class", False)):
        ref = _reference(runs, benchmark, mapped)
        for ours_name, ref_name in zip(
            (*names[version], "overall"), ("2-way_implicit", "2-way_explicit", "3-way_explicit", "overall")
        ):
            got = ours[version][ours_name]
            assert [got["Weighted_Accuracy"], got["Macro-F1"], got["Cross_Entropy"]] == pytest.approx(
                list(ref[ref_name]), abs=1e-12
            )
    # the two versions differ on the 3-way category only
    assert ours["binary_mapped"]["2-way_explicit"] == ours["three_class"]["Superiority"]


def test_perfect_and_malformed_outputs(questions):
    perfect = {q.key: decision_line([1.0 if i == q.answer else 0.0 for i in range(len(q.options))]) for q in questions}
    scores = score_runs([perfect], questions)
    for version in ("binary_mapped", "three_class"):
        assert scores[version]["overall"]["Weighted_Accuracy"] == 1.0
        assert scores[version]["overall"]["Macro-F1"] == 1.0
        assert scores[version]["overall"]["Cross_Entropy"] < 1e-9
    broken = {q.key: "I cannot decide." for q in questions}
    bad = score_runs([broken], questions)
    assert bad["malformed"] == len(questions)
    assert bad["binary_mapped"]["overall"]["Weighted_Accuracy"] == 0.0
    assert bad["three_class"]["overall"]["Cross_Entropy"] == pytest.approx(-math.log(1e-12))


@pytest.mark.parametrize(
    ("text", "n", "expected"),
    [
        ("x\nDECISION: (0.2, 0.8)", 2, (1, [0.2, 0.8])),
        ("DECISION: (2, 1, 1)", 3, (0, [0.5, 0.25, 0.25])),
        ("DECISION: (0.5, 0.5)", 2, (0, [0.5, 0.5])),  # ties: the first option
        ("DECISION: (0.2, 0.8)", 3, (-1, None)),  # wrong number of scores
        ("DECISION: (-1, 2)", 2, (-1, None)),
        ("DECISION: (0, 0)", 2, (-1, None)),
        ("DECISION: option 2", 2, (-1, None)),
        ("no decision", 2, (-1, None)),
        (None, 2, (-1, None)),
    ],
)
def test_decide(text, n, expected):
    pick, probs = decide(text, n)
    assert pick == expected[0]
    assert probs == (pytest.approx(expected[1]) if expected[1] else None)


def test_decision_reward(questions):
    q = next(q for q in questions if q.category == COMPARATIVE)
    prompt = render_prompt(q)
    right = decision_line([1.0 if i == q.answer else 0.0 for i in range(3)])
    wrong = decision_line([0.0 if i == q.answer else 0.5 for i in range(3)])
    rewards = decision_reward(
        [right, wrong, "DECISION: (1, 0)", "nothing", [{"role": "assistant", "content": right}]],
        answer=[str(q.answer)] * 5,
        prompts=[prompt] * 5,
    )
    assert rewards == [1.0, 0.0, 0.0, 0.0, 1.0]
    assert decision_reward([right], answer=str(q.answer)) == [1.0]
    assert parse_decision(right) is not None
