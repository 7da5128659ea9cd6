"""The sender against the stand-in gateway: once only, retries, failures, timeouts, windows."""

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, select

from services.notifications.flows import sending
from services.notifications.flows.sending import send_due
from services.notifications.models import StatusChange
from services.notifications.settings import sms_setup
from services.notifications.tests.integration import events as ev
from services.notifications.tests.integration.support import drain, emitted, handle, only, rows

pytestmark = pytest.mark.integration


def registered_sms(service):
    registered = ev.registered()
    handle(service, registered)
    return registered


def test_pending_sms_is_sent_once_and_reported_with_the_phone_masked(service, gateway):
    registered = registered_sms(service)
    drain(service)
    drain(service)
    sms = only(rows(service))
    assert sms.status == "sent" and sms.attempts == 1
    delivered = only(gateway.sent_to(ev.FAMILY_PHONE))
    assert delivered.transaction_id == sms.id and delivered.text == sms.text
    assert delivered.encoding == "UCS-2"
    event = only(emitted(service, "notification.sent"))
    assert event["payload"]["to"] == "+992*****4567"
    assert event["payload"]["event_id"] == registered.id
    assert event["correlation_id"] == registered.payload["child_id"]
    assert ev.FAMILY_PHONE not in str(event)


def test_server_errors_and_overload_are_retried(service, gateway):
    registered_sms(service)
    gateway.fail_next(1, status=500)
    gateway.fail_next(1, status=429)
    drain(service)
    sms = only(rows(service))
    assert (sms.status, sms.attempts) == ("sent", 3)
    assert len(gateway.sent_to(ev.FAMILY_PHONE)) == 1


def test_transient_errors_fail_after_the_last_attempt_with_the_reason(service, gateway):
    registered_sms(service)
    gateway.fail_next(3, status=503)
    drain(service)
    sms = only(rows(service))
    assert (sms.status, sms.attempts) == ("failed", 3)
    assert "3 attempts" in sms.reason and "503" in sms.reason
    failed = only(emitted(service, "notification.failed"))
    assert failed["payload"]["status"] == "failed" and "503" in failed["payload"]["reason"]
    assert gateway.sent_to(ev.FAMILY_PHONE) == []


def test_permanent_error_fails_at_once(service, gateway):
    registered_sms(service)
    gateway.fail_next(1, status=400, code="invalid_number")
    drain(service)
    sms = only(rows(service))
    assert (sms.status, sms.attempts) == ("failed", 1)
    assert "invalid_number" in sms.reason


def test_retry_waits_for_its_back_off(make_service, gateway, clock):
    service = make_service(rand=lambda: 0.5, SMS_RETRY_BASE_SECONDS="60")
    registered_sms(service)
    gateway.fail_next(1, status=500)
    drain(service)
    assert only(rows(service)).status == "pending"
    clock.advance(seconds=29)
    drain(service)
    assert gateway.sent_to(ev.FAMILY_PHONE) == []
    clock.advance(seconds=1)
    drain(service)
    assert only(rows(service)).status == "sent"


def test_timeout_is_resolved_by_asking_the_gateway_not_by_resending(service, gateway):
    registered_sms(service)
    gateway.stall_next(seconds=3)
    drain(service)
    sms = only(rows(service))
    assert sms.status == "sent" and sms.attempts == 1 and sms.status_queries == 1
    assert len(gateway.sent_to(ev.FAMILY_PHONE)) == 1
    posts = [r for r in gateway.requests if r.get("transaction_id") == sms.id]
    assert len(posts) == 1


def test_worker_killed_after_the_gateway_accepted_sends_no_second_sms(service, gateway, clock):
    registered_sms(service)
    runtime = service.runtime
    # A sender claims the SMS, the gateway accepts it, and the process dies before recording.
    (job,), _ = sending._claim_many(runtime, sms_setup(runtime), 1)
    result = sms_setup(runtime).gateway.send(job.id, job.to, job.text, job.encoding)
    assert result.outcome == "accepted"
    assert only(rows(service)).status == "pending"
    drain(service)
    assert len(gateway.sent_to(ev.FAMILY_PHONE)) == 1  # claimed by the dead sender for a while
    clock.advance(minutes=2)
    drain(service)
    sms = only(rows(service))
    assert sms.status == "sent" and sms.status_queries == 1
    assert len(gateway.sent_to(ev.FAMILY_PHONE)) == 1
    assert len([r for r in gateway.requests if r.get("transaction_id") == sms.id]) == 1


