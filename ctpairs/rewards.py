"""Verifiable rewards for GRPO on pair tasks, with TRL's reward-function signature.

TRL calls a reward function as ``f(prompts=..., completions=..., completion_ids=..., **columns)``,
where ``columns`` are the dataset's other columns (here ``answer``, from
:func:`ctpairs.tasks.task_columns`), one value per completion. Completions are strings for
standard prompts, or lists of message dicts for conversational prompts. Both rewards here never
raise on malformed input: anything they cannot read scores 0.0.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ctpairs.schema import DIRECTIONS

_WORDS = "|".join(DIRECTIONS)
_ANSWER = re.compile(rf"answer\W{{0,6}}({_WORDS})\b", re.IGNORECASE)
_BARE = re.compile(rf"^\W*({_WORDS})\W*$", re.IGNORECASE)
_FINAL_LINE = re.compile(rf"^Answer: ({_WORDS})$")


def completion_text(completion: Any) -> str | None:
    """The text of one completion: the string itself, or the content of the last assistant
    message of a conversational completion (a list of ``{"role", "content"}`` dicts, or one such
    dict); ``None`` when there is none."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, dict):
        completion = [completion]
    if isinstance(completion, (list, tuple)):
        for message in reversed(completion):
            if isinstance(message, dict) and message.get("role", "assistant") == "assistant":
                content = message.get("content")
                return content if isinstance(content, str) else None
    return None


def parse_answer(text: Any) -> str | None:
    """The direction a completion answers (``higher``, ``lower`` or ``similar``), or ``None``.

    The last ``Answer: <direction>`` in the text wins (case-insensitive, tolerating markup such
    as ``**Answer:** lower``); failing that, a completion that is just the word itself counts.
    Conversational completions are read as by :func:`completion_text`.
    """
    text = completion_text(text)
    if not text:
        return None
    found = _ANSWER.findall(text)
    if found:
        return found[-1].lower()
    bare = _BARE.match(text.strip())
    return bare.group(1).lower() if bare else None


def _answers(answer: Any, count: int) -> list[Any]:
    if isinstance(answer, str) or answer is None:
        return [answer] * count
    answers = list(answer) if isinstance(answer, Sequence) else [answer] * count
    return answers + [None] * (count - len(answers))


def direction_reward(
    completions: Sequence[Any], answer: Sequence[str] | str | None = None, **kwargs: Any
) -> list[float]:
    """1.0 for each completion whose parsed answer (:func:`parse_answer`) equals its ``answer``
    (the pair's label direction), else 0.0. Unreadable completions or answers score 0.0.

    Pass it to ``GRPOTrainer(reward_funcs=[direction_reward])`` with a dataset that has an
    ``answer`` column; extra keyword arguments from the trainer are ignored.
    """
    completions = list(completions or [])
    rewards = []
    for completion, expected in zip(completions, _answers(answer, len(completions))):
        got = parse_answer(completion)
        ok = got is not None and isinstance(expected, str) and got == expected.strip().lower()
        rewards.append(1.0 if ok else 0.0)
    return rewards


def format_reward(completions: Sequence[Any], **kwargs: Any) -> list[float]:
    """1.0 for each completion whose last non-empty line is exactly ``Answer: higher``,
    ``Answer: lower`` or ``Answer: similar`` (the form the task asks for), else 0.0."""
    rewards = []
    for completion in list(completions or []):
        text = completion_text(completion)
        lines = [line.strip() for line in text.splitlines() if line.strip()] if text else []
        rewards.append(1.0 if lines and _FINAL_LINE.match(lines[-1]) else 0.0)
    return rewards


_OPTION_LINE = re.compile(r"^Option (\d+):", re.MULTILINE)


def _option_count(prompt: Any) -> int | None:
    """How many options a CT Open-format prompt numbers (``Option N:`` lines), or ``None``."""
    if isinstance(prompt, (list, tuple)):
        prompt = "\n".join(m.get("content") or "" for m in prompt if isinstance(m, dict))
    numbers = [int(n) for n in _OPTION_LINE.findall(prompt)] if isinstance(prompt, str) else []
    return max(numbers) if numbers else None


def decision_reward(
    completions: Sequence[Any],
    answer: Sequence[str] | str | None = None,
    prompts: Sequence[Any] | None = None,
    **kwargs: Any,
) -> list[float]:
    """1.0 for each completion whose ``DECISION: (s1, s2[, s3])`` line picks the true option
    (``answer``: its index, as the benchmark-format configs store it), read exactly as CT Open's
    scorer reads it (:func:`ctpairs.ctscore.decide`: argmax of the normalized scores); 0.0 for a
    wrong pick or a malformed line. When ``prompts`` are given, a line whose number of scores
    differs from the prompt's number of options is malformed."""
    from ctpairs.ctscore import decide

    completions = list(completions or [])
    prompt_list = list(prompts) if prompts is not None else [None] * len(completions)
    rewards = []
    for completion, expected, prompt in zip(completions, _answers(answer, len(completions)), prompt_list):
        pick, _ = decide(completion_text(completion), _option_count(prompt))
        rewards.append(1.0 if str(pick) == str(expected).strip() else 0.0)
    return rewards
