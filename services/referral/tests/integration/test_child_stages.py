"""GET /children/stages: where a health worker's children stand, only in their districts."""

import uuid

import pytest
from sqlalchemy import func, select

from services.referral.models import ACCESS_AUDIT

from .support import act, add_provider, assess, feed, provider_user, refer, register_child

pytestmark = pytest.mark.integration


def stages(ref, ids, role="phw", districts=("rudaki",), **extra):
    query = "&".join(f"child_id={child_id}" for child_id in ids)
    headers = ref.auth(role, list(districts), **extra)
    return ref.client.get(f"/children/stages?{query}", headers=headers)


def test_a_health_worker_sees_each_child_stage_in_their_district(ref, clock):
    centre = add_provider(ref, name="Rudaki centre", places=1)
    waiting, assessed, referred = (register_child(ref) for _ in range(3))
    clock.advance(days=1)
    assess(ref, assessed)
    assess(ref, referred)
    clock.advance(days=1)
    assert refer(ref, referred, centre["id"]).status_code == 201
    response = stages(ref, [waiting, assessed, referred, str(uuid.uuid4())])
    assert response.status_code == 200, response.get_data(as_text=True)
    found = {item["child_id"]: item for item in response.get_json()["items"]}
    assert {k: v["stage"] for k, v in found.items()} == {
        waiting: "registered", assessed: "assessed", referred: "referred",
    }  # fmt: skip
    assert found[referred]["stages"]["referred"] is not None
    assert found[waiting]["stages"]["assessed"] is None
    assert set(found[waiting]) == {"child_id", "stage", "stages"}


def test_a_scheduled_assessment_is_a_stage_until_it_is_done(ref, clock):
    child = register_child(ref)
    clock.advance(days=1)
    feed(ref, "assessment.scheduled", {
        "assessment_id": str(uuid.uuid4()), "child_id": child,
        "scheduled_for": "2026-12-10T10:00:00+05:00", "place": "Rudaki health centre",
    }, producer="assessment")  # fmt: skip
    assert stages(ref, [child]).get_json()["items"][0]["stage"] == "scheduled"
    clock.advance(days=1)
    assess(ref, child)
    assert stages(ref, [child]).get_json()["items"][0]["stage"] == "assessed"


def test_another_district_child_is_absent(ref):
    home, away = register_child(ref), register_child(ref, district="khujand")
    response = stages(ref, [home, away], role="sah_worker")
    assert [item["child_id"] for item in response.get_json()["items"]] == [home]
    everywhere = stages(ref, [home, away], role="admin", districts=())
    assert {item["child_id"] for item in everywhere.get_json()["items"]} == {home, away}


def test_a_declined_child_on_the_waiting_list_shows_as_waiting(ref):
    centre = add_provider(ref, name="Rudaki centre", places=1)
    staff = provider_user(ref, centre["id"])
    child, served = register_child(ref), register_child(ref)
    assess(ref, child)
    assess(ref, served)
    taken = refer(ref, served, centre["id"]).get_json()
    assert act(ref, taken["id"], "accept", {"start_date": "2026-12-20"}, staff).status_code == 200
    referral = refer(ref, child, centre["id"]).get_json()
    assert act(ref, referral["id"], "decline", {"reason": "no_capacity"}, staff).status_code == 200
    assert stages(ref, [child]).get_json()["items"][0]["stage"] == "declined"
    body = {"child_id": child, "service_type": "day_care"}
    cm = ref.auth("case_manager", ["rudaki"])
    assert ref.client.post("/waitlist", json=body, headers=cm).status_code == 201
    assert stages(ref, [child]).get_json()["items"][0]["stage"] == "waitlisted"


def test_a_provider_is_refused_whatever_it_asks(ref):
    centre = add_provider(ref, name="Rudaki centre", places=1)
    child = register_child(ref)
    refused = stages(ref, [child], role="provider", districts=(), provider_id=centre["id"])
    assert refused.status_code == 403
    assert stages(ref, ["not-an-id"], role="provider", districts=(),
                  provider_id=centre["id"]).status_code == 403  # fmt: skip


def test_bad_ids_are_refused_with_field_messages(ref):
    assert stages(ref, []).status_code == 422
    bad = stages(ref, ["not-an-id"])
    assert bad.status_code == 422
    assert "child_id" in bad.get_data(as_text=True)
    too_many = stages(ref, [str(uuid.uuid4()) for _ in range(101)])
    assert too_many.status_code == 422


def test_each_child_shown_is_audited(ref):
    child = register_child(ref)
    assert stages(ref, [child]).status_code == 200
    with ref.runtime.unit_of_work() as uow:
        count = uow.session.scalar(
            select(func.count()).select_from(ACCESS_AUDIT).where(ACCESS_AUDIT.c.child_id == child)
        )
    assert count == 1
