"""Delivery receipts and families' replies, as the gateway calls them back."""

import pytest
from sqlalchemy import select

from services.notifications.models import ACCESS_AUDIT
from services.notifications.tests.integration import events as ev
from services.notifications.tests.integration.conftest import RECEIPT_SECRET
from services.notifications.tests.integration.support import drain, emitted, handle, only, rows

pytestmark = pytest.mark.integration
GATEWAY = {"X-Gateway-Secret": RECEIPT_SECRET}


def sent_sms(service):
    registered = ev.registered()
    handle(service, registered)
    drain(service)
    return only(rows(service))


def receipt(service, notification_id, status, headers=GATEWAY):
    body = {"notification_id": notification_id, "status": status, "at": "2026-11-25T05:01:00Z"}
    return service.client.post("/delivery-receipts", json=body, headers=headers)


def test_delivered_receipt_completes_the_notification_and_is_reported(service):
    sms = sent_sms(service)
    answer = receipt(service, sms.id, "delivered")
    assert answer.status_code == 200
    assert answer.get_json() == {"notification_id": sms.id, "status": "delivered", "changed": True}
    assert only(rows(service)).delivered_at is not None
    event = only(emitted(service, "notification.delivered"))
    assert event["payload"]["to"] == "+992*****4567"


@pytest.mark.parametrize(
    "headers", [{}, {"X-Gateway-Secret": "guess"}, {"X-Gateway-Secret": RECEIPT_SECRET + "x"}]
)
def test_forged_receipts_are_refused_and_change_nothing(service, headers):
    sms = sent_sms(service)
    answer = receipt(service, sms.id, "failed", headers=headers)
    assert answer.status_code == 403
    assert answer.get_json()["error"]["code"] == "bad_gateway_secret"
    assert only(rows(service)).status == "sent"


def test_forged_request_with_a_broken_body_is_still_403(service):
    answer = service.client.post("/delivery-receipts", json={"nonsense": 1})
    assert answer.status_code == 403


def test_repeated_and_out_of_order_receipts_only_move_forward(service):
    sms = sent_sms(service)
    assert receipt(service, sms.id, "DELIVRD").get_json()["changed"] is True
    late = receipt(service, sms.id, "accepted").get_json()
    again = receipt(service, sms.id, "delivered").get_json()
    failed_late = receipt(service, sms.id, "UNDELIV").get_json()
    assert [late["changed"], again["changed"], failed_late["changed"]] == [False, False, False]
    assert only(rows(service)).status == "delivered"
    assert len(emitted(service, "notification.delivered")) == 1
    assert emitted(service, "notification.failed") == []


def test_receipt_that_overtakes_the_senders_record_completes_the_story(service):
    registered = ev.registered()
    handle(service, registered)
    sms = only(rows(service))
    assert receipt(service, sms.id, "delivered").get_json()["status"] == "delivered"
    history = service.client.get(f"/notifications/{sms.id}", headers=service.auth("admin"))
    assert [h["status"] for h in history.get_json()["history"]] == ["pending", "sent", "delivered"]
    drain(service)
    assert only(rows(service)).status == "delivered"


def test_failure_receipt_keeps_the_reason(service):
    sms = sent_sms(service)
    assert receipt(service, sms.id, "stat:EXPIRED").status_code == 200
    failed = only(rows(service))
    assert failed.status == "failed" and "expired" in failed.reason


def test_receipt_by_gateway_message_id(service):
    sms = sent_sms(service)
    body = {"gateway_message_id": sms.gateway_message_id, "status": "delivered"}
    answer = service.client.post("/delivery-receipts", json=body, headers=GATEWAY)
    assert answer.get_json()["notification_id"] == sms.id


def test_unknown_notification_and_unknown_status(service):
    sms = sent_sms(service)
    assert receipt(service, "no-such-id", "delivered").status_code == 404
    bad = receipt(service, sms.id, "teleported")
    assert bad.status_code == 422 and "status" in bad.get_json()["error"]["fields"]
    extra = {"notification_id": sms.id, "status": "delivered", "colour": "red"}
    assert service.client.post("/delivery-receipts", json=extra, headers=GATEWAY).status_code == 422


