"""Merged and corrected children: nothing goes to the family twice, records follow the child."""

import pytest

from services.notifications.tests.integration import events as ev
from services.notifications.tests.integration.support import handle, rows

pytestmark = pytest.mark.integration


def _merged(duplicate: str, survivor: str):
    return ev.event("child.merged", {"child_id": duplicate, "into": survivor}, producer="intake")


def test_a_merge_cancels_the_repeated_welcome_sms_and_files_the_rest_under_the_survivor(service):
    first, second = ev.registered(), ev.registered()
    survivor, duplicate = first.payload["child_id"], second.payload["child_id"]
    handle(service, first, second)
    handle(service, ev.scheduled(duplicate))

    handle(service, _merged(duplicate, survivor))

    assert rows(service, child_id=duplicate) == []
    mine = rows(service, child_id=survivor)
    by_template = {}
    for sms in mine:
        by_template.setdefault(sms.template, []).append(sms.status)
    assert sorted(by_template["child_registered"]) == ["cancelled", "pending"]
    assert by_template["assessment_scheduled"] == ["pending"]  # not a repeat: it stays
    handle(service, ev.scheduled(duplicate, when="2026-12-02T10:00:00+05:00"))
    assert len(rows(service, child_id=duplicate)) == 0  # the merged id texts nobody again


def test_a_merge_delivered_twice_changes_nothing_more(service):
    first, second = ev.registered(), ev.registered()
    survivor, duplicate = first.payload["child_id"], second.payload["child_id"]
    handle(service, first, second)
    merged = _merged(duplicate, survivor)
    handle(service, merged)
    handle(service, merged)
    statuses = sorted(sms.status for sms in rows(service, child_id=survivor))
    assert statuses == ["cancelled", "pending"]


def test_a_corrected_district_follows_the_childs_sms(service):
    registered = ev.registered()
    child_id = registered.payload["child_id"]
    handle(service, registered)
    corrected = {"child_id": child_id, "changes": {"district_code": "vahdat"}}
    handle(service, ev.event("child.corrected", corrected, producer="intake"))
    assert {sms.district_code for sms in rows(service, child_id=child_id)} == {"vahdat"}
