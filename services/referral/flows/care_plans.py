"""Person-centred care plans: kept while a service runs, reviewed, closed with a coded outcome."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.referral.domain import care_plans as rules
from services.referral.domain.states import Status
from services.referral.models import (
    AssessmentResult,
    CarePlan,
    CarePlanReview,
    CarePlanVersion,
    Referral,
)
from shared.refusals import Refused
from shared.runtime import UnitOfWork


def plan_of(session: Session, referral_id: str) -> CarePlan | None:
    """The care plan of a referral, if one was made."""
    query = select(CarePlan).where(CarePlan.referral_id == referral_id)
    return session.execute(query).scalar_one_or_none()


def reviews_of(session: Session, plan_id: str) -> list[CarePlanReview]:
    """A plan's reviews, oldest first."""
    query = select(CarePlanReview).where(CarePlanReview.plan_id == plan_id)
    return list(session.execute(query.order_by(CarePlanReview.reviewed_on)).scalars())


def goals_by_revision(session: Session, plan: CarePlan) -> dict[int, list[dict]]:
    """The goals of each revision of a plan, the current one included."""
    query = select(CarePlanVersion).where(CarePlanVersion.plan_id == plan.id)
    earlier = {v.revision: v.goals for v in session.execute(query).scalars()}
    return {**earlier, plan.revision: plan.goals}


def _baseline(session: Session, child_id: str) -> AssessmentResult | None:
    query = (
        select(AssessmentResult)
        .where(AssessmentResult.child_id == child_id, AssessmentResult.review.is_(False))
        .order_by(AssessmentResult.completed_at.desc())
    )
    return session.execute(query).scalars().first()


def _invalid(fields: dict[str, list[str]]) -> Refused:
    return Refused(422, "invalid_care_plan", "some fields are invalid", fields=fields)


def create(uow: UnitOfWork, referral: Referral, body: dict, author: str, today: date) -> CarePlan:
    """Start the plan once the service runs; the family hears of its first review."""
    if referral.status != Status.IN_PROGRESS.value:
        raise Refused(409, "not_in_progress", "a care plan starts once the service has started")
    if plan_of(uow.session, referral.id) is not None:
        raise Refused(409, "care_plan_exists", "this referral already has a care plan")
    problems = rules.review_date_problems(body["next_review_date"], today)
    if problems:
        raise _invalid(problems)
    baseline = _baseline(uow.session, referral.child_id)
    plan = CarePlan(
        id=str(uuid.uuid4()), referral_id=referral.id, child_id=referral.child_id,
        goals=body["goals"], next_review_date=body["next_review_date"], status="open",
        baseline_assessment_id=baseline.assessment_id if baseline else None,
        revision=1, created_by=author, created_at=uow.now, updated_at=uow.now,
    )  # fmt: skip
    uow.session.add(plan)
    uow.session.flush()
    _schedule(uow, plan, referral)
    return plan


def revise(
    uow: UnitOfWork, plan: CarePlan, referral: Referral, body: dict, author: str, today: date
) -> None:
    """Replace goals, activities and the next review; keep the replaced revision for its reviews.

    Refused when the plan is closed, the service no longer runs, or someone saved a newer
    revision since the editor read it. The family hears of a changed review date.
    """
    if plan.status != "open":
        raise Refused(409, "care_plan_closed", "this care plan is closed")
    if referral.status != Status.IN_PROGRESS.value:
        raise Refused(409, "not_in_progress", "a care plan changes only while the service runs")
    if body["revision"] != plan.revision:
        raise Refused(
            409, "care_plan_changed",
            "the care plan was changed since you opened it; reload it and make your changes again",
        )  # fmt: skip
    problems = rules.review_date_problems(body["next_review_date"], today)
    if problems:
        raise _invalid(problems)
    uow.session.add(CarePlanVersion(
        plan_id=plan.id, revision=plan.revision, goals=plan.goals,
        next_review_date=plan.next_review_date, created_by=author, created_at=uow.now,
    ))  # fmt: skip
    moved = body["next_review_date"] != plan.next_review_date
    plan.goals, plan.next_review_date = body["goals"], body["next_review_date"]
    plan.revision, plan.updated_at = plan.revision + 1, uow.now
    uow.session.flush()
    if moved:
        _schedule(uow, plan, referral)


