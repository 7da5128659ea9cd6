"""Respond-by times, the one reminder before expiry, and expiry itself."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from .working_hours import WorkingHours

DEFAULT_RESPONSE_HOURS = 72.0
DEFAULT_REMINDER_HOURS_BEFORE = 24.0


@dataclass(frozen=True)
class DeadlinePolicy:
    """How long a provider has to answer, and how long before the end it is reminded."""

    response_hours: float = DEFAULT_RESPONSE_HOURS
    reminder_hours_before: float = DEFAULT_REMINDER_HOURS_BEFORE
    working_hours: WorkingHours | None = None

    def __post_init__(self) -> None:
        for name in ("response_hours", "reminder_hours_before"):
            value = getattr(self, name)
            if not math.isfinite(value) or value <= 0:
                raise ValueError(f"{name} must be a positive number of hours, not {value!r}")

    def respond_by(self, sent_at: datetime) -> datetime:
        """Return the moment a referral sent at `sent_at` expires unanswered (in working hours)."""
        _require_aware(sent_at)
        due = sent_at + timedelta(hours=self.response_hours)
        return self.working_hours.deadline_at_or_after(due) if self.working_hours else due

    def reminder_at(self, sent_at: datetime, respond_by: datetime) -> datetime:
        """Return when to remind: the lead time before the end, at most half the window."""
        _require_aware(sent_at, respond_by)
        # A short window would otherwise remind the provider before it had time to read.
        lead = min(timedelta(hours=self.reminder_hours_before), (respond_by - sent_at) / 2)
        return respond_by - lead


def is_expired(respond_by: datetime, now: datetime) -> bool:
    """Tell whether a referral due at `respond_by` has run out of time at `now`."""
    _require_aware(respond_by, now)
    return now >= respond_by


def answered_in_time(respond_by: datetime, answered_at: datetime | None) -> bool:
    """Tell whether a provider answered (accepted or declined) by the deadline."""
    if answered_at is None:
        return False
    _require_aware(respond_by, answered_at)
    return answered_at <= respond_by


def parse_hours(value: str | float | None, default: float = DEFAULT_RESPONSE_HOURS) -> float:
    """Read an hours setting such as REFERRAL_RESPONSE_HOURS ("72", "0.5"); blank means default."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    try:
        hours = float(value)
    except ValueError:
        raise ValueError(f"expected a number of hours, got {value!r}") from None
    if not math.isfinite(hours) or hours <= 0:
        raise ValueError(f"expected a positive number of hours, got {value!r}")
    return hours


def _require_aware(*moments: datetime) -> None:
    # Naive datetimes silently mix local and UTC time; refuse them at the rule's edge.
    for moment in moments:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("datetimes must carry a UTC offset")
