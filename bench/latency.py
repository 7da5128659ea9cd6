"""Family-facing latency, read afterwards from the notifications database's own timestamps."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import create_engine, text

from bench.stats import latency_summary
from bench.tasks import Case

GUARDIAN_ROWS = text(
    "SELECT child_id, event_type, MIN(created_at) AS created, MIN(sent_at) AS sent "
    "FROM notifications WHERE recipient = 'guardian' GROUP BY child_id, event_type"
)
ACCEPTED_COUNT = text(
    "SELECT COUNT(DISTINCT child_id) FROM notifications "
    "WHERE recipient = 'guardian' AND event_type = 'referral.accepted'"
)


def wait_for_acceptance_sms(database_url: str, expected: int, timeout: float = 120.0) -> int:
    """Poll until `expected` children have an acceptance SMS record; return how many have."""
    engine = create_engine(database_url)
    deadline = time.monotonic() + timeout
    try:
        while True:
            with engine.connect() as connection:
                found = connection.execute(ACCEPTED_COUNT).scalar_one()
            if found >= expected or time.monotonic() > deadline:
                return found
            time.sleep(0.5)
    finally:
        engine.dispose()


def guardian_sms(database_url: str) -> dict[tuple[str, str], tuple[float, float | None]]:
    """Return {(child_id, event_type): (first record time, first sent time)} for families."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(GUARDIAN_ROWS).all()
    finally:
        engine.dispose()
    return {
        (row.child_id, row.event_type): (
            row.created.timestamp(),
            row.sent.timestamp() if row.sent else None,
        )
        for row in rows
    }


def family_latency(
    cases: list[Case], sms: dict[tuple[str, str], tuple[float, float | None]]
) -> tuple[dict[str, Any], list[tuple[float, float]]]:
    """Return latency summaries and (registered at, seconds to first SMS record) per child."""
    first_record, first_sent, timeline = [], [], []
    to_accept_sms, accept_to_sms = [], []
    by_child: dict[str, list[tuple[float, float | None]]] = {}
    for (child_id, _), times in sms.items():
        by_child.setdefault(child_id, []).append(times)
    for case in cases:
        times = by_child.get(case.child_id)
        if times and case.registered_at:
            record = min(t[0] for t in times) - case.registered_at
            first_record.append(record)
            timeline.append((case.registered_at, record))
            sent = [t[1] for t in times if t[1] is not None]
            if sent:
                first_sent.append(min(sent) - case.registered_at)
        accepted = sms.get((case.child_id, "referral.accepted"))
        if accepted and case.referred_at:
            to_accept_sms.append(accepted[0] - case.referred_at)
            accept_to_sms.append(accepted[0] - case.accepted_at)
    summary = {
        "registration_to_first_family_sms_record": latency_summary(first_record),
        "registration_to_first_family_sms_sent": latency_summary(first_sent),
        "referral_to_acceptance_sms_record": latency_summary(to_accept_sms),
        "acceptance_to_acceptance_sms_record": latency_summary(accept_to_sms),
    }
    return summary, sorted(timeline)
