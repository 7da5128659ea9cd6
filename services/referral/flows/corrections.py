"""Following intake's corrections and merges of a child (contract 1.1 §7)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from services.referral.domain.states import OPEN_STATES, is_open
from services.referral.flows import referrals as loop
from services.referral.flows.children import child_row
from services.referral.models import ORDERING, ChildRecord, Need, Referral, WaitlistEntry
from services.referral.settings import region_of
from shared.db import get_unflushed
from shared.events import Event
from shared.runtime import UnitOfWork

MERGED = "merged"
# Which of two records of one need, referral or queue place goes on: the one further along.
_NEED_RANK = {"placed": 4, "referred": 3, "waitlisted": 2, "open": 1, "closed": 0}
_REFERRAL_RANK = {"in_progress": 3, "accepted": 2, "sent": 1}


def corrected(uow: UnitOfWork, event: Event) -> None:
    """Take a corrected birth date or district; open referrals and queue places follow.

    Like an update, a correction of a child not registered here yet is parked until the
    registration, and each field is taken only from an event newer than what set it.
    """
    child_id = event.payload["child_id"]
    ORDERING.lock(uow.session, child_id)
    child = get_unflushed(uow.session, ChildRecord, child_id)
    if child is None or (child.registered_at is None and child.erased_at is None):
        ORDERING.park(uow.session, event, child_id)
        return
    if child.erased_at is not None:
        return
    parts = {"child": event.payload["changes"]}
    changes = ORDERING.newer_parts(uow.session, child_id, parts, event).get("child", {})
    if "date_of_birth" in changes:
        child.date_of_birth = date.fromisoformat(changes["date_of_birth"])
    if "district_code" in changes:
        child.district_code = changes["district_code"]
        child.region_code = region_of(child.district_code)
        _follow_district(uow, child)
    child.updated_at = uow.now


def _follow_district(uow: UnitOfWork, child: ChildRecord) -> None:
    """The district's case manager now sees the child's open referrals; queues use its region."""
    for referral in _open_referrals(uow, child.id):
        referral.district_code, referral.region_code = child.district_code, child.region_code
        referral.updated_at = uow.now
    for entry in _waiting(uow, child.id):
        entry.district_code, entry.region_code = child.district_code, child.region_code


def merged(uow: UnitOfWork, payload: dict[str, Any]) -> None:
    """Give the merged child's needs, referrals and queue places to the surviving child."""
    gone, into = child_row(uow, payload["child_id"]), child_row(uow, payload["into"])
    # The merged record takes no new referral: it lives on only as a pointer.
    gone.data_sharing, gone.updated_at = False, uow.now
    if gone.first_assessed_at and (
        into.first_assessed_at is None or gone.first_assessed_at < into.first_assessed_at
    ):
        into.first_assessed_at = gone.first_assessed_at
    _merge_referrals(uow, gone.id, into)
    _merge_waiting(uow, gone.id, into)
    _merge_needs(uow, gone.id, into.id)


def _merge_referrals(uow: UnitOfWork, gone_id: str, into: ChildRecord) -> None:
    mine = {r.service_type: r for r in _open_referrals(uow, into.id)}
    for referral in _open_referrals(uow, gone_id):
        other = mine.get(referral.service_type)
        if other is not None:
            # One place per service: cancel the duplicate that is less far along.
            weaker = min((other, referral), key=lambda r: _REFERRAL_RANK[r.status])
            loop.cancel(uow, weaker, MERGED)
    uow.session.flush()
    query = select(Referral).where(Referral.child_id == gone_id)
    for referral in uow.session.execute(query).scalars():
        referral.child_id = into.id
        if is_open(referral.status):
            referral.district_code = into.district_code or referral.district_code
            referral.region_code = into.region_code or referral.region_code
        referral.updated_at = uow.now


def _merge_waiting(uow: UnitOfWork, gone_id: str, into: ChildRecord) -> None:
    mine = {e.service_type: e for e in _waiting(uow, into.id)}
    for entry in _waiting(uow, gone_id):
        other = mine.get(entry.service_type)
        if other is not None:
            # The child keeps the earlier of its two places in the queue.
            later = max((other, entry), key=lambda e: e.waiting_since)
            later.status, later.left_at, later.left_reason = "removed", uow.now, MERGED
    uow.session.flush()
    query = select(WaitlistEntry).where(WaitlistEntry.child_id == gone_id)
    for entry in uow.session.execute(query).scalars():
        entry.child_id = into.id
        if entry.status == "waiting":
            entry.district_code = into.district_code or entry.district_code
            entry.region_code = into.region_code or entry.region_code
    # A child referred (under either record) for a service no longer waits for it.
    referred = {r.service_type for r in _open_referrals(uow, into.id)}
    for entry in _waiting(uow, into.id):
        if entry.service_type in referred:
            entry.status, entry.left_at, entry.left_reason = "removed", uow.now, MERGED


def _merge_needs(uow: UnitOfWork, gone_id: str, into_id: str) -> None:
    mine = {n.service_type: n for n in _needs(uow, into_id)}
    for need in _needs(uow, gone_id):
        other = mine.get(need.service_type)
        if other is not None and _NEED_RANK[other.status] >= _NEED_RANK[need.status]:
            uow.session.delete(need)
            continue
        if other is not None:
            uow.session.delete(other)
            uow.session.flush()
        need.child_id, need.updated_at = into_id, uow.now


def _open_referrals(uow: UnitOfWork, child_id: str) -> list[Referral]:
    query = select(Referral).where(
        Referral.child_id == child_id, Referral.status.in_([s.value for s in OPEN_STATES])
    )
    return list(uow.session.execute(query.order_by(Referral.id)).scalars())


def _waiting(uow: UnitOfWork, child_id: str) -> list[WaitlistEntry]:
    query = select(WaitlistEntry).where(
        WaitlistEntry.child_id == child_id, WaitlistEntry.status == "waiting"
    )
    return list(uow.session.execute(query).scalars())


def _needs(uow: UnitOfWork, child_id: str) -> list[Need]:
    return list(uow.session.execute(select(Need).where(Need.child_id == child_id)).scalars())
