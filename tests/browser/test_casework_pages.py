"""The case manager's pages in Chromium at 360×740: skip logic live and without script, errors
next to questions, every page in Tajik and Russian with no axe-core violation."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from services.portal.apis import ApiError
from services.portal.tests.integration.casework_fakes import ASSESSMENT_ID
from tests.browser.casework_support import axe_violations, fake_portal, log_in

SHOTS = Path(__file__).resolve().parents[2] / "artefacts" / "screenshots"
VIEWPORT = {"width": 360, "height": 740}
# Words that would mean an English text was left on a Tajik or Russian page.
ENGLISH = ("difficulty", "Assessment", "Save", "provider", "Waiting", "Result", "Why")


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    with fake_portal(tmp_path_factory.mktemp("casework-browser")) as running:
        yield running


def _page(browser, portal, javascript: bool = True):
    context = browser.new_context(
        viewport=VIEWPORT, java_script_enabled=javascript, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    log_in(page, portal.url, portal.username)
    return page


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def question(page, code: str):
    return page.locator(f'.cw-question[data-code="{code}"]')


def test_follow_up_questions_appear_and_vanish_as_answers_change(browser, portal):
    page = _page(browser, portal)
    page.goto(f"{portal.url}/assessments/{ASSESSMENT_ID}?lang=tg")
    expect(question(page, "CF2")).to_be_hidden()
    expect(question(page, "CF3")).to_be_hidden()
    question(page, "CF1").get_by_label("Ҳа").check()
    expect(question(page, "CF2")).to_be_visible()
    expect(question(page, "CF3")).to_be_hidden()
    question(page, "CF7").get_by_label("Ҳа").check()
    expect(question(page, "CF8")).to_be_visible()
    expect(question(page, "CF10")).to_be_hidden()
    question(page, "CF8").get_by_label("Тамоман наметавонад").check()
    question(page, "CF7").get_by_label("Не").check()
    expect(question(page, "CF8")).to_be_hidden()
    expect(question(page, "CF10")).to_be_visible()
    assert not page.locator('input[name="CF8"]:checked').count()
    assert "CF10" in page.locator("#cfm-shown").input_value()
    shot(page, "casework-questionnaire-skip-logic-tg")
    page.context.close()


def test_the_500_metre_question_follows_the_100_metre_answer(browser, portal):
    record = portal.apis.assessment_record
    record["instrument"] = "cfm_5_17"
    try:
        page = _page(browser, portal)
        page.goto(f"{portal.url}/assessments/{ASSESSMENT_ID}?lang=ru")
        question(page, "CF7").get_by_label("Да").check()
        expect(question(page, "CF9")).to_be_hidden()
        question(page, "CF8").get_by_label("Есть некоторые трудности").check()
        expect(question(page, "CF9")).to_be_visible()
        question(page, "CF8").get_by_label("Совсем не может").check()
        expect(question(page, "CF9")).to_be_hidden()
        question(page, "CF10").get_by_label("Нет трудностей").check()
        expect(question(page, "CF11")).to_be_visible()
        shot(page, "casework-questionnaire-5-17-walking-ru")
        page.context.close()
    finally:
        record["instrument"] = "cfm_2_4"


def test_without_script_saving_shows_the_follow_up_questions(browser, portal):
    page = _page(browser, portal, javascript=False)
    page.goto(f"{portal.url}/assessments/{ASSESSMENT_ID}?lang=ru")
    expect(question(page, "CF2")).to_be_hidden()
    question(page, "CF1").get_by_label("Да").check()
    page.click("#cfm-form [type=submit]")
    expect(question(page, "CF2")).to_be_visible()
    expect(page.locator(".cw-question.cw-new")).to_have_count(1)
    expect(page.locator('input[name="CF1"][value="1"]')).to_be_checked()
    assert portal.apis.assessment.posted(f"/assessments/{ASSESSMENT_ID}/complete") == []
    shot(page, "casework-questionnaire-no-script-ru")
    page.context.close()


def test_the_apis_refusal_is_shown_next_to_the_question(browser, portal):
    def refuse(body, _):
        raise ApiError(422, "validation_error", "invalid", {"CF11": ["Missing answer."]})

    portal.apis.assessment.answer("POST", f"/assessments/{ASSESSMENT_ID}/complete", refuse)
    page = _page(browser, portal)
    page.goto(f"{portal.url}/assessments/{ASSESSMENT_ID}?lang=tg")
    for code in ("CF1", "CF4", "CF7"):
        question(page, code).get_by_label("Не").check()
    page.click("#cfm-form [type=submit]")
    group = page.locator("#f-CF11")
    expect(group).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-CF11-error")).to_have_text("Ба ин савол ҷавоб интихоб кунед.")
    assert group.get_attribute("aria-describedby") == "f-CF11-error"
    assert axe_violations(page) == []
    shot(page, "casework-questionnaire-errors-tg")
    page.context.close()


@pytest.mark.parametrize("lang", ["tg", "ru"])
def test_every_case_page_in_tajik_and_russian_passes_axe(browser, portal, lang):
    page = _page(browser, portal)
    for name, path in portal.pages().items():
        page.goto(f"{portal.url}{path}{'&' if '?' in path else '?'}lang={lang}")
        assert page.locator("html").get_attribute("lang") == lang
        text = page.locator("main").inner_text()
        assert not [word for word in ENGLISH if word in text], (name, text)
        assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORT["width"], name
        assert axe_violations(page) == [], name
        shot(page, f"casework-{name}-{lang}")
    page.context.close()
