"""The closed loop: accept, decline, start, complete, cancel and expire one referral."""

from __future__ import annotations

from datetime import date

from services.referral import payloads
from services.referral import queries as repo
from services.referral.domain.states import (
    Action,
    DeclineReason,
    check_decline,
    next_status,
    too_early,
)
from services.referral.flows.placing import back_to_matching, offer_places, set_need_status
from services.referral.models import Provider, Referral
from services.referral.settings import local_today
from shared.codes import CANCEL_REASONS, COMPLETION_OUTCOMES, code_of
from shared.refusals import Refused
from shared.runtime import UnitOfWork

CONSENT_WITHDRAWN = "consent_withdrawn"


def accept(uow: UnitOfWork, referral: Referral, start_date: date) -> Referral:
    """Take one of the provider's places for the child, if one is free."""
    status = next_status(referral.status, Action.ACCEPT)
    if start_date < local_today(referral.sent_at):
        raise Refused(
            422, "invalid_start_date", "the start date is before the referral was sent",
            fields={"start_date": ["Must not be before the day the referral was sent."]},
        )  # fmt: skip
    provider = repo.lock_provider(uow.session, referral.provider_id)
    assert provider is not None
    taken = repo.places_taken(uow.session, [provider.id]).get(provider.id, 0)
    if taken >= provider.places:
        raise Refused(
            409, "no_free_place", f"all {provider.places} places are taken",
            places=provider.places, places_taken=taken,
        )  # fmt: skip
    _move(uow, referral, status, answered_at=uow.now, accepted_at=uow.now, start_date=start_date)
    set_need_status(uow, referral, "placed")
    uow.emit(
        "referral.accepted", payloads.accepted(referral, provider), correlation_id=referral.child_id
    )
    return referral


def decline(uow: UnitOfWork, referral: Referral, reason: str, note: str | None) -> Referral:
    """Record the provider's coded refusal and send the need back for another match."""
    status = next_status(referral.status, Action.DECLINE)
    code = check_decline(reason, note)
    _move(
        uow, referral, status, answered_at=uow.now, decline_reason=code.value,
        decline_note=(note or "").strip() or None,
    )  # fmt: skip
    back_to_matching(uow, referral)
    uow.emit("referral.declined", payloads.declined(referral), correlation_id=referral.child_id)
    # A provider that says it is full gets no further offer until its places change.
    if code is not DeclineReason.NO_CAPACITY:
        offer_places(uow, referral.provider_id)
    return referral


def expire(uow: UnitOfWork, referral: Referral) -> Referral:
    """Close a referral nobody answered in time and send the need back for another match."""
    status = next_status(referral.status, Action.EXPIRE)
    _move(uow, referral, status, expired_at=uow.now)
    back_to_matching(uow, referral)
    uow.emit("referral.expired", payloads.expired(referral), correlation_id=referral.child_id)
    offer_places(uow, referral.provider_id)
    return referral


def start(uow: UnitOfWork, referral: Referral) -> Referral:
    """Mark that the child began receiving the service, on or after the accepted start date."""
    status = next_status(referral.status, Action.START)
    if too_early(referral.start_date, local_today(uow.now)):
        raise Refused(
            409, "before_start_date",
            f"the service cannot start before its accepted start date, {referral.start_date}",
            start_date=referral.start_date.isoformat(),
        )  # fmt: skip
    _move(uow, referral, status, started_at=uow.now)
    uow.emit("referral.started", payloads.started(referral), correlation_id=referral.child_id)
    return referral


def complete(uow: UnitOfWork, referral: Referral, outcome: str) -> Referral:
    """End the service with its outcome; the freed place goes to the waiting list."""
    status = next_status(referral.status, Action.COMPLETE)
    code, note = code_of(COMPLETION_OUTCOMES, outcome)
    _move(uow, referral, status, completed_at=uow.now, outcome=code, outcome_note=note)
    set_need_status(uow, referral, "closed")
    uow.emit("referral.completed", payloads.completed(referral), correlation_id=referral.child_id)
    offer_places(uow, referral.provider_id)
    return referral


def cancel(uow: UnitOfWork, referral: Referral, reason: str) -> Referral:
    """End an open referral; any place or offer it held goes to the waiting list."""
    status = next_status(referral.status, Action.CANCEL)
    code, note = code_of(CANCEL_REASONS, reason)
    _move(uow, referral, status, cancelled_at=uow.now, cancel_reason=code, cancel_note=note)
    set_need_status(uow, referral, "closed" if code == CONSENT_WITHDRAWN else "open")
    uow.emit("referral.cancelled", payloads.cancelled(referral), correlation_id=referral.child_id)
    offer_places(uow, referral.provider_id)
    return referral


def provider_of(uow: UnitOfWork, referral: Referral) -> Provider:
    """Return the provider a referral is addressed to."""
    provider = uow.session.get(Provider, referral.provider_id)
    assert provider is not None
    return provider


def _move(uow: UnitOfWork, referral: Referral, status: str, **changes: object) -> None:
    referral.status = status
    referral.updated_at = uow.now
    for name, value in changes.items():
        setattr(referral, name, value)
    uow.session.flush()
