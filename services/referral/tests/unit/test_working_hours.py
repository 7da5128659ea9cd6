"""A provider's respond-by time moves out of the night and days off into working hours."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from services.referral.domain.deadlines import DeadlinePolicy
from services.referral.domain.working_hours import parse_working_hours

DUSHANBE = timezone(timedelta(hours=5))
SIX_DAYS = parse_working_hours("09:00-18:00", "mon-sat", DUSHANBE)
FIVE_DAYS = parse_working_hours("09:00-18:00", "mon-fri", DUSHANBE)


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in Dushanbe in December 2026 (1 December is a Tuesday)."""
    return datetime(2026, 12, day, hour, minute, tzinfo=DUSHANBE)


def test_a_deadline_inside_working_hours_stays_where_it_is():
    assert SIX_DAYS.deadline_at_or_after(local(2, 10, 30)) == local(2, 10, 30)
    assert SIX_DAYS.deadline_at_or_after(local(2, 18)) == local(2, 18)


@pytest.mark.parametrize(
    ("due", "moved_to"),
    [
        (local(2, 23, 30), local(3, 18)),  # late evening: the next working day's close
        (local(3, 2), local(3, 18)),  # the small hours: that day's close
        (local(3, 8, 59), local(3, 18)),
        (local(5, 19), local(7, 18)),  # Saturday evening: Sunday is off
        (local(6, 12), local(7, 18)),  # Sunday noon
    ],
)
def test_a_deadline_at_night_or_on_a_day_off_moves_to_working_hours(due, moved_to):
    assert SIX_DAYS.deadline_at_or_after(due) == moved_to
    assert SIX_DAYS.contains(moved_to)


def test_a_five_day_week_skips_saturday_too():
    assert FIVE_DAYS.deadline_at_or_after(local(4, 20)) == local(7, 18)


def test_the_policy_applies_working_hours_and_keeps_the_callers_offset():
    policy = DeadlinePolicy(response_hours=72, working_hours=SIX_DAYS)
    sent = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)  # 22:00 in Dushanbe
    due = policy.respond_by(sent)
    assert due == local(5, 18) and due.tzinfo == UTC
    assert DeadlinePolicy(response_hours=72).respond_by(sent) == sent + timedelta(hours=72)


BAD = [
    ("9-18", "mon-fri"),
    ("18:00-09:00", "mon-fri"),
    ("09:00-18:00", "fri-mon"),
    ("09:00-18:00", "weekdays"),
]


@pytest.mark.parametrize(("window", "days"), BAD)
def test_bad_settings_are_refused(window, days):
    with pytest.raises(ValueError):
        parse_working_hours(window, days, DUSHANBE)


def test_off_means_no_working_hours_and_blank_means_the_default():
    assert parse_working_hours("off", "", DUSHANBE) is None
    assert parse_working_hours("", "", DUSHANBE) == SIX_DAYS
