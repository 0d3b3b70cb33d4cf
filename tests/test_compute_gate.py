"""The compute gate serves waiting questions first come, first served, ahead of the background (ingest),
and gives the background its turn once no question waits. Real threads; the order is made known by
waiting until each thread is queued (ComputeGate.waiting) before the next one starts."""

from __future__ import annotations

import threading
import time

import pytest

from vectorstore.runtime import compute
from vectorstore.runtime.compute import ComputeGate

QUEUED = 20  # questions queued behind the holder


def until(condition, seconds: float = 5.0) -> None:
    """Wait until ``condition()`` holds (a thread has reached its wait), failing after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("the threads did not reach the gate in time")
        time.sleep(0.001)


def queue_up(gate: ComputeGate, kinds: list[str], served: list[str]) -> list[threading.Thread]:
    """One thread per kind ("foreground"/"background"), each started once the one before waits at the gate."""
    threads = []
    for number, kind in enumerate(kinds):
        before = gate.waiting
        thread = threading.Thread(target=lambda k=kind, n=number: enter(gate, k, f"{k} {n}", served))
        thread.start()
        threads.append(thread)
        until(lambda: gate.waiting != before)
    return threads


def enter(gate: ComputeGate, kind: str, name: str, served: list[str]) -> None:
    with getattr(gate, kind)():
        served.append(name)


def finish(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.join(5)
    assert not any(thread.is_alive() for thread in threads), "a thread never got the gate"


def test_waiting_questions_get_the_gate_in_the_order_they_came():
    gate, served = ComputeGate(), []
    with gate.foreground():
        threads = queue_up(gate, ["foreground"] * QUEUED, served)
        assert gate.waiting == (QUEUED, 0)
    finish(threads)
    assert served == [f"foreground {n}" for n in range(QUEUED)]


def test_a_question_arriving_while_others_wait_queues_behind_them():
    gate, served = ComputeGate(), []
    with gate.foreground():
        threads = queue_up(gate, ["foreground"] * 3, served)
    late = threading.Thread(target=enter, args=(gate, "foreground", "late", served))
    late.start()  # may find the gate held by one of the three, or free after them: never before them
    finish(threads + [late])
    assert served == ["foreground 0", "foreground 1", "foreground 2", "late"]


def test_background_waits_for_every_waiting_question_even_those_that_came_later():
    gate, served = ComputeGate(), []
    with gate.foreground():
        threads = queue_up(gate, ["foreground", "background", "foreground", "foreground"], served)
        assert gate.waiting == (3, 1)
    finish(threads)
    assert served == ["foreground 0", "foreground 2", "foreground 3", "background 1"]


def test_background_gets_the_gate_once_no_question_waits():
    gate, served = ComputeGate(), []
    with gate.background():
        threads = queue_up(gate, ["background", "foreground"], served)
    finish(threads)
    assert served == ["foreground 1", "background 0"]
    assert gate.waiting == (0, 0)
    with gate.background():  # free again
        pass


def test_gate_excludes_while_held_and_is_handed_on_when_released_by_another_thread():
    gate, served = ComputeGate(), []
    held = gate.foreground()
    held.__enter__()
    threads = queue_up(gate, ["foreground", "foreground"], served)
    assert served == []
    releaser = threading.Thread(target=held.__exit__, args=(None, None, None))
    releaser.start()
    finish(threads + [releaser])
    assert served == ["foreground 0", "foreground 1"]


class Interrupted(BaseException):
    pass


def interrupting_turn(after_handed: bool):
    """A turn whose wait is interrupted: at once (still queued), or just after the gate was handed to it."""

    class Turn(threading.Event):
        def wait(self, timeout=None):
            if after_handed:
                super().wait(5)
            raise Interrupted

    return Turn


@pytest.mark.parametrize("after_handed", [False, True])
def test_an_interrupted_waiter_leaves_the_queue_and_passes_on_a_gate_handed_to_it(monkeypatch, after_handed):
    gate = ComputeGate()
    monkeypatch.setattr(compute, "Event", interrupting_turn(after_handed))
    failed = []
    held = gate.foreground()
    held.__enter__()
    waiter = threading.Thread(target=lambda: failed.append(pytest.raises(Interrupted, enter, gate, "foreground", "x", [])))
    waiter.start()
    if after_handed:
        until(lambda: gate.waiting == (1, 0))
        held.__exit__(None, None, None)
    waiter.join(5)
    if not after_handed:
        held.__exit__(None, None, None)
    assert failed and gate.waiting == (0, 0)
    took = threading.Event()
    threading.Thread(target=lambda: (gate.background().__enter__(), took.set())).start()
    assert took.wait(5), "the gate was left held"
