"""The one chat backend of ctpairs: an OpenAI-compatible server, or a local ``transformers`` model.

Both the teachers that write reasoning traces (:mod:`ctpairs.teacher`) and the language-model
predictors of ``ctpairs eval`` (:mod:`ctpairs.llm`) send chat messages and read a reply; they are
thin layers over the two classes here, which own everything about talking to a model:

:class:`OpenAIChat`
    the ``openai`` client of a chat-completions server (vLLM, llama.cpp, TGI, OpenAI itself...):
    base URL, API key (given, else read from an environment variable, else ``"EMPTY"``, which local
    servers accept), timeout and retries (of 429/5xx and connection errors). :meth:`OpenAIChat.complete`
    sends one request; a request the server refuses (400 Bad Request, 422 Unprocessable Entity, e.g.
    a prompt too long for the model) raises :class:`~ctpairs.errors.ChatRefusedError`, any other
    failure :class:`~ctpairs.errors.ChatError`.
:class:`LocalChat`
    a causal LM and its tokenizer loaded with ``transformers`` (a Hub id or a local folder), on CUDA
    when torch sees one. :meth:`LocalChat.generate` renders each conversation with the tokenizer's
    chat template (the messages' contents joined by blank lines when it has none) and generates in
    left-padded batches, greedily at temperature 0, else sampling seeded by ``seed``.

Both return :class:`Generation`: the reply text and the tokens it cost. The API key is never part
of a name or a message: :func:`redact_url` removes any ``user:password@`` from a base URL.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ctpairs.errors import ChatError, ChatRefusedError

DEFAULT_KEY_ENV = "OPENAI_API_KEY"
NO_KEY = "EMPTY"
"""The API key sent when none is given or set: local servers accept any, the client insists on one."""

Messages = list[dict[str, str]]
"""One conversation: ``{"role": ..., "content": ...}`` messages, in order."""


@dataclass(frozen=True)
class Generation:
    """One reply and the tokens it cost."""

    text: str
    prompt_tokens: int
    completion_tokens: int


def redact_url(url: str) -> str:
    """``url`` without a ``user:password@`` part (credentials never go into a cache or a manifest)."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


