"""Train on pair tasks with TRL: thin wrappers over ``SFTTrainer`` and ``GRPOTrainer``.

Both read one config (axis) of a pairs dataset: a Hub id (``"org/ctpairs"``, optionally at a
``revision`` such as ``"v1.0.0"``), a local dataset repo folder, or a single pairs Parquet file as
written by ``ctpairs build``. Rows without task columns get them from
:func:`ctpairs.tasks.task_columns`. GRPO rewards the parsed answer against the pair's label with
:func:`ctpairs.rewards.direction_reward`.

TRL, PEFT and Accelerate are optional: ``pip install 'ctpairs[train]'``. They are imported only
when a trainer is called, so importing this module stays fast.

Before anything heavy is loaded, a run checks what it is given (:mod:`ctpairs.train_checks`): the
output folder (an earlier run is refused unless ``overwrite`` or ``resume``), the dataset, config
and split (listing the ones there are), and the model. It trains on the CPU when torch sees no
accelerator. ``tiny_model=True`` starts from the tiny random model of :mod:`ctpairs.tiny` instead
of a model id: the whole recipe offline, in seconds (it learns nothing useful).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ctpairs.ctopen import CATEGORIES as BENCHMARK_CONFIGS
from ctpairs.errors import CtpairsError, TrainError, TrainExtraMissingError, UsageError
from ctpairs.rewards import decision_reward, direction_reward, format_reward
from ctpairs.tasks import TASK_COLUMNS, TaskTemplate, task_columns
from ctpairs.tiny import build_tiny_model, tiny_model_texts
from ctpairs.train_checks import (
    TINY_MODEL_DIR,
    check_dataset,
    check_model,
    check_output_dir,
    clear_output_dir,
    pick_device,
)

if TYPE_CHECKING:
    from datasets import Dataset

TRAIN_EXTRA_HINT = "pip install 'ctpairs[train]'"


def _require(*modules: str) -> None:
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            raise TrainExtraMissingError(
                f"training needs {name!r}, which is not installed: {TRAIN_EXTRA_HINT}"
            ) from exc


# -- data ---------------------------------------------------------------------------------------


def load_pairs_dataset(
    dataset: str | Path,
    config: str | None = None,
    *,
    split: str = "train",
    revision: str | None = None,
    max_samples: int | None = None,
    template: TaskTemplate | None = None,
) -> Dataset:
    """One split of a pairs dataset, with the task columns (:data:`ctpairs.tasks.TASK_COLUMNS`).

    ``dataset`` is a Hub dataset id or a local dataset repo folder (loaded with
    ``load_dataset(dataset, config, split=split, revision=revision)``), or a ``.parquet`` file of
    pairs (all of it is the split). Only pairs with a verifiable label are kept. Task columns are rendered when the rows lack them, or always
    when a ``template`` is given. ``max_samples`` keeps the first rows only.
    """
    from datasets import load_dataset

    path = Path(dataset)
    if path.suffix == ".parquet" and path.is_file():
        data = load_dataset("parquet", data_files=str(path), split="train")
    else:
        data = load_dataset(str(dataset), config, split=split, revision=revision)
    if "label" in data.column_names:
        # only a verifiable label is a training target (an `*-all` config also holds the others)
        data = data.filter(lambda label: bool(label.get("verifiable")), input_columns="label", desc="verifiable")
        if not len(data):
            raise CtpairsError(f"{dataset}: no pair with a verifiable label to train on")
    if max_samples is not None:
        data = data.select(range(min(max_samples, len(data))))
    if template is not None or not set(TASK_COLUMNS) <= set(data.column_names):
        missing = {"trial", "factual", "counterfactual", "change", "label"} - set(data.column_names)
        if missing:
            raise CtpairsError(
                f"{dataset} has neither the task columns nor the pair columns to render them "
                f"(missing {', '.join(sorted(missing))})"
            )
        data = data.map(lambda row: task_columns(row, template), desc="rendering tasks")
    return data


def _training_columns(data: Dataset, *, conversational: bool, keep: Iterable[str]) -> Dataset:
    """``prompt`` (a string, or the conversation without its last message), ``completion`` (the
    matching string or assistant message) and the ``keep`` columns; nothing else."""
    if conversational:
        data = data.map(
            lambda row: {"prompt": row["messages"][:-1], "completion": row["messages"][-1:]},
            remove_columns=["prompt", "completion"],
        )
    columns = ["prompt", "completion", *keep]
    return data.select_columns(columns)


def _peft_config(lora_r: int, lora_alpha: int, lora_dropout: float) -> Any:
    if lora_r <= 0:
        return None
    from peft import LoraConfig

    return LoraConfig(
        r=lora_r, lora_alpha=lora_alpha, lora_dropout=lora_dropout, target_modules="all-linear", task_type="CAUSAL_LM"
    )


def _common_args(
    output_dir: str | Path,
    *,
    learning_rate: float,
    num_train_epochs: float,
    max_steps: int,
    per_device_train_batch_size: int,
    gradient_accumulation_steps: int,
    seed: int,
    use_cpu: bool | None,
    bf16: bool | None,
    model_revision: str | None,
    config_kwargs: dict[str, Any],
) -> dict[str, Any]:
    use_cpu, bf16 = pick_device(use_cpu, bf16)
    args: dict[str, Any] = {
        "output_dir": str(output_dir),
        "learning_rate": learning_rate,
        "num_train_epochs": num_train_epochs,
        "max_steps": max_steps,
        "per_device_train_batch_size": per_device_train_batch_size,
        "gradient_accumulation_steps": gradient_accumulation_steps,
        "seed": seed,
        "use_cpu": use_cpu,
        "bf16": bf16,
    }
    if model_revision is not None:
        args["model_init_kwargs"] = {"revision": model_revision}
    return {**args, **config_kwargs}


def _make_config(cls: type, **kwargs: Any) -> Any:
    """``cls(**kwargs)``, with an unknown or invalid field reported as a :class:`CtpairsError`."""
    try:
        return cls(**kwargs)
    except (TypeError, ValueError) as exc:
        raise CtpairsError(f"invalid {cls.__name__} arguments: {exc}") from exc


def _prepare(
    dataset: str | Path,
    model: str | Path | None,
    *,
    tiny_model: bool,
    config: str | None,
    split: str,
    revision: str | None,
    model_revision: str | None,
    output_dir: str | Path,
    overwrite: bool,
    resume: bool,
    max_samples: int | None,
    template: TaskTemplate | None,
    lora_r: int,
) -> tuple[Dataset, str, bool]:
    """Check everything a run is given (extras, output folder, dataset, config, split, model) before
    loading anything heavy, then load the split; returns the data, the model to start from (the tiny
    random one, built into ``output_dir/tiny-model-init``, with ``tiny_model``) and whether to resume."""
    _require("trl", "accelerate", *(["peft"] if lora_r > 0 else []))
    if tiny_model == (model is not None):
        raise UsageError("give either a model (id or path) or tiny_model=True (--tiny-model), not both or neither")
    action = check_output_dir(output_dir, overwrite=overwrite, resume=resume)
    check_dataset(dataset, config, split=split, revision=revision)
    if model is not None:
        check_model(model, revision=model_revision)
    data = load_pairs_dataset(
        dataset, config, split=split, revision=revision, max_samples=max_samples, template=template
    )
    if action == "overwrite":
        clear_output_dir(output_dir)
    if tiny_model:
        model = build_tiny_model(tiny_model_texts(data), Path(output_dir) / TINY_MODEL_DIR)
    return data, str(model), action == "resume"


def _finish(trainer: Any, output_dir: str | Path, name: str, *, resume: bool = False) -> Path:
    """Train (from the last checkpoint when ``resume``), save the final model (and tokenizer) to
    ``output_dir`` and say where things went."""
    trainer.train(resume_from_checkpoint=True if resume else None)
    out = Path(output_dir)
    trainer.save_model(str(out))
    checkpoints = sorted(p.name for p in out.glob("checkpoint-*"))
    where = f"; checkpoints: {', '.join(checkpoints)}" if checkpoints else ""
    print(f"{name}: {trainer.state.global_step} steps; final model saved to {out.resolve()}{where}")
    return out


# -- trainers ------------------------------------------------------------------------------------


def train_sft(
    dataset: str | Path,
    model: str | Path | None = None,
    *,
    tiny_model: bool = False,
    overwrite: bool = False,
    resume: bool = False,
    config: str | None = None,
    split: str = "train",
    revision: str | None = None,
    model_revision: str | None = None,
    output_dir: str | Path = "ctpairs-sft",
    conversational: bool = False,
    learning_rate: float = 2e-5,
    num_train_epochs: float = 1.0,
    max_steps: int = -1,
    per_device_train_batch_size: int = 8,
    gradient_accumulation_steps: int = 1,
    max_length: int | None = 2048,
    lora_r: int = 0,
    lora_alpha: int = 32,
    lora_dropout: float = 0.05,
    seed: int = 42,
    use_cpu: bool | None = None,
    bf16: bool | None = None,
    max_samples: int | None = None,
    template: TaskTemplate | None = None,
    **config_kwargs: Any,
) -> Path:
    """Supervised fine-tuning on the pair tasks of one dataset config; returns ``output_dir``.

    The model learns the completion (reasoning + ``Answer: <direction>``) from the prompt, with the
    loss on the completion only. ``conversational=True`` trains on the chat messages instead (the
    tokenizer needs a chat template). ``lora_r > 0`` trains a LoRA adapter (all linear layers) in
    place of the full model. ``use_cpu=None`` trains on the CPU when torch sees no accelerator;
    ``bf16=None`` means bf16 on a GPU that supports it. Any other keyword goes to ``trl.SFTConfig``
    (e.g. ``logging_steps``, ``save_steps``, ``gradient_checkpointing``). The final model is saved
    to ``output_dir``; checkpoints go to ``output_dir/checkpoint-<step>``. An ``output_dir`` holding
    an earlier run is refused unless ``overwrite`` (it is removed first) or ``resume`` (training
    continues from its last checkpoint). ``tiny_model=True`` (no ``model``) starts from a tiny random
    model built on the dataset's texts (:mod:`ctpairs.tiny`).

    Raises:
        TrainError: the output folder, dataset, config, split or model is not usable (the subclass says
            which: :class:`~ctpairs.errors.ConfigNotFoundError` lists the configs...).
    """
    data, start, resumed = _prepare(
        dataset,
        model,
        tiny_model=tiny_model,
        config=config,
        split=split,
        revision=revision,
        model_revision=model_revision,
        output_dir=output_dir,
        overwrite=overwrite,
        resume=resume,
        max_samples=max_samples,
        template=template,
        lora_r=lora_r,
    )
    from trl import SFTConfig, SFTTrainer

    data = _training_columns(data, conversational=conversational, keep=())
    args = _make_config(
        SFTConfig,
        max_length=max_length,
        **_common_args(
            output_dir,
            learning_rate=learning_rate,
            num_train_epochs=num_train_epochs,
            max_steps=max_steps,
            per_device_train_batch_size=per_device_train_batch_size,
            gradient_accumulation_steps=gradient_accumulation_steps,
            seed=seed,
            use_cpu=use_cpu,
            bf16=bf16,
            model_revision=model_revision,
            config_kwargs=config_kwargs,
        ),
    )
    trainer = SFTTrainer(
        model=start, args=args, train_dataset=data, peft_config=_peft_config(lora_r, lora_alpha, lora_dropout)
    )
    if not len(trainer.train_dataset):
        raise TrainError(
            f"none of the {len(data)} examples keeps its completion within max_length={max_length} tokens "
            "(the prompts are longer): raise --max-length"
        )
    return _finish(trainer, output_dir, "sft", resume=resumed)


def train_grpo(
    dataset: str | Path,
    model: str | Path | None = None,
    *,
    tiny_model: bool = False,
    overwrite: bool = False,
    resume: bool = False,
    config: str | None = None,
    split: str = "train",
    revision: str | None = None,
    model_revision: str | None = None,
    output_dir: str | Path = "ctpairs-grpo",
    conversational: bool = False,
    learning_rate: float = 1e-6,
    num_train_epochs: float = 1.0,
    max_steps: int = -1,
    per_device_train_batch_size: int = 8,
    gradient_accumulation_steps: int = 1,
    num_generations: int = 8,
    max_completion_length: int = 256,
    lora_r: int = 0,
    lora_alpha: int = 32,
    lora_dropout: float = 0.05,
    seed: int = 42,
    use_cpu: bool | None = None,
    bf16: bool | None = None,
    max_samples: int | None = None,
    template: TaskTemplate | None = None,
    reward_format: bool = False,
    **config_kwargs: Any,
) -> Path:
    """GRPO with verifiable rewards on the pair tasks of one dataset config; returns ``output_dir``.

    For each prompt the model samples ``num_generations`` completions; each scores 1.0 when its
    ``Answer:`` matches the pair's label direction (:func:`ctpairs.rewards.direction_reward`), plus,
    with ``reward_format=True``, 1.0 for ending on the exact answer line
    (:func:`ctpairs.rewards.format_reward`); on the benchmark-format configs (``superiority``,
    ``comparative``, ``endpoint``) the reward is :func:`ctpairs.rewards.decision_reward` alone. ``per_device_train_batch_size *
    gradient_accumulation_steps`` must be a multiple of ``num_generations``. ``conversational``,
    ``lora_r``, ``use_cpu``, ``bf16``, ``overwrite``, ``resume``, ``tiny_model``, the errors raised and
    extra keywords (to ``trl.GRPOConfig``, e.g. ``temperature``, ``beta``) are as in :func:`train_sft`. The prompts are not truncated: pick a model whose context holds
    them plus ``max_completion_length``.
    """
    data, start, resumed = _prepare(
        dataset,
        model,
        tiny_model=tiny_model,
        config=config,
        split=split,
        revision=revision,
        model_revision=model_revision,
        output_dir=output_dir,
        overwrite=overwrite,
        resume=resume,
        max_samples=max_samples,
        template=template,
        lora_r=lora_r,
    )
    from trl import GRPOConfig, GRPOTrainer

    data = _training_columns(data, conversational=conversational, keep=("answer",)).remove_columns("completion")
    args = _make_config(
        GRPOConfig,
        num_generations=num_generations,
        max_completion_length=max_completion_length,
        **_common_args(
            output_dir,
            learning_rate=learning_rate,
            num_train_epochs=num_train_epochs,
            max_steps=max_steps,
            per_device_train_batch_size=per_device_train_batch_size,
            gradient_accumulation_steps=gradient_accumulation_steps,
            seed=seed,
            use_cpu=use_cpu,
            bf16=bf16,
            model_revision=model_revision,
            config_kwargs=config_kwargs,
        ),
    )
    rewards: list[Callable[..., list[float]]] = (
        [decision_reward]  # the CT Open-format configs: the DECISION line, as CT Open scores it
        if config in BENCHMARK_CONFIGS
        else [direction_reward] + ([format_reward] if reward_format else [])
    )
    trainer = GRPOTrainer(
        model=start,
        reward_funcs=rewards,
        args=args,
        train_dataset=data,
        peft_config=_peft_config(lora_r, lora_alpha, lora_dropout),
    )
    return _finish(trainer, output_dir, "grpo", resume=resumed)
