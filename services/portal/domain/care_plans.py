"""Care plan forms: goals per functional domain with their activities, reviews, outcomes.

Form fields are named by the referral API's body paths (`goals.0.domain`,
`goals.0.activities.1.by`, `progress.2.progress`), so the API's field errors land on them.
Rows left blank are dropped and the rest numbered again, so what is sent and what is shown
again carry the same numbers. Problems are codes; the page says them in its language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from services.portal.domain.dates import parse_date
from shared.vocabulary import OPEN_ASSESSMENT_STATUSES

DOERS = ("provider", "family", "case_manager", "health_worker", "other")
PROGRESS = ("achieved", "progressing", "no_change", "worse")
CHANGES = ("improved", "same", "worse")
MAX_GOALS = 20
MAX_ACTIVITIES = 20
_GOAL_KEY = re.compile(r"^goals\.(\d+)\.(domain|goal)$")
_ACTIVITY_KEY = re.compile(r"^goals\.(\d+)\.activities\.(\d+)\.(activity|by|frequency)$")

Problems = dict[str, list[str]]


def _numbers(form: Mapping[str, str], pattern: re.Pattern, group: int = 1) -> list[int]:
    return sorted({int(m.group(group)) for k in form if (m := pattern.match(k))})


def _activities(form: Mapping[str, str], goal: int) -> list[dict[str, str]]:
    rows = []
    mine = re.compile(rf"^goals\.{goal}\.activities\.(\d+)\.")
    for number in _numbers(form, mine)[:MAX_ACTIVITIES]:
        prefix = f"goals.{goal}.activities.{number}."
        row = {k: (form.get(prefix + k) or "").strip() for k in ("activity", "by", "frequency")}
        if row["activity"] or row["frequency"]:
            rows.append(row)
    return rows


def goal_rows(form: Mapping[str, str]) -> list[dict[str, Any]]:
    """The goals as typed, blank ones left out: domain, goal, activities."""
    numbers = sorted(set(_numbers(form, _GOAL_KEY)) | set(_numbers(form, _ACTIVITY_KEY)))[
        :MAX_GOALS
    ]
    goals = []
    for number in numbers:
        goal = {
            "domain": (form.get(f"goals.{number}.domain") or "").strip(),
            "goal": (form.get(f"goals.{number}.goal") or "").strip(),
            "activities": _activities(form, number),
        }
        if goal["domain"] or goal["goal"] or goal["activities"]:
            goals.append(goal)
    return goals


def plan_body(
    form: Mapping[str, str], domains: tuple[str, ...], review_required: bool = True
) -> tuple[dict[str, Any], list[dict[str, Any]], Problems]:
    """The API body of a plan, the goals to show again, and the form's own problems.

    A new plan needs its first review; a changed one may have none planned (left empty).
    """
    goals, problems = goal_rows(form), {}
    if not goals:
        problems["goals"] = ["no_goal"]
    for i, goal in enumerate(goals):
        if goal["domain"] not in domains:
            problems[f"goals.{i}.domain"] = ["choose_domain"]
        if not goal["goal"]:
            problems[f"goals.{i}.goal"] = ["write_goal"]
        if not goal["activities"]:
            problems[f"goals.{i}.activities.0.activity"] = ["write_activity"]
        for j, activity in enumerate(goal["activities"]):
            if not activity["activity"]:
                problems[f"goals.{i}.activities.{j}.activity"] = ["write_activity"]
            if activity["by"] not in DOERS:
                problems[f"goals.{i}.activities.{j}.by"] = ["choose_doer"]
    text = (form.get("next_review_date") or "").strip()
    review = parse_date(text)
    if review is None and (text or review_required):
        problems["next_review_date"] = ["date"]
    body = {"goals": goals, "next_review_date": review.isoformat() if review else None}
    return body, goals, problems


def revision_of(form: Mapping[str, str]) -> int | None:
    """The plan's revision the change replaces (a hidden field), or None when it is not one."""
    text = (form.get("revision") or "").strip()
    return int(text) if text.isdigit() and 0 < int(text) < 1_000_000 else None


def review_body(form: Mapping[str, str], goals: int) -> tuple[dict[str, Any], Problems]:
    """The API body of a review (one progress mark per goal) and the form's own problems."""
    problems: Problems = {}
    progress = []
    for i in range(goals):
        mark = form.get(f"progress.{i}.progress") or ""
        if mark not in PROGRESS:
            problems[f"progress.{i}.progress"] = ["choose_progress"]
        note = (form.get(f"progress.{i}.note") or "").strip()
        progress.append({"goal": i, "progress": mark, "note": note})
    reviewed = parse_date(form.get("reviewed_on") or "")
    if reviewed is None:
        problems["reviewed_on"] = ["date"]
    text = (form.get("next_review_date") or "").strip()
    following = parse_date(text)
    if text and following is None:
        problems["next_review_date"] = ["date"]
    body: dict[str, Any] = {
        "reviewed_on": reviewed.isoformat() if reviewed else None,
        "progress": progress,
        "next_review_date": following.isoformat() if following else None,
    }
    if form.get("assessment_id"):
        body["assessment_id"] = form["assessment_id"]
    return body, problems


def change_rows(change: Mapping[str, str] | None, order: list[str]) -> list[tuple[str, str]]:
    """A review's change per domain: the domains that changed first, each in the module's order."""
    known = {d: c for d, c in (change or {}).items() if c in CHANGES}
    place = {d: n for n, d in enumerate(order)}
    return sorted(known.items(), key=lambda i: (i[1] == "same", place.get(i[0], len(order))))


def linkable_assessments(assessments: list[dict], baseline: str | None) -> list[dict]:
    """Completed re-assessments of the child (not the plan's first one), newest first."""
    done = [
        a
        for a in assessments
        if a.get("status") == "completed" and a.get("review") and a.get("id") != baseline
    ]
    return sorted(done, key=lambda a: str(a.get("completed_at") or ""), reverse=True)


def open_assessment(assessments: list[dict]) -> dict | None:
    """The child's assessment still to be done, if any."""
    return next((a for a in assessments if a.get("status") in OPEN_ASSESSMENT_STATUSES), None)


def outcome_rows(
    report: Mapping[str, Any], codes: list[str]
) -> tuple[list[list[Any]], list[list[Any]]]:
    """The outcomes report as rows: per service type, and per provider (counts per code)."""
    by_type = [
        [kind, sum(counts.values()), *(counts.get(c, 0) for c in codes)]
        for kind, counts in sorted((report.get("by_service_type") or {}).items())
    ]
    by_provider = [
        [
            p.get("service_type"),
            p.get("provider_name") or "",
            p.get("completed", 0),
            *((p.get("outcomes") or {}).get(c, 0) for c in codes),
        ]
        for p in report.get("by_provider") or []
    ]
    return by_type, by_provider
