"""Following intake's corrections and merges of a child (contract 1.1 §7)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from services.assessment.domain.worklist import CANCELLED, OPEN_STATUSES, SCHEDULED
from services.assessment.models import ORDERING, Assessment, Child
from shared.db import get_unflushed
from shared.events import Event
from shared.runtime import UnitOfWork

MERGED = "merged"


def child_corrected(uow: UnitOfWork, event: Event) -> None:
    """Take the corrected birth date, sex or district; open assessments move with the child.

    An assessment not yet completed has no instrument of its own: the corrected date of birth
    chooses it when it is read or completed, so it switches with the correction.
    """
    child_id = event.payload["child_id"]
    ORDERING.lock(uow.session, child_id)
    child = get_unflushed(uow.session, Child, child_id)
    if child is None:
        # Not registered here yet: kept, and applied when the registration arrives.
        ORDERING.park(uow.session, event, child_id)
        return
    if child.erased_at is not None:
        return
    parts = {"child": event.payload["changes"]}
    changes = ORDERING.newer_parts(uow.session, child_id, parts, event).get("child", {})
    if "sex" in changes:
        child.sex = changes["sex"]
    if "date_of_birth" in changes:
        child.date_of_birth = date.fromisoformat(changes["date_of_birth"])
    if "district_code" in changes:
        child.district_code = changes["district_code"]
        for assessment in _assessments(uow, child.id, open_only=True):
            assessment.district_code = child.district_code
            assessment.updated_at = uow.now
    child.updated_at = uow.now


def child_merged(uow: UnitOfWork, event: Event) -> None:
    """Give the merged child's assessments to the surviving child; one open assessment stays."""
    merged_id, into = event.payload["child_id"], event.payload["into"]
    survivor = get_unflushed(uow.session, Child, into)
    moved = _assessments(uow, merged_id)
    for assessment in moved:
        assessment.child_id = into
        if survivor is not None and assessment.status in OPEN_STATUSES:
            assessment.district_code = survivor.district_code
        assessment.updated_at = uow.now
    if not moved:
        return
    uow.session.flush()
    still_open = _assessments(uow, into, open_only=True)
    # Keep the one the family was told about (scheduled), else the survivor's own.
    keep = max(still_open, key=lambda a: (a.status == SCHEDULED, a not in moved), default=None)
    for assessment in still_open:
        if assessment is not keep:
            assessment.status, assessment.cancelled_reason = CANCELLED, MERGED


def _assessments(uow: UnitOfWork, child_id: str, open_only: bool = False) -> list[Assessment]:
    query = select(Assessment).where(Assessment.child_id == child_id)
    if open_only:
        query = query.where(Assessment.status.in_(OPEN_STATUSES))
    return list(uow.session.execute(query.order_by(Assessment.created_at)).scalars())
