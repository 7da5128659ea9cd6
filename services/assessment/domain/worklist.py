"""Due dates and the order of the case manager's worklist."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from shared.localtime import local_day

PENDING = "pending"
SCHEDULED = "scheduled"
COMPLETED = "completed"
CANCELLED = "cancelled"
STATUSES = (PENDING, SCHEDULED, COMPLETED, CANCELLED)
OPEN_STATUSES = (PENDING, SCHEDULED)

DUE_DAYS_URGENT_ENV = "ASSESSMENT_DUE_DAYS_URGENT"
DUE_DAYS_ROUTINE_ENV = "ASSESSMENT_DUE_DAYS_ROUTINE"


@dataclass(frozen=True)
class DueTargets:
    """Days from registration within which an assessment is due."""

    urgent_days: int = 3
    routine_days: int = 14

    def __post_init__(self) -> None:
        if self.urgent_days < 0 or self.routine_days < 0:
            raise ValueError("due-date targets must not be negative")


def due_targets_from_config(config: Mapping[str, object]) -> DueTargets:
    """Read the due-date targets from configuration (environment names), else the defaults."""
    defaults = DueTargets()

    def days(name: str, default: int) -> int:
        value = config.get(name)
        if value is None or str(value).strip() == "":
            return default
        try:
            return int(str(value).strip())
        except ValueError as exc:
            raise ValueError(f"{name} must be a whole number of days, got {value!r}") from exc

    return DueTargets(
        urgent_days=days(DUE_DAYS_URGENT_ENV, defaults.urgent_days),
        routine_days=days(DUE_DAYS_ROUTINE_ENV, defaults.routine_days),
    )


def local_date(moment: datetime) -> date:
    """Return the calendar date in Dushanbe of an aware datetime."""
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no place in time; pass an aware one")
    return local_day(moment)


def due_date(registered_at: datetime, urgent: bool, targets: DueTargets) -> date:
    """Return the local date by which the child's assessment is due."""
    days = targets.urgent_days if urgent else targets.routine_days
    return local_date(registered_at) + timedelta(days=days)


def is_overdue(status: str, due: date, today: date) -> bool:
    """Return whether an open assessment is past its due date."""
    return status in OPEN_STATUSES and today > due


def worklist_sort_key(
    *,
    status: str,
    due: date,
    urgent: bool,
    waiting_since: datetime,
    assessment_id: str,
    today: date,
) -> tuple[int, int, datetime, str]:
    """Return the worklist's order: overdue first, then urgent, then waiting longest, then id.

    `queries.worklist_query` orders the database's rows by exactly these columns.
    """
    overdue = is_overdue(status, due, today)
    return (0 if overdue else 1, 0 if urgent else 1, waiting_since, assessment_id)
