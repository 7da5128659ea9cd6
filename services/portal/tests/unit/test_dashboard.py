"""The dashboard against fake reports: figures as the API gives them, downloads, the map."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from openpyxl import load_workbook

from services.portal.domain import dashboard as rules
from services.portal.domain import geo

SUMMARY = {
    "referrals": {"total": 3, "by_status": {"sent": 0, "accepted": 1, "declined": 1,
                                            "expired": 1, "in_progress": 0, "completed": 0}},
    "providers": [{"decline_reasons": {"no_capacity": 1}}],
    "median_days": {"registration_to_assessment": 2.0, "assessment_to_referral": 1.5,
                    "referral_to_acceptance": 1.0, "registration_to_acceptance": 4.5},
    "answered_within_deadline": {"due": 3, "in_time": 2, "share": 0.667},
    "waiting_list": [{"district_code": "murghob", "children": 1}],
    "coverage_gaps": [],
}  # fmt: skip
PROVIDERS = {"items": [
    {"provider_id": "p1", "name": "Маркази Рӯдакӣ", "service_types": ["day_care"],
     "region_code": "TJ-RA", "received": 2, "accepted": 1, "declined": 1, "expired": 0,
     "acceptance_rate": 0.5, "decline_rate": 0.5, "median_days_to_answer": 0.8,
     "median_days_to_start": 2.0, "places": 3, "places_taken": 1, "free_places": 2,
     "occupancy": 0.333},
    {"provider_id": "p2", "name": "Арча", "service_types": ["home_based"],
     "region_code": "TJ-SU", "received": 5, "accepted": 5, "declined": 0, "expired": 0,
     "acceptance_rate": 1.0, "decline_rate": 0.0, "median_days_to_answer": 0.2,
     "median_days_to_start": None, "places": 9, "places_taken": 5, "free_places": 4,
     "occupancy": 0.556},
]}  # fmt: skip
COVERAGE = {"items": [
    {"district_code": "murghob", "region_code": "TJ-GB", "waiting_for_assessment": 0,
     "waiting_for_place": 1, "children_without_free_place": 1, "providers": 0,
     "free_places": 0, "gap": True},
    {"district_code": "rudaki", "region_code": "TJ-RA", "waiting_for_assessment": 0,
     "waiting_for_place": 0, "children_without_free_place": 0, "providers": 1,
     "free_places": 2, "gap": False},
]}  # fmt: skip


def _reports(fake_apis) -> None:
    fake_apis.referral.answer("GET", "/reports/summary", SUMMARY)
    fake_apis.referral.answer("GET", "/reports/providers", PROVIDERS)
    fake_apis.referral.answer("GET", "/reports/coverage", COVERAGE)


def test_stages_come_from_the_report_and_its_counts_by_status():
    counts = rules.stage_counts(SUMMARY)
    assert (counts["referred"], counts["accepted"], counts["declined"]) == (3, 1, 1)
    assert counts["waiting_list"] == 1 and counts["registered"] is None
    given = rules.stage_counts({"stages": {"registered": 9}})
    assert given["registered"] == 9


def test_sorting_keeps_empty_values_last():
    rows = rules.sort_rows(PROVIDERS["items"], "median_days_to_start", True)
    assert [r["provider_id"] for r in rows] == ["p1", "p2"]
    assert [r["name"] for r in rules.sort_rows(PROVIDERS["items"], "received", True)] == [
        "Арча", "Маркази Рӯдакӣ"]  # fmt: skip


def test_every_district_lies_inside_the_map():
    width, height = geo.map_size()
    assert len(geo.centres()) == 68
    for code in geo.centres():
        x, y = geo.district_point(code)
        assert 0 < x < width and 0 < y < height, code


def test_dashboard_shows_the_reports_figures_and_the_gap(client, login, fake_apis):
    _reports(fake_apis)
    login(client, "admin")
    page = client.get("/dashboard?lang=ru")
    assert page.status_code == 200
    assert '<li data-figure="answered_within_deadline"><span class="n">67%</span>' in page.text
    assert 'data-district="murghob" data-mark="gap"' in page.text
    assert 'data-district="rudaki" data-mark="covered"' in page.text


def test_csv_has_a_bom_and_cyrillic(client, login, fake_apis):
    _reports(fake_apis)
    login(client, "admin")
    answer = client.get("/dashboard/providers.csv?lang=tg")
    assert answer.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"))))
    assert rows[0][0] == "Провайдер" and rows[1][0] == "Арча"


def test_a_download_is_named_after_the_day_in_dushanbe(client, login, fake_apis, monkeypatch):
    from services.portal.web import dashboard_downloads

    evening = datetime(2026, 12, 4, 20, 30, tzinfo=UTC)  # already 5 December in Dushanbe

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return evening.astimezone(tz) if tz else evening.replace(tzinfo=None)

    monkeypatch.setattr(dashboard_downloads, "datetime", Clock)
    _reports(fake_apis)
    login(client, "admin")
    answer = client.get("/dashboard/providers.csv?lang=tg")
    assert "providers-2026-12-05.csv" in answer.headers["Content-Disposition"]


def test_xlsx_reads_back(client, login, fake_apis):
    _reports(fake_apis)
    login(client, "admin")
    answer = client.get("/dashboard/districts.xlsx?lang=ru")
    sheet = load_workbook(io.BytesIO(answer.data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Район"
    assert ["Мургабский", "Горно-Бадахшанская автономная область", 0, None, 1, 0, 0, "Да"] in values


def test_bad_dates_are_named_and_providers_may_not_see_the_dashboard(client, login, fake_apis):
    _reports(fake_apis)
    login(client, "admin")
    page = client.get("/dashboard?from=31.02.2026")
    assert page.status_code == 422 and 'aria-invalid="true"' in page.text
    client.post("/logout")
    other = client.application.test_client()
    login(other, "provider")
    assert other.get("/dashboard").status_code == 403


def test_last_months_cross_the_new_year():
    months = rules.last_months(date(2026, 2, 14), 3)
    assert months == [
        (date(2025, 12, 1), date(2025, 12, 31)),
        (date(2026, 1, 1), date(2026, 1, 31)),
        (date(2026, 2, 1), date(2026, 2, 28)),
    ]


def test_waiting_times_chart_asks_the_summary_month_by_month(client, login, fake_apis):
    _reports(fake_apis)
    login(client, "admin")
    page = client.get("/dashboard?lang=tg")
    monthly = [c.params for c in fake_apis.referral.calls if c.params and "from" in c.params]
    assert len(monthly) == 6 and all(p["from"].endswith("-01") for p in monthly)
    assert 'data-series="registration_to_assessment"' in page.text
    assert "Муддати интизорӣ аз рӯи моҳҳо" in page.text


def test_a_case_managers_map_shows_only_their_districts(client, login, fake_apis):
    _reports(fake_apis)
    login(client, "case_manager")
    page = client.get("/dashboard").text
    assert page.count('class="district ') == 1 and 'data-district="rudaki"' in page
    assert 'id="f-region"' not in page


def test_a_provider_name_written_as_a_formula_downloads_as_plain_text(client, login, fake_apis):
    hostile = {"items": [{**PROVIDERS["items"][1], "name": '=HYPERLINK("http://x","Арча")'}]}
    fake_apis.referral.answer("GET", "/reports/summary", SUMMARY)
    fake_apis.referral.answer("GET", "/reports/providers", hostile)
    fake_apis.referral.answer("GET", "/reports/coverage", COVERAGE)
    login(client, "admin")
    text = client.get("/dashboard/providers.csv?lang=ru").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][0] == '\'=HYPERLINK("http://x","Арча")'
    sheet = load_workbook(io.BytesIO(client.get("/dashboard/providers.xlsx").data)).active
    cell = sheet["A2"]
    assert cell.data_type == "s" and cell.value == '\'=HYPERLINK("http://x","Арча")'
