"""Totals over ever-growing tables are read now and then, not on every scrape."""

from __future__ import annotations

import pytest

from shared import metrics
from shared.metrics import Cached


def test_a_total_is_read_once_per_max_age(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(metrics.time, "monotonic", lambda: now[0])
    reads = []
    total = Cached(lambda: reads.append(1) or len(reads), max_age=15)
    assert total.get() == 1
    now[0] += 14
    assert total.get() == 1 and len(reads) == 1
    now[0] += 1
    assert total.get() == 2


def test_a_failed_read_is_not_kept(monkeypatch):
    answers = iter([RuntimeError("database away"), 7])

    def read():
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    total = Cached(read, max_age=15)
    with pytest.raises(RuntimeError):
        total.get()
    assert total.get() == 7
