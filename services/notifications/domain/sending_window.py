"""When a message may go out: quiet hours and the per-phone daily cap, in local time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from shared.localtime import LOCAL_TZ, next_local_midnight, to_local

_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class QuietWindow:
    """A local-time window with no SMS; `start` inclusive, `end` exclusive."""

    start: time
    end: time

    @property
    def crosses_midnight(self) -> bool:
        """Tell whether the window runs past local midnight (21:00-08:00)."""
        return self.start > self.end

    def contains(self, local: time) -> bool:
        """Tell whether a local wall-clock time falls inside the window."""
        if self.crosses_midnight:
            return local >= self.start or local < self.end
        return self.start <= local < self.end


def _clock(hours: str, minutes: str) -> time:
    """Build a time from text, rejecting 24:00 and 08:60."""
    hour, minute = int(hours), int(minutes)
    if hour > 23 or minute > 59:
        raise ValueError(f"not a time of day: {hours}:{minutes}")
    return time(hour, minute)


def parse_quiet_hours(spec: str | None) -> QuietWindow | None:
    """Parse `HH:MM-HH:MM`; an empty value disables quiet hours."""
    if spec is None or not spec.strip():
        return None
    match = _WINDOW.match(spec)
    if not match:
        raise ValueError(f"QUIET_HOURS must look like 21:00-08:00, got {spec!r}")
    start = _clock(match[1], match[2])
    end = _clock(match[3], match[4])
    if start == end:
        raise ValueError("QUIET_HOURS start and end must differ")
    return QuietWindow(start=start, end=end)


def release_time(now_utc: datetime, window: QuietWindow | None) -> datetime | None:
    """Return when a message held by quiet hours may go (UTC), or None if it may go now."""
    if window is None:
        return None
    local = to_local(now_utc)
    if not window.contains(local.time()):
        return None
    release_day = local.date()
    if window.crosses_midnight and local.time() >= window.start:
        release_day += timedelta(days=1)
    release = datetime.combine(release_day, window.end, tzinfo=LOCAL_TZ)
    return release.astimezone(UTC)


def cap_reached(sent_today: int, daily_cap: int | None) -> bool:
    """Tell whether a phone already had its allowance of SMS for the local day."""
    return daily_cap is not None and daily_cap > 0 and sent_today >= daily_cap


def cap_release_time(now_utc: datetime, sent_today: int, daily_cap: int | None) -> datetime | None:
    """Return the next local midnight (UTC) when the cap is reached, else None."""
    if not cap_reached(sent_today, daily_cap):
        return None
    return next_local_midnight(now_utc)


def hold_until(
    now_utc: datetime,
    window: QuietWindow | None,
    sent_today: int = 0,
    daily_cap: int | None = None,
) -> datetime | None:
    """Return the earliest moment (UTC) a family SMS may go, or None if it may go now."""
    moment = now_utc
    held = False
    capped = cap_release_time(now_utc, sent_today, daily_cap)
    if capped is not None:
        moment, held = capped, True
    # A new local day starts inside a window that crosses midnight, so check after the cap too.
    quiet = release_time(moment, window)
    if quiet is not None:
        moment, held = quiet, True
    return moment.astimezone(UTC) if held else None
