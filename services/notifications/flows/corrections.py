"""Following intake's corrections and merges of a child (contract 1.1 §7)."""

from __future__ import annotations

from sqlalchemy import select, update

from services.notifications import queries
from services.notifications.models import ORDERING, Contact, InboundMessage, Notification
from shared.db import get_unflushed
from shared.events import Event
from shared.runtime import UnitOfWork

# SMS that went or may still go out: a second one of the same kind would repeat it.
_NOT_REPEATED = ("cancelled", "failed")


def child_corrected(uow: UnitOfWork, event: Event) -> None:
    """Keep the child's district (the only corrected fact this service uses) and its SMS'."""
    child_id = event.payload["child_id"]
    ORDERING.lock(uow.session, child_id)
    row = get_unflushed(uow.session, Contact, child_id)
    if row is None:
        # Not registered here yet: kept, and applied when the registration arrives.
        ORDERING.park(uow.session, event, child_id)
        return
    parts = {"child": event.payload["changes"]}
    district = (
        ORDERING.newer_parts(uow.session, child_id, parts, event)
        .get("child", {})
        .get("district_code")
    )
    if not district or row.erased_at is not None:
        return
    row.district_code, row.updated_at = district, uow.now
    uow.session.execute(
        update(Notification)
        .where(Notification.child_id == row.child_id)
        .values(district_code=district)
    )


def child_merged(uow: UnitOfWork, event: Event) -> None:
    """File the merged child's SMS under the surviving child; never send the family one twice."""
    gone_id, into = event.payload["child_id"], event.payload["into"]
    already = set(
        uow.session.scalars(
            select(Notification.template).where(
                Notification.child_id == into,
                Notification.recipient == "guardian",
                Notification.status.not_in(_NOT_REPEATED),
            )
        )
    )
    waiting = queries.open_notifications(uow, child_id=gone_id, recipient="guardian")
    repeats = [n for n in waiting if n.template in already]
    queries.cancel(uow, repeats, "the same message already went to this family (records merged)")
    survivor = get_unflushed(uow.session, Contact, into)
    district = survivor.district_code if survivor else None
    uow.session.execute(
        update(Notification)
        .where(Notification.child_id == gone_id)
        .values(child_id=into, **({"district_code": district} if district else {}))
    )
    uow.session.execute(
        update(InboundMessage).where(InboundMessage.child_id == gone_id).values(child_id=into)
    )
    gone = get_unflushed(uow.session, Contact, gone_id)
    if gone is not None:
        # Whatever still comes about the merged id must not text the family a second time.
        gone.sms_consent, gone.updated_at = False, uow.now
