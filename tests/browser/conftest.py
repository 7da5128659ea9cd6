"""Browser journeys: the whole platform with the portal, driven by Chromium at 360×740."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from shared.testing.fixtures import IN_CI
from shared.testing.platform import ROOT, Platform, running_platform
from tests.browser.portal import PASSWORD, PortalUsers, attach_helpers

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
VIEWPORT = {"width": 360, "height": 740}
ARTEFACTS = ROOT / "artefacts"
PROVIDER = {
    "name": "Day-care centre for children with disabilities, Rudaki",
    "organisation": "NGO Example", "service_types": ["day_care"],
    "districts_served": ["rudaki"], "address": "Rudaki, Somoni street 1",
    "phone": "+992 37 222 3344", "places": 30, "min_age": 0, "max_age": 17,
    "languages": ["tg", "ru"], "accredited": True, "active": True,
}  # fmt: skip


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test here is a browser test; together they keep a parallel worker busy about
    130 s, on one worker (`tests/scheduling.py`), so they are handed out first."""
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.long(seconds=130))


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """The system's Chromium (playwright's own download cannot work here)."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).is_file():
        message = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if IN_CI:
            pytest.fail(f"CI: {message}", pytrace=False)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="session")
def platform(
    postgres_url: str, rabbitmq_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Platform]:
    """The portal, four APIs and four workers on fresh databases and a private namespace.

    The databases are copies of the migrated templates; the end-to-end tests' platform runs
    the migration processes as deployed.
    """
    workdir = tmp_path_factory.mktemp("portal")
    with running_platform(postgres_url, rabbitmq_url, workdir, migrate=False) as up:
        yield up


# The users command-line tool, run once for several users: one Python process, not one each.
CREATE_USERS = """
import json, sys
from services.portal.users import main
for argv in json.loads(sys.argv[1]):
    if main(["create", *argv]) != 0:
        sys.exit(1)
"""


def _create_users(platform: Platform, commands: list[list[str]]) -> None:
    env = dict(platform.processes["portal-api"].env)
    argv = [sys.executable, "-c", CREATE_USERS, json.dumps(commands)]
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="session")
def users(platform: Platform) -> PortalUsers:
    """One portal user per role (the provider user works for a provider made here)."""
    answer = requests.post(
        platform.url("referral", "/providers"),
        json=PROVIDER,
        headers=platform.headers("admin"),
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    provider_id = answer.json()["id"]
    names = PortalUsers()
    commands = []
    for username, role in names.roles.items():
        args = ["--username", username, "--password", PASSWORD, "--role", role]
        if role in ("phw", "sah_worker", "case_manager"):
            args += ["--districts", "rudaki"]
        if role == "provider":
            args += ["--provider-id", provider_id]
        commands.append([*args, "--name", f"Тест {role}"])
    _create_users(platform, commands)
    return names


@pytest.fixture(scope="session")
def playwright_instance():
    """Playwright's driver, once per run."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_instance, chromium_path):
    """Chromium from the system packages."""
    chromium = playwright_instance.chromium.launch(
        executable_path=chromium_path, args=CHROMIUM_ARGS
    )
    yield chromium
    chromium.close()


@pytest.fixture
def context(browser, platform):
    """A fresh browser profile with a phone's viewport, pointed at the portal."""
    ctx = browser.new_context(
        viewport=VIEWPORT,
        base_url=platform.url("portal"),
        device_scale_factor=1,
        is_mobile=True,
        has_touch=True,
    )
    # The journeys run beside the fault tests on two cores: a page may wait its turn. No test
    # here asserts on speed (page weights and render times: `python -m bench.portal_budget`).
    ctx.set_default_timeout(30000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context, platform, users):
    """A page of the portal with the journeys' helpers (login, screenshot, axe)."""
    return attach_helpers(context.new_page(), platform, users, ARTEFACTS)


@pytest.fixture
def persistent_profile(playwright_instance, chromium_path, platform, tmp_path):
    """Open Chromium with a profile folder kept on disk, as a phone keeps its browser data."""
    folder = tmp_path / "profile"

    def open_browser():
        return playwright_instance.chromium.launch_persistent_context(
            str(folder),
            executable_path=chromium_path,
            args=CHROMIUM_ARGS,
            viewport=VIEWPORT,
            base_url=platform.url("portal"),
            is_mobile=True,
            has_touch=True,
        )

    return open_browser
