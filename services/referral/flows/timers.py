"""Deadline timers: remind a provider once before the end, expire what nobody answered.

Each referral is handled in its own transaction under a row lock that other workers skip, so
several workers can run these timers at once without doing anything twice.
"""

from __future__ import annotations

from sqlalchemy import select

from services.referral import payloads
from services.referral.domain.states import Status
from services.referral.flows import referrals as loop
from services.referral.models import Referral
from shared.db import lock_for_update
from shared.runtime import Runtime, UnitOfWork

BATCH = 50


def expire_due(runtime: Runtime) -> int:
    """Expire up to a batch of referrals past their respond-by time; return how many."""
    return _each_due(runtime, _expire_one)


def remind_due(runtime: Runtime) -> int:
    """Remind providers whose answer is due soon, once per referral; return how many."""
    return _each_due(runtime, _remind_one)


def _each_due(runtime: Runtime, step) -> int:
    done = 0
    while done < BATCH:
        with runtime.unit_of_work() as uow:
            if not step(uow):
                break
        done += 1
    return done


def _expire_one(uow: UnitOfWork) -> bool:
    query = (
        select(Referral)
        .where(Referral.status == Status.SENT.value, Referral.respond_by <= uow.now)
        .order_by(Referral.respond_by, Referral.id)
        .limit(1)
    )
    referral = uow.session.execute(lock_for_update(query, uow.session)).scalar_one_or_none()
    if referral is None:
        return False
    loop.expire(uow, referral)
    return True


def _remind_one(uow: UnitOfWork) -> bool:
    query = (
        select(Referral)
        .where(
            Referral.status == Status.SENT.value,
            Referral.reminded_at.is_(None),
            Referral.remind_at <= uow.now,
            Referral.respond_by > uow.now,
        )
        .order_by(Referral.remind_at, Referral.id)
        .limit(1)
    )
    referral = uow.session.execute(lock_for_update(query, uow.session)).scalar_one_or_none()
    if referral is None:
        return False
    referral.reminded_at = uow.now
    provider = loop.provider_of(uow, referral)
    uow.emit(
        "referral.reminder",
        payloads.reminder(referral, provider),
        correlation_id=referral.child_id,
    )
    return True
