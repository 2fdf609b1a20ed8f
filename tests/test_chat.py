"""The shared chat backend (ctpairs.chat) and the two layers over it: the traces teacher
(ctpairs.teacher) and the eval predictors (ctpairs.llm), against one loopback OpenAI-compatible
server and the tiny random Qwen2 loaded in process; no monkeypatched client or model."""

from __future__ import annotations

import json
import shutil

import pytest

pytest.importorskip("transformers")

from ctpairs.chat import NO_KEY, Generation, LocalChat, OpenAIChat  # noqa: E402
from ctpairs.errors import ChatError, ChatRefusedError  # noqa: E402
from ctpairs.llm import HFPredictor, OpenAIPredictor, chat  # noqa: E402
from ctpairs.predictors import EvalError  # noqa: E402
from ctpairs.teacher import GeneratorError, HFGenerator, OpenAIGenerator, ReplyError, Sampling  # noqa: E402
from ctpairs.tiny import build_tiny_model  # noqa: E402
from tests.llm_server import ChatServer  # noqa: E402

pytestmark = pytest.mark.usefixtures("one_torch_thread")

PROMPTS = [
    "Does a higher dose of bevacizumab raise the response rate?",
    "Is the placebo arm's rate of nausea lower?",
    "Which arm has the longer progression-free survival, given a median of 7.2 months against 6.1?",
]
LONG = "Describe the trial. " * 60
MODEL = "tiny"


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    return build_tiny_model([*PROMPTS, LONG, "DECISION: (0.6, 0.4)"], tmp_path_factory.mktemp("tiny-chat"))


@pytest.fixture(scope="module")
def server(tiny_model):
    with ChatServer(tiny_model, max_new_tokens=12, max_prompt_tokens=200) as s:
        yield s


@pytest.fixture(scope="module")
def local(tiny_model):
    backend = LocalChat(str(tiny_model), device="cpu")
    yield backend
    backend.close()


def test_teacher_and_predictor_send_the_same_request_through_one_client(server, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    teacher = OpenAIGenerator(server.base_url, MODEL, Sampling(temperature=0, top_p=0.9, max_tokens=8))
    predictor = OpenAIPredictor(server.base_url, model=MODEL, max_new_tokens=8, concurrency=1)
    before = len(server.requests)
    try:
        reply = teacher.generate(chat(PROMPTS[0]), seed=0)
        (answer,) = predictor.predict([], [PROMPTS[0]], 0)
    finally:
        teacher.close()
    from_teacher, from_predictor = server.requests[before:]
    assert reply.text == answer and reply.prompt_tokens > 10 and 0 < reply.completion_tokens <= 8
    assert from_teacher["messages"] == from_predictor["messages"] == chat(PROMPTS[0])
    assert from_teacher["top_p"] == 0.9 and "top_p" not in from_predictor  # the predictor leaves top_p to the server
    assert all(h["authorization"] == f"Bearer {NO_KEY}" for h in server.headers[before:])


def test_a_refused_request_is_typed_by_each_layer(server):
    backend = OpenAIChat(server.base_url, MODEL, retries=0)
    refused = server.refused
    with pytest.raises(ChatRefusedError, match="maximum context length"):
        backend.complete(chat(LONG), temperature=0, max_tokens=4, seed=0)
    with pytest.raises(ReplyError, match="refused the request"):
        OpenAIGenerator(server.base_url, MODEL, Sampling(max_tokens=4), retries=0).generate(chat(LONG), seed=0)
    with pytest.raises(EvalError, match="refused the request"):
        OpenAIPredictor(server.base_url, model=MODEL, retries=0).predict([], [LONG], 0)
    assert server.refused == refused + 3
    backend.close()


def test_any_other_failure_is_a_chat_error_not_a_refusal():
    backend = OpenAIChat("http://user:secret@127.0.0.1:9/v1", MODEL, timeout=2, retries=0)
    with pytest.raises(ChatError, match="APIConnectionError") as caught:
        backend.complete(chat("hello"), temperature=0, max_tokens=4, seed=0)
    assert not isinstance(caught.value, ChatRefusedError) and "secret" not in str(caught.value)
    assert backend.name == "openai:http://127.0.0.1:9/v1"
    with pytest.raises(GeneratorError, match="APIConnectionError"):
        OpenAIGenerator("http://127.0.0.1:9/v1", MODEL, Sampling(), timeout=2, retries=0).generate(chat("x"), seed=0)


def test_local_greedy_replies_are_the_servers_and_batching_changes_nothing(server, local):
    conversations = [chat(p) for p in PROMPTS]
    one_by_one = [local.generate([c], temperature=0, max_tokens=12, seed=0)[0] for c in conversations]
    batched = local.generate(conversations, temperature=0, max_tokens=12, seed=0, batch_size=2)
    assert batched == one_by_one and all(isinstance(g, Generation) for g in batched)
    served = OpenAIChat(server.base_url, MODEL)
    try:
        over_http = [served.complete(c, temperature=0, max_tokens=12, seed=0) for c in conversations]
    finally:
        served.close()
    assert over_http == batched  # text and both token counts: left padding is neither counted nor seen
    for g, c in zip(batched, conversations):
        assert g.prompt_tokens == len(local.tokenizer(local.render(c), add_special_tokens=False)["input_ids"])


def test_local_sampling_is_repeatable_by_seed(local):
    conversations = [chat(p) for p in PROMPTS]
    first = local.generate(conversations, temperature=1.0, top_p=0.95, max_tokens=12, seed=7)
    assert local.generate(conversations, temperature=1.0, top_p=0.95, max_tokens=12, seed=7) == first
    assert all(0 < g.completion_tokens <= 12 for g in first)


def test_a_tokenizer_without_a_chat_template_gets_the_contents_joined(tiny_model, tmp_path):
    plain = tmp_path / "plain"
    shutil.copytree(tiny_model, plain)
    (plain / "chat_template.jinja").unlink(missing_ok=True)
    config = json.loads((plain / "tokenizer_config.json").read_text())
    config.pop("chat_template", None)
    (plain / "tokenizer_config.json").write_text(json.dumps(config))
    backend = LocalChat(str(plain), device="cpu")
    assert not backend.tokenizer.chat_template
    assert backend.render(chat(PROMPTS[0])) == f"You are a helpful assistant\n\n{PROMPTS[0]}"
    (reply,) = backend.generate([chat(PROMPTS[0])], temperature=0, max_tokens=4, seed=0)
    assert reply.prompt_tokens == len(backend.tokenizer(backend.render(chat(PROMPTS[0])))["input_ids"])


def test_a_model_that_cannot_be_loaded_is_each_layers_error(tmp_path):
    with pytest.raises(ChatError, match="cannot load"):
        LocalChat(str(tmp_path), device="cpu")
    with pytest.raises(GeneratorError, match="cannot load"):
        HFGenerator(str(tmp_path), Sampling(), device="cpu")
    with pytest.raises(EvalError, match="cannot load"):
        HFPredictor(str(tmp_path), device="cpu")
