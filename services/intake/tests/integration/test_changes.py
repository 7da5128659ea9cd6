import json

import pytest
from sqlalchemy import select

from services.intake.models import Child, IdempotencyKey
from shared.testing import wait_for

from .helpers import auth, register, registration

pytestmark = pytest.mark.integration


def _patch(service, child_id, body, role="phw", districts=("rudaki",)):
    return service.client.patch(
        f"/children/{child_id}", json=body, headers=auth(service, role, districts)
    )


def test_corrections_are_saved_and_published_with_what_changed(service, tap):
    child_id = register(service).get_json()["id"]

    response = _patch(
        service,
        child_id,
        {
            "child": {
                "family_name": "  Раҳимзода ",
                "given_name": "Фарзона",
                "village": "Гулистон-2",
            },
            "guardian": {"phone": "(37) 222-33-44", "language": "ru", "sms_consent": False},
        },
    )

    assert response.status_code == 200, response.get_json()
    child = response.get_json()
    assert child["child"]["family_name"] == "Раҳимзода"
    assert child["guardian"]["phone"] == "+992372223344"
    assert child["guardian"]["sms_capable"] is False
    assert child["updated_at"] == "2026-11-25T05:00:00+00:00"
    event = tap.wait_for("child.updated", where=lambda e: e["correlation_id"] == child_id)
    assert event["payload"]["changes"] == {
        "child": {"family_name": "Раҳимзода", "village": "Гулистон-2"},
        "guardian": {
            "phone": "+992372223344",
            "sms_capable": False,
            "language": "ru",
            "sms_consent": False,
        },
    }
    assert event["payload"]["updated_by"] == {"sub": "phw-rudaki", "role": "phw"}
    found = service.client.get("/children?q=Rahimzoda", headers=auth(service)).get_json()
    assert [c["id"] for c in found["items"]] == [child_id]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"id": "5d1c3a8e-0000-4000-8000-000000000000"}, "id"),
        ({"registered_by": {"sub": "x", "role": "admin"}}, "registered_by"),
        ({"registered_at": "2020-01-01T00:00:00+00:00"}, "registered_at"),
        # Registration facts are corrected only with a reason (test_corrections.py).
        ({"child": {"date_of_birth": "2020-01-01"}}, "reason"),
        ({"child": {"district_code": "vahdat"}}, "reason"),
        ({"guardian": {"phone": "12"}}, "guardian"),
        ({"child": {"nickname": "Фара"}}, "child"),
    ],
)
def test_what_cannot_be_changed_is_refused_and_nothing_changes(service, body, field):
    before = register(service).get_json()

    response = _patch(service, before["id"], body)

    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    after = service.client.get(f"/children/{before['id']}", headers=auth(service)).get_json()
    assert after == before


def test_a_correction_outside_the_workers_districts_is_404(service):
    child_id = register(service).get_json()["id"]
    response = _patch(service, child_id, {"child": {"village": "Х"}}, districts=("vahdat",))
    assert response.status_code == 404


def test_withdrawing_consent_erases_the_personal_data_and_keeps_a_tombstone(service, tap):
    created = register(service, headers={"Idempotency-Key": "k-withdraw"}).get_json()
    child_id = created["id"]
    tap.wait_for("child.registered", where=lambda e: e["correlation_id"] == child_id)
    wait_for(lambda: _unsent(service) == 0, message="the registration marked as published")

    response = service.client.post(
        f"/children/{child_id}/withdraw-consent",
        json={"withdrawn_by": "mother"},
        headers=auth(service),
    )

    tombstone = {
        "id": child_id,
        "status": "consent_withdrawn",
        "district_code": "rudaki",
        "birth_year": 2023,
        "registered_at": "2026-11-25T05:00:00+00:00",
        "consent_withdrawn_at": "2026-11-25T05:00:00+00:00",
    }
    assert response.status_code == 200
    assert response.get_json() == tombstone
    event = tap.wait_for("child.consent_withdrawn", where=lambda e: e["correlation_id"] == child_id)
    assert event["payload"]["child_id"] == child_id
    assert (
        service.client.get(f"/children/{child_id}", headers=auth(service)).get_json() == tombstone
    )
    listed = service.client.get("/children", headers=auth(service)).get_json()["items"]
    assert listed == [tombstone]
    assert service.client.get("/children?q=Фарзона", headers=auth(service)).get_json()["total"] == 0
    replayed = register(service, headers={"Idempotency-Key": "k-withdraw"})
    assert "Фарзона" not in replayed.get_data(as_text=True)
    _assert_nothing_personal_is_stored(service, child_id)


def _unsent(service):
    outbox = service.runtime.tables.outbox
    with service.runtime.db.session() as session:
        return len(
            session.execute(select(outbox.c.id).where(outbox.c.published_at.is_(None))).all()
        )


def _assert_nothing_personal_is_stored(service, child_id):
    with service.runtime.db.session() as session:
        child = session.get(Child, child_id)
        stored = [getattr(child, c.key) for c in Child.__table__.columns]
        responses = session.execute(select(IdempotencyKey.response)).scalars().all()
        outbox = service.runtime.tables.outbox
        bodies = session.execute(select(outbox.c.body)).scalars().all()
    text = json.dumps([stored, responses, bodies], default=str, ensure_ascii=False)
    for personal in ("Фарзона", "Раҳимова", "Гулнора", "931234567", "2023-04-12", "Гулистон"):
        assert personal not in text


def test_after_withdrawal_the_record_cannot_be_corrected(service):
    child_id = register(service).get_json()["id"]
    service.client.post(f"/children/{child_id}/withdraw-consent", headers=auth(service))
    response = _patch(service, child_id, {"child": {"village": "Гулистон"}})
    assert response.status_code == 409


def test_withdrawing_twice_publishes_one_event(service, tap):
    child_id = register(service).get_json()["id"]
    wait_for(lambda: _unsent(service) == 0, message="the registration marked as published")
    for _ in range(2):
        response = service.client.post(
            f"/children/{child_id}/withdraw-consent", headers=auth(service)
        )
        assert response.status_code == 200
    wait_for(lambda: tap.of_type("child.consent_withdrawn"), message="child.consent_withdrawn")
    outbox = service.runtime.tables.outbox
    with service.runtime.db.session() as session:
        types = session.execute(select(outbox.c.event_type)).scalars().all()
    assert sorted(types) == ["child.consent_withdrawn", "child.registered"]


def test_withdrawal_before_the_relay_ran_leaves_no_unsent_copy_of_the_data(service):
    body = registration(screening={"urgent": True, "urgent_reason": "Модараш Гулнора бемор аст"})
    child_id = register(service, body).get_json()["id"]
    _patch(service, child_id, {"guardian": {"phone": "93 555 1234"}})

    service.client.post(f"/children/{child_id}/withdraw-consent", headers=auth(service))

    outbox = service.runtime.tables.outbox
    with service.runtime.db.session() as session:
        types = session.execute(select(outbox.c.event_type)).scalars().all()
    assert types == ["child.consent_withdrawn"]
    _assert_nothing_personal_is_stored(service, child_id)
