from datetime import UTC, datetime

import pytest

from services.intake.models import Child

from .conftest import count
from .helpers import auth, register, registration

pytestmark = pytest.mark.integration


def test_a_health_worker_registers_a_child_and_the_event_carries_it(service, tap):
    response = register(service, role="phw", districts=("rudaki",))

    assert response.status_code == 201, response.get_json()
    child = response.get_json()
    assert child["child"]["given_name"] == "Фарзона"
    assert child["child"]["family_name"] == "Раҳимова"
    assert child["guardian"]["phone"] == "+992931234567"
    assert child["guardian"]["sms_capable"] is True
    assert child["registered_by"] == {"sub": "phw-rudaki", "role": "phw"}
    assert child["registered_at"] == "2026-11-25T05:00:00+00:00"
    assert child["referral_allowed"] is True

    event = tap.wait_for("child.registered", where=lambda e: e["correlation_id"] == child["id"])
    assert event["producer"] == "intake"
    payload = event["payload"]
    assert payload["child_id"] == child["id"]
    assert payload["child"]["date_of_birth"] == "2023-04-12"
    assert payload["child"]["district_code"] == "rudaki"
    assert payload["child"]["village"] == "Гулистон"
    assert payload["guardian"] == {
        "name": "Гулнора Раҳимова",
        "relationship": "mother",
        "phone": "+992931234567",
        "sms_capable": True,
        "language": "tg",
        "sms_consent": True,
    }
    assert payload["consent"]["data_sharing"] is True
    assert payload["screening"]["concerns"] == ["walking", "communication"]
    assert payload["screening"]["urgent"] is False
    assert payload["registered_by"] == {"sub": "phw-rudaki", "role": "phw"}


def test_registered_by_comes_from_the_token_never_from_the_body(service):
    body = registration()
    body["registered_by"] = {"sub": "someone-else", "role": "admin"}

    response = register(service, body)

    assert response.status_code == 422
    assert "registered_by" in response.get_json()["error"]["fields"]
    assert count(service, Child) == 0


def test_every_bad_field_is_named_and_nothing_is_written(service):
    body = registration(
        child={"given_name": "Farzona2", "sex": "girl", "district_code": "atlantis"},
        guardian={"phone": "93 123 45", "relationship": "neighbour", "language": "de"},
        screening={"concerns": ["walking", "flying"], "urgent": True},
    )
    body["nickname"] = "Фара"

    response = register(service, body)

    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert set(fields["child"]) == {"given_name", "sex", "district_code"}
    assert set(fields["guardian"]) == {"phone", "relationship", "language"}
    assert set(fields["screening"]) == {"concerns", "urgent_reason"}
    assert fields["nickname"] == ["Unknown field."]
    assert count(service, Child) == 0
    assert count(service, service.runtime.tables.outbox) == 0


def test_malformed_json_is_a_400(service):
    response = service.client.post(
        "/children",
        data='{"child": {',
        headers={**auth(service), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


@pytest.mark.parametrize(
    ("date_of_birth", "status"),
    [
        ("2026-11-26", 422),  # tomorrow in Dushanbe
        ("2026-11-25", 201),
        ("2008-11-25", 422),  # eighteen today
        ("2008-11-26", 201),
    ],
)
def test_date_of_birth_must_be_past_and_under_eighteen(service, date_of_birth, status):
    response = register(service, registration(child={"date_of_birth": date_of_birth}))
    assert response.status_code == status, response.get_json()
    if status == 422:
        assert "date_of_birth" in response.get_json()["error"]["fields"]["child"]


def test_the_registration_day_is_the_day_in_dushanbe(service, clock):
    clock.set(datetime(2026, 11, 25, 20, 0, tzinfo=UTC))  # already 26 November in Dushanbe
    response = register(service, registration(child={"date_of_birth": "2026-11-26"}))
    assert response.status_code == 201, response.get_json()


@pytest.mark.parametrize(
    ("written", "e164", "sms_capable"),
    [
        ("00992 93 123 45 67", "+992931234567", True),
        ("992 93 123 45 67", "+992931234567", True),
        ("931234567", "+992931234567", True),
        ("(37) 222-33-44", "+992372223344", False),
    ],
)
def test_phones_are_stored_as_e164_and_landlines_are_not_sms_capable(
    service, written, e164, sms_capable
):
    response = register(service, registration(guardian={"phone": written}))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["guardian"]["phone"] == e164
    assert response.get_json()["guardian"]["sms_capable"] is sms_capable


def test_a_landline_with_sms_consent_is_accepted_with_a_warning(service):
    body = registration(guardian={"phone": "8 (37) 222-33-44", "sms_consent": True})
    response = register(service, body)

    assert response.status_code == 201, response.get_json()
    warnings = response.get_json()["warnings"]
    assert [w["code"] for w in warnings] == ["landline_no_sms"]
    assert "landline" in warnings[0]["message"]
    child_id = response.get_json()["id"]
    fixed = service.client.patch(
        f"/children/{child_id}", json={"guardian": {"phone": "93 123 4567"}}, headers=auth(service)
    )
    assert fixed.status_code == 200
    assert fixed.get_json()["warnings"] == []


def test_a_mobile_or_a_landline_without_sms_consent_has_no_warning(service):
    assert register(service).get_json()["warnings"] == []
    quiet = registration(guardian={"phone": "(37) 222-33-44", "sms_consent": False})
    quiet["confirmed_new"] = True
    assert register(service, quiet).get_json()["warnings"] == []


def test_a_foreign_number_is_refused(service):
    response = register(service, registration(guardian={"phone": "+7 916 123 4567"}))
    assert response.status_code == 422
    assert "Tajik" in response.get_json()["error"]["fields"]["guardian"]["phone"][0]


def test_without_consent_the_child_is_registered_but_cannot_be_referred(service, tap):
    response = register(service, registration(consent=None))

    assert response.status_code == 201
    assert response.get_json()["referral_allowed"] is False
    child_id = response.get_json()["id"]
    event = tap.wait_for("child.registered", where=lambda e: e["correlation_id"] == child_id)
    assert event["payload"]["consent"]["data_sharing"] is False


def test_refused_consent_is_recorded_with_who_and_when(service):
    body = registration(consent={"data_sharing": False, "given_by": "father"})
    consent = register(service, body).get_json()["consent"]
    assert consent == {
        "data_sharing": False,
        "given_by": "father",
        "recorded_at": "2026-11-25T05:00:00+00:00",
    }


def test_a_worker_registers_only_in_their_own_districts(service):
    response = register(service, registration(child={"district_code": "vahdat"}))
    assert response.status_code == 403
    assert count(service, Child) == 0


@pytest.mark.parametrize("role", ["phw", "sah_worker", "case_manager"])
def test_field_workers_and_case_managers_may_register(service, role):
    assert register(service, role=role).status_code == 201


@pytest.mark.parametrize("role", ["admin", "provider"])
def test_admins_and_providers_may_not_register(service, role):
    headers = auth(service, role, provider_id="p-1" if role == "provider" else None)
    response = service.client.post("/children", json=registration(), headers=headers)
    assert response.status_code == 403


def test_registering_needs_a_token(service):
    assert service.client.post("/children", json=registration()).status_code == 401
