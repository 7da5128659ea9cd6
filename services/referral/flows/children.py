"""What intake and assessment tell us about a child, kept to the minimum and erased on request."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.referral import queries as repo
from services.referral.domain.states import OPEN_STATES
from services.referral.flows import referrals as loop
from services.referral.flows.care_plans import erase_plan_text
from services.referral.flows.placing import need_for
from services.referral.models import (
    ORDERING,
    AssessmentResult,
    ChildRecord,
    Need,
    Referral,
    WaitlistEntry,
)
from services.referral.settings import region_of
from shared.codes import CANCEL_REASONS, COMPLETION_OUTCOMES, code_of
from shared.db import get_unflushed
from shared.events import Event, parse_time
from shared.outbox import erase_child_events
from shared.runtime import UnitOfWork

PERSONAL_FIELDS = (
    "given_name", "family_name", "date_of_birth", "guardian_name", "guardian_phone",
)  # fmt: skip


def child_row(uow: UnitOfWork, child_id: str, district_code: str | None = None) -> ChildRecord:
    """Return the child's row, creating an empty one first seen through another event."""
    child = get_unflushed(uow.session, ChildRecord, child_id)
    if child is None:
        child = ChildRecord(id=child_id, district_code=district_code, updated_at=uow.now)
        child.region_code = region_of(district_code)
        uow.session.add(child)
    return child


def registered(uow: UnitOfWork, event: Event) -> None:
    """Keep the child's name, birth date, district and the guardian's contact and language."""
    payload = event.payload
    ORDERING.lock(uow.session, payload["child_id"])
    child = child_row(uow, payload["child_id"])
    if child.erased_at is not None:
        return
    registered_at = payload.get("registered_at")
    child.registered_at = (
        datetime.fromisoformat(registered_at) if registered_at else parse_time(event.occurred_at)
    )
    _apply(uow, child, ORDERING.newer_parts(uow.session, child.id, payload, event))
    for parked in ORDERING.take_parked(uow.session, child.id):
        if parked.type == "child.corrected":
            # Imported here: corrections builds on this module's child_row.
            from services.referral.flows.corrections import corrected

            corrected(uow, parked)
        else:
            updated(uow, parked)


def updated(uow: UnitOfWork, event: Event) -> None:
    """Apply intake's changes to what this service keeps; park them until the registration."""
    child_id = event.payload["child_id"]
    ORDERING.lock(uow.session, child_id)
    child = get_unflushed(uow.session, ChildRecord, child_id)
    if child is None or (child.registered_at is None and child.erased_at is None):
        ORDERING.park(uow.session, event, child_id)
        return
    if child.erased_at is None:
        changes = event.payload.get("changes") or {}
        _apply(uow, child, ORDERING.newer_parts(uow.session, child_id, changes, event))


def _apply(uow: UnitOfWork, child: ChildRecord, parts: dict[str, Any]) -> None:
    about, guardian = parts.get("child") or {}, parts.get("guardian") or {}
    for name in ("given_name", "family_name", "district_code"):
        if name in about:
            setattr(child, name, about[name])
    if "date_of_birth" in about:
        child.date_of_birth = date.fromisoformat(about["date_of_birth"])
    for name in ("name", "phone", "language"):
        if name in guardian:
            setattr(child, f"guardian_{name}", guardian[name])
    consent = parts.get("consent") or {}
    if "data_sharing" in consent:
        child.data_sharing = bool(consent["data_sharing"])
    child.region_code = region_of(child.district_code)
    child.updated_at = uow.now


def assessed(uow: UnitOfWork, payload: dict[str, Any], occurred_at: datetime) -> list[Need]:
    """Open (or refresh) a need per recommended service type when there is a difficulty."""
    child = child_row(uow, payload["child_id"], payload.get("district_code"))
    if child.erased_at is not None:
        return []
    done_at = payload.get("completed_at")
    when = datetime.fromisoformat(done_at) if done_at else occurred_at
    if child.first_assessed_at is None or when < child.first_assessed_at:
        child.first_assessed_at = when
    _keep_result(uow, payload, when)
    if not payload["functional_difficulty"]:
        return []
    return [
        _refresh_need(uow, child, kind, payload) for kind in payload["recommended_service_types"]
    ]


