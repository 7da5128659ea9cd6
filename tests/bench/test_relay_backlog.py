"""The relay's backlog benchmark runs on a tiny scale and reports each way it measured.

Speed is never asserted here: a shared CI machine says nothing about the platform's speed.
"""

from __future__ import annotations

import pytest

from bench.relay_backlog import run, summary
from bench.targets import targets

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


def test_the_summary_compares_each_relay_round_with_its_own_publisher_alone():
    def row(round_, way, rate):
        return {"round": round_, "way": way, "events": 1000, "events_per_s": rate}

    rows = [
        row(1, "publisher alone", 8000), row(1, "relay, not analyzed", 6000),
        row(1, "relay, analyzed", 8000), row(2, "publisher alone", 4000),
        row(2, "relay, not analyzed", 4000), row(2, "relay, analyzed", 2000),
    ]  # fmt: skip

    figures = summary(rows)

    assert figures["publisher_alone_per_s"] == 6000
    assert figures["relay_per_s"] == 5000
    # 75%, 100%, 100% and 50%: each beside its own round's publisher, not the mean of all
    assert figures["share_of_alone"] == 0.812
    assert figures["share_of_alone_range"] == [0.5, 1.0]
    assert figures["rounds"] == 2 and figures["events"] == 1000 and figures["rows"] == rows


def test_the_target_row_judges_the_backlog_and_shows_a_drain_too_quick_to_time():
    results = {
        "baselines": {"broker": {"publish_confirm_batch_100": {"rate_per_s": 8000}}},
        "relay_backlog": {
            "events": 20000, "rounds": 2, "batch": 200, "relay_per_s": 7400,
            "publisher_alone_per_s": 8000, "share_of_alone": 0.925,
            "share_of_alone_range": [0.88, 0.97],
        },
        # gone before the first look: no rate
        "intake_api": {"relay": {"backlog": 40, "seconds": None, "events_per_s": None}},
    }  # fmt: skip

    row = next(t for t in targets(results) if t["figure"].startswith("Outbox relay"))

    assert row["met"] is True  # 7,400 of raw kombu's 8,000
    assert row["measured"].startswith("7,400 events/s = 92%")
    assert "88%-97%" in row["measured"] and "8,000 events/s" in row["baseline"]
    assert "intake's relay on the load's backlog of 40: n/a events/s" in row["measured"]