def test_gateway_that_lost_the_transaction_gets_it_again(service, gateway, clock):
    handle(service, ev.registered(phone="+992935550101"))
    drain(service)  # one SMS accepted: the status endpoint can now prove it knows our messages
    registered_sms(service)
    sending._claim_many(service.runtime, sms_setup(service.runtime), 1)  # dies before calling out
    clock.advance(minutes=2)
    drain(service)
    assert {n.status for n in rows(service)} == {"sent"}
    assert len(gateway.sent_to(ev.FAMILY_PHONE)) == 1


def test_a_404_from_a_status_endpoint_not_yet_verified_sends_nothing_again(service, gateway, clock):
    registered_sms(service)
    sending._claim_many(service.runtime, sms_setup(service.runtime), 1)  # dies before calling out
    clock.advance(minutes=2)
    drain(service)
    # The 404 may come from a wrong URL: the SMS is not resent on its word.
    assert gateway.sent_to(ev.FAMILY_PHONE) == []
    assert only(rows(service)).status != "sent"


def test_family_sms_is_held_over_quiet_hours_and_sent_at_eight(service, gateway, clock):
    clock.set(datetime(2026, 11, 25, 17, 30, tzinfo=UTC))  # 22:30 in Dushanbe
    registered_sms(service)
    drain(service)
    sms = only(rows(service))
    assert sms.status == "held" and sms.reason == "quiet hours"
    assert sms.due_at == datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
    clock.set(datetime(2026, 11, 26, 2, 59, tzinfo=UTC))  # 07:59
    drain(service)
    assert gateway.sent_to(ev.FAMILY_PHONE) == []
    clock.set(datetime(2026, 11, 26, 3, 0, tzinfo=UTC))  # 08:00
    drain(service)
    assert only(rows(service)).status == "sent"
    service_history = service.client.get(
        f"/notifications/{sms.id}", headers=service.auth("admin")
    ).get_json()["history"]
    assert [h["status"] for h in service_history] == ["pending", "held", "pending", "sent"]


def test_provider_sms_is_not_held_by_quiet_hours(service, gateway, clock):
    clock.set(datetime(2026, 11, 25, 17, 30, tzinfo=UTC))
    registered = ev.registered(consent=False)
    handle(service, registered, ev.referral_sent(registered.payload["child_id"]))
    drain(service)
    assert only(rows(service)).status == "sent"


def test_quiet_hours_can_be_switched_off(make_service, gateway, clock):
    service = make_service(QUIET_HOURS="")
    clock.set(datetime(2026, 11, 25, 20, 0, tzinfo=UTC))  # 01:00 in Dushanbe
    registered_sms(service)
    drain(service)
    assert only(rows(service)).status == "sent"


def test_daily_cap_holds_the_rest_until_the_next_local_morning(make_service, gateway, clock):
    service = make_service(SMS_DAILY_CAP="2")
    registered = registered_sms(service)
    child_id = registered.payload["child_id"]
    handle(service, ev.scheduled(child_id), ev.waitlisted(child_id))
    drain(service)
    statuses = sorted(n.status for n in rows(service))
    assert statuses == ["held", "sent", "sent"]
    held = only(rows(service, status="held"))
    assert held.reason == "daily SMS limit for this phone"
    # Midnight in Dushanbe is inside quiet hours, so the third SMS waits for 08:00.
    assert held.due_at == datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
    clock.set(datetime(2026, 11, 26, 3, 0, tzinfo=UTC))
    drain(service)
    assert len(gateway.sent_to(ev.FAMILY_PHONE)) == 3


def test_the_cap_counts_the_local_day_not_the_utc_day(make_service, gateway, clock):
    service = make_service(SMS_DAILY_CAP="1", QUIET_HOURS="")
    clock.set(datetime(2026, 11, 25, 18, 30, tzinfo=UTC))  # 23:30 local, 25 Nov
    registered = registered_sms(service)
    drain(service)
    clock.set(datetime(2026, 11, 25, 19, 0, tzinfo=UTC))  # 00:00 local, 26 Nov; UTC still 25th
    handle(service, ev.scheduled(registered.payload["child_id"]))
    drain(service)
    assert [n.status for n in rows(service)] == ["sent", "sent"]


def test_send_due_reports_no_work_when_nothing_is_due(service):
    assert send_due(service.runtime) == 0


