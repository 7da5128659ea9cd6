"""The case manager's worklist, fed by intake's events over the real broker."""

from datetime import date, datetime, timedelta

import pytest

from services.assessment.domain.worklist import local_date, worklist_sort_key
from shared.events import make_event
from shared.testing import wait_for

from .support import intake_event, publish, registered, wait_for_assessment, worklist

pytestmark = pytest.mark.integration


def test_a_registered_child_waits_on_the_district_worklist(service, clock, case_manager):
    event = registered(clock.now, concerns=("walking",))
    publish(service, event)
    item = wait_for_assessment(service, event.payload["child_id"], case_manager)
    assert item["status"] == "pending"
    assert item["due_date"] == "2026-12-09"  # registered 25 November, routine: 14 days
    assert item["overdue"] is False
    assert item["instrument"] == "cfm_2_4"
    assert item["child"]["age_years"] == 3
    assert item["child"]["given_name"] == "Фарзона"
    assert item["screening"] == {"concerns": ["walking"], "urgent": False}


def test_an_urgent_screening_is_due_sooner(service, clock, case_manager):
    event = registered(clock.now, urgent=True)
    publish(service, event)
    item = wait_for_assessment(service, event.payload["child_id"], case_manager)
    assert (item["urgent"], item["due_date"]) == (True, "2026-11-28")


def test_only_the_case_managers_districts_are_visible(service, clock, case_manager):
    ours, theirs = registered(clock.now), registered(clock.now, district="vahdat")
    publish(service, ours, theirs)
    vahdat = service.auth("case_manager", ["vahdat"])
    theirs_item = wait_for_assessment(service, theirs.payload["child_id"], vahdat)
    wait_for_assessment(service, ours.payload["child_id"], case_manager)
    ids = [i["child_id"] for i in worklist(service, case_manager)["items"]]
    assert ids == [ours.payload["child_id"]]
    response = service.client.get(f"/assessments/{theirs_item['id']}", headers=case_manager)
    assert response.status_code == 404
    assert "Фарзона" not in response.get_data(as_text=True)
    admin = service.auth("admin")
    assert worklist(service, admin)["total"] == 2


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"Authorization": "Bearer nonsense"}, 401), ("phw", 403), ("provider", 403)],
)
def test_only_case_managers_and_admins_read_the_worklist(service, headers, status):
    if isinstance(headers, str):
        headers = service.auth(headers, ["rudaki"], provider_id="p-1")
    response = service.client.get("/assessments", headers=headers)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] in ("unauthorized", "forbidden")


def test_overdue_first_then_urgent_then_oldest(service, clock, case_manager):
    start = clock.now
    old_routine = registered(start - timedelta(days=20))  # due 9 days ago: overdue
    older_routine = registered(start - timedelta(days=30))  # overdue longer
    urgent_new = registered(start, urgent=True)
    routine_old = registered(start - timedelta(days=5))
    routine_new = registered(start - timedelta(days=1))
    publish(service, routine_new, urgent_new, old_routine, routine_old, older_routine)
    wait_for(lambda: worklist(service, case_manager)["total"] == 5, timeout=20)
    page = worklist(service, case_manager, "?status=pending&page_size=3")
    expected = [older_routine, old_routine, urgent_new, routine_old, routine_new]
    ids = [e.payload["child_id"] for e in expected]
    assert [i["child_id"] for i in page["items"]] == ids[:3]
    assert (page["total"], page["page"], page["page_size"]) == (5, 1, 3)
    second = worklist(service, case_manager, "?status=pending&page_size=3&page=2")
    assert [i["child_id"] for i in second["items"]] == ids[3:]
    overdue = worklist(service, case_manager, "?status=overdue")
    assert [i["child_id"] for i in overdue["items"]] == ids[:2]
    assert all(i["overdue"] for i in overdue["items"])


def test_a_huge_page_size_is_refused(service, case_manager):
    response = service.client.get("/assessments?page_size=100000", headers=case_manager)
    assert response.status_code == 422
    assert "page_size" in response.get_json()["error"]["fields"]


def test_an_update_keeps_the_copy_current(service, clock, case_manager):
    event = registered(clock.now)
    child_id = event.payload["child_id"]
    publish(service, event)
    wait_for_assessment(service, child_id, case_manager)
    changes = {
        "child": {"district_code": "vahdat", "given_name": "Зарина"},
        "screening": {"urgent": True},
    }
    publish(service, intake_event("child.updated", {"child_id": child_id, "changes": changes}))
    vahdat = service.auth("case_manager", ["vahdat"])
    item = wait_for_assessment(service, child_id, vahdat)
    assert item["child"]["given_name"] == "Зарина"
    assert (item["urgent"], item["due_date"]) == (True, "2026-11-28")
    assert worklist(service, case_manager)["total"] == 0


