"""The scripted case managers finish children before starting new ones."""

from __future__ import annotations

import threading
import time

from bench.tasks import Case, StepQueues


def _case(index: int) -> Case:
    return Case(index, {}, 0.0)


def test_a_due_later_step_is_taken_before_earlier_steps():
    queues = StepQueues(("assess", "refer", "accept"))
    now = time.time()
    for i in range(5):
        queues.push(now - 10, "assess", _case(i))
    queues.push(now, "refer", _case(10))
    queues.push(now, "accept", _case(20))
    stop = threading.Event()
    taken = [queues.pop(stop) for _ in range(3)]
    assert [(step, case.index) for step, case in taken] == [
        ("accept", 20),
        ("refer", 10),
        ("assess", 0),
    ]
    assert queues.ready() == {"assess": 4, "refer": 0, "accept": 0}


def test_a_step_not_yet_due_does_not_block_one_that_is():
    queues = StepQueues(("assess", "refer"))
    queues.push(time.time() + 60, "refer", _case(1))
    queues.push(time.time(), "assess", _case(2))
    step, case = queues.pop(threading.Event())
    assert (step, case.index) == ("assess", 2)


def test_pop_returns_none_once_stopped():
    queues = StepQueues(("assess",))
    stop = threading.Event()
    threading.Timer(0.05, stop.set).start()
    assert queues.pop(stop) is None
