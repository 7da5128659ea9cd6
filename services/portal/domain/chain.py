"""Where a child stands in the chain and what happens next, from the three services' records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Stages in the order a child moves through them.
STAGES = (
    "registered",
    "assessment_scheduled",
    "assessed",
    "referred",
    "accepted",
    "started",
    "completed",
    "waiting",
    "declined",
)
REFERRAL_STAGE = {
    "sent": "referred",
    "accepted": "accepted",
    "in_progress": "started",
    "completed": "completed",
    "declined": "declined",
    "expired": "declined",
}
NEXT_STEP = {
    "registered": "next_assessment",
    "assessment_scheduled": "next_visit",
    "assessed": "next_referral",
    "assessed_no_difficulty": "next_none",
    "referred": "next_provider_answer",
    "accepted": "next_start",
    "started": "next_service",
    "completed": "next_none",
    "waiting": "next_waiting",
    "declined": "next_new_referral",
}


# The referral service's report stages (GET /children/stages) as the portal names them.
REPORT_STAGE = {
    "scheduled": "assessment_scheduled", "expired": "declined", "waitlisted": "waiting",
}

@dataclass(frozen=True)
class Standing:
    """A child's current stage and the key of the sentence saying what comes next."""

    stage: str
    next_step: str
    since: str | None = None


def _latest(items: list[dict[str, Any]], *keys: str) -> dict[str, Any] | None:
    def when(item: dict[str, Any]) -> str:
        return next((str(item[k]) for k in keys if item.get(k)), "")

    return max(items, key=when) if items else None


def standing(
    assessments: list[dict[str, Any]],
    referrals: list[dict[str, Any]],
    waiting: bool = False,
) -> Standing:
    """Work out the stage: the furthest step any service reports for the child."""
    referral = _latest(referrals, "updated_at", "created_at", "sent_at")
    if referral and referral.get("status") in REFERRAL_STAGE:
        stage = REFERRAL_STAGE[referral["status"]]
        if stage == "declined" and waiting:
            stage = "waiting"
        return Standing(stage, NEXT_STEP[stage], referral.get("updated_at"))
    if waiting:
        return Standing("waiting", NEXT_STEP["waiting"])
    assessment = _latest(assessments, "completed_at", "scheduled_for", "created_at")
    status = (assessment or {}).get("status")
    if status == "completed":
        result = assessment.get("result") or {}
        difficulty = result.get("functional_difficulty", True)
        key = "assessed" if difficulty else "assessed_no_difficulty"
        return Standing("assessed", NEXT_STEP[key], assessment.get("completed_at"))
    if status == "scheduled":
        return Standing(
            "assessment_scheduled",
            NEXT_STEP["assessment_scheduled"],
            assessment.get("scheduled_for"),
        )
    return Standing("registered", NEXT_STEP["registered"])


def from_report(item: dict[str, Any]) -> Standing:
    """The standing of a child from the stage the referral service's report gives it."""
    stage = REPORT_STAGE.get(item.get("stage", ""), item.get("stage", ""))
    if stage not in STAGES:
        stage = "registered"
    times = item.get("stages") or {}
    key = stage
    if stage == "assessed" and not times.get("with_difficulty"):
        key = "assessed_no_difficulty"
    since = times.get(item.get("stage", "")) if stage != "registered" else times.get("registered")
    return Standing(stage, NEXT_STEP[key], since)
