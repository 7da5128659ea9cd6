"""A provider's inbox: referrals grouped by what they need, with the time left to answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.vocabulary import AWAITING_ANSWER_STATUSES, PLACE_TAKING_STATUSES

NEW = AWAITING_ANSWER_STATUSES
IN_PROGRESS = PLACE_TAKING_STATUSES


@dataclass(frozen=True)
class TimeLeft:
    """Hours and minutes until the respond-by moment; overdue once it has passed."""

    hours: int
    minutes: int
    overdue: bool

    @property
    def days(self) -> int:
        """Whole days left (a long wait reads better as days and hours)."""
        return self.hours // 24

    @property
    def hours_of_day(self) -> int:
        """Hours left beyond the whole days."""
        return self.hours % 24


def parse_moment(text: str | None) -> datetime | None:
    """An API timestamp (ISO 8601, 'Z' allowed) as an aware datetime; None when absent or bad."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def time_left(respond_by: str | None, now: datetime) -> TimeLeft | None:
    """The time left to answer a referral at `now` (None without a deadline)."""
    due = parse_moment(respond_by)
    if due is None:
        return None
    seconds = int((due - now).total_seconds())
    if seconds <= 0:
        return TimeLeft(0, 0, True)
    return TimeLeft(seconds // 3600, (seconds % 3600) // 60, False)


def group(referrals: list[dict]) -> dict[str, list[dict]]:
    """Split referrals into new (soonest deadline first), in progress, finished (latest first)."""
    new = sorted((r for r in referrals if r.get("status") in NEW), key=lambda r: r["respond_by"])
    doing = [r for r in referrals if r.get("status") in IN_PROGRESS]
    done = [r for r in referrals if r.get("status") not in NEW + IN_PROGRESS]
    done.sort(key=lambda r: r.get("answered_at") or r.get("sent_at") or "", reverse=True)
    return {"new": new, "in_progress": doing, "finished": done}
