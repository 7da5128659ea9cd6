"""The sender loop: release held SMS, claim due ones, call the gateway, record the outcome."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from sqlalchemy import func, or_, select

from services.notifications import queries as records
from services.notifications.domain import reconsider, retry
from services.notifications.domain import status as st
from services.notifications.domain.planning import CONFIRMATIONS, GUARDIAN
from services.notifications.domain.sending_window import cap_reached, hold_until
from services.notifications.gateways import SendResult, StatusResult
from services.notifications.models import DUE_AT, Notification
from services.notifications.settings import SmsSetup, sms_setup
from shared.db import lock_for_update
from shared.localtime import local_day, local_day_bounds
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
    """Move held notifications whose window has passed back to pending, reconsidered first."""
    setup = sms_setup(runtime)
    with runtime.unit_of_work() as uow:
        query = (
            select(Notification)
            .where(Notification.status == st.HELD, Notification.due_at <= uow.now)
            .order_by(Notification.due_at)
            .limit(200)
        )
        rows = uow.session.scalars(lock_for_update(query, uow.session)).all()
        for n in _reconsidered(uow, setup, rows):
            records.move(uow, n, st.PENDING, "released")
            n.due_at = uow.now
        return len(rows)


def _reconsidered(
    uow: UnitOfWork, setup: SmsSetup, rows: Sequence[Notification]
) -> list[Notification]:
    """Cancel held SMS a later step superseded; keep beyond the daily cap the least important."""
    if not rows:
        # Nearly every round of the sender finds nothing held: no question to ask then.
        return []
    rules = held_rules()
    held = [_as_sms(n) for n in rows if n.recipient == GUARDIAN]
    children = {n.child_id for n in rows if n.child_id}
    others = uow.session.scalars(
        select(Notification).where(
            Notification.child_id.in_(children),
            Notification.recipient == GUARDIAN,
            Notification.status != st.CANCELLED,
        )
    )
    gone = reconsider.superseded(held, [_as_sms(o) for o in others], rules)
    for n in rows:
        if n.id in gone:
            records.move(uow, n, st.CANCELLED, f"superseded by a later step ({gone[n.id]})")
    left = [sms for sms in held if sms.id not in gone]
    sent = _sent_today_by_phone(uow, [sms.phone for sms in left if sms.phone])
    sent = {sms.phone: sent.get(sms.phone, 0) for sms in left if sms.phone}
    wait = reconsider.over_cap(left, sent, setup.daily_cap, rules)
    for n in rows:
        if n.id in wait:
            n.due_at = hold_until(uow.now, setup.quiet_hours, setup.daily_cap or 0, setup.daily_cap)
            n.reason, n.updated_at = "daily SMS limit for this phone", uow.now
    return [n for n in rows if n.id not in gone and n.id not in wait]


def _as_sms(n: Notification) -> reconsider.Sms:
    return reconsider.Sms(n.id, n.child_id, n.to, n.template, n.created_at)


@cache
def held_rules() -> reconsider.HeldRules:
    """The supersession and importance rules shipped in data/held_messages.json."""
    return reconsider.load_rules()


def _sent_today(uow: UnitOfWork, phone: str) -> int:
    return _sent_today_by_phone(uow, [phone]).get(phone, 0)


def _sent_today_by_phone(uow: UnitOfWork, phones: Sequence[str]) -> dict[str, int]:
    """SMS sent today (Tajikistan's day) to each of these phones, in one query."""
    if not phones:
        return {}
    start, end = local_day_bounds(local_day(uow.now))
    query = (
        select(Notification.to, func.count(Notification.id))
        .where(
            Notification.to.in_(sorted(set(phones))),
            Notification.sent_at >= start,
            Notification.sent_at < end,
        )
        .group_by(Notification.to)
    )
    return {phone: count for phone, count in uow.session.execute(query)}


@dataclass
class _BatchFacts:
    """What the checks before sending read, for a whole claimed batch at once: which phones
    opted out and how many SMS each phone got today (two queries, not two per SMS)."""

    opted_out: set[str]
    sent_today: dict[str, int]

    @classmethod
    def of(cls, uow: UnitOfWork, rows: Sequence[Notification]) -> _BatchFacts:
        sending = [n for n in rows if n.to and n.step == "send" and n.template not in CONFIRMATIONS]
        guardians = sorted({str(n.to) for n in sending if n.recipient == GUARDIAN})
        return cls(
            records.opted_out_among(uow, {str(n.to) for n in sending}),
            _sent_today_by_phone(uow, guardians),
        )


def _held_or_cancelled(
    uow: UnitOfWork,
    setup: SmsSetup,
    n: Notification,
    claimed_for_phone: int = 0,
    facts: _BatchFacts | None = None,
) -> bool:
    """Apply opt-out, quiet hours and the daily cap just before sending.

    `claimed_for_phone` counts SMS to the same phone claimed earlier in the same batch: not
    sent yet, but they will be before this one, so they count towards the daily cap.
    """
    if n.to is None:
        return records.move(uow, n, st.CANCELLED, "the phone was erased")
    if n.template in CONFIRMATIONS:
        return False
    opted_out = n.to in facts.opted_out if facts else records.is_opted_out(uow, n.to)
    if opted_out:
        return records.move(uow, n, st.CANCELLED, "the phone opted out of SMS")
    if n.recipient != GUARDIAN:
        return False
    sent = facts.sent_today.get(n.to, 0) if facts else _sent_today(uow, n.to)
    sent_today = sent + claimed_for_phone
    until = hold_until(uow.now, setup.quiet_hours, sent_today, setup.daily_cap)
    if until is None:
        return False
    capped = cap_reached(sent_today, setup.daily_cap)
    records.move(uow, n, st.HELD, "daily SMS limit for this phone" if capped else "quiet hours")
    n.due_at = until
    return True


def _claim_many(runtime: Runtime, setup: SmsSetup, limit: int) -> tuple[list[Job], int]:
    """Claim up to `limit` due notifications for a while, so no other sender takes them.

    Returns the jobs to hand to the gateway, and how many due rows were held or cancelled
    instead. One transaction for the whole batch: a backlog drains without a commit per SMS.
    """
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
            .limit(limit)
        )
        rows = uow.session.scalars(lock_for_update(query, uow.session)).all()
        # The checks below read only what other transactions committed (opt-outs, SMS sent
        # today): the claims are written together at commit, not flushed row by row.
        with uow.session.no_autoflush:
            return _claim_rows(uow, setup, rows)


