"""Standards, contracts and the commissioning report against fake APIs."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from services.portal.apis import ApiUnavailable
from services.portal.tests.conftest import PROVIDER_ID
from services.portal.tests.fakes import api_error

STANDARD = {
    "id": "s1", "service_type": "day_care", "version": 1, "title": "Day-care standard",
    "effective_from": "2025-01-01",
    "criteria": [{"code": "DC1", "text": "Trained staff", "indicators": ["Certificates"]}],
}  # fmt: skip
CONTRACT_FORM = {
    "reference": "MoHSP-2026-01", "commissioner": "ministry", "provider_id": PROVIDER_ID,
    "service_type": "day_care", "places": "12", "price_per_place_month": "850,50",
    "start_date": "01.01.2026", "end_date": "31.12.2026", "districts": ["rudaki"],
}  # fmt: skip
REPORT = {
    "on": "2026-02-01", "currency": "TJS",
    "funded": [{
        "provider_id": PROVIDER_ID, "provider_name": "=HYPERLINK(\"http://x\")",
        "service_type": "day_care", "funded_places": 12, "places_used": 9, "children_served": 8,
        "use_rate": 0.75, "monthly_cost": "10206.00", "cost_per_child_month": "1275.75",
    }],
    "totals": {"funded_places": 12, "places_used": 9, "children_served": 8,
               "monthly_cost": "10206.00", "cost_per_child_month": "1275.75"},
    "unmet_demand": [{"district_code": "murghob", "district_name": "Murghob",
                      "region_code": "TJ-GB", "service_type": "home_based", "waiting": 3,
                      "no_eligible_provider": 2, "unmet": 5}],
    "where_to_contract": [{"region_code": "TJ-GB", "service_type": "home_based",
                           "children_reached": 5, "locate_in": "murghob",
                           "districts": ["murghob"]}],
}  # fmt: skip


@pytest.fixture
def apis(fake_apis):
    fake_apis.quality.answer("GET", "/standards", {"items": [STANDARD], "total": 1})
    fake_apis.quality.answer("GET", "/contracts", {"items": [], "total": 0})
    providers = {"items": [{"id": PROVIDER_ID, "name": "Маркази Рӯдакӣ"}]}
    fake_apis.referral.answer("GET", "/providers", providers)
    fake_apis.referral.answer("GET", "/reports/commissioning", REPORT)
    return fake_apis


@pytest.mark.parametrize("path", ["/admin/standards", "/admin/contracts", "/reports/commissioning"])
@pytest.mark.parametrize("role", ["inspector", "provider", "case_manager"])
def test_only_admins_open_the_ministrys_pages(client, login, apis, path, role):
    login(client, role)
    assert client.get(path).status_code == 403


def test_a_new_version_starts_from_the_latest_criteria(client, login, apis):
    login(client, "admin")
    page = client.get("/admin/standards?service_type=day_care&lang=en")
    assert page.status_code == 200
    assert 'value="DC1"' in page.text and "Certificates</textarea>" in page.text
    assert 'name="rows" value="3"' in page.text


def test_publishing_sends_the_filled_rows_only(client, login, apis):
    apis.quality.answer("POST", "/standards", {**STANDARD, "version": 2})
    token = login(client, "admin")
    form = {
        "service_type": "day_care", "title": "Day care 2026", "effective_from": "01.03.2026",
        "rows": "3", "criteria.0.code": "DC1", "criteria.0.text": "Trained staff",
        "criteria.0.indicators": "Certificates\n\nRecords", "criteria.1.code": "",
        "criteria.2.code": "DC3", "criteria.2.text": "A quiet room", "csrf_token": token,
    }  # fmt: skip
    answer = client.post("/admin/standards", data=form)
    assert answer.status_code == 303
    sent = apis.quality.calls[-1].json
    assert sent["effective_from"] == "2026-03-01"
    assert [c["code"] for c in sent["criteria"]] == ["DC1", "DC3"]
    assert sent["criteria"][0]["indicators"] == ["Certificates", "Records"]


def test_a_standard_refused_on_the_page_shows_each_row_and_sends_nothing(client, login, apis):
    token = login(client, "admin")
    form = {
        "service_type": "day_care", "title": "", "effective_from": "2026-13-01", "rows": "2",
        "criteria.0.code": "D C", "criteria.0.text": "x", "criteria.1.code": "OK",
        "csrf_token": token,
    }  # fmt: skip
    page = client.post("/admin/standards?lang=en", data=form)
    assert page.status_code == 422
    for name in ("title", "effective_from", "criteria-0-code", "criteria-1-text"):
        assert f'id="f-{name}-error"' in page.text
    assert not [c for c in apis.quality.calls if c.method == "POST"]


def test_the_apis_refusal_of_a_criterion_lands_on_its_row(client, login, apis):
    fields = {"criteria": {"0": {"text": ["Longer than maximum length 2000."]}}}
    apis.quality.answer("POST", "/standards", api_error(422, "invalid", fields))
    token = login(client, "admin")
    form = {
        "service_type": "day_care", "title": "T", "effective_from": "01.03.2026", "rows": "2",
        "criteria.1.code": "DC1", "criteria.1.text": "x", "csrf_token": token,
    }  # fmt: skip
    page = client.post("/admin/standards", data=form)
    assert page.status_code == 422 and 'id="f-criteria-1-text-error"' in page.text


def test_a_contract_is_recorded_with_its_terms(client, login, apis):
    apis.quality.answer("POST", "/contracts", {"id": "c1"})
    token = login(client, "admin")
    answer = client.post("/admin/contracts", data={**CONTRACT_FORM, "csrf_token": token})
    assert answer.status_code == 303
    assert apis.quality.calls[-1].json == {
        "reference": "MoHSP-2026-01", "commissioner": "ministry", "provider_id": PROVIDER_ID,
        "service_type": "day_care", "places": 12, "price_per_place_month": "850.50",
        "start_date": "2026-01-01", "end_date": "2026-12-31", "districts": ["rudaki"],
    }  # fmt: skip


def test_a_contract_ending_before_it_starts_is_refused_on_the_page(client, login, apis):
    token = login(client, "admin")
    form = {**CONTRACT_FORM, "end_date": "01.12.2025", "places": "-1", "districts": []}
    page = client.post("/admin/contracts?lang=en", data={**form, "csrf_token": token})
    assert page.status_code == 422
    for name in ("end_date", "places", "districts"):
        assert f'id="f-{name}-error"' in page.text
    assert "The end must not be before the start." in page.text
    assert not [c for c in apis.quality.calls if c.method == "POST"]


def test_the_apis_refusal_of_a_contract_is_shown_by_its_field(client, login, apis):
    fields = {"commissioner": ["'ministry' or a district code."]}
    apis.quality.answer("POST", "/contracts", api_error(422, "invalid", fields))
    token = login(client, "admin")
    page = client.post("/admin/contracts", data={**CONTRACT_FORM, "csrf_token": token})
    assert page.status_code == 422 and 'id="f-commissioner-error"' in page.text


def test_the_report_shows_places_cost_and_unmet_demand(client, login, apis):
    login(client, "admin")
    page = client.get("/reports/commissioning?on=01.02.2026&lang=en")
    assert page.status_code == 200
    assert "1275.75" in page.text and "75%" in page.text and "Murghob" in page.text
    assert "10206.00</td>" in page.text and "10206.0</td>" not in page.text
    assert apis.referral.calls[-1].params == {"on": "2026-02-01"}
    assert "/reports/commissioning/funded.csv?on=01.02.2026" in page.text


def test_a_wrong_day_is_shown_by_its_field(client, login, apis):
    login(client, "admin")
    page = client.get("/reports/commissioning?on=32.01.2026&lang=en")
    assert page.status_code == 422 and 'id="f-on-error"' in page.text


def test_the_csv_download_keeps_a_formula_as_text(client, login, apis):
    login(client, "admin")
    answer = client.get("/reports/commissioning/funded.csv?lang=ru")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"))))
    assert rows[0][0] == "Поставщик услуг"
    assert rows[1][0] == '\'=HYPERLINK("http://x")' and rows[1][6] == "10206.00"
    assert rows[1][7] == "1275.75"


def test_the_xlsx_download_keeps_a_formula_as_text_and_numbers_as_numbers(client, login, apis):
    login(client, "admin")
    answer = client.get("/reports/commissioning/funded.xlsx?lang=en")
    sheet = load_workbook(io.BytesIO(answer.data)).active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == '\'=HYPERLINK("http://x")'
    assert sheet["G2"].value == 10206.0 and sheet["C2"].value == 12


def test_unknown_tables_are_not_found(client, login, apis):
    login(client, "admin")
    assert client.get("/reports/commissioning/other.csv").status_code == 404


def test_add_another_criterion_shows_one_more_row_and_sends_nothing(client, login, apis):
    token = login(client, "admin")
    form = {
        "service_type": "day_care", "title": "Day care 2026", "effective_from": "01.03.2026",
        "rows": "3", "criteria.0.code": "DC1", "criteria.0.text": "Trained staff",
        "add": "criterion", "csrf_token": token,
    }  # fmt: skip
    page = client.post("/admin/standards?lang=en", data=form)
    assert page.status_code == 200
    assert 'name="rows" value="4"' in page.text and 'id="criterion-row-3"' in page.text
    assert 'value="DC1"' in page.text and 'value="Day care 2026"' in page.text
    assert not [c for c in apis.quality.calls if c.method == "POST"]
    # Enter submits the first button of a form: that must be the publish button.
    assert page.text.index("Publish the new version") < page.text.index('name="add"')


@pytest.mark.parametrize(
    "refusal,status,said",
    [
        (ApiUnavailable("quality"), 503, "The quality service is not reachable"),
        (api_error(409, "conflict"), 409, "This conflicts with what is already recorded"),
    ],
)
def test_a_standard_or_contract_the_api_did_not_take_keeps_what_was_written(
    client, login, apis, refusal, status, said
):
    apis.quality.answer("POST", "/standards", refusal)
    apis.quality.answer("POST", "/contracts", refusal)
    token = login(client, "admin")
    form = {
        "service_type": "day_care", "title": "Day care 2026", "effective_from": "01.03.2026",
        "rows": "1", "criteria.0.code": "DC9", "criteria.0.text": "A quiet room",
        "csrf_token": token,
    }  # fmt: skip
    page = client.post("/admin/standards?lang=en", data=form)
    assert page.status_code == status and said in page.text
    assert "This was not saved. What you wrote is still in the form below." in page.text
    assert 'value="DC9"' in page.text and "A quiet room</textarea>" in page.text
    page = client.post("/admin/contracts?lang=en", data={**CONTRACT_FORM, "csrf_token": token})
    assert page.status_code == status and said in page.text
    assert 'value="MoHSP-2026-01"' in page.text and 'value="850,50"' in page.text


def test_a_contract_refusal_of_no_field_on_the_page_is_said_at_the_top(client, login, apis):
    unknown = "Unknown district code; use a code from the districts list."
    fields = {"currency": ["Missing data for required field."], "districts": {"0": [unknown]}}
    apis.quality.answer("POST", "/contracts", api_error(422, "invalid", fields))
    token = login(client, "admin")
    page = client.post("/admin/contracts?lang=en", data={**CONTRACT_FORM, "csrf_token": token})
    assert page.status_code == 422
    top = page.text[page.text.index('id="form-errors"') : page.text.index('id="contract-form"')]
    assert "Please fill this in." in top
    assert 'id="f-districts-error">Choose a district from the list.' in page.text
    fields = {"currency": ["Missing data for required field."]}
    apis.quality.answer("POST", "/contracts", api_error(422, "invalid", fields))
    page = client.post("/admin/contracts?lang=en", data={**CONTRACT_FORM, "csrf_token": token})
    top = page.text[page.text.index('id="form-errors"') : page.text.index('id="contract-form"')]
    assert "Please fill this in." in top and "Please correct the marked fields." not in top


def test_the_latest_version_of_each_standard_is_found_past_the_first_page(client, login, apis):
    old = [{**STANDARD, "id": f"s{n}", "version": 1} for n in range(100)]
    newest = {**STANDARD, "id": "s-new", "version": 7, "title": "Day care, seventh"}
    every = [*old, newest]

    def answer(json, params, headers):
        size, number = params["page_size"], params.get("page", 1)
        return {"items": every[(number - 1) * size : number * size], "total": len(every)}

    apis.quality.answer("GET", "/standards", answer)
    login(client, "admin")
    page = client.get("/admin/standards?service_type=day_care&lang=en")
    assert "version 7" in page.text and 'value="Day care, seventh"' in page.text


def test_the_report_speaks_tajik_and_russian_as_their_speakers_do(client, login, apis):
    login(client, "admin")
    page = client.get("/reports/commissioning?on=01.02.2026&lang=tg")
    assert "Санаи ҳисобот" in page.text and "Рақамҳо ба ҳолати 01.02.2026" in page.text
    page = client.get("/reports/commissioning?on=01.02.2026&lang=ru")
    assert "Детей на обслуживании" in page.text and "Сколько детей охватит" in page.text
    page = client.get("/admin/contracts?lang=ru")
    assert "Добавить договор" in page.text
