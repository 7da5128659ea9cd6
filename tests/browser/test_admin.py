"""An administrator creates a user; the new user must choose a password at first login."""

from __future__ import annotations

import re

from tests.browser.portal import unique_name


def test_an_admin_creates_a_user_who_then_sets_a_password(page, context):
    page.portal.login("admin", lang="ru")
    page.goto("/admin/users")
    page.portal.shot("admin-users-ru")
    assert page.portal.axe_violations() == []
    username = "u" + unique_name().lower()[3:]
    page.fill("#f-username", username)
    page.fill("#f-name", "Нигора Саидова")
    page.select_option("#f-role", "sah_worker")
    page.select_option("#f-districts", ["rudaki"])
    page.click("form.form button[type=submit]")
    notice = page.locator(".notice.success").inner_text()
    password = re.search(r"\b([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})\b", notice).group(1)
    page.click("#logout-form button")
    page.wait_for_url("**/login*")
    page.portal.login("sah_worker", password=password, username=username)
    page.wait_for_url("**/account/password")
    page.portal.shot("password-change-tg")
    assert page.portal.axe_violations() == []
    page.fill("#f-current_password", password)
    page.fill("#f-new_password", "my-own-password-26")
    page.fill("#f-new_password_again", "my-own-password-26")
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))
    assert page.locator('a[href="/children/new"]').count() > 0


def test_pages_that_need_the_server_say_so_offline(page, context):
    page.portal.login("phw")
    page.goto("/offline")
    page.portal.shot("offline-page-tg")
    assert page.portal.axe_violations() == []
    assert page.locator("main .notice.warning").is_visible()
    page.goto("/account/password")
    context.set_offline(True)
    page.wait_for_function("!navigator.onLine")
    for field in ("current_password", "new_password", "new_password_again"):
        page.fill(f"#f-{field}", "a-password-2026")
    page.click("form.form button[type=submit]")
    assert page.locator("#server-only-note").is_visible()
    assert "/account/password" in page.url
    context.set_offline(False)
