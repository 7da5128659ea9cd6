"""What case managers and admins see of the SMS, and what nobody else sees."""

import pytest

from services.notifications.tests.integration import events as ev
from services.notifications.tests.integration.support import drain, handle, only, rows

pytestmark = pytest.mark.integration


@pytest.fixture
def child(service, clock):
    registered = ev.registered(district="rudaki")
    child_id = registered.payload["child_id"]
    handle(service, registered)
    clock.advance(minutes=1)
    handle(service, ev.scheduled(child_id), ev.registered(district="vahdat"))
    drain(service)
    return child_id


def listing(service, headers, **query):
    return service.client.get("/notifications", query_string=query, headers=headers)


def test_case_manager_lists_a_childs_sms_with_cost_and_masked_phone(service, child):
    answer = listing(service, service.auth("case_manager", ["rudaki"]), child_id=child)
    assert answer.status_code == 200
    page = answer.get_json()
    assert (page["total"], page["page"], page["page_size"]) == (2, 1, 20)
    item = page["items"][0]
    assert item["event_type"] == "assessment.scheduled"  # newest first
    assert item["recipient"] == "guardian" and item["to"] == "+992*****4567"
    assert item["language"] == "tg" and item["encoding"] == "UCS-2"
    assert item["segments"] == 1 and item["status"] == "sent"
    assert item["text"] == "Фарзона: арзёбӣ 01.12.2026 соати 10:00. Ҷой: дар хона (боздид)."
    assert item["created_at"].endswith("+00:00")
    assert ev.FAMILY_PHONE not in answer.get_data(as_text=True)


def test_filters_by_status_and_pages(service, child):
    headers = service.auth("case_manager", ["rudaki"])
    assert listing(service, headers, status="sent").get_json()["total"] == 2
    assert listing(service, headers, status="failed").get_json()["total"] == 0
    page = listing(service, headers, page_size=1, page=2).get_json()
    assert len(page["items"]) == 1 and page["total"] == 2
    assert listing(service, headers, status="lost").status_code == 422


def test_case_manager_sees_only_their_districts_and_admin_sees_all(service, child):
    other = listing(service, service.auth("case_manager", ["vahdat"]), child_id=child)
    assert other.get_json()["items"] == []
    assert listing(service, service.auth("admin")).get_json()["total"] == 3


def test_detail_has_the_status_history(service, child):
    sms = only(rows(service, event_type="assessment.scheduled"))
    answer = service.client.get(
        f"/notifications/{sms.id}", headers=service.auth("case_manager", ["rudaki"])
    )
    body = answer.get_json()
    assert answer.status_code == 200
    assert [h["status"] for h in body["history"]] == ["pending", "sent"]
    assert body["characters"] == len(body["text"])


def test_detail_outside_the_district_is_404_and_unknown_is_404(service, child):
    sms = only(rows(service, event_type="assessment.scheduled"))
    outside = service.client.get(
        f"/notifications/{sms.id}", headers=service.auth("case_manager", ["vahdat"])
    )
    assert outside.status_code == 404 and "Фарзона" not in outside.get_data(as_text=True)
    unknown = service.client.get("/notifications/nope", headers=service.auth("admin"))
    assert unknown.status_code == 404


def test_other_roles_and_anonymous_callers_are_refused(service, child):
    assert listing(service, {}).status_code == 401
    assert listing(service, {"Authorization": "Bearer forged"}).status_code == 401
    assert listing(service, service.auth("phw", ["rudaki"])).status_code == 403
    assert listing(service, service.auth("provider", provider_id="p-1")).status_code == 403


def test_erased_notifications_keep_status_and_cost_but_no_phone_or_text(service, child):
    handle(service, ev.consent_withdrawn(child))
    items = listing(service, service.auth("admin"), child_id=child).get_json()["items"]
    assert {(i["to"], i["text"], i["status"]) for i in items} == {(None, None, "sent")}
    assert all(i["segments"] >= 1 for i in items)


def test_openapi_documents_every_endpoint(service):
    paths = service.client.get("/openapi.json").get_json()["paths"]
    for path in ("/notifications", "/notifications/{notification_id}", "/delivery-receipts",
                 "/inbound-sms", "/inbound-messages"):  # fmt: skip
        assert path in paths


def test_metrics_count_sms_and_segments_by_status(service, child):
    text = service.client.get("/metrics").get_data(as_text=True)
    assert 'platform_sms_notifications{recipient="guardian",status="sent"} 3.0' in text
    assert 'platform_sms_segments{recipient="guardian",status="sent"}' in text
