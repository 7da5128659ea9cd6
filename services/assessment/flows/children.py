"""The child as intake tells it, with its pending assessment; erased when consent is withdrawn."""

from __future__ import annotations

import logging
import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.assessment.domain import due_date
from services.assessment.domain.recommendation import OVERRIDE_RULE_ID
from services.assessment.domain.worklist import CANCELLED, OPEN_STATUSES, PENDING
from services.assessment.flows.corrections import child_corrected
from services.assessment.models import ORDERING, Assessment, Child
from services.assessment.settings import assessment_settings
from shared.db import first_unflushed, get_unflushed
from shared.events import Event, parse_time
from shared.outbox import erase_child_events
from shared.runtime import UnitOfWork

log = logging.getLogger(__name__)

CHILD_FIELDS = (
    "given_name",
    "family_name",
    "patronymic",
    "sex",
    "district_code",
    "jamoat",
    "village",
)
GUARDIAN_FIELDS = {
    "name": "guardian_name",
    "relationship": "guardian_relationship",
    "phone": "guardian_phone",
    "language": "guardian_language",
}


def _apply_changes(child: Child, payload: dict[str, Any]) -> None:
    """Copy the sections of a registration or an update onto the child."""
    details = payload.get("child") or {}
    for name in CHILD_FIELDS:
        if name in details:
            setattr(child, name, details[name])
    if details.get("date_of_birth"):
        child.date_of_birth = date.fromisoformat(details["date_of_birth"])
    for name, column in GUARDIAN_FIELDS.items():
        if name in (payload.get("guardian") or {}):
            setattr(child, column, payload["guardian"][name])
    screening = payload.get("screening") or {}
    if "concerns" in screening:
        child.screening_concerns = list(screening["concerns"] or [])
    if "urgent" in screening:
        child.screening_urgent = bool(screening["urgent"])


def _open_assessments(uow: UnitOfWork, child_id: str) -> list[Assessment]:
    query = select(Assessment).where(
        Assessment.child_id == child_id, Assessment.status.in_(OPEN_STATUSES)
    )
    return list(uow.session.execute(query).scalars())


def registered(uow: UnitOfWork, event: Event) -> None:
    """Keep the child and put a pending assessment on the district's worklist."""
    payload = event.payload
    child = get_unflushed(uow.session, Child, payload["child_id"])
    if child is not None and child.erased_at is not None:
        return  # consent was withdrawn before the registration reached this service
    registered_at = parse_time(payload["registered_at"])
    if child is None:
        child = Child(id=payload["child_id"], registered_at=registered_at, screening_concerns=[])
        uow.session.add(child)
    _apply_changes(child, ORDERING.newer_parts(uow.session, child.id, payload, event))
    child.updated_at = uow.now
    # Not flushing the batch's earlier rows first: they are written together at commit.
    if first_unflushed(uow.session, Assessment, child_id=child.id) is None:
        targets = assessment_settings(uow.runtime).due_targets
        uow.session.add(
            Assessment(
                id=str(uuid.uuid4()),
                child_id=child.id,
                district_code=child.district_code,
                status=PENDING,
                sequence=1,
                urgent=child.screening_urgent,
                waiting_since=registered_at,
                due_date=due_date(registered_at, child.screening_urgent, targets),
                created_at=uow.now,
                updated_at=uow.now,
            )
        )
    for parked in ORDERING.take_parked(uow.session, child.id):
        (child_corrected if parked.type == "child.corrected" else updated)(uow, parked)


def updated(uow: UnitOfWork, event: Event) -> None:
    """Keep the copy current; a new district or urgency moves the open assessments with it."""
    child_id = event.payload["child_id"]
    ORDERING.lock(uow.session, child_id)
    child = get_unflushed(uow.session, Child, child_id)
    if child is None:
        log.info("update of a child not known yet", extra={"fields": {"event_id": event.id}})
        ORDERING.park(uow.session, event, child_id)
        return
    if child.erased_at is not None:
        return
    changes = event.payload.get("changes") or {}
    _apply_changes(child, ORDERING.newer_parts(uow.session, child_id, changes, event))
    child.updated_at = uow.now
    targets = assessment_settings(uow.runtime).due_targets
    for assessment in _open_assessments(uow, child.id):
        assessment.district_code = child.district_code
        if assessment.urgent != child.screening_urgent and not assessment.review:
            assessment.urgent = child.screening_urgent
            assessment.due_date = due_date(assessment.waiting_since, assessment.urgent, targets)
        assessment.updated_at = uow.now


def _erase_child(child: Child) -> None:
    for column in (
        "given_name", "family_name", "patronymic", "sex", "date_of_birth", "jamoat", "village",
        *GUARDIAN_FIELDS.values(),
    ):  # fmt: skip
        setattr(child, column, None)
    child.screening_concerns = []


def consent_withdrawn(uow: UnitOfWork, child_id: str) -> None:
    """Erase the child's personal data here and cancel the open assessments."""
    ORDERING.lock(uow.session, child_id)
    ORDERING.drop_parked(uow.session, [child_id])
    child = get_unflushed(uow.session, Child, child_id)
    if child is None:
        # A tombstone, so a registration arriving late is not stored again.
        child = Child(id=child_id, district_code="", registered_at=uow.now, screening_concerns=[])
        uow.session.add(child)
    _erase_child(child)
    child.erased_at = child.erased_at or uow.now
    child.updated_at = uow.now
    query = select(Assessment).where(Assessment.child_id == child_id)
    for assessment in uow.session.execute(query).scalars():
        if assessment.status in OPEN_STATUSES:
            assessment.status = CANCELLED
            assessment.cancelled_reason = "consent_withdrawn"
        _anonymise(assessment)
        assessment.updated_at = uow.now
    # The visit's place may be the family's address: blank in waiting events, gone in sent ones.
    erase_child_events(
        uow.session,
        uow.runtime.tables.outbox,
        child_id,
        blank_unsent={"assessment.scheduled": {"place": ""}},
    )


def _anonymise(assessment: Assessment) -> None:
    """Drop answers and free text; keep the results ministry statistics count."""
    assessment.answers = None
    assessment.notes = None
    assessment.family_context = None
    assessment.place = None
    if assessment.scores:
        domains = assessment.scores.get("domains") or {}
        assessment.scores = {
            **assessment.scores,
            "domains": {name: {"difficulty": d.get("difficulty")} for name, d in domains.items()},
        }
    if assessment.recommendation and assessment.recommendation.get("override"):
        recommendation = dict(assessment.recommendation)
        recommendation["override"] = {**recommendation["override"], "reason": None}
        recommendation["recommendations"] = [
            {**r, "description": None} if r.get("id") == OVERRIDE_RULE_ID else r
            for r in recommendation.get("recommendations", [])
        ]
        if recommendation.get("priority_rule", {}).get("id") == OVERRIDE_RULE_ID:
            recommendation["priority_rule"] = {"id": OVERRIDE_RULE_ID, "description": None}
        assessment.recommendation = recommendation


def erased_among(session: Session, children: set[str]) -> set[str]:
    """Which of these children this service has erased (their dead letters go too)."""
    query = select(Child.id).where(Child.id.in_(children), Child.erased_at.is_not(None))
    return set(session.scalars(query))
