"""Language-model predictors for ``ctpairs eval``: a local ``transformers`` model and any
OpenAI-compatible server (vLLM, llama.cpp, TGI...).

Both send CT Open's chat: a system message "You are a helpful assistant" and the rendered
question as the user message. Run 0 decodes greedily (temperature 0); later runs of ``--runs N``
sample (temperature 0.7 unless set) with the run number as the seed, so runs differ as
repeated benchmark runs do.

:class:`OpenAIPredictor` sends at most ``concurrency`` requests at a time and stores each answer,
as soon as it arrives, in a SQLite cache keyed by the SHA-256 of (model, prompt, run, sampling
settings): a killed run loses at most the requests in flight, and rerunning the same command
asks only for the answers still missing.

Both are thin layers over the chat backend of :mod:`ctpairs.chat` (shared with the reasoning-trace
teachers); any failure of the model or the server is raised as :class:`~ctpairs.predictors.EvalError`.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from ctpairs.chat import ChatError, LocalChat, OpenAIChat
from ctpairs.ctopen import Question
from ctpairs.predictors import EvalError

SYSTEM = "You are a helpful assistant"
SAMPLING_TEMPERATURE = 0.7


def chat(prompt: str) -> list[dict[str, str]]:
    """The messages sent for one prompt."""
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": prompt}]


def _temperature(run: int, temperature: float | None) -> float:
    if temperature is not None:
        return temperature
    return 0.0 if run == 0 else SAMPLING_TEMPERATURE


class HFPredictor:
    """A causal language model loaded with ``transformers`` (a Hub id or a local folder), batched
    left-padded generation on CPU or CUDA (``device``: default CUDA when torch sees one), through
    :class:`ctpairs.chat.LocalChat`."""

    OPTIONS = ("batch_size", "max_new_tokens", "device", "temperature")

    def __init__(
        self,
        model: str,
        *,
        batch_size: int = 8,
        max_new_tokens: int = 512,
        device: str | None = None,
        temperature: float | None = None,
    ):
        try:
            self.backend = LocalChat(model, device=device)
        except ChatError as exc:
            raise EvalError(str(exc)) from None
        self.name = self.backend.name
        self.batch_size, self.max_new_tokens, self.temperature = batch_size, max_new_tokens, temperature

    def predict(self, questions: Sequence[Question], prompts: Sequence[str], run: int) -> list[str]:
        """One answer per prompt; ``run`` picks the temperature and is the seed."""
        replies = self.backend.generate(
            [chat(p) for p in prompts],
            temperature=_temperature(run, self.temperature),
            max_tokens=self.max_new_tokens,
            seed=run,
            batch_size=self.batch_size,
        )
        return [reply.text for reply in replies]


class AnswerCache:
    """Answers by key in one SQLite file (WAL); each :meth:`put` is committed at once."""

    def __init__(self, path: str | Path):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, output TEXT NOT NULL)")
        self.db.commit()

    def get(self, key: str) -> str | None:
        row = self.db.execute("SELECT output FROM answers WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def put(self, key: str, output: str) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO answers (key, output) VALUES (?, ?)", (key, output))

    def __len__(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]

    def close(self) -> None:
        self.db.close()


class OpenAIPredictor:
    """Any OpenAI-compatible chat-completions server at ``base_url`` (``.../v1``), with the
    ``openai`` client; ``concurrency`` requests at a time; answers cached in ``cache`` (a SQLite
    path; :func:`ctpairs.evaluate.evaluate_ctopen` puts it in the output folder). The API key is
    ``api_key``, else ``$OPENAI_API_KEY``, else ``"EMPTY"`` (what local servers accept); the
    client retries 429/5xx and connection errors ``retries`` times. Requests go through
    :class:`ctpairs.chat.OpenAIChat`; any failure raises :class:`~ctpairs.predictors.EvalError`."""

    OPTIONS = ("model", "concurrency", "cache", "max_new_tokens", "temperature", "api_key", "timeout")

    def __init__(
        self,
        base_url: str,
        *,
        model: str | None = None,
        concurrency: int = 8,
        cache: str | Path | None = None,
        max_new_tokens: int = 512,
        temperature: float | None = None,
        api_key: str | None = None,
        timeout: float = 600.0,
        retries: int = 2,
    ):
        if not model:
            raise EvalError("--predictor openai:BASE_URL needs --model NAME (the model the server serves)")
        self.name = f"openai:{model}"
        self.model, self.concurrency, self.max_new_tokens = model, max(1, concurrency), max_new_tokens
        self.temperature, self.cache_path = temperature, cache
        self.backend = OpenAIChat(base_url, model, api_key=api_key, timeout=timeout, retries=retries)

    def key(self, prompt: str, run: int) -> str:
        """The cache key of one request: SHA-256 of the model, the messages, the run and settings."""
        settings = {
            "model": self.model,
            "messages": chat(prompt),
            "run": run,
            "temperature": _temperature(run, self.temperature),
            "max_tokens": self.max_new_tokens,
        }
        return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()

    def _ask(self, prompt: str, run: int) -> str:
        try:
            reply = self.backend.complete(
                chat(prompt), temperature=_temperature(run, self.temperature), max_tokens=self.max_new_tokens, seed=run
            )
        except ChatError as exc:
            raise EvalError(str(exc)) from None
        return reply.text

    def predict(self, questions: Sequence[Question], prompts: Sequence[str], run: int) -> list[str]:
        cache = AnswerCache(self.cache_path or ":memory:")
        try:
            keys = [self.key(p, run) for p in prompts]
            answers: dict[str, Any] = {k: cache.get(k) for k in keys}
            todo = {k: p for k, p in zip(keys, prompts) if answers[k] is None}
            with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
                futures = {pool.submit(self._ask, p, run): k for k, p in todo.items()}
                try:
                    for future in as_completed(futures):
                        key = futures[future]
                        answers[key] = future.result()
                        cache.put(key, answers[key])
                except BaseException:
                    for future in futures:
                        future.cancel()
                    raise
            return [answers[k] for k in keys]
        finally:
            cache.close()
