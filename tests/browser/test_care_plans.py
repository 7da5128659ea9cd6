"""A care plan in the browser: the provider writes it, the case manager reviews it with a
re-assessment and closes the case with a coded outcome, the ministry sees the outcome."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import PROVIDER
from tests.browser.portal import unique_name
from tests.e2e.steps import ANSWERS_2_4, FAMILY_CONTEXT, Users

DUSHANBE = timezone(timedelta(hours=5))
# Where the page may show Latin letters in Tajik or Russian: SMS, and the download formats.
LATIN_ALLOWED = {"SMS", "CSV", "Excel"}


def _today():
    return datetime.now(DUSHANBE).date()


def _answer(steps: Users, referral: dict, action: str, body: dict | None = None) -> dict:
    """The provider's answer; a 503 that lost a row to a worker is tried again, as a phone does."""

    def answered() -> dict | None:
        done = steps.answer(referral, action, body, expect=(200, 503))
        return done if done.get("status") else None

    return steps.wait(answered, f"the provider's {action} of {referral['id']}")


@pytest.fixture(scope="module")
def story(platform, users):
    """A child of Rudaki assessed, referred to the test provider, accepted and started today."""
    steps = Users(SimpleNamespace(platform=platform))
    answer = requests.get(platform.url("referral", "/providers"), params={"page_size": 100},
                          headers=platform.headers("admin"), timeout=10)  # fmt: skip
    ours = next(p for p in answer.json()["items"] if p["name"] == PROVIDER["name"])
    family = steps.assessed(951, "rudaki", unique_name())
    referral = steps.refer(family, ours["id"])
    _answer(steps, referral, "accept", {"start_date": _today().isoformat()})
    _answer(steps, referral, "start")
    return SimpleNamespace(steps=steps, family=family, referral=referral, provider=ours)


def _latin(page) -> list[str]:
    """Latin words on the page, leaving out providers' names (written as the admin typed them)."""
    text = page.locator("main").inner_text()
    text = text.replace(PROVIDER["name"], "")
    words = re.findall(r"[A-Za-z]{3,}", text)
    return [w for w in words if w not in LATIN_ALLOWED]


def _shot(page, name: str) -> None:
    page.portal.shot(f"careplans-{name}")


