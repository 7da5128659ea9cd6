"""Putting a child somewhere: a referral to a provider, or a place in the waiting list."""

from __future__ import annotations

import uuid
from dataclasses import replace
from functools import cache

from sqlalchemy import Insert, inspect, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached

from services.referral import payloads
from services.referral import queries as repo
from services.referral.domain.states import Status
from services.referral.domain.waitlist import choose_for_provider, position_of
from services.referral.models import ChildRecord, Need, Provider, Referral, WaitlistEntry
from services.referral.settings import deadline_policy, local_today
from shared.db import first_unflushed, held, lock_for_update, write_deferred
from shared.runtime import UnitOfWork

SYSTEM = "system"


def need_for(uow: UnitOfWork, child_id: str, service_type: str) -> Need:
    """Return the child's need for a service type, opening one when there is none."""
    need = first_unflushed(uow.session, Need, child_id=child_id, service_type=service_type)
    for _attempt in range(3):
        if need is not None:
            return need
        need = _open_need(uow, child_id, service_type)
        if need is None:  # another transaction opened it first, and has committed it
            need = first_unflushed(uow.session, Need, child_id=child_id, service_type=service_type)
    raise RuntimeError(f"the need of {child_id} for {service_type} neither opens nor is found")


def _open_need(uow: UnitOfWork, child_id: str, service_type: str) -> Need | None:
    """Write a new need at once, or None when another transaction has written it first.

    Written at once, the need's unique index entry is taken now: a referral the API sends for
    the child at the same moment waits for this transaction and reuses the need. Outside a
    savepoint (a consumer's batch), a need another transaction is writing is waited for and
    then found, where the duplicate used to fail the whole batch. Inside one (a referral), the
    need is added the ORM way, so that rolling the savepoint back takes it with it; a need
    written first elsewhere fails the savepoint, and its caller tries again.
    """
    session = uow.session
    values = {
        "id": str(uuid.uuid4()),
        "child_id": child_id,
        "service_type": service_type,
        "priority": "routine",
        "status": "open",
        "opened_at": uow.now,
        "updated_at": uow.now,
    }
    if session.get_nested_transaction() is not None:
        need = Need(**values)
        session.add(need)
        session.flush()
        return need
    if _unwritten_before_need(session, child_id):
        session.flush()
    connection = session.connection()
    written = connection.execute(_new_need_statement(connection.dialect.name), values)
    if written.rowcount != 1:
        return None
    need = Need(**values)
    make_transient_to_detached(need)  # the row is written: the session holds it as read
    session.add(need)
    return need


def _unwritten_before_need(session: Session, child_id: str) -> bool:
    """Whether the new need's row must wait for rows this transaction has not written yet.

    Its child's row, when this transaction has just added the child (the need refers to it),
    and any need this transaction added the ORM way, deleted, or moved to another child or
    service (a merge): the unique index must see the needs as they are now. Nothing else: a
    batch's other changes, such as its children's first assessment dates or the priorities of
    needs it refreshed, are written together at commit, not flushed once for every need.
    """
    child = held(session, ChildRecord, child_id)
    if child is not None and inspect(child).pending:
        return True
    if any(isinstance(row, Need) for row in (*session.new, *session.deleted)):
        return True
    return any(isinstance(row, Need) and _moved(row) for row in session.dirty)


def _moved(need: Need) -> bool:
    state = inspect(need).attrs
    return state.child_id.history.has_changes() or state.service_type.history.has_changes()


@cache
def _new_need_statement(dialect: str) -> Insert:
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    return insert(Need.__table__).on_conflict_do_nothing(
        index_elements=[Need.__table__.c.child_id, Need.__table__.c.service_type]
    )


def send_referral(
    uow: UnitOfWork,
    child: ChildRecord,
    provider: Provider,
    service_type: str,
    created_by: str,
    automatic: bool = False,
) -> Referral:
    """Create a referral `sent` with its deadline, move the need along, emit referral.sent."""
    need = need_for(uow, child.id, service_type)
    referral = _new_referral(uow, child, provider.id, service_type, need.priority)
    referral.automatic, referral.created_by = automatic, created_by
    entry = repo.waiting_entry(uow.session, child.id, service_type)
    if entry is not None:
        _leave_queue(uow, entry, "referred")
        referral.waitlist_entry_id = entry.id
    uow.session.add(referral)
    uow.session.flush()
    _set_need(uow, need, "referred")
    uow.emit("referral.sent", payloads.sent(referral, provider), correlation_id=child.id)
    return referral


