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


def withdraw(ref, child):
    feed(ref, "child.consent_withdrawn", {"child_id": child})


def stored_child(ref, child_id):
    with ref.runtime.db.session() as session:
        return session.execute(select(ChildRecord).where(ChildRecord.id == child_id)).scalar_one()


def test_personal_data_is_erased_and_open_referrals_cancelled(ref):
    provider = add_provider(ref)
    child = register_child(ref)
    referral = refer(ref, child, provider["id"]).get_json()
    withdraw(ref, child)
    record = stored_child(ref, child)
    personal = (record.given_name, record.family_name, record.date_of_birth,
                record.guardian_name, record.guardian_phone)  # fmt: skip
    assert personal == (None,) * 5
    assert record.district_code == "rudaki" and record.erased_at is not None
    read = ref.client.get(f"/referrals/{referral['id']}", headers=case_manager(ref)).get_json()
    assert (read["status"], read["cancel_reason"]) == ("cancelled", "consent_withdrawn")
    assert read["guardian"] == {"name": None, "phone": None}
    [event] = outbox(ref, "referral.cancelled")
    assert event["payload"]["reason"] == "consent_withdrawn"


def test_no_new_referral_or_waiting_after_withdrawal(ref):
    provider = add_provider(ref)
    child = register_child(ref)
    withdraw(ref, child)
    refused = refer(ref, child, provider["id"])
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "consent_required"
    body = {"child_id": child, "service_type": "day_care"}
    waited = ref.client.post("/waitlist", json=body, headers=case_manager(ref))
    assert waited.get_json()["error"]["code"] == "consent_required"


def test_later_events_do_not_bring_the_data_back(ref):
    child = register_child(ref)
    withdraw(ref, child)
    feed(ref, "child.updated", {"child_id": child, "changes": {"child": {"given_name": "X"}}})
    assert stored_child(ref, child).given_name is None


def test_the_freed_place_goes_to_the_next_waiting_child(ref):
    provider = add_provider(ref, places=1)
    placed_child = register_child(ref)
    referral = refer(ref, placed_child, provider["id"]).get_json()
    act(
        ref,
        referral["id"],
        "accept",
        {"start_date": "2026-12-01"},
        provider_user(ref, provider["id"]),
    )
    waiting = register_child(ref)
    body = {"child_id": waiting, "service_type": "day_care"}
    assert ref.client.post("/waitlist", json=body, headers=case_manager(ref)).status_code == 201
    withdraw(ref, placed_child)
    auto = [
        e["payload"]["child_id"] for e in outbox(ref, "referral.sent") if e["payload"]["automatic"]
    ]
    assert auto == [waiting]


def test_a_withdrawn_child_leaves_the_waiting_list(ref):
    provider = add_provider(ref, places=0)
    child = register_child(ref)
    body = {"child_id": child, "service_type": "day_care"}
    assert ref.client.post("/waitlist", json=body, headers=case_manager(ref)).status_code == 201
    withdraw(ref, child)
    assert ref.client.get("/waitlist", headers=case_manager(ref)).get_json()["total"] == 0
    ref.client.patch(f"/providers/{provider['id']}", json={"places": 3}, headers=ref.auth("admin"))
    assert outbox(ref, "referral.sent") == []


def test_the_place_a_withdrawn_child_frees_is_never_offered_back_to_that_child(ref):
    provider = add_provider(ref, places=1, service_types=["day_care", "home_based"])
    child = register_child(ref)
    referral = refer(ref, child, provider["id"]).get_json()
    act(
        ref,
        referral["id"],
        "accept",
        {"start_date": "2026-12-01"},
        provider_user(ref, provider["id"]),
    )
    body = {"child_id": child, "service_type": "home_based"}
    assert ref.client.post("/waitlist", json=body, headers=case_manager(ref)).status_code == 201
    withdraw(ref, child)
    assert [e for e in outbox(ref, "referral.sent") if e["payload"]["automatic"]] == []


def _mark_published(ref) -> None:
    table = ref.runtime.tables.outbox
    with ref.runtime.db.session() as session:
        session.execute(update(table).values(published_at=ref.runtime.now()))


def test_withdrawal_erases_notes_and_what_was_published_about_the_child(ref, clock):
    provider = add_provider(ref, places=5)
    staff = provider_user(ref, provider["id"])
    child = register_child(ref)
    declined = refer(ref, child, provider["id"]).get_json()
    act(ref, declined["id"], "decline", {"reason": "other", "note": "Модараш Гулнора рад кард"},
        staff)  # fmt: skip
    done = refer(ref, child, provider["id"]).get_json()
    for action, body in (("accept", {"start_date": "2026-11-25"}), ("start", {}),
                         ("complete", {"outcome": "Фарзона ба Маскав рафт"})):  # fmt: skip
        assert act(ref, done["id"], action, body, staff).status_code == 200
    stopped = refer(ref, child, provider["id"]).get_json()
    act(ref, stopped["id"], "cancel", {"reason": "Падараш Раҳим зидди он аст"}, case_manager(ref))
    _mark_published(ref)

    withdraw(ref, child)

    with ref.runtime.db.session() as session:
        rows = session.execute(select(Referral).where(Referral.child_id == child)).scalars()
        kept = {(r.decline_note, r.outcome_note, r.cancel_note, r.outcome, r.cancel_reason)
                for r in rows}  # fmt: skip
    assert kept == {(None, None, None, None, None), (None, None, None, "other", None),
                    (None, None, None, None, "other")}  # fmt: skip
    published = outbox(ref)
    assert published and all(e["payload"] == {"child_id": child, "erased": True}
                             for e in published)  # fmt: skip
    for word in ("Гулнора", "Маскав", "Раҳим"):
        assert word not in str(outbox(ref))
