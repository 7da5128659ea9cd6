"""The chosen language holds for every page of the session, forms sent back included."""

from __future__ import annotations


def test_a_form_sent_after_switching_language_answers_in_that_language(client, login):
    token = login(client, "sah_worker")
    assert '<html lang="ru">' in client.get("/children/new?lang=ru").text
    page = client.post("/children/new", data={"csrf_token": token})
    assert page.status_code == 422 and '<html lang="ru">' in page.text


def test_a_language_chosen_on_the_login_page_then_on_a_page_holds_for_forms(client, login):
    client.get("/login?lang=ru")
    token = login(client, "sah_worker")
    assert '<html lang="ru">' in client.get("/children/new?lang=ru").text
    page = client.post("/children/new", data={"csrf_token": token})
    assert page.status_code == 422 and '<html lang="ru">' in page.text
