"""500 registrations while RabbitMQ is stopped and started twice: every family told once."""

from __future__ import annotations

import time

import pytest

from shared.testing.fixtures import IN_CI
from shared.testing.servers import can_control_rabbitmq, start_rabbitmq, stop_rabbitmq
from tests.faults.counting import (
    assessments_per_child,
    records_made_twice,
    redeliveries_skipped,
    register_many,
    settled,
    sms_duplicated,
    sms_missing,
    sms_records,
)
from tests.faults.report import FaultCounts, record

pytestmark = [pytest.mark.faults, pytest.mark.alone, pytest.mark.e2e]

DISTRICT = "panjakent"
FIRST = 10_000  # registration numbers (and so phones) no other fault test uses
# Registrations per phase: up, down, up, down, up — 500 in all.
PHASES = ((True, 100), (False, 120), (True, 100), (False, 120), (True, 60))
DRAIN_LIMIT = 60.0


def register_through_outages(users, rabbitmq_url: str) -> tuple[list, list, list, float]:
    """Register in phases, stopping the broker for some; return who got in and the timings."""
    families, refused, numbers = [], [], iter(range(FIRST, FIRST + 500))
    outages: list[float] = []
    stopped = broker_back = time.monotonic()
    down = False
    try:
        for broker_up, count in PHASES:
            if not broker_up:
                stop_rabbitmq()
                stopped, down = time.monotonic(), True
            made, why = register_many(users, [next(numbers) for _ in range(count)], DISTRICT)
            families, refused = families + made, refused + why
            if down:
                start_rabbitmq(rabbitmq_url)
                broker_back, down = time.monotonic(), False
                outages.append(round(broker_back - stopped, 1))
    finally:
        if down:
            start_rabbitmq(rabbitmq_url)  # never leave the shared broker stopped
    return families, refused, outages, broker_back


def test_registrations_survive_two_broker_outages_and_each_family_is_told_once(
    chain, users, rabbitmq_url
):
    if not can_control_rabbitmq():
        # Only a broker this machine runs can be stopped; in CI that must be so.
        reason = "rabbitmqctl cannot control the local RabbitMQ"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    skipped_before = redeliveries_skipped(users)
    families, refused, outages, broker_back = register_through_outages(users, rabbitmq_url)

    expected = {family.phone: 1 for family in families}
    settled(lambda: sms_missing(users, expected) == 0, timeout=DRAIN_LIMIT + 30)
    drained = time.monotonic() - broker_back
    worklist = assessments_per_child(users, DISTRICT)
    records = [r for r in sms_records(users, DISTRICT) if r["event_type"] == "child.registered"]
    counts = record(
        FaultCounts(
            "broker stopped and started twice during 500 registrations",
            children_sent_in=len(families) + len(refused),
            journeys_finished=len(expected) - sms_missing(users, expected),
            events_lost=sms_missing(users, expected)
            + sum(1 for f in families if f.child_id not in worklist),
            events_handled_twice=records_made_twice(records)
            + sum(n - 1 for n in worklist.values()),
            sms_duplicated=sms_duplicated(users, expected),
            details={
                "seconds the broker was down": outages,
                "seconds to drain after the broker returned": round(drained, 1),
                "redeliveries recognised and skipped": redeliveries_skipped(users) - skipped_before,
            },
        )
    )
    assert not refused, f"{len(refused)} registrations refused, e.g. {refused[:3]}"
    assert counts.children_sent_in == counts.journeys_finished == 500
    assert (counts.events_lost, counts.events_handled_twice, counts.sms_duplicated) == (0, 0, 0)
    assert drained <= DRAIN_LIMIT, f"the backlog took {drained:.0f} s to drain"
