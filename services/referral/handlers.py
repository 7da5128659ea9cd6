"""Event type → handler: the subscriptions of this service at a glance."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from services.referral.flows import children, corrections, quality, stages
from services.referral.flows.timers import expire_due, remind_due
from services.referral.models import ORDERING, ChildRecord, ReportChild
from shared.db import read_rows_ahead
from shared.erasure import dead_letter_erasure
from shared.events import Event, parse_time
from shared.handling import Handlers, child_ids
from shared.runtime import UnitOfWork
from shared.worker import Timer


def child_registered(uow: UnitOfWork, event: Event) -> None:
    """Keep the minimum about a newly registered child."""
    children.registered(uow, event)
    stages.record(uow, event)


def child_updated(uow: UnitOfWork, event: Event) -> None:
    """Apply intake's corrections to the child's record."""
    children.updated(uow, event)
    stages.record(uow, event)


def child_consent_withdrawn(uow: UnitOfWork, event: Event) -> None:
    """Erase the child's data and cancel its open referrals."""
    children.consent_withdrawn(uow, event.payload)


def child_corrected(uow: UnitOfWork, event: Event) -> None:
    """Follow a corrected birth date or district: matches, referrals and queues move with it."""
    corrections.corrected(uow, event)
    stages.record(uow, event)


def child_merged(uow: UnitOfWork, event: Event) -> None:
    """Re-point the merged child's needs, referrals and queue places to the surviving child."""
    corrections.merged(uow, event.payload)
    stages.record(uow, event)


def assessment_scheduled(uow: UnitOfWork, event: Event) -> None:
    """Date the child's first scheduled assessment in the report of every stage."""
    stages.record(uow, event)


def assessment_completed(uow: UnitOfWork, event: Event) -> None:
    """Open referral needs for the recommended service types."""
    children.assessed(uow, event.payload, parse_time(event.occurred_at))
    stages.record(uow, event)


def provider_inspected(uow: UnitOfWork, event: Event) -> None:
    """Take accreditation and the last inspection's score from the quality service."""
    quality.inspected(uow, event.payload)


def contract_told(uow: UnitOfWork, event: Event) -> None:
    """Record a signed or changed contract; the provider's places follow it."""
    quality.contract_told(uow, event.payload)


def read_ahead(session: Session, events: Sequence[Event]) -> None:
    """A batch's children, locked, with their versions, parked updates, records and report rows,
    in five statements for the batch (see shared/handling.py)."""
    ORDERING.read_ahead(session, child_ids(events, "child."))
    children_here = child_ids(events)
    read_rows_ahead(session, ChildRecord, children_here)
    read_rows_ahead(session, ReportChild, children_here)


HANDLERS = Handlers(
    {
        "child.registered": child_registered,
        "child.updated": child_updated,
        "child.consent_withdrawn": child_consent_withdrawn,
        "child.corrected": child_corrected,
        "child.merged": child_merged,
        "assessment.scheduled": assessment_scheduled,
        "assessment.completed": assessment_completed,
        "provider.inspected": provider_inspected,
        "contract.signed": contract_told,
        "contract.changed": contract_told,
    },
    read_ahead=read_ahead,
)

TIMERS: list[Timer] = [
    Timer("expire-referrals", 5.0, expire_due),
    Timer("remind-providers", 30.0, remind_due),
    Timer("follow-contracts", 300.0, quality.follow_all_contracts),
    dead_letter_erasure(children.erased_among),
]
