"""/admin/users: an admin creates, edits, disables users and hands out temporary passwords."""

from __future__ import annotations

import re

from services.portal.tests.conftest import csrf_of


def _temporary_password(html: str) -> str:
    notice = re.search(r'class="notice success"[^>]*>([^<]+)<', html).group(1)
    return re.search(r"\b([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})\b", notice).group(1)


def _user_id(client, username: str) -> str:
    page = client.get("/admin/users").text
    return re.search(rf'href="/admin/users/([0-9a-f-]+)">{username}<', page).group(1)


def test_a_new_user_must_change_the_temporary_password_at_first_login(app, client, login):
    token = login(client, "admin")
    form = {"username": "nigora", "name": "Нигора", "role": "phw", "districts": ["rudaki"],
            "language": "ru", "csrf_token": token}  # fmt: skip
    created = client.post("/admin/users", data=form, follow_redirects=True)
    password = _temporary_password(created.text)
    worker = app.test_client()
    login_page = csrf_of(worker.get("/login").text)
    worker.post("/login", data={"username": "nigora", "password": password,
                                "csrf_token": login_page})  # fmt: skip
    assert worker.get("/children/new").headers["Location"].endswith("/account/password")
    token = csrf_of(worker.get("/account/password").text)
    changed = worker.post("/account/password", data={
        "current_password": password, "new_password": "my-own-pass-2026",
        "new_password_again": "my-own-pass-2026", "csrf_token": token})  # fmt: skip
    assert changed.status_code == 303 and worker.get("/children/new").status_code == 200


def test_a_role_without_its_scope_is_refused_next_to_the_field(client, login):
    token = login(client, "admin")
    page = client.post("/admin/users", data={"username": "x1", "role": "phw", "csrf_token": token})
    assert page.status_code == 422 and 'id="f-districts-error"' in page.text


def test_disabling_ends_the_users_sessions(app, client, login):
    worker = app.test_client()
    login(worker, "phw")
    token = login(client, "admin")
    user_id = _user_id(client, "phw")
    client.post(f"/admin/users/{user_id}", data={"action": "disable", "csrf_token": token})
    assert worker.get("/").status_code == 302


def test_only_admins_manage_users(client, login):
    token = login(client, "case_manager")
    assert client.get("/admin/users").status_code == 403
    assert client.post("/admin/users", data={"csrf_token": token}).status_code == 403
