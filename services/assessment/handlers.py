"""Event type → handler: the subscriptions of this service at a glance."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from services.assessment.flows import children, corrections, replies
from services.assessment.models import ORDERING, Child
from shared.db import read_rows_ahead
from shared.erasure import dead_letter_erasure
from shared.events import Event, parse_time
from shared.handling import Handlers, child_ids
from shared.runtime import UnitOfWork
from shared.worker import Timer


def child_registered(uow: UnitOfWork, event: Event) -> None:
    """Keep the child and put a pending assessment on the district's worklist."""
    children.registered(uow, event)


def child_updated(uow: UnitOfWork, event: Event) -> None:
    """Keep the copy current; a new district or urgency moves the open assessments with it."""
    children.updated(uow, event)


def child_consent_withdrawn(uow: UnitOfWork, event: Event) -> None:
    """Erase the child's personal data here and cancel the open assessments."""
    children.consent_withdrawn(uow, event.payload["child_id"])


def child_corrected(uow: UnitOfWork, event: Event) -> None:
    """Take the corrected birth date, sex or district; open assessments move with the child."""
    corrections.child_corrected(uow, event)


def child_merged(uow: UnitOfWork, event: Event) -> None:
    """Give the merged child's assessments to the surviving child; one open assessment stays."""
    corrections.child_merged(uow, event)


def family_replied(uow: UnitOfWork, event: Event) -> None:
    """Flag the child on the worklist: the family wrote and waits for an answer."""
    p = event.payload
    replies.received(uow, p["message_id"], p["child_id"], parse_time(p["received_at"]))


def family_reply_answered(uow: UnitOfWork, event: Event) -> None:
    """Clear the flag of the replies the case manager answered."""
    p = event.payload
    replies.answered(uow, p["child_id"], p["message_ids"], parse_time(event.occurred_at))


def read_ahead(session: Session, events: Sequence[Event]) -> None:
    """A batch's children, locked, with their versions, parked updates and the copy kept here,
    in four statements for the batch (see shared/handling.py)."""
    ORDERING.read_ahead(session, child_ids(events, "child."))
    read_rows_ahead(session, Child, child_ids(events))


HANDLERS = Handlers(
    {
        "child.registered": child_registered,
        "child.updated": child_updated,
        "child.consent_withdrawn": child_consent_withdrawn,
        "child.corrected": child_corrected,
        "child.merged": child_merged,
        "family.replied": family_replied,
        "family.reply_answered": family_reply_answered,
    },
    read_ahead=read_ahead,
)

TIMERS: list[Timer] = [dead_letter_erasure(children.erased_among)]
