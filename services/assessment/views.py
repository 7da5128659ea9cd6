"""Assessments as the API shows them."""

from __future__ import annotations

from datetime import date
from typing import Any

from services.assessment.domain import (
    Instrument,
    NotEligibleError,
    age_in_months,
    age_in_years,
    is_overdue,
    select_instrument,
)
from services.assessment.models import Assessment, Child
from shared.localtime import to_local


def _child_view(child: Child | None, today: date) -> dict[str, Any]:
    if child is None:
        return {"erased": False}
    born = child.date_of_birth
    return {
        "given_name": child.given_name,
        "family_name": child.family_name,
        "patronymic": child.patronymic,
        "sex": child.sex,
        "date_of_birth": born,
        "age_years": age_in_years(born, today) if born and born <= today else None,
        "age_months": age_in_months(born, today) if born and born <= today else None,
        "district_code": child.district_code or None,
        "jamoat": child.jamoat,
        "village": child.village,
        "erased": child.erased_at is not None,
    }


def _expected_instrument(assessment: Assessment, child: Child | None, today: date) -> str | None:
    """Return the instrument used, or the one the child's age calls for today."""
    if assessment.instrument:
        return assessment.instrument
    if child is None or child.date_of_birth is None:
        return None
    try:
        return select_instrument(child.date_of_birth, today)
    except NotEligibleError:
        return None


def assessment_view(assessment: Assessment, child: Child | None, today: date) -> dict[str, Any]:
    """Return the worklist shape of an assessment."""
    recommendation = assessment.recommendation or {}
    scheduled = assessment.scheduled_for
    return {
        "id": assessment.id,
        "child_id": assessment.child_id,
        "district_code": assessment.district_code,
        "status": assessment.status,
        "overdue": is_overdue(assessment.status, assessment.due_date, today),
        "urgent": assessment.urgent,
        "review": assessment.review,
        "due_date": assessment.due_date,
        "waiting_since": assessment.waiting_since,
        "created_at": assessment.created_at,
        "updated_at": assessment.updated_at,
        "scheduled_for": to_local(scheduled) if scheduled else None,
        "place": assessment.place,
        "place_type": assessment.place_type,
        "instrument": _expected_instrument(assessment, child, today),
        "child": _child_view(child, today),
        "screening": {
            "concerns": list(child.screening_concerns or []) if child else [],
            "urgent": bool(child and child.screening_urgent),
        },
        "assessed_on": assessment.assessed_on,
        "completed_at": assessment.completed_at,
        "priority": assessment.priority,
        "functional_difficulty": assessment.functional_difficulty,
        "recommended_service_types": recommendation.get("recommended_service_types"),
        "cancelled_reason": assessment.cancelled_reason,
    }


def result_view(assessment: Assessment) -> dict[str, Any] | None:
    """Return the scored result with its recommendation, as the contract's `result`."""
    if assessment.scores is None:
        return None
    return {**assessment.scores, **(assessment.recommendation or {})}


def detail_view(
    assessment: Assessment, child: Child | None, today: date, superseded: bool
) -> dict[str, Any]:
    """Return everything about one assessment, for the case manager."""
    return {
        **assessment_view(assessment, child, today),
        "guardian": {
            "name": child.guardian_name if child else None,
            "relationship": child.guardian_relationship if child else None,
            "phone": child.guardian_phone if child else None,
            "language": child.guardian_language if child else None,
        },
        "answers": assessment.answers,
        "family_context": assessment.family_context,
        "notes": assessment.notes,
        "result": result_view(assessment),
        "review_of": assessment.review_of,
        "superseded": superseded,
    }


def instrument_view(instrument: Instrument, walking_rule: str) -> dict[str, Any]:
    """Return an instrument's questions, skip logic and domains for forms."""
    return {
        "name": instrument.name,
        "age_group": instrument.age_group,
        "min_age_years": instrument.min_age_years,
        "max_age_years": instrument.max_age_years,
        "clinical_judgement": instrument.clinical_judgement,
        "walking_rule": walking_rule,
        "questions": [
            {
                "code": q.code,
                "text": q.text,
                "codes": list(q.codes),
                "labels": {str(c): q.scale.labels[c] for c in q.codes},
                "asked_if": {gate: list(codes) for gate, codes in q.asked_if.items()},
            }
            for q in instrument.questions.values()
        ],
        "domains": {
            name: list(domain.scored_questions(walking_rule))
            for name, domain in instrument.domains.items()
        },
    }
