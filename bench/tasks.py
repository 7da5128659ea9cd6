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
