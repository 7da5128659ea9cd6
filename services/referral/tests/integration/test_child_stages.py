"""GET /children/stages: where a health worker's children stand, only in their districts."""

import uuid

import pytest
from sqlalchemy import func, select

from services.referral.models import ACCESS_AUDIT

from .support import (
    act,
    add_provider,
    assess,
    feed,
    full_centre,
    refer,
    register_child,
)

pytestmark = pytest.mark.integration


def stages(service, ids, role="phw", districts=("rudaki",), **extra):
    query = "&".join(f"child_id={child_id}" for child_id in ids)
    headers = service.auth(role, list(districts), **extra)
    return service.client.get(f"/children/stages?{query}", headers=headers)


def test_a_health_worker_sees_each_child_stage_in_their_district(service, clock):
    centre = add_provider(service, name="Rudaki centre", places=1)
    waiting, assessed, referred = (register_child(service) for _ in range(3))
    clock.advance(days=1)
    assess(service, assessed)
    assess(service, referred)
    clock.advance(days=1)
    assert refer(service, referred, centre["id"]).status_code == 201
    response = stages(service, [waiting, assessed, referred, str(uuid.uuid4())])
    assert response.status_code == 200, response.get_data(as_text=True)
    found = {item["child_id"]: item for item in response.get_json()["items"]}
    assert {k: v["stage"] for k, v in found.items()} == {
        waiting: "registered",
        assessed: "assessed",
        referred: "referred",
    }
    assert found[referred]["stages"]["referred"] is not None
    assert found[waiting]["stages"]["assessed"] is None
    assert set(found[waiting]) == {"child_id", "stage", "stages"}


def test_a_scheduled_assessment_is_a_stage_until_it_is_done(service, clock):
    child = register_child(service)
    clock.advance(days=1)
    feed(
        service,
        "assessment.scheduled",
        {
            "assessment_id": str(uuid.uuid4()),
            "child_id": child,
            "scheduled_for": "2026-12-10T10:00:00+05:00",
            "place": "Rudaki health centre",
        },
        producer="assessment",
    )
    assert stages(service, [child]).get_json()["items"][0]["stage"] == "scheduled"
    clock.advance(days=1)
    assess(service, child)
    assert stages(service, [child]).get_json()["items"][0]["stage"] == "assessed"


def test_another_district_child_is_absent(service):
    home, away = register_child(service), register_child(service, district="khujand")
    response = stages(service, [home, away], role="sah_worker")
    assert [item["child_id"] for item in response.get_json()["items"]] == [home]
    everywhere = stages(service, [home, away], role="admin", districts=())
    assert {item["child_id"] for item in everywhere.get_json()["items"]} == {home, away}


def test_a_declined_child_on_the_waiting_list_shows_as_waiting(service):
    child, served = register_child(service), register_child(service)
    assess(service, child)
    assess(service, served)
    centre, staff, _taken = full_centre(service, served)
    referral = refer(service, child, centre["id"]).get_json()
    assert (
        act(service, referral["id"], "decline", {"reason": "no_capacity"}, staff).status_code == 200
    )
    assert stages(service, [child]).get_json()["items"][0]["stage"] == "declined"
    body = {"child_id": child, "service_type": "day_care"}
    cm = service.auth("case_manager", ["rudaki"])
    assert service.client.post("/waitlist", json=body, headers=cm).status_code == 201
    assert stages(service, [child]).get_json()["items"][0]["stage"] == "waitlisted"


def test_a_provider_is_refused_whatever_it_asks(service):
    centre = add_provider(service, name="Rudaki centre", places=1)
    child = register_child(service)
    refused = stages(service, [child], role="provider", districts=(), provider_id=centre["id"])
    assert refused.status_code == 403
    assert (
        stages(
            service, ["not-an-id"], role="provider", districts=(), provider_id=centre["id"]
        ).status_code
        == 403
    )


def test_bad_ids_are_refused_with_field_messages(service):
    assert stages(service, []).status_code == 422
    bad = stages(service, ["not-an-id"])
    assert bad.status_code == 422
    assert "child_id" in bad.get_data(as_text=True)
    too_many = stages(service, [str(uuid.uuid4()) for _ in range(101)])
    assert too_many.status_code == 422


def test_each_child_shown_is_audited(service):
    child = register_child(service)
    assert stages(service, [child]).status_code == 200
    with service.runtime.unit_of_work() as uow:
        count = uow.session.scalar(
            select(func.count()).select_from(ACCESS_AUDIT).where(ACCESS_AUDIT.c.child_id == child)
        )
    assert count == 1