def test_a_held_sms_a_later_step_superseded_is_not_sent_at_eight(service, gateway, clock):
    clock.set(datetime(2026, 11, 25, 17, 30, tzinfo=UTC))  # 22:30 in Dushanbe
    child_id = registered_sms(service).payload["child_id"]  # "we will call you by 09.12"
    clock.set(datetime(2026, 11, 25, 18, 0, tzinfo=UTC))
    handle(service, ev.referral("referral.completed", child_id))
    drain(service)
    assert sorted(n.status for n in rows(service)) == ["held", "held"]

    clock.set(datetime(2026, 11, 26, 3, 0, tzinfo=UTC))  # 08:00
    drain(service)

    welcome = only(rows(service, template="child_registered"))
    assert welcome.status == "cancelled"
    assert welcome.reason == "superseded by a later step (referral_completed)"
    assert only(rows(service, template="referral_completed")).status == "sent"
    assert len(gateway.sent_to(ev.FAMILY_PHONE)) == 1


def test_held_sms_beyond_the_daily_cap_go_most_important_first(make_service, gateway, clock):
    service = make_service(SMS_DAILY_CAP="2")
    clock.set(datetime(2026, 11, 25, 17, 30, tzinfo=UTC))
    child_id = registered_sms(service).payload["child_id"]
    for minutes, sms_event in (
        (40, ev.event("assessment.completed", {
            "assessment_id": str(uuid.uuid4()), "child_id": child_id, "age_group": "2_4",
            "domains": {}, "functional_difficulty": True, "priority": "high",
            "recommended_service_types": ["day_care"]}, producer="assessment")),
        (50, ev.referral("referral.declined", child_id)),
        (55, ev.referral("referral.expired", child_id)),
    ):  # fmt: skip
        clock.set(datetime(2026, 11, 25, 17, minutes, tzinfo=UTC))
        handle(service, sms_event)
    drain(service)

    clock.set(datetime(2026, 11, 26, 3, 0, tzinfo=UTC))  # 08:00
    drain(service)

    sent = {n.template for n in rows(service, status="sent")}
    assert sent == {"referral_declined", "referral_expired"}
    waiting = only(rows(service, status="held"))
    assert waiting.template == "assessment_completed"  # the first held, but the least important
    assert waiting.due_at == datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
    assert only(rows(service, status="cancelled")).template == "child_registered"


def test_a_round_of_many_sms_keeps_every_history_and_sends_short_statements(make_service, gateway):
    """The sender records a whole batch's outcomes in one transaction. Their status changes go
    in as one short INSERT run for every row: no statement carries more than the 50
    parameters the database driver keeps parsed (the ORM sent one with every row's values)."""
    service = make_service(SMS_SEND_BATCH="30")  # one round, one transaction
    phones = [f"+99290{n:07d}" for n in range(30)]
    for phone in phones:
        handle(service, ev.registered(phone=phone))
    statements = []

    def note(conn, cursor, statement, parameters, context, executemany):
        if "notification_status_changes" in statement and statement.lstrip().startswith("INSERT"):
            # a run of rows, one execution each, or one statement with every row's values
            runs = parameters if isinstance(parameters, list | tuple) else [parameters]
            statements.append((len(runs), max(len(row) for row in runs)))

    engine = service.runtime.db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        drain(service)
    finally:
        event.remove(engine, "before_cursor_execute", note)

    sent = rows(service, status="sent")
    assert len(sent) == len(phones) and {sms.to for sms in sent} == set(phones)
    assert all(per_execution <= 50 for _, per_execution in statements), statements
    assert sum(count for count, _ in statements) == len(phones)  # one "sent" row each
    with service.runtime.db.session() as session:
        history = session.execute(
            select(StatusChange.notification_id, StatusChange.status)
            .order_by(StatusChange.at, StatusChange.id)
        ).all()  # fmt: skip
    for sms in sent:
        assert [status for n, status in history if n == sms.id] == ["pending", "sent"]


def test_a_round_with_nothing_held_or_due_asks_only_those_two_questions(service, gateway):
    """The sender runs five times a second. A quiet round looks for held SMS whose window
    has passed and for due ones, and stops there: no query about held SMS it did not find."""
    registered_sms(service)
    drain(service)
    statements = []

    def note(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement.split()[0])

    engine = service.runtime.db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        assert sending.run_sender(service.runtime) == 0
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert [s for s in statements if s.upper() not in ("BEGIN", "COMMIT")] == ["SELECT", "SELECT"]
