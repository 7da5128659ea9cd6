"""The provider directory's pages against a fake referral API."""

from __future__ import annotations

PID = "22222222-2222-4222-8222-222222222222"
FORM = {
    "name": "Маркази рушд", "service_types": ["day_care"], "districts_served": ["rudaki", "hisor"],
    "district_code": "rudaki", "places": "12", "min_age": "0", "max_age": "6",
    "languages": ["tg", "ru"], "accredited": "true", "last_inspection_date": "03.11.2026",
    "latitude": "38,46", "longitude": "68.8",
}  # fmt: skip


def test_admin_adds_a_provider(client, login, fake_apis):
    fake_apis.referral.answer("POST", "/providers", {"id": PID})
    token = login(client, "admin")
    answer = client.post("/admin/providers/new", data={**FORM, "csrf_token": token})
    assert answer.status_code == 303 and answer.headers["Location"].endswith(PID)
    sent = fake_apis.referral.calls[-1].json
    assert sent["districts_served"] == ["rudaki", "hisor"] and sent["places"] == 12
    assert (sent["last_inspection_date"], sent["latitude"], sent["accredited"]) == (
        "2026-11-03", 38.46, True)  # fmt: skip


def test_bad_answers_are_named_and_nothing_is_sent(client, login, fake_apis):
    token = login(client, "admin")
    bad = {**FORM, "name": "", "places": "many", "min_age": "9", "csrf_token": token}
    answer = client.post("/admin/providers/new?lang=en", data=bad)
    assert answer.status_code == 422
    for name in ("name", "places", "min_age"):
        assert f'id="f-{name}-error"' in answer.text
    assert fake_apis.referral.calls == []


def test_deactivating_sends_active_false(client, login, fake_apis):
    fake_apis.referral.answer("PATCH", f"/providers/{PID}", {"id": PID, "active": False})
    token = login(client, "admin")
    answer = client.post(f"/admin/providers/{PID}/active",
                         data={"active": "false", "csrf_token": token})  # fmt: skip
    assert answer.status_code == 303
    assert fake_apis.referral.calls[-1].json == {"active": False}


def test_only_admins_manage_providers(client, login):
    login(client, "case_manager")
    assert client.get("/admin/providers").status_code == 403


def test_the_edit_form_shows_a_zero_age(client, login, fake_apis):
    stored = {
        "id": PID, "name": "Маркази рушд", "min_age": 0, "max_age": 6, "places": 0,
        "service_types": ["day_care"], "districts_served": ["rudaki"], "active": True,
    }  # fmt: skip
    fake_apis.referral.answer("GET", f"/providers/{PID}", stored)
    login(client, "admin")
    page = client.get(f"/admin/providers/{PID}").text
    assert 'name="min_age" type="text" value="0"' in page
