"""The quality reform in the browser: an inspector records an inspection with a required action,
the provider sees it and answers, and the ministry reads and downloads the commissioning report."""

from __future__ import annotations

import csv
import re
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests
from playwright.sync_api import expect

from tests.browser.conftest import PROVIDER

SHOTS = Path("/tmp/shots/quality")
DUSHANBE = timezone(timedelta(hours=5))


def _shot(page, name: str) -> None:
    """A whole-page screenshot at the phone's size, kept for looking at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.portal.shot(f"quality-{name}")


def _post(platform, service: str, path: str, body: dict) -> dict:
    answer = requests.post(platform.url(service, path), json=body, timeout=10,
                           headers=platform.headers("admin"))  # fmt: skip
    assert answer.status_code == 201, answer.text
    return answer.json()


def _our_provider(platform) -> dict:
    answer = requests.get(platform.url("referral", "/providers"), params={"page_size": 100},
                          headers=platform.headers("admin"), timeout=10)  # fmt: skip
    return next(p for p in answer.json()["items"] if p["name"] == PROVIDER["name"])


def _setup(platform, today) -> tuple[dict, str]:
    """A day-care standard in force today, and a contract buying places from our provider."""
    codes = [f"Q{uuid.uuid4().hex[:4]}", f"Q{uuid.uuid4().hex[:4]}"]
    _post(platform, "quality", "/standards", {
        "service_type": "day_care", "title": "Стандарти маркази рӯзона",
        "effective_from": today.isoformat(),
        "criteria": [
            {"code": codes[0], "text": "Кормандон омӯзиш дидаанд", "indicators": ["Шаҳодатномаҳо"]},
            {"code": codes[1], "text": "Бино барои аробача дастрас аст", "indicators": []},
        ],
    })  # fmt: skip
    provider = _our_provider(platform)
    _post(platform, "quality", "/contracts", {
        "reference": f"ВТҲИА-{uuid.uuid4().hex[:6]}", "commissioner": "ministry",
        "provider_id": provider["id"], "service_type": "day_care", "places": 10,
        "price_per_place_month": "850.00", "start_date": (today - timedelta(days=30)).isoformat(),
        "end_date": (today + timedelta(days=335)).isoformat(), "districts": ["rudaki"],
    })  # fmt: skip
    return provider, codes[1]


def _funded(platform, provider_id: str) -> dict | None:
    answer = requests.get(platform.url("referral", "/reports/commissioning"), timeout=10,
                          headers=platform.headers("admin"))  # fmt: skip
    rows = answer.json().get("funded", []) if answer.ok else []
    return next((r for r in rows if r["provider_id"] == provider_id and r["funded_places"]), None)


def test_inspection_action_answer_and_the_commissioning_report(page, platform, users):
    today = datetime.now(DUSHANBE).date()
    provider, ramp = _setup(platform, today)

    # The inspector: provider, service and date; then the criteria of the version in force.
    page.portal.login("inspector", lang="tg")
    expect(page).to_have_url(re.compile(r"/inspections$"))
    page.click("#new-inspection")
    page.select_option("#f-provider_id", provider["id"])
    page.select_option("#f-service_type", "day_care")
    page.fill("#f-inspected_on", today.strftime("%d.%m.%Y"))
    page.click("#inspection-start button[type=submit]")
    expect(page.locator("#standard-version")).to_contain_text("Стандарти маркази рӯзона")
    criteria = page.locator("#inspection-form section.card")
    expect(criteria).to_have_count(2)
    first = criteria.nth(0).get_attribute("id").removeprefix("criterion-")
    page.check(f'input[name="rating.{first}"][value="met"]')
    page.fill(f'[name="evidence.{first}"]', "Шаҳодатномаҳои ҳамаи кормандон дида шуданд")
    page.check(f'input[name="rating.{ramp}"][value="not_met"]')
    page.select_option("#f-action-0-criterion", ramp)
    page.fill("#f-action-0-description", "Дар даромадгоҳ пандус созед")
    page.fill("#f-action-0-due_date", "31.02.2026")
    page.click("#inspection-form button[type=submit]")
    # Nothing is written: the missing evidence and the impossible date are named by their fields.
    expect(page.locator(f'[id="f-evidence-{ramp}-error"]')).to_be_visible()
    expect(page.locator("#f-action-0-due_date-error")).to_be_visible()
    expect(page.locator("#f-action-0-due_date")).to_have_attribute("aria-invalid", "true")
    _shot(page, "inspection-new-errors-tg")
    page.fill(f'[name="evidence.{ramp}"]', "Танҳо зинапоя, пандус нест")
    # One more action row: nothing is sent and what was written stays.
    page.click('#inspection-form button[name="add"]')
    expect(page.locator("#action-3")).to_be_visible()
    expect(page.locator("#f-action-0-description")).to_have_value("Дар даромадгоҳ пандус созед")
    due = today + timedelta(days=30)
    page.fill("#f-action-0-due_date", due.strftime("%d.%m.%Y"))
    # The Enter key saves (it does not add another row).
    page.press("#f-action-0-due_date", "Enter")
    expect(page.locator("#inspection-score")).to_contain_text("50")
    expect(page.locator("#actions li")).to_have_count(1)
    inspection_url = page.url
    _shot(page, "inspection-inspector-tg")
    page.goto(inspection_url.split("?")[0] + "?lang=ru")
    _shot(page, "inspection-inspector-ru")
    page.goto("/inspections?lang=ru")
    _shot(page, "inspections-ru")
    page.goto("/inspections/new?lang=ru")
    page.click("#inspection-start button[type=submit]")
    expect(page.locator("#f-provider_id-error")).to_be_visible()
    _shot(page, "inspection-new-start-errors-ru")
    page.context.clear_cookies()

    # The provider sees its inspection and answers the action.
    page.portal.login("provider", lang="tg")
    page.goto("/inspections?lang=tg")
    card = page.locator("#inspections-list li").first
    expect(card).to_contain_text("50")
    _shot(page, "inspections-provider-tg")
    card.locator("a").click()
    action = page.locator("#actions li").first
    expect(action).to_contain_text("пандус")
    action.locator("button[type=submit]").click()
    expect(action.locator(".field-error")).to_be_visible()
    _shot(page, "inspection-provider-error-tg")
    action.locator("textarea").fill("Пандус сохта шуд, акс замима аст")
    action.locator("button[type=submit]").click()
    expect(page.locator(".notice.success")).to_be_visible()
    expect(page.locator("#actions li").first).to_have_attribute("data-status", "answered")
    expect(page.locator(".action-response")).to_contain_text("Пандус сохта шуд")
    _shot(page, "inspection-provider-answered-tg")
    page.goto(page.url.split("?")[0] + "?lang=ru")
    _shot(page, "inspection-provider-answered-ru")
    page.context.clear_cookies()

    # The ministry: once referral has the contract, the report shows it; the CSV downloads.
    platform.wait_for(lambda: _funded(platform, provider["id"]), message="the contract's places")
    page.portal.login("admin", lang="ru")
    page.goto("/reports/commissioning?lang=ru")
    funded = page.locator('table[data-table="funded"]')
    expect(funded).to_contain_text(PROVIDER["name"])
    _shot(page, "commissioning-ru")
    with page.expect_download() as info:
        page.locator("#table-funded .db-downloads a").first.click()
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(text.splitlines()))
    assert rows[0][0] == "Поставщик услуг"
    assert any(r[0] == PROVIDER["name"] and r[2] == "10" for r in rows[1:]), rows
    page.goto("/reports/commissioning?lang=tg")
    _shot(page, "commissioning-tg")
    for path, name in (("/admin/standards", "standards"), ("/admin/contracts", "contracts")):
        for lang in ("tg", "ru"):
            page.goto(f"{path}?lang={lang}")
            _shot(page, f"{name}-{lang}")
    page.goto("/admin/contracts?lang=ru")
    page.click("#contract-form button[type=submit]")
    expect(page.locator("#f-reference-error")).to_be_visible()
    _shot(page, "contracts-errors-ru")
