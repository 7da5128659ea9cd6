"""The sender loop: release held SMS, claim due ones, call the gateway, record the outcome."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, or_, select

from services.notifications import records
from services.notifications.config import SmsSetup, sms_setup
from services.notifications.domain import retry
from services.notifications.domain import status as st
from services.notifications.domain.localtime import local_day, local_day_bounds
from services.notifications.domain.planning import CONFIRMATIONS, GUARDIAN
from services.notifications.domain.sending_window import cap_reached, hold_until
from services.notifications.gateways import SendResult, StatusResult
from services.notifications.models import DUE_AT, Notification
from shared.db import lock_for_update
from shared.runtime import Runtime, UnitOfWork
from shared.worker import Timer

log = logging.getLogger(__name__)
SKIPPED = "skipped"


@dataclass(frozen=True)
class Job:
    """A claimed notification: what to hand to the gateway, outside any transaction."""

    id: str
    to: str | None
    text: str | None
    encoding: str
    step: str
    attempts: int
    queries: int


def release_held(runtime: Runtime) -> int:
    """Move held notifications whose window has passed back to pending."""
    with runtime.unit_of_work() as uow:
        query = (
            select(Notification)
            .where(Notification.status == st.HELD, Notification.due_at <= uow.now)
            .order_by(Notification.due_at)
            .limit(200)
        )
        rows = uow.session.scalars(lock_for_update(query, uow.session)).all()
        for n in rows:
            records.move(uow, n, st.PENDING, "released")
            n.due_at = uow.now
        return len(rows)


def _sent_today(uow: UnitOfWork, phone: str) -> int:
    start, end = local_day_bounds(local_day(uow.now))
    query = select(func.count(Notification.id)).where(
        Notification.to == phone, Notification.sent_at >= start, Notification.sent_at < end
    )
    return uow.session.execute(query).scalar_one()


def _held_or_cancelled(uow: UnitOfWork, setup: SmsSetup, n: Notification) -> bool:
    """Apply opt-out, quiet hours and the daily cap just before sending."""
    if n.to is None:
        return records.move(uow, n, st.CANCELLED, "the phone was erased")
    if n.template in CONFIRMATIONS:
        return False
    if records.is_opted_out(uow, n.to):
        return records.move(uow, n, st.CANCELLED, "the phone opted out of SMS")
    if n.recipient != GUARDIAN:
        return False
    sent_today = _sent_today(uow, n.to)
    until = hold_until(uow.now, setup.quiet_hours, sent_today, setup.daily_cap)
    if until is None:
        return False
    capped = cap_reached(sent_today, setup.daily_cap)
    records.move(uow, n, st.HELD, "daily SMS limit for this phone" if capped else "quiet hours")
    n.due_at = until
    return True


def _claim(runtime: Runtime, setup: SmsSetup) -> Job | str | None:
    """Claim the next due notification for a while, so no other sender takes it."""
    with runtime.unit_of_work() as uow:
        now = uow.now
        query = (
            select(Notification)
            .where(
                Notification.status == st.PENDING,
                now >= DUE_AT,
                or_(Notification.claimed_until.is_(None), Notification.claimed_until <= now),
            )
            .order_by(DUE_AT, Notification.created_at)
            .limit(1)
        )
        n = uow.session.scalars(lock_for_update(query, uow.session)).first()
        if n is None:
            return None
        if n.step == "send" and _held_or_cancelled(uow, setup, n):
            return SKIPPED
        step = n.step
        if step == "send":
            n.attempts += 1
        else:
            n.status_queries += 1
        n.claimed_until = now + timedelta(seconds=setup.claim_seconds)
        # From here a crash leaves an unclear outcome: whoever claims next asks the gateway first.
        n.step = "resolve"
        return Job(n.id, n.to, n.text, n.encoding, step, n.attempts, n.status_queries)


def _call(setup: SmsSetup, job: Job) -> SendResult | StatusResult:
    """Send, or ask about an earlier send; an unexpected error counts as an unclear outcome."""
    try:
        if job.step == "send":
            return setup.gateway.send(job.id, str(job.to), str(job.text), job.encoding)
        return setup.gateway.query_status(job.id)
    except Exception as exc:  # a gateway adapter bug must not stop the loop
        log.exception("gateway call failed", extra={"fields": {"notification_id": job.id}})
        if job.step == "send":
            return SendResult(retry.UNKNOWN, detail=type(exc).__name__)
        return StatusResult(retry.QUERY_UNKNOWN, detail=type(exc).__name__)


def _decide(setup: SmsSetup, job: Job, result: SendResult | StatusResult, uow: UnitOfWork):
    if isinstance(result, SendResult):
        return retry.decide(
            result.outcome, job.attempts, uow.now, setup.policy, setup.rand, result.detail
        )
    return retry.decide_after_query(
        result.status, job.attempts, job.queries, uow.now, setup.policy, setup.rand
    )


def _record(runtime: Runtime, setup: SmsSetup, job: Job, result: SendResult | StatusResult) -> None:
    """Store what the gateway said and move the notification on."""
    with runtime.unit_of_work() as uow:
        n = uow.session.get(Notification, job.id, with_for_update=True)
        if n is None:
            return
        n.claimed_until = None
        n.gateway_message_id = n.gateway_message_id or result.gateway_message_id
        decision = _decide(setup, job, result, uow)
        if decision.action == retry.MARK_SENT:
            records.move(uow, n, st.SENT)
        elif decision.action == retry.MARK_DELIVERED:
            records.move(uow, n, st.DELIVERED)
        elif decision.action == retry.FAIL:
            records.move(uow, n, st.FAILED, decision.reason)
        elif n.status == st.PENDING:
            n.step = "send" if decision.action == retry.RETRY else "resolve"
            n.due_at = decision.at
            n.last_error = (decision.reason or "")[:300] or None
        n.updated_at = uow.now


def send_due(runtime: Runtime) -> int:
    """Work through due notifications, one gateway call at a time; return how many were handled."""
    setup = sms_setup(runtime)
    handled = 0
    for _ in range(setup.batch):
        job = _claim(runtime, setup)
        if job is None:
            break
        handled += 1
        if isinstance(job, Job):
            _record(runtime, setup, job, _call(setup, job))
    return handled


def run_sender(runtime: Runtime) -> int:
    """One round of the sender timer: release, then send."""
    return release_held(runtime) + send_due(runtime)


TIMERS: list[Timer] = [Timer("sms-sender", 0.2, run_sender)]
