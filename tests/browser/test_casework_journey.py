"""A case manager's whole assessment → referral on the running platform, in Russian."""

from __future__ import annotations

import re
from datetime import date, timedelta

import requests
from playwright.sync_api import expect

from tests.browser.portal import unique_name

RUDAKI = ["rudaki"]


def _register(platform, given_name: str) -> str:
    """Register a 3-year-old in Rudaki through intake, as a health worker would."""
    body = {
        "child": {"given_name": given_name, "family_name": "Раҳимова", "sex": "female",
                  "date_of_birth": "2023-04-12", "district_code": "rudaki",
                  "village": "Гулистон"},
        "guardian": {"name": "Гулнора Раҳимова", "relationship": "mother",
                     "phone": "93 123 4567", "language": "tg", "sms_consent": True},
        "consent": {"data_sharing": True, "given_by": "mother"},
        "screening": {"concerns": ["walking"], "urgent": False, "source": "phw"},
        "confirmed_new": True,
    }  # fmt: skip
    answer = requests.post(platform.url("intake", "/children"), json=body, timeout=10,
                           headers=platform.headers("phw", RUDAKI))  # fmt: skip
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def _assessment_of(platform, child_id: str) -> dict | None:
    answer = requests.get(platform.url("assessment", "/assessments"), timeout=10,
                          params={"child_id": child_id},
                          headers=platform.headers("case_manager", RUDAKI))  # fmt: skip
    items = answer.json().get("items") if answer.ok else None
    return items[0] if items else None


def _answer(page, code: str, value: int) -> None:
    page.check(f'input[name="{code}"][value="{value}"]')


def _clean(page) -> None:
    assert page.portal.axe_violations() == []


def test_case_manager_assesses_a_child_and_refers_it(page, platform):
    name = unique_name()
    child_id = _register(platform, name)
    assessment = platform.wait_for(lambda: _assessment_of(platform, child_id), timeout=60,
                                   message="the assessment to be created")  # fmt: skip

    page.portal.login("case_manager")
    page.goto("/worklist?lang=ru")
    card = page.locator(f'li[data-assessment="{assessment["id"]}"]')
    expect(card).to_contain_text(name)
    page.portal.shot("journey-1-worklist-ru")
    _clean(page)
    card.locator("a.button").click()

    # Schedule the visit.
    when = (date.today() + timedelta(days=2)).strftime("%d.%m.%Y") + " 10:00"
    page.fill('[name="scheduled_for"]', when)
    page.fill('[name="place"]', "Гулистон, дом 12")
    page.check('input[name="place_type"][value="home_visit"]')
    page.click("#schedule form button[type=submit]")
    expect(page.locator(".notice.success")).to_contain_text("Встреча назначена")
    page.portal.shot("journey-2-scheduled-ru")
    _clean(page)

    # The questionnaire: follow-up questions appear only when an answer asks them.
    q = lambda code: page.locator(f'.cw-question[data-code="{code}"]')  # noqa: E731
    expect(q("CF3")).to_be_hidden()
    _answer(page, "CF1", 2)
    expect(q("CF3")).to_be_visible()
    expect(q("CF2")).to_be_hidden()
    _answer(page, "CF4", 2)
    _answer(page, "CF7", 1)
    expect(q("CF8")).to_be_visible()
    _answer(page, "CF7", 2)
    expect(q("CF8")).to_be_hidden()
    expect(q("CF10")).to_be_visible()
    for code, value in {"CF3": 1, "CF6": 1, "CF10": 3, "CF11": 1, "CF12": 1, "CF13": 1,
                        "CF14": 1, "CF15": 1}.items():  # fmt: skip
        _answer(page, code, value)
    page.check('input[name="caregiver_at_home"][value="1"]')
    page.portal.shot("journey-3-questionnaire-ru")

    # CF16 left out: the assessment service refuses, and says so next to the question.
    page.click("#cfm-form button[type=submit]")
    expect(page.locator("#f-CF16-error")).to_have_text("Выберите ответ на этот вопрос.")
    expect(page.locator("#f-CF16")).to_have_attribute("aria-invalid", "true")
    expect(page.locator('input[name="CF10"][value="3"]')).to_be_checked()
    page.portal.shot("journey-4-question-error-ru")
    _clean(page)
    _answer(page, "CF16", 2)
    page.click("#cfm-form button[type=submit]")

    # The result, with the rule behind each part.
    result = page.locator("#result")
    expect(result).to_contain_text("У ребёнка есть функциональные трудности.")
    expect(result).to_contain_text("Ходьба: есть трудности")
    expect(result).to_contain_text("Приоритет: Обычный")
    expect(result).to_contain_text("помощь на дому")
    expect(result).to_contain_text("Центр дневного пребывания")
    page.portal.shot("journey-5-result-ru")
    _clean(page)
    result.locator('a[href*="service_type=day_care"]').click()

    # Matches, then the referral.
    expect(page.locator("h1")).to_contain_text(name)
    provider = page.locator(".cw-provider").first
    expect(provider).to_contain_text("Day-care centre for children with disabilities, Rudaki")
    expect(provider).to_contain_text("свободно 30 из 30 мест")
    expect(provider).to_contain_text("местонахождение не указано")
    page.portal.shot("journey-6-matches-ru")
    _clean(page)
    provider.locator("input[type=radio]").check()
    page.fill('[name="note"]', "Мама работает до обеда")
    page.click("form[action='/referrals'] button[type=submit]")

    # Back on the child's page: the referral is on the timeline.
    expect(page).to_have_url(re.compile(rf"/children/{child_id}\?done=referred"))
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Направление отправлено: Day-care centre")
    expect(timeline).to_contain_text("Оценка проведена")
    expect(timeline).to_contain_text("SMS семье")
    page.portal.shot("journey-7-child-ru")
    _clean(page)