def _claim_rows(
    uow: UnitOfWork, setup: SmsSetup, rows: Sequence[Notification]
) -> tuple[list[Job], int]:
    jobs: list[Job] = []
    skipped = 0
    claimed: Counter[str] = Counter()
    facts = _BatchFacts.of(uow, rows)
    for n in rows:
        if n.step == "send" and _held_or_cancelled(uow, setup, n, claimed[n.to or ""], facts):
            skipped += 1
            continue
        step = n.step
        if step == "send":
            n.attempts += 1
            claimed[n.to or ""] += 1
        else:
            n.status_queries += 1
        n.claimed_until = uow.now + timedelta(seconds=setup.claim_seconds)
        # From here a crash leaves an unclear outcome: whoever claims next asks the gateway
        # first.
        n.step = "resolve"
        jobs.append(Job(n.id, n.to, n.text, n.encoding, step, n.attempts, n.status_queries))
    return jobs, skipped


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
        result.status, job.attempts, job.queries, uow.now, setup.policy, setup.rand, result.detail
    )


def _record_many(
    runtime: Runtime, setup: SmsSetup, outcomes: list[tuple[Job, SendResult | StatusResult]]
) -> None:
    """Store what the gateway said and move each notification on, in one transaction."""
    if not outcomes:
        return
    with runtime.unit_of_work() as uow:
        ids = sorted(job.id for job, _ in outcomes)
        # Waits for, never skips, a row someone else is changing (a delivery receipt, say).
        query = (
            select(Notification)
            .where(Notification.id.in_(ids))
            .order_by(Notification.id)
            .with_for_update()
        )
        found = {n.id: n for n in uow.session.scalars(query)}
        for job, result in outcomes:
            n = found.get(job.id)
            if n is not None:
                _apply(setup, job, result, uow, n)


def _apply(
    setup: SmsSetup,
    job: Job,
    result: SendResult | StatusResult,
    uow: UnitOfWork,
    n: Notification,
) -> None:
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
    """Claim a batch of due notifications, call the gateway for each, record the outcomes.

    Returns how many due notifications were handled (sent, asked about, held or cancelled).
    Calls stop when half the claim has gone by (a slow gateway): the rest stay claimed with an
    unclear outcome, so whoever claims them next asks the gateway before sending again.
    """
    setup = sms_setup(runtime)
    jobs, skipped = _claim_many(runtime, setup, setup.batch)
    deadline = time.monotonic() + setup.claim_seconds / 2
    outcomes: list[tuple[Job, SendResult | StatusResult]] = []
    try:
        for job in jobs:
            if time.monotonic() > deadline:
                log.warning(
                    "gateway too slow: leaving claimed SMS for the next round",
                    extra={"fields": {"left": len(jobs) - len(outcomes)}},
                )
                break
            outcomes.append((job, _call(setup, job)))
    finally:
        # Also when stopped half-way: what the gateway already said is kept.
        _record_many(runtime, setup, outcomes)
    return len(jobs) + skipped


def run_sender(runtime: Runtime) -> int:
    """One round of the sender timer: release, then send."""
    return release_held(runtime) + send_due(runtime)


TIMERS: list[Timer] = [Timer(records.SENDER, 0.2, run_sender)]
