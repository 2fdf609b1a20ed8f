"""SFT and GRPO wrappers (ctpairs.train) run a few CPU steps on real pairs with a tiny random model."""

import json
import subprocess
import sys

import pytest

pytest.importorskip("trl")
pytest.importorskip("peft")

from ctpairs.cli import main  # noqa: E402
from ctpairs.errors import TrainExtraMissingError  # noqa: E402
from ctpairs.tasks import TASK_COLUMNS  # noqa: E402
from ctpairs.tiny import build_tiny_model, tiny_model_texts  # noqa: E402
from ctpairs.train import load_pairs_dataset, train_grpo, train_sft  # noqa: E402
from tests._pairs import build_small_pairs, package_small_pairs  # noqa: E402

CPU = dict(
    use_cpu=True,
    bf16=False,
    report_to="none",
    activation_checkpointing=False,
    logging_steps=1,
    dataloader_num_workers=0,
    max_samples=8,
    max_steps=2,
    per_device_train_batch_size=2,
)


@pytest.fixture(scope="module")
def pairs_dir(tmp_path_factory):
    return build_small_pairs(tmp_path_factory.mktemp("pairs"))


@pytest.fixture(scope="module")
def repo(pairs_dir, tmp_path_factory):
    return package_small_pairs(pairs_dir, tmp_path_factory.mktemp("repo") / "ctpairs")


@pytest.fixture(scope="module")
def tiny_model(repo, tmp_path_factory):
    return build_tiny_model(tiny_model_texts(load_pairs_dataset(repo, "dose")), tmp_path_factory.mktemp("tiny-model"))


def _log_history(out):
    (state,) = out.glob("checkpoint-*/trainer_state.json")
    return json.loads(state.read_text())["log_history"]


def test_load_from_repo_folder_and_from_parquet(repo, pairs_dir):
    packaged = load_pairs_dataset(repo, "dose", max_samples=5)
    assert packaged.num_rows == 5 and set(TASK_COLUMNS) <= set(packaged.column_names)
    rendered = load_pairs_dataset(pairs_dir / "dose.parquet", max_samples=5)
    assert set(TASK_COLUMNS) <= set(rendered.column_names)
    assert {r["answer"] for r in rendered} <= {"higher", "lower", "similar"}


def test_sft_with_lora(repo, tiny_model, tmp_path, capsys):
    out = train_sft(
        repo,
        tiny_model,
        config="dose",
        output_dir=tmp_path / "sft",
        max_length=1024,
        lora_r=4,
        lora_alpha=8,
        learning_rate=1e-3,
        **CPU,
    )
    assert out == tmp_path / "sft"
    assert (out / "adapter_config.json").is_file() and (out / "tokenizer.json").is_file()
    losses = [entry["loss"] for entry in _log_history(out) if "loss" in entry]
    assert len(losses) == 2 and all(0 < float(loss) < 100 for loss in losses)
    assert f"final model saved to {out.resolve()}; checkpoints: checkpoint-2" in capsys.readouterr().out


def test_grpo_conversational_with_direction_reward(repo, tiny_model, tmp_path):
    out = train_grpo(
        repo,
        tiny_model,
        config="dose",
        output_dir=tmp_path / "grpo",
        conversational=True,
        num_generations=2,
        max_completion_length=8,
        reward_format=True,
        **CPU,
    )
    assert (out / "model.safetensors").is_file()
    logged = [entry for entry in _log_history(out) if "rewards/direction_reward/mean" in entry]
    assert len(logged) == 2 and all("rewards/format_reward/mean" in entry for entry in logged)


def test_cli_train_sft_on_built_parquet(pairs_dir, tiny_model, tmp_path):
    code = main(
        [
            "train",
            "sft",
            "--dataset",
            str(pairs_dir / "dose.parquet"),
            "--model",
            str(tiny_model),
            "--output-dir",
            str(tmp_path / "cli"),
            "--cpu",
            "--max-steps",
            "1",
            "--batch-size",
            "1",
            "--max-samples",
            "2",
            "--max-length",
            "1024",
            "--conversational",
            "-q",
            "--trl-arg",
            "activation_checkpointing=false",
            "--trl-arg",
            "report_to=none",
        ]
    )
    assert code == 0 and (tmp_path / "cli" / "model.safetensors").is_file()


def test_bad_trl_arguments_are_reported(repo, tiny_model, tmp_path, capsys):
    code = main(
        [
            "train",
            "grpo",
            "--dataset",
            str(repo),
            "--config",
            "dose",
            "--model",
            str(tiny_model),
            "--output-dir",
            str(tmp_path / "bad"),
            "--cpu",
            "--trl-arg",
            "no_such_field=1",
        ]
    )
    assert code == 2 and "invalid GRPOConfig arguments" in capsys.readouterr().err


