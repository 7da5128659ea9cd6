"""Family SMS through real Kannel and its fake SMS centre: codings, parts, reports, replies."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from services.notifications.flows.sending import send_due
from services.notifications.gateways import KannelGateway
from services.notifications.models import OptOut
from services.notifications.settings import sms_setup
from services.notifications.tests.integration import events as ev
from services.notifications.tests.integration.support import drain, handle, only, rows
from services.notifications.tests.kannel.conftest import SENDER
from shared.testing import wait_for

pytestmark = pytest.mark.integration

RUSSIAN_PHONE = "+992901112233"
ENGLISH_PHONE = "+992981234567"


def latin_name(event):
    """The same event with a given name in Latin letters: an SMS that fits the GSM alphabet."""
    event.payload["child"]["given_name"] = "Farzona"
    return event


def wait_delivered(service, phone: str) -> None:
    wait_for(
        lambda: only(rows(service, to=phone)).status == "delivered",
        timeout=20,
        message=f"a delivery report for the SMS to {phone}",
    )


def assert_parts_at_phone(box, phone: str, count: int) -> None:
    """Wait until the fake SMS centre printed `count` parts for the phone; no more came."""
    wait_for(lambda: len(box.received(phone)) >= count, timeout=20, message="parts at the phone")
    assert len(box.received(phone)) == count


def history(service, notification_id: str) -> list[str]:
    answer = service.client.get(f"/notifications/{notification_id}", headers=service.auth("admin"))
    return [h["status"] for h in answer.get_json()["history"]]


def test_tajik_russian_and_english_sms_arrive_whole_in_their_coding_and_parts(kannel_platform):
    service, box = kannel_platform
    handle(
        service,
        ev.registered(language="tg"),
        ev.registered(language="ru", phone=RUSSIAN_PHONE),
        latin_name(ev.registered(language="en", phone=ENGLISH_PHONE)),
    )
    drain(service)
    sms = {n.to: n for n in rows(service)}
    assert {n.encoding for n in sms.values()} == {"UCS-2", "GSM-7"}
    expected_parts = sum(n.segments for n in sms.values())
    wait_for(lambda: len(box.received()) == expected_parts, timeout=20, message="every part")

    for phone, n in sms.items():
        parts = sorted(box.received(phone), key=lambda p: p.part_of or (1, 1))
        assert len(parts) == n.segments, (phone, parts)
        assert {p.sender for p in parts} == {SENDER}
        assert "".join(p.text for p in parts) == n.text
        if n.segments > 1:
            assert [p.part_of for p in parts] == [(i + 1, n.segments) for i in range(n.segments)]
    tajik, russian = sms[ev.FAMILY_PHONE], sms[RUSSIAN_PHONE]
    assert tajik.encoding == russian.encoding == "UCS-2"
    assert tajik.segments >= 2 and russian.segments >= 2
    # UCS-2 parts carry 67 characters (134 octets) each but the last, as counted beforehand.
    assert all(len(p.data) == 134 for p in box.received(ev.FAMILY_PHONE) if p.part_of[0] == 1)
    assert any(ch in tajik.text for ch in "ғӣқӯҳҷ")
    english = only(box.received(ENGLISH_PHONE))
    assert sms[ENGLISH_PHONE].encoding == "GSM-7" and english.kind == "text"

    for phone in sms:
        wait_delivered(service, phone)
    assert history(service, tajik.id) == ["pending", "sent", "delivered"]
    assert all(n.attempts == 1 for n in rows(service))


def test_family_typing_stop_and_a_reply_at_the_phone_reaches_the_platform(kannel_platform):
    service, box = kannel_platform
    registered = ev.registered(language="tg")
    handle(service, registered)
    drain(service)
    wait_delivered(service, ev.FAMILY_PHONE)

    box.send_from_phone(ev.FAMILY_PHONE, "Раҳмат, фаҳмидам")
    admin = service.auth("admin")
    wait_for(
        lambda: service.client.get("/inbound-messages", headers=admin).get_json()["total"] == 1,
        timeout=20,
        message="the reply kept for the case manager",
    )
    kept = only(service.client.get("/inbound-messages", headers=admin).get_json()["items"])
    assert kept["text"] == "Раҳмат, фаҳмидам"
    assert kept["child_id"] == registered.payload["child_id"]
    assert kept["from"] == "+992*****4567"

    box.send_from_phone(ev.FAMILY_PHONE, "СТОП")

    def opted_out() -> bool:
        with service.runtime.db.session() as session:
            row = session.scalars(select(OptOut).where(OptOut.phone == ev.FAMILY_PHONE)).first()
            return bool(row and row.opted_out)

    wait_for(opted_out, timeout=20, message="the phone opted out")
    drain(service)
    confirmation = only(rows(service, event_type="inbound_sms.opted_out"))
    wait_for(
        lambda: len(box.received(ev.FAMILY_PHONE)) == 2 + confirmation.segments,
        timeout=20,
        message="the opt-out confirmation at the phone",
    )
    assert confirmation.language == "tg"
    wait_delivered_id(service, confirmation.id)


def wait_delivered_id(service, notification_id: str) -> None:
    wait_for(
        lambda: only(rows(service, id=notification_id)).status == "delivered",
        timeout=20,
        message="the delivery report",
    )


def test_smsbox_down_keeps_the_sms_and_sends_it_once_when_back(kannel_platform):
    service, box = kannel_platform
    box.stop_process("smsbox")
    handle(service, ev.registered(language="ru"))
    assert send_due(service.runtime) == 1
    waiting = only(rows(service))
    assert (waiting.status, waiting.attempts) == ("pending", 1)
    assert "refused" in waiting.last_error
    assert box.received() == []

    box.start_smsbox()
    drain(service)
    sms = only(rows(service))
    assert sms.attempts == 2
    wait_delivered(service, ev.FAMILY_PHONE)
    assert_parts_at_phone(box, ev.FAMILY_PHONE, sms.segments)


def test_kannel_refusing_the_account_sends_nothing_and_loses_nothing(kannel_platform):
    service, box = kannel_platform
    setup = sms_setup(service.runtime)
    right = setup.gateway
    setup.gateway = KannelGateway(
        type(right.config)(**{**right.config.__dict__, "password": "not-the-password"})
    )
    handle(service, ev.registered())
    send_due(service.runtime)
    refused = only(rows(service))
    assert refused.status == "pending" and "HTTP 403" in refused.last_error
    assert "not-the-password" not in refused.last_error

    setup.gateway = right
    drain(service)
    wait_delivered(service, ev.FAMILY_PHONE)
    assert_parts_at_phone(box, ev.FAMILY_PHONE, only(rows(service)).segments)
    assert only(rows(service)).attempts == 2


def test_send_that_timed_out_is_not_repeated_and_its_report_settles_it(kannel_platform):
    service, box = kannel_platform
    box.pause("bearerbox")
    try:
        handle(service, ev.registered())
        send_due(service.runtime)  # sendsms hangs until the 2 s timeout
        unclear = only(rows(service))
        assert (unclear.status, unclear.step) == ("pending", "resolve")
        send_due(service.runtime)  # Kannel cannot be asked: still unclear, nothing re-sent
        assert only(rows(service)).status == "pending"
    finally:
        box.resume("bearerbox")

    wait_delivered(service, ev.FAMILY_PHONE)
    drain(service)
    sms = only(rows(service))
    assert sms.attempts == 1 and sms.status == "delivered"
    assert_parts_at_phone(box, ev.FAMILY_PHONE, sms.segments)


def test_an_unclear_send_whose_report_never_comes_fails_and_is_still_never_repeated(
    kannel_platform,
):
    service, box = kannel_platform
    box.pause("bearerbox")
    try:
        handle(service, ev.registered(language="ru"))
        drain(service)  # one timed-out send, then the waits for a report run out
        failed = only(rows(service))
        assert (failed.status, failed.attempts) == ("failed", 1)
        assert "no delivery report" in failed.reason
        assert box.received() == []
    finally:
        box.resume("bearerbox")
    # Kannel had it after all: the family gets it once, whatever the platform concluded.
    assert_parts_at_phone(box, ev.FAMILY_PHONE, failed.segments)
    drain(service)
    assert only(rows(service)).attempts == 1
