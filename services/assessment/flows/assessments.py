"""What a case manager does to an assessment, each inside the caller's unit of work."""

from __future__ import annotations

import logging
import uuid
from datetime import date, datetime
from typing import Any

from services.assessment import payloads
from services.assessment.domain import (
    InvalidOverrideError,
    NotEligibleError,
    Recommendation,
    ScoreResult,
    age_in_months,
    apply_override,
    build_facts,
    clean_answers,
    due_date,
    local_date,
    recommend,
    score,
    select_instrument,
    validate_answers,
)
from services.assessment.domain.validation import reconcile_aid_variants
from services.assessment.domain.worklist import COMPLETED, OPEN_STATUSES, PENDING, SCHEDULED
from services.assessment.models import Assessment, Child
from services.assessment.queries import has_open_assessment, latest_completed, next_sequence
from services.assessment.settings import assessment_settings
from shared.principal import Principal
from shared.refusals import Refused, not_found_unless
from shared.runtime import UnitOfWork

log = logging.getLogger(__name__)

PLACE_WORDS = {
    "home visit": "home_visit",
    "home": "home_visit",
    "centre": "centre",
    "center": "centre",
    "clinic": "clinic",
}


def _invalid(message: str, fields: dict[str, list[str]]) -> Refused:
    return Refused(422, "validation_error", message, fields=fields)


def _require_open(assessment: Assessment, child: Child | None) -> Child:
    if assessment.status not in OPEN_STATUSES:
        raise Refused(
            409, f"assessment_{assessment.status}", f"the assessment is {assessment.status}"
        )
    if child is None or child.erased_at is not None or child.date_of_birth is None:
        raise Refused(409, "child_unavailable", "the child's data is not available here")
    return child  # type: ignore[return-value]


def schedule(
    uow: UnitOfWork,
    principal: Principal,
    assessment: Assessment,
    child: Child | None,
    body: dict[str, Any],
) -> None:
    """Set the date, time and place of the visit; tell the family through the event."""
    _require_open(assessment, child)
    when: datetime = body["scheduled_for"]
    if when < uow.now:
        raise _invalid("the visit cannot be in the past", {"scheduled_for": ["Is in the past."]})
    rescheduled = assessment.status == SCHEDULED
    place_type = body.get("place_type") or PLACE_WORDS.get(body["place"].strip().lower())
    assessment.status = SCHEDULED
    assessment.scheduled_for = when
    assessment.place = body["place"].strip()
    assessment.place_type = place_type
    assessment.scheduled_by = principal.sub
    assessment.updated_at = uow.now
    payloads.emit_scheduled(uow, assessment, rescheduled)


def _assessed_on(body: dict[str, Any], today: date) -> date:
    assessed_on = body.get("assessed_on") or today
    if assessed_on > today:
        raise _invalid("the assessment date is in the future", {"assessed_on": ["In future."]})
    return assessed_on


def _instrument(child: Child, assessed_on: date) -> str:
    try:
        return select_instrument(child.date_of_birth, assessed_on)  # type: ignore[arg-type]
    except NotEligibleError as exc:
        raise Refused(422, "not_eligible", str(exc), fields={"assessed_on": [str(exc)]}) from exc


def _checked_answers(instrument: str, raw: dict[str, Any]) -> dict[str, int]:
    reconciled, notes = reconcile_aid_variants(instrument, clean_answers(raw))
    if notes:
        log.info("answers reconciled", extra={"fields": {"notes": notes}})
    answers = reconciled
    problems = validate_answers(instrument, answers)
    if problems:
        # Named once, under answers, the way marshmallow nests a field's errors (contract §3).
        raise Refused(
            422,
            "invalid_answers",
            f"the answers do not fit the {instrument} questionnaire: "
            + ", ".join(sorted(problems)),
            fields={"answers": problems},
            instrument=instrument,
        )
    return answers


def _override(
    recommendation: Recommendation, changes: dict[str, Any], by: str, at: datetime
) -> Recommendation:
    try:
        return apply_override(
            recommendation,
            reason=changes["reason"],
            by=by,
            at=at,
            priority=changes.get("priority"),
            service_types=changes.get("service_types"),
        )
    except InvalidOverrideError as exc:
        raise Refused(422, "invalid_override", str(exc), fields={"override": [str(exc)]}) from exc


