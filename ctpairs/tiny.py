"""A tiny random causal LM for trying a training recipe offline, in seconds, on CPU.

:func:`build_tiny_model` writes a random Qwen2 model (2 layers, hidden size 64) and a byte-level
BPE tokenizer trained on the given texts; it learns nothing useful, but every step of SFT or GRPO
runs on it with no download. ``ctpairs train ... --tiny-model`` and the test suite use it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

CHAT_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
"""The ChatML template :func:`build_tiny_model` gives its tokenizer."""

TEXT_ROWS = 64
"""How many dataset rows :func:`tiny_model_texts` takes (their prompts and completions)."""


def build_tiny_model(
    texts: Iterable[str],
    out_dir: str | Path,
    *,
    vocab_size: int = 2000,
    max_position_embeddings: int = 2048,
    seed: int = 0,
) -> Path:
    """Write a tiny random Qwen2 causal LM and a byte-level BPE tokenizer trained on ``texts``
    (with a ChatML chat template, ``<|im_end|>`` as eos and ``<|endoftext|>`` as pad) to ``out_dir``.

    For checking a training recipe end to end on CPU (2 layers, hidden size 64): load it by path
    like any model. Returns ``out_dir``.
    """
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM

    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    bpe = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=specials,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer=bpe)
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|im_end|>", pad_token="<|endoftext|>")
    tokenizer.chat_template = CHAT_TEMPLATE

    torch.manual_seed(seed)
    config = Qwen2Config(
        num_hidden_layers=2,
        hidden_size=64,
        intermediate_size=128,
        num_attention_heads=4,
        num_key_value_heads=2,
        vocab_size=len(tokenizer),
        max_position_embeddings=max_position_embeddings,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=None,
    )
    model = Qwen2ForCausalLM(config)
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    out = Path(out_dir)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def tiny_model_texts(data: Iterable[dict], rows: int = TEXT_ROWS) -> list[str]:
    """The texts to train the tiny tokenizer on: prompt and completion of the first ``rows`` rows."""
    texts: list[str] = []
    for i, row in enumerate(data):
        if i >= rows:
            break
        texts += [row["prompt"], row["completion"]]
    return texts
