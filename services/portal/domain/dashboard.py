"""The dashboard's figures arranged from the APIs' reports: stages, tables, sorting, charts."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

STAGES = (
    "registered", "waiting_for_assessment", "assessed", "with_difficulty", "referred",
    "accepted", "started", "completed", "declined", "expired", "waiting_list",
)  # fmt: skip
# The chain a child walks; the funnel draws these in order.
FUNNEL = ("registered", "assessed", "with_difficulty", "referred", "accepted", "started",
          "completed")  # fmt: skip
MEDIANS = (
    "registration_to_assessment", "assessment_to_referral", "referral_to_acceptance",
    "registration_to_acceptance",
)  # fmt: skip
PROVIDER_COLUMNS = (
    "name", "received", "acceptance_rate", "decline_rate", "compliance_score",
    "median_days_to_answer", "median_days_to_start", "places", "free_places", "occupancy",
)  # fmt: skip
# Before the summary reports `stages`, the referral figures come from its counts by status.
FROM_STATUS = {
    "accepted": ("accepted", "in_progress", "completed"), "started": ("in_progress", "completed"),
    "completed": ("completed",), "declined": ("declined",), "expired": ("expired",),
}  # fmt: skip


def stage_counts(summary: dict[str, Any]) -> dict[str, int | None]:
    """Every stage's count for the scope; None where the report does not give it."""
    given = summary.get("stages")
    if isinstance(given, dict):
        return {name: given.get(name) for name in STAGES}
    by_status = (summary.get("referrals") or {}).get("by_status") or {}
    out: dict[str, int | None] = dict.fromkeys(STAGES)
    if by_status:
        out["referred"] = (summary.get("referrals") or {}).get("total")
        for stage, statuses in FROM_STATUS.items():
            out[stage] = sum(int(by_status.get(s) or 0) for s in statuses)
    waiting = summary.get("waiting_list") or []
    out["waiting_list"] = sum(int(w.get("children") or 0) for w in waiting)
    return out


def decline_reasons(summary: dict[str, Any]) -> dict[str, int]:
    """Declines by coded reason over every provider in the scope, most frequent first."""
    total: Counter = Counter()
    for row in summary.get("providers") or []:
        total.update({k or "other": int(v) for k, v in (row.get("decline_reasons") or {}).items()})
    return dict(total.most_common())


def sort_rows(rows: list[dict], column: str, descending: bool) -> list[dict]:
    """Rows sorted by one column; empty values always last."""
    if column not in PROVIDER_COLUMNS:
        column = "name"
    present = [r for r in rows if r.get(column) is not None]
    missing = [r for r in rows if r.get(column) is None]

    def key(row: dict) -> Any:
        value = row[column]
        return value.casefold() if isinstance(value, str) else value

    return sorted(present, key=key, reverse=descending) + missing


def keep_region(rows: list[dict], region: str | None) -> list[dict]:
    """Rows of providers located in a region (all when no region is chosen)."""
    return [r for r in rows if not region or r.get("region_code") == region]


def funnel_bars(counts: dict[str, int | None], width: int = 300) -> list[dict]:
    """Horizontal bars of the chain's stages, scaled to the largest count."""
    shown = [(name, counts.get(name)) for name in FUNNEL if counts.get(name) is not None]
    top = max([n for _, n in shown] + [1])
    return [
        {"stage": name, "count": n, "width": round(width * n / top, 1), "y": i * 30}
        for i, (name, n) in enumerate(shown)
    ]


def line_points(values: list[float | None], width: int = 300, height: int = 120) -> list[dict]:
    """Points of a line chart over equally spaced months (missing months left out)."""
    top = max([v for v in values if v is not None] + [1.0])
    step = width / max(len(values) - 1, 1)
    return [
        {"i": i, "x": round(i * step, 1), "y": round(height - height * v / top, 1), "value": v}
        for i, v in enumerate(values)
        if v is not None
    ]


def percent(value: float | None) -> str:
    """A share as a whole percentage ('—' when unknown)."""
    return "—" if value is None else f"{round(value * 100)}%"


def add_compliance(rows: list[dict], summary_rows: list[dict]) -> None:
    """Put each provider's last compliance score (from the summary) beside its benchmark."""
    scores = {r.get("provider_id"): r.get("compliance_score") for r in summary_rows}
    for row in rows:
        row.setdefault("compliance_score", scores.get(row.get("provider_id")))


def score(value: float | None) -> int | None:
    """A compliance score out of 100 as a whole number (None when never inspected)."""
    return None if value is None else round(value)


def last_months(today: date, count: int = 6) -> list[tuple[date, date]]:
    """The first and last day of each of the `count` months up to today's, oldest first."""
    out = []
    year, month = today.year, today.month
    for _ in range(count):
        first = date(year, month, 1)
        following = date(year + month // 12, month % 12 + 1, 1)
        out.append((first, following - timedelta(days=1)))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]
