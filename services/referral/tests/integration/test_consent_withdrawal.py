"""Consent withdrawn: the child's data is erased, open referrals end, queues let the child go."""

import pytest
from sqlalchemy import select, update

from services.referral.models import ChildRecord, Referral

from .support import (
    act,
    add_provider,
    case_manager,
    feed,
    outbox,
    provider_user,
    refer,
    register_child,
)

pytestmark = pytest.mark.integration


def withdraw(service, child):
    feed(service, "child.consent_withdrawn", {"child_id": child})


def stored_child(service, child_id):
    with service.runtime.db.session() as session:
        return session.execute(select(ChildRecord).where(ChildRecord.id == child_id)).scalar_one()


def test_personal_data_is_erased_and_open_referrals_cancelled(service):
    provider = add_provider(service)
    child = register_child(service)
    referral = refer(service, child, provider["id"]).get_json()
    withdraw(service, child)
    record = stored_child(service, child)
    personal = (
        record.given_name,
        record.family_name,
        record.date_of_birth,
        record.guardian_name,
        record.guardian_phone,
    )
    assert personal == (None,) * 5
    assert record.district_code == "rudaki" and record.erased_at is not None
    read = service.client.get(
        f"/referrals/{referral['id']}", headers=case_manager(service)
    ).get_json()
    assert (read["status"], read["cancel_reason"]) == ("cancelled", "consent_withdrawn")
    assert read["guardian"] == {"name": None, "phone": None}
    [event] = outbox(service, "referral.cancelled")
    assert event["payload"]["reason"] == "consent_withdrawn"


def test_no_new_referral_or_waiting_after_withdrawal(service):
    provider = add_provider(service)
    child = register_child(service)
    withdraw(service, child)
    refused = refer(service, child, provider["id"])
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "consent_required"
    body = {"child_id": child, "service_type": "day_care"}
    waited = service.client.post("/waitlist", json=body, headers=case_manager(service))
    assert waited.get_json()["error"]["code"] == "consent_required"


def test_later_events_do_not_bring_the_data_back(service):
    child = register_child(service)
    withdraw(service, child)
    feed(service, "child.updated", {"child_id": child, "changes": {"child": {"given_name": "X"}}})
    assert stored_child(service, child).given_name is None


def test_the_freed_place_goes_to_the_next_waiting_child(service):
    provider = add_provider(service, places=1)
    placed_child = register_child(service)
    referral = refer(service, placed_child, provider["id"]).get_json()
    act(
        service,
        referral["id"],
        "accept",
        {"start_date": "2026-12-01"},
        provider_user(service, provider["id"]),
    )
    waiting = register_child(service)
    body = {"child_id": waiting, "service_type": "day_care"}
    assert (
        service.client.post("/waitlist", json=body, headers=case_manager(service)).status_code
        == 201
    )
    withdraw(service, placed_child)
    auto = [
        e["payload"]["child_id"]
        for e in outbox(service, "referral.sent")
        if e["payload"]["automatic"]
    ]
    assert auto == [waiting]


def test_a_withdrawn_child_leaves_the_waiting_list(service):
    provider = add_provider(service, places=0)
    child = register_child(service)
    body = {"child_id": child, "service_type": "day_care"}
    assert (
        service.client.post("/waitlist", json=body, headers=case_manager(service)).status_code
        == 201
    )
    withdraw(service, child)
    assert service.client.get("/waitlist", headers=case_manager(service)).get_json()["total"] == 0
    service.client.patch(
        f"/providers/{provider['id']}", json={"places": 3}, headers=service.auth("admin")
    )
    assert outbox(service, "referral.sent") == []


def test_the_place_a_withdrawn_child_frees_is_never_offered_back_to_that_child(service):
    provider = add_provider(service, places=1, service_types=["day_care", "home_based"])
    child = register_child(service)
    referral = refer(service, child, provider["id"]).get_json()
    act(
        service,
        referral["id"],
        "accept",
        {"start_date": "2026-12-01"},
        provider_user(service, provider["id"]),
    )
    body = {"child_id": child, "service_type": "home_based"}
    assert (
        service.client.post("/waitlist", json=body, headers=case_manager(service)).status_code
        == 201
    )
    withdraw(service, child)
    assert [e for e in outbox(service, "referral.sent") if e["payload"]["automatic"]] == []


def _mark_published(service) -> None:
    table = service.runtime.tables.outbox
    with service.runtime.db.session() as session:
        session.execute(update(table).values(published_at=service.runtime.now()))


def test_withdrawal_erases_notes_and_what_was_published_about_the_child(service, clock):
    provider = add_provider(service, places=5)
    staff = provider_user(service, provider["id"])
    child = register_child(service)
    declined = refer(service, child, provider["id"]).get_json()
    act(
        service,
        declined["id"],
        "decline",
        {"reason": "other", "note": "Модараш Гулнора рад кард"},
        staff,
    )
    done = refer(service, child, provider["id"]).get_json()
    for action, body in (
        ("accept", {"start_date": "2026-11-25"}),
        ("start", {}),
        ("complete", {"outcome": "Фарзона ба Маскав рафт"}),
    ):
        assert act(service, done["id"], action, body, staff).status_code == 200
    stopped = refer(service, child, provider["id"]).get_json()
    act(
        service,
        stopped["id"],
        "cancel",
        {"reason": "Падараш Раҳим зидди он аст"},
        case_manager(service),
    )
    _mark_published(service)

    withdraw(service, child)

    with service.runtime.db.session() as session:
        rows = session.execute(select(Referral).where(Referral.child_id == child)).scalars()
        kept = {
            (r.decline_note, r.outcome_note, r.cancel_note, r.outcome, r.cancel_reason)
            for r in rows
        }
    assert kept == {
        (None, None, None, None, None),
        (None, None, None, "other", None),
        (None, None, None, None, "other"),
    }
    published = outbox(service)
    assert published and all(e["payload"] == {"child_id": child, "erased": True} for e in published)
    for word in ("Гулнора", "Маскав", "Раҳим"):
        assert word not in str(outbox(service))
