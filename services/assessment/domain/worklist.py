"""Due dates and the order of the case manager's worklist."""

from __future__ import annotations

from datetime import date, datetime

from shared.due_dates import (  # noqa: F401 (the due-date rule is shared with notifications)
    DUE_DAYS_ROUTINE_ENV,
    DUE_DAYS_URGENT_ENV,
    DueTargets,
    due_date,
    due_targets_from_config,
)
from shared.localtime import local_day
from shared.vocabulary import ASSESSMENT_STATUSES, OPEN_ASSESSMENT_STATUSES

STATUSES = ASSESSMENT_STATUSES
PENDING, SCHEDULED, COMPLETED, CANCELLED = STATUSES
OPEN_STATUSES = OPEN_ASSESSMENT_STATUSES


def local_date(moment: datetime) -> date:
    """Return the calendar date in Dushanbe of an aware datetime."""
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no place in time; pass an aware one")
    return local_day(moment)


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
