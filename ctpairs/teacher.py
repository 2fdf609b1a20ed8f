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
and a seed and returns the text with its token counts. Both kinds are thin layers over the chat
backend of :mod:`ctpairs.chat` (shared with the predictors of ``ctpairs eval``); this module adds
the spec, the sampling settings and the teacher's errors: :class:`ReplyError` for a request the
server refused (that try fails, the run goes on), :class:`GeneratorError` for anything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from ctpairs.chat import DEFAULT_KEY_ENV, Generation, LocalChat, OpenAIChat, redact_url
from ctpairs.errors import ChatError, ChatRefusedError, GeneratorError, ReplyError

__all__ = [
    "DEFAULT_KEY_ENV",
    "Generation",
    "Generator",
    "GeneratorError",
    "HFGenerator",
    "OpenAIGenerator",
    "ReplyError",
    "Sampling",
    "open_generator",
    "redact_url",
]


@dataclass(frozen=True)
class Sampling:
    """How a teacher samples: temperature (0 = greedy), top-p and the most new tokens."""

    temperature: float = 0.7
    top_p: float = 0.95
    max_tokens: int = 512

    def as_dict(self) -> dict[str, float | int]:
        """The settings as recorded in a trace run."""
        return {"temperature": self.temperature, "top_p": self.top_p, "max_tokens": self.max_tokens}


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


class OpenAIGenerator:
    """Chat completions from an OpenAI-compatible server through :class:`ctpairs.chat.OpenAIChat`
    (the key from ``$key_env``; retries 429/5xx). A refused request raises :class:`ReplyError`,
    any other failure :class:`GeneratorError`."""

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
        self._chat = OpenAIChat(base_url, model, key_env=key_env, timeout=timeout, retries=retries)
        self.name = self._chat.name
        self.model = model
        self.sampling = sampling

    def generate(self, messages: list[dict[str, str]], *, seed: int) -> Generation:
        """The server's reply to ``messages``, sampled with ``seed``."""
        s = self.sampling
        try:
            return self._chat.complete(
                messages, temperature=s.temperature, top_p=s.top_p, max_tokens=s.max_tokens, seed=seed
            )
        except ChatRefusedError as exc:
            raise ReplyError(str(exc)) from None
        except ChatError as exc:
            raise GeneratorError(str(exc)) from None

    def close(self) -> None:
        """Close the client."""
        self._chat.close()


class HFGenerator:
    """A local ``transformers`` causal LM with its chat template, through
    :class:`ctpairs.chat.LocalChat`; one generation at a time."""

    def __init__(self, model_or_path: str, sampling: Sampling, *, device: str | None = None):
        try:
            self._chat = LocalChat(model_or_path, device=device)
        except ChatError as exc:
            raise GeneratorError(str(exc)) from None
        self.name = self._chat.name
        self.model = model_or_path
        self.sampling = sampling

    def generate(self, messages: list[dict[str, str]], *, seed: int) -> Generation:
        """The model's reply to ``messages``, sampled after seeding torch with ``seed``."""
        s = self.sampling
        (reply,) = self._chat.generate(
            [messages], temperature=s.temperature, top_p=s.top_p, max_tokens=s.max_tokens, seed=seed
        )
        return reply

    def close(self) -> None:
        """Release the model."""
        self._chat.close()


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