def _keep_result(uow: UnitOfWork, payload: dict[str, Any], when: datetime) -> None:
    """Keep the domain results: a care plan's baseline, or a review's re-assessment."""
    if get_unflushed(uow.session, AssessmentResult, payload["assessment_id"]) is None:
        uow.session.add(AssessmentResult(
            assessment_id=payload["assessment_id"], child_id=payload["child_id"],
            domains=payload.get("domains") or {}, review=bool(payload.get("review")),
            completed_at=when,
        ))  # fmt: skip


def _refresh_need(uow: UnitOfWork, child: ChildRecord, kind: str, payload: dict) -> Need:
    need = need_for(uow, child.id, kind)
    need.priority = payload["priority"]
    need.assessment_id = payload["assessment_id"]
    if need.status == "closed":
        need.status, need.opened_at = "open", uow.now
    need.updated_at = uow.now
    entry = repo.waiting_entry(uow.session, child.id, kind)
    if entry is not None:
        # A reassessment can make a waiting child more (or less) urgent.
        entry.priority = need.priority
    return need


def consent_withdrawn(uow: UnitOfWork, payload: dict[str, Any]) -> None:
    """Erase the child's personal data, leave every queue and cancel open referrals."""
    ORDERING.lock(uow.session, payload["child_id"])
    ORDERING.drop_parked(uow.session, [payload["child_id"]])
    child = child_row(uow, payload["child_id"])
    # Out of every queue first, so the places these cancellations free go to other children.
    child.data_sharing = False
    waiting = select(WaitlistEntry).where(
        WaitlistEntry.child_id == child.id, WaitlistEntry.status == "waiting"
    )
    for entry in uow.session.execute(waiting).scalars():
        entry.status, entry.left_at, entry.left_reason = "removed", uow.now, loop.CONSENT_WITHDRAWN
    uow.session.flush()
    for referral in _open_referrals(uow, child.id):
        loop.cancel(uow, referral, loop.CONSENT_WITHDRAWN)
    for need in uow.session.execute(select(Need).where(Need.child_id == child.id)).scalars():
        need.status, need.updated_at = "closed", uow.now
    for name in PERSONAL_FIELDS:
        setattr(child, name, None)
    child.erased_at = child.updated_at = uow.now
    _erase_free_text(uow, child.id)
    erase_child_events(uow.session, uow.runtime.tables.outbox, child.id)


def _erase_free_text(uow: UnitOfWork, child_id: str) -> None:
    """Drop what people wrote about the child's referrals; the codes stay for the statistics."""
    for referral in uow.session.execute(
        select(Referral).where(Referral.child_id == child_id)
    ).scalars():
        referral.decline_note = referral.outcome_note = referral.cancel_note = None
        # Written before outcomes and reasons were coded: keep only the code.
        referral.outcome = code_of(COMPLETION_OUTCOMES, referral.outcome)[0]
        referral.cancel_reason = code_of(CANCEL_REASONS, referral.cancel_reason)[0]
    erase_plan_text(uow.session, child_id)


def erased_among(session: Session, ids: set[str]) -> set[str]:
    """Which of these children this service has erased (their dead letters go too)."""
    query = select(ChildRecord.id).where(
        ChildRecord.id.in_(ids), ChildRecord.erased_at.is_not(None)
    )
    return set(session.scalars(query))


def _open_referrals(uow: UnitOfWork, child_id: str) -> list[Referral]:
    query = (
        select(Referral)
        .where(Referral.child_id == child_id, Referral.status.in_([s.value for s in OPEN_STATES]))
        .order_by(Referral.id)
        .with_for_update()
    )
    return list(uow.session.execute(query).scalars())
