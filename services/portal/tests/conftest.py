"""Fixtures of the portal's tests: an app on a SQLite file with fake APIs, and logins."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.portal.accounts import create_user
from services.portal.app import create_app
from services.portal.settings import PortalSettings
from services.portal.tests.fakes import FakeApis
from shared.db import Database
from shared.migrations import upgrade
from shared.testing import TEST_JWT_SECRET

PASSWORD = "correct-horse-battery"
PROVIDER_ID = "b0b0b0b0-0000-4000-8000-000000000001"
ROLE_USERS = {
    "phw": {"districts": ["rudaki"]},
    "sah_worker": {"districts": ["rudaki"]},
    "case_manager": {"districts": ["rudaki"]},
    "provider": {"provider_id": PROVIDER_ID},
    "admin": {},
    "inspector": {},
}


@pytest.fixture
def fake_apis() -> FakeApis:
    """The four APIs, answering what each test sets."""
    return FakeApis()


@pytest.fixture(scope="session")
def portal_database(tmp_path_factory) -> Path:
    """A migrated database with one user per role, made once and copied for each test."""
    path = tmp_path_factory.mktemp("portal-template") / "portal.db"
    url = f"sqlite:///{path}"
    upgrade("portal", url)
    db = Database(url)
    with db.session() as session:
        for role, scope in ROLE_USERS.items():
            create_user(
                session,
                username=role.replace("_", "-"),
                password=PASSWORD,
                role=role,
                name=f"Test {role}",
                **scope,
            )
    db.dispose()
    return path


@pytest.fixture
def app(tmp_path, fake_apis, portal_database) -> Flask:
    """A portal with its own SQLite database, one user per role, and fake APIs."""
    path = tmp_path / "portal.db"
    shutil.copyfile(portal_database, path)
    settings = PortalSettings(
        database_url=f"sqlite:///{path}",
        secret_key="s" * 40,
        jwt_secret=TEST_JWT_SECRET,
        testing=True,
    )
    return create_app(settings, apis=fake_apis)


@pytest.fixture
def client(app) -> FlaskClient:
    """A browser-like client of the portal (keeps cookies)."""
    return app.test_client()


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture
def login() -> Callable[[FlaskClient, str], str]:
    """Log a client in as the test user of a role; return a CSRF token for its forms."""

    def log_in(client: FlaskClient, role: str) -> str:
        token = csrf_of(client.get("/login").text)
        answer = client.post(
            "/login",
            data={"username": role.replace("_", "-"), "password": PASSWORD, "csrf_token": token},
        )
        assert answer.status_code == 303, answer.text
        return csrf_of(client.get("/account/password").text)

    return log_in
