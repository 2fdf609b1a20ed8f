"""Task rendering (ctpairs.tasks) on real built pairs of every axis, and the GRPO rewards (ctpairs.rewards)."""

import copy
import json
import re

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import ctpairs.tasks as tasks_module
from ctpairs.builder import available_builders
from ctpairs.peeking import find_peeks
from ctpairs.polarity import better_direction, outcome_polarity
from ctpairs.rewards import completion_text, direction_reward, format_reward, parse_answer
from ctpairs.schema import DIRECTIONS
from ctpairs.tasks import (
    ANSWER_PLACEHOLDERS,
    DEFAULT_TEMPLATE,
    PROMPT_PLACEHOLDERS,
    RESTATING_TEMPLATE,
    TASK_COLUMNS,
    TEMPLATE_VERSION,
    TaskTemplate,
    answer_fields,
    format_number,
    prompt_fields,
    task_columns,
    task_features,
    template_peeks,
)
from ctpairs.timepoints import without_times
from tests._pairs import build_small_pairs


@pytest.fixture(scope="module")
def rows(tmp_path_factory):
    """The verifiable pairs of a small build: task columns ask for a verifiable answer."""
    out = build_small_pairs(tmp_path_factory.mktemp("pairs"), approximate=True)
    rows = [row for path in sorted(out.glob("*.parquet")) for row in pq.read_table(path).to_pylist()]
    return [row for row in rows if row["label"]["verifiable"]]


def approximate(row: dict) -> dict:
    """A real pair recast as an approximate (cross-trial) geography pair."""
    row = copy.deepcopy(row)
    row.update(
        axis="geography",
        kind="approximate",
        cf_nct_id="NCT09999999",
        similarity=0.91,
        matched_on=["condition", "intervention", "dose"],
    )
    row["change"] = {"attribute": "country", "from": "United States", "to": "Japan", "ratio": None}
    row["counterfactual"]["group_title"] = "Japan cohort"
    return row


def all_rows(rows):
    return rows + [approximate(r) for r in rows[::25]]


def test_pairs_of_natural_and_approximate_axes(rows):
    kinds = {name: getattr(cls, "kind", "natural") for name, cls in available_builders().items()}
    axes = {r["axis"] for r in rows}
    assert {name for name, kind in kinds.items() if kind == "natural"} <= axes
    assert any(kinds[a] == "approximate" for a in axes)
    assert any(r["cf_nct_id"] != r["nct_id"] for r in rows)
    assert {r["label"]["direction"] for r in rows} == set(DIRECTIONS)
    methods = {r["label"]["method"] for r in rows}
    assert {"trial_analysis", "welch_t", "fisher_exact"} <= methods and "none" not in methods


def test_renders_every_axis(rows):
    for row in all_rows(rows):
        task = task_columns(row)
        assert set(task) == set(TASK_COLUMNS)
        assert task["answer"] == row["label"]["direction"]
        prompt = task["prompt"]
        assert prompt.endswith("\n") and not prompt.endswith("\n\n")
        assert row["factual"]["group_title"] in prompt
        assert format_number(row["factual"]["result"]["value"]) in prompt
        assert f"{row['change']['from']} -> {row['change']['to']}" in prompt
        assert row["trial"]["title"] in prompt
        assert [m["role"] for m in task["messages"]] == ["system", "user", "assistant"]
        system, user, assistant = (m["content"] for m in task["messages"])
        assert prompt == f"{system}\n\n{user}\n"
        assert assistant == task["completion"]
        if row["cf_nct_id"] != row["nct_id"]:
            assert f"{row['cf_nct_id']} (a different trial" in prompt
            assert f"Held equal: {', '.join(row['matched_on'])}" in prompt


def _hide_counterfactual_result(row: dict) -> dict:
    row = copy.deepcopy(row)
    result = row["counterfactual"]["result"]
    result.update(value=result["value"] + 12345.678, spread=7.77, lower=-1.5, upper=99.25, n=4321.0)
    flipped = {"higher": "lower", "lower": "similar", "similar": "higher"}[row["label"]["direction"]]
    row["label"].update(
        direction=flipped, delta=-3.5, relative_delta=0.5, significant=True, p_value=0.001, method="trial_analysis"
    )
    return row


