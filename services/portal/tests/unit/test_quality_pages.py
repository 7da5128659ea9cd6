"""Inspections against fake quality and referral APIs: who sees what, the form, refusals."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, time, timedelta

import pytest

from services.portal.apis import ApiUnavailable
from services.portal.tests.conftest import PROVIDER_ID
from services.portal.tests.fakes import api_error

INSPECTION_ID = "1c1c1c1c-0000-4000-8000-000000000001"
ACTION_ID = "2d2d2d2d-0000-4000-8000-000000000002"
STANDARD = {
    "id": "3e3e3e3e-0000-4000-8000-000000000003", "service_type": "day_care", "version": 2,
    "title": "Day-care standard", "effective_from": "2026-01-01",
    "criteria": [
        {"code": "DC1", "text": "Staff trained in early intervention", "indicators": ["Records"]},
        {"code": "DC2", "text": "Accessible building", "indicators": []},
    ],
}  # fmt: skip
ACTION = {
    "id": ACTION_ID, "inspection_id": INSPECTION_ID, "provider_id": PROVIDER_ID,
    "criterion": "DC2", "description": "Build a ramp at the entrance", "due_date": "2026-03-01",
    "status": "open", "overdue": False, "response": None, "follow_up_note": None,
}  # fmt: skip
INSPECTION = {
    "id": INSPECTION_ID, "provider_id": PROVIDER_ID, "service_type": "day_care",
    "standard_id": STANDARD["id"], "standard_version": 2, "inspected_on": "2026-02-01",
    "findings": [
        {"criterion": "DC1", "rating": "met", "evidence": "Certificates seen"},
        {"criterion": "DC2", "rating": "not_met", "evidence": "Steps only"},
    ],
    "score": 50.0, "level": "partly_compliant", "accredited": True, "inspector": "u1",
    "required_actions": [ACTION],
}  # fmt: skip
FORM = {
    "provider_id": PROVIDER_ID, "service_type": "day_care", "inspected_on": "01.02.2026",
    "rating.DC1": "met", "evidence.DC1": "Certificates seen",
    "rating.DC2": "not_met", "evidence.DC2": "Steps only",
    "action.0.criterion": "DC2", "action.0.description": "Build a ramp",
    "action.0.due_date": "01.03.2026",
}  # fmt: skip


@pytest.fixture
def quality(fake_apis):
    fake_apis.quality.answer("GET", "/inspections", {"items": [INSPECTION], "total": 1})
    fake_apis.quality.answer("GET", f"/inspections/{INSPECTION_ID}", INSPECTION)
    fake_apis.quality.answer("GET", "/standards", {"items": [STANDARD], "total": 1})
    fake_apis.quality.answer("GET", f"/standards/{STANDARD['id']}", STANDARD)
    providers = {"items": [{"id": PROVIDER_ID, "name": "Маркази Рӯдакӣ"}]}
    fake_apis.referral.answer("GET", "/providers", providers)
    fake_apis.referral.answer("GET", f"/providers/{PROVIDER_ID}", providers["items"][0])
    return fake_apis.quality


@pytest.mark.parametrize("role", ["inspector", "admin", "provider"])
def test_the_list_shows_score_level_and_open_actions(client, login, quality, role):
    login(client, role)
    page = client.get("/inspections?lang=en")
    assert page.status_code == 200
    assert "Маркази Рӯдакӣ" in page.text and "Score: 50 of 100" in page.text
    assert "Partly compliant" in page.text and "1 action not yet done" in page.text
    assert ("Record an inspection" in page.text) == (role != "provider")


@pytest.mark.parametrize("role", ["phw", "case_manager"])
def test_other_roles_may_not_open_inspections(client, login, quality, role):
    login(client, role)
    assert client.get("/inspections").status_code == 403
    assert client.get("/inspections/new").status_code == 403


def test_the_form_shows_the_criteria_of_the_version_in_force(client, login, quality):
    login(client, "inspector")
    query = f"provider_id={PROVIDER_ID}&service_type=day_care&inspected_on=01.02.2026&lang=en"
    page = client.get(f"/inspections/new?{query}")
    assert page.status_code == 200
    assert "Day-care standard" in page.text and "version 2" in page.text
    assert 'name="rating.DC1"' in page.text and 'id="f-evidence-DC2"' in page.text
    asked = [c for c in quality.calls if c.path == "/standards"][-1]
    assert asked.params == {"service_type": "day_care", "on": "2026-02-01"}


def test_a_complete_inspection_is_sent_and_opened(client, login, quality):
    quality.answer("POST", "/inspections", {"id": INSPECTION_ID})
    token = login(client, "inspector")
    answer = client.post("/inspections/new", data={**FORM, "csrf_token": token})
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"/inspections/{INSPECTION_ID}")
    sent = [c for c in quality.calls if c.method == "POST"][0].json
    assert sent["inspected_on"] == "2026-02-01"
    assert [f["rating"] for f in sent["findings"]] == ["met", "not_met"]
    assert sent["required_actions"] == [
        {"criterion": "DC2", "description": "Build a ramp", "due_date": "2026-03-01"}
    ]


def test_missing_ratings_and_bad_dates_are_shown_by_their_fields_and_nothing_is_sent(
    client, login, quality
):
    token = login(client, "inspector")
    form = {**FORM, "rating.DC2": "", "evidence.DC1": "", "action.0.due_date": "31.02.2026"}
    page = client.post("/inspections/new?lang=en", data={**form, "csrf_token": token})
    assert page.status_code == 422
    assert 'id="f-rating-DC2-error"' in page.text and 'id="f-evidence-DC1-error"' in page.text
    assert 'id="f-action-0-due_date-error"' in page.text
    assert 'aria-describedby="f-action-0-due_date-hint f-action-0-due_date-error"' in page.text
    assert not [c for c in quality.calls if c.method == "POST"]


def test_a_future_inspection_date_is_refused_on_the_page(client, login, quality):
    login(client, "inspector")
    query = f"provider_id={PROVIDER_ID}&service_type=day_care&inspected_on=01.01.2999&lang=en"
    page = client.get(f"/inspections/new?{query}")
    assert page.status_code == 422
    assert "The inspection date cannot be in the future." in page.text
    assert 'id="f-inspected_on-error"' in page.text


def test_the_api_refusal_lands_next_to_the_criterion_and_the_action(client, login, quality):
    fields = {
        "findings": {"DC1": "Rate this criterion.", "1": {"evidence": ["Too long."]}},
        "required_actions": {"0": {"due_date": ["Not a valid date."]}},
    }
    quality.answer("POST", "/inspections", api_error(422, "invalid", fields))
    token = login(client, "inspector")
    page = client.post("/inspections/new?lang=en", data={**FORM, "csrf_token": token})
    assert page.status_code == 422
    assert 'id="f-rating-DC1-error"' in page.text and 'id="f-evidence-DC2-error"' in page.text
    assert 'id="f-action-0-due_date-error"' in page.text
    assert "Write the date as dd.mm.yyyy" in page.text


def test_the_provider_answers_its_action(client, login, quality):
    quality.answer("POST", f"/actions/{ACTION_ID}/answer", {**ACTION, "status": "answered"})
    token = login(client, "provider")
    page = client.get(f"/inspections/{INSPECTION_ID}?lang=en")
    assert "Build a ramp at the entrance" in page.text and "Send the answer" in page.text
    assert "Record the follow-up" not in page.text
    path = f"/inspections/{INSPECTION_ID}/actions/{ACTION_ID}/answer"
    empty = client.post(path, data={f"{ACTION_ID}.response": " ", "csrf_token": token})
    assert empty.status_code == 422 and f'id="f-{ACTION_ID}-response-error"' in empty.text
    done = client.post(path, data={f"{ACTION_ID}.response": "Ramp built", "csrf_token": token})
    assert done.status_code == 303
    assert [c.json for c in quality.calls if c.method == "POST"] == [{"response": "Ramp built"}]


def test_only_the_provider_answers_and_only_inspectors_follow_up(client, login, quality):
    token = login(client, "provider")
    path = f"/inspections/{INSPECTION_ID}/actions/{ACTION_ID}"
    answer = client.post(path + "/follow-up", data={"csrf_token": token})
    assert answer.status_code == 403
    assert not [c for c in quality.calls if c.method == "POST"]


def test_a_reopened_action_needs_a_new_due_date(client, login, quality):
    token = login(client, "inspector")
    path = f"/inspections/{INSPECTION_ID}/actions/{ACTION_ID}/follow-up"
    data = {f"{ACTION_ID}.outcome": "reopened", f"{ACTION_ID}.due_date": "", "csrf_token": token}
    page = client.post(path + "?lang=en", data=data)
    assert page.status_code == 422 and f'id="f-{ACTION_ID}-due_date-error"' in page.text
    assert not [c for c in quality.calls if c.method == "POST"]
    quality.answer("POST", f"/actions/{ACTION_ID}/follow-up", {**ACTION, "status": "done"})
    data = {f"{ACTION_ID}.outcome": "done", f"{ACTION_ID}.note": "Seen", "csrf_token": token}
    assert client.post(path, data=data).status_code == 303
    assert quality.calls[-1].json == {"outcome": "done", "note": "Seen"}


def test_another_providers_inspection_is_not_found(client, login, quality):
    login(client, "provider")
    assert client.get(f"/inspections/{ACTION_ID}").status_code == 404


def test_an_unreachable_quality_service_leaves_the_list_with_a_notice(client, login, quality):
    quality.down = True
    login(client, "inspector")
    page = client.get("/inspections?lang=en")
    assert page.status_code == 200 and "quality service is not reachable" in page.text


@pytest.mark.parametrize(
    "role,shown,hidden",
    [
        ("inspector", ["/inspections"], ["/admin/standards", "/dashboard"]),
        ("provider", ["/inspections", "/referrals"], ["/admin/contracts"]),
        ("admin", ["/inspections", "/admin/standards", "/admin/contracts",
                   "/reports/commissioning"], []),
        ("case_manager", ["/worklist"], ["/inspections", "/reports/commissioning"]),
    ],
)  # fmt: skip
def test_the_menu_offers_the_quality_pages_to_their_roles(
    client, login, quality, role, shown, hidden
):
    login(client, role)
    page = client.get("/account/password")
    for path in shown:
        assert f'href="{path}"' in page.text
    for path in hidden:
        assert f'href="{path}"' not in page.text


def test_an_inspector_lands_on_the_inspections(client, login, quality):
    login(client, "inspector")
    answer = client.get("/")
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/inspections")


def test_the_users_cli_creates_an_inspector(tmp_path, monkeypatch, capsys):
    from services.portal.users import main
    from shared.migrations import upgrade

    url = f"sqlite:///{tmp_path / 'portal.db'}"
    upgrade("portal", url)
    monkeypatch.setenv("DATABASE_URL", url)
    argv = ["create", "--username", "zarina", "--password", "kqm7-x3ta-p9wd"]
    assert main([*argv, "--role", "inspector"]) == 0
    assert "created zarina (inspector)" in capsys.readouterr().out


def test_the_dashboard_compares_providers_with_their_compliance(client, login, fake_apis):
    summary = {"providers": [{"provider_id": PROVIDER_ID, "compliance_score": 87.5}]}
    bench = {"items": [{
        "provider_id": PROVIDER_ID, "name": "Маркази Рӯдакӣ", "service_types": ["day_care"],
        "region_code": "TJ-RA", "received": 2, "acceptance_rate": 0.5, "decline_rate": 0.5,
        "median_days_to_answer": 0.8, "median_days_to_start": 2.0, "places": 3,
        "free_places": 2, "occupancy": 0.333,
    }]}  # fmt: skip
    fake_apis.referral.answer("GET", "/reports/summary", summary)
    fake_apis.referral.answer("GET", "/reports/providers", bench)
    fake_apis.referral.answer("GET", "/reports/coverage", {"items": []})
    login(client, "admin")
    answer = client.get("/dashboard/providers.csv?lang=en")
    rows = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"))))
    column = rows[0].index("Compliance score")
    assert rows[0][column - 1] == "Decline rate" and rows[1][column] == "88"


def test_add_another_action_shows_one_more_row_and_sends_nothing(client, login, quality):
    token = login(client, "inspector")
    data = {**FORM, "action_rows": "3", "add": "action", "csrf_token": token}
    page = client.post("/inspections/new?lang=en", data=data)
    assert page.status_code == 200
    assert 'id="action-3"' in page.text and 'name="action_rows" value="4"' in page.text
    assert "Build a ramp</textarea>" in page.text and "Certificates seen</textarea>" in page.text
    assert not [c for c in quality.calls if c.method == "POST"]
    # Enter submits the first button of a form: that must be the save button.
    assert page.text.index("Save the inspection") < page.text.index('name="add"')
    quality.answer("POST", "/inspections", {"id": INSPECTION_ID})
    fourth = {"action.3.criterion": "DC1", "action.3.description": "Train the new nurse",
              "action.3.due_date": "01.04.2026"}  # fmt: skip
    answer = client.post(
        "/inspections/new", data={**FORM, "action_rows": "4", **fourth, "csrf_token": token}
    )
    assert answer.status_code == 303
    sent = [c for c in quality.calls if c.method == "POST"][0].json["required_actions"]
    assert [a["description"] for a in sent] == ["Build a ramp", "Train the new nurse"]


@pytest.mark.parametrize(
    "refusal,status,said",
    [
        (ApiUnavailable("quality"), 503, "The quality service is not reachable"),
        (api_error(409, "conflict"), 409, "This conflicts with what is already recorded"),
    ],
)
def test_an_inspection_the_api_did_not_take_comes_back_with_what_was_written(
    client, login, quality, refusal, status, said
):
    quality.answer("POST", "/inspections", refusal)
    token = login(client, "inspector")
    page = client.post("/inspections/new?lang=en", data={**FORM, "csrf_token": token})
    assert page.status_code == status
    assert "This was not saved. What you wrote is still in the form below." in page.text
    assert said in page.text and 'id="inspection-form"' in page.text
    assert "Certificates seen</textarea>" in page.text and "Build a ramp</textarea>" in page.text


def test_an_answer_the_api_did_not_take_comes_back_with_what_was_written(client, login, quality):
    quality.answer("POST", f"/actions/{ACTION_ID}/answer", ApiUnavailable("quality"))
    token = login(client, "provider")
    path = f"/inspections/{INSPECTION_ID}/actions/{ACTION_ID}/answer?lang=en"
    data = {f"{ACTION_ID}.response": "Ramp built in March", "csrf_token": token}
    page = client.post(path, data=data)
    assert page.status_code == 503 and "This was not saved." in page.text
    assert "Ramp built in March</textarea>" in page.text and 'id="findings"' in page.text
    quality.down = True  # not even the inspection can be read: the text is kept all the same
    page = client.post(path, data=data)
    assert page.status_code == 503 and "Ramp built in March</textarea>" in page.text
    assert "Send again" in page.text


def test_a_follow_up_refused_with_a_conflict_comes_back_with_the_note(client, login, quality):
    quality.answer("POST", f"/actions/{ACTION_ID}/follow-up", api_error(409, "conflict"))
    token = login(client, "inspector")
    path = f"/inspections/{INSPECTION_ID}/actions/{ACTION_ID}/follow-up?lang=en"
    data = {f"{ACTION_ID}.outcome": "done", f"{ACTION_ID}.note": "Ramp seen", "csrf_token": token}
    page = client.post(path, data=data)
    assert page.status_code == 409 and "This conflicts with what is already recorded" in page.text
    assert "Ramp seen</textarea>" in page.text


def _providers(count: int):
    everyone = [{"id": f"p{n:03}", "name": f"Provider {n:03}"} for n in range(count)]

    def answer(json, params, headers):
        size, number = params["page_size"], params.get("page", 1)
        assert size <= 100  # the API's largest page
        return {"items": everyone[(number - 1) * size : number * size], "total": count}

    return answer


def test_every_provider_of_the_directory_can_be_chosen(client, login, quality, fake_apis):
    fake_apis.referral.answer("GET", "/providers", _providers(150))
    login(client, "inspector")
    page = client.get("/inspections/new?lang=en")
    assert 'value="p000"' in page.text and 'value="p149"' in page.text


def test_an_unreadable_directory_is_said_not_shown_as_an_empty_choice(
    client, login, quality, fake_apis
):
    fake_apis.referral.answer("GET", "/providers", ApiUnavailable("referral"))
    login(client, "inspector")
    page = client.get("/inspections/new?lang=en")
    assert "The referral service is not reachable" in page.text


def test_inspections_beyond_the_first_hundred_are_listed(client, login, quality):
    many = [{**INSPECTION, "id": f"i{n:03}"} for n in range(130)]

    def answer(json, params, headers):
        size, number = params["page_size"], params.get("page", 1)
        return {"items": many[(number - 1) * size : number * size], "total": len(many)}

    quality.answer("GET", "/inspections", answer)
    login(client, "inspector")
    page = client.get("/inspections?lang=en")
    assert page.text.count('data-inspection="') == 130


def _dushanbe_evening(monkeypatch):
    """Half past eight in the evening UTC: already tomorrow in Dushanbe (UTC+5)."""
    from services.portal.web import quality_common

    utc_today = datetime.now(UTC).date()
    evening = datetime.combine(utc_today, time(20, 30), UTC)

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return evening.astimezone(tz) if tz else evening.replace(tzinfo=None)

    monkeypatch.setattr(quality_common, "datetime", Clock)
    return utc_today


def test_an_inspection_on_dushanbes_today_is_not_in_the_future(client, login, quality, monkeypatch):
    tomorrow = _dushanbe_evening(monkeypatch) + timedelta(days=1)
    login(client, "inspector")
    day = tomorrow.strftime("%d.%m.%Y")
    query = f"provider_id={PROVIDER_ID}&service_type=day_care&inspected_on={day}&lang=en"
    page = client.get(f"/inspections/new?{query}")
    assert page.status_code == 200 and "cannot be in the future" not in page.text


def test_a_new_due_date_counts_from_dushanbes_today(client, login, quality, monkeypatch):
    utc_today = _dushanbe_evening(monkeypatch)
    token = login(client, "inspector")
    path = f"/inspections/{INSPECTION_ID}/actions/{ACTION_ID}/follow-up?lang=en"
    data = {f"{ACTION_ID}.outcome": "reopened", f"{ACTION_ID}.due_date":
            utc_today.strftime("%d.%m.%Y"), "csrf_token": token}  # fmt: skip
    page = client.post(path, data=data)
    assert page.status_code == 422 and "Give a new due date from today on." in page.text
    assert not [c for c in quality.calls if c.method == "POST"]


def test_each_criterions_rating_is_named_by_its_criterion(client, login, quality):
    login(client, "inspector")
    query = f"provider_id={PROVIDER_ID}&service_type=day_care&inspected_on=01.02.2026&lang=en"
    page = client.get(f"/inspections/new?{query}")
    assert "<legend>DC1: what you found <span" in page.text
    assert "<legend>DC2: what you found <span" in page.text
