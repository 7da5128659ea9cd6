"""Care plans of referrals in progress: the provider and the case manager keep them."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from services.referral.flows import care_plans as flow
from services.referral.flows import referrals as loop
from services.referral.models import CarePlan
from services.referral.resources.common import referral_in_scope, today
from services.referral.schemas.care_plans import (
    CarePlanInputSchema,
    CarePlanRevisionSchema,
    CarePlanSchema,
    CloseInputSchema,
    ReviewInputSchema,
)
from shared.auth import allow_roles, not_found_unless, require_role
from shared.web import Blueprint, current_runtime

blp = Blueprint("care_plans", __name__, url_prefix="/referrals", description="Care plans")
KEEPERS = ("provider", "case_manager")
READERS = (*KEEPERS, "admin")
PLAN_FIELDS = (
    "id", "referral_id", "child_id", "goals", "baseline_assessment_id", "next_review_date",
    "status", "outcome", "close_note", "revision", "created_at", "closed_at",
)  # fmt: skip
REVIEW_FIELDS = (
    "id", "reviewed_on", "progress", "assessment_id", "domain_change", "next_review_date",
    "plan_revision", "created_at",
)  # fmt: skip


def plan_view(session, plan: CarePlan) -> dict[str, Any]:
    """A plan with its reviews."""
    view = {name: getattr(plan, name) for name in PLAN_FIELDS}
    goals = flow.goals_by_revision(session, plan)
    view["reviews"] = [
        {**{name: getattr(r, name) for name in REVIEW_FIELDS}, "goals": goals.get(r.plan_revision)}
        for r in flow.reviews_of(session, plan.id)
    ]
    return view


def _plan(session, referral_id: str) -> CarePlan:
    plan = flow.plan_of(session, referral_id)
    not_found_unless(plan is not None, "care plan")
    return plan


@blp.route("/<uuid:referral_id>/care-plan")
class CarePlanOfReferral(MethodView):
    @blp.arguments(CarePlanInputSchema)
    @blp.response(201, CarePlanSchema)
    @allow_roles(*KEEPERS)
    def post(self, body: dict, referral_id: uuid.UUID):
        """Start the child's plan: goals per functional domain, activities, who, next review."""
        principal = require_role(*KEEPERS)
        with current_runtime().unit_of_work() as uow:
            referral = referral_in_scope(uow.session, principal, str(referral_id), lock=True)
            plan = flow.create(uow, referral, body, principal.sub, today())
            return plan_view(uow.session, plan)

    @blp.arguments(CarePlanRevisionSchema)
    @blp.response(200, CarePlanSchema)
    @allow_roles(*KEEPERS)
    def put(self, body: dict, referral_id: uuid.UUID):
        """Revise the plan while the service runs: goals, activities, next review replaced.

        `revision` is the revision being replaced; 409 `care_plan_changed` if another save came
        first. Earlier reviews keep the goals they marked (each review's `goals`).
        """
        principal = require_role(*KEEPERS)
        with current_runtime().unit_of_work() as uow:
            referral = referral_in_scope(uow.session, principal, str(referral_id), lock=True)
            plan = _plan(uow.session, referral.id)
            flow.revise(uow, plan, referral, body, principal.sub, today())
            return plan_view(uow.session, plan)

    @blp.response(200, CarePlanSchema)
    @allow_roles(*READERS)
    def get(self, referral_id: uuid.UUID):
        """Read the plan with its reviews and the change per domain at each re-assessment."""
        principal = require_role(*READERS)
        with current_runtime().unit_of_work() as uow:
            referral_in_scope(uow.session, principal, str(referral_id))
            return plan_view(uow.session, _plan(uow.session, str(referral_id)))


@blp.route("/<uuid:referral_id>/care-plan/reviews")
class CarePlanReviews(MethodView):
    @blp.arguments(ReviewInputSchema)
    @blp.response(201, CarePlanSchema)
    @allow_roles(*KEEPERS)
    def post(self, body: dict, referral_id: uuid.UUID):
        """Record a review; the family is told by SMS, and of the next review date."""
        principal = require_role(*KEEPERS)
        with current_runtime().unit_of_work() as uow:
            referral = referral_in_scope(uow.session, principal, str(referral_id), lock=True)
            plan = _plan(uow.session, referral.id)
            flow.review(uow, plan, referral, body, principal.sub, today())
            return plan_view(uow.session, plan)


@blp.route("/<uuid:referral_id>/care-plan/close")
class CarePlanClose(MethodView):
    @blp.arguments(CloseInputSchema)
    @blp.response(200, CarePlanSchema)
    @allow_roles(*KEEPERS)
    def post(self, body: dict, referral_id: uuid.UUID):
        """Close the plan with a coded outcome and an optional note; the referral completes with
        the same code (the note stays on the plan, never in events)."""
        principal = require_role(*KEEPERS)
        with current_runtime().unit_of_work() as uow:
            referral = referral_in_scope(uow.session, principal, str(referral_id), lock=True)
            plan = _plan(uow.session, referral.id)
            loop.complete(uow, referral, body["outcome"])
            flow.close(uow, plan, body["outcome"], body["note"])
            return plan_view(uow.session, plan)
