"""The events this service emits: results only, never answers or free-text notes."""

from __future__ import annotations

from services.assessment.domain import Recommendation
from services.assessment.models import Assessment
from shared.runtime import UnitOfWork


def emit_scheduled(uow: UnitOfWork, assessment: Assessment, rescheduled: bool) -> None:
    """Tell the family (through notifications) when and where the visit is."""
    uow.emit(
        "assessment.scheduled",
        {
            "assessment_id": assessment.id,
            "child_id": assessment.child_id,
            "scheduled_for": assessment.scheduled_for.isoformat(),  # type: ignore[union-attr]
            "place": assessment.place,
            "place_type": assessment.place_type,
            "rescheduled": rescheduled,
        },
        correlation_id=assessment.child_id,
    )


def _rule_ids(recommendation: Recommendation) -> list[str]:
    """Return the ids of the rules behind the priority and each service type, in order."""
    ids = [recommendation.priority_rule.id, *(s.rule.id for s in recommendation.service_types)]
    return list(dict.fromkeys(ids))


def emit_completed(uow: UnitOfWork, assessment: Assessment, recommendation: Recommendation) -> None:
    """Publish the result for referral and notifications."""
    scores = assessment.scores or {}
    uow.emit(
        "assessment.completed",
        {
            "assessment_id": assessment.id,
            "child_id": assessment.child_id,
            "age_group": assessment.age_group,
            "instrument": assessment.instrument,
            "domains": {
                name: {"difficulty": bool(domain["difficulty"])}
                for name, domain in scores.get("domains", {}).items()
            },
            "functional_difficulty": bool(scores.get("functional_difficulty")),
            "priority": recommendation.priority,
            "recommended_service_types": recommendation.recommended_service_types,
            "rules": _rule_ids(recommendation),
            "overridden": recommendation.override is not None,
            "completed_at": assessment.completed_at.isoformat(),  # type: ignore[union-attr]
            "district_code": assessment.district_code,
            "review": assessment.review,
        },
        correlation_id=assessment.child_id,
    )
