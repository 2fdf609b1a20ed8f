"""An OpenAI-compatible chat-completions server on 127.0.0.1 that generates with a real local model.

``POST /v1/chat/completions`` renders the messages with the model's chat template and generates
with ``transformers`` (greedy at temperature 0, else sampling seeded by the request's ``seed``);
the reply has the OpenAI shape with ``usage``. Requests must carry ``Authorization: Bearer <key>``
(401 otherwise). Every request body and header set is recorded::

    with OpenAICompatibleServer(model_dir, api_key="sk-test") as server:
        client = openai.OpenAI(base_url=server.url, api_key="sk-test")
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class OpenAICompatibleServer:
    """Serves one local model as ``model_name`` over real HTTP; see the module docstring."""

    def __init__(self, model_dir: str | Path, *, api_key: str, model_name: str = "tiny-qwen2"):
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.api_key = api_key
        self.model_name = model_name
        self.requests: list[dict] = []
        self.unauthorized = 0
        self._torch = torch
        self._tokenizer = AutoTokenizer.from_pretrained(model_dir)
        self._model = AutoModelForCausalLM.from_pretrained(model_dir).eval()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> OpenAICompatibleServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def complete(self, body: dict) -> dict:
        """The chat-completion reply to one request body."""
        torch = self._torch
        ids = self._tokenizer.apply_chat_template(body["messages"], add_generation_prompt=True, return_tensors="pt")
        if not isinstance(ids, torch.Tensor):
            ids = ids["input_ids"]
        temperature = float(body.get("temperature", 1.0))
        sampling = {"do_sample": False} if temperature <= 0 else {"do_sample": True, "temperature": temperature}
        with self._lock, torch.no_grad():
            torch.manual_seed(int(body.get("seed") or 0))
            out = self._model.generate(
                ids,
                attention_mask=torch.ones_like(ids),
                max_new_tokens=int(body.get("max_tokens") or 64),
                pad_token_id=self._tokenizer.pad_token_id,
                **sampling,
            )
        new = out[0, ids.shape[1] :]
        return {
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self.model_name,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": self._tokenizer.decode(new, skip_special_tokens=True)},
                    "finish_reason": "length" if len(new) >= int(body.get("max_tokens") or 64) else "stop",
                }
            ],
            "usage": {
                "prompt_tokens": int(ids.shape[1]),
                "completion_tokens": int(len(new)),
                "total_tokens": int(ids.shape[1] + len(new)),
            },
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
                return

            def _send(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                server.requests.append(
                    {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
                )
                if self.headers.get("Authorization") != f"Bearer {server.api_key}":
                    server.unauthorized += 1
                    self._send(401, {"error": {"message": "invalid API key", "type": "invalid_request_error"}})
                    return
                if self.path != "/v1/chat/completions" or body.get("model") != server.model_name:
                    self._send(404, {"error": {"message": f"no route {self.path} for model {body.get('model')}"}})
                    return
                self._send(200, server.complete(body))

        return Handler