def test_consent_withdrawal_erases_the_child_here(service, clock, case_manager):
    event = registered(clock.now)
    child_id = event.payload["child_id"]
    publish(service, event)
    item = wait_for_assessment(service, child_id, case_manager)
    publish(service, intake_event("child.consent_withdrawn", {"child_id": child_id}))

    def erased():
        body = service.client.get(f"/assessments/{item['id']}", headers=case_manager)
        return body.get_json() if body.get_json()["status"] == "cancelled" else None

    detail = wait_for(erased, timeout=20, message="the erasure")
    text = str(detail)
    for personal in ("Фарзона", "Раҳимова", "Гулистон", "+992931234567", "2023-04-12"):
        assert personal not in text
    assert detail["child"]["erased"] is True
    assert detail["cancelled_reason"] == "consent_withdrawn"
    assert worklist(service, case_manager, "?status=pending")["total"] == 0
    # A registration that arrives late is not stored again.
    publish(service, registered(clock.now, child_id=child_id))
    publish(service, registered(clock.now))
    wait_for(lambda: worklist(service, case_manager, "?status=pending")["total"] == 1)
    assert "Фарзона" not in str(worklist(service, case_manager, f"?child_id={child_id}"))


def test_a_redelivered_registration_makes_one_assessment(service, clock, case_manager):
    event = registered(clock.now)
    publish(service, event, event)
    publish(service, registered(clock.now, district="vahdat"))  # a marker behind them
    admin = service.auth("admin")
    wait_for(lambda: worklist(service, admin)["total"] == 2, timeout=20)
    assert worklist(service, case_manager)["total"] == 1


def test_a_family_reply_flags_the_child_until_it_is_answered(service, clock, case_manager):
    event = registered(clock.now)
    child_id = event.payload["child_id"]
    publish(service, event)
    assert wait_for_assessment(service, child_id, case_manager)["unanswered_replies"] == 0
    replied = make_event(
        "family.replied",
        {
            "message_id": "m-1",
            "child_id": child_id,
            "district_code": "rudaki",
            "received_at": clock.now.isoformat(),
        },
        producer="notifications",
        correlation_id=child_id,
    )
    publish(service, replied)
    wait_for(lambda: _flag(service, child_id, case_manager) == 1)
    answered = make_event(
        "family.reply_answered",
        {"child_id": child_id, "message_ids": ["m-1"], "notification_id": "n-1"},
        producer="notifications",
        correlation_id=child_id,
    )
    publish(service, answered)
    wait_for(lambda: _flag(service, child_id, case_manager) == 0)


def _flag(service, child_id, headers):
    items = worklist(service, headers, f"?child_id={child_id}")["items"]
    return items[0]["unanswered_replies"] if items else None


def test_the_worklist_pages_come_in_the_order_the_sort_key_gives(service, clock, case_manager):
    start = clock.now
    events = [
        registered(start - timedelta(days=1)),
        registered(start - timedelta(days=30)),  # overdue
        registered(start - timedelta(days=16)),  # overdue, waiting less long
        registered(start, urgent=True),
        registered(start - timedelta(days=3), urgent=True),
        registered(start - timedelta(days=7)),
        registered(start - timedelta(days=7)),  # the same moment: the id decides
    ]
    # Published out of waiting order: the order assessments are created in is not the rule.
    publish(service, *events)
    wait_for(lambda: worklist(service, case_manager)["total"] == len(events), timeout=20)
    items = [
        item
        for page in (1, 2, 3)
        for item in worklist(service, case_manager, f"?page_size=3&page={page}")["items"]
    ]
    today = local_date(clock.now)

    def key(item: dict) -> tuple:
        return worklist_sort_key(
            status=item["status"],
            due=date.fromisoformat(item["due_date"]),
            urgent=item["urgent"],
            waiting_since=datetime.fromisoformat(item["waiting_since"]),
            assessment_id=item["id"],
            today=today,
        )

    assert len(items) == len(events)
    assert [i["id"] for i in items] == [i["id"] for i in sorted(reversed(items), key=key)]
    assert [i["overdue"] for i in items[:3]] == [True, True, False]