def test_missing_train_extra_says_how_to_install(repo, monkeypatch):
    monkeypatch.setitem(sys.modules, "trl", None)
    with pytest.raises(TrainExtraMissingError, match=r"pip install 'ctpairs\[train\]'"):
        train_grpo(repo, "any-model", config="dose")
    assert main(["train", "sft", "--dataset", str(repo), "--model", "m", "-q"]) == 2


def test_module_imports_without_trainer_libraries():
    code = (
        "import sys; import ctpairs.train, ctpairs.tasks, ctpairs.rewards; "
        "print([m for m in ('trl', 'peft', 'transformers', 'torch', 'datasets') if m in sys.modules])"
    )
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"
    )


# -- mistakes (issue 10): checked before anything heavy loads, one line each --------------------


def _one_error(capsys) -> str:
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "Traceback" not in err, err
    return errors[0]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ((), "has several configs; pick one with --config: arm, arm-all, dose, dose-all, outcome-all"),
        (("--config", "phase"), "has no config 'phase'; its configs: arm, arm-all, dose, dose-all, outcome-all"),
        (("--config", "dose", "--split", "nope"), "config 'dose' of "),
    ],
)
def test_train_with_a_missing_or_unknown_config_or_split(repo, tiny_model, tmp_path, capsys, extra, expected):
    args = ["train", "sft", "--dataset", str(repo), "--model", str(tiny_model), "--output-dir", str(tmp_path / "o")]
    assert main([*args, *extra]) == 2
    line = _one_error(capsys)
    assert expected in line
    if "--split" in extra:
        assert "has no split 'nope'; its splits: " in line and "train" in line
    assert not (tmp_path / "o").exists()


def test_train_on_a_dataset_folder_that_does_not_exist(tiny_model, tmp_path, capsys):
    missing = tmp_path / "no-such-dataset"
    assert main(["train", "sft", "--dataset", str(missing), "--config", "dose", "--model", str(tiny_model)]) == 2
    assert f"{missing}: no such folder" in _one_error(capsys)


def test_train_with_a_model_id_and_no_network(repo, tmp_path, capsys):
    code = main(["train", "sft", "--dataset", str(repo), "--config", "dose", "--model", "Qwen/Qwen3-0.6B"])
    assert code == 2
    line = _one_error(capsys)
    assert (
        "model Qwen/Qwen3-0.6B is not a local folder nor in the Hugging Face cache" in line and "--tiny-model" in line
    )


def test_tiny_model_on_cpu_without_flags_then_an_earlier_run_is_refused_overwritten_or_resumed(repo, tmp_path, capsys):
    """No --cpu: this machine's torch sees no GPU, so the CPU is picked; then --output-dir is owned."""
    import torch

    if torch.cuda.is_available():
        pytest.skip("checks the choice of the CPU on a machine without a GPU")
    out = tmp_path / "run"

    def train(steps: int, *flags: str) -> int:
        return main(
            ["train", "sft", "--dataset", str(repo), "--config", "dose", "--tiny-model", "--output-dir", str(out)]
            + ["--max-steps", str(steps), "--batch-size", "2", "--max-samples", "4", "--max-length", "1024", "-q"]
            + ["--trl-arg", "report_to=none", "--trl-arg", "activation_checkpointing=false", *flags]
        )

    # prompts of about 800 tokens: a max length of 512 leaves no completion to learn, and says so
    assert train(1, "--max-length", "512") == 2
    assert "keeps its completion within max_length=512 tokens" in _one_error(capsys)
    assert train(1, "--overwrite") == 0
    assert (out / "model.safetensors").is_file() and (out / "tiny-model-init" / "tokenizer.json").is_file()
    capsys.readouterr()
    assert train(1) == 2
    assert "holds an earlier run; pass --overwrite to replace it, --resume to continue it" in _one_error(capsys)
    (out / "checkpoint-1" / "stale.txt").write_text("from the first run")
    assert train(1, "--overwrite") == 0
    assert not (out / "checkpoint-1" / "stale.txt").exists()  # the old run is gone, not mixed in
    assert sorted(p.name for p in out.glob("checkpoint-*")) == ["checkpoint-1"]
    assert train(2, "--resume") == 0
    assert sorted(p.name for p in out.glob("checkpoint-*")) == ["checkpoint-1", "checkpoint-2"]
    assert json.loads((out / "checkpoint-2" / "trainer_state.json").read_text())["global_step"] == 2
