"""Inspections: inspectors record them; providers see their own and answer their actions."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from sqlalchemy import select

from services.quality.flows import inspections as flow
from services.quality.models import Inspection, RequiredAction
from services.quality.resources.common import own_provider_only, page, sees_provider, today
from services.quality.schemas.inspections import (
    ActionAnswerSchema,
    ActionFollowUpSchema,
    ActionQueryArgsSchema,
    ActionSchema,
    InspectionInputSchema,
    InspectionQueryArgsSchema,
    InspectionSchema,
)
from services.quality.views import action_view, inspection_view
from shared.auth import allow_roles, not_found_unless, require_role
from shared.pagination import page_of
from shared.web import Blueprint, current_runtime

blp = Blueprint("inspections", __name__, description="Inspections and required actions")
INSPECTORS = ("inspector", "admin")
READERS = ("inspector", "admin", "provider", "case_manager")


@blp.route("/inspections")
class Inspections(MethodView):
    @blp.arguments(InspectionInputSchema)
    @blp.response(201, InspectionSchema)
    @allow_roles(*INSPECTORS)
    def post(self, body: dict):
        """Record an inspection: each criterion met, partly met or not met, with evidence."""
        principal = require_role(*INSPECTORS)
        with current_runtime().unit_of_work() as uow:
            inspection = flow.record(uow, body, principal.sub, today())
            actions = flow.actions_of(uow.session, inspection.id)
            return inspection_view(inspection, actions, today())

    @blp.arguments(InspectionQueryArgsSchema, location="query")
    @blp.response(200, page_of(InspectionSchema))
    @allow_roles(*READERS)
    def get(self, args: dict):
        """List inspections, newest first (a provider sees only its own)."""
        principal = require_role(*READERS)
        query = select(Inspection).order_by(
            Inspection.inspected_on.desc(), Inspection.created_at.desc()
        )
        query = own_provider_only(principal, query, Inspection.provider_id)
        if "provider_id" in args:
            query = query.where(Inspection.provider_id == str(args["provider_id"]))
        if "service_type" in args:
            query = query.where(Inspection.service_type == args["service_type"])
        with current_runtime().unit_of_work() as uow:
            result = page(uow.session, query, args)
            result["items"] = [
                inspection_view(i, flow.actions_of(uow.session, i.id), today())
                for i in result["items"]
            ]
            return result


@blp.route("/inspections/<uuid:inspection_id>")
class InspectionById(MethodView):
    @blp.response(200, InspectionSchema)
    @allow_roles(*READERS)
    def get(self, inspection_id: uuid.UUID):
        """Read one inspection with its actions."""
        principal = require_role(*READERS)
        with current_runtime().unit_of_work() as uow:
            found = uow.session.get(Inspection, str(inspection_id))
            not_found_unless(found is not None and sees_provider(principal, found.provider_id))
            return inspection_view(found, flow.actions_of(uow.session, found.id), today())


@blp.route("/actions")
class Actions(MethodView):
    @blp.arguments(ActionQueryArgsSchema, location="query")
    @blp.response(200, page_of(ActionSchema))
    @allow_roles(*READERS)
    def get(self, args: dict):
        """List required actions, soonest due first (a provider sees only its own)."""
        principal = require_role(*READERS)
        query = select(RequiredAction).order_by(RequiredAction.due_date, RequiredAction.id)
        query = own_provider_only(principal, query, RequiredAction.provider_id)
        if "provider_id" in args:
            query = query.where(RequiredAction.provider_id == str(args["provider_id"]))
        if "status" in args:
            query = query.where(RequiredAction.status == args["status"])
        with current_runtime().unit_of_work() as uow:
            result = page(uow.session, query, args)
            result["items"] = [action_view(a, today()) for a in result["items"]]
            return result


def _action_in_scope(session, principal, action_id: uuid.UUID) -> RequiredAction:
    query = select(RequiredAction).where(RequiredAction.id == str(action_id)).with_for_update()
    action = session.execute(query).scalar_one_or_none()
    not_found_unless(action is not None and sees_provider(principal, action.provider_id))
    return action


@blp.route("/actions/<uuid:action_id>/answer")
class ActionAnswer(MethodView):
    @blp.arguments(ActionAnswerSchema)
    @blp.response(200, ActionSchema)
    @allow_roles("provider")
    def post(self, body: dict, action_id: uuid.UUID):
        """The provider answers a required action with what it has done."""
        principal = require_role("provider")
        with current_runtime().unit_of_work() as uow:
            action = _action_in_scope(uow.session, principal, action_id)
            flow.answer(uow, action, body["response"])
            return action_view(action, today())


@blp.route("/actions/<uuid:action_id>/follow-up")
class ActionFollowUp(MethodView):
    @blp.arguments(ActionFollowUpSchema)
    @blp.response(200, ActionSchema)
    @allow_roles(*INSPECTORS)
    def post(self, body: dict, action_id: uuid.UUID):
        """The inspector closes an action as done, or reopens it with a new due date."""
        principal = require_role(*INSPECTORS)
        with current_runtime().unit_of_work() as uow:
            action = _action_in_scope(uow.session, principal, action_id)
            flow.follow_up(uow, action, body, today())
            return action_view(action, today())
