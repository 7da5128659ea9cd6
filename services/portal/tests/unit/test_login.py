"""Login, logout, CSRF, lockout, security headers and the language switch."""

from __future__ import annotations

import re

from services.portal.tests.conftest import PASSWORD, csrf_of


def _login(client, username, password):
    token = csrf_of(client.get("/login").text)
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )


def test_login_redirects_home_with_a_session_cookie_that_scripts_cannot_read(client):
    answer = _login(client, "phw", PASSWORD)
    assert answer.status_code == 303 and answer.headers["Location"] == "/"
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/").status_code == 200


def test_a_login_without_the_csrf_token_is_refused_and_logs_nobody_in(client):
    answer = client.post("/login", data={"username": "phw", "password": PASSWORD})
    assert answer.status_code == 400
    assert client.get("/").status_code == 302


def test_wrong_password_and_unknown_user_get_the_same_message(client):
    wrong = _login(client, "phw", "not-the-password")
    unknown = _login(client, "nobody-here", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    message = re.compile(r'id="login-error">([^<]+)<')
    assert message.search(wrong.text).group(1) == message.search(unknown.text).group(1)


def test_five_failures_lock_the_username_even_with_the_right_password(client):
    for _ in range(5):
        _login(client, "phw", "not-the-password")
    locked = _login(client, "phw", PASSWORD)
    assert locked.status_code == 429
    assert client.get("/").status_code == 302
    ghost = [_login(client, "ghost", "x" * 12) for _ in range(6)][-1]
    assert ghost.status_code == 429  # unknown names lock the same way: nothing is revealed


def test_logout_needs_csrf_and_ends_the_session(client, login):
    token = login(client, "phw")
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/").status_code == 302


def test_every_page_carries_the_security_headers(client):
    headers = client.get("/login").headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] in ("no-referrer", "same-origin")


def test_tajik_is_the_default_and_lang_switches_and_is_remembered(client, login):
    assert '<html lang="tg">' in client.get("/login").text
    assert '<html lang="ru">' in client.get("/login?lang=ru").text
    assert '<html lang="ru">' in client.get("/login").text
    login(client, "phw")
    client.get("/?lang=en")
    fresh = client.application.test_client()
    login(fresh, "phw")
    assert '<html lang="en">' in fresh.get("/").text


def test_a_provider_is_not_allowed_into_registration(client, login):
    login(client, "provider")
    assert client.get("/children/new").status_code == 403
    assert client.get("/admin/users").status_code == 403


def test_health_readiness_and_metrics_answer_without_login(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").json == {"status": "ok", "database": "ok"}
    assert "portal_requests_total" in client.get("/metrics").text


def test_an_idle_session_ends(app, client, login):
    login(client, "phw")
    with client.session_transaction() as session:
        session["seen"] = 0
    assert client.get("/").status_code == 302
