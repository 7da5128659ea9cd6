from datetime import UTC, date, datetime, time, timedelta

import pytest

from services.notifications.domain.sending_window import (
    QuietWindow,
    cap_reached,
    cap_release_time,
    hold_until,
    parse_quiet_hours,
    release_time,
)
from shared.localtime import local_day, local_day_bounds

NIGHT = parse_quiet_hours("21:00-08:00")


def utc_of_local(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """Return the UTC instant of a December 2026 wall-clock time in Dushanbe (UTC+5)."""
    return datetime(2026, 12, day, hour, minute, second, tzinfo=UTC) - timedelta(hours=5)


def test_parse_default_window_and_disabled_values():
    assert QuietWindow(time(21, 0), time(8, 0)) == NIGHT
    assert NIGHT.crosses_midnight
    assert parse_quiet_hours("") is None
    assert parse_quiet_hours("  ") is None
    assert parse_quiet_hours(None) is None
    assert parse_quiet_hours(" 13:00 - 14:30 ") == QuietWindow(time(13, 0), time(14, 30))


@pytest.mark.parametrize("spec", ["21-08", "25:00-08:00", "21:00-08:60", "21:00", "09:00-09:00"])
def test_malformed_windows_are_rejected(spec):
    with pytest.raises(ValueError):
        parse_quiet_hours(spec)


@pytest.mark.parametrize(
    ("local", "released_at_local"),
    [
        ((1, 20, 59, 59), None),
        ((1, 21, 0, 0), (2, 8)),
        ((1, 23, 30, 0), (2, 8)),
        ((2, 0, 0, 0), (2, 8)),
        ((2, 7, 59, 59), (2, 8)),
        ((2, 8, 0, 0), None),
        ((2, 12, 0, 0), None),
    ],
)
def test_night_window_edges_and_midnight_crossing(local, released_at_local):
    now = utc_of_local(*local)
    expected = None if released_at_local is None else utc_of_local(*released_at_local)
    assert release_time(now, NIGHT) == expected


def test_release_time_is_utc_and_ignores_the_input_offset():
    dushanbe_evening = datetime.fromisoformat("2026-12-01T22:15:00+05:00")
    released = release_time(dushanbe_evening, NIGHT)
    assert released == datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
    assert released.utcoffset().total_seconds() == 0


def test_daytime_window_holds_until_its_end_the_same_day():
    lunch = parse_quiet_hours("13:00-14:00")
    assert release_time(utc_of_local(1, 13, 30), lunch) == utc_of_local(1, 14)
    assert release_time(utc_of_local(1, 14), lunch) is None
    assert release_time(utc_of_local(1, 12, 59), lunch) is None


def test_no_window_never_holds():
    assert release_time(utc_of_local(1, 3), None) is None


def test_naive_now_is_refused():
    with pytest.raises(ValueError):
        release_time(datetime(2026, 12, 1, 3), NIGHT)


def test_local_day_turns_at_dushanbe_midnight_not_utc_midnight():
    assert local_day(datetime(2026, 12, 1, 18, 59, tzinfo=UTC)) == date(2026, 12, 1)
    assert local_day(datetime(2026, 12, 1, 19, 0, tzinfo=UTC)) == date(2026, 12, 2)
    start, end = local_day_bounds(date(2026, 12, 2))
    assert start == datetime(2026, 12, 1, 19, tzinfo=UTC)
    assert end == datetime(2026, 12, 2, 19, tzinfo=UTC)


def test_daily_cap_holds_until_local_midnight():
    assert not cap_reached(2, 3)
    assert cap_reached(3, 3)
    assert not cap_reached(100, None)
    assert not cap_reached(100, 0)
    now = utc_of_local(1, 15)
    assert cap_release_time(now, 2, 3) is None
    assert cap_release_time(now, 3, 3) == utc_of_local(2, 0)


def test_capped_message_released_at_midnight_then_waits_for_quiet_hours_to_end():
    now = utc_of_local(1, 15)
    assert hold_until(now, NIGHT, sent_today=3, daily_cap=3) == utc_of_local(2, 8)
    assert hold_until(now, None, sent_today=3, daily_cap=3) == utc_of_local(2, 0)
    assert hold_until(now, NIGHT, sent_today=1, daily_cap=3) is None
    assert hold_until(utc_of_local(1, 22), NIGHT, sent_today=0, daily_cap=3) == utc_of_local(2, 8)