def test_prompt_does_not_depend_on_counterfactual_result_or_label(rows):
    for row in all_rows(rows):
        task, other = task_columns(row), task_columns(_hide_counterfactual_result(row))
        assert other["prompt"] == task["prompt"]
        assert other["messages"][:-1] == task["messages"][:-1]
        assert other["completion"] != task["completion"]


def test_counterfactual_value_not_in_prompt(rows):
    checked = 0
    for row in all_rows(rows):
        value = format_number(row["counterfactual"]["result"]["value"])
        cf_setting = {k: v for k, v in row["counterfactual"].items() if k != "result"}
        shown = json.dumps({k: v for k, v in row.items() if k not in ("counterfactual", "label", "provenance")})
        if value in shown or value in json.dumps(cf_setting):
            continue  # the same number is part of what the prompt may show
        checked += 1
        assert not re.search(rf"(?<![\d.]){re.escape(value)}(?![\d])", task_columns(row)["prompt"]), row["pair_id"]
    assert checked > len(rows) // 3  # small counts such as 0 or 1 often appear elsewhere in the record


def test_default_completion_reasons_without_counterfactual_values_and_parses_back(rows):
    polarities = 0
    for row in all_rows(rows):
        task = task_columns(row)
        completion = task["completion"]
        assert find_peeks(completion, row, task["prompt"]) == [], row["pair_id"]
        assert format_number(row["factual"]["result"]["value"]) in completion
        assert f"from {row['change']['from']} to {row['change']['to']}" in completion
        assert completion.splitlines()[-1] == f"Answer: {task['answer']}"
        assert parse_answer(completion) == task["answer"] and format_reward([completion]) == [1.0]
        outcome = row["factual"]["outcome"]
        better = better_direction(
            outcome_polarity(outcome["title"], outcome["description"], outcome["unit"], outcome["param_type"])
        )
        said = "values are better." in completion
        # the measure's direction, or nothing: nothing when a category's own words do not agree with it
        assert not said or f"For this outcome, {better} values are better." in completion
        if not without_times(row["factual"]["result"]["category"] or ""):
            assert said == (better is not None)
        polarities += said
        same_trial = "same trial" in completion
        assert same_trial == (row["cf_nct_id"] == row["nct_id"])
        if row["change"].get("ratio") and row["change"]["ratio"] > 1:
            assert f"{format_number(round(row['change']['ratio'], 2))}-fold increase" in completion
    # most rows of these trials are categories of adverse-event tables, and a category whose own
    # words give no direction ("Pruritus") carries no sentence
    assert polarities > len(rows) // 3


@pytest.mark.parametrize(
    ("title", "unit", "param_type", "category", "said"),
    [
        # real rows of the shared records: one category of a count says who is counted
        ("Best Objective Response (BoR)", "Participants", "count_of_participants", "PD", None),
        (
            "Number of Participants Who Perceived Improvement of CH-Associated Pain",
            "Participants",
            "count_of_participants",
            "Slightly worse, Week 8",
            None,
        ),
        (
            "Number of Participants With Adverse Events (AEs)",
            "Participants",
            "count_of_participants",
            "Any AE",
            "lower",
        ),
        # a category of a scale keeps the measure's direction unless its own words say otherwise
        (
            "Change From Baseline in Patient-Reported Lung Cancer Symptoms",
            "Units on a scale",
            "mean",
            "Cough, Week 24",
            "lower",
        ),
        (
            "Change From Baseline in EQ-5D Index",
            "Units on a scale",
            "mean",
            "Change from Baseline to Week 8 (n=231, 232)",
            "higher",
        ),
        ("Mean Change of Questionnaire EQ-5D-3L", "Units on a scale", "mean", "Pain at baseline", None),
    ],
)
def test_the_polarity_sentence_of_a_category_row(title, unit, param_type, category, said):
    from ctpairs.tasks import _polarity

    side = {"outcome": {"title": title, "description": None, "unit": unit, "param_type": param_type}}
    side["result"] = {"category": category}
    assert _polarity(side) == (f"For this outcome, {said} values are better." if said else "")


