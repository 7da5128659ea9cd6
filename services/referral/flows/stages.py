"""Feed the report of every stage from the events this service consumes and emits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Update, and_, bindparam, case, or_, update

from services.referral.models import ChildRecord, ReportChild
from services.referral.settings import region_of
from shared.db import get_unflushed, held
from shared.events import Event, parse_time
from shared.runtime import UnitOfWork

# Every stage a child's row dates (waitlisted and left_waitlist are a span, not a stage).
STAGES = (
    "registered", "scheduled", "assessed", "with_difficulty", "referred", "accepted", "started",
    "completed", "declined", "expired", "waitlisted",
)  # fmt: skip
# The referral events that date a stage, and the stage they date.
REFERRAL_STAGES = {
    "referral.sent": "referred",
    "referral.accepted": "accepted",
    "referral.started": "started",
    "referral.completed": "completed",
    "referral.declined": "declined",
    "referral.expired": "expired",
}


def record(uow: UnitOfWork, event: Event) -> None:
    """Apply one event to the read model (a no-op for events that date no stage)."""
    at = parse_time(event.occurred_at)
    payload = event.payload
    if event.type == "child.registered":
        _registered(uow, payload, at)
    elif event.type in ("child.updated", "child.corrected"):
        _moved(uow, payload["child_id"])
    elif event.type == "child.merged":
        _merged(uow, payload["child_id"], payload["into"])
    elif event.type == "assessment.scheduled":
        _first(_row(uow, payload["child_id"]), "scheduled", at)
    elif event.type == "assessment.completed":
        _assessed(uow, payload, at)
    elif event.type == "referral.waitlisted":
        _waitlisted(_row(uow, payload["child_id"]), at)
    elif event.type in REFERRAL_STAGES:
        if _date_unread(uow, payload["child_id"], event.type, at):
            return
        row = _row(uow, payload["child_id"])
        _first(row, REFERRAL_STAGES[event.type], at)
        if event.type == "referral.sent" and row.waitlisted and row.left_waitlist is None:
            row.left_waitlist = at


def _date_unread(uow: UnitOfWork, child_id: str, event_type: str, at: datetime) -> bool:
    """Date a referral stage on a row this transaction has not read, in one UPDATE that does
    not read it first: the referral API dates two stages of every child (sent, accepted), and
    reading the row before each was a statement of its own. False, and nothing written, when
    the session holds the row (it is changed there) or there is no row yet (it is created)."""
    if held(uow.session, ReportChild, child_id) is not None:
        return False
    # The row is not in the session, so the ORM has nothing to keep in step: the statement
    # goes to the connection as it is.
    done = uow.session.connection().execute(_DATING[event_type], {"child": child_id, "at": at})
    return done.rowcount == 1


def _dating_statement(event_type: str) -> Update:
    """The UPDATE that keeps the earliest time of the stage an event dates."""
    table = ReportChild.__table__
    stage = table.c[REFERRAL_STAGES[event_type]]
    when = bindparam("at", type_=stage.type)
    values = {stage.key: case((or_(stage.is_(None), stage > when), when), else_=stage)}
    if event_type == "referral.sent":
        waiting = and_(table.c.waitlisted.is_not(None), table.c.left_waitlist.is_(None))
        values["left_waitlist"] = case((waiting, when), else_=table.c.left_waitlist)
    return update(table).where(table.c.child_id == bindparam("child")).values(values)


# Built once each: building one was a third of dating a stage.
_DATING = {event_type: _dating_statement(event_type) for event_type in REFERRAL_STAGES}


def _registered(uow: UnitOfWork, payload: dict[str, Any], at: datetime) -> None:
    row = _row(uow, payload["child_id"])
    _moved(uow, payload["child_id"])
    when = payload.get("registered_at")
    row.registered = datetime.fromisoformat(when) if when else at


def _moved(uow: UnitOfWork, child_id: str) -> None:
    """Place the child where the child's record says now (it takes changes in any order)."""
    child = get_unflushed(uow.session, ChildRecord, child_id)
    if child is not None and child.district_code:
        _place(_row(uow, child_id), child.district_code)


def _merged(uow: UnitOfWork, gone_id: str, into: str) -> None:
    """Count two registrations of one child once: the earliest time of each stage lives on."""
    gone = get_unflushed(uow.session, ReportChild, gone_id)
    if gone is None:
        return
    row = _row(uow, into)
    for stage in STAGES:
        if getattr(gone, stage) is not None:
            _first(row, stage, getattr(gone, stage))
    if gone.waitlisted is not None and row.left_waitlist is not None and gone.left_waitlist is None:
        row.left_waitlist = None
    uow.session.delete(gone)


def _assessed(uow: UnitOfWork, payload: dict[str, Any], at: datetime) -> None:
    row = _row(uow, payload["child_id"])
    when = payload.get("completed_at")
    moment = datetime.fromisoformat(when) if when else at
    _first(row, "assessed", moment)
    if payload.get("functional_difficulty"):
        _first(row, "with_difficulty", moment)


def _waitlisted(row: ReportChild, at: datetime) -> None:
    if row.waitlisted is None or row.left_waitlist is not None:
        row.waitlisted, row.left_waitlist = at, None


def _first(row: ReportChild, stage: str, at: datetime) -> None:
    current = getattr(row, stage)
    if current is None or at < current:
        setattr(row, stage, at)


def _place(row: ReportChild, district: str | None) -> None:
    if district:
        row.district_code, row.region_code = district, region_of(district)


def _row(uow: UnitOfWork, child_id: str) -> ReportChild:
    row = get_unflushed(uow.session, ReportChild, child_id)
    if row is None:
        child = get_unflushed(uow.session, ChildRecord, child_id)
        row = ReportChild(child_id=child_id)
        _place(row, child.district_code if child is not None else None)
        uow.session.add(row)
    return row
