"""The report of every stage: where children are and how long each step takes, per district."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from statistics import median

from .reports import ReportFilter

SECONDS_PER_DAY = 86400.0
# Each stage counts the children whose first step of that kind fell in the period...
FLOW_STAGES = (
    "registered", "assessed", "with_difficulty", "referred", "accepted", "started", "completed",
    "declined", "expired",
)  # fmt: skip
# ...except these two, which count the children still waiting at the period's end.
WAITING_STAGES = ("waiting_for_assessment", "waiting_list")
STAGE_NAMES = (
    "registered", "waiting_for_assessment", "assessed", "with_difficulty", "referred",
    "accepted", "started", "completed", "declined", "expired", "waiting_list",
)  # fmt: skip
# Steps timed between two stages (the later one dates the child into the period).
STEPS = (
    ("registered_to_assessed", "registered", "assessed"),
    ("assessed_to_referred", "assessed", "referred"),
    ("referred_to_accepted", "referred", "accepted"),
    ("accepted_to_started", "accepted", "started"),
    ("started_to_completed", "started", "completed"),
)


@dataclass(frozen=True)
class StageRow:
    """One child in the report's read model: its place and the first time of each stage."""

    child_id: str
    district_code: str
    region_code: str
    registered: datetime | None = None
    scheduled: datetime | None = None
    assessed: datetime | None = None
    with_difficulty: datetime | None = None
    referred: datetime | None = None
    accepted: datetime | None = None
    started: datetime | None = None
    completed: datetime | None = None
    declined: datetime | None = None
    expired: datetime | None = None
    waitlisted: datetime | None = None
    left_waitlist: datetime | None = None


def stage_report(
    rows: Iterable[StageRow], scope: ReportFilter, now: datetime, districts: Sequence[tuple]
) -> dict:
    """Return the stages, waits and step medians for the scope, overall and per district."""
    at = min(scope.end, now) if scope.end else now
    kept = [r for r in rows if scope.keeps_place(r.district_code, r.region_code)]
    grouped: dict[str, list[StageRow]] = defaultdict(list)
    for row in kept:
        grouped[row.district_code].append(row)
    return {
        **_figures(kept, scope, at),
        "districts": [
            {"district_code": code, "region_code": region, **_figures(grouped[code], scope, at)}
            for code, region in districts
            if scope.keeps_place(code, region)
        ],
    }


def _figures(rows: Sequence[StageRow], scope: ReportFilter, at: datetime) -> dict:
    waiting = [r for r in rows if _waits_for_assessment(r, at)]
    waits = [_days(r.registered, at) for r in waiting if r.registered]
    return {
        "stages": stage_counts(rows, scope, at),
        "waiting_for_assessment_days": {
            "median": round(median(waits), 1) if waits else None,
            "longest": round(max(waits), 1) if waits else None,
        },
        "median_days_between_stages": step_medians(rows, scope),
    }


def stage_counts(rows: Sequence[StageRow], scope: ReportFilter, at: datetime) -> dict[str, int]:
    """Count the children at each stage, in the contract's order."""
    counts = {name: 0 for name in STAGE_NAMES}
    for row in rows:
        for name in FLOW_STAGES:
            moment = getattr(row, name)
            counts[name] += moment is not None and _within(scope, moment)
        counts["waiting_for_assessment"] += _waits_for_assessment(row, at)
        counts["waiting_list"] += _on_waiting_list(row, at)
    return counts


def step_medians(rows: Sequence[StageRow], scope: ReportFilter) -> dict[str, float | None]:
    """Return the median days of each step over the children who finished it in the period."""
    result: dict[str, float | None] = {}
    for name, first, then in STEPS:
        spans = [
            _days(getattr(r, first), getattr(r, then))
            for r in rows
            if getattr(r, first) and getattr(r, then) and _within(scope, getattr(r, then))
        ]
        spans = [d for d in spans if d >= 0]
        result[name] = round(median(spans), 1) if spans else None
    return result


def _waits_for_assessment(row: StageRow, at: datetime) -> bool:
    if row.registered is None or row.registered >= at:
        return False
    return row.assessed is None or row.assessed >= at


def _on_waiting_list(row: StageRow, at: datetime) -> bool:
    if row.waitlisted is None or row.waitlisted >= at:
        return False
    return row.left_waitlist is None or row.left_waitlist >= at


def _within(scope: ReportFilter, moment: datetime) -> bool:
    if scope.start and moment < scope.start:
        return False
    return not (scope.end and moment >= scope.end)


def _days(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / SECONDS_PER_DAY
