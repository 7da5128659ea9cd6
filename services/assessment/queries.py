"""Reading assessments: the worklist order, scope and a child's history."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import Session

from services.assessment.domain.worklist import COMPLETED, OPEN_STATUSES
from services.assessment.models import Assessment, Child, FamilyReply
from shared.principal import Principal
from shared.refusals import not_found_unless
from shared.scope import in_districts


def _overdue(today: date) -> Any:
    return and_(Assessment.status.in_(OPEN_STATUSES), Assessment.due_date < today)


def worklist_query(principal: Principal, args: dict[str, Any], today: date) -> Select:
    """Return the caller's assessments in `worklist_sort_key`'s order (overdue, urgent, oldest)."""
    query = in_districts(select(Assessment), Assessment.district_code, principal)
    if args.get("district_code"):
        query = query.where(Assessment.district_code == args["district_code"])
    if args.get("child_id"):
        query = query.where(Assessment.child_id == args["child_id"])
    status = args.get("status")
    if status == "overdue":
        query = query.where(_overdue(today))
    elif status:
        query = query.where(Assessment.status == status)
    return query.order_by(
        case((_overdue(today), 0), else_=1),
        case((Assessment.urgent.is_(True), 0), else_=1),
        Assessment.waiting_since,
        Assessment.id,
    )


def unanswered_replies(session: Session, child_ids: Iterable[str]) -> dict[str, int]:
    """Count each child's family replies still waiting for the case manager's answer."""
    ids = set(child_ids)
    if not ids:
        return {}
    query = (
        select(FamilyReply.child_id, func.count())
        .where(FamilyReply.child_id.in_(ids), FamilyReply.answered_at.is_(None))
        .group_by(FamilyReply.child_id)
    )
    return {child_id: count for child_id, count in session.execute(query).all()}


def children_by_id(session: Session, child_ids: Iterable[str]) -> dict[str, Child]:
    """Load the children of a page of assessments in one query."""
    ids = set(child_ids)
    if not ids:
        return {}
    rows = session.execute(select(Child).where(Child.id.in_(ids))).scalars()
    return {child.id: child for child in rows}


def assessment_in_scope(
    session: Session, principal: Principal, assessment_id: str, *, lock: bool = False
) -> tuple[Assessment, Child | None]:
    """Return an assessment the caller may see, with its child; 404 otherwise."""
    if lock and session.get_bind().dialect.name == "postgresql":
        # Two completions of one assessment: one waits. The child is read after the lock:
        # joined to the locked row, it would be the child as it was before the wait, not as
        # the transaction the wait was for (a correction, a merge) left it.
        query = select(Assessment).where(Assessment.id == assessment_id).with_for_update()
        assessment = session.execute(query).scalar_one_or_none()
        child = session.get(Child, assessment.child_id) if assessment is not None else None
    else:
        # Unlocked, one statement reads both.
        query = (
            select(Assessment, Child)
            .outerjoin(Child, Child.id == Assessment.child_id)
            .where(Assessment.id == assessment_id)
        )
        found = session.execute(query).one_or_none()
        assessment, child = found if found is not None else (None, None)
    not_found_unless(
        assessment is not None and principal.covers_district(assessment.district_code),
        "assessment",
    )
    return assessment, child  # type: ignore[return-value]


def latest_completed(session: Session, child_id: str) -> Assessment | None:
    """Return the child's most recent completed assessment: the one that counts."""
    query = (
        select(Assessment)
        .where(Assessment.child_id == child_id, Assessment.status == COMPLETED)
        .order_by(Assessment.sequence.desc())
        .limit(1)
    )
    return session.execute(query).scalar_one_or_none()


def next_sequence(session: Session, child_id: str) -> int:
    """Return the number the child's next assessment takes."""
    query = select(func.max(Assessment.sequence)).where(Assessment.child_id == child_id)
    return (session.execute(query).scalar_one_or_none() or 0) + 1


def has_open_assessment(session: Session, child_id: str) -> bool:
    """Return whether the child already waits for an assessment."""
    query = select(Assessment.id).where(
        Assessment.child_id == child_id, Assessment.status.in_(OPEN_STATUSES)
    )
    return session.execute(query.limit(1)).first() is not None