class OpenAIChat:
    """Chat completions of ``model`` from the OpenAI-compatible server at ``base_url`` (``.../v1``).

    The key is ``api_key``, else ``$key_env``, else :data:`NO_KEY`; the client retries 429/5xx and
    connection errors ``retries`` times and gives each request ``timeout`` seconds. ``name``
    (``openai:`` and the base URL without credentials) is what messages show. Thread-safe.
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        key_env: str = DEFAULT_KEY_ENV,
        timeout: float = 120.0,
        retries: int = 2,
    ):
        import openai

        self.name = f"openai:{redact_url(base_url)}"
        self.model = model
        self._openai = openai
        self._client = openai.OpenAI(
            base_url=base_url,
            api_key=api_key or os.environ.get(key_env) or NO_KEY,
            timeout=timeout,
            max_retries=retries,
        )

    def complete(
        self,
        messages: Messages,
        *,
        temperature: float,
        top_p: float | None = None,
        max_tokens: int,
        seed: int,
    ) -> Generation:
        """The reply to ``messages`` (``top_p`` left to the server when ``None``).

        Raises :class:`~ctpairs.errors.ChatRefusedError` when the server refuses the request and
        :class:`~ctpairs.errors.ChatError` on any other failure (after the client's retries).
        """
        options: dict[str, Any] = {} if top_p is None else {"top_p": top_p}
        try:
            reply = self._client.chat.completions.create(
                model=self.model,
                messages=messages,  # type: ignore[arg-type]
                temperature=temperature,
                max_tokens=max_tokens,
                seed=seed,
                **options,
            )
        except (self._openai.BadRequestError, self._openai.UnprocessableEntityError) as exc:
            raise ChatRefusedError(f"{self.name} ({self.model}) refused the request: {exc}") from None
        except self._openai.OpenAIError as exc:
            raise ChatError(f"{self.name} ({self.model}) failed: {type(exc).__name__}: {exc}") from None
        usage = reply.usage
        return Generation(
            reply.choices[0].message.content or "",
            usage.prompt_tokens if usage else 0,
            usage.completion_tokens if usage else 0,
        )

    def close(self) -> None:
        """Close the client's connections."""
        self._client.close()


class LocalChat:
    """A causal LM loaded with ``transformers`` (``model_or_path``: a Hub id or a local folder), on
    ``device`` (default CUDA when torch sees one, else CPU). One :meth:`generate` runs at a time.

    Raises :class:`~ctpairs.errors.ChatError` when transformers or torch is missing or the model
    cannot be loaded. The tokenizer pads on the left, with its eos token when it has no pad token.
    """

    def __init__(self, model_or_path: str, *, device: str | None = None):
        try:
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer
        except ImportError as exc:
            raise ChatError(f"hf: models need transformers and torch: {exc}") from None
        self.name = f"hf:{model_or_path}"
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        try:  # missing files, not a model id, unknown architecture
            self.tokenizer = AutoTokenizer.from_pretrained(model_or_path, padding_side="left")
            self.model = AutoModelForCausalLM.from_pretrained(model_or_path).to(self.device).eval()
        except (OSError, ValueError) as exc:
            raise ChatError(f"cannot load {model_or_path!r} with transformers: {exc}") from None
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        eos = self.model.generation_config.eos_token_id
        self._stops = {self.tokenizer.eos_token_id, *(eos if isinstance(eos, list) else [eos])} - {None}
        self._torch = torch
        self._lock = threading.Lock()

    def render(self, messages: Messages) -> str:
        """The prompt text of ``messages``: the chat template with the assistant's turn opened, or,
        for a tokenizer without a template, the contents joined by blank lines."""
        if self.tokenizer.chat_template:
            return self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        return "\n\n".join(m["content"] for m in messages)

    def generate(
        self,
        conversations: Sequence[Messages],
        *,
        temperature: float,
        top_p: float | None = None,
        max_tokens: int,
        seed: int,
        batch_size: int = 8,
    ) -> list[Generation]:
        """The reply to each conversation, ``batch_size`` at a time, at most ``max_tokens`` new
        tokens each: greedy when ``temperature <= 0``, else sampled (``temperature``, and ``top_p``
        unless ``None``) after ``torch.manual_seed(seed)``."""
        if temperature <= 0:
            sampling: dict[str, Any] = {"do_sample": False}
        else:
            sampling = {"do_sample": True, "temperature": temperature}
            if top_p is not None:
                sampling["top_p"] = top_p
        # a rendered template holds its own special tokens: tokenizing must not add a second BOS
        plain = not self.tokenizer.chat_template
        replies: list[Generation] = []
        with self._lock, self._torch.no_grad():
            self._torch.manual_seed(seed)
            for start in range(0, len(conversations), batch_size):
                texts = [self.render(m) for m in conversations[start : start + batch_size]]
                enc = self.tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=plain)
                enc = enc.to(self.device)
                out = self.model.generate(
                    **enc, max_new_tokens=max_tokens, pad_token_id=self.tokenizer.pad_token_id, **sampling
                )
                prompt_tokens = enc["attention_mask"].sum(dim=1).tolist()
                for new, n_prompt in zip(out[:, enc["input_ids"].shape[1] :].tolist(), prompt_tokens):
                    replies.append(self._reply(new, int(n_prompt)))
        return replies

    def _reply(self, new: list[int], prompt_tokens: int) -> Generation:
        """One row of new tokens, cut after its first stop token (the rest of a batch is padding)."""
        n = next((i + 1 for i, token in enumerate(new) if token in self._stops), len(new))
        return Generation(self.tokenizer.decode(new[:n], skip_special_tokens=True), prompt_tokens, n)

    def close(self) -> None:
        """Release the model and its tokenizer."""
        del self.model, self.tokenizer
