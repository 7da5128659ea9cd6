"""Kannel's callbacks as Kannel calls them: GET with `?secret=`, onto receipts and replies."""

from urllib.parse import quote, urlencode

import pytest

from services.notifications.tests.integration import events as ev
from services.notifications.tests.integration.conftest import RECEIPT_SECRET
from services.notifications.tests.integration.support import drain, handle, only, rows

pytestmark = pytest.mark.integration


def sent_sms(service):
    handle(service, ev.registered())
    drain(service)
    return only(rows(service))


def dlr(service, notification_id, status, secret=RECEIPT_SECRET):
    query = urlencode({"secret": secret, "id": notification_id, "status": status})
    return service.client.get(f"/gateways/kannel/dlr?{query}")


def inbound(service, text, secret=RECEIPT_SECRET, **extra):
    query = urlencode({"secret": secret, "from": ev.FAMILY_PHONE, "text": text, **extra})
    return service.client.get(f"/gateways/kannel/inbound?{query}")


def test_reports_move_the_notification_forward_only(service):
    sms = sent_sms(service)
    assert dlr(service, sms.id, 8).get_json()["changed"] is False  # already sent
    assert dlr(service, sms.id, 1).get_json() == {
        "notification_id": sms.id, "status": "delivered", "changed": True,
    }  # fmt: skip
    assert dlr(service, sms.id, 2).get_json()["changed"] is False
    assert only(rows(service)).status == "delivered"


def test_a_rejection_by_the_sms_centre_fails_the_notification_with_the_reason(service):
    sms = sent_sms(service)
    assert dlr(service, sms.id, 16).status_code == 200
    failed = only(rows(service))
    assert failed.status == "failed" and "rejected" in failed.reason


@pytest.mark.parametrize("secret", ["", "guess", RECEIPT_SECRET.upper()])
def test_forged_callbacks_are_refused_and_change_nothing(service, secret):
    sms = sent_sms(service)
    assert dlr(service, sms.id, 2, secret=secret).status_code == 403
    assert inbound(service, "STOP", secret=secret).status_code == 403
    assert service.client.get(f"/gateways/kannel/dlr?id={sms.id}&status=2").status_code == 403
    assert only(rows(service)).status == "sent"
    admin = service.auth("admin")
    assert service.client.get("/inbound-messages", headers=admin).get_json()["total"] == 0


def test_bad_reports_are_422_with_the_field(service):
    sms = sent_sms(service)
    answer = dlr(service, sms.id, 3)
    assert answer.status_code == 422 and "status" in answer.get_json()["error"]["fields"]
    assert dlr(service, "no-such-id", 1).status_code == 404


def test_stop_from_kannel_opts_the_phone_out_like_the_generic_callback(service):
    sent_sms(service)
    answer = inbound(service, "СТОП", at="1796405223")
    assert answer.status_code == 200 and answer.get_json()["action"] == "opted_out"
    assert inbound(service, "СТОП", at="1796405223").get_json()["action"] == "opted_out"
    confirmations = rows(service, event_type="inbound_sms.opted_out")
    assert len(confirmations) == 1 and confirmations[0].language == "tg"


def test_a_reply_in_utf16_from_an_smsbox_without_recoding_is_read(service):
    sent_sms(service)
    raw = quote("Раҳмат".encode("utf-16-be"))
    url = (f"/gateways/kannel/inbound?secret={RECEIPT_SECRET}&from=%2B992931234567"
           f"&text={raw}&charset=UTF-16BE")  # fmt: skip
    assert service.client.get(url).get_json()["action"] == "recorded"
    admin = service.auth("admin")
    kept = service.client.get("/inbound-messages", headers=admin).get_json()["items"]
    assert [m["text"] for m in kept] == ["Раҳмат"]


def test_a_sender_that_is_no_phone_number_is_422(service):
    query = urlencode({"secret": RECEIPT_SECRET, "from": "Tcell", "text": "promo"})
    answer = service.client.get(f"/gateways/kannel/inbound?{query}")
    assert answer.status_code == 422 and "from" in answer.get_json()["error"]["fields"]
