"""When a registered child's assessment is due: the one rule assessment and notifications share.

Assessment files the due date on its worklist; notifications promises the family a call by the
same date in the registration SMS, sent at once from `child.registered` (contract §1 settings
`ASSESSMENT_DUE_DAYS_URGENT`, `ASSESSMENT_DUE_DAYS_ROUTINE`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from shared.localtime import local_day

DUE_DAYS_URGENT_ENV = "ASSESSMENT_DUE_DAYS_URGENT"
DUE_DAYS_ROUTINE_ENV = "ASSESSMENT_DUE_DAYS_ROUTINE"
DUE_DAYS_ENV = (DUE_DAYS_URGENT_ENV, DUE_DAYS_ROUTINE_ENV)


@dataclass(frozen=True)
class DueTargets:
    """Days from registration within which an assessment is due."""

    urgent_days: int = 3
    routine_days: int = 14

    def __post_init__(self) -> None:
        if self.urgent_days < 0 or self.routine_days < 0:
            raise ValueError("due-date targets must not be negative")

    def days(self, urgent: bool) -> int:
        """Return the days an urgent or a routine child waits at most."""
        return self.urgent_days if urgent else self.routine_days


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


def due_date(registered_at: datetime, urgent: bool, targets: DueTargets) -> date:
    """Return the local date by which the child's assessment is due."""
    if registered_at.tzinfo is None:
        raise ValueError("a naive datetime has no place in time; pass an aware one")
    return local_day(registered_at) + timedelta(days=targets.days(urgent))
