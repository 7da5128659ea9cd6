"""The registration form: the body sent to intake, errors next to fields, duplicates, landline."""

from __future__ import annotations

from services.portal.tests.fakes import api_error

CHILD_ID = "11111111-2222-4333-8444-555555555555"
FORM = {
    "child.given_name": "Фарзона", "child.family_name": "Раҳимова", "child.sex": "female",
    "child.date_of_birth": "12.04.2023", "child.district_code": "rudaki",
    "child.village": "Гулистон", "guardian.name": "Гулнора Раҳимова",
    "guardian.relationship": "mother", "guardian.phone": "93 123 4567",
    "guardian.language": "tg", "guardian.sms_consent": "true", "consent.data_sharing": "true",
    "consent.given_by": "mother", "screening.concerns": ["walking", "communication"],
    "screening.source": "phw", "idempotency_key": "0b9a6c52-6f0e-4b61-9f3e-2d8a1c7e5f40",
}  # fmt: skip


def _stored(json, params, headers):
    return {"id": CHILD_ID, **json, "guardian": {**json["guardian"], "sms_capable": True}}


def test_the_form_offers_only_the_workers_districts_in_tajik(client, login):
    login(client, "phw")
    page = client.get("/children/new").text
    assert 'name="child.district_code"' in page and 'value="rudaki"' in page
    assert 'value="vahdat"' not in page
    for name in ("child.given_name", "guardian.phone", "screening.concerns", "screening.urgent"):
        assert f'name="{name}"' in page


def test_a_registration_is_sent_with_the_api_body_and_the_forms_idempotency_key(
    client, login, fake_apis
):
    token = login(client, "phw")
    fake_apis.intake.answer("POST", "/children", _stored)
    answer = client.post("/children/new", data={**FORM, "csrf_token": token})
    assert answer.status_code == 303
    call = fake_apis.intake.calls[-1]
    assert call.headers["Idempotency-Key"] == FORM["idempotency_key"]
    assert call.json["child"]["date_of_birth"] == "2023-04-12"
    assert call.json["screening"]["concerns"] == ["walking", "communication"]
    assert call.json["guardian"]["sms_consent"] is True
    assert call.json["consent"]["data_sharing"] is True
    assert call.json["confirmed_new"] is False


def test_api_field_errors_are_shown_next_to_their_fields(client, login, fake_apis):
    token = login(client, "phw")
    fields = {"guardian": {"phone": ["This is not a valid Tajik mobile or landline number."]}}
    fake_apis.intake.answer("POST", "/children", api_error(422, "validation_error", fields))
    page = client.post("/children/new", data={**FORM, "csrf_token": token})
    assert page.status_code == 422
    html = page.text
    assert 'id="f-guardian-phone-error"' in html
    start = html.index('id="f-guardian-phone"')
    tag = html[html.rfind("<input", 0, start) : html.index(">", start)]
    assert 'aria-invalid="true"' in tag and "f-guardian-phone-error" in tag
    assert "Гулнора Раҳимова" in html  # what was typed stays


def test_a_bad_date_is_refused_before_asking_the_api(client, login, fake_apis):
    token = login(client, "phw")
    page = client.post(
        "/children/new", data={**FORM, "child.date_of_birth": "31.02.2023", "csrf_token": token}
    )
    assert page.status_code == 422 and 'id="f-child-date_of_birth-error"' in page.text
    assert fake_apis.intake.calls == []


def test_another_district_is_refused(client, login, fake_apis):
    token = login(client, "phw")
    page = client.post(
        "/children/new", data={**FORM, "child.district_code": "vahdat", "csrf_token": token}
    )
    assert page.status_code == 422 and 'id="f-child-district_code-error"' in page.text
    assert fake_apis.intake.calls == []


def test_a_likely_duplicate_shows_the_candidates_and_both_ways_out(client, login, fake_apis):
    token = login(client, "phw")
    candidate = {"id": CHILD_ID, "given_name": "Фарзона", "family_name": "Раҳимова",
                 "date_of_birth": "2023-04-12", "district_code": "rudaki", "village": "Гулистон",
                 "in_your_districts": True, "reasons": ["same_name"]}  # fmt: skip
    fake_apis.intake.answer(
        "POST", "/children", api_error(409, "likely_duplicate", candidates=[candidate])
    )
    page = client.post("/children/new", data={**FORM, "csrf_token": token})
    assert page.status_code == 409
    assert "12.04.2023" in page.text and f'name="same_child" value="{CHILD_ID}"' in page.text
    assert 'name="confirmed_new" value="true"' in page.text
    same = client.post("/children/new", data={**FORM, "same_child": CHILD_ID, "csrf_token": token})
    assert same.status_code == 303 and len(fake_apis.intake.calls) == 1
    fake_apis.intake.answer("POST", "/children", _stored)
    anyway = client.post(
        "/children/new", data={**FORM, "confirmed_new": "true", "csrf_token": token}
    )
    assert anyway.status_code == 303
    assert fake_apis.intake.calls[-1].json["confirmed_new"] is True


def test_a_landline_is_accepted_with_a_warning_that_no_sms_will_come(client, login, fake_apis):
    token = login(client, "phw")

    def landline(json, params, headers):
        return {"id": CHILD_ID, **json, "guardian": {**json["guardian"], "sms_capable": False}}

    fake_apis.intake.answer("POST", "/children", landline)
    fake_apis.intake.answer("GET", "/children", {"items": [], "total": 0})
    answer = client.post("/children/new", data={**FORM, "csrf_token": token}, follow_redirects=True)
    assert answer.status_code == 200
    assert 'id="landline-notice"' in answer.text and "SMS" in answer.text


def test_the_registration_service_being_down_is_said_plainly(client, login, fake_apis):
    token = login(client, "phw")
    fake_apis.intake.down = True
    page = client.post("/children/new", data={**FORM, "csrf_token": token})
    assert page.status_code == 503
    assert "Traceback" not in page.text and "{" not in page.text.split("<main")[1][:400]
