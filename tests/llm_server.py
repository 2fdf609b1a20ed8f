"""A loopback OpenAI-compatible chat-completions server for tests: answers from a local
transformers model (the tiny random Qwen2 of the trainer tests) over real HTTP on 127.0.0.1.

``POST /v1/chat/completions`` renders the messages with the model's chat template and generates
(greedy at temperature 0, else sampling seeded by the request's ``seed``), at most
``max_new_tokens`` and the request's ``max_tokens``; the reply has the OpenAI shape with the real
token ``usage``. It records every request body (``requests``) and its headers (``headers``), can
slow each answer down (``delay``) so a client can be killed mid-run, and, given ``api_key``,
answers 401 to any request without ``Authorization: Bearer <api_key>`` (counted in
``unauthorized``) and, given ``max_prompt_tokens``, refuses a longer prompt with 400 as vLLM does
(counted in ``refused``)::

    with ChatServer(model_dir, api_key="sk-test") as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="sk-test")
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class ChatServer:
    """``with ChatServer(model_dir) as server:`` serves ``server.base_url`` (``http://127.0.0.1:PORT/v1``)."""

    def __init__(
        self,
        model_dir,
        *,
        delay: float = 0.0,
        max_new_tokens: int = 8,
        api_key: str | None = None,
        model_name: str | None = None,
        max_prompt_tokens: int | None = None,
    ):
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(model_dir)
        self.model = AutoModelForCausalLM.from_pretrained(model_dir).eval()
        self.delay, self.max_new_tokens = delay, max_new_tokens
        self.api_key, self.model_name, self.max_prompt_tokens = api_key, model_name, max_prompt_tokens
        self.requests: list[dict] = []
        self.headers: list[dict[str, str]] = []
        self.unauthorized = 0
        self.refused = 0
        self.lock = threading.Lock()
        self.torch = torch
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                if self.path != "/v1/chat/completions":
                    self.send_error(404)
                    return
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.headers.append({k.lower(): v for k, v in self.headers.items()})
                if server.api_key is not None and self.headers.get("Authorization") != f"Bearer {server.api_key}":
                    server.unauthorized += 1
                    self._send(401, {"error": {"message": "invalid API key", "type": "invalid_request_error"}})
                    return
                if server.model_name is not None and body.get("model") != server.model_name:
                    self._send(404, {"error": {"message": f"no model {body.get('model')!r}"}})
                    return
                too_long = server.too_long(body)
                if too_long:
                    server.refused += 1
                    self._send(400, {"error": {"message": too_long, "type": "BadRequestError", "code": 400}})
                    return
                text, prompt_tokens, completion_tokens = server.answer(body)
                self._send(
                    200,
                    {
                        "id": f"chatcmpl-{len(server.requests)}",
                        "object": "chat.completion",
                        "created": int(time.time()),
                        "model": body["model"],
                        "choices": [
                            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
                        ],
                        "usage": {
                            "prompt_tokens": prompt_tokens,
                            "completion_tokens": completion_tokens,
                            "total_tokens": prompt_tokens + completion_tokens,
                        },
                    },
                )

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def _prompt(self, body: dict) -> str:
        return self.tokenizer.apply_chat_template(body["messages"], tokenize=False, add_generation_prompt=True)

    def too_long(self, body: dict) -> str | None:
        """vLLM's message when the prompt of ``body`` has more than ``max_prompt_tokens`` tokens, else None."""
        if self.max_prompt_tokens is None:
            return None
        n = len(self.tokenizer(self._prompt(body))["input_ids"])
        if n <= self.max_prompt_tokens:
            return None
        return f"This model's maximum context length is {self.max_prompt_tokens} tokens. However, you requested {n}."

    def answer(self, body: dict) -> tuple[str, int, int]:
        """The reply to one request body, with its prompt and completion token counts."""
        time.sleep(self.delay)
        text = self._prompt(body)
        temperature = float(body.get("temperature") or 0)
        sampling = {"do_sample": True, "temperature": temperature} if temperature > 0 else {"do_sample": False}
        with self.lock:
            self.requests.append(body)
            enc = self.tokenizer(text, return_tensors="pt")
            with self.torch.no_grad():
                self.torch.manual_seed(int(body.get("seed") or 0))
                out = self.model.generate(
                    **enc,
                    max_new_tokens=min(self.max_new_tokens, body.get("max_tokens") or self.max_new_tokens),
                    pad_token_id=self.tokenizer.pad_token_id,
                    **sampling,
                )
        new = out[0, enc["input_ids"].shape[1] :]
        return self.tokenizer.decode(new, skip_special_tokens=True), int(enc["input_ids"].shape[1]), int(len(new))

    def __enter__(self) -> ChatServer:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
