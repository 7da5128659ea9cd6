"""Respond-by, the reminder and expiry, against an injected clock."""

from datetime import datetime, timedelta, timezone

import pytest

from services.referral.domain.deadlines import (
    DeadlinePolicy,
    answered_in_time,
    is_expired,
    parse_hours,
)

from .helpers import at

DUSHANBE = timezone(timedelta(hours=5))


def test_default_window_is_72_hours():
    assert DeadlinePolicy().respond_by(at(25, 10)) == at(28, 10)


def test_fractional_hours_are_honoured():
    assert DeadlinePolicy(response_hours=0.5).respond_by(at(25, 10)) == at(25, 10, 30)


def test_respond_by_keeps_the_offset_it_was_given():
    sent = datetime(2026, 11, 25, 15, 0, tzinfo=DUSHANBE)
    assert DeadlinePolicy().respond_by(sent) == at(28, 10)


def test_expiry_starts_exactly_at_respond_by():
    due = at(28, 10)
    assert not is_expired(due, due - timedelta(seconds=1))
    assert is_expired(due, due)


def test_reminder_goes_24_hours_before_a_72_hour_deadline():
    policy, sent = DeadlinePolicy(), at(25, 10)
    due = policy.respond_by(sent)
    assert policy.reminder_at(sent, due) == at(27, 10)


def test_short_window_reminds_halfway():
    policy, sent = DeadlinePolicy(response_hours=12), at(25, 10)
    due = policy.respond_by(sent)
    assert policy.reminder_at(sent, due) == at(25, 16)


def test_reminder_lead_is_configurable():
    policy, sent = DeadlinePolicy(reminder_hours_before=6), at(25, 10)
    assert policy.reminder_at(sent, policy.respond_by(sent)) == at(28, 4)


def test_reminder_follows_each_referrals_own_window():
    # A referral sent under an old 48-hour setting keeps its own deadline and reminder.
    policy, sent = DeadlinePolicy(response_hours=72), at(25, 10)
    old_due = at(27, 10)
    assert policy.reminder_at(sent, old_due) == at(26, 10)


def test_answered_in_time_includes_the_last_second():
    due = at(28, 10)
    assert answered_in_time(due, due)
    assert not answered_in_time(due, due + timedelta(seconds=1))
    assert not answered_in_time(due, None)


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="offset"):
        DeadlinePolicy().respond_by(datetime(2026, 11, 25, 10))
    with pytest.raises(ValueError, match="offset"):
        is_expired(at(28), datetime(2026, 11, 29))


@pytest.mark.parametrize("hours", [0, -1, float("inf"), float("nan")])
def test_policy_refuses_nonsense_hours(hours):
    with pytest.raises(ValueError):
        DeadlinePolicy(response_hours=hours)


@pytest.mark.parametrize(
    ("text", "hours"), [(None, 72.0), ("", 72.0), ("  ", 72.0), ("48", 48.0), ("0.25", 0.25)]
)
def test_parse_hours_setting(text, hours):
    assert parse_hours(text) == hours


@pytest.mark.parametrize("text", ["abc", "0", "-3", "inf", "nan"])
def test_parse_hours_rejects_bad_settings(text):
    with pytest.raises(ValueError):
        parse_hours(text)