def _error_next_to(page, field: str):
    """The message shown for a field, which its input names in aria-describedby."""
    name = f"f-{field.replace('.', '-')}"
    expect(page.locator(f"#{name}")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#{name}")).to_have_attribute("aria-describedby", re.compile(name))
    return page.locator(f"#{name}-error")


def _complete_reassessment(story, assessment_id: str) -> None:
    """The case manager's visit: walking is now only 'some difficulty' (it was 'a lot')."""
    steps, family = story.steps, story.family
    steps.schedule(family, assessment_id)
    answers = {**ANSWERS_2_4, "CF10": 2}
    body = {"answers": answers, "family_context": FAMILY_CONTEXT, "notes": ""}
    steps.manager(family, "assessment", "POST", f"/assessments/{assessment_id}/complete",
                  json=body)  # fmt: skip


def test_a_care_plan_from_first_goal_to_the_ministrys_outcomes(page, platform, story):
    rid = story.referral["id"]
    plan_url = f"/referrals/{rid}/care-plan"

    # The provider writes the plan, in Tajik.
    page.portal.login("provider", lang="tg")
    page.goto(f"/referrals/{rid}?lang=tg")
    page.click("#care-plan-link")
    expect(page.locator("#plan-form")).to_be_visible()
    _shot(page, "1-new-plan-tg-360")
    assert _latin(page) == []
    page.fill('[name="goals.0.goal"]', "Бо дастгирӣ даҳ қадам роҳ меравад")
    page.fill('[name="goals.0.activities.0.activity"]', "Машқҳои пой")
    page.fill('[name="next_review_date"]', "31.02.2027")
    page.click("#plan-form button.primary")
    expect(_error_next_to(page, "goals.0.domain")).to_contain_text("интихоб кунед")
    expect(_error_next_to(page, "goals.0.activities.0.by")).to_be_visible()
    expect(_error_next_to(page, "next_review_date")).to_contain_text("рр.мм.сссс")
    _shot(page, "2-plan-errors-tg-360")
    assert _latin(page) == []
    page.select_option('[name="goals.0.domain"]', "walking")
    page.select_option('[name="goals.0.activities.0.by"]', "provider")
    page.fill('[name="goals.0.activities.0.frequency"]', "ҳафтае 2 маротиба")
    page.click('#plan-form button[name="add"]')
    page.select_option('[name="goals.1.domain"]', "communication")
    page.fill('[name="goals.1.goal"]', "Номи худро мегӯяд")
    page.fill('[name="goals.1.activities.0.activity"]', "Бозиҳои нутқ дар хона")
    page.select_option('[name="goals.1.activities.0.by"]', "family")
    review_day = _today() + timedelta(days=30)
    page.fill('[name="next_review_date"]', review_day.strftime("%d.%m.%Y"))
    page.click("#plan-form button.primary")
    expect(page.locator(".notice.success")).to_be_visible()
    expect(page.locator("#plan-goals > li")).to_have_count(2)
    expect(page.locator("#next-review")).to_have_text(review_day.strftime("%d.%m.%Y"))
    expect(page.locator("#reassess-form")).to_have_count(0)  # providers do not assess
    _shot(page, "3-plan-tg-360")
    assert _latin(page) == []
    page.click("#logout-form button")
    page.wait_for_url("**/login*")

    # The case manager opens a re-assessment from the plan, in Russian.
    page.portal.login("case_manager", lang="ru")
    page.goto(f"/referrals/{rid}?lang=ru")
    page.click("#care-plan-link")
    _shot(page, "4-plan-manager-ru-360")
    assert _latin(page) == []
    page.click("#reassess-form button")
    page.wait_for_url(re.compile(r"/assessments/[0-9a-f-]{36}"))
    reassessment = page.url.rsplit("/", 1)[1].split("?")[0]
    _complete_reassessment(story, reassessment)

    # ...records the review without marks first: the refusal sits next to the goal.
    page.goto(f"{plan_url}?lang=ru")
    page.click("#review-form button.primary")
    expect(_error_next_to(page, "progress.0.progress")).to_contain_text("насколько")
    _shot(page, "5-review-errors-ru-360")
    assert _latin(page) == []
    assert page.portal.axe_violations() == []
    page.check('input[name="progress.0.progress"][value="progressing"]')
    page.fill('[name="progress.0.note"]', "Делает пять шагов сам")
    page.check('input[name="progress.1.progress"][value="no_change"]')
    page.select_option('[name="assessment_id"]', reassessment)

    def saved() -> bool:
        """Save; until the referral service has the re-assessment it asks to wait and save."""
        page.click("#review-form button.primary")
        page.wait_for_load_state()
        if page.locator(".notice.success").count():
            return True
        expect(_error_next_to(page, "assessment_id")).to_contain_text("Подождите минуту")
        return False

    platform.wait_for(saved, timeout=60, message="the review with the re-assessment")
    change = page.locator("#review-1 table.cp-change")
    expect(change.locator('tr[data-domain="walking"]')).to_have_attribute("data-change",
                                                                          "improved")  # fmt: skip
    expect(change.locator('tr[data-domain="walking"] td').nth(1)).to_have_text("Трудностей меньше")
    expect(page.locator("#review-1")).to_contain_text("Делает пять шагов сам")
    _shot(page, "6-reviewed-ru-360")
    assert _latin(page) == []

    # ...changes one goal in the plan's form, filled as the plan stands; the review stays.
    page.click("#edit-plan")
    expect(page.locator('[name="goals.1.goal"]')).to_have_value("Номи худро мегӯяд")
    page.fill('[name="goals.1.goal"]', "Номи худ ва номи модарашро мегӯяд")
    _shot(page, "6b-edit-plan-ru-360")
    assert _latin(page) == []
    page.click("#plan-form button.primary")
    expect(page.locator(".notice.success")).to_contain_text("План помощи изменён")
    expect(page.locator("#plan-goals > li").nth(1)).to_contain_text("номи модарашро")
    expect(page.locator("#review-1")).to_contain_text("Делает пять шагов сам")

    # ...and closes the case with a coded outcome.
    page.click("#close-form button")
    expect(_error_next_to(page, "outcome")).to_contain_text("Выберите")
    page.select_option('#close-form [name="outcome"]', "goals_partly_met")
    page.fill('#close-form [name="note"]', "Продолжат дома")
    page.click("#close-form button")
    expect(page.locator(".notice.success")).to_be_visible()
    expect(page.locator("#plan-facts")).to_have_attribute("data-status", "closed")
    expect(page.locator("#plan-outcome")).to_have_text("Цели достигнуты частично")
    expect(page.locator("#review-form")).to_have_count(0)
    expect(page.locator("#close-note")).to_have_text("Продолжат дома")
    expect(page.locator("#edit-plan")).to_have_count(0)
    _shot(page, "7-closed-ru-360")
    assert _latin(page) == []
    page.goto(f"/referrals/{rid}?lang=ru")
    expect(page.locator("#referral-facts")).to_have_attribute("data-status", "completed")
    page.click("#logout-form button")
    page.wait_for_url("**/login*")

    # The ministry sees the outcome by service type and provider.
    report = requests.get(platform.url("referral", "/reports/outcomes"), timeout=10,
                          headers=platform.headers("admin")).json()  # fmt: skip
    ours = next(r for r in report["by_provider"] if r["provider_id"] == story.provider["id"])
    assert ours["outcomes"].get("goals_partly_met", 0) >= 1
    page.portal.login("admin", lang="tg")
    for lang in ("tg", "ru"):
        page.goto(f"/dashboard/outcomes?lang={lang}")
        row = page.locator('[data-table="outcomes-providers"] tbody tr', has_text=PROVIDER["name"])
        expect(row.locator("td").nth(2)).to_have_text(str(ours["completed"]))
        expect(row.locator("td").nth(4)).to_have_text(str(ours["outcomes"]["goals_partly_met"]))
        _shot(page, f"8-outcomes-{lang}-360")
        assert _latin(page) == []
    assert page.portal.axe_violations() == []
    download = page.request.get("/dashboard/outcomes/providers.csv?lang=ru")
    rows = list(csv.reader(io.StringIO(download.body().decode("utf-8-sig"))))
    assert rows[0][:3] == ["Вид услуги", "Поставщик услуг", "Завершено"]
    assert [PROVIDER["name"], str(ours["completed"])] in [r[1:3] for r in rows]
