"""The phone's queue endpoint: one registration per Idempotency-Key, answers the page acts on."""

from __future__ import annotations

from services.portal.tests.fakes import api_error
from services.portal.tests.unit.test_registration import CHILD_ID, FORM, _stored

KEY = "9f2c1d7e-5a4b-4c3d-8e2f-1a0b9c8d7e6f"
FIELDS = {k: v for k, v in FORM.items() if k != "idempotency_key"}


def _send(client, token, key=KEY, fields=FIELDS):
    return client.post(
        "/children/queue",
        json={"fields": fields},
        headers={"X-CSRFToken": token, "Idempotency-Key": key},
    )


def test_a_queued_registration_is_forwarded_with_the_phones_key(client, login, fake_apis):
    token = login(client, "phw")
    fake_apis.intake.answer("POST", "/children", _stored)
    answer = _send(client, token)
    assert answer.status_code == 201
    assert answer.json["status"] == "sent" and answer.json["child_id"] == CHILD_ID
    assert answer.json["next"] == f"/children?registered={CHILD_ID}"
    assert fake_apis.intake.calls[-1].headers["Idempotency-Key"] == KEY


def test_without_the_csrf_header_nothing_is_sent(client, login, fake_apis):
    login(client, "phw")
    answer = client.post(
        "/children/queue", json={"fields": FIELDS}, headers={"Idempotency-Key": KEY}
    )
    assert answer.status_code == 400 and fake_apis.intake.calls == []


def test_an_expired_session_answers_login_and_keeps_nothing(client, fake_apis):
    answer = client.get("/children/queue/token")
    assert answer.status_code == 401 and answer.json["status"] == "login"


def test_duplicates_and_field_errors_need_the_worker(client, login, fake_apis):
    token = login(client, "phw")
    fake_apis.intake.answer(
        "POST", "/children", api_error(409, "likely_duplicate", candidates=[{"id": CHILD_ID}])
    )
    assert _send(client, token).json["kind"] == "duplicate"
    fields = {"child": {"given_name": ["Enter a name."]}}
    fake_apis.intake.answer("POST", "/children", api_error(422, "validation_error", fields))
    answer = _send(client, token)
    assert answer.status_code == 422 and "child.given_name" in answer.json["fields"]


def test_an_unreachable_intake_leaves_it_waiting(client, login, fake_apis):
    token = login(client, "phw")
    fake_apis.intake.down = True
    answer = _send(client, token)
    assert answer.status_code == 503 and answer.json["status"] == "waiting"


def test_a_provider_cannot_queue_registrations(client, login, fake_apis):
    token = login(client, "provider")
    assert _send(client, token).status_code == 403 and fake_apis.intake.calls == []
