"""A provider's day and a ministry officer's day in the browser, on the running platform."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
import requests
from openpyxl import load_workbook
from playwright.sync_api import expect

from services.portal.domain.dashboard import stage_counts
from tests.browser.conftest import PROVIDER
from tests.browser.portal import unique_name
from tests.e2e.steps import Users

DESKTOP = {"width": 1366, "height": 768}
SERIOUS = ("serious", "critical")


@pytest.fixture(scope="module")
def story(platform, users):
    """Rudaki: two referrals to the test user's provider, one to another provider; Murghob: a
    child waiting for day care where no provider works (a coverage gap)."""
    steps = Users(SimpleNamespace(platform=platform))
    ours = _provider_named(platform, PROVIDER["name"])
    other = steps.add_provider("rudaki", "Маркази дигар", places=4)
    first = steps.assessed(901, "rudaki", unique_name())
    second = steps.assessed(902, "rudaki", unique_name())
    third = steps.assessed(903, "rudaki", unique_name())
    far = steps.assessed(904, "murghob", unique_name())
    steps.matches(far)
    steps.waitlist(far)
    return SimpleNamespace(
        steps=steps, ours=ours, other=other, first=first, third=third,
        accept=steps.refer(first, ours["id"]), decline=steps.refer(second, ours["id"]),
        foreign=steps.refer(third, other["id"]),
    )  # fmt: skip


def _provider_named(platform, name: str) -> dict:
    answer = requests.get(platform.url("referral", "/providers"), params={"page_size": 100},
                          headers=platform.headers("admin"), timeout=10)  # fmt: skip
    return next(p for p in answer.json()["items"] if p["name"] == name)


def _shot_of(page, selector: str, name: str) -> None:
    """Save a screenshot of one part of the page (legible where the whole page is not)."""
    folder = page.portal.artefacts / "screenshots"
    page.locator(selector).screenshot(path=str(folder / f"{name}.png"))


def _serious(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
    options = {"runOnly": {"type": "tag", "values": tags}, "resultTypes": ["violations"]}
    found = Axe().run(page, options=options).response["violations"]
    return [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:3]}
            for v in found if v.get("impact") in SERIOUS]  # fmt: skip


def test_provider_accepts_and_declines_from_the_inbox(page, story):
    page.portal.login("provider")
    page.goto("/referrals?lang=tg")
    new = page.locator("#group-new")
    accept_card = new.locator(f'li[data-referral="{story.accept["id"]}"]')
    expect(accept_card).to_contain_text("То ")
    expect(new.locator(f'li[data-referral="{story.foreign["id"]}"]')).to_have_count(0)
    page.portal.shot("provider-1-inbox-tg-360")
    assert _serious(page) == []

    accept_card.locator("a").click()
    expect(page.locator("#family-contact")).to_have_count(0)
    page.portal.shot("provider-2-referral-tg-360")
    # Today where the provider is: Dushanbe's date, whatever the hour the suite runs.
    today = datetime.now(timezone(timedelta(hours=5))).date()
    page.fill('[name="start_date"]', today.strftime("%d.%m.%Y"))
    page.click("#accept-form button[type=submit]")
    expect(page.locator(".notice.success")).to_be_visible()
    expect(page.locator("#family-contact")).to_contain_text("+992")
    expect(page.locator("#start-form")).to_be_visible()

    page.goto(f"/referrals/{story.decline['id']}?lang=ru")
    page.select_option('#decline-form [name="reason"]', "no_capacity")
    page.fill('#decline-form [name="note"]', "Мест нет до весны")
    page.click("#decline-form button[type=submit]")
    expect(page.locator("#referral-facts")).to_have_attribute("data-status", "declined")
    expect(page.locator("#referral-facts")).to_contain_text("Нет свободных мест")
    page.portal.shot("provider-3-declined-ru-360")
    assert _serious(page) == []

    refused = page.goto(f"/referrals/{story.foreign['id']}?lang=ru")
    assert refused.status == 404
    expect(page.locator("main")).not_to_contain_text(story.third.given_name)


def test_free_places_set_in_the_portal_change_the_next_matches(page, story):
    def ours_in_matches() -> dict:
        ranked = story.steps.matches(story.first)
        return next(m for m in ranked["items"] if m["provider"]["id"] == story.ours["id"])

    page.portal.login("provider")
    page.goto("/places?lang=ru")
    page.fill('[name="free_places"]', "0")
    page.click("#places-form button[type=submit]")
    expect(page.locator("#places-free")).to_have_text("0")
    assert ours_in_matches()["free_places"] == 0
    page.fill('[name="free_places"]', "7")
    page.click("#places-form button[type=submit]")
    expect(page.locator("#places-free")).to_have_text("7")
    page.portal.shot("provider-4-places-ru-360")
    assert ours_in_matches()["free_places"] == 7


def _api(platform, path: str, **params) -> dict:
    answer = requests.get(platform.url("referral", path), params=params, timeout=10,
                          headers=platform.headers("admin"))  # fmt: skip
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_dashboard_figures_map_and_downloads_equal_the_reports(page, platform, story):
    page.portal.login("admin")
    for lang in ("tg", "ru"):
        page.set_viewport_size(DESKTOP)
        page.goto(f"/dashboard?lang={lang}")
        page.portal.shot(f"dashboard-{lang}-1366")
        page.set_viewport_size({"width": 360, "height": 740})
        page.portal.shot(f"dashboard-{lang}-360")
        for part in ("#stage-figures", "#waits-chart", "#coverage", "#table-providers"):
            _shot_of(page, part, f"dashboard-{lang}-360-{part[1:]}")
    assert _serious(page) == []

    summary = _api(platform, "/reports/summary")
    for stage, count in stage_counts(summary).items():
        if count is not None:
            expect(page.locator(f'#stage-figures li[data-stage="{stage}"] .n')).to_have_text(
                str(count))  # fmt: skip
    bench = {p["provider_id"]: p for p in _api(platform, "/reports/providers")["items"]}
    row = page.locator(f'tr[data-provider="{story.ours["id"]}"] td')
    expect(row.nth(3)).to_have_text(str(bench[story.ours["id"]]["received"]))

    # The map is drawn from bundled data: Murghob waits with no provider, Rudaki is served.
    expect(page.locator("#coverage-map path.country")).to_have_count(1)
    expect(page.locator("#coverage-map a.district")).to_have_count(68)
    expect(page.locator('#coverage-map a[data-district="murghob"]')).to_have_attribute(
        "data-mark", "gap")  # fmt: skip
    expect(page.locator('#coverage-map a[data-district="rudaki"]')).not_to_have_attribute(
        "data-mark", "gap")  # fmt: skip

    csv_answer = page.request.get("/dashboard/providers.csv?lang=ru")
    assert csv_answer.body().startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(csv_answer.body().decode("utf-8-sig"))))
    assert rows[0][0] == "Поставщик услуг" and "Маркази дигар" in [r[0] for r in rows]
    xlsx = page.request.get("/dashboard/districts.xlsx?lang=tg")
    sheet = load_workbook(io.BytesIO(xlsx.body())).active
    assert "Мурғоб" in [c.value for c in sheet["A"]]

    page.locator('#coverage-map a[data-district="murghob"]').click()
    expect(page.locator("#district-figures")).to_have_attribute("data-gap", "true")
    page.portal.shot("dashboard-district-murghob-ru-360")
    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    expect(page.locator("[data-print]")).to_be_hidden()
    page.portal.shot("dashboard-district-murghob-ru-print")


def test_provider_pages_at_desktop_width_in_both_languages(page, story):
    page.set_viewport_size(DESKTOP)
    page.portal.login("provider")
    for lang in ("tg", "ru"):
        page.goto(f"/referrals?lang={lang}")
        page.portal.shot(f"provider-inbox-{lang}-1366")
        page.goto(f"/referrals/{story.accept['id']}?lang={lang}")
        page.portal.shot(f"provider-referral-{lang}-1366")
    assert _serious(page) == []


def test_admin_adds_edits_and_deactivates_a_provider(page, platform):
    name = "Маркази " + unique_name()
    page.portal.login("admin")
    page.goto("/admin/providers/new?lang=ru")
    page.fill('[name="name"]', name)
    page.check('input[name="service_types"][value="home_based"]')
    page.locator("details summary").click()
    page.check('input[name="districts_served"][value="vahdat"]')
    page.fill('[name="places"]', "abc")
    page.click("#provider-form button[type=submit]")
    expect(page.locator("#f-places")).to_have_attribute("aria-invalid", "true")
    page.fill('[name="places"]', "6")
    page.fill('[name="last_inspection_date"]', "03.11.2026")
    page.click("#provider-form button[type=submit]")
    expect(page.locator(".notice.success")).to_be_visible()
    page.portal.shot("admin-provider-ru-360")
    assert _serious(page) == []
    made = _provider_named(platform, name)
    assert (made["places"], made["districts_served"]) == (6, ["vahdat"])
    assert made["last_inspection_date"] == "2026-11-03"
    page.click("#active-form button[type=submit]")
    expect(page.locator("#active-form button")).to_have_text("Включить снова")
    assert _provider_named(platform, name)["active"] is False
    page.goto("/admin/providers?lang=tg")
    expect(page.locator(f'tr[data-provider="{made["id"]}"]')).to_contain_text("Ғайрифаъол")
    page.portal.shot("admin-providers-tg-360")
