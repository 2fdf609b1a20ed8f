"""Teacher models that write reasoning traces: any OpenAI-compatible server, or a local transformers model.

A generator is named by a spec string:

``openai:BASE_URL``
    an OpenAI-compatible chat-completions server (vLLM, llama.cpp, TGI, OpenAI itself...), through
    the ``openai`` client; the model is named separately. The API key is read from an environment
    variable (``OPENAI_API_KEY`` by default) and is never printed, logged or written: the spec kept
    in caches and manifests is the base URL with any ``user:password@`` part removed.
``hf:MODEL_OR_PATH``
    a causal LM loaded with ``transformers`` (a Hub id or a local folder), run in this process with
    its chat template.

:func:`open_generator` gives a :class:`Generator`; :meth:`Generator.generate` takes chat messages
and a seed and returns the text with its token counts.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

from ctpairs.errors import GeneratorError, ReplyError

DEFAULT_KEY_ENV = "OPENAI_API_KEY"


@dataclass(frozen=True)
class Sampling:
    """How a teacher samples: temperature (0 = greedy), top-p and the most new tokens."""

    temperature: float = 0.7
    top_p: float = 0.95
    max_tokens: int = 512

    def as_dict(self) -> dict[str, float | int]:
        return {"temperature": self.temperature, "top_p": self.top_p, "max_tokens": self.max_tokens}


@dataclass(frozen=True)
class Generation:
    """One teacher reply and the tokens it cost."""

    text: str
    prompt_tokens: int
    completion_tokens: int


class Generator(Protocol):
    """A teacher: ``name`` (the spec without secrets) and ``model`` identify it in caches and manifests."""

    name: str
    model: str
    sampling: Sampling

    def generate(self, messages: list[dict[str, str]], *, seed: int) -> Generation:
        """The reply to ``messages``; ``seed`` makes sampling repeatable where the backend allows it."""
        ...

    def close(self) -> None:
        """Release the client or the model."""
        ...


def redact_url(url: str) -> str:
    """``url`` without a ``user:password@`` part (credentials never go into a cache or a manifest)."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


class OpenAIGenerator:
    """Chat completions from an OpenAI-compatible server, with the ``openai`` client (retries 429/5xx)."""

    def __init__(
        self,
        base_url: str,
        model: str,
        sampling: Sampling,
        *,
        key_env: str = DEFAULT_KEY_ENV,
        timeout: float = 120.0,
        retries: int = 3,
    ):
        import openai

        self.name = f"openai:{redact_url(base_url)}"
        self.model = model
        self.sampling = sampling
        # local servers accept any key; the client insists on one
        self._client = openai.OpenAI(
            base_url=base_url, api_key=os.environ.get(key_env) or "none", timeout=timeout, max_retries=retries
        )
        self._openai = openai

    def generate(self, messages: list[dict[str, str]], *, seed: int) -> Generation:
        try:
            reply = self._client.chat.completions.create(
                model=self.model,
                messages=messages,  # type: ignore[arg-type]
                temperature=self.sampling.temperature,
                top_p=self.sampling.top_p,
                max_tokens=self.sampling.max_tokens,
                seed=seed,
            )
        except (self._openai.BadRequestError, self._openai.UnprocessableEntityError) as exc:
            raise ReplyError(f"{self.name} ({self.model}) refused the request: {exc}") from None
        except self._openai.OpenAIError as exc:
            raise GeneratorError(f"{self.name} ({self.model}): {type(exc).__name__}: {exc}") from None
        usage = reply.usage
        return Generation(
            reply.choices[0].message.content or "",
            usage.prompt_tokens if usage else 0,
            usage.completion_tokens if usage else 0,
        )

    def close(self) -> None:
        self._client.close()


class HFGenerator:
    """A local ``transformers`` causal LM with its chat template; one generation at a time."""

    def __init__(self, model_or_path: str, sampling: Sampling, *, device: str | None = None):
        try:
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer
        except ImportError as exc:
            raise GeneratorError(f"hf: generators need transformers and torch: {exc}") from None
        self.name = f"hf:{model_or_path}"
        self.model = model_or_path
        self.sampling = sampling
        self._torch = torch
        try:
            self._tokenizer = AutoTokenizer.from_pretrained(model_or_path)
            self._model = AutoModelForCausalLM.from_pretrained(model_or_path)
        except (OSError, ValueError) as exc:
            raise GeneratorError(f"cannot load {model_or_path!r} with transformers: {exc}") from None
        self._device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        self._model.to(self._device).eval()
        self._lock = threading.Lock()

    def generate(self, messages: list[dict[str, str]], *, seed: int) -> Generation:
        ids = self._tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt")
        if not isinstance(ids, self._torch.Tensor):  # transformers 5 returns a BatchEncoding
            ids = ids["input_ids"]
        ids = ids.to(self._device)
        greedy = self.sampling.temperature <= 0
        options = {} if greedy else {"temperature": self.sampling.temperature, "top_p": self.sampling.top_p}
        with self._lock, self._torch.no_grad():
            self._torch.manual_seed(seed)
            out = self._model.generate(
                ids,
                attention_mask=self._torch.ones_like(ids),
                max_new_tokens=self.sampling.max_tokens,
                do_sample=not greedy,
                pad_token_id=self._tokenizer.pad_token_id,
                **options,
            )
        new = out[0, ids.shape[1] :]
        text = self._tokenizer.decode(new, skip_special_tokens=True)
        return Generation(text, int(ids.shape[1]), int(new.shape[0]))

    def close(self) -> None:
        del self._model


def open_generator(
    spec: str,
    model: str | None,
    sampling: Sampling,
    *,
    key_env: str = DEFAULT_KEY_ENV,
    device: str | None = None,
) -> Generator:
    """The generator named by ``spec`` (``openai:BASE_URL`` or ``hf:MODEL_OR_PATH``, see the module docstring)."""
    kind, sep, target = spec.partition(":")
    if not sep or not target:
        raise GeneratorError(f"a generator is openai:BASE_URL or hf:MODEL_OR_PATH, got {spec!r}")
    if kind == "openai":
        if not model:
            raise GeneratorError("an openai: generator needs --model NAME (the model the server serves)")
        if urlsplit(target).scheme not in ("http", "https"):
            raise GeneratorError(f"openai: takes an http(s) base URL, e.g. http://127.0.0.1:8000/v1, got {target!r}")
        return OpenAIGenerator(target, model, sampling, key_env=key_env)
    if kind == "hf":
        if model and model != target:
            raise GeneratorError(f"hf: names its model itself ({target}); leave --model out or make it the same")
        return HFGenerator(target, sampling, device=device)
    raise GeneratorError(f"unknown generator kind {kind!r}; use openai:BASE_URL or hf:MODEL_OR_PATH")