def test_default_completion_does_not_depend_on_counterfactual_values_beyond_the_label(rows):
    for row in all_rows(rows):
        other = copy.deepcopy(row)
        other["counterfactual"]["result"].update(value=987654.5, spread=1.25, n=3.0)
        other["label"].update(delta=-3.5, relative_delta=0.5, p_value=0.0123)
        assert task_columns(other)["completion"] == task_columns(row)["completion"]


def test_restating_completion_states_numbers_and_parses_back(rows):
    assert template_peeks(RESTATING_TEMPLATE) and not template_peeks(DEFAULT_TEMPLATE)
    for row in all_rows(rows):
        task = task_columns(row, RESTATING_TEMPLATE)
        completion = task["completion"]
        assert format_number(row["factual"]["result"]["value"]) in completion
        assert format_number(row["counterfactual"]["result"]["value"]) in completion
        assert completion.splitlines()[-1] == f"Answer: {task['answer']}"
        assert parse_answer(completion) == task["answer"]
        assert direction_reward([completion], answer=[task["answer"]]) == [1.0]
        assert direction_reward([task["messages"][-1:]], answer=[task["answer"]]) == [1.0]
        assert format_reward([completion]) == [1.0]


def test_completion_explains_the_label_method(rows):
    by_method = {
        r["label"]["method"]: task_columns(r, RESTATING_TEMPLATE)["completion"]
        for r in rows
        if r["label"]["delta"] != 0
    }
    assert "trial's own analysis" in by_method["trial_analysis"]
    assert "A test of the posted numbers (welch t)" in by_method["welch_t"]
    assert "A test of the posted numbers (fisher exact)" in by_method["fisher_exact"]


def test_unverifiable_label_has_no_task():
    row = {"pair_id": "x", "label": {"direction": "indeterminate"}}
    with pytest.raises(ValueError, match="indeterminate"):
        task_columns(row)


def test_task_columns_fit_their_arrow_types(rows):
    table = pa.Table.from_pylist([task_columns(r) for r in rows[:20]], schema=pa.schema(list(TASK_COLUMNS.items())))
    assert table.num_rows == 20
    features = task_features()
    assert list(features) == list(TASK_COLUMNS)
    assert features.arrow_schema.field("messages").type == TASK_COLUMNS["messages"]


def test_documented_placeholders_are_the_rendered_fields(rows):
    assert set(prompt_fields(rows[0])) == set(PROMPT_PLACEHOLDERS)
    assert set(answer_fields(rows[0])) == set(ANSWER_PLACEHOLDERS)
    for name in PROMPT_PLACEHOLDERS + ANSWER_PLACEHOLDERS:
        assert f"``{{{name}}}``" in tasks_module.__doc__ or name in ("axis", "kind"), name  # axis, kind share a row


def test_custom_template(rows):
    template = TaskTemplate(
        system="",
        user="{change_attribute} {change_from} -> {change_to} on {outcome}; {choices}?",
        assistant="{evidence}\nAnswer: {answer}",
        version="mine",
    )
    task = task_columns(rows[0], template)
    assert [m["role"] for m in task["messages"]] == ["user", "assistant"]
    assert task["prompt"] == task["messages"][0]["content"] + "\n"
    assert "higher, lower or similar?" in task["prompt"]
    assert parse_answer(task["completion"]) == rows[0]["label"]["direction"]
    assert DEFAULT_TEMPLATE.version == TEMPLATE_VERSION == "v2" and RESTATING_TEMPLATE.version == "v1"


@pytest.mark.parametrize("user", ["{factual_value} vs {counterfactual_value}?", "Say {answer}", "{delta}"])
def test_template_refuses_answer_placeholders_in_prompt(user):
    with pytest.raises(ValueError, match="reveal the answer"):
        TaskTemplate(system="", user=user, assistant="Answer: {answer}")


