"""Fixtures of the portal's tests: an app on a SQLite file with fake APIs, and logins."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient

from services.portal import accounts
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


# Argon2id at the lowest cost it allows. The portal's own hasher costs about 0.2 s of CPU per hash
# or check, which made up two thirds of these tests' time (162 logins, 35 new passwords). The
# production hasher's strength is checked on its own (unit/test_password_hashing.py).
QUICK_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(scope="session", autouse=True)
def production_hasher() -> Iterator[PasswordHasher]:
    """Hash and check passwords cheaply in these tests; yield the hasher the portal runs with."""
    with pytest.MonkeyPatch.context() as patch:
        original = accounts.HASHER
        patch.setattr(accounts, "HASHER", QUICK_HASHER)
        patch.setattr(accounts, "_DUMMY_HASH", QUICK_HASHER.hash("not-a-real-password"))
        yield original


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
