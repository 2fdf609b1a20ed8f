"""Checks of what a training run is given, before anything heavy is loaded.

A training run reads a dataset config and split, loads a model, and writes an output folder. Each
of these can be wrong in a way that otherwise shows up minutes later as a traceback from deep
inside ``datasets``, ``transformers`` or TRL. These functions look first (configs and splits from
the dataset's metadata, the model's ``config.json``, the output folder's contents) and raise a
typed :class:`~ctpairs.errors.TrainError` that says what to do.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ctpairs.errors import (
    ConfigNotFoundError,
    DatasetNotFoundError,
    ModelNotFoundError,
    OutputExistsError,
    SplitNotFoundError,
    TrainError,
    UsageError,
)

#: Where a run from the tiny random model (``--tiny-model``) builds that model, in its output folder.
TINY_MODEL_DIR = "tiny-model-init"

#: Files and folders that show a folder holds a training run (TRL/transformers outputs; the tiny
#: model a run built before it stopped, even before its first checkpoint).
RUN_MARKERS = (
    TINY_MODEL_DIR,
    "checkpoint-*",
    "trainer_state.json",
    "training_args.bin",
    "*.safetensors",
    "adapter_config.json",
    "config.json",
)


def _short(exc: BaseException) -> str:
    """The first line of an exception's message, with its type when the message is empty."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _looks_local(name: str) -> bool:
    """Whether a dataset or model name can only be a local path (not ``org/name`` on the Hub)."""
    return name.startswith((".", "/", "~")) or name.count("/") > 1 or name.endswith(".parquet")


def is_run_folder(path: Path) -> bool:
    """Whether ``path`` holds the output of a training run (see :data:`RUN_MARKERS`)."""
    return any(next(path.glob(pattern), None) is not None for pattern in RUN_MARKERS)


def check_output_dir(output_dir: str | Path, *, overwrite: bool = False, resume: bool = False) -> str:
    """What to do with the output folder: ``"new"`` (missing or empty), ``"resume"`` (``resume`` and
    it holds checkpoints) or ``"overwrite"`` (``overwrite`` and it holds an earlier run, to be
    removed before training). Nothing is removed here.

    Raises :class:`~ctpairs.errors.OutputExistsError` for a folder holding an earlier run (unless
    ``overwrite`` or ``resume``) or holding files that are no run, and
    :class:`~ctpairs.errors.TrainError` for ``resume`` without a checkpoint.
    """
    out = Path(output_dir)
    if overwrite and resume:
        raise UsageError("--overwrite and --resume exclude each other: pick one")
    if out.exists() and not out.is_dir():
        raise OutputExistsError(f"--output-dir {out} is a file; give a folder")
    if not out.is_dir() or not any(out.iterdir()):
        if resume:
            raise TrainError(f"--resume: {out} holds no checkpoint to resume from; drop --resume to start a run")
        return "new"
    if resume:
        if next(out.glob("checkpoint-*"), None) is None:
            raise TrainError(f"--resume: {out} holds no checkpoint-* folder to resume from")
        return "resume"
    if not is_run_folder(out):
        raise OutputExistsError(f"--output-dir {out} is not empty and holds no training run; pick another folder")
    if not overwrite:
        raise OutputExistsError(
            f"--output-dir {out} holds an earlier run; pass --overwrite to replace it, --resume to continue it, "
            "or pick another folder"
        )
    return "overwrite"


def clear_output_dir(output_dir: str | Path) -> None:
    """Remove an earlier run from the output folder (after :func:`check_output_dir` said ``"overwrite"``)."""
    shutil.rmtree(output_dir)


def check_dataset(dataset: str | Path, config: str | None, *, split: str, revision: str | None) -> None:
    """Check that the dataset exists, that ``config`` is one of its configs (or can be left out) and
    that ``split`` is one of that config's splits, from metadata only. A ``.parquet`` file is one
    split of one config: only its existence is checked.

    Raises :class:`~ctpairs.errors.DatasetNotFoundError`, :class:`~ctpairs.errors.ConfigNotFoundError`
    (listing the configs) or :class:`~ctpairs.errors.SplitNotFoundError` (listing the splits).
    """
    path = Path(dataset)
    name = str(dataset)
    if path.suffix == ".parquet" or (path.exists() and not path.is_dir()):
        if not path.is_file() or path.suffix != ".parquet":
            raise DatasetNotFoundError(f"{path} is not a pairs .parquet file; give one, a dataset folder or a Hub id")
        return
    if not path.exists() and _looks_local(name):
        raise DatasetNotFoundError(
            f"{name}: no such folder; give a folder written by `ctpairs package`, a pairs .parquet file or a Hub id"
        )
    from datasets import get_dataset_config_names, get_dataset_split_names

    try:
        configs = get_dataset_config_names(name, revision=revision)
    except (OSError, ValueError) as exc:
        where = "is not a dataset folder" if path.exists() else "is not a local folder and cannot be read from the Hub"
        raise DatasetNotFoundError(
            f"dataset {name} {where} ({_short(exc)}); check the name, the network or HF_HUB_OFFLINE"
        ) from exc
    listed = ", ".join(configs)
    if config is None and len(configs) > 1:
        raise ConfigNotFoundError(f"{name} has several configs; pick one with --config: {listed}")
    if config is not None and config not in configs:
        raise ConfigNotFoundError(f"{name} has no config {config!r}; its configs: {listed}")
    try:
        splits = get_dataset_split_names(name, config or configs[0], revision=revision)
    except (OSError, ValueError):
        return  # no split metadata without downloading: loading will tell
    if split not in splits:
        raise SplitNotFoundError(
            f"config {config or configs[0]!r} of {name} has no split {split!r}; its splits: {', '.join(splits)}"
        )


def check_model(model: str | Path, *, revision: str | None = None) -> None:
    """Check that ``model`` is a model folder, or a Hub model whose ``config.json`` is in the cache or
    can be fetched (a few kB), before the weights are loaded.

    Raises :class:`~ctpairs.errors.ModelNotFoundError` saying which, with the offline alternative.
    """
    path = Path(model)
    name = str(model)
    if path.is_dir():
        if not ((path / "config.json").is_file() or (path / "adapter_config.json").is_file()):
            raise ModelNotFoundError(f"{path} holds no config.json: not a model folder")
        return
    if path.exists() or _looks_local(name):
        raise ModelNotFoundError(f"{name}: no such model folder")
    from huggingface_hub import hf_hub_download

    try:
        hf_hub_download(name, "config.json", revision=revision)
    except (OSError, ValueError) as exc:
        raise ModelNotFoundError(
            f"model {name} is not a local folder nor in the Hugging Face cache, and cannot be fetched from the Hub "
            f"({_short(exc)}); give a local path, check the network, or try the recipe offline with --tiny-model"
        ) from exc


def pick_device(use_cpu: bool | None, bf16: bool | None) -> tuple[bool, bool]:
    """``(use_cpu, bf16)``: the CPU when asked or when torch sees no accelerator; bf16 only on a GPU
    that supports it, unless given."""
    import torch

    if use_cpu is None:
        use_cpu = not (torch.cuda.is_available() or torch.backends.mps.is_available())
    if bf16 is None:
        bf16 = not use_cpu and torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    return use_cpu, bf16