def test_template_refuses_unknown_placeholders():
    with pytest.raises(ValueError, match="unknown placeholder"):
        TaskTemplate(system="{persona}", user="{change}", assistant="Answer: {answer}")


def test_unknown_direction_is_refused(rows):
    row = copy.deepcopy(rows[0])
    row["label"]["direction"] = "up"
    with pytest.raises(ValueError, match="label direction"):
        task_columns(row)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (75.0, "75"),
        (2.54, "2.54"),
        (-0.5, "-0.5"),
        (0.000123, "0.000123"),
        (1234567.5, "1234567.5"),
        (1e-7, "0.0000001"),
        (1 / 3, "0.333333"),
    ],
)
def test_format_number(value, text):
    assert format_number(value) == text


# -- rewards ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The dose doubles.\nAnswer: higher", "higher"),
        ("**Answer:** Lower", "lower"),
        ("answer - similar.", "similar"),
        ("Answer: higher\nOn second thought... Answer: lower", "lower"),
        ("similar", "similar"),
        ("  Higher. ", "higher"),
        ("higher or lower", None),
        ("Answer: maybe", None),
        ("Answer: highest", None),
        ("", None),
        (None, None),
        (5, None),
        (3.2, None),
        ({"content": 1}, None),
        ({"role": "assistant", "content": "Answer: lower"}, "lower"),
        (
            [{"role": "user", "content": "Answer: lower?"}, {"role": "assistant", "content": "Answer: similar"}],
            "similar",
        ),
        ([{"role": "user", "content": "Answer: lower"}], None),
        ([{"role": "assistant", "content": None}], None),
        ([], None),
        (["Answer: higher"], None),
    ],
)
def test_parse_answer(text, expected):
    assert parse_answer(text) == expected


def test_completion_text_takes_last_assistant_message():
    conversation = [
        {"role": "assistant", "content": "first"},
        {"role": "user", "content": "u"},
        {"role": "assistant", "content": "last"},
    ]
    assert completion_text(conversation) == "last"
    assert completion_text("plain") == "plain"
    assert completion_text(42) is None


def test_direction_reward_scores_and_never_raises():
    completions = [
        "Answer: higher",
        "Answer: lower",
        None,
        3,
        {"x": 1},
        "",
        "garbage",
        ["Answer: higher"],
        [{"role": "assistant", "content": "Reasoning.\nAnswer: similar"}],
        "Answer: SIMILAR",
    ]
    answers = ["higher", "higher", "higher", "lower", "lower", "similar", "similar", "higher", "similar", "similar"]
    assert direction_reward(completions, answer=answers) == [1.0, 0.0, 0, 0, 0, 0, 0, 0, 1.0, 1.0]


def test_direction_reward_takes_trl_keywords_and_odd_answers():
    kwargs = dict(
        prompts=["p", "p"],
        completion_ids=[[1], [2]],
        trainer_state=None,
        log_extra=None,
        log_metric=None,
        pair_id=["a", "b"],
    )
    assert direction_reward(["Answer: lower", "Answer: higher"], answer=["lower", "lower"], **kwargs) == [1.0, 0.0]
    assert direction_reward(["Answer: lower", "Answer: lower"], answer="lower") == [1.0, 1.0]  # one answer for all
    assert direction_reward(["Answer: lower", "Answer: lower"], answer=["lower"]) == [1.0, 0.0]  # too few answers
    assert direction_reward(["Answer: lower"], answer=None) == [0.0]
    assert direction_reward(["Answer: lower"], answer=[None]) == [0.0]
    assert direction_reward(["Answer: lower"], answer=[{"direction": "lower"}]) == [0.0]
    assert direction_reward(["Answer: lower"], answer=[" Lower "]) == [1.0]
    assert direction_reward([], answer=[]) == []
    assert direction_reward(None) == []


def test_format_reward():
    completions = [
        "Because.\nAnswer: higher\n",
        "Answer: higher.",
        "answer: higher",
        "Answer: higher\nmore text",
        None,
        7,
        [{"role": "assistant", "content": "x\nAnswer: similar"}],
        "",
    ]
    assert format_reward(completions) == [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0]
