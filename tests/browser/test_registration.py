"""A health worker registers children: the SMS, duplicates, field errors, a double tap."""

from __future__ import annotations

import requests

from tests.browser.portal import child_form, unique_name


def _registered_id(page) -> str:
    page.wait_for_url("**/children?registered=*")
    return page.url.rsplit("registered=", 1)[1]


def _sms_of(page, child_id: str) -> list[dict]:
    platform = page.portal.platform
    answer = requests.get(
        platform.url("notifications", "/notifications"),
        params={"child_id": child_id},
        headers=platform.headers("admin"),
        timeout=10,
    )
    return answer.json().get("items", []) if answer.status_code == 200 else []


def test_a_registered_child_appears_in_my_registrations_and_the_family_gets_an_sms(page):
    name = unique_name()
    page.portal.login("phw")
    page.goto("/children/new")
    page.portal.shot("registration-empty-tg")
    assert page.portal.axe_violations() == []
    page.portal.fill_child(child_form(name))
    page.click("#registration-form button[type=submit]")
    child_id = _registered_id(page)
    card = page.locator(f'li[data-child-id="{child_id}"]')
    assert name in card.inner_text()
    page.portal.shot("my-registrations-tg")
    assert page.portal.axe_violations() == []
    sms = page.portal.platform.wait_for(lambda: _sms_of(page, child_id), 60, "the family's SMS")
    assert sms[0]["recipient"] == "guardian" and sms[0]["language"] == "tg"


def test_field_errors_are_shown_next_to_their_fields(page):
    page.portal.login("sah_worker")
    page.goto("/children/new?lang=ru")
    page.portal.fill_child(child_form(unique_name(), **{"guardian.phone": "12"}))
    page.fill('[name="child.date_of_birth"]', "31.02.2023")
    page.click("#registration-form button[type=submit]")
    page.locator("#f-child-date_of_birth-error").wait_for()
    date = page.locator("#f-child-date_of_birth")
    assert date.get_attribute("aria-invalid") == "true"
    assert "f-child-date_of_birth-error" in date.get_attribute("aria-describedby")
    assert page.locator("#f-child-date_of_birth-error").is_visible()
    page.fill('[name="child.date_of_birth"]', "12.04.2023")
    page.click("#registration-form button[type=submit]")
    page.locator("#f-guardian-phone-error").wait_for()
    phone = page.locator("#f-guardian-phone")
    assert phone.get_attribute("aria-invalid") == "true"
    assert "+992" in page.locator("#f-guardian-phone-error").inner_text()
    page.portal.shot("registration-errors-ru")
    assert page.portal.axe_violations() == []


def test_a_likely_duplicate_is_settled_both_ways(page):
    name = unique_name()
    page.portal.login("phw")
    page.goto("/children/new")
    page.portal.fill_child(child_form(name))
    page.click("#registration-form button[type=submit]")
    first = _registered_id(page)
    for choice in ("same", "new"):
        page.goto("/children/new")
        page.portal.fill_child(child_form(name))
        page.click("#registration-form button[type=submit]")
        page.locator("#duplicates").wait_for()
        if choice == "same":
            page.portal.shot("registration-duplicate-tg")
            assert page.portal.axe_violations() == []
            page.click(f'button[name="same_child"][value="{first}"]')
            page.wait_for_load_state()
            assert len(page.portal.children_named(name)) == 1
        else:
            page.click('button[name="confirmed_new"]')
            assert _registered_id(page) != first
    assert len(page.portal.children_named(name)) == 2


def test_a_double_tap_on_save_makes_one_child(page):
    name = unique_name()
    page.portal.login("phw")
    page.goto("/children/new")
    page.portal.fill_child(child_form(name))
    page.dblclick("#registration-form button[type=submit]")
    _registered_id(page)
    assert len(page.portal.children_named(name)) == 1


def test_a_landline_is_accepted_with_a_visible_warning(page):
    page.portal.login("phw")
    page.goto("/children/new")
    page.portal.fill_child(child_form(unique_name(), **{"guardian.phone": "37 222 3344"}))
    page.click("#registration-form button[type=submit]")
    _registered_id(page)
    assert "SMS" in page.locator("#landline-notice").inner_text()
    page.portal.shot("registered-landline-tg")