def reply(service, text, sender="992 93 123 45 67", at="2026-11-25T06:00:00+05:00"):
    body = {"from": sender, "text": text, "received_at": at}
    return service.client.post("/inbound-sms", json=body, headers=GATEWAY)


def test_stop_opts_the_phone_out_cancels_waiting_sms_and_confirms(service, gateway):
    registered = ev.registered(language="ru")
    child_id = registered.payload["child_id"]
    handle(service, registered, ev.scheduled(child_id))
    answer = reply(service, "  Стоп! ")
    assert answer.status_code == 200
    # The answer says what happened, not which child the phone belongs to.
    assert set(answer.get_json()) == {"id", "action"}
    assert answer.get_json()["action"] == "opted_out"
    assert child_id not in answer.get_data(as_text=True)
    assert {n.status for n in rows(service, child_id=child_id) if n.event_id} == {"cancelled"}
    drain(service)
    confirmation = only(gateway.sent_to(ev.FAMILY_PHONE))
    assert confirmation.text == "SMS отключены. Чтобы включить, отправьте СТАРТ."
    handle(service, ev.referral("referral.declined", child_id))
    drain(service)
    assert len(gateway.sent_to(ev.FAMILY_PHONE)) == 1  # nothing after the confirmation
    assert only(rows(service, event_type="referral.declined")).reason == (
        "the phone opted out of SMS"
    )


def test_the_same_stop_delivered_twice_confirms_once(service, gateway):
    handle(service, ev.registered())
    first, second = reply(service, "СТОП"), reply(service, "СТОП")
    assert first.get_json() == second.get_json()
    assert reply(service, "STOP", at="2026-11-25T06:05:00+05:00").get_json()["action"] == (
        "unchanged"
    )
    drain(service)
    # The registration SMS was still waiting, so STOP cancelled it: only one confirmation goes.
    confirmation = only(gateway.sent_to(ev.FAMILY_PHONE))
    assert confirmation.text.startswith("SMS-ҳо қатъ шуданд")


def test_start_opts_back_in_with_a_tajik_confirmation(service, gateway):
    registered = ev.registered(language="tg")
    child_id = registered.payload["child_id"]
    reply(service, "ИСТ", at="2026-11-25T06:00:00+05:00")
    assert reply(service, "Оғоз", at="2026-11-25T06:10:00+05:00").get_json()["action"] == (
        "opted_in"
    )
    handle(service, registered)
    drain(service)
    texts = [m.text for m in gateway.accepted.values()]
    assert "SMS-ҳо барқарор шуданд. Барои қатъ кардан ИСТ фиристед." in texts
    assert only(rows(service, child_id=child_id, event_type="child.registered")).status == "sent"


def test_other_replies_are_kept_for_the_case_manager_of_the_district(service):
    registered = ev.registered()
    handle(service, registered)
    answer = reply(service, "Кай меоед?")
    assert answer.get_json()["action"] == "recorded"
    assert registered.payload["child_id"] not in answer.get_data(as_text=True)
    mine = service.client.get(
        "/inbound-messages", headers=service.auth("case_manager", ["rudaki"])
    ).get_json()
    item = only(mine["items"])
    assert item["child_id"] == registered.payload["child_id"]  # the case manager sees whose
    with service.runtime.db.session() as session:
        audited = session.execute(select(ACCESS_AUDIT)).mappings().all()
    assert [(a["resource"], a["record_id"], a["actor_role"]) for a in audited] == [
        ("inbound_message", item["id"], "case_manager")
    ]
    assert item["text"] == "Кай меоед?" and item["from"] == "+992*****4567"
    others = service.client.get(
        "/inbound-messages", headers=service.auth("case_manager", ["vahdat"])
    ).get_json()
    assert others["items"] == []