def _schedule(uow: UnitOfWork, plan: CarePlan, referral: Referral) -> None:
    if plan.next_review_date is None:
        return
    payload = {**_base(plan, referral), "review_date": plan.next_review_date.isoformat()}
    uow.emit("care_plan.review_scheduled", payload, correlation_id=plan.child_id)


def _base(plan: CarePlan, referral: Referral) -> dict[str, Any]:
    return {
        "plan_id": plan.id, "referral_id": referral.id, "child_id": plan.child_id,
        "provider_id": referral.provider_id, "service_type": referral.service_type,
    }  # fmt: skip


def review(
    uow: UnitOfWork, plan: CarePlan, referral: Referral, body: dict, author: str, today: date
) -> CarePlanReview:
    """Record progress per goal and, with a re-assessment, the change per domain."""
    if plan.status != "open":
        raise Refused(409, "care_plan_closed", "this care plan is closed")
    problems = {
        **rules.progress_problems(body["progress"], len(plan.goals)),
        **rules.review_date_problems(body.get("next_review_date"), today),
    }
    if body["reviewed_on"] > today:
        problems["reviewed_on"] = ["Must not be in the future."]
    change = None
    if body.get("assessment_id"):
        change = _change(uow.session, plan, body["assessment_id"], problems)
    if problems:
        raise _invalid(problems)
    row = CarePlanReview(
        id=str(uuid.uuid4()), plan_id=plan.id, reviewed_on=body["reviewed_on"],
        progress=body["progress"], assessment_id=body.get("assessment_id"),
        domain_change=change, next_review_date=body.get("next_review_date"),
        plan_revision=plan.revision, created_by=author, created_at=uow.now,
    )  # fmt: skip
    uow.session.add(row)
    plan.next_review_date, plan.updated_at = row.next_review_date, uow.now
    uow.session.flush()
    uow.emit("care_plan.reviewed", {
        **_base(plan, referral), "reviewed_on": row.reviewed_on.isoformat(),
        "progress": rules.summary(row.progress), "domain_change": change,
        "next_review_date": row.next_review_date.isoformat() if row.next_review_date else None,
    }, correlation_id=plan.child_id)  # fmt: skip
    _schedule(uow, plan, referral)
    return row


def _change(session: Session, plan: CarePlan, assessment_id: str, problems: dict) -> dict | None:
    latest = session.get(AssessmentResult, assessment_id)
    if latest is None or latest.child_id != plan.child_id:
        problems["assessment_id"] = ["No completed assessment of this child with that id yet."]
        return None
    base = session.get(AssessmentResult, plan.baseline_assessment_id or "")
    return rules.domain_change(base.domains if base else {}, latest.domains)


def close(uow: UnitOfWork, plan: CarePlan, outcome: str, note: str = "") -> None:
    """Close the plan with the coded outcome the referral completes with, and the keepers' note.

    The note stays on the plan: the referral's completion event carries the code only.
    """
    plan.status, plan.outcome, plan.closed_at, plan.updated_at = "closed", outcome, uow.now, uow.now
    plan.close_note = note.strip() or None
    plan.next_review_date = None


def erase_plan_text(session: Session, child_id: str) -> None:
    """On consent withdrawal: keep goals' domains and codes, drop what people wrote."""
    for plan in session.execute(select(CarePlan).where(CarePlan.child_id == child_id)).scalars():
        plan.goals = _codes_only(plan.goals)
        plan.close_note = None
        versions = select(CarePlanVersion).where(CarePlanVersion.plan_id == plan.id)
        for version in session.execute(versions).scalars():
            version.goals = _codes_only(version.goals)
        for row in reviews_of(session, plan.id):
            row.progress = [{**p, "note": ""} for p in row.progress]


def _codes_only(goals: list[dict]) -> list[dict]:
    return [{"domain": g.get("domain"), "goal": "", "activities": []} for g in goals]
