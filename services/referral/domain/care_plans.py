"""Care plan rules: who does what, how progress is coded, how a re-assessment compares."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

DOERS = ("provider", "family", "case_manager", "health_worker", "other")
PROGRESS = ("achieved", "progressing", "no_change", "worse")
# A domain's severity from the assessment result; higher is more difficulty.
_SEVERITY_KEYS = ("score", "answer", "severity")


def _severity(result: Mapping[str, Any] | None) -> tuple[int, int] | None:
    if not isinstance(result, Mapping):
        return None
    graded = next((result[k] for k in _SEVERITY_KEYS if isinstance(result.get(k), int)), 0)
    return (int(bool(result.get("difficulty"))), graded)


def domain_change(baseline: Mapping[str, Any], latest: Mapping[str, Any]) -> dict[str, str]:
    """Per domain assessed both times: improved, same or worse (difficulty first, then grade)."""
    change = {}
    for domain in sorted(set(baseline) & set(latest)):
        before, after = _severity(baseline[domain]), _severity(latest[domain])
        if before is None or after is None:
            continue
        change[domain] = "improved" if after < before else "worse" if after > before else "same"
    return change


def review_date_problems(next_review: date | None, today: date) -> dict[str, list[str]]:
    """A next review must not be in the past."""
    if next_review is not None and next_review < today:
        return {"next_review_date": ["Must be today or later."]}
    return {}


def progress_problems(progress: list[Mapping[str, Any]], goals: int) -> dict[str, list[str]]:
    """Every goal gets one progress mark, and only goals of the plan."""
    marked = [p["goal"] for p in progress]
    if sorted(marked) != list(range(goals)):
        return {"progress": [f"Give one progress mark for each goal, 0 to {goals - 1}."]}
    return {}


def summary(progress: list[Mapping[str, Any]]) -> dict[str, int]:
    """How many goals stand at each progress mark."""
    return {mark: sum(1 for p in progress if p["progress"] == mark) for mark in PROGRESS}
