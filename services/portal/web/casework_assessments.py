"""The assessment page: schedule the visit, ask the questionnaire, read and override the result."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.portal.apis import ApiError, ApiUnavailable
from services.portal.domain.questionnaire import (
    Instrument,
    answers_to_send,
    asked_questions,
    get_instrument,
    newly_asked,
    parse_answers,
)
from services.portal.web.casework_assessment_forms import (
    complete_errors,
    family_context,
    override_body,
    override_refusal,
    schedule_body,
)
from services.portal.web.casework_common import (
    CASE_ROLES,
    api_field_errors,
    apis,
    required,
    template_helpers,
)
from services.portal.web.casework_questions import answer_options, question_text
from services.portal.web.errors import unavailable_message
from services.portal.web.guards import roles_required
from shared.vocabulary import OPEN_ASSESSMENT_STATUSES

bp = Blueprint("casework_assessments", __name__)
OPEN = OPEN_ASSESSMENT_STATUSES


def _load(assessment_id: Any) -> dict:
    return required(lambda: apis().assessment.get(f"/assessments/{assessment_id}"))


def _questions(instrument: Instrument, answers: dict, name: str, new: list[str]) -> list[dict]:
    asked = {q.code for q in asked_questions(instrument, answers_to_send(instrument, answers))}
    return [
        {
            "code": q.code,
            "text": question_text(instrument, q, name),
            "options": answer_options(q),
            "asked_if": {gate: list(codes) for gate, codes in q.asked_if.items()},
            "shown": q.code in asked,
            "new": q.code in new,
            "value": answers.get(q.code, ""),
        }
        for q in instrument.questions
    ]


def _render(assessment: dict, status: int = 200, **context: Any) -> tuple[str, int]:
    instrument = get_instrument(assessment.get("instrument"))
    answers = context.pop("answers", None) or assessment.get("answers") or {}
    name = (assessment.get("child") or {}).get("given_name") or _("the child")
    new = context.pop("new", [])
    questions = _questions(instrument, answers, name, new) if instrument else []
    page = render_template(
        "casework/assessment.html",
        a=assessment,
        instrument=instrument,
        questions=questions,
        new=new,
        shown=",".join(q["code"] for q in questions if q["shown"]),
        form=context.pop("form", None) or {},
        errors=context.pop("errors", None) or {},
        **context,
    )
    return page, status


@bp.get("/assessments/<uuid:assessment_id>")
@roles_required(*CASE_ROLES)
def show(assessment_id: Any):  # noqa: ANN201
    """Show the assessment at the step it has reached."""
    return _render(_load(assessment_id), done=request.args.get("done"))


@bp.post("/assessments/<uuid:assessment_id>/schedule")
@roles_required(*CASE_ROLES)
def schedule(assessment_id: Any):  # noqa: ANN201
    """Schedule (or move) the assessment visit."""
    assessment = _load(assessment_id)
    body, errors = schedule_body(request.form, datetime.now(UTC))
    if not errors:
        try:
            apis().assessment.post(f"/assessments/{assessment_id}/schedule", json=body)
        except ApiError as error:
            if error.status not in (400, 409, 422):
                raise
            errors = api_field_errors(error.fields, error.message)
    if errors:
        return _render(assessment, 422, form=request.form, errors=errors, section="schedule")
    return redirect(url_for(".show", assessment_id=assessment_id, done="scheduled"), 303)


@bp.post("/assessments/<uuid:assessment_id>/complete")
@roles_required(*CASE_ROLES)
def complete(assessment_id: Any):  # noqa: ANN201
    """Record the questionnaire; show follow-up questions first when answers call for them."""
    assessment = _load(assessment_id)
    instrument = get_instrument(assessment.get("instrument"))
    if instrument is None or assessment.get("status") not in OPEN:
        return redirect(url_for(".show", assessment_id=assessment_id), 303)
    answers = parse_answers(instrument, request.form)
    shown = (request.form.get("shown") or "").split(",")
    new = newly_asked(instrument, answers, shown)
    if new:
        return _render(assessment, answers=answers, new=new, form=request.form, section="cfm")
    context, errors = family_context(request.form)
    if errors:
        return _render(assessment, 422, answers=answers, form=request.form, errors=errors)
    body = {"answers": answers_to_send(instrument, answers), "family_context": context,
            "notes": (request.form.get("notes") or "").strip() or None}  # fmt: skip
    try:
        apis().assessment.post(f"/assessments/{assessment_id}/complete", json=body)
    except ApiUnavailable as error:
        # Keep every answer on the page: the case manager can save again in a moment.
        errors = {"_form": [unavailable_message(error.service)]}
        return _render(assessment, 503, answers=answers, form=request.form, errors=errors)
    except ApiError as error:
        if error.status != 422:
            raise
        errors = complete_errors(error.fields, instrument)
        return _render(assessment, 422, answers=answers, form=request.form, errors=errors)
    return redirect(url_for(".show", assessment_id=assessment_id, done="completed"), 303)


@bp.post("/assessments/<uuid:assessment_id>/override")
@roles_required(*CASE_ROLES)
def override(assessment_id: Any):  # noqa: ANN201
    """Change the recommended priority or services, with the reason."""
    assessment = _load(assessment_id)
    body, errors = override_body(request.form)
    if not errors:
        try:
            apis().assessment.post(f"/assessments/{assessment_id}/override", json=body)
        except ApiError as error:
            if error.status not in (409, 422):
                raise
            errors = api_field_errors(error.fields, override_refusal(error.code, error.message))
    if errors:
        return _render(assessment, 422, form=request.form, errors=errors, section="override")
    return redirect(url_for(".show", assessment_id=assessment_id, done="overridden"), 303)


@bp.context_processor
def _helpers() -> dict[str, Any]:
    from services.portal.web.casework_questions import ANSWER_LABELS, INSTRUMENT_NAMES

    return {**template_helpers(), "answer_labels": ANSWER_LABELS,
            "instrument_names": INSTRUMENT_NAMES}  # fmt: skip
