"""Logging in as each role, the language switch, lockout, CSRF and who may register."""

from __future__ import annotations

import re

import pytest

HOME_OF = {"phw": "/", "sah_worker": "/", "case_manager": "/worklist", "provider": "/referrals",
           "admin": "/"}  # fmt: skip


@pytest.mark.parametrize("role", list(HOME_OF))
def test_each_role_logs_in_to_its_home_page_with_no_accessibility_violation(page, role):
    page.portal.login(role)
    path = "/" + page.url.split("/", 3)[3]
    # A role's own work page when this build has it, else the home page pointing to it.
    assert path == HOME_OF[role] or page.locator(f'a[href="{HOME_OF[role]}"]').count() > 0
    assert page.locator("html").get_attribute("lang") == "tg"
    assert page.locator("header .user-name").inner_text().startswith("Тест")
    page.portal.shot(f"home-{role}-tg")
    assert page.portal.axe_violations() == []


def test_the_login_page_passes_axe_in_three_languages(page):
    for lang in ("tg", "ru", "en"):
        page.goto(f"/login?lang={lang}")
        assert page.locator("html").get_attribute("lang") == lang
        page.portal.shot(f"login-{lang}")
        assert page.portal.axe_violations() == []


def test_the_language_switch_is_remembered_in_the_profile(page, context):
    page.portal.login("phw")
    page.click("a.lang[lang=ru]")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("nav.menu").inner_text().count("Зарегистрировать ребёнка") == 1
    page.click("#logout-form button")
    page.wait_for_url("**/login*")
    context.clear_cookies()
    page.portal.login("phw", lang=None)
    assert page.locator("html").get_attribute("lang") == "ru"
    page.goto("/?lang=tg")


def test_wrong_passwords_lock_the_account_with_a_message_that_reveals_nothing(page):
    messages = set()
    for _ in range(5):
        page.portal.login("phw", password="not-the-password", username="locked-out")
        messages.add(page.locator("#login-error").inner_text())
    page.portal.login("phw", username="locked-out")
    assert page.url.endswith("/login")
    assert "15" in page.locator("#login-error").inner_text()
    page.goto("/login")
    page.fill("#f-username", "nobody-at-all")
    page.fill("#f-password", "not-the-password")
    page.click("form button[type=submit]")
    assert page.locator("#login-error").inner_text() in messages
    page.portal.shot("login-locked-tg")


def test_a_form_sent_without_its_csrf_token_is_refused(page):
    page.portal.login("phw")
    page.goto("/children/new")
    page.evaluate("document.querySelector('#registration-form input[name=csrf_token]').remove()")
    with page.expect_navigation():
        page.evaluate("document.getElementById('registration-form').submit()")
    assert "/children/new" in page.url
    assert page.locator("h1").inner_text() == "Мӯҳлати шакл гузашт"  # the form has expired
    answer = page.request.post("/logout", max_redirects=0)
    assert answer.status in (400, 403)


def test_a_provider_is_not_allowed_into_registration(page):
    page.portal.login("provider")
    answer = page.goto("/children/new")
    assert answer.status == 403
    assert re.search("Иҷозат нест", page.locator("h1").inner_text())
    page.portal.shot("provider-refused-tg")
    assert page.locator('a[href="/children/new"]').count() == 0
