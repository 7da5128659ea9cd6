"""What the journeys do on the portal's pages: log in, fill the form, look, check with axe."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from shared.testing.platform import Platform

PASSWORD = "browser-journeys-2026"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@dataclass
class PortalUsers:
    """Usernames of the test users by role."""

    roles: dict[str, str] = field(default_factory=lambda: {
        "phw": "phw", "sah": "sah_worker", "manager": "case_manager",
        "provider": "provider", "admin": "admin", "locked-out": "phw",
        "inspector": "inspector",
    })  # fmt: skip

    def of(self, role: str) -> str:
        """The username of a role."""
        return next(name for name, r in self.roles.items() if r == role)


def child_form(given_name: str, **changes: str) -> dict[str, Any]:
    """A registration as a worker types it; the family's phone and birthday are the name's own,
    so children of different tests never look like duplicates of each other."""
    seed = int.from_bytes(given_name.encode(), "big")
    phone = f"93 {seed % 900 + 100} {seed // 900 % 9000 + 1000}"
    born = f"{seed % 28 + 1:02d}.{seed // 28 % 12 + 1:02d}.{2019 + seed % 5}"
    values = {
        "child.given_name": given_name, "child.family_name": "Раҳимова",
        "child.date_of_birth": born, "child.village": "Гулистон",
        "guardian.name": "Гулнора Раҳимова", "guardian.phone": phone,
    }  # fmt: skip
    values.update(changes)
    return values


def unique_name() -> str:
    """A given name no other test uses (Cyrillic letters only, as intake expects)."""
    letters = "абвгдежзиклмнопрстуфхчшэюя"
    tail = "".join(letters[b % len(letters)] for b in uuid.uuid4().bytes[:6])
    return "Зар" + tail


class Helpers:
    """The journeys' vocabulary, bound to one page."""

    def __init__(self, page, platform: Platform, users: PortalUsers, artefacts: Path) -> None:
        self.page, self.platform, self.users, self.artefacts = page, platform, users, artefacts

    def login(
        self, role: str, password: str = PASSWORD, lang: str | None = "tg", username: str = ""
    ) -> None:
        """Log in through the login form as the test user of a role, in a language (None:
        the one the user's profile remembers)."""
        page = self.page
        page.goto(f"/login?lang={lang}" if lang else "/login")
        page.fill("#f-username", username or self.users.of(role))
        page.fill("#f-password", password)
        page.click("form button[type=submit]")
        page.wait_for_load_state()

    def fill_child(self, values: dict[str, Any], sex: str = "female") -> None:
        """Fill the registration form with values (field name → text)."""
        page = self.page
        for name, value in values.items():
            page.fill(f'[name="{name}"]', value)
        page.check(f'input[name="child.sex"][value="{sex}"]')
        page.check('input[name="consent.data_sharing"][value="true"]')
        page.check('input[name="guardian.sms_consent"]')
        page.check('input[name="screening.concerns"][value="walking"]')

    def shot(self, name: str) -> Path:
        """Save a screenshot of the whole page under artefacts/screenshots/."""
        folder = self.artefacts / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def axe_violations(self) -> list[dict[str, Any]]:
        """Run axe-core's WCAG 2.2 A/AA rules on the page; return the violations."""
        from axe_playwright_python.sync_playwright import Axe

        options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
        results = Axe().run(self.page, options=options)
        return [
            {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in results.response["violations"]
        ]

    def children_named(self, given_name: str) -> list[dict[str, Any]]:
        """Children intake holds with this given name (asked as an admin)."""
        answer = requests.get(
            self.platform.url("intake", "/children"),
            params={"q": given_name},
            headers=self.platform.headers("admin"),
            timeout=10,
        )
        answer.raise_for_status()
        return [c for c in answer.json()["items"] if c["child"]["given_name"] == given_name]


def attach_helpers(page, platform: Platform, users: PortalUsers, artefacts: Path):
    """Give a page the journeys' helpers as page.portal."""
    page.portal = Helpers(page, platform, users, artefacts)
    return page