def _recommend(
    child: Child, result: ScoreResult, months: int, body: dict[str, Any], by: str, at: datetime
) -> Recommendation:
    family = {k: v for k, v in body["family_context"].items() if v is not None}
    facts = build_facts(
        result, age_months=months, screening_urgent=child.screening_urgent, family_context=family
    )
    recommendation = recommend(facts)
    if body.get("override"):
        recommendation = _override(recommendation, body["override"], by, at)
    return recommendation


def complete(
    uow: UnitOfWork,
    principal: Principal,
    assessment: Assessment,
    child: Child | None,
    body: dict[str, Any],
) -> None:
    """Score the answers, recommend by the rule table and record it all; emit the result."""
    child = _require_open(assessment, child)
    walking_rule = assessment_settings(uow.runtime).walking_rule
    assessed_on = _assessed_on(body, local_date(uow.now))
    instrument = _instrument(child, assessed_on)
    answers = _checked_answers(instrument, body["answers"])
    result = score(instrument, answers, walking_rule)
    months = age_in_months(child.date_of_birth, assessed_on)  # type: ignore[arg-type]
    recommendation = _recommend(child, result, months, body, principal.sub, uow.now)
    assessment.status = COMPLETED
    assessment.assessed_on = assessed_on
    assessment.completed_at = uow.now
    assessment.completed_by = principal.sub
    assessment.instrument = instrument
    assessment.age_group = result.age_group
    assessment.age_months = months
    assessment.walking_rule = walking_rule
    assessment.answers = answers
    assessment.family_context = body["family_context"]
    assessment.notes = body.get("notes")
    assessment.scores = result.to_dict()
    _record(uow, assessment, recommendation)


def _record(uow: UnitOfWork, assessment: Assessment, recommendation: Recommendation) -> None:
    assessment.recommendation = recommendation.to_dict()
    assessment.priority = recommendation.priority
    assessment.functional_difficulty = bool((assessment.scores or {}).get("functional_difficulty"))
    assessment.updated_at = uow.now
    payloads.emit_completed(uow, assessment, recommendation)


def override(
    uow: UnitOfWork,
    principal: Principal,
    assessment: Assessment,
    child: Child | None,
    body: dict[str, Any],
) -> None:
    """Replace the computed priority or service types by the case manager's, with the reason."""
    if assessment.status != COMPLETED or assessment.recommendation is None:
        raise Refused(409, "not_completed", "only a completed assessment can be overridden")
    latest = latest_completed(uow.session, assessment.child_id)
    if latest is not None and latest.id != assessment.id:
        raise Refused(409, "superseded", "a later assessment of this child counts now")
    current = Recommendation.from_dict(assessment.recommendation)  # type: ignore[arg-type]
    _record(uow, assessment, _override(current, body, principal.sub, uow.now))


def create_review(uow: UnitOfWork, principal: Principal, body: dict[str, Any]) -> Assessment:
    """Open a new assessment of an already known child: a review; the history stays."""
    child = uow.session.get(Child, body["child_id"])
    not_found_unless(
        child is not None
        and child.erased_at is None
        and principal.covers_district(child.district_code),
        "child",
    )
    if has_open_assessment(uow.session, child.id):  # type: ignore[union-attr]
        raise Refused(409, "assessment_open", "the child already has an open assessment")
    targets = assessment_settings(uow.runtime).due_targets
    today = local_date(uow.now)
    if body.get("due_date") and body["due_date"] < today:
        raise _invalid("the due date is in the past", {"due_date": ["Is in the past."]})
    due = body.get("due_date") or due_date(uow.now, body["urgent"], targets)
    previous = latest_completed(uow.session, child.id)  # type: ignore[union-attr]
    assessment = Assessment(
        id=str(uuid.uuid4()),
        child_id=child.id,  # type: ignore[union-attr]
        district_code=child.district_code,  # type: ignore[union-attr]
        status=PENDING,
        urgent=body["urgent"],
        review=True,
        sequence=next_sequence(uow.session, child.id),  # type: ignore[union-attr]
        review_of=previous.id if previous else None,
        waiting_since=uow.now,
        due_date=due,
        created_at=uow.now,
        updated_at=uow.now,
    )
    uow.session.add(assessment)
    return assessment
