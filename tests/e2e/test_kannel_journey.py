"""The whole platform through real Kannel: a registration reaches the phone, STOP comes back."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
import requests

from services.notifications.tests.kannel import box as kannel
from shared.phones import to_e164
from shared.testing.platform import TEST_SETTINGS, Platform
from tests.e2e.samples import registration

pytestmark = [pytest.mark.e2e, pytest.mark.long(seconds=27)]
SENDER = "EarlyHelp"


@pytest.fixture
def kannel_platform(postgres_url, rabbitmq_url, tmp_path):
    """Eight processes with SMS_GATEWAY=kannel, and Kannel with its fake SMS centre."""
    kannel.require_kannel()
    (tmp_path / "kannel").mkdir()
    box = kannel.KannelBox(tmp_path / "kannel", inbound_url="")
    platform = Platform(
        postgres_url, rabbitmq_url, tmp_path, migrate=False,
        SMS_GATEWAY="kannel", KANNEL_SENDSMS_URL=box.sendsms_url,
        KANNEL_USERNAME=kannel.USERNAME, KANNEL_PASSWORD=kannel.PASSWORD, KANNEL_SENDER=SENDER,
        KANNEL_CALLBACK_BASE_URL="http://127.0.0.1:9",  # the worker's is set once the API runs
    )  # fmt: skip
    try:
        platform.up()
        base = platform.url("notifications")
        worker = platform.processes["notifications-worker"]
        worker.env["KANNEL_CALLBACK_BASE_URL"] = base
        platform.restart("notifications-worker")
        secret = urlencode({"secret": TEST_SETTINGS["SMS_RECEIPT_SECRET"]})
        box.inbound_url = f"{base}/gateways/kannel/inbound?{secret}&from=%p&text=%b&at=%T"
        box.start()
        yield platform, box
    finally:
        box.stop()
        platform.down()


def notifications(platform, child_id):
    answer = requests.get(
        platform.url("notifications", "/notifications"),
        params={"child_id": child_id},
        headers=platform.headers("case_manager", ["rudaki"]),
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def delivered(platform, child_id, event_type):
    def found():
        items = [n for n in notifications(platform, child_id) if n["event_type"] == event_type]
        return items[0] if items and items[0]["status"] == "delivered" else None

    return platform.wait_for(found, timeout=60, message=f"{event_type} delivered")


def test_a_registration_reaches_the_phone_through_kannel_and_stop_comes_back(kannel_platform):
    platform, box = kannel_platform
    body = registration(3)
    phone = to_e164(body["guardian"]["phone"])
    created = requests.post(
        platform.url("intake", "/children"),
        json=body,
        headers=platform.headers("phw", ["rudaki"]),
        timeout=10,
    )
    assert created.status_code == 201, created.text
    child_id = created.json()["id"]

    sms = delivered(platform, child_id, "child.registered")
    assert sms["encoding"] == "UCS-2" and sms["language"] == "tg"
    platform.wait_for(lambda: len(box.received(phone)) >= sms["segments"], timeout=30,
                      message="the parts at the phone")  # fmt: skip
    parts = sorted(box.received(phone), key=lambda p: p.part_of or (1, 1))
    assert len(parts) == sms["segments"] and {p.sender for p in parts} == {SENDER}
    assert "".join(p.text for p in parts) == sms["text"]

    box.send_from_phone(phone, "СТОП")
    confirmation = delivered(platform, child_id, "inbound_sms.opted_out")
    assert confirmation["language"] == "tg"
    platform.wait_for(
        lambda: len(box.received(phone)) == sms["segments"] + confirmation["segments"],
        timeout=30, message="the confirmation at the phone",
    )  # fmt: skip