def test_a_reply_from_a_shared_phone_reaches_each_childs_case_manager(service, gateway):
    first, second = ev.registered(district="rudaki"), ev.registered(district="vahdat")
    handle(service, first, second)
    drain(service)
    message_id = reply(service, "Кай меоед?").get_json()["id"]

    told = emitted(service, "family.replied")
    assert {(e["payload"]["child_id"], e["payload"]["district_code"]) for e in told} == {
        (first.payload["child_id"], "rudaki"), (second.payload["child_id"], "vahdat"),
    }  # fmt: skip
    assert all("text" not in e["payload"] and "phone" not in str(e["payload"]) for e in told)
    assert all(e["payload"]["message_id"] == message_id for e in told)
    for child, district in ((first, "rudaki"), (second, "vahdat")):
        child_id = child.payload["child_id"]
        page = service.client.get(
            f"/inbound-messages?child_id={child_id}",
            headers=service.auth("case_manager", [district]),
        ).get_json()
        item = only(page["items"])
        assert item["text"] == "Кай меоед?"
        assert item["children"] == [{"child_id": child_id, "answered_at": None}]
    hidden = service.client.get(
        f"/inbound-messages?child_id={first.payload['child_id']}",
        headers=service.auth("case_manager", ["vahdat"]),
    ).get_json()
    assert hidden["items"] == []


def test_the_case_manager_answers_the_family_by_sms(service, gateway):
    registered = ev.registered(language="ru")
    child_id = registered.payload["child_id"]
    handle(service, registered)
    message_id = reply(service, "Когда придёте?").get_json()["id"]
    manager = service.auth("case_manager", ["rudaki"], sub="cm-rudaki")

    sent = service.client.post(
        f"/children/{child_id}/messages",
        json={"text": "Приду в четверг в 10:00.", "in_reply_to": message_id},
        headers=manager,
    )

    assert sent.status_code == 201, sent.get_json()
    assert sent.get_json()["text"] == "Соцработник: Приду в четверг в 10:00."
    assert sent.get_json()["event_type"] == "case_manager.message"
    answered = only(emitted(service, "family.reply_answered"))["payload"]
    assert answered["message_ids"] == [message_id]
    page = service.client.get(f"/inbound-messages?child_id={child_id}", headers=manager)
    assert only(page.get_json()["items"])["children"][0]["answered_at"] is not None
    drain(service)
    assert "Соцработник: Приду в четверг в 10:00." in [m.text for m in gateway.accepted.values()]


def test_only_the_childs_case_manager_may_text_the_family(service):
    registered = ev.registered()
    child_id = registered.payload["child_id"]
    handle(service, registered)
    body = {"text": "Салом"}
    url = f"/children/{child_id}/messages"
    other = service.auth("case_manager", ["vahdat"])
    assert service.client.post(url, json=body, headers=other).status_code == 404
    phw = service.auth("phw", ["rudaki"])
    assert service.client.post(url, json=body, headers=phw).status_code == 403
    manager = service.auth("case_manager", ["rudaki"])
    blank = service.client.post(url, json={"text": "  "}, headers=manager)
    assert blank.status_code == 422 and "text" in blank.get_json()["error"]["fields"]
    assert rows(service, event_type="case_manager.message") == []


def test_reply_from_an_invalid_number_or_without_the_secret(service):
    assert reply(service, "STOP", sender="12").status_code == 422
    body = {"from": "+992931234567", "text": "STOP", "received_at": "2026-11-25T06:00:00Z"}
    assert service.client.post("/inbound-sms", json=body).status_code == 403


@pytest.mark.parametrize("key", ["message_id", "id"])
def test_a_repeat_of_the_gateways_message_id_is_acknowledged_and_changes_nothing(
    service, gateway, key
):
    handle(service, ev.registered())
    # The gateway retries without a receipt time: only its message id says it is the same SMS.
    body = {"from": "+992931234567", "text": "Кай меоед?", key: "kannel-7781"}
    first = service.client.post("/inbound-sms", json=body, headers=GATEWAY)
    again = service.client.post("/inbound-sms", json=body, headers=GATEWAY)
    assert first.status_code == again.status_code == 200
    assert first.get_json() == again.get_json()
    listed = service.client.get(
        "/inbound-messages", headers=service.auth("case_manager", ["rudaki"])
    ).get_json()
    assert listed["total"] == 1
    stop = {"from": "+992931234567", "text": "СТОП", key: "kannel-7782"}
    for _ in range(2):
        service.client.post("/inbound-sms", json=stop, headers=GATEWAY)
    drain(service)
    assert len(gateway.sent_to(ev.FAMILY_PHONE)) == 1  # one confirmation, no second answer
