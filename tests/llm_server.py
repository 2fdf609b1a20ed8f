"""A loopback OpenAI-compatible chat-completions server for tests: answers from a local
transformers model (the tiny random Qwen2 of the trainer tests), counts requests, and can slow
down each answer so a client can be killed mid-run."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class ChatServer:
    """``with ChatServer(model_dir) as server:`` serves ``server.base_url`` (``http://127.0.0.1:PORT/v1``)."""

    def __init__(self, model_dir, *, delay: float = 0.0, max_new_tokens: int = 8):
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(model_dir)
        self.model = AutoModelForCausalLM.from_pretrained(model_dir).eval()
        self.delay, self.max_new_tokens = delay, max_new_tokens
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        self.torch = torch
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                if self.path != "/v1/chat/completions":
                    self.send_error(404)
                    return
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                text = server.answer(body)
                payload = json.dumps(
                    {
                        "id": f"chatcmpl-{len(server.requests)}",
                        "object": "chat.completion",
                        "created": int(time.time()),
                        "model": body["model"],
                        "choices": [
                            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
                        ],
                        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def answer(self, body: dict) -> str:
        time.sleep(self.delay)
        text = self.tokenizer.apply_chat_template(body["messages"], tokenize=False, add_generation_prompt=True)
        with self.lock:
            self.requests.append(body)
            enc = self.tokenizer(text, return_tensors="pt")
            with self.torch.no_grad():
                out = self.model.generate(
                    **enc,
                    max_new_tokens=min(self.max_new_tokens, body.get("max_tokens") or self.max_new_tokens),
                    do_sample=False,
                    pad_token_id=self.tokenizer.pad_token_id,
                )
        return self.tokenizer.decode(out[0, enc["input_ids"].shape[1] :], skip_special_tokens=True)

    def __enter__(self) -> ChatServer:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