def _new_referral(
    uow: UnitOfWork, child: ChildRecord, provider_id: str, service_type: str, priority: str
) -> Referral:
    policy = deadline_policy(uow.runtime)
    respond_by = policy.respond_by(uow.now)
    return Referral(
        id=str(uuid.uuid4()),
        child_id=child.id,
        provider_id=provider_id,
        service_type=service_type,
        status=Status.SENT.value,
        priority=priority,
        district_code=child.district_code,
        region_code=child.region_code,
        sent_at=uow.now,
        respond_by=respond_by,
        remind_at=policy.reminder_at(uow.now, respond_by),
        updated_at=uow.now,
    )


def put_on_waitlist(uow: UnitOfWork, child: ChildRecord, service_type: str, by: str) -> tuple:
    """Add the child to the queue of its region and emit referral.waitlisted with the position."""
    need = need_for(uow, child.id, service_type)
    entry = WaitlistEntry(
        id=str(uuid.uuid4()),
        child_id=child.id,
        service_type=service_type,
        region_code=child.region_code,
        district_code=child.district_code,
        priority=need.priority,
        waiting_since=uow.now,
        status="waiting",
        created_by=by,
    )
    uow.session.add(entry)
    uow.session.flush()
    _set_need(uow, need, "waitlisted")
    position = queue_position(uow.session, entry)
    uow.emit("referral.waitlisted", payloads.waitlisted(entry, position), correlation_id=child.id)
    return entry, position


def queue_position(session: Session, entry: WaitlistEntry) -> int:
    """Return an entry's position in its (service type, region) queue."""
    pairs = repo.waiting_with_children(session, [entry.service_type])
    queue = [repo.to_waiting(e, c) for e, c in pairs if e.region_code == entry.region_code]
    return position_of(entry.id, queue)


def offer_places(uow: UnitOfWork, provider_id: str) -> list[Referral]:
    """Refer the best-placed waiting children into a provider's free, unoffered places."""
    provider = repo.lock_provider(uow.session, provider_id)
    if provider is None or not provider.active:
        return []
    taken = repo.places_taken(uow.session, [provider.id]).get(provider.id, 0)
    # Places already offered to someone count as taken until that offer is answered.
    reserved = taken + repo.pending_offers(uow.session, provider.id)
    refused = repo.refused_by(uow.session, provider.id)
    pool = [
        repo.to_waiting(entry, child)
        for entry, child in repo.waiting_with_children(uow.session, provider.service_types)
        if (entry.child_id, entry.service_type) not in refused and child.data_sharing
    ]
    made: list[Referral] = []
    today = local_today(uow.now)
    while pool:
        view = replace(repo.to_provider(provider), places_taken=reserved + len(made))
        chosen = choose_for_provider(pool, view, today)
        if chosen is None:
            break
        pool = [w for w in pool if w.child_id != chosen.child_id]
        referral = _refer_waiting(uow, chosen.entry_id, provider)
        if referral is not None:
            made.append(referral)
    return made


def _refer_waiting(uow: UnitOfWork, entry_id: str, provider: Provider) -> Referral | None:
    query = select(WaitlistEntry).where(
        WaitlistEntry.id == entry_id, WaitlistEntry.status == "waiting"
    )
    # Another worker offering a place at the same moment holds this row: let it have the child.
    entry = uow.session.execute(lock_for_update(query, uow.session)).scalar_one_or_none()
    if entry is None or repo.open_referral(uow.session, entry.child_id, entry.service_type):
        return None
    child = uow.session.get(ChildRecord, entry.child_id)
    # What the batch has put off is written now, outside the try: its failure is not another
    # worker taking the child.
    write_deferred(uow.session)
    try:
        with uow.session.begin_nested():
            return send_referral(uow, child, provider, entry.service_type, SYSTEM, automatic=True)
    except IntegrityError:
        return None


def back_to_matching(uow: UnitOfWork, referral: Referral) -> None:
    """After a decline or expiry: a child from the queue waits again, else its need reopens."""
    need = need_for(uow, referral.child_id, referral.service_type)
    entry_id = referral.waitlist_entry_id
    entry = uow.session.get(WaitlistEntry, entry_id) if entry_id else None
    still_free = repo.waiting_entry(uow.session, referral.child_id, referral.service_type) is None
    if entry is not None and entry.status == "referred" and still_free:
        # The child keeps the place in the queue it had earned.
        entry.status, entry.left_at, entry.left_reason = "waiting", None, None
        _set_need(uow, need, "waitlisted")
        return
    _set_need(uow, need, "open")


def set_need_status(uow: UnitOfWork, referral: Referral, status: str) -> None:
    """Move the need behind a referral to `status` (placed, closed, open)."""
    _set_need(uow, need_for(uow, referral.child_id, referral.service_type), status)


def _set_need(uow: UnitOfWork, need: Need, status: str) -> None:
    need.status = status
    need.updated_at = uow.now


def _leave_queue(uow: UnitOfWork, entry: WaitlistEntry, reason: str) -> None:
    entry.status = "referred" if reason == "referred" else "removed"
    entry.left_at = uow.now
    entry.left_reason = reason
