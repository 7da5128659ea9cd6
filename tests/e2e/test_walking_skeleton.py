"""A child registered on intake reaches the family as an SMS recorded by notifications."""

from __future__ import annotations

import pytest
import requests

from tests.e2e.samples import registration

pytestmark = [pytest.mark.e2e, pytest.mark.long(seconds=20)]


def test_a_registered_child_gets_a_family_sms(platform):
    body = registration(0)
    created = requests.post(
        platform.url("intake", "/children"),
        json=body,
        headers=platform.headers("phw", ["rudaki"]),
        timeout=10,
    )
    assert created.status_code == 201, created.text
    child_id = created.json()["id"]
    case_manager = platform.headers("case_manager", ["rudaki"])

    def family_sms():
        answer = requests.get(
            platform.url("notifications", "/notifications"),
            params={"child_id": child_id},
            headers=case_manager,
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        items = answer.json()["items"]
        return [i for i in items if i["recipient"] == "guardian"]

    (sms,) = platform.wait_for(family_sms, timeout=60, message="the family SMS")
    assert sms["event_type"] == "child.registered"
    assert sms["language"] == "tg"
    assert sms["to"].endswith("4567") and "123" not in sms["to"]  # masked, never the number
    assert sms["status"] in ("pending", "held", "sent", "delivered")
