"""Referral reads its deadline settings once, at start, from the environment it was given."""

from __future__ import annotations

import pytest

from services.referral.bootstrap import runtime_from
from services.referral.settings import deadline_policy


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch, tmp_path):
    for name in ("REFERRAL_REMINDER_HOURS_BEFORE", "DATABASE_URL", "BROKER_URL", "JWT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))


def test_the_reminder_lead_is_read_at_start_and_kept(monkeypatch):
    monkeypatch.setenv("REFERRAL_REMINDER_HOURS_BEFORE", "6")
    runtime = runtime_from({"REFERRAL_RESPONSE_HOURS": "48"})
    monkeypatch.setenv("REFERRAL_REMINDER_HOURS_BEFORE", "12")
    policy = deadline_policy(runtime)
    assert (policy.response_hours, policy.reminder_hours_before) == (48, 6)
    runtime.db.dispose()


def test_a_bad_reminder_lead_stops_the_service_at_start():
    with pytest.raises(ValueError, match="hours"):
        runtime_from({"REFERRAL_REMINDER_HOURS_BEFORE": "-1"})
