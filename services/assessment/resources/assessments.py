"""Assessment's resources: the case manager's worklist, scheduling and the assessment itself."""

from __future__ import annotations

import uuid

from flask import request
from flask.views import MethodView

from services.assessment.domain import get_instrument, load_instruments, local_date
from services.assessment.flows import assessments as actions
from services.assessment.models import ACCESS_AUDIT, Assessment, Child
from services.assessment.queries import (
    assessment_in_scope,
    children_by_id,
    latest_completed,
    unanswered_replies,
    worklist_query,
)
from services.assessment.schemas import (
    AssessmentDetailSchema,
    AssessmentQueryArgsSchema,
    AssessmentSchema,
    CompleteSchema,
    InstrumentSchema,
    OverrideSchema,
    ReviewCreateSchema,
    ScheduleSchema,
)
from services.assessment.settings import assessment_settings
from services.assessment.views import assessment_view, detail_view, instrument_view
from shared import access_audit
from shared.auth import current_principal, not_found_unless, require_role
from shared.pagination import page_of, paginate
from shared.runtime import UnitOfWork
from shared.web import Blueprint, ErrorSchema, current_runtime

READERS = ("case_manager", "admin")
WRITERS = ("case_manager",)

blp = Blueprint(
    "assessments",
    __name__,
    url_prefix="/assessments",
    description="Needs assessments with the Child Functioning Module. Equipment users' walking "
    "is scored without the equipment (the WG/UNICEF tabulation syntax) unless the service runs "
    "with ASSESSMENT_WALKING_RULE=with_equipment.",
)
instruments_blp = Blueprint(
    "instruments", __name__, url_prefix="/instruments", description="Questionnaires"
)


@blp.before_request
@instruments_blp.before_request
def _authorise() -> None:
    """Check the caller before the body is read: 401 and 403 come before 422."""
    require_role(*(READERS if request.method in ("GET", "HEAD", "OPTIONS") else WRITERS))


def _detail(uow: UnitOfWork, assessment_id: uuid.UUID) -> dict:
    assessment, child = assessment_in_scope(uow.session, current_principal(), str(assessment_id))
    return _detail_of(uow, assessment, child)


def _detail_of(uow: UnitOfWork, assessment: Assessment, child: Child | None) -> dict:
    # Only a completed assessment can be superseded: the others need no look at the latest.
    superseded = False
    if assessment.status == "completed":
        latest = latest_completed(uow.session, assessment.child_id)
        superseded = latest is not None and latest.id != assessment.id
    return detail_view(assessment, child, local_date(uow.now), superseded)


@blp.route("")
class Assessments(MethodView):
    @blp.arguments(AssessmentQueryArgsSchema, location="query")
    @blp.response(200, page_of(AssessmentSchema))
    def get(self, args: dict):
        """List the worklist of the caller's districts: overdue, then urgent, then oldest."""
        with current_runtime().unit_of_work() as uow:
            today = local_date(uow.now)
            query = worklist_query(current_principal(), args, today)
            page = paginate(uow.session, query, args["page"], args["page_size"])
            _audit(uow, access_audit.LIST, page["items"])
            children = children_by_id(uow.session, (a.child_id for a in page["items"]))
            replies = unanswered_replies(uow.session, (a.child_id for a in page["items"]))
            page["items"] = [
                {
                    **assessment_view(a, children.get(a.child_id), today),
                    "unanswered_replies": replies.get(a.child_id, 0),
                }
                for a in page["items"]
            ]
        return page

    @blp.arguments(ReviewCreateSchema)
    @blp.response(201, AssessmentDetailSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    def post(self, body: dict):
        """Open a review: a new assessment of a child assessed before."""
        with current_runtime().unit_of_work() as uow:
            assessment = actions.create_review(uow, current_principal(), body)
            uow.session.flush()
            return _detail(uow, uuid.UUID(assessment.id))


@blp.route("/<uuid:assessment_id>")
class AssessmentById(MethodView):
    @blp.response(200, AssessmentDetailSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    def get(self, assessment_id: uuid.UUID):
        """Read one assessment with its answers, result and recommendation."""
        with current_runtime().unit_of_work() as uow:
            detail = _detail(uow, assessment_id)
            _audit(uow, access_audit.READ, [detail])
            return detail


def _audit(uow: UnitOfWork, action: str, shown: list) -> None:
    """Record that the caller was shown these assessments (and so their children's data)."""
    ids = [(a["id"], a["child_id"]) if isinstance(a, dict) else (a.id, a.child_id) for a in shown]
    access_audit.record_reads(
        uow.session, ACCESS_AUDIT, current_principal(), action, "assessment", ids, uow.now
    )


def _act(assessment_id: uuid.UUID, action, body: dict) -> dict:
    """Run an action on an assessment in scope, in one transaction, and return it."""
    principal = current_principal()
    with current_runtime().unit_of_work() as uow:
        assessment, child = assessment_in_scope(
            uow.session, principal, str(assessment_id), lock=True
        )
        action(uow, principal, assessment, child, body)
        uow.session.flush()
        return _detail_of(uow, assessment, child)


@blp.route("/<uuid:assessment_id>/schedule")
class AssessmentSchedule(MethodView):
    @blp.arguments(ScheduleSchema)
    @blp.response(200, AssessmentDetailSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    def post(self, body: dict, assessment_id: uuid.UUID):
        """Schedule (or re-schedule) the visit; the family is told by SMS."""
        return _act(assessment_id, actions.schedule, body)


@blp.route("/<uuid:assessment_id>/complete")
class AssessmentComplete(MethodView):
    @blp.arguments(CompleteSchema)
    @blp.response(200, AssessmentDetailSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    def post(self, body: dict, assessment_id: uuid.UUID):
        """Record the answers; the service scores them and recommends services."""
        return _act(assessment_id, actions.complete, body)


@blp.route("/<uuid:assessment_id>/override")
class AssessmentOverride(MethodView):
    @blp.arguments(OverrideSchema)
    @blp.response(200, AssessmentDetailSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    def post(self, body: dict, assessment_id: uuid.UUID):
        """Override the recommended priority or service types, with the reason."""
        return _act(assessment_id, actions.override, body)


@instruments_blp.route("")
class Instruments(MethodView):
    @instruments_blp.response(200, InstrumentSchema(many=True))
    def get(self):
        """List the questionnaires with their questions and skip logic."""
        rule = assessment_settings(current_runtime()).walking_rule
        return [instrument_view(i, rule) for i in load_instruments().values()]


@instruments_blp.route("/<string:name>")
class InstrumentByName(MethodView):
    @instruments_blp.response(200, InstrumentSchema)
    @instruments_blp.alt_response(404, schema=ErrorSchema)
    def get(self, name: str):
        """Read one questionnaire."""
        not_found_unless(name in load_instruments(), "instrument")
        rule = assessment_settings(current_runtime()).walking_rule
        return instrument_view(get_instrument(name), rule)
