"""Local time in Tajikistan: Asia/Dushanbe (UTC+5, no daylight saving), for every service."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Dushanbe")


def require_aware(moment: datetime) -> datetime:
    """Refuse naive datetimes: a time without an offset is a bug, not a guess."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("datetime must carry a timezone offset")
    return moment


def to_local(moment: datetime) -> datetime:
    """Convert an aware datetime to Asia/Dushanbe."""
    return require_aware(moment).astimezone(LOCAL_TZ)


def local_day(now: datetime) -> date:
    """Return the calendar day in Asia/Dushanbe at the given instant."""
    return to_local(now).date()


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """Return the UTC start (inclusive) and end (exclusive) of a local calendar day."""
    start = datetime.combine(day, time(0, 0), tzinfo=LOCAL_TZ)
    end = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=LOCAL_TZ)
    return start.astimezone(UTC), end.astimezone(UTC)


def next_local_midnight(now: datetime) -> datetime:
    """Return the next local midnight after the instant, in UTC."""
    return local_day_bounds(local_day(now))[1]
