"""Registrations flowing while a fault happens, and what they became, counted as usual."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable

import pytest
import requests

from shared.testing.fixtures import IN_CI
from tests.e2e.steps import Users
from tests.faults.counting import (
    assessments_per_child,
    records_made_twice,
    settled,
    sms_duplicated,
    sms_missing,
    sms_records,
)
from tests.faults.report import FaultCounts, record
from tests.faults.test_database_outage import Probe, registrations

__all__ = ["Probe", "registrations", "count_registrations", "require", "accepted_after", "paced"]

SETTLE_SECONDS = 120.0


def require(available: bool, what: str) -> None:
    """Fail in CI, skip elsewhere, when something a fault test needs is missing."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"CI: {what}", pytrace=False)
    pytest.skip(what)


def have(*commands: str) -> bool:
    """True when every command is on this machine."""
    return all(shutil.which(c) or os.path.exists(c) for c in commands)


def accepted_after(load: Probe, since: float) -> int:
    """Registrations accepted (201) since a moment."""
    return sum(1 for _, status, _ in load.between(since, 1e12) if status == 201)


def count_registrations(
    users: Users, fault: str, district: str, load: Probe, accepted: dict[str, str], details: dict
) -> FaultCounts:
    """Wait for every accepted child's SMS and assessment, then record what the fault did."""
    expected = dict.fromkeys(accepted.values(), 1)
    settled(lambda: sms_missing(users, expected) == 0, SETTLE_SECONDS)
    settled(lambda: set(accepted) <= set(assessments_per_child(users, district)), 30)
    worklist = assessments_per_child(users, district)
    missing = sms_missing(users, expected)
    statuses = [status for _, status, _ in load.answers]
    return record(
        FaultCounts(
            fault,
            children_sent_in=len(statuses),
            journeys_finished=len(expected) - missing,
            events_lost=missing + sum(1 for child in accepted if child not in worklist),
            events_handled_twice=records_made_twice(sms_records(users, district))
            + sum(n - 1 for n in worklist.values()),
            sms_duplicated=sms_duplicated(users, expected),
            details={
                "registrations accepted": len(accepted),
                "answered 503": statuses.count(503),
                "other answers": sorted({s for s in statuses if s not in (201, 503)}),
                **details,
            },
        )
    )


def paced(call: Callable[[], requests.Response], seconds: float) -> Callable[[], requests.Response]:
    """The same call, made at most once every `seconds` (a steady, modest load)."""
    pause = threading.Event()

    def slower() -> requests.Response:
        pause.wait(seconds)  # load pacing, not a wait for a result
        return call()

    return slower
