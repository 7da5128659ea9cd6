"""The relay's backlog benchmark runs on a tiny scale and reports each way it measured.

Speed is never asserted here: a shared CI machine says nothing about the platform's speed.
"""

from __future__ import annotations

import pytest

from bench.relay_backlog import run

pytestmark = pytest.mark.integration


def test_each_way_publishes_every_event_and_has_a_rate(postgres_url, rabbitmq_url, monkeypatch):
    monkeypatch.setenv("POSTGRES_URL", postgres_url)
    monkeypatch.setenv("RABBITMQ_URL", rabbitmq_url)

    rows = run(events=300, batch=100, rounds=1)

    assert [row["way"] for row in rows] == [
        "publisher alone",
        "relay, not analyzed",
        "relay, analyzed",
    ]
    assert [row["events"] for row in rows] == [300, 300, 300]
    assert all(row["events_per_s"] > 0 and row["cpu_s"] >= 0 for row in rows)
    # the broker's and the database's share, measured beside each way
    assert all(row["rabbitmq_cpu_s"] >= 0 and row["postgres_cpu_s"] >= 0 for row in rows)
    assert sum(row["rabbitmq_cpu_s"] for row in rows) > 0
