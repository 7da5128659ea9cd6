"""Providers' working hours: a respond-by time never falls at night or on a day off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

DEFAULT_WORKING_HOURS = "09:00-18:00"
# Many Tajik state institutions and day-care centres work six days; set mon-fri for five.
DEFAULT_WORKING_DAYS = "mon-sat"
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class WorkingHours:
    """A daily window (local time) on some days of the week."""

    opens: time
    closes: time
    days: frozenset[int]
    zone: tzinfo

    def contains(self, moment: datetime) -> bool:
        """Tell whether `moment` falls inside working hours (both ends included)."""
        local = moment.astimezone(self.zone)
        return local.weekday() in self.days and self.opens <= local.time() <= self.closes

    def deadline_at_or_after(self, moment: datetime) -> datetime:
        """Keep a deadline inside working hours; otherwise move it to the next closing time.

        Moving to the closing time rather than the opening gives the provider a working day to
        answer a referral whose window ran out overnight, not a deadline at the door.
        """
        if self.contains(moment):
            return moment
        local = moment.astimezone(self.zone)
        for offset in range(8):
            day = local.date() + timedelta(days=offset)
            closing = datetime.combine(day, self.closes, self.zone)
            if day.weekday() in self.days and closing >= local:
                return closing.astimezone(moment.tzinfo)
        raise AssertionError("a week always holds a working day")


def parse_working_hours(window: str, days: str, zone: tzinfo) -> WorkingHours | None:
    """Read "09:00-18:00" and "mon-fri" (or "mon,wed,fri"); window "off" means no limit."""
    window = (window or DEFAULT_WORKING_HOURS).strip().lower()
    if window in ("off", "none"):
        return None
    try:
        opens, closes = (time.fromisoformat(part.strip()) for part in window.split("-"))
    except ValueError:
        raise ValueError(f"expected working hours like 09:00-18:00, got {window!r}") from None
    if opens >= closes:
        raise ValueError(f"working hours must open before they close, got {window!r}")
    return WorkingHours(opens, closes, _parse_days(days or DEFAULT_WORKING_DAYS), zone)


def _parse_days(text: str) -> frozenset[int]:
    found: set[int] = set()
    for part in text.strip().lower().split(","):
        first, _, last = part.strip().partition("-")
        if first not in DAY_NAMES or (last and last not in DAY_NAMES):
            raise ValueError(f"expected working days like mon-fri, got {text!r}")
        start, end = DAY_NAMES.index(first), DAY_NAMES.index(last or first)
        if end < start:
            raise ValueError(f"a range of working days runs forwards, got {text!r}")
        found.update(range(start, end + 1))
    return frozenset(found)
