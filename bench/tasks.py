"""A child's case as the scripted users see it, and the time-ordered queue of their steps."""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from dataclasses import dataclass
from typing import Any


@dataclass
class Case:
    """One child on its way through the chain, with the times the driver saw."""

    index: int
    body: dict[str, Any]
    due: float
    child_id: str = ""
    registered_at: float = 0.0  # wall clock when the first registration request started
    service_type: str = ""
    referral_id: str = ""
    provider_id: str = ""
    referred_at: float = 0.0
    accepted_at: float = 0.0
    done_at: float = 0.0
    attempts: int = 0
    duplicates: int = 0


class TaskQueue:
    """Steps ordered by the time they may run."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, str, Case]] = []
        self._order = itertools.count()
        self._ready = threading.Condition()

    def push(self, when: float, step: str, case: Case) -> None:
        """Schedule a step of a case."""
        with self._ready:
            heapq.heappush(self._heap, (when, next(self._order), step, case))
            self._ready.notify()

    def pop(self, stop: threading.Event) -> tuple[str, Case] | None:
        """Wait for the next step that is due; None once stopped."""
        with self._ready:
            while not stop.is_set():
                wait = self._heap[0][0] - time.time() if self._heap else 0.2
                if self._heap and wait <= 0:
                    _, _, step, case = heapq.heappop(self._heap)
                    return step, case
                self._ready.wait(min(max(wait, 0.001), 0.2))
        return None


class StepQueues:
    """One time-ordered queue per scripted step, served latest step first.

    A case manager who has both a child to refer and a new child to assess refers first, as
    people finishing work do: under overload the chain keeps moving children to the end instead
    of starting ever more of them. A step that is not due yet never blocks one that is.
    """

    def __init__(self, steps: tuple[str, ...]) -> None:
        self.steps = steps
        self._heaps: dict[str, list[tuple[float, int, Case]]] = {step: [] for step in steps}
        self._order = itertools.count()
        self._ready = threading.Condition()

    def push(self, when: float, step: str, case: Case) -> None:
        """Schedule a step of a case."""
        with self._ready:
            heapq.heappush(self._heaps[step], (when, next(self._order), case))
            self._ready.notify()

    def ready(self) -> dict[str, int]:
        """Return how many steps of each kind are waiting (due or not)."""
        with self._ready:
            return {step: len(heap) for step, heap in self._heaps.items()}

    def pop(self, stop: threading.Event) -> tuple[str, Case] | None:
        """Wait for a due step, taking the latest step in the chain first; None once stopped."""
        with self._ready:
            while not stop.is_set():
                now, soonest = time.time(), 0.2
                for step in reversed(self.steps):
                    heap = self._heaps[step]
                    if heap and heap[0][0] <= now:
                        return step, heapq.heappop(heap)[2]
                    if heap:
                        soonest = min(soonest, heap[0][0] - now)
                self._ready.wait(max(soonest, 0.001))
        return None
