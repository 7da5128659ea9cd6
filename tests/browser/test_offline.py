"""Registering with no connection: saved on the phone, sent by itself exactly once."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from tests.browser.portal import PASSWORD, child_form, unique_name


def until(page, predicate: Callable[[], Any], timeout: float, message: str) -> Any:
    """Poll a condition with a deadline while letting the browser's events run."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        page.wait_for_timeout(200)  # keeps Playwright's event loop (and route handlers) running
    panel = page.locator("#queue-panel")
    shown = panel.evaluate("e => e.outerHTML") if panel.count() else "(no queue panel)"
    raise AssertionError(f"timed out after {timeout}s waiting for {message}; {page.url}: {shown}")


def _save_offline(page, context, name: str, double_tap: bool = False) -> None:
    page.goto("/children/new")
    context.set_offline(True)
    page.portal.fill_child(child_form(name))
    button = "#registration-form button[type=submit]"
    page.dblclick(button) if double_tap else page.click(button)
    page.locator("#save-note.success").wait_for()
    page.locator(".queue-item").first.wait_for()


def _unsent(page) -> int:
    return page.evaluate("window.PortalQueue.unsent()")


def _all_sent(page) -> bool:
    return page.locator("#queue-all-sent").count() == 1 and _unsent(page) == 0


def test_sent_exactly_once_after_the_connection_comes_back_twice(page, context):
    name = unique_name()
    page.portal.login("phw")
    _save_offline(page, context, name, double_tap=True)
    assert page.locator(".queue-item").count() == 1  # the double tap saved one registration
    page.portal.shot("offline-saved-tg")
    assert page.portal.axe_violations() == []
    attempts = []

    def lose_the_first_answer(route):
        attempts.append(route.request.headers.get("idempotency-key"))
        if len(attempts) == 1:
            route.fetch()  # the server gets it and makes the child; the answer never arrives
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/children/queue", lose_the_first_answer)
    context.set_offline(False)
    until(page, lambda: attempts, 30, "a first attempt")
    assert not _all_sent(page)
    context.set_offline(True)
    context.set_offline(False)
    until(page, lambda: _all_sent(page), 60, "'all sent' after the second return")
    assert len(set(attempts)) == 1 and len(attempts) >= 2
    assert len(page.portal.children_named(name)) == 1
    page.portal.shot("offline-all-sent-tg")


def test_a_session_that_expired_offline_keeps_the_queue(page, context):
    name = unique_name()
    page.portal.login("sah_worker")
    _save_offline(page, context, name)
    context.clear_cookies()
    context.set_offline(False)
    page.goto("/login")
    page.locator("#queue-waiting-login").wait_for(state="visible")
    page.fill("#f-username", page.portal.users.of("sah_worker"))
    page.fill("#f-password", PASSWORD)
    page.click("form button[type=submit]")
    until(page, lambda: _all_sent(page), 60, "the queue sent after logging in again")
    assert len(page.portal.children_named(name)) == 1


def test_logging_out_with_unsent_work_asks_first(page, context):
    page.portal.login("phw")
    page.route("**/children/queue", lambda route: route.abort("connectionrefused"))
    _save_offline(page, context, unique_name())
    context.set_offline(False)
    page.click("#logout-form button")
    dialog = page.locator("#logout-confirm")
    dialog.wait_for(state="visible")
    assert "1" in page.locator("#logout-confirm-text").inner_text()
    page.portal.shot("logout-confirm-tg")
    page.click("#logout-cancel")
    assert _unsent(page) == 1 and "/login" not in page.url
    page.click("#logout-form button")
    page.click("#logout-anyway")
    page.wait_for_url("**/login*")
    assert _unsent(page) == 0


def test_a_registration_saved_offline_survives_closing_the_browser(persistent_profile, platform):
    name = unique_name()
    browser = persistent_profile()
    page = browser.pages[0] if browser.pages else browser.new_page()
    from tests.browser.conftest import ARTEFACTS
    from tests.browser.portal import PortalUsers, attach_helpers

    attach_helpers(page, platform, PortalUsers(), ARTEFACTS)
    page.portal.login("phw")
    _save_offline(page, browser, name)
    browser.close()
    assert page.portal.children_named(name) == []

    browser = persistent_profile()
    page = attach_helpers(
        browser.pages[0] if browser.pages else browser.new_page(),
        platform,
        PortalUsers(),
        ARTEFACTS,
    )
    page.goto("/")
    until(page, lambda: _all_sent(page), 60, "the queue sent after reopening")
    assert len(page.portal.children_named(name)) == 1
    browser.close()


def test_the_form_opens_offline_from_the_phone_and_each_copy_gets_its_own_key(page, context):
    page.portal.login("phw")
    page.goto("/children/new")
    page.wait_for_function(
        "navigator.serviceWorker.ready.then(r => caches.open('portal-shell-v4'))"
        ".then(c => c.match('/children/new')).then(r => !!r)"
    )
    page.reload()  # now controlled by the service worker
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    context.set_offline(True)
    keys = set()
    for _ in range(2):
        page.goto("/children/new")
        assert page.locator("#registration-form").is_visible()
        keys.add(page.input_value("input[name=idempotency_key]"))
    assert len(keys) == 2
    context.set_offline(False)
